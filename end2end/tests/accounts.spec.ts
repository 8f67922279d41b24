import { test, expect } from '@playwright/test';
import { createOrganization, hydrated, signUpAndVerify, uniqueEmail } from './helpers';

test('sign up, create two organizations and switch between them', async ({ page }) => {
  const suffix = Math.floor(Math.random() * 1e9).toString(36);
  await signUpAndVerify(page, 'Grace Hopper', uniqueEmail('grace'));
  await expect(page.getByRole('heading', { name: 'Create your organization' })).toBeVisible();
  await createOrganization(page, 'Hopper Valves', `hopper-${suffix}`);
  await expect(page.getByText(/Free trial: 1[34] days left/)).toBeVisible();

  await page.goto('/app/new');
  await hydrated(page);
  await createOrganization(page, 'Cobol Castings', `cobol-${suffix}`);

  // The switcher lists both with the role; choosing one opens it.
  await page.locator('.org-switcher summary').click();
  const switcher = page.getByRole('navigation', { name: 'Your organizations' });
  await expect(switcher.getByRole('listitem')).toHaveCount(2);
  await switcher.getByRole('link', { name: /Hopper Valves/ }).click();
  await expect(page).toHaveURL(new RegExp(`/app/hopper-${suffix}$`));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Welcome to Hopper Valves');

  await hydrated(page);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto('/app');
  await expect(page).toHaveURL(/\/login$/);
});

test('a wrong password is refused with a clear message', async ({ page }) => {
  await page.goto('/login');
  await hydrated(page);
  await page.getByLabel('Email').fill(uniqueEmail('nobody'));
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toContainText('Email or password is incorrect.');
});

test('the app asks visitors to sign in', async ({ page }) => {
  await page.goto('/app');
  await expect(page).toHaveURL(/\/login$/);
});

test('the members page lists the owner and offers the only owner no way out', async ({ page }) => {
  const suffix = Math.floor(Math.random() * 1e9).toString(36);
  await signUpAndVerify(page, 'Mary Jackson', uniqueEmail('mary'));
  await createOrganization(page, 'Jackson Foundry', `jackson-${suffix}`);

  await page.getByRole('link', { name: 'Members' }).click();
  await expect(page).toHaveURL(new RegExp(`/app/jackson-${suffix}/members$`));
  const row = page.getByRole('row', { name: /Mary Jackson \(you\)/ });
  await expect(row.getByRole('cell', { name: 'Owner', exact: true })).toBeVisible();
  await expect(row.getByRole('button')).toHaveCount(0);
});
