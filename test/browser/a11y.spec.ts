// Accessibility (issue 9, bug 6): axe-core finds no violation in the states a
// class sees — light, dark, presenter mode, a node's inspector open, and
// reviewing the past.
import AxeBuilder from '@axe-core/playwright';
import { failOnPageErrors } from './fixtures';
import { expect, test, type Page } from '@playwright/test';

const WAIT = { timeout: 30_000 };

failOnPageErrors();

/** axe's violations on the page as it is now, one line per failing element. */
async function violations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations.flatMap((v) =>
    v.nodes.map((n) => `${v.id}: ${n.target.join(' ')} — ${n.failureSummary?.replace(/\s+/g, ' ') ?? ''}`),
  );
}

async function ready(page: Page): Promise<void> {
  await page.goto('./');
  // A leader, so every kind of node, badge and log row is on show.
  await expect(page.getByRole('button', { name: /^Node \d+, leader, term \d+/ })).toHaveCount(1, WAIT);
}

test('light theme', async ({ page }) => {
  await ready(page);
  expect(await violations(page)).toEqual([]);
});

test('dark theme', async ({ page }) => {
  await ready(page);
  await page.keyboard.press('m');
  await expect(page.locator('.lab.theme-dark')).toHaveCount(1);
  expect(await violations(page)).toEqual([]);
});

test('presenter mode', async ({ page }) => {
  await ready(page);
  await page.keyboard.press('p');
  await expect(page.locator('.lab.is-presenter')).toHaveCount(1);
  expect(await violations(page)).toEqual([]);
});

test('inspector open', async ({ page }) => {
  await ready(page);
  await page.getByRole('button', { name: /^Node 2,/ }).click();
  await expect(page.getByRole('region', { name: /^Node 2\b/ })).toBeVisible();
  expect(await violations(page)).toEqual([]);
});

test('reviewing the past', async ({ page }) => {
  await ready(page);
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByRole('button', { name: 'Live' })).toBeVisible();
  expect(await violations(page)).toEqual([]);
});
