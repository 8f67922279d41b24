import { test, expect } from '@playwright/test';
import { createOrganization, signUpAndVerify, uniqueEmail } from './helpers';

test('an owner in trial sees the plans on the billing page', async ({ page }, testInfo) => {
  const suffix = Math.floor(Math.random() * 1e9).toString(36);
  await signUpAndVerify(page, 'Lillian Gilbreth', uniqueEmail('lillian'));
  await createOrganization(page, 'Gilbreth Gears', `gilbreth-${suffix}`);
  await page.getByRole('link', { name: 'Billing' }).click();
  await expect(page.getByRole('heading', { name: 'Billing for Gilbreth Gears' })).toBeVisible();
  await expect(page.getByText(/Free trial with everything in Professional: 1[34] day\(s\) left/)).toBeVisible();
  for (const plan of ['Starter', 'Professional', 'Enterprise']) {
    await expect(page.getByRole('region', { name: plan })).toBeVisible();
  }
  // This test server has no Stripe keys: it says so instead of offering checkout.
  await expect(page.getByText('Payments are not set up on this server')).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('billing.png'), fullPage: true });
});

test('the pricing page lists the plans from the catalogue', async ({ page }) => {
  await page.goto('/pricing');
  await expect(page).toHaveTitle(/Pricing/);
  for (const plan of ['Starter', 'Professional', 'Enterprise']) {
    await expect(page.getByRole('region', { name: plan })).toBeVisible();
  }
  await expect(page.getByRole('region', { name: 'Starter' })).toContainText('$149 per month');
  await page.getByRole('link', { name: 'Annual' }).click();
  await expect(page.getByRole('region', { name: 'Starter' })).toContainText('$1,490 per year');
  await expect(page.getByRole('region', { name: 'Enterprise' })).toContainText('Unlimited members');
});
