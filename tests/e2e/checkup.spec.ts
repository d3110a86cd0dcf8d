// The security checkup, from a demo account with nothing set up (bob) to
// all healthy: an authenticator enrolled from the QR code (decoded here and
// turned into codes), recovery codes downloaded, read back and one burned.
// Then a code from the downloaded file signs in at the wizard. It ends by
// removing bob's authenticator again, so the other specs find him as seeded.
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { test, expect, expectAccessible, expectAccessibleAtBothWidths, appReady } from './fixtures';
import { ALICE_SECRET, PASSWORD, totp } from './demo';

const h1 = (page: Page) => page.getByRole('heading', { level: 1 });

function item(page: Page, name: string) {
  return page.locator('.checkup-item').filter({ has: page.getByRole('heading', { name: new RegExp(`^${name}`) }) });
}

async function password(page: Page): Promise<void> {
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Continue' }).click();
}

/** Read the QR code off the screen, as a phone would. */
async function scanQr(page: Page): Promise<string> {
  const png = PNG.sync.read(await page.locator('.qr').screenshot());
  const decoded = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
  expect(decoded, 'the QR code decodes').not.toBeNull();
  return decoded!.data;
}

test('bob goes from nothing set up to a healthy checkup, and a saved code signs in', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 900 });
  // Behind sign-in, and back to the checkup after it.
  const consoleErrors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  await page.goto('/checkup');
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fcheckup$/);
  // Never signed in here: nothing to say about being signed out, and
  // asking whether there is a session is not an error (GET /session: 204).
  await expect(page.getByRole('main')).not.toContainText('You were signed out');
  expect(consoleErrors).toEqual([]);
  await page.getByLabel('Username', { exact: true }).fill('bob');
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page).toHaveURL(/\/checkup$/);
  await expect(page.getByRole('heading', { name: 'Signed in as bob' })).toBeVisible();
  // A reload forgets the CSRF token (memory only); the session comes back
  // from the cookie (GET /session) instead of asking for a new sign-in.
  // The page names the session and the account's state for the browser to
  // fetch while its code loads, and the app takes those answers: each is
  // asked for once.
  const asked: string[] = [];
  const onRequest = (r: { url: () => string; method: () => string }) => {
    const path = new URL(r.url()).pathname;
    if (path.startsWith('/api/')) asked.push(`${r.method()} ${path}`);
  };
  page.on('request', onRequest);
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Signed in as bob' })).toBeVisible();
  await expect(page).toHaveURL(/\/checkup$/);
  page.off('request', onRequest);
  for (const path of ['/api/v1/session', '/api/v1/account/security']) {
    await expect(page.locator(`head link[rel="preload"][href="${path}"]`)).toHaveCount(1);
  }
  expect(asked.sort()).toEqual(['GET /api/v1/account/security', 'GET /api/v1/session']);

  // Before: no authenticator (important), no codes yet (a tip: they come with one).
  await expect(item(page, 'Two-factor authentication')).toContainText('Important');
  await expect(item(page, 'Recovery codes')).toContainText('Tip');
  await expect(item(page, 'Email address')).toContainText('Healthy');
  await expect(item(page, 'Recovery readiness')).toContainText('saved set of recovery codes');
  // Tips (codes, a key, readiness) are not counted as needing attention.
  await expect(page.getByRole('main')).toContainText('1 of 5 things needs your attention');
  await page.screenshot({ path: 'test-results/screens/checkup-before.png', fullPage: true });
  // Each step's own title, its heading first (WCAG 2.4.2).
  const titles: string[] = [];
  const stepTitle = async () => {
    const heading = (await page.getByRole('heading', { level: 1 }).innerText()).trim();
    await expect(page).toHaveTitle(new RegExp(`^${heading.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} – `));
    titles.push(await page.title());
  };
  await stepTitle();
  await expectAccessibleAtBothWidths(page, 'checkup before');

  // The authenticator: signed in a moment ago, which counts as the
  // password entered again (here and for the codes), so the QR code at once.
  await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
  await expect(page.getByRole('heading', { name: 'Add your account to an authenticator app' })).toBeVisible();
  await expect(page.getByLabel('Password', { exact: true })).toHaveCount(0);
  await expect(page.locator('.qr[role=img]')).toHaveAttribute('aria-label', /QR code/);
  await expectAccessibleAtBothWidths(page, 'authenticator QR');
  await stepTitle();
  await page.screenshot({ path: 'test-results/screens/checkup-qr.png', fullPage: true });
  const scanned = await scanQr(page);
  const uri = new URL(scanned);
  // On the phone that shows the page, the same account opens in the app.
  await expect(page.getByRole('link', { name: 'Open in your authenticator app' })).toHaveAttribute('href', scanned);
  expect(uri.protocol).toBe('otpauth:');
  expect(uri.host).toBe('totp');
  expect(decodeURIComponent(uri.pathname)).toBe('/PyPI:bob');
  expect(uri.searchParams.get('issuer')).toBe('PyPI');
  const secret = uri.searchParams.get('secret')!;
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  // The same secret as text, in groups of four.
  await expect(page.locator('#totp-secret')).toHaveText(secret.replace(/(.{4})(?!$)/g, '$1 '));
  await expect(page.locator('#totp-code')).toHaveAttribute('inputmode', 'numeric');
  await expect(page.locator('#totp-code')).toHaveAttribute('autocomplete', 'one-time-code');
  await page.locator('#totp-code').fill('0f3a 9c2d 7b1e 4a86');
  await page.getByRole('button', { name: 'Turn on two-factor authentication' }).click();
  await expect(page.getByRole('alert')).toContainText('That is a recovery code');
  await page.locator('#totp-code').fill(totp(secret));
  await page.getByRole('button', { name: 'Turn on two-factor authentication' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Your authenticator app is set up' })).toBeVisible();
  await expect(item(page, 'Two-factor authentication')).toContainText('Healthy');
  await expect(item(page, 'Recovery codes')).toContainText('Urgent');

  // Recovery codes: shown once, downloaded, one typed back.
  await page.getByRole('button', { name: 'Generate recovery codes' }).first().click();
  await expect(page.getByRole('heading', { name: 'Save your recovery codes' })).toBeVisible();
  await expect(page.locator('#recovery-codes li')).toHaveCount(8);
  await expectAccessibleAtBothWidths(page, 'codes shown');
  await stepTitle();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download' }).click(),
  ]);
  // The design's name; Chromium saves the time's colons as '_' (not allowed in file names everywhere).
  expect(download.suggestedFilename()).toMatch(/^PyPI-Recovery-Codes-bob-\d{4}-\d\d-\d\dT\d\d[:_]\d\d[:_]\d\dZ\.txt$/);
  const file = readFileSync(await download.path(), 'utf8');
  const codes = file.split('\n').filter((l) => /^[0-9a-f]{16}$/.test(l));
  expect(codes).toHaveLength(8);
  expect(file).toContain('PyPI recovery codes for bob');
  await page.getByRole('button', { name: 'I have saved my codes' }).click();
  await expect(page.getByRole('heading', { name: 'Check that you saved them' })).toBeVisible();
  await stepTitle();
  expect(new Set(titles).size, titles.join(' | ')).toBe(4);
  await page.getByLabel('One of your new recovery codes').fill('0123456789abcdef');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('alert')).toContainText('not in the new set');
  await expectAccessibleAtBothWidths(page, 'prove codes');
  await page.getByLabel('One of your new recovery codes').fill(codes[0].toUpperCase());
  await page.getByRole('button', { name: 'Continue' }).click();

  // After: all healthy but for the tip to add a phishing-resistant key
  // beside the authenticator, and the codes are gone from the page.
  await expect(page.getByRole('main')).toContainText('Nothing needs your attention. There are tips below.');
  for (const name of ['Two-factor authentication', 'Recovery codes', 'Email address', 'Recovery readiness']) {
    await expect(item(page, name)).toContainText('Healthy');
  }
  await expect(item(page, 'Security keys and passkeys')).toContainText('Tip');
  await expect(item(page, 'Recovery codes')).toContainText('7 are unused');
  await expect(page.locator('#recovery-codes')).toHaveCount(0);
  await page.screenshot({ path: 'test-results/screens/checkup-after.png', fullPage: true });
  await expectAccessibleAtBothWidths(page, 'checkup after');

  // Regenerating warns that the old set stops at once.
  await page.getByRole('button', { name: 'Generate a new set of recovery codes' }).click();
  await expect(page.getByRole('main')).toContainText('stop working the moment the new set is made');
  await page.getByRole('button', { name: 'Cancel' }).click();

  // Sign out, then a code from the downloaded file signs in at the wizard.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/$/);
  await page.goto('/recover/lost-2fa');
  await appReady(page);
  await page.getByLabel('Username', { exact: true }).fill('bob');
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(h1(page)).toHaveText('Enter a recovery code');
  await expect(page.getByRole('main')).toContainText('7 of its 8 codes are unused');
  await page.locator('#code').fill(codes[3]);
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(h1(page)).toHaveText('You are signed in');

  // Replacing the authenticator: removing it says what happens to the codes.
  // The checkup is another bundle (a page load): still signed in.
  await page.getByRole('link', { name: 'Check the security of your account' }).click();
  await expect(page).toHaveURL(/\/checkup$/);
  await expect(page.getByRole('heading', { name: 'Signed in as bob' })).toBeVisible();
  // Past the 5 minutes a sign-in counts for, a change asks for the
  // password. The server's clock cannot be moved from here: its summary
  // says they are over.
  await page.route('**/api/v1/account/security', async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, json: { ...(await response.json()), reauth_valid_for: 0 } });
  });
  await page.getByRole('button', { name: 'Replace or remove your authenticator app' }).click();
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('alert')).toContainText('Enter your password');
  await expectAccessibleAtBothWidths(page, 'password again');
  await password(page);
  await expect(page.getByRole('main')).toContainText('Your recovery codes are removed with it');
  await expectAccessibleAtBothWidths(page, 'remove authenticator');
  await page.getByRole('button', { name: 'Remove the authenticator app and recovery codes' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'removed' })).toBeVisible();
  await expect(item(page, 'Two-factor authentication')).toContainText('Important');
});

test('a session lost on the way sends the user to sign in, and back to the checkup', async ({ page }) => {
  await page.goto('/sign-in?next=/checkup');
  await appReady(page);
  await page.getByLabel('Username', { exact: true }).fill('alice');
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.locator('#code').fill(totp(ALICE_SECRET));
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page).toHaveURL(/\/checkup$/);
  await expect(page.getByRole('heading', { name: 'Signed in as alice' })).toBeVisible();
  // The session ends elsewhere (signed out in another tab, expired).
  await page.route('**/api/v1/account/recovery-codes', (route) =>
    route.fulfill({
      status: 401,
      contentType: 'application/problem+json',
      body: JSON.stringify({ type: 'urn:reclaim:problem:unauthenticated', title: 'Sign in first', status: 401, code: 'unauthenticated' }),
    }),
  );
  await page.getByRole('button', { name: 'Generate a new set of recovery codes' }).click();
  await page.getByRole('button', { name: 'Generate new codes' }).click();
  // The codes' page is another bundle: the sign-in page (a page load away)
  // still says why, and leads back to it.
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fcheckup%2Frecovery-codes$/);
  await expect(page.getByRole('main')).toContainText('You were signed out, so nothing was changed');
});
