import { defineConfig } from '@playwright/test';

// Runs against a server the caller started (scripts/test.sh) at BASE_URL, in Debian's
// Chromium: Playwright cannot download browsers on our machines.
export default defineConfig({
  testDir: './tests',
  // Whole walks (every public page, the operator console) visit a dozen pages with axe
  // checks each, which takes 20-30 s on a busy two-core machine; a stalled page still
  // fails within its own 5 s expectation.
  timeout: 60_000,
  retries: 0,
  workers: 2,
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    baseURL: process.env.BASE_URL ?? 'http://127.0.0.1:3000',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        '--disable-sync',
      ],
    },
  },
});
