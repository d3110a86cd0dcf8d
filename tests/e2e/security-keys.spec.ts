// Security keys and passkeys in a real browser: Chromium's virtual
// authenticator (the DevTools protocol's WebAuthn domain) plays the key.
// WebAuthn refuses an IP address as the relying party, so these pages are
// opened on http://localhost (the server serves keys there when its public
// URL is an IP address), not on the 127.0.0.1 the other specs use.
import type { Page } from '@playwright/test';
import { test, expect, expectAccessibleAtBothWidths, appReady } from './fixtures';
import { ALICE_SECRET, PASSWORD, totp } from './demo';

const h1 = (page: Page) => page.getByRole('heading', { level: 1 });

/** The same server, on the host name keys work on. */
function localhost(baseURL: string | undefined, path: string): string {
  const url = new URL(baseURL!);
  url.hostname = 'localhost';
  return new URL(path, url).toString();
}

/** A USB key that is always touched and verifies its user. */
async function addVirtualKey(page: Page): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'usb',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
}

async function signInWithPassword(page: Page, username: string): Promise<void> {
  await page.getByLabel('Username', { exact: true }).fill(username);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Continue' }).click();
}

function item(page: Page, name: string) {
  return page.locator('.checkup-item').filter({ has: page.getByRole('heading', { name: new RegExp(`^${name}`) }) });
}

test.beforeEach(async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 900 });
});

test('a key is added in the checkup, signs in, is renamed, answers for a lost key, and is removed', async ({ page, baseURL }) => {
  await addVirtualKey(page);
  await page.goto(localhost(baseURL, '/sign-in?next=/checkup'));
  await appReady(page);
  await signInWithPassword(page, 'bob');
  await expect(page.getByRole('heading', { name: 'Signed in as bob' })).toBeVisible();
  // No key yet: a tip to add one.
  await expect(item(page, 'Security keys and passkeys')).toContainText('Tip');

  await page.getByRole('button', { name: 'Add a security key' }).click();
  await expect(page).toHaveURL(/\/checkup\/security-keys$/);
  await expect(h1(page)).toHaveText('Security keys and passkeys');
  await expect(page.getByRole('main')).toContainText('You have not added a security key yet');
  await expectAccessibleAtBothWidths(page, 'security keys, none yet');
  await page.screenshot({ path: 'test-results/screens/keys-none.png', fullPage: true });
  await page.getByRole('button', { name: 'Add a security key' }).click();
  // Signed in a moment ago: no password again.
  await expect(h1(page)).toHaveText('Add a security key');
  await page.getByRole('button', { name: 'Add the key' }).click();
  await expect(page.getByRole('alert')).toContainText('Enter a name for the key');
  await expectAccessibleAtBothWidths(page, 'add a key');
  await page.getByLabel('Name this key').fill('Blue key');
  await page.getByRole('button', { name: 'Add the key' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Your security key \u201cBlue key\u201d is added' })).toBeVisible();
  await expect(page.getByRole('main')).toContainText('Blue key');
  await expect(page.getByRole('main')).toContainText('Not used to sign in yet');
  await expectAccessibleAtBothWidths(page, 'security keys, one');
  await page.screenshot({ path: 'test-results/screens/keys-one.png', fullPage: true });

  // Signing in now asks for the key, first.
  await page.getByRole('button', { name: 'Back to the checkup' }).click();
  await expect(item(page, 'Two-factor authentication')).toContainText('Healthy');
  await expect(item(page, 'Security keys and passkeys')).toContainText('Healthy');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/$/);
  await page.goto(localhost(baseURL, '/sign-in?next=/checkup/security-keys'));
  await appReady(page);
  await signInWithPassword(page, 'bob');
  await expect(h1(page)).toHaveText('Use your security key');
  await expectAccessibleAtBothWidths(page, 'sign in with a key');
  await page.screenshot({ path: 'test-results/screens/keys-sign-in.png', fullPage: true });
  await page.getByRole('button', { name: 'Use your security key' }).click();
  await expect(page).toHaveURL(/\/checkup\/security-keys$/);
  await expect(page.getByRole('main')).toContainText('Last used');

  // Renamed.
  await page.getByRole('button', { name: 'Rename Blue key' }).click();
  await expect(h1(page)).toHaveText('Rename a security key');
  await expectAccessibleAtBothWidths(page, 'rename a key');
  await page.getByLabel('New name').fill('Spare key');
  await page.getByRole('button', { name: 'Save the name' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Spare key' })).toBeVisible();
  await expect(page.locator('.summary-list')).toContainText('Spare key');

  // Lost, as the only second factor: the wizard has no other way in for
  // bob, and leads to proving his email.
  const wizard = await page.context().newPage();
  await wizard.setViewportSize({ width: 360, height: 900 });
  await wizard.goto(localhost(baseURL, '/recover'));
  await appReady(wizard);
  await wizard.getByLabel('I lost my security key or passkey').check();
  await wizard.getByRole('button', { name: 'Continue' }).click();
  await expect(h1(wizard)).toHaveText('Sign in without your security key');
  await signInWithPassword(wizard, 'bob');
  await expect(h1(wizard)).toHaveText('You have no other way to sign in');
  await expectAccessibleAtBothWidths(wizard, 'lost key, no other way');
  await wizard.getByRole('button', { name: 'Prove your email address' }).click();
  await expect(h1(wizard)).toContainText('Prove you can read');
  await wizard.close();

  // Removed (signed in with the key a moment ago: no password again),
  // leaving bob as seeded, without two-factor.
  await page.getByRole('button', { name: 'Remove Spare key' }).click();
  await expect(h1(page)).toHaveText('Remove \u201cSpare key\u201d');
  await expect(page.getByRole('main')).toContainText('This is your only second factor');
  await expectAccessibleAtBothWidths(page, 'remove a key');
  await page.getByRole('button', { name: 'Remove this key' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'is removed' })).toBeVisible();
  await expect(page.getByRole('main')).toContainText('You have not added a security key yet');
});

test('a lost key with an authenticator app: sign in with its code, then on to removing the key', async ({ page, baseURL }) => {
  await page.goto(localhost(baseURL, '/recover'));
  await appReady(page);
  await page.getByLabel('I lost my security key or passkey').check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(h1(page)).toHaveText('Sign in without your security key');
  await expectAccessibleAtBothWidths(page, 'lost key, sign in');
  await signInWithPassword(page, 'alice');
  await expect(h1(page)).toHaveText('Use another way to sign in');
  await expect(page.getByLabel('Code from your authenticator app')).toBeVisible();
  await expectAccessibleAtBothWidths(page, 'lost key, another way');
  await page.locator('#code').fill(totp(ALICE_SECRET));
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(h1(page)).toHaveText('You are signed in');
  await page.getByRole('link', { name: 'Remove the lost security key' }).click();
  await expect(page).toHaveURL(/\/checkup\/security-keys$/);
  await expect(h1(page)).toHaveText('Security keys and passkeys');
});
