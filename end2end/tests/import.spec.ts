import { test, expect } from '@playwright/test';
import { createOrganization, hydrated, openEmail, signUpAndVerify, uniqueEmail } from './helpers';

test('importing products and stock from CSV fills the dashboard; a viewer cannot edit', async ({ page }) => {
  const suffix = Math.floor(Math.random() * 1e9).toString(36);
  const slug = `import-${suffix}`;
  await signUpAndVerify(page, 'Grace Import', uniqueEmail('gi'));
  await createOrganization(page, 'Import Works', slug);
  await expect(page.getByRole('heading', { name: 'No data yet' })).toBeVisible();

  const upload = async (kind: string, csv: string) => {
    await page.goto(`/app/${slug}/import`);
    await page.getByLabel('The file holds').selectOption(kind);
    await page.getByLabel(/CSV file/).setInputFiles({ name: `${kind}.csv`, mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('button', { name: 'Upload and check' }).click();
    await expect(page).toHaveURL(new RegExp(`/app/${slug}/import/[0-9a-f-]+$`));
  };

  // A file with a mistake: the report names the spreadsheet row (the header is row 1)
  // and the column; nothing is saved.
  await upload('products', 'sku,name,unit_cost,unit_price\nVAL-001,Ball valve,twelve,24.90\n');
  await expect(page.getByRole('row', { name: /2 Unit cost/ })).toBeVisible();
  await expect(page.getByRole('button', { name: /^Import/ })).toHaveCount(0);

  await upload('products', 'sku,name,unit_cost,unit_price\nVAL-001,Ball valve,12.50,24.90\nBRG-001,Bearing,4,9\n');
  await expect(page.getByText('All 2 rows are valid.')).toBeVisible();
  await page.getByRole('button', { name: 'Import 2 rows' }).click();
  await expect(page.getByText('Imported 2 rows.')).toBeVisible();

  await upload('inventory', 'sku,location,on_hand\nVAL-001,MAIN,1000\nBRG-001,MAIN,500\n');
  await page.getByRole('button', { name: 'Import 2 rows' }).click();
  await expect(page.getByText('Imported 2 rows.')).toBeVisible();

  await page.goto(`/app/${slug}`);
  const tile = page.locator('.tile').filter({ hasText: 'Working capital tied up' });
  await expect(tile.locator('.value')).toHaveText('€14,500'); // 1000 × 12.50 + 500 × 4

  // A viewer sees the products but no way to change them.
  const viewerEmail = uniqueEmail('viewer');
  await page.getByRole('link', { name: 'Members' }).click();
  await expect(page.getByRole('heading', { name: 'Members', level: 1 })).toBeVisible();
  await hydrated(page);
  await page.getByLabel('Email').fill(viewerEmail);
  await page.getByLabel('Role').selectOption('viewer');
  await page.getByRole('button', { name: 'Send invitation' }).click();
  await expect(page.getByRole('status')).toHaveText('Invitation sent.');
  await page.context().clearCookies();
  await openEmail(page, viewerEmail, /invited you to Import Works/);
  await page.getByRole('link', { name: 'Accept the invitation' }).click();
  await page.getByRole('link', { name: 'Create my account' }).click();
  await page.getByLabel('Your name').fill('Val Viewer');
  await page.getByLabel(/Password/).fill('a long enough password');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(new RegExp(`/app/${slug}$`));
  await page.goto(`/app/${slug}/products`);
  await expect(page.getByRole('row', { name: /VAL-001/ })).toBeVisible();
  await expect(page.getByRole('link', { name: 'New product' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Deactivate' })).toHaveCount(0);
});
