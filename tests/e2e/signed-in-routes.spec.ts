// Every signed-in page opened by a page load of its own after a fresh
// sign-in, as a maintainer does from a bookmark, a link or a reload, not
// only reached by clicking through one continuous flow. Each checkup page
// is its own bundle, so each of them starts from the cookie alone.
//
// bob is given an authenticator through the API first (the state of issue
// 14: a second factor, no recovery codes yet), and is left as seeded (no
// two-factor) at the end.
import type { APIRequestContext, Page } from '@playwright/test';
import { request as playwrightRequest } from '@playwright/test';
import { test, expect, expectAccessible, appReady } from './fixtures';
import { PASSWORD, totp } from './demo';

const API = '/api/v1';

/** Sign bob in over the API and give him an authenticator; its secret. */
async function giveBobAnAuthenticator(api: APIRequestContext): Promise<string> {
  const login = await api.post(`${API}/login`, { data: { username: 'bob', password: PASSWORD } });
  expect(login.status()).toBe(200);
  const session = await login.json();
  expect(session.result, 'bob starts without two-factor').toBe('session');
  const headers = { 'X-CSRF-Token': session.csrf_token };
  expect((await api.post(`${API}/account/reauth`, { headers, data: { password: PASSWORD } })).status()).toBe(200);
  const setup = await api.post(`${API}/account/totp`, { headers });
  expect(setup.status()).toBe(200);
  const { secret } = await setup.json();
  const confirm = await api.post(`${API}/account/totp/confirm`, { headers, data: { code: totp(secret) } });
  expect(confirm.status()).toBe(200);
  return secret;
}

async function signInWithAuthenticator(page: Page, secret: string): Promise<void> {
  await page.goto('/checkup');
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fcheckup$/);
  await page.getByLabel('Username', { exact: true }).fill('bob');
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Continue' }).click();
  // The code of the next 30 s step: the current one was spent on the setup
  // (a used code is refused), and one step ahead is accepted.
  await page.locator('#code').fill(totp(secret, 1));
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page).toHaveURL(/\/checkup$/);
  await expect(page.getByRole('heading', { name: 'Signed in as bob' })).toBeVisible();
}

/** Open `path` by a page load of its own and wait for the app. */
async function load(page: Page, path: string): Promise<void> {
  await page.goto(path);
  await expect(page).toHaveURL(new RegExp(`${path.replace(/\//g, '\\/')}$`));
  await appReady(page);
}

async function reenterPassword(page: Page): Promise<void> {
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Continue' }).click();
}

test('each signed-in page works when opened by a page load after sign-in, the first recovery codes included', async ({ page, baseURL }) => {
  await page.setViewportSize({ width: 360, height: 900 });
  // The page's own clock, so that a call that never answers can be waited
  // out (the app gives up after 20 s) without waiting 20 s.
  await page.clock.install();
  const api = await playwrightRequest.newContext({ baseURL });
  const secret = await giveBobAnAuthenticator(api);
  await api.dispose();

  await signInWithAuthenticator(page, secret);

  // The overview, by a page load: the codes are what is missing.
  await load(page, '/checkup');
  await expect(page.getByRole('heading', { name: 'Signed in as bob' })).toBeVisible();
  await expect(page.locator('.checkup-item').filter({ has: page.getByRole('heading', { name: /^Recovery codes/ }) })).toContainText('Urgent');

  // The first set of codes, by a page load: the password, then the codes
  // (this hung on "Generating your codes…" before). The first try gets no
  // answer at all: the page gives up and offers to try again. The sign-in
  // counts as the password entered again for 5 minutes; the server's clock
  // cannot be moved from here, so its summary says they are over.
  await page.route(`**${API}/account/security`, async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, json: { ...(await response.json()), reauth_valid_for: 0 } });
  });
  await load(page, '/checkup/recovery-codes');
  await expect(page.getByRole('heading', { name: 'Generate recovery codes' })).toBeVisible();
  let answered = false;
  await page.route(`**${API}/account/recovery-codes`, async (route) => {
    if (answered) return route.continue();
    answered = true; // the first call is left without an answer
  });
  await reenterPassword(page);
  await expect(page.getByRole('status').filter({ hasText: 'Generating your codes…' })).toBeVisible();
  await page.clock.fastForward(21_000);
  await expect(page.getByRole('heading', { name: 'Your recovery codes were not made' })).toBeVisible();
  await expect(page.getByRole('alert').filter({ hasText: 'We could not reach the server' })).toBeVisible();
  await expectAccessible(page, 'codes not made');
  await page.getByRole('button', { name: 'Try again' }).click();
  await expect(page.getByRole('heading', { name: 'Save your recovery codes' })).toBeVisible();
  await expect(page.locator('#recovery-codes li')).toHaveCount(8);
  await page.unrouteAll({ behavior: 'ignoreErrors' });

  // The authenticator page, by a page load, with one already set up: on
  // to replacing it, not a dead end. The password entered a minute ago
  // still counts (the server says so), so it is not asked again.
  await page.goto('/checkup/authenticator');
  await expect(page).toHaveURL(/\/checkup\/authenticator\/remove$/);
  await expect(page.getByRole('heading', { name: 'Remove your authenticator app' })).toBeVisible();
  await expectAccessible(page, 'remove the authenticator');

  // Removing it, by a page load of its own.
  await load(page, '/checkup/authenticator/remove');
  await expect(page.getByRole('heading', { name: 'Remove your authenticator app' })).toBeVisible();
  await page.getByRole('button', { name: 'Remove the authenticator app and recovery codes' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'removed' })).toBeVisible();

  // Without one, the codes' page leads to setting one up.
  await load(page, '/checkup/recovery-codes');
  await expect(page.getByRole('heading', { name: 'Set up an authenticator app first' })).toBeVisible();
  await expectAccessible(page, 'codes without an authenticator');

  // Setting one up, by a page load: the QR code and its key.
  await load(page, '/checkup/authenticator');
  await expect(page.getByRole('heading', { name: 'Add your account to an authenticator app' })).toBeVisible();
  const again = (await page.locator('#totp-secret').innerText()).replace(/\s/g, '');
  expect(again).toMatch(/^[A-Z2-7]{32}$/);
  await page.locator('#totp-code').fill(totp(again));
  await page.getByRole('button', { name: 'Turn on two-factor authentication' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Your authenticator app is set up' })).toBeVisible();

  // And bob as seeded for the other specs: no two-factor.
  await load(page, '/checkup/authenticator/remove');
  await page.getByRole('button', { name: 'Remove the authenticator app and recovery codes' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'removed' })).toBeVisible();
});

test('sign-in never leads off the site, however next is written', async ({ page }) => {
  // Browsers strip the tab: unchecked, this next is //evil.example.
  await page.goto('/sign-in?next=/%09/evil.example');
  await appReady(page);
  await page.getByLabel('Username', { exact: true }).fill('carol');
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page).toHaveURL(/^http:\/\/127\.0\.0\.1:\d+\/checkup$/);
  await expect(page.getByRole('heading', { name: 'Signed in as carol' })).toBeVisible();
  // A page of the app is followed, query and all.
  await page.goto('/sign-in?next=%2Fcheckup%2Fauthenticator');
  await appReady(page);
  await page.getByLabel('Username', { exact: true }).fill('carol');
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page).toHaveURL(/\/checkup\/authenticator$/);
});
