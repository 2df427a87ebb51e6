// The classroom screens of issue 9, saved as artifacts (test-results/screenshots/)
// and checked as a presenter would: at 1280 × 720 the top bar is one line
// and nothing scrolls sideways; in presenter mode the text inside the nodes
// is at least 16 px on screen, every node's log row is in view and the "?"
// overlay is whole; 1024 × 768 and the dark theme are laid out without overflow.
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { failOnPageErrors } from './fixtures';

const WAIT = { timeout: 30_000 };

failOnPageErrors();

/** A leader and three committed commands, then paused: every kind of cell and badge on show. */
async function classroomState(page: Page): Promise<void> {
  await page.goto('./?transport=inline');
  for (let i = 0; i < 6; i++) await page.keyboard.press('+');
  await expect(page.getByRole('button', { name: /^Node \d+, leader, term \d+/ })).toHaveCount(1, WAIT);
  for (const command of ['x=1', 'y=2', 'name=alice']) {
    await page.keyboard.press('/');
    await page.keyboard.type(command);
    await page.keyboard.press('Enter');
    await expect(page.getByText(new RegExp(`“${command}” .* is committed`))).toBeVisible(WAIT);
  }
  await page.getByRole('button', { name: 'Pause' }).click();
}

async function save(page: Page, name: string): Promise<void> {
  const path = join(test.info().project.outputDir, 'screenshots', `${name}.png`);
  await page.screenshot({ path });
  await test.info().attach(name, { path, contentType: 'image/png' });
}

async function noSidewaysScroll(page: Page): Promise<void> {
  const [scrollWidth, width] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  expect(scrollWidth, 'the page does not scroll sideways').toBeLessThanOrEqual(width);
}

/** The top bar's items all sit on one line: none starts below the first's bottom. */
async function topBarOneLine(page: Page): Promise<void> {
  const tops = await page
    .locator('header.topbar > *')
    .evaluateAll((els) => els.filter((e) => (e as HTMLElement).offsetParent !== null).map((e) => e.getBoundingClientRect()));
  const first = tops[0]!;
  for (const r of tops) expect(r.top, 'top bar is one line').toBeLessThan(first.bottom);
}

test('1280 × 720, normal', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await classroomState(page);
  await topBarOneLine(page);
  await noSidewaysScroll(page);
  await save(page, '1280x720-normal');
});

test('1280 × 720, presenter mode', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await classroomState(page);
  await page.keyboard.press('p');
  await expect(page.locator('.lab.is-presenter')).toHaveCount(1);
  await topBarOneLine(page);
  await noSidewaysScroll(page);
  // Text inside the nodes, as drawn on screen: font size × the SVG's scale.
  const sizes = await page
    .locator('.node-face text')
    .evaluateAll((els) => els.map((e) => parseFloat(getComputedStyle(e).fontSize) * ((e as SVGGraphicsElement).getScreenCTM()?.a ?? 0)));
  expect(sizes.length).toBeGreaterThan(0);
  expect(Math.min(...sizes), `node text ≥ 16 px (sizes ${sizes.map((px) => px.toFixed(1)).join(', ')})`).toBeGreaterThanOrEqual(15.9);
  // Every node's log row in view.
  for (let id = 1; id <= 5; id++) await expect(page.getByRole('list', { name: `Log of node ${id}` })).toBeInViewport({ ratio: 1 });
  await save(page, '1280x720-presenter');
  // The whole "?" overlay, no scrolling inside it.
  await page.keyboard.press('?');
  const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(dialog).toBeInViewport({ ratio: 1 });
  const [scrollHeight, clientHeight] = await dialog.evaluate((e) => [e.scrollHeight, e.clientHeight]);
  expect(scrollHeight).toBeLessThanOrEqual(clientHeight + 1);
  await save(page, '1280x720-presenter-help');
});

test('1024 × 768', async ({ page }) => {
  await page.setViewportSize({ width: 1024, height: 768 });
  await classroomState(page);
  await noSidewaysScroll(page);
  await save(page, '1024x768');
});

test('dark theme, 1280 × 720', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await classroomState(page);
  await page.keyboard.press('m');
  await expect(page.locator('.lab.theme-dark')).toHaveCount(1);
  await noSidewaysScroll(page);
  await save(page, '1280x720-dark');
});
