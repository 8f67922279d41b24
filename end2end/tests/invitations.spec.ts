import { test, expect } from '@playwright/test';
import {
  createOrganization,
  hydrated,
  openEmail,
  password,
  signUpAndVerify,
  uniqueEmail,
} from './helpers';

test('an owner invites a colleague, who signs up from the email and lands in the organization', async ({
  page,
  browser,
}) => {
  const suffix = Math.floor(Math.random() * 1e9).toString(36);
  const slug = `lovelace-${suffix}`;
  await signUpAndVerify(page, 'Ada Lovelace', uniqueEmail('ada'));
  await createOrganization(page, 'Lovelace Looms', slug);

  await page.getByRole('link', { name: 'Members' }).click();
  await hydrated(page);
  const colleague = uniqueEmail('charles');
  await page.getByLabel('Email').fill(colleague);
  await page.getByLabel('Role').selectOption('member');
  await page.getByRole('button', { name: 'Send invitation' }).click();
  await expect(page.getByRole('status')).toHaveText('Invitation sent.');
  await expect(page.getByRole('row', { name: new RegExp(colleague) })).toBeVisible();

  // The colleague, in a browser of their own, follows the link in the email.
  const context = await browser.newContext();
  const other = await context.newPage();
  await openEmail(other, colleague, /invited you to Lovelace Looms/);
  await other.getByRole('link', { name: 'Accept the invitation' }).click();
  await expect(other.getByRole('heading', { name: 'Join Lovelace Looms on CapLiquify' })).toBeVisible();
  await other.getByRole('link', { name: 'Create my account' }).click();
  await hydrated(other);
  await expect(other.getByLabel('Work email')).toHaveValue(colleague);
  await other.getByLabel('Your name').fill('Charles Babbage');
  await other.getByLabel(/Password/).fill(password);
  await other.getByRole('button', { name: 'Create account' }).click();
  await expect(other).toHaveURL(new RegExp(`/app/${slug}$`));
  await expect(other.getByRole('heading', { level: 1 })).toHaveText('Welcome to Lovelace Looms');

  // The link is used up and says so.
  await other.goBack();
  await openEmail(other, colleague, /invited you to Lovelace Looms/);
  await other.getByRole('link', { name: 'Accept the invitation' }).click();
  await expect(other.getByRole('heading', { name: 'This invitation has already been used' })).toBeVisible();
  await context.close();

  // The owner sees the new member and no pending invitation.
  await page.reload();
  await expect(page.getByRole('row', { name: /Charles Babbage/ })).toBeVisible();
  await expect(page.getByText('No invitations waiting.')).toBeVisible();
});

test('a forgotten password is reset from the emailed link', async ({ page }) => {
  const email = uniqueEmail('kat');
  await signUpAndVerify(page, 'Katherine Johnson', email);
  await page.context().clearCookies(); // another day, signed out

  await page.goto('/login');
  await hydrated(page);
  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  await hydrated(page);
  await page.getByLabel('Email').fill(email);
  await page.getByRole('button', { name: 'Email me a link' }).click();
  await expect(page.getByRole('heading', { name: 'Check your inbox' })).toBeVisible();

  await openEmail(page, email, /Reset your CapLiquify password/);
  await page.getByRole('link', { name: 'Choose a new password' }).click();
  await hydrated(page);
  await page.getByLabel(/New password/).fill('short');
  await page.getByLabel(/New password/).evaluate((el) => el.removeAttribute('minlength'));
  await page.getByRole('button', { name: 'Save and sign in' }).click();
  await expect(page.getByText(/at least 10 characters/).last()).toBeVisible();
  await page.getByLabel(/New password/).fill('a brand new password');
  await page.getByRole('button', { name: 'Save and sign in' }).click();
  await expect(page).toHaveURL(/\/app$/);
});
