// No codes, no weeks of waiting: bob proves his email, then pushes the
// branch the page names to his project's repository (served by the demo
// server over smart HTTP, with the commands the page shows, run as shown),
// files the request with both proofs, sees its hold on /status, and the
// notice mailed to his address cancels it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect, expectAccessibleAtBothWidths, appReady } from './fixtures';
import { newestMatch } from './demo';
import { showRequest } from './operator';

const h1 = (page: Page) => page.getByRole('heading', { level: 1 });

test.beforeEach(async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 900 });
});

/** Run the page's commands, one shell line each, in a fresh folder. */
function runShown(commands: string): void {
  const dir = mkdtempSync(join(tmpdir(), 'reclaim-proof-'));
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: 'Bob',
    GIT_AUTHOR_EMAIL: 'bob@example.org',
    GIT_COMMITTER_NAME: 'Bob',
    GIT_COMMITTER_EMAIL: 'bob@example.org',
    GIT_TERMINAL_PROMPT: '0',
  };
  try {
    execFileSync('bash', ['-euc', commands], { cwd: dir, env, stdio: 'pipe' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('lost phone, no codes: email and repository proven, a request on hold, cancelled from the notice', async ({ page }) => {
  await page.goto('/recover');
  await appReady(page);
  await page.getByLabel('I lost my phone or my authenticator app').check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('No, I lost them').check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('Email address of your account').fill('bob@example.org');
  await page.getByRole('button', { name: 'Send the code' }).click();
  const [, code] = await newestMatch(page.request, 'bob@example.org', /one-time code is:\s+(\d{8})/);
  await page.locator('#code').fill(code);
  await page.getByRole('button', { name: 'Continue' }).click();

  // His project's repository, with the project's name and since when.
  await expect(h1(page)).toHaveText('Prove you control a project\u2019s repository');
  const option = page.getByLabel('bobs-toolkit');
  await expect(page.getByRole('main')).toContainText('/demo-git/bobs-toolkit.git, listed since');
  await expectAccessibleAtBothWidths(page, 'choose a repository');
  await page.screenshot({ path: 'test-results/screens/repository-choose.png', fullPage: true });
  await page.getByRole('button', { name: 'Continue', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText('Select the repository you can push to');
  await option.check();
  await page.getByRole('button', { name: 'Continue', exact: true }).click();

  await expect(h1(page)).toHaveText('Push a branch to your repository');
  const commands = (await page.locator('pre.commands').innerText()).trim();
  expect(commands).toMatch(/git push origin HEAD:refs\/heads\/reclaim-[0-9a-f]{16}$/);
  await expectAccessibleAtBothWidths(page, 'push a branch');
  await page.screenshot({ path: 'test-results/screens/repository-push.png', fullPage: true });

  // Checked before the push: not found yet, in plain words.
  await page.getByRole('button', { name: 'Check now' }).click();
  await expect(page.getByRole('alert')).toContainText('We did not find the branch in the repository yet');
  await expectAccessibleAtBothWidths(page, 'branch not found yet');

  runShown(commands);
  await page.getByRole('button', { name: 'Check now' }).click();

  // The request starts with both proofs; nothing about codes is asked again.
  await expect(h1(page)).toHaveText('Which account do you need back?');
  await expect(h1(page)).toBeInViewport();
  await page.getByLabel('Username', { exact: true }).fill('bob');
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('Tell us what happened').fill('My phone with the authenticator app was stolen, with the recovery codes on it.');
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByLabel('Contact email address')).toHaveValue('bob@example.org');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(h1(page)).toHaveText('Check your answers before sending your request');
  await expect(page.getByRole('main')).toContainText('Yes: bob@example.org, with a one-time code');
  await expect(page.getByRole('main')).toContainText(/Repository proven\s*Yes: http:\/\/127\.0\.0\.1:\d+\/demo-git\/bobs-toolkit\.git/);
  await page.getByRole('button', { name: 'Accept and send' }).click();

  // The confirmation names the hold and its end.
  await expect(h1(page)).toHaveText('Recovery request sent');
  await expect(page.getByRole('main')).toContainText(/Your request waits until \d+ \w+ \d{4} at \d\d:\d\d \w+ before anyone acts on it/);
  await expect(page.getByRole('main')).toContainText('email and repository proofs are attached');
  await expectAccessibleAtBothWidths(page, 'confirmation with a hold');
  await page.screenshot({ path: 'test-results/screens/repository-confirmation.png', fullPage: true });
  const id = (await page.locator('.panel__id').innerText()).trim();
  const token = (await page.locator('#status-token').innerText()).trim();

  // The operator sees the evidence.
  const shown = showRequest(id);
  expect(shown).toContain('bobs-toolkit');
  expect(shown).toMatch(/reclaim-[0-9a-f]{16}/);

  // The status page: both proofs, the hold's end, the expected answer.
  await page.goto('/status');
  await page.getByLabel('Request ID').fill(id);
  await page.getByLabel('Status token').fill(token);
  await page.getByRole('button', { name: 'Check status' }).click();
  const main = page.getByRole('main');
  await expect(main).toContainText('Email address proven with a one-time code');
  await expect(main).toContainText(/Branch reclaim-[0-9a-f]{16} \(commit [0-9a-f]{12}\) found in http/);
  await expect(main).toContainText(/Waiting period\s*Until/);
  await expect(main).toContainText('Expected answer');
  await expect(main).toContainText('Place in the queue');
  await expectAccessibleAtBothWidths(page, 'status with proofs and a hold');
  await page.screenshot({ path: 'test-results/screens/repository-status.png', fullPage: true });

  // "This wasn't me", from the notice mailed to bob's address.
  const [link] = await newestMatch(page.request, 'bob@example.org', /https?:\/\/\S+\/status\/cancel\?id=\S+#\S+/);
  const cancel = new URL(link);
  expect(cancel.searchParams.get('id')).toBe(id);
  await page.goto(cancel.pathname + cancel.search + cancel.hash);
  await appReady(page);
  await expect(h1(page)).toHaveText('Cancel this recovery request?');
  await expectAccessibleAtBothWidths(page, 'cancel a request');
  await page.getByRole('button', { name: 'Cancel the request: it was not me' }).click();
  await expect(page.getByRole('main')).toContainText('The recovery request is cancelled');
  await expectAccessibleAtBothWidths(page, 'request cancelled');
  // Single use: the same link again is refused.
  await page.reload();
  await appReady(page);
  await page.getByRole('button', { name: 'Cancel the request: it was not me' }).click();
  await expect(h1(page)).toHaveText('The request could not be cancelled');
  await expect(page.getByRole('alert')).toContainText('This link does not work any more');

  // The status page says so.
  await page.goto('/status');
  await page.getByLabel('Request ID').fill(id);
  await page.getByLabel('Status token').fill(token);
  await page.getByRole('button', { name: 'Check status' }).click();
  await expect(main).toContainText('Closed');
  expect(showRequest(id)).toMatch(/cancel/i);
});

test('without a usable repository the branch goes on with the email proof alone', async ({ page }) => {
  // An address of no account: the same page as for an account whose
  // projects have no repository (carol's), so it says nothing about which.
  const address = 'no-account@example.org';
  await page.goto('/recover/lost-authenticator');
  await appReady(page);
  await page.getByLabel('No, I never saved any').check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('Email address of your account').fill(address);
  await page.getByRole('button', { name: 'Send the code' }).click();
  const [, code] = await newestMatch(page.request, address, /one-time code is:\s+(\d{8})/);
  await page.locator('#code').fill(code);
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(h1(page)).toHaveText('None of your projects has a repository we can use');
  await expect(page.getByRole('main')).toContainText('Support then waits longer before acting on it');
  await expectAccessibleAtBothWidths(page, 'no usable repository');
  await page.screenshot({ path: 'test-results/screens/repository-none.png', fullPage: true });
  await page.getByRole('button', { name: 'Continue without a repository' }).click();
  await expect(h1(page)).toHaveText('Which account do you need back?');
});
