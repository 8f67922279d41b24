import { test, expect } from '@playwright/test';
import { createOrganization, hydrated, signUpAndVerify, uniqueEmail } from './helpers';

test('an editor adds a product with messages at the fields', async ({ page }, testInfo) => {
  const suffix = Math.floor(Math.random() * 1e9).toString(36);
  await signUpAndVerify(page, 'Frank Gilbreth', uniqueEmail('frank'));
  await createOrganization(page, 'Gilbreth Tools', `tools-${suffix}`);
  await page.getByRole('link', { name: 'Products', exact: true }).click();
  await expect(page.getByText('No products match.')).toBeVisible();
  await hydrated(page);
  await page.getByRole('link', { name: 'New product' }).click();
  await hydrated(page);
  await page.getByLabel('SKU').fill('VAL-001');
  await page.getByLabel('Name').fill('Ball valve');
  await page.getByLabel('Unit cost').fill('twelve');
  await page.getByLabel('Unit price').fill('20');
  await page.getByLabel('Lead time (days)').fill('14');
  await page.getByRole('button', { name: 'Save product' }).click();
  await expect(page.getByText('Enter an amount of zero or more, e.g. 12.50.')).toBeVisible();
  await page.getByLabel('Unit cost').fill('12.50');
  await page.getByRole('button', { name: 'Save product' }).click();
  await expect(page).toHaveURL(new RegExp(`/app/tools-${suffix}/products$`));
  await expect(page.getByRole('row', { name: /VAL-001 Ball valve/ })).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('products.png'), fullPage: true });
});
