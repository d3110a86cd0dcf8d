// Shared fixtures: every test fails on a console error or an uncaught page
// error, and `expectAccessible` runs axe-core with the WCAG 2.2 AA tag set.
import { test as base, expect, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

type Fixtures = { consoleErrors: string[] };

export const test = base.extend<Fixtures>({
  consoleErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      page.on('console', (msg) => {
        // Chromium logs every 4xx answer to fetch(); the API answers 4xx by
        // design (unknown id, validation), so only other errors count.
        const text = msg.text();
        if (msg.type() === 'error' && !/^Failed to load resource: the server responded with a status of 4\d\d/.test(text)) {
          errors.push(text);
        }
      });
      page.on('pageerror', (err) => errors.push(String(err)));
      await use(errors);
      // Tests that provoke failures on purpose (offline, 5xx) clear this list.
      expect(errors, 'console errors on the page').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

/** Run axe-core on the current state of the page; zero violations allowed. */
export async function expectAccessible(page: Page, label: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
  const summary = results.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
  expect(summary, `axe violations on ${label}`).toEqual([]);
}

/** axe and no sideways scrolling at the desktop and the phone width; the
 *  page is left at the phone's. */
export async function expectAccessibleAtBothWidths(page: Page, label: string): Promise<void> {
  for (const width of [1280, 360]) {
    await page.setViewportSize({ width, height: 900 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, `${label} scrolls sideways at ${width}px`).toBeLessThanOrEqual(0);
    await expectAccessible(page, `${label} at ${width}px`);
  }
}

/** Wait until the Leptos app has mounted (the main landmark exists). */
export async function appReady(page: Page): Promise<void> {
  await expect(page.locator('main#main-content')).toBeVisible();
}
