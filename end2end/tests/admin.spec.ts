import { readFile } from 'node:fs/promises';
import { test, expect, type Page } from '@playwright/test';
import { createOrganization, expectAccessible, hydrated, signUpAndVerify, uniqueEmail } from './helpers';
import { totp } from './totp';

// scripts/test.sh creates this operator with `capliquify admin create` before the run.
const operatorEmail = process.env.OPERATOR_EMAIL ?? 'operator@capliquify.test';
const operatorPassword = process.env.OPERATOR_PASSWORD ?? 'an operator password';

async function signInWithPassword(page: Page) {
  await page.goto('/operators/sign-in');
  await hydrated(page);
  await page.getByLabel('Email').fill(operatorEmail);
  await page.getByLabel('Password').fill(operatorPassword);
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page).toHaveURL(/\/operators\/two-factor$/);
  await hydrated(page);
}

test('an operator signs in with TOTP, suspends and reactivates a tenant, and exports the audit log', async ({
  page,
  browser,
}, testInfo) => {
  const suffix = Math.floor(Math.random() * 1e9).toString(36);
  const slug = `taylor-${suffix}`;
  await signUpAndVerify(page, 'Frederick Taylor', uniqueEmail('taylor'));
  await createOrganization(page, 'Taylor Tools', slug);

  // Tenant users, even owners, find no console.
  const hidden = await page.goto('/admin');
  expect(hidden?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'We could not find that page' })).toBeVisible();

  const ops = await (await browser.newContext()).newPage();
  await signInWithPassword(ops);
  // The password alone does not open the console.
  expect((await ops.request.get('/admin')).status()).toBe(404);

  // First sign-in: enrol an authenticator (the secret is what the QR code holds).
  await expect(ops.getByRole('heading', { name: 'Set up two-factor authentication' })).toBeVisible();
  await expect(ops.getByRole('img', { name: /QR code/ })).toBeVisible();
  await expectAccessible(ops, 'two-factor enrolment');
  const secret = (await ops.locator('code.totp-secret').textContent())!.trim();
  await ops.getByLabel('Code from the app').fill(totp(secret));
  await ops.getByRole('button', { name: 'Turn on two-factor authentication' }).click();
  await expect(ops.locator('.recovery-codes li')).toHaveCount(10);
  await ops.screenshot({ path: testInfo.outputPath('recovery-codes.png') });
  await ops.getByRole('link', { name: 'Continue to the console' }).click();
  await expect(ops.getByRole('heading', { name: 'Revenue' })).toBeVisible();

  // Sign out, and back in with a code (the next one: each code works once).
  await ops.getByRole('button', { name: 'Sign out' }).click();
  await expect(ops).toHaveURL(/\/operators\/sign-in$/);
  await signInWithPassword(ops);
  await ops.getByLabel('Code').fill(totp(secret, Date.now() + 30_000));
  await ops.getByRole('button', { name: 'Sign in' }).click();
  await expect(ops).toHaveURL(/\/admin$/);
  await expect(ops.getByRole('heading', { name: 'Revenue' })).toBeVisible();
  await expect(ops.getByRole('img', { name: /Monthly recurring revenue/ })).toBeVisible();
  await expectAccessible(ops, 'revenue');
  await ops.screenshot({ path: testInfo.outputPath('revenue.png'), fullPage: true });

  // Find the tenant and suspend it, with a reason.
  await ops.goto('/admin/health');
  await expect(ops.getByRole('heading', { name: 'System health' })).toBeVisible();
  await expect(ops.getByRole('heading', { name: 'Database' })).toBeVisible();
  await expectAccessible(ops, 'health');
  await ops.screenshot({ path: testInfo.outputPath('health.png'), fullPage: true });
  await ops.getByRole('link', { name: 'Tenants' }).click();
  await hydrated(ops);
  await expectAccessible(ops, 'tenants');
  await ops.getByLabel('Search').fill(slug);
  await ops.getByRole('button', { name: 'Filter' }).click();
  await ops.getByRole('link', { name: 'Taylor Tools' }).click();
  await expect(ops.getByRole('heading', { name: 'Taylor Tools' })).toBeVisible();
  await hydrated(ops);
  const suspend = ops.getByRole('form', { name: 'Suspend' });
  await suspend.getByLabel(/Reason/).fill('Card reported stolen');
  await suspend.getByRole('button', { name: 'Suspend' }).click();
  await expect(ops.locator('.tenant-status')).toHaveText('suspended by operator');
  // No reason is carried over to the next action.
  await expect(ops.getByRole('form', { name: 'Reactivate' }).getByLabel(/Reason/)).toHaveValue('');
  await ops.screenshot({ path: testInfo.outputPath('tenant-suspended.png'), fullPage: true });
  await expectAccessible(ops, 'tenant page');

  // The tenant's users are locked out.
  await page.goto(`/app/${slug}`);
  await expect(page.getByRole('heading', { name: 'This organization is not available' })).toBeVisible();
  await expect(page.getByText(/suspended by CapLiquify/)).toBeVisible();

  const reactivate = ops.getByRole('form', { name: 'Reactivate' });
  await reactivate.getByLabel(/Reason/).fill('Card replaced, verified by phone');
  await reactivate.getByRole('button', { name: 'Reactivate' }).click();
  await expect(ops.locator('.tenant-status')).not.toHaveText('suspended by operator');

  await page.goto(`/app/${slug}`);
  await expect(page.getByRole('heading', { name: 'Welcome to Taylor Tools' })).toBeVisible();

  // The audit log, filtered to this tenant, and its CSV export.
  await ops.goto(`/admin/audit?tenant=${slug}`);
  await expect(ops.getByRole('cell', { name: 'tenant.suspended' })).toBeVisible();
  await expect(ops.getByRole('cell', { name: 'tenant.reactivated' })).toBeVisible();
  await expectAccessible(ops, 'audit log');
  await ops.screenshot({ path: testInfo.outputPath('audit.png'), fullPage: true });
  const download = ops.waitForEvent('download');
  await ops.getByRole('link', { name: 'Export CSV' }).click();
  const file = await (await download).path();
  const csv = await readFile(file!, 'utf8');
  expect(csv.split('\n')[0]).toBe('id,occurred_at,actor_kind,actor,tenant,action,target,ip,details');
  expect(csv).toContain('tenant.suspended');
  expect(csv).toContain('Card reported stolen');
  expect(csv).not.toContain('user.signed_in,');
  await hydrated(ops);
  await ops.getByRole('button', { name: 'Verify the hash chain' }).click();
  await expect(ops.locator('.chain-status')).toContainText('Intact');
});
