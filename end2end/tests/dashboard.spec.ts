import { test, expect } from '@playwright/test';
import {
  createOrganization,
  expectAccessible,
  hydrated,
  signUpAndVerify,
  uniqueEmail,
} from './helpers';

test('loading sample data fills the working-capital dashboard', async ({ page }, testInfo) => {
  const suffix = Math.floor(Math.random() * 1e9).toString(36);
  await signUpAndVerify(page, 'Henry Gantt', uniqueEmail('henry'));
  await createOrganization(page, 'Gantt Gearworks', `gantt-${suffix}`);
  await expect(page.getByRole('heading', { name: 'No data yet' })).toBeVisible();
  await hydrated(page);
  await page.getByRole('button', { name: 'Load sample data' }).click();

  await expect(page.getByRole('heading', { name: /Working capital as of/ })).toBeVisible({ timeout: 20_000 });
  await expect(page.getByRole('heading', { name: 'Cash conversion cycle', exact: true })).toBeVisible();
  await expect(page.locator('.tile .value').first()).toHaveText(/\d+ days/);
  await expect(page.getByRole('img', { name: /Overdue receivables by days past due/ })).toBeVisible();
  await expectAccessible(page, 'dashboard');
  await page.screenshot({ path: testInfo.outputPath('dashboard.png'), fullPage: true });
  await page.setViewportSize({ width: 375, height: 800 });
  await expectAccessible(page, 'dashboard on a phone');
  await page.screenshot({ path: testInfo.outputPath('dashboard-375.png'), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 720 });

  // Rendered on the server: the charts are in the HTML itself.
  const html = await (await page.request.get(page.url())).text();
  expect(html).toContain('<svg class="chart"');
});
