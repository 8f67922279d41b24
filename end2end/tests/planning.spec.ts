import { execFileSync } from 'node:child_process';
import { test, expect } from '@playwright/test';
import { createOrganization, expectAccessible, hydrated, signUpAndVerify, uniqueEmail } from './helpers';

test('a Professional organization runs a forecast and saves a what-if scenario', async ({ page }, testInfo) => {
  const suffix = Math.floor(Math.random() * 1e9).toString(36);
  const slug = `harris-${suffix}`;
  await signUpAndVerify(page, 'Ford Harris', uniqueEmail('harris'));
  // A new organization is on the trial, which has everything in Professional.
  await createOrganization(page, 'Harris Hydraulics', slug);
  await hydrated(page);
  await page.getByRole('button', { name: 'Load sample data' }).click();
  await expect(page.getByRole('heading', { name: /Working capital as of/ })).toBeVisible({ timeout: 20_000 });

  await page.getByRole('link', { name: 'Forecasts', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Demand forecasting', level: 1 })).toBeVisible();
  await hydrated(page);
  await page.getByLabel('Months ahead').selectOption('6');
  await page.getByRole('button', { name: 'Run forecast' }).click();
  const products = page.getByRole('heading', { name: 'Products: next 6 months' });
  await expect(products).toBeVisible({ timeout: 60_000 });
  await expect(page.getByRole('heading', { name: 'Suggested stock, at cost' })).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('forecasts.png'), fullPage: true });
  await expectAccessible(page, 'forecasts');
  await page.locator('table.forecasts tbody tr').first().getByRole('link').click();
  await expect(page.getByRole('img', { name: /forecast with its 80% interval/ })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Reorder point' })).toBeVisible();
  await expectAccessible(page, 'product forecast');
  await page.screenshot({ path: testInfo.outputPath('product-forecast.png'), fullPage: true });

  await page.goto(`/app/${slug}/scenarios`);
  await expect(page.getByRole('heading', { name: 'What-if scenarios', level: 1 })).toBeVisible();
  await hydrated(page);
  await page.getByLabel('Name').fill('Collect 10 days sooner');
  await page.getByLabel(/Customer payment days/).fill('-10');
  await page.getByRole('button', { name: 'Save scenario' }).click();
  await expect(page.getByRole('columnheader', { name: 'Collect 10 days sooner' })).toBeVisible();
  // The form is ready for the next scenario.
  await expect(page.getByLabel('Name')).toHaveValue('');
  const released = page.getByRole('row', { name: /Cash from working capital/ });
  await expect(released.getByRole('cell').nth(1)).not.toHaveText(/^(\$0|−)/);
  await expect(page.getByRole('img', { name: /Cumulative cash effect/ })).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('scenarios.png'), fullPage: true });
  await expectAccessible(page, 'scenarios');

  // Out-of-range levers get a message at the field and change nothing.
  await page.getByLabel('Name').fill('Impossible');
  await page.getByLabel(/Customer payment days/).fill('400');
  await page.getByRole('button', { name: 'Save scenario' }).click();
  await expect(page.getByText('Change days by −180 to +180.')).toBeVisible();
  await expect(page.getByRole('columnheader', { name: 'Impossible' })).toHaveCount(0);
});

test('a Starter organization sees what forecasting and scenarios would do and how to upgrade', async ({ page }) => {
  const suffix = Math.floor(Math.random() * 1e9).toString(36);
  const slug = `starter-${suffix}`;
  await signUpAndVerify(page, 'Lillian Moller', uniqueEmail('moller'));
  await createOrganization(page, 'Moller Mills', slug);
  // Put the organization on a paid Starter plan (what a Starter checkout leaves behind).
  execFileSync('psql', [
    process.env.E2E_DATABASE_URL!,
    '-qc',
    `UPDATE tenants SET status = 'active', plan = 'starter', trial_ends_at = NULL WHERE slug = '${slug}'`,
  ]);
  for (const [path, title] of [
    ['forecasts', 'Demand forecasting'],
    ['scenarios', 'What-if scenarios'],
    ['integrations', 'Integrations and API'],
  ]) {
    await page.goto(`/app/${slug}/${path}`);
    const prompt = page.getByRole('region', { name: title });
    await expect(prompt).toBeVisible();
    await expect(prompt).toContainText(/Starter/);
    await expect(prompt.getByRole('link', { name: 'See plans and upgrade' })).toHaveAttribute(
      'href',
      `/app/${slug}/billing`,
    );
    await expectAccessible(page, `${path} upgrade prompt`);
  }
});

test('an Enterprise owner creates an API key, calls the API with it, and revokes it', async ({ page, request }, testInfo) => {
  const suffix = Math.floor(Math.random() * 1e9).toString(36);
  const slug = `gilbreth-${suffix}`;
  await signUpAndVerify(page, 'Frank Gilbreth', uniqueEmail('frank'));
  await createOrganization(page, 'Gilbreth Motion', slug);
  execFileSync('psql', [
    process.env.E2E_DATABASE_URL!,
    '-qc',
    `UPDATE tenants SET status = 'active', plan = 'enterprise' WHERE slug = '${slug}'`,
  ]);
  await page.goto(`/app/${slug}/integrations`);
  await expect(page.getByRole('heading', { name: 'Integrations and API', level: 1 })).toBeVisible();
  await hydrated(page);
  await page.getByLabel('Name', { exact: true }).first().fill('ERP sync');
  await page.getByLabel('Access').selectOption('read');
  await page.getByRole('button', { name: 'Create key' }).click();
  const shown = page.locator('code.api-key');
  await expect(shown).toHaveText(/^cql_/);
  const key = (await shown.textContent())!;
  await expectAccessible(page, 'integrations');
  await page.screenshot({ path: testInfo.outputPath('integrations.png'), fullPage: true });

  const ok = await request.get('/api/v1/products', { headers: { Authorization: `Bearer ${key}` } });
  expect(ok.status()).toBe(200);
  expect((await ok.json()).data).toEqual([]);

  // The list shows the key's start and that it was used, never the key itself.
  await page.reload();
  await expect(page.getByRole('cell', { name: 'ERP sync', exact: true })).toBeVisible();
  await expect(page.getByText(key)).toHaveCount(0);
  await hydrated(page);
  await page.getByRole('button', { name: 'Revoke ERP sync' }).click();
  await expect(page.getByText(/^revoked /)).toBeVisible();
  const refused = await request.get('/api/v1/products', { headers: { Authorization: `Bearer ${key}` } });
  expect(refused.status()).toBe(401);
});
