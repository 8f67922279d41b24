import { test, expect } from '@playwright/test';
import { expectAccessible } from './helpers';

/** The public pages, as the sitemap lists them (paths only). */
async function publicPaths(request: import('@playwright/test').APIRequestContext): Promise<string[]> {
  const xml = await (await request.get('/sitemap.xml')).text();
  return [...xml.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => new URL(m[1]).pathname);
}

test('every public page: 200, its own title and description, no console errors, no axe violations', async ({ page, request }, testInfo) => {
  const paths = await publicPaths(request);
  expect(paths.length).toBeGreaterThanOrEqual(6);
  const titles = new Set<string>();
  const descriptions = new Set<string>();
  for (const path of paths) {
    const errors: string[] = [];
    page.removeAllListeners('console');
    page.on('console', (msg) => {
      if (msg.type() === 'error') errors.push(msg.text());
    });
    const res = await page.goto(path);
    expect(res?.status(), path).toBe(200);
    await expect(page.locator('body[data-hydrated="true"]')).toBeAttached();
    const title = await page.title();
    const description = await page.locator('meta[name="description"]').getAttribute('content');
    expect(titles.has(title), `${path} title unique`).toBe(false);
    expect(descriptions.has(description ?? ''), `${path} description unique`).toBe(false);
    titles.add(title);
    descriptions.add(description ?? '');

    await expectAccessible(page, path);
    expect(errors, path).toEqual([]);

    const name = path === '/' ? 'home' : path.slice(1);
    for (const width of [375, 1440]) {
      await page.setViewportSize({ width, height: 900 });
      await expectAccessible(page, `${path} at ${width}px`);
      await page.screenshot({ path: testInfo.outputPath(`${name}-${width}.png`), fullPage: true });
    }
    await page.setViewportSize({ width: 1280, height: 720 });
  }
});

test('the landing page stays within its byte budget', async ({ request }) => {
  const html = await (await request.get('/')).body();
  const css = await (await request.get('/pkg/capliquify.css')).body();
  expect(html.length, 'HTML bytes').toBeLessThan(40_000);
  expect(css.length, 'CSS bytes').toBeLessThan(20_000);
});

test('public pages load no blocking script: the bundle is a module, preloaded', async ({ request }) => {
  const html = await (await request.get('/')).text();
  for (const tag of html.match(/<script[^>]*src=[^>]*>/g) ?? []) {
    expect(tag).toMatch(/type="module"|async|defer/);
  }
});
