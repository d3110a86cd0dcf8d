// The recovery request in the browser: its question pages filled, failed
// and fixed, checked, submitted, and followed on /status, a lost status
// token replaced; failures of the network and the server never lose the
// draft nor create two requests.
import type { Page } from '@playwright/test';
import { test, expect, expectAccessible, expectAccessibleAtBothWidths, appReady } from './fixtures';
import { requestIdsFor, setStatus, showRequest } from './operator';
import { newestMatch, outbox } from './demo';

let counter = 0;
/** A username no other test uses, so counts of stored requests are exact. */
function freshUsername(): string {
  counter += 1;
  return `e2e-${Date.now().toString(36)}-${counter}`;
}

const h1 = (page: Page) => page.getByRole('heading', { level: 1 });

async function next(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Continue' }).click();
}

/** The first question page, filled in and continued. */
async function answerAccount(page: Page, username: string): Promise<void> {
  await expect(h1(page)).toHaveText('Which account do you need back?');
  await page.getByLabel('Username', { exact: true }).fill(username);
  await next(page);
}

/** "What happened?", filled in and continued; `codes` when it asks about them. */
async function answerWhatHappened(page: Page, codes = true): Promise<void> {
  await expect(h1(page)).toHaveText('What happened?');
  await page.getByLabel('I lost my phone or my authenticator app').check();
  if (codes) await page.getByLabel('I have recovery codes but they do not work').check();
  await page
    .getByLabel('Tell us what happened')
    .fill('I lost the phone with my authenticator app in May and my recovery codes were on it too.');
  await page.getByLabel('Day').fill('14');
  await page.getByLabel('Month').fill('5');
  await page.getByLabel('Year').fill('2026');
  await next(page);
}

async function answerEvidence(page: Page, username: string): Promise<void> {
  await expect(h1(page)).toHaveText('What can support check?');
  await page.locator('#previous-emails-0').fill(`old-${username}@example.com`);
  await page.locator('#packages-0').fill('example-package');
  await next(page);
}

async function answerContact(page: Page, username: string): Promise<void> {
  await expect(h1(page)).toHaveText('How can support reach you?');
  await page.getByLabel('Contact email address').fill(`${username}@example.org`);
  await next(page);
}

/** Every question page answered, from the first to "Check your answers". */
async function answerEveryQuestion(page: Page, username: string, codes = true): Promise<void> {
  await answerAccount(page, username);
  await answerWhatHappened(page, codes);
  await answerEvidence(page, username);
  await answerContact(page, username);
  await expect(h1(page)).toHaveText('Check your answers before sending your request');
}

/** A fresh, valid request filled in and shown on "Check your answers". */
async function readyToSend(page: Page): Promise<string> {
  const username = freshUsername();
  await page.goto('/request');
  await appReady(page);
  await answerEveryQuestion(page, username);
  return username;
}

const SEND = 'Accept and send';

async function readConfirmation(page: Page, timeout = 10_000): Promise<{ id: string; token: string }> {
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Recovery request sent', { timeout });
  const id = (await page.locator('.panel__id').innerText()).trim();
  const token = (await page.locator('#status-token').innerText()).trim();
  expect(id).toMatch(/^RR-\d{4}-\d{6}$/);
  expect(token.length).toBeGreaterThanOrEqual(20);
  return { id, token };
}

test('a newcomer goes from the start page to a sent request and sees it on /status', async ({ page }) => {
  const username = freshUsername();
  await page.goto('/');
  await appReady(page);
  const started = Date.now();
  await page.getByRole('link', { name: /start now/i }).click();
  // The start leads through the recovery options; the request is the last resort.
  await expect(h1(page)).toHaveText('What happened?');
  await page.getByLabel('I lost my phone or my authenticator app').check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('No, I lost them').check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(h1(page)).toContainText('Prove you can read');
  await page.getByRole('button', { name: 'I cannot read the email address of my account' }).click();
  // The handoff lands on the first question, its heading in view.
  await expect(h1(page)).toHaveText('Which account do you need back?');
  await expect(h1(page)).toBeInViewport();
  await expectAccessibleAtBothWidths(page, 'first question');
  await answerAccount(page, username);
  // The reason chosen in the wizard is preselected, and what it said about
  // the codes is not asked again.
  await expect(page.getByLabel('I lost my phone or my authenticator app')).toBeChecked();
  await expect(page.getByText('What about your recovery codes?')).toHaveCount(0);
  await expectAccessibleAtBothWidths(page, 'what happened');
  await answerWhatHappened(page, false);
  await expectAccessibleAtBothWidths(page, 'what support can check');
  await answerEvidence(page, username);
  await expectAccessibleAtBothWidths(page, 'contact');
  await answerContact(page, username);
  await expect(h1(page)).toHaveText('Check your answers before sending your request');
  // The two acknowledgements are one declaration, made by sending.
  await expect(page.getByRole('checkbox')).toHaveCount(0);
  await expect(page.getByRole('main')).toContainText('By sending this request you confirm that');
  await expect(page.getByRole('main')).toContainText('I generated recovery codes but I have lost them');
  await expectAccessibleAtBothWidths(page, 'check your answers');
  await page.getByRole('button', { name: SEND }).click();
  const { id, token } = await readConfirmation(page);
  console.log(`start page to confirmation, typing at machine speed: ${Date.now() - started} ms`);
  await page.screenshot({ path: 'test-results/screens/request-confirmation.png', fullPage: true });
  await expectAccessible(page, 'confirmation');

  // The operator sees every field as it was entered.
  expect(requestIdsFor(username)).toEqual([id]);
  const stored = showRequest(id);
  expect(stored).toContain(`${username}@example.org`);
  expect(stored).toContain('example-package');
  expect(stored).toContain('2026-05-14');
  expect(stored).toContain('lost');

  // The draft is gone after a successful submission.
  await page.goto('/request');
  await expect(page.getByLabel('Username', { exact: true })).toHaveValue('');

  await page.goto('/status');
  await page.getByLabel('Request ID').fill(id);
  await page.getByLabel('Status token').fill(token);
  await page.getByRole('button', { name: 'Check status' }).click();
  await expect(page.getByRole('main')).toContainText('Received');
  await expectAccessible(page, 'status page');

  // Support moves the request; the user sees the new status and the note.
  setStatus(id, 'in_review', 'We are checking your packages.');
  await page.getByRole('button', { name: 'Check status' }).click();
  await expect(page.getByRole('main')).toContainText('In review');
  await expect(page.getByRole('main')).toContainText('We are checking your packages.');
  await page.screenshot({ path: 'test-results/screens/status-in-review.png', fullPage: true });
});

test('errors are summarised on their page, linked to their fields, and fixed in place', async ({ page }) => {
  const username = freshUsername();
  await page.goto('/request');
  await appReady(page);
  await next(page);

  const summary = page.getByRole('alert');
  await expect(summary).toContainText('There is a problem');
  await expect(summary).toBeFocused();
  await expect(page).toHaveTitle(/^Error: /);
  // Only this page's question: nothing about later pages yet.
  await expect(summary.getByRole('link')).toHaveCount(1);
  await page.screenshot({ path: 'test-results/screens/request-errors.png', fullPage: true });
  await expectAccessibleAtBothWidths(page, 'first question with errors');

  // Each summary entry links to its field, with the same words as inline.
  const first = summary.getByRole('link').first();
  const words = (await first.innerText()).trim();
  await first.click();
  await expect(page.getByLabel('Username', { exact: true })).toBeFocused();
  await expect(page.locator('#username-error')).toContainText(words);
  await answerAccount(page, username);

  // A recovery code pasted into the description is refused, and explained.
  await expect(h1(page)).toHaveText('What happened?');
  await page.getByLabel('I lost my phone or my authenticator app').check();
  await page.getByLabel('I have recovery codes but they do not work').check();
  await page
    .getByLabel('Tell us what happened')
    .fill('My codes do not work, for example 5c8e 1f0b 3d7a 9e24 says invalid.');
  await next(page);
  await expect(page.getByRole('alert')).toContainText(/recovery code/i);
  await expect(page.getByRole('alert')).toContainText(/never share/i);
  await expectAccessibleAtBothWidths(page, 'leak guard error');
  await page.getByLabel('Tell us what happened').fill('I lost my phone with the authenticator app.');
  await next(page);
  await answerEvidence(page, username);

  // The contact address must not be one listed as lost.
  await page.getByLabel('Contact email address').fill(`old-${username}@example.com`);
  await next(page);
  await expect(page.getByRole('alert')).toContainText(/contact email/i);
  await page.getByLabel('Contact email address').fill(`${username}@example.org`);
  await next(page);
  await expect(h1(page)).toHaveText('Check your answers before sending your request');

  // A Change link opens the field's page, and Continue goes back to the summary.
  await page.getByRole('link', { name: /Change.*packages/i }).click();
  await expect(h1(page)).toHaveText('What can support check?');
  await expect(page.locator('#packages-0')).toBeFocused();
  await page.locator('#packages-0').fill('other-package');
  await next(page);
  await expect(h1(page)).toHaveText('Check your answers before sending your request');
  await expect(page.getByRole('main')).toContainText('other-package');
});

test('the draft survives a reload, Back keeps the answers, and Start again clears them', async ({ page }) => {
  const username = freshUsername();
  await page.goto('/request');
  await appReady(page);
  await answerAccount(page, username);
  await page.getByLabel('I lost my phone or my authenticator app').check();
  await page.getByLabel('I have recovery codes but they do not work').check();
  await page.getByLabel('Tell us what happened').fill('My phone fell in the lake.');
  await page.reload();
  await appReady(page);
  await expect(h1(page)).toHaveText('What happened?');
  await expect(page.getByLabel('Tell us what happened')).toHaveValue('My phone fell in the lake.');
  await expect(page.getByLabel('I have recovery codes but they do not work')).toBeChecked();
  // Nothing secret-shaped is in web storage: the draft holds answers only.
  const stored = await page.evaluate(() => JSON.stringify({ ...sessionStorage, ...localStorage }));
  expect(stored).toContain(username);
  expect(stored).not.toMatch(/status_token|password/i);

  await page.getByRole('link', { name: 'Back' }).click();
  await expect(page.getByLabel('Username', { exact: true })).toHaveValue(username);
  await page.getByRole('button', { name: 'Start again' }).click();
  await expect(page.getByLabel('Username', { exact: true })).toHaveValue('');
  await page.reload();
  await appReady(page);
  await expect(page.getByLabel('Username', { exact: true })).toHaveValue('');
});

test('a double click sends one request', async ({ page }) => {
  const username = await readyToSend(page);
  await page.getByRole('button', { name: SEND }).dblclick();
  await readConfirmation(page);
  expect(requestIdsFor(username)).toHaveLength(1);
});

test('offline while sending: the draft is kept and a retry lands once', async ({ page, consoleErrors }) => {
  const username = await readyToSend(page);

  // The request reaches the server, but the answer is lost on the way back:
  // the worst case for duplicates.
  let attempts = 0;
  await page.route('**/api/v1/recovery-requests', async (route) => {
    attempts += 1;
    if (attempts === 1) {
      await route.fetch();
      await route.abort('internetdisconnected');
    } else {
      await route.continue();
    }
  });
  await page.getByRole('button', { name: SEND }).click();
  const { id } = await readConfirmation(page);
  expect(attempts).toBeGreaterThanOrEqual(2);
  expect(requestIdsFor(username)).toEqual([id]);
  consoleErrors.splice(0, consoleErrors.length, ...consoleErrors.filter((e) => !/ERR_INTERNET_DISCONNECTED|Failed to load resource|net::/.test(e)));
});

test('a 5xx answer is retried with the same key and lands once', async ({ page, consoleErrors }) => {
  const username = await readyToSend(page);

  const keys: string[] = [];
  await page.route('**/api/v1/recovery-requests', async (route) => {
    keys.push(route.request().headers()['idempotency-key']);
    if (keys.length <= 2) {
      await route.fulfill({
        status: 503,
        contentType: 'application/problem+json',
        body: JSON.stringify({ type: 'about:blank', title: 'Unavailable', status: 503, code: 'unavailable' }),
      });
    } else {
      await route.continue();
    }
  });
  await page.getByRole('button', { name: SEND }).click();
  await expect(page.getByRole('status').filter({ hasText: /try|sending/i }).first()).toBeVisible();
  const { id } = await readConfirmation(page);
  expect(keys.length).toBe(3);
  expect(new Set(keys).size).toBe(1);
  expect(requestIdsFor(username)).toEqual([id]);
  consoleErrors.splice(0, consoleErrors.length, ...consoleErrors.filter((e) => !/503|Failed to load resource/.test(e)));
});

test('a 429 answer counts down the Retry-After wait, then sends', async ({ page }) => {
  const username = await readyToSend(page);

  let limited = false;
  await page.route('**/api/v1/recovery-requests', async (route) => {
    if (!limited) {
      limited = true;
      await route.fulfill({
        status: 429,
        headers: { 'Retry-After': '3' },
        contentType: 'application/problem+json',
        body: JSON.stringify({ type: 'about:blank', title: 'Too many requests', status: 429, code: 'rate_limited' }),
      });
    } else {
      await route.continue();
    }
  });
  await page.getByRole('button', { name: SEND }).click();
  await expect(page.getByText(/Try again in \d+ s/)).toBeVisible();
  await expectAccessible(page, 'rate limited state');
  // After the wait the app sends again by itself, with the same key.
  const { id } = await readConfirmation(page, 15_000);
  expect(requestIdsFor(username)).toEqual([id]);
});

test('a 409 (the same key still in flight) waits and retries: one request', async ({ page }) => {
  const username = await readyToSend(page);

  const keys: string[] = [];
  await page.route('**/api/v1/recovery-requests', async (route) => {
    keys.push(route.request().headers()['idempotency-key']);
    if (keys.length === 1) {
      await route.fulfill({
        status: 409,
        headers: { 'Retry-After': '1' },
        contentType: 'application/problem+json',
        body: JSON.stringify({ type: 'urn:reclaim:problem:idempotency_in_flight', title: 'In flight', status: 409, code: 'idempotency_in_flight' }),
      });
    } else {
      await route.continue();
    }
  });
  await page.getByRole('button', { name: SEND }).click();
  const { id } = await readConfirmation(page);
  expect(keys.length).toBe(2);
  expect(keys[0]).toBe(keys[1]);
  expect(requestIdsFor(username)).toEqual([id]);
});

test('server field errors (422) are placed on the fields', async ({ page }) => {
  const username = await readyToSend(page);
  await page.route('**/api/v1/recovery-requests', (route) =>
    route.fulfill({
      status: 422,
      contentType: 'application/problem+json',
      body: JSON.stringify({
        type: 'urn:reclaim:problem:validation_failed',
        title: 'Some answers need changing',
        status: 422,
        code: 'validation_failed',
        errors: [{ pointer: '/packages/0', code: 'package_name_format', message: 'Package name is not valid' }],
      }),
    }),
  );
  await page.getByRole('button', { name: SEND }).click();
  // Back on the page that asks, with the app's own words for a known code
  // (one place for copy), on the right field.
  await expect(h1(page)).toHaveText('What can support check?');
  const words = /Enter the package name as it appears on the index/;
  await expect(page.getByRole('alert')).toContainText(words);
  await expect(page.locator('#packages-0-error')).toContainText(words);
  await expectAccessible(page, 'server field errors');
});

test('a reload while sending reuses the idempotency key: one request', async ({ page }) => {
  const username = await readyToSend(page);

  const keys: string[] = [];
  let stored = false;
  await page.route('**/api/v1/recovery-requests', async (route) => {
    keys.push(route.request().headers()['idempotency-key']);
    if (keys.length === 1) {
      // The server stores the request, but its answer never reaches the page.
      await route.fetch();
      stored = true;
      return;
    }
    await route.continue();
  });
  await page.getByRole('button', { name: SEND }).click();
  await expect.poll(() => stored).toBe(true);
  await page.reload();
  await expect(h1(page)).toHaveText('Check your answers before sending your request');
  await page.getByRole('button', { name: SEND }).click();
  await readConfirmation(page);
  expect(keys.length).toBe(2);
  expect(keys[0]).toBe(keys[1]);
  expect(requestIdsFor(username)).toHaveLength(1);
});

test('an unknown id and a wrong token get the same answer on /status', async ({ page }) => {
  await page.goto('/status');
  await appReady(page);
  await page.getByLabel('Request ID').fill('RR-2026-999999');
  await page.getByLabel('Status token').fill('not-a-real-token-at-all-000000');
  await page.getByRole('button', { name: 'Check status' }).click();
  await expect(page.getByRole('alert')).toContainText(/could not find/i);
  const unknown = (await page.getByRole('alert').innerText()).trim();
  expect(unknown.length).toBeGreaterThan(0);
  await expectAccessible(page, 'status not found');

  // A real request with a wrong token reads the same.
  const username = freshUsername();
  const response = await page.request.post('/api/v1/recovery-requests', {
    headers: { 'Idempotency-Key': `status-${username}` },
    data: {
      username,
      contact_email: `${username}@example.org`,
      reason: 'lost_email',
      details: 'I lost access to my old email address.',
      lost_access_on: null,
      previous_emails: [],
      packages: [],
      recovery_codes_status: 'lost',
      email_proof: null,
      accepted_code_of_conduct: true,
      acknowledged_delay: true,
    },
  });
  expect(response.status()).toBe(201);
  const { id } = await response.json();
  await page.getByLabel('Request ID').fill(id);
  await page.getByLabel('Status token').fill('not-a-real-token-at-all-000000');
  await page.getByRole('button', { name: 'Check status' }).click();
  await expect(page.getByRole('alert')).toBeVisible();
  expect((await page.getByRole('alert').innerText()).trim()).toBe(unknown);
});

test('a lost status token is replaced through the contact address, and the old one stops working', async ({ page }) => {
  const username = freshUsername();
  const contact = `${username}@example.org`;
  const response = await page.request.post('/api/v1/recovery-requests', {
    headers: { 'Idempotency-Key': `lost-token-${username}` },
    data: {
      username,
      contact_email: contact,
      reason: 'forgot_password',
      details: 'The reset link never came.',
      accepted_code_of_conduct: true,
      acknowledged_delay: true,
    },
  });
  expect(response.status()).toBe(201);
  const { id, status_token: oldToken } = await response.json();

  // The mail about the request links to its status page, with the ID filled in.
  const [link] = await newestMatch(page.request, contact, /http:\/\/\S+\/status\?id=\S+/);
  await page.goto(link.replace(/^http:\/\/[^/]+/, ''));
  await appReady(page);
  await expect(page.getByLabel('Request ID')).toHaveValue(id);
  await page.getByRole('link', { name: 'I do not have my status token' }).click();
  await expect(h1(page)).toHaveText('Get a new status token');
  await expect(page.getByLabel('Request ID')).toHaveValue(id);
  await expectAccessibleAtBothWidths(page, 'get a new status token');

  // A wrong address reads like the right one, and nothing is mailed to it.
  const before = (await outbox(page.request, contact)).length;
  await page.getByLabel('Contact email address').fill(`someone-else-${username}@example.org`);
  await page.getByRole('button', { name: 'Email me a code' }).click();
  await expect(h1(page)).toHaveText('Enter the code from the email');
  await expect(page.locator('#code')).toBeFocused();
  expect(await outbox(page.request, `someone-else-${username}@example.org`)).toEqual([]);
  await page.getByRole('button', { name: 'Check the request ID and address' }).click();
  await page.getByLabel('Contact email address').fill(contact);
  await page.getByRole('button', { name: 'Email me a code' }).click();
  await expect(h1(page)).toHaveText('Enter the code from the email');
  await expectAccessibleAtBothWidths(page, 'code for a new token');
  await expect.poll(async () => (await outbox(page.request, contact)).length).toBe(before + 1);
  const mail = (await outbox(page.request, contact))[0];
  expect(mail.body).toContain(id);
  const code = mail.body.match(/\b(\d{8})\b/)![1];

  await page.getByLabel('Code from the email').fill(code === '00000000' ? '11111111' : '00000000');
  await page.getByRole('button', { name: 'Get a new status token' }).click();
  await expect(page.getByRole('alert')).toContainText('latest email we sent');
  await page.getByLabel('Code from the email').fill(code);
  await page.getByRole('button', { name: 'Get a new status token' }).click();

  // Back on the status page with the new token in the field, looked up.
  await expect(h1(page)).toHaveText('Check the status of a recovery request');
  await expect(page.getByRole('main')).toContainText('Your new status token is in the Status token field');
  await expect(page.getByRole('heading', { name: `Request ${id}` })).toBeVisible();
  const newToken = await page.getByLabel('Status token').inputValue();
  expect(newToken).not.toBe(oldToken);
  await expectAccessibleAtBothWidths(page, 'status with a new token');
  const withOld = await page.request.get(`/api/v1/recovery-requests/${id}`, { headers: { Authorization: `Bearer ${oldToken}` } });
  expect(withOld.status()).toBe(404);
  const withNew = await page.request.get(`/api/v1/recovery-requests/${id}`, { headers: { Authorization: `Bearer ${newToken}` } });
  expect(withNew.status()).toBe(200);
  // The code worked once.
  const again = await page.request.post(`/api/v1/recovery-requests/${id}/status-token`, { data: { code } });
  expect(again.status()).toBe(422);
});
