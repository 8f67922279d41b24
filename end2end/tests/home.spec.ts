import { test, expect, type Page } from '@playwright/test';

/** Collects console errors so a test can assert there were none. */
function watchConsole(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('pageerror', (err) => errors.push(err.message));
  return errors;
}

test('home page hydrates and the estimator answers from the server', async ({ page }) => {
  const errors = watchConsole(page);
  await page.goto('/');
  await expect(page).toHaveTitle(/CapLiquify/);
  await expect(page.locator('body[data-hydrated="true"]')).toBeAttached();

  await page.getByLabel('Annual revenue').fill('36500000');
  await page.getByLabel('Days sales outstanding').fill('45');
  await page.getByLabel('Days inventory outstanding').fill('60');
  await page.getByLabel('Days payables outstanding').fill('30');
  await page.getByRole('button', { name: 'Estimate' }).click();

  await expect(page.getByTestId('ccc')).toHaveText('75 days');
  await expect(page.getByTestId('cash-tied-up')).toHaveText('7500000');
  expect(errors).toEqual([]);
});

test('bad input shows the server message and no result', async ({ page }) => {
  await page.goto('/');
  await expect(page.locator('body[data-hydrated="true"]')).toBeAttached();
  await page.getByLabel('Days sales outstanding').fill('-4');
  await page.getByRole('button', { name: 'Estimate' }).click();
  await expect(page.locator('.estimate-result .error')).toContainText('zero or more');
  await expect(page.getByTestId('ccc')).toHaveCount(0);
});

test('unknown pages show the not-found page with status 404', async ({ page }) => {
  const response = await page.goto('/no-such-page');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('We could not find that page');
});
