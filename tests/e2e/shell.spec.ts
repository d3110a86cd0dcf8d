// The app shell: layout landmarks, configuration, the 404 and the
// configuration error page, at desktop and phone widths.
import type { Page } from '@playwright/test';
import { test, expect, expectAccessible, appReady } from './fixtures';
import { BUNDLES, ROUTES, oneRoutePerBundle, signedOutBundle } from './routes';

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
// own code only, and its configuration comes inlined. One route per bundle,
// from core's route table (`reclaim-server routes --json`, tests/e2e/routes.ts);
// a signed-out browser on a checkup page gets sign-in's bundle straight away.
// A page that needs earlier answers may move on by itself (the review
// without a request goes back to the form): then the page it lands on
// loads its own bundle, and still nothing else.
for (const route of oneRoutePerBundle()) {
  const own = signedOutBundle(route.path)!;
  test(`${route.path} loads only the ${own} bundle, with the configuration inlined`, async ({ page }) => {
    const fetched: string[] = [];
    page.on('request', (r) => fetched.push(new URL(r.url()).pathname));
    await page.goto(route.path);
    await appReady(page);
    await expect(page.getByRole('banner')).toContainText('PyPI');
    const landed = signedOutBundle(new URL(page.url()).pathname) ?? own;
    // `NAME-HASH.js` and `NAME-HASH_bg.wasm` (`checkup-` alone would match
    // `checkup-authenticator-` too).
    const of = (name: string) => fetched.filter((p) => new RegExp(`^/${name}-[0-9a-f]+(_bg\\.wasm|\\.js)$`).test(p));
    expect(fetched.filter((p) => p.endsWith('/config.json'))).toEqual([]);
    expect(of(own).filter((p) => p.endsWith('_bg.wasm'))).toHaveLength(1);
    for (const other of BUNDLES.filter((b) => b !== own && b !== landed)) {
      expect(of(other)).toEqual([]);
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

// Every page, in dark mode and at the narrowest supported width: each
// route of core's table but the wizard's later steps (`/recover/BRANCH/STEP`
// opened alone shows the branch's first step, tested here) and, signed
// out, one signed-in page (they all answer with sign-in then).
const signedIn = ROUTES.find((r) => r.needs_session)!;
const PAGES = ROUTES.filter((r) => r.path.split('/').length <= 3 && (!r.needs_session || r === signedIn)).map((r) => r.path);
for (const path of PAGES) {
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
