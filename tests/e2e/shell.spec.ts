// The app shell: layout landmarks, configuration, the 404 and the
// configuration error page, at desktop and phone widths.
import type { Page } from '@playwright/test';
import { test, expect, expectAccessible, appReady } from './fixtures';

for (const width of [1280, 360]) {
  test(`start page renders at ${width}px with the configured site name`, async ({ page }) => {
    await page.setViewportSize({ width, height: 900 });
    await page.goto('/');
    await appReady(page);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    await expect(page.getByRole('banner')).toContainText('PyPI');
    await expect(page.getByRole('contentinfo')).toContainText('admin@pypi.org');
    await expect(page).toHaveTitle(/PyPI/);
    // Nothing may overflow sideways on a phone.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `test-results/screens/start-${width}.png`, fullPage: true });
    await expectAccessible(page, `start page at ${width}px`);
  });
}

test('the skip link is the first stop and moves focus to the main content', async ({ page }) => {
  await page.goto('/');
  await appReady(page);
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: /skip to main content/i });
  await expect(skip).toBeFocused();
  await page.keyboard.press('Enter');
  // Focus lands on the main landmark, so the next Tab continues inside it.
  await expect
    .poll(() => page.evaluate(() => document.activeElement?.closest('main')?.id ?? null))
    .toBe('main-content');
});

for (const width of [1280, 360]) {
  test(`unknown paths get a helpful 404 at ${width}px`, async ({ page }) => {
    await page.setViewportSize({ width, height: 900 });
    await page.goto('/no/such/page');
    await appReady(page);
    await expect(page.getByRole('heading', { level: 1 })).toContainText(/page not found/i);
    await expect(page).toHaveTitle(/not found/i);
    await page.screenshot({ path: `test-results/screens/404-${width}.png`, fullPage: true });
    await expectAccessible(page, `404 at ${width}px`);
    await page.getByRole('main').getByRole('link', { name: /start|home/i }).first().click();
    await expect(page).toHaveURL(/\/$/);
  });
}

const CONFIG_BLOCK = /<script type="application\/json" id="reclaim-config">([\s\S]*?)<\/script>/;

/** Serve the start page with its inlined config replaced (`null`: removed). */
async function withInlinedConfig(page: Page, change: (config: string) => string | null): Promise<void> {
  await page.route(/\/$/, async (route) => {
    const response = await route.fetch();
    const html = await response.text();
    expect(html, 'the server inlines config.json').toMatch(CONFIG_BLOCK);
    const body = html.replace(CONFIG_BLOCK, (block, json) => {
      const changed = change(json);
      return changed === null ? '' : block.replace(json, changed);
    });
    await route.fulfill({ response, body });
  });
}

// Each bundle (core/src/bundle.rs) is its own page: a route fetches its
// own code only, and its configuration comes inlined.
// A signed-out browser on the checkup gets sign-in's bundle straight away.
const BUNDLES = ['start', 'recover-steps', 'recover-sign-in', 'request', 'request-review', 'status', 'sign-in', 'checkup', 'checkup-authenticator', 'checkup-recovery-codes'];
for (const [path, own] of [
  ['/', 'start'], ['/recover/forgot-password', 'recover-steps'], ['/recover/lost-2fa', 'recover-sign-in'], ['/request', 'request'],
  ['/status', 'status'], ['/sign-in', 'sign-in'], ['/checkup', 'sign-in'], ['/checkup/recovery-codes', 'sign-in'],
]) {
  test(`${path} loads only the ${own} bundle, with the configuration inlined`, async ({ page }) => {
    const fetched: string[] = [];
    page.on('request', (r) => fetched.push(new URL(r.url()).pathname));
    await page.goto(path);
    await appReady(page);
    await expect(page.getByRole('banner')).toContainText('PyPI');
    expect(fetched.filter((p) => p.endsWith('/config.json'))).toEqual([]);
    expect(fetched.filter((p) => p.startsWith(`/${own}-`) && p.endsWith('_bg.wasm'))).toHaveLength(1);
    for (const other of BUNDLES.filter((b) => b !== own)) {
      expect(fetched.filter((p) => p.startsWith(`/${other}-`))).toEqual([]);
    }
  });
}

test('with a stale session cookie, the checkup finds out and sends the browser to sign-in', async ({ page, context, baseURL }) => {
  // What a host that cannot read cookies does for everyone: the checkup's
  // own page first, then sign-in.
  await context.addCookies([{ name: 'reclaim_session', value: 'ses_stale', url: baseURL! }]);
  await page.goto('/');
  // As after a sign-in: the page asks the server (GET /session, 204 here).
  await page.evaluate(() => localStorage.setItem('reclaim.may-be-signed-in.v1', 'on=1'));
  const fetched: string[] = [];
  page.on('request', (r) => fetched.push(new URL(r.url()).pathname));
  await page.goto('/checkup');
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fcheckup$/);
  await appReady(page);
  await expect(page.getByLabel('Username', { exact: true })).toBeVisible();
  expect(fetched.filter((p) => /^\/checkup-[0-9a-f]+_bg\.wasm$/.test(p))).toHaveLength(1);
  expect(fetched).toContain('/api/v1/session');
  await expectAccessible(page, 'sign-in after a stale session');
});

test('a missing config.json shows a clear error page, not a blank one', async ({ page }) => {
  // A static host without the inlining, and without the file.
  await withInlinedConfig(page, () => null);
  await page.route('**/config.json', (route) => route.fulfill({ status: 404, body: 'gone' }));
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toContainText(/not set up correctly/i);
  await expect(page.locator('body')).toContainText('config.json');
  await page.screenshot({ path: 'test-results/screens/config-missing.png', fullPage: true });
  await expectAccessible(page, 'config error page');
});

test('an invalid config.json names the field that is wrong', async ({ page }) => {
  await withInlinedConfig(page, (json) => {
    const config = JSON.parse(json);
    config.totp_issuer = 'Py:PI';
    return JSON.stringify(config);
  });
  await page.goto('/');
  await expect(page.locator('body')).toContainText('totp_issuer');
  await expectAccessible(page, 'invalid config page');
});

test('the app is served with the strict security headers', async ({ request }) => {
  const response = await request.get('/');
  const csp = response.headers()['content-security-policy'] ?? '';
  expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
  expect(csp).toContain("object-src 'none'");
  expect(csp).toContain("base-uri 'none'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(response.headers()['referrer-policy']).toBe('no-referrer');
  expect(response.headers()['x-content-type-options']).toBe('nosniff');
  expect(response.headers()['cache-control']).toContain('no-cache');
});

// Every route, in dark mode and at the narrowest supported width.
const ROUTES = [
  '/', '/recover', '/recover/forgot-password', '/recover/lost-2fa', '/recover/stale-codes',
  '/recover/authenticator-codes-refused', '/recover/no-codes', '/recover/lost-email',
  '/recover/compromised', '/recover/forgot-username', '/recover/reset-password',
  '/sign-in', '/request', '/status', '/checkup',
];
for (const path of ROUTES) {
  test(`${path} passes axe in dark mode at 320px without sideways scrolling`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: 'dark', reducedMotion: 'reduce' });
    await page.setViewportSize({ width: 320, height: 800 });
    await page.goto(path);
    await appReady(page);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await expectAccessible(page, `${path} (dark, 320px)`);
  });
}

test('hashed assets are cached for a year and sent precompressed', async ({ request }) => {
  const html = await (await request.get('/')).text();
  const assets = [...html.matchAll(/href="(\/[^"]+\.(?:wasm|js|css))"/g)].map((m) => m[1]);
  expect(assets.length).toBeGreaterThanOrEqual(3);
  for (const asset of assets) {
    const response = await request.get(asset, { headers: { 'Accept-Encoding': 'br' } });
    expect(response.status(), asset).toBe(200);
    expect(response.headers()['cache-control'], asset).toContain('immutable');
    expect(response.headers()['content-encoding'], asset).toBe('br');
  }
  const config = await request.get('/config.json');
  expect(config.headers()['cache-control']).toContain('no-cache');
});
