import { test, expect } from '@playwright/test';
import { hydrated, signUpAndVerify, uniqueEmail } from './helpers';

test('the onboarding wizard from start to finish, resumable after leaving', async ({ page }) => {
  const suffix = Math.floor(Math.random() * 1e9).toString(36);
  const slug = `wizard-${suffix}`;
  await signUpAndVerify(page, 'Lillian Moller', uniqueEmail('lillian'));
  await expect(page.getByText('Step 1 of 4')).toBeVisible();
  await page.getByLabel('Company name').fill('Moller Motors');
  await page.getByLabel(/Address/).fill(slug);
  await page.getByLabel('Industry').fill('Electric motors');
  await page.getByLabel('Currency').selectOption('USD');
  await page.getByRole('button', { name: 'Create organization' }).click();

  await expect(page).toHaveURL(new RegExp(`/app/${slug}/welcome$`));
  await expect(page.getByText('Step 2 of 4')).toBeVisible();
  await hydrated(page);
  await page.getByRole('button', { name: 'Load sample data' }).click();
  await expect(page.getByText('Sample data loaded')).toBeVisible({ timeout: 20_000 });
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page.getByText('Step 3 of 4')).toBeVisible();

  // Leave, and come back to the same step from the dashboard's banner.
  await page.goto(`/app/${slug}`);
  await expect(page.getByText('Finish setting up: step 3 of 4.')).toBeVisible();
  await page.getByRole('link', { name: 'Continue setup' }).click();
  await expect(page.getByText('Step 3 of 4')).toBeVisible();
  await page.getByRole('button', { name: 'Back' }).click();
  await expect(page.getByText('Step 2 of 4')).toBeVisible();
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page.getByText('Step 4 of 4')).toBeVisible();
  await page.getByRole('button', { name: 'Continue with the free trial' }).click();

  await expect(page).toHaveURL(new RegExp(`/app/${slug}$`));
  await expect(page.getByRole('heading', { name: /Working capital as of/ })).toBeVisible();
  await expect(page.getByText('Finish setting up')).toHaveCount(0);
  await expect(page.locator('.tile').filter({ hasText: 'Working capital tied up' }).locator('.value')).toHaveText(/^\$/);
});
