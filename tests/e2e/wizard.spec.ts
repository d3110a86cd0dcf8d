// The recovery wizard, every branch walked to its end against the real
// server and its demo accounts, with axe on every step at 360 px and 1280 px.
import type { Page } from '@playwright/test';
import { test, expect, expectAccessible, expectAccessibleAtBothWidths, appReady } from './fixtures';
import { ALICE_CODES, ALICE_OLD_CODES, ALICE_SECRET, API_TOKEN, PASSWORD, newestMatch, outbox, totp } from './demo';

const h1 = (page: Page) => page.getByRole('heading', { level: 1 });

async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `test-results/screens/wizard-${name}.png`, fullPage: true });
}

/** "What happened?" → one answer → Continue. */
async function choose(page: Page, answer: RegExp): Promise<void> {
  await page.goto('/recover');
  await appReady(page);
  await page.getByLabel(answer).check();
  await page.getByRole('button', { name: 'Continue' }).click();
}

/** "I lost my phone or my authenticator app", then the question about codes. */
async function lostAuthenticator(page: Page, codes = 'Yes, I have recovery codes'): Promise<void> {
  await choose(page, /I lost my phone or my authenticator app/);
  await expect(h1(page)).toHaveText('Do you have recovery codes?');
  await page.getByLabel(codes).check();
  await page.getByRole('button', { name: 'Continue' }).click();
}

/** A handoff to the request: its first question, heading in view, then
 *  "What happened?" with the wizard's `reason` chosen. */
async function handedToRequest(page: Page, reason: string): Promise<void> {
  await expect(h1(page)).toHaveText('Which account do you need back?');
  await expect(h1(page)).toBeInViewport();
  await page.getByLabel('Username', { exact: true }).fill('alice');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(h1(page)).toHaveText('What happened?');
  await expect(h1(page)).toBeInViewport();
  await expect(page.getByLabel(reason)).toBeChecked();
}

async function signIn(page: Page, username: string, password = PASSWORD): Promise<void> {
  await page.getByLabel('Username', { exact: true }).fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Continue' }).click();
}

async function enterCode(page: Page, code: string): Promise<void> {
  await page.locator('#code').fill(code);
  await page.getByRole('button', { name: 'Continue' }).click();
}

/** The inline error of the code field says `words`, and so does the summary. */
async function codeRefused(page: Page, words: RegExp): Promise<void> {
  await expect(page.locator('#code-error')).toContainText(words);
  await expect(page.getByRole('alert')).toContainText(words);
}

test.beforeEach(async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 900 });
});

test('"What happened?" asks once, keeps the answer, and Back agrees with the browser', async ({ page }) => {
  await page.goto('/recover');
  await appReady(page);
  await expect(h1(page)).toHaveText('What happened?');
  await expectAccessibleAtBothWidths(page, 'what happened');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('alert')).toContainText('Select what happened');
  await expect(page).toHaveTitle(/^Error: /);
  await page.getByLabel('I forgot my password').check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(h1(page)).toHaveText('Reset your password');
  await page.getByRole('link', { name: 'Back' }).click();
  await expect(page).toHaveURL(/\/recover$/);
  await expect(page.getByLabel('I forgot my password')).toBeChecked();
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(h1(page)).toHaveText('Reset your password');
  await page.goBack();
  await expect(page).toHaveURL(/\/recover$/);
  await expect(page.getByLabel('I forgot my password')).toBeChecked();

  // The branches that sign in are a bundle of their own too (a page load
  // each way): the answer is kept all the same.
  const lostPhone = page.getByLabel('I lost my phone or my authenticator app');
  await lostPhone.check();
  await page.getByRole('button', { name: 'Continue' }).click();
  // The question about codes is in the same bundle: no page load.
  await expect(page).toHaveURL(/\/recover\/lost-authenticator$/);
  await expect(h1(page)).toHaveText('Do you have recovery codes?');
  await expectAccessibleAtBothWidths(page, 'do you have recovery codes');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('alert')).toContainText('Select yes if you have recovery codes');
  await page.getByLabel('Yes, I have recovery codes').check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page).toHaveURL(/\/recover\/lost-2fa$/);
  await appReady(page);
  await page.getByRole('link', { name: 'Back' }).click();
  await expect(page).toHaveURL(/\/recover$/);
  await expect(lostPhone).toBeChecked();
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page).toHaveURL(/\/recover\/lost-authenticator$/);
  await page.getByLabel('Yes, I have recovery codes').check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page).toHaveURL(/\/recover\/lost-2fa$/);
  await appReady(page);
  await page.goBack();
  await page.goBack();
  await expect(page).toHaveURL(/\/recover$/);
  await expect(lostPhone).toBeChecked();
});

test('an answer fetches its page and the code of its bundle before Continue, once each', async ({ page }) => {
  const asked: string[] = [];
  page.on('request', (r) => asked.push(new URL(r.url()).pathname));
  await page.goto('/recover');
  await appReady(page);
  const wasm = page.waitForRequest(/\/recover-steps-[0-9a-f]+_bg\.wasm$/);
  await page.getByLabel('I forgot my password').check();
  await wasm;
  // The page itself, its JS glue and its wasm.
  const prefetched = page.locator('head link[rel="prefetch"]');
  await expect(prefetched).toHaveCount(3);
  await expect(prefetched.first()).toHaveAttribute('href', '/recover/forgot-password');
  // The question about codes is in this bundle: nothing to fetch.
  await page.getByLabel('I lost my phone or my authenticator app').check();
  await expect(prefetched).toHaveCount(3);
  await page.getByLabel('My recovery codes do not work').check();
  await expect(prefetched).toHaveCount(6);
  // Same bundle as the password's: only the page itself.
  const pageFetched = page.waitForResponse((r) => new URL(r.url()).pathname === '/recover/forgot-username');
  await page.getByLabel('I forgot my username').check();
  await expect(prefetched).toHaveCount(7);
  await pageFetched;
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(h1(page)).toHaveText('Find your username');
  // The page load took the prefetched document: nothing came over the
  // network for it (the server keeps a prefetched page fresh).
  const document = await page.evaluate(() => {
    const [nav] = performance.getEntriesByType('navigation') as PerformanceNavigationTiming[];
    return { url: new URL(nav.name).pathname, transferSize: nav.transferSize };
  });
  expect(document).toEqual({ url: '/recover/forgot-username', transferSize: 0 });
  expect(asked.filter((p) => p === '/recover-steps.html')).toHaveLength(1);
  expect(asked.filter((p) => p === '/recover-sign-in.html')).toHaveLength(1);
});

test('deep links to a later step land on the first step that needs an answer', async ({ page }) => {
  for (const [link, first] of [
    ['/recover/lost-2fa/code', '/recover/lost-2fa'],
    ['/recover/stale-codes/signed-in', '/recover/stale-codes'],
    ['/recover/authenticator-codes-refused/code', '/recover/authenticator-codes-refused'],
    ['/recover/forgot-password/check-your-email', '/recover/forgot-password'],
    ['/recover/no-codes/email-code', '/recover/no-codes'],
    // The repository proof is a bundle of its own: no email proof, no step.
    ['/recover/no-codes/repository', '/recover/no-codes'],
    ['/recover/lost-email/change-email', '/recover/lost-email'],
  ]) {
    await page.goto(link);
    await appReady(page);
    await expect(page, link).toHaveURL(new RegExp(`${first}$`));
  }
  await page.goto('/recover/no-such-branch');
  await expect(h1(page)).toHaveText('Page not found');
});

async function resetPassword(page: Page, user: string, email: string, newPassword: string): Promise<string> {
  await choose(page, /I forgot my password/);
  await page.getByLabel('Username or email address').fill(user);
  await page.getByRole('button', { name: 'Send a reset link' }).click();
  await expect(h1(page)).toHaveText('Check your email');
  const [link] = await newestMatch(page.request, email, /http:\/\/[^\s]+\/recover\/reset-password\?token=\S+/);
  await page.goto(link.replace(/^http:\/\/[^/]+/, ''));
  await expect(h1(page)).toHaveText('Choose a new password');
  // The token leaves the address bar before anything else.
  expect(page.url()).not.toContain('token');
  await page.getByLabel('New password', { exact: true }).fill(newPassword);
  await page.getByLabel('New password again').fill(newPassword);
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(h1(page)).toHaveText('Your password has been changed');
  return link;
}

test('forgot password: the mailed link sets a new password that then signs in', async ({ page }) => {
  await choose(page, /I forgot my password/);
  await expectAccessibleAtBothWidths(page, 'reset form');
  await page.getByRole('button', { name: 'Send a reset link' }).click();
  await expect(page.getByRole('alert')).toContainText('Enter your username or the email address of your account');
  await page.getByLabel('Username or email address').fill('bob');
  await page.getByRole('button', { name: 'Send a reset link' }).click();
  await expect(h1(page)).toHaveText('Check your email');
  await expect(page.getByRole('main')).toContainText('works for 6 hours');
  await expectAccessibleAtBothWidths(page, 'check your email');
  await screenshot(page, 'reset-sent');

  const [link] = await newestMatch(page.request, 'bob@example.org', /http:\/\/[^\s]+\/recover\/reset-password\?token=\S+/);
  const path = link.replace(/^http:\/\/[^/]+/, '');
  // Opening the link checks it without using it up: opened twice, it works.
  await page.goto(path);
  await expect(h1(page)).toHaveText('Choose a new password');
  await page.goto(path);
  await expect(h1(page)).toHaveText('Choose a new password');
  expect(page.url()).not.toContain('token');
  await expectAccessibleAtBothWidths(page, 'new password');
  // The server's rules are shown and checked before sending.
  await expect(page.getByRole('main')).toContainText('At least 8 characters');
  await page.getByLabel('New password', { exact: true }).fill('short');
  await page.getByLabel('New password again').fill('different');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByRole('alert')).toContainText('Enter a password of at least 8 characters');
  await expect(page.getByRole('alert')).toContainText('Enter the same password twice');
  await page.getByLabel('New password', { exact: true }).fill('a long new passphrase');
  await page.getByLabel('New password again').fill('a long new passphrase');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(h1(page)).toHaveText('Your password has been changed');
  await expectAccessibleAtBothWidths(page, 'password changed');

  await page.getByRole('link', { name: 'Sign in' }).click();
  await signIn(page, 'bob', 'a long new passphrase');
  await expect(page).toHaveURL(/\/checkup$/);

  // The same link again: used. The page checks it as it opens, so it says
  // what to do before anyone types a password twice.
  await page.goto(path);
  await expect(h1(page)).toHaveText('This reset link does not work');
  await expect(page.getByLabel('New password', { exact: true })).toHaveCount(0);
  // A link cut short in the mail reads the same.
  await page.goto(path.slice(0, -6));
  await expect(h1(page)).toHaveText('This reset link does not work');
  await expectAccessibleAtBothWidths(page, 'dead reset link');
  await expect(page.getByRole('link', { name: 'Ask for a new reset link' })).toBeVisible();

  // Put bob's demo password back for the other tests.
  await resetPassword(page, 'bob', 'bob@example.org', PASSWORD);
});

test('forgot password for an unverified address: the same answer, and no mail', async ({ page }) => {
  await choose(page, /I forgot my password/);
  await page.getByLabel('Username or email address').fill('carol');
  await page.getByRole('button', { name: 'Send a reset link' }).click();
  await expect(h1(page)).toHaveText('Check your email');
  await expect(page.getByRole('main')).toContainText('never verified');
  expect(await outbox(page.request, 'carol@example.org')).toEqual([]);
  // Nothing came: the request, with the reason chosen.
  await page.getByRole('button', { name: 'No email came: ask support' }).click();
  await handedToRequest(page, 'I forgot my password and cannot reset it');
  // Not about codes: the request does not ask about them.
  await expect(page.locator('#recovery-codes-status')).toHaveCount(0);
});

test('a rate-limited reset says how long to wait, live', async ({ page }) => {
  const who = `nobody-${Date.now()}`;
  for (let i = 0; i < 5; i++) {
    expect((await page.request.post('/api/v1/password-reset', { data: { identifier: who } })).status()).toBe(202);
  }
  await choose(page, /I forgot my password/);
  await page.getByLabel('Username or email address').fill(who);
  await page.getByRole('button', { name: 'Send a reset link' }).click();
  await expect(page.getByRole('alert')).toContainText('too many attempts');
  await expect(page.getByRole('status').filter({ hasText: 'Try again in' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Send a reset link' })).toBeDisabled();
  await expectAccessibleAtBothWidths(page, 'rate limited');
});

test('forgot username: a reminder by mail, the same answer for any address', async ({ page }) => {
  await choose(page, /I forgot my username/);
  await expect(h1(page)).toHaveText('Find your username');
  await page.getByLabel('Email address').fill('alice.example.org');
  await page.getByRole('button', { name: 'Email me my username' }).click();
  await expect(page.getByRole('alert')).toContainText('correct format');
  await page.getByLabel('Email address').fill('alice@example.org');
  await page.getByRole('button', { name: 'Email me my username' }).click();
  await expect(h1(page)).toHaveText('Check your email');
  await expectAccessibleAtBothWidths(page, 'username sent');
  await newestMatch(page.request, 'alice@example.org', /alice/);
});

// alice's second-factor attempts are limited to 5 failures in 5 minutes, and
// these tests share one server: the order below keeps every attempt that must
// succeed under the limit (1 failure before the authenticator sign-in, 3
// before the recovery-code sign-in, 5 in all).
test('authenticator codes refused: the checks, the clock, then a code that works', async ({ page }) => {
  await choose(page, /authenticator app.s codes are refused/);
  await expect(h1(page)).toHaveText(/If your authenticator app.s codes are refused/);
  const main = page.getByRole('main');
  await expect(main).toContainText('update automatically');
  await expect(main).toContainText('TestPyPI');
  await expectAccessibleAtBothWidths(page, 'authenticator checks');
  await page.getByRole('button', { name: 'Continue to sign in' }).click();
  await signIn(page, 'alice');
  await expect(h1(page)).toHaveText('Enter a code from your authenticator app');
  await expect(page.locator('#code')).toHaveAttribute('inputmode', 'numeric');
  await enterCode(page, ALICE_CODES[2]);
  await codeRefused(page, /That is a recovery code. Enter the 6-digit code from your authenticator app/);
  // A code from three minutes ago: the phone's clock is off. Well inside the
  // server's ±10 steps, so that a 30 s step ending before the server checks
  // it cannot take it outside (-10 made this test fail now and then).
  await enterCode(page, totp(ALICE_SECRET, -6));
  await codeRefused(page, /clock on your phone is off/);
  // One way to a recovery code, not two.
  await expect(page.getByRole('button', { name: /use a recovery code/i })).toHaveCount(1);
  await expectAccessibleAtBothWidths(page, 'out of sync');
  await enterCode(page, totp(ALICE_SECRET));
  await expect(h1(page)).toHaveText('You are signed in');
});

test('lost 2FA: every wrong kind of code is named, then a recovery code signs in', async ({ page }) => {
  await lostAuthenticator(page);
  await expect(h1(page)).toHaveText('Sign in with a recovery code');
  await expectAccessibleAtBothWidths(page, 'lost 2fa password');
  await signIn(page, 'alice', 'not her password');
  await expect(page.getByRole('alert')).toContainText('The username or password is not right');
  await signIn(page, 'alice');
  await expect(h1(page)).toHaveText('Enter a recovery code');
  // "Your account has valid codes generated on DATE": said before anything is filed.
  await expect(page.getByRole('main')).toContainText('generated on');
  // (other tests burn codes of the same set)
  await expect(page.getByRole('main')).toContainText(/\d of its 8 codes are unused/);
  await expect(page.locator('#code')).toHaveAttribute('autocomplete', 'one-time-code');
  await expectAccessibleAtBothWidths(page, 'recovery code step');

  await enterCode(page, totp(ALICE_SECRET));
  await codeRefused(page, /That is an authenticator code. Enter a 16-character recovery code/);
  await enterCode(page, ALICE_SECRET);
  await codeRefused(page, /That is a setup key/);
  await enterCode(page, '1234 5678');
  await codeRefused(page, /That is a code from an email/);
  await enterCode(page, API_TOKEN);
  await codeRefused(page, /API token/);
  await enterCode(page, 'zzzz');
  await codeRefused(page, /16 character hexadecimal/);
  await expectAccessibleAtBothWidths(page, 'code refused');
  // Burned, then stale: the server's words.
  await enterCode(page, ALICE_CODES[0]);
  await codeRefused(page, /Recovery code has been previously used/);
  await enterCode(page, ALICE_OLD_CODES[0]);
  await codeRefused(page, /Invalid recovery code\. If you saved this code before \d+ March 2026/);
  await expect(page.getByRole('button', { name: 'Find out why your recovery codes do not work' })).toBeVisible();
  // Spaces, dashes and capitals do not matter.
  const code = ALICE_CODES[1].toUpperCase().replace(/(.{4})/g, '$1 ').trim().replace(/ /, '-');
  await enterCode(page, code);
  await expect(h1(page)).toHaveText('You are signed in');
  await expect(page.getByRole('link', { name: 'Check the security of your account' })).toHaveAttribute('href', '/checkup');
  // The checkup, the one way on, is fetched while this page is read.
  await expect(page.locator('head link[rel="prefetch"][href="/checkup"]')).toHaveCount(1);
  await expectAccessibleAtBothWidths(page, 'signed in');
  await screenshot(page, 'signed-in');
  // Back from here does not reopen the used step.
  await page.goBack();
  await expect(page).toHaveURL(/\/recover\/lost-2fa$/);
});

test('stale codes: the diagnosis, and after refusals the request about them', async ({ page }) => {
  await choose(page, /My recovery codes do not work/);
  await expect(h1(page)).toHaveText('Find out why your recovery codes do not work');
  await signIn(page, 'alice');
  await expect(h1(page)).toHaveText('Your recovery codes');
  const main = page.getByRole('main');
  await expect(main).toContainText('generated on');
  await expect(main).toContainText('Only the newest set works');
  await expect(main).toContainText('PyPI-Recovery-Codes-');
  await expect(main).toContainText('password manager');
  await expectAccessibleAtBothWidths(page, 'stale diagnosis');
  // On a phone the code field is in view at once; the explanations fold below it.
  await page.setViewportSize({ width: 360, height: 640 });
  await page.evaluate(() => window.scrollTo(0, 0));
  await expect(page.locator('#code')).toBeInViewport();
  await page.getByText('Why a saved code can be refused').click();
  await expect(page.getByText('Only the newest set works')).toBeVisible();
  await screenshot(page, 'stale-codes');
  await expect(page.getByRole('button', { name: 'Ask support to recover your account' })).toHaveCount(0);
  await enterCode(page, ALICE_OLD_CODES[1]);
  await codeRefused(page, /Invalid recovery code/);
  await enterCode(page, ALICE_OLD_CODES[2]);
  await codeRefused(page, /Invalid recovery code/);
  await page.getByRole('button', { name: 'Ask support to recover your account' }).click();
  await handedToRequest(page, 'My recovery codes do not work');
  // The wizard knows the codes are refused: not asked again.
  await expect(page.locator('#recovery-codes-status')).toHaveCount(0);
});

test('lost email: who can sign in changes it; who cannot asks support, previous addresses first', async ({ page }) => {
  await choose(page, /I lost access to the email address/);
  await expect(h1(page)).toHaveText('Can you still sign in to your PyPI account?');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('alert')).toContainText('Select yes if you can still sign in');
  await expectAccessibleAtBothWidths(page, 'can you sign in');
  await page.getByLabel('Yes, I can still sign in').check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(h1(page)).toHaveText('Change the email address of your account');
  await expect(page.getByRole('link', { name: 'PyPI account settings' })).toHaveAttribute('href', 'https://pypi.org/manage/account/');
  await expectAccessibleAtBothWidths(page, 'change email');
  await page.getByRole('link', { name: 'Back' }).click();
  await expect(page.getByLabel('Yes, I can still sign in')).toBeChecked();
  await page.getByLabel('No, I cannot sign in').check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await handedToRequest(page, 'I lost access to the email address of my account');
  await expect(page.locator('#recovery-codes-status')).toHaveCount(0);
  await page.getByLabel('Tell us what happened').fill('My old mail provider closed.');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(h1(page)).toHaveText('What can support check?');
  await expect(page.getByRole('main')).toContainText('Start with the address you lost access to');
});

test('no codes: the email proven by a one-time code, then a request with the proof', async ({ page }) => {
  await lostAuthenticator(page, 'No, I never saved any');
  await expect(h1(page)).toHaveText('Prove you can read your account\u2019s email');
  await expectAccessibleAtBothWidths(page, 'prove email');
  await page.getByLabel('Email address of your account').fill('alice@example.org');
  await page.getByRole('button', { name: 'Send the code' }).click();
  await expect(h1(page)).toHaveText('Enter the code from the email');
  await expect(page.locator('#code')).toHaveAttribute('inputmode', 'numeric');
  await expect(page.getByRole('button', { name: /Send a new code \(in \d+ s\)/ })).toBeDisabled();
  await expectAccessibleAtBothWidths(page, 'email code');
  await enterCode(page, '123456');
  await codeRefused(page, /That is an authenticator code. Enter the 8-digit code from the email/);
  await enterCode(page, '00000000');
  await codeRefused(page, /latest email/);
  const [, code] = await newestMatch(page.request, 'alice@example.org', /one-time code is:\s+(\d{8})/);
  await enterCode(page, code);
  // The repository proof is offered next (repository-proof.spec walks it).
  await expect(h1(page)).toHaveText('Prove you control a project\u2019s repository');
  await page.getByRole('button', { name: 'Continue without a repository' }).click();
  await handedToRequest(page, 'I lost my phone or my authenticator app');
  // "No, I never saved any" answered the codes question already.
  await expect(page.locator('#recovery-codes-status')).toHaveCount(0);
  await page.getByLabel('Tell us what happened').fill('My phone with the authenticator app broke and I never saved the recovery codes.');
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(h1(page)).toHaveText('How can support reach you?');
  await expect(page.getByRole('main')).toContainText('proof that you can read alice@example.org');
  await expect(page.getByLabel('Contact email address')).toHaveValue('alice@example.org');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(h1(page)).toHaveText('Check your answers before sending your request');
  await expect(page.getByRole('main')).toContainText('Yes: alice@example.org, with a one-time code');
  await expect(page.getByRole('main')).toContainText('I never generated recovery codes');
  await page.getByRole('button', { name: 'Accept and send' }).click();
  await expect(h1(page)).toHaveText('Recovery request sent');
});

test('compromised: the urgent steps first, then a request marked compromised', async ({ page }) => {
  await choose(page, /Someone else has taken over/);
  await expect(h1(page)).toHaveText('If someone else has used your account');
  const main = page.getByRole('main');
  await expect(main).toContainText('Revoke every API token');
  await expect(page.getByRole('link', { name: 'PyPI security' })).toHaveAttribute('href', 'https://pypi.org/security/');
  await expectAccessibleAtBothWidths(page, 'urgent steps');
  await page.getByRole('button', { name: 'Ask support to secure your account' }).click();
  await handedToRequest(page, 'Someone else has taken over or used my account');
  await expect(page.locator('#recovery-codes-status')).toHaveCount(0);
  // The leak guard refuses an API token pasted into the request.
  await page.getByLabel('Tell us what happened').fill(`Someone uploaded with my token ${API_TOKEN}`);
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('alert')).toContainText('Remove the API token from your description');
});

test('an expired code step restarts sign-in and says why', async ({ page }) => {
  // The 300 s step cannot be waited out in a test: the server's answer is played.
  await page.route('**/api/v1/login/recovery-code', (route) =>
    route.fulfill({
      status: 401,
      contentType: 'application/problem+json',
      body: JSON.stringify({ type: 'urn:reclaim:problem:challenge_expired', title: 'The sign-in step has expired', status: 401, code: 'challenge_expired' }),
    }),
  );
  await lostAuthenticator(page);
  await signIn(page, 'alice');
  await enterCode(page, ALICE_CODES[4]);
  await expect(h1(page)).toHaveText('Sign in with a recovery code');
  await expect(page.getByRole('status').filter({ hasText: 'lasts 5 minutes' })).toBeVisible();
  await expect(page.getByLabel('Password', { exact: true })).toHaveValue('');
});

// Last in the last file: carol stays unverified for everything before it.
test('an unverified address gets reset links only once verified from inside the account', async ({ page }) => {
  // The wizard's way out for her: an address is verified only by signing in.
  await choose(page, /I forgot my password/);
  await page.getByLabel('Username or email address').fill('carol');
  await page.getByRole('button', { name: 'Send a reset link' }).click();
  await expect(h1(page)).toHaveText('Check your email');
  await page.getByRole('link', { name: 'verify it in the security checkup' }).click();
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fcheckup$/);
  await page.getByLabel('Username', { exact: true }).fill('carol');
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('heading', { name: 'Signed in as carol' })).toBeVisible();
  await page.getByRole('button', { name: 'Verify your email address' }).click();
  await expect(page).toHaveURL(/\/checkup\/email$/);
  await expect(page.getByRole('heading', { name: 'Verify your email address' })).toBeVisible();
  await expectAccessibleAtBothWidths(page, 'verify email');
  await page.getByRole('button', { name: 'Send the code' }).click();
  await expect(page.getByRole('heading', { name: 'Enter the code from the email' })).toBeVisible();
  const [code] = await newestMatch(page.request, 'carol@example.org', /\b\d{8}\b/);
  await page.getByLabel('Code from the email').fill('00000000' === code ? '11111111' : '00000000');
  await page.getByRole('button', { name: 'Verify my email address' }).click();
  await expect(page.getByRole('alert').first()).toBeVisible();
  await expectAccessibleAtBothWidths(page, 'wrong email code');
  await page.getByLabel('Code from the email').fill(code);
  await page.getByRole('button', { name: 'Verify my email address' }).click();
  await expect(page).toHaveURL(/\/checkup$/);
  await expect(page.getByRole('status').filter({ hasText: 'Your email address is verified' })).toBeVisible();
  await expect(page.locator('.checkup-item').filter({ has: page.getByRole('heading', { name: /^Email address/ }) })).toContainText('Healthy');

  // Now a reset link goes to her.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/$/);
  await choose(page, /I forgot my password/);
  await page.getByLabel('Username or email address').fill('carol');
  await page.getByRole('button', { name: 'Send a reset link' }).click();
  await expect(h1(page)).toHaveText('Check your email');
  await newestMatch(page.request, 'carol@example.org', /\/recover\/reset-password\?token=/);
});
