import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

export const password = 'a long enough password';

export function uniqueEmail(prefix: string): string {
  return `${prefix}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
}

/** Waits until the page is interactive (the app marks the body once hydrated). */
export async function hydrated(page: Page) {
  await expect(page.locator('body[data-hydrated="true"]')).toBeAttached();
}

/**
 * Opens the newest email to `to` in the dev mailbox (the server runs without SMTP)
 * whose subject matches `subject`, waiting for the worker to deliver it.
 */
export async function openEmail(page: Page, to: string, subject: RegExp) {
  const row = page.getByRole('row').filter({ hasText: to }).filter({ hasText: subject }).first();
  await expect(async () => {
    await page.goto('/dev/mailbox');
    await expect(row).toBeVisible({ timeout: 500 });
  }).toPass({ timeout: 15_000 });
  await row.getByRole('link', { name: subject }).click();
}

/** Signs up through the form and confirms the address from the emailed link. */
export async function signUpAndVerify(page: Page, name: string, email: string) {
  await page.goto('/signup');
  await hydrated(page);
  await page.getByLabel('Your name').fill(name);
  await page.getByLabel('Work email').fill(email);
  await page.getByLabel(/Password/).fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(/\/check-email/);
  await expect(page.getByRole('heading', { name: 'Check your inbox' })).toBeVisible();

  await openEmail(page, email, /Confirm your email address/);
  await page.getByRole('link', { name: 'Confirm my email address' }).click();
  await expect(page).toHaveURL(/\/verify-email\?token=/);
  await hydrated(page);
  await page.getByRole('button', { name: 'Confirm my email address' }).click();
  await expect(page).toHaveURL(/\/app$/);
}

/** Creates an organization from /app (or /app/new), skips the wizard and waits for its home page. */
export async function createOrganization(page: Page, name: string, slug: string) {
  await page.getByLabel('Company name').fill(name);
  await page.getByLabel(/Address/).fill(slug);
  await page.getByRole('button', { name: 'Create organization' }).click();
  // The onboarding wizard follows; these tests skip it (onboarding.spec.ts walks it).
  await expect(page).toHaveURL(new RegExp(`/app/${slug}/welcome$`));
  await page.getByRole('button', { name: 'Skip setup' }).click();
  await expect(page).toHaveURL(new RegExp(`/app/${slug}$`));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Welcome to ${name}`);
}

/** Expects no WCAG 2.1 A/AA violations on the page as it is now, and a page that fits
 * the window's width. */
export async function expectAccessible(page: Page, what: string) {
  const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(' ')}`), what).toEqual([]);
  await expectFitsWindow(page, what);
}

/** Expects no sideways scrolling of the whole page (wide tables scroll in their own box). */
async function expectFitsWindow(page: Page, what: string) {
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow, `${what}: wider than the window by ${overflow}px`).toBeLessThanOrEqual(0);
}
