// The request can be filed with the keyboard alone: every control is reached
// with Tab (never clicked), typed into, and operated with Space, arrows, Enter.
import type { Page } from '@playwright/test';
import { test, expect, appReady } from './fixtures';
import { requestIdsFor } from './operator';

/** Press Tab until the element matching `selector` has focus (at most 60 stops). */
async function tabTo(page: Page, selector: string): Promise<void> {
  for (let i = 0; i < 60; i += 1) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`${selector} is not reachable with Tab`);
}

test('a request is filed with the keyboard alone', async ({ page }) => {
  const username = `kbd-${Date.now().toString(36)}`;
  await page.goto('/request?reason=lost_2fa');
  await appReady(page);

  const submit = async () => {
    await tabTo(page, 'button[type=submit]');
    await page.keyboard.press('Enter');
  };
  await tabTo(page, '#username');
  await page.keyboard.type(username);
  await submit();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('What happened?');
  // A radio group is one Tab stop; Space picks the focused option.
  await tabTo(page, 'input[type=radio][name="recovery-codes-status"]');
  await page.keyboard.press('Space');
  await tabTo(page, '#details');
  await page.keyboard.type('I lost the phone with my authenticator app in May.');
  await tabTo(page, '#lost-access-on-day');
  await page.keyboard.type('14');
  await page.keyboard.press('Tab');
  await page.keyboard.type('5');
  await page.keyboard.press('Tab');
  await page.keyboard.type('2026');
  await submit();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('What can support check?');
  await submit();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('How can support reach you?');
  await tabTo(page, '#contact-email');
  await page.keyboard.type(`${username}@example.org`);
  await submit();

  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Check your answers before sending your request');
  await tabTo(page, 'button.button:not(.button--secondary):not(.button--warning)');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Recovery request sent');
  expect(requestIdsFor(username)).toHaveLength(1);
});

test('after following a link, focus is on the new page\'s heading, not lost', async ({ page }) => {
  await page.goto('/');
  await appReady(page);
  await tabTo(page, 'a.button--start');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('What happened?');
  await expect(page.getByRole('heading', { level: 1 })).toBeFocused();
  // The next Tab continues in the new page's content, not in the footer.
  await page.keyboard.press('Tab');
  const inMain = await page.evaluate(() => document.activeElement?.closest('main') !== null);
  expect(inMain).toBe(true);
});

test('the wizard works with the keyboard alone: a branch chosen and a form sent', async ({ page }) => {
  await page.goto('/recover');
  await appReady(page);
  // One Tab stop for the radios; arrows move between the answers.
  await tabTo(page, 'input[type=radio][name="what-happened"]');
  await page.keyboard.press('Space');
  await page.keyboard.press('ArrowDown');
  await expect(page.getByLabel('I lost my phone or my authenticator app')).toBeChecked();
  await tabTo(page, 'button[type=submit]');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Do you have recovery codes?');
  await tabTo(page, 'input[type=radio][name="have-codes"]');
  await page.keyboard.press('Space');
  await expect(page.getByLabel('Yes, I have recovery codes')).toBeChecked();
  await tabTo(page, 'button[type=submit]');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in with a recovery code');
  await tabTo(page, '#username');
  await page.keyboard.type('alice');
  await tabTo(page, '#password');
  await page.keyboard.type('reclaim-demo-pass');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Enter a recovery code');
  await tabTo(page, '#code');
  await page.keyboard.type('e07f 3b9a 2c5d 1846');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('You are signed in');
});
