// Issue 9, a classroom demo's stumbling blocks: keys after the Command box,
// the ring on the first frame, and history mode's layout, panels and Live.
import { failOnPageErrors } from './fixtures';
import { expect, test, type Page } from '@playwright/test';
import type { Lab } from '../../src/store';

const WAIT = { timeout: 30_000 };
const LEADER = /^Node (\d+), leader, term \d+/;

failOnPageErrors();

const nodeButtons = (page: Page) => page.getByRole('button', { name: /^Node \d+,/ });
const commandBox = (page: Page) => page.getByRole('textbox', { name: 'Command' });

/** Waits for a leader; returns its id. */
async function leader(page: Page): Promise<number> {
  let id = 0;
  await expect
    .poll(async () => {
      const names = await nodeButtons(page).evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
      id = Number(names.map((n) => LEADER.exec(n)).find((m) => m)?.[1] ?? 0);
      return id;
    }, WAIT)
    .toBeGreaterThan(0);
  return id;
}

test('after Enter or Esc in the Command box, the next keys are shortcuts again, not text', async ({ page }) => {
  await page.goto('./');
  const id = await leader(page);
  const other = id === 1 ? 2 : 1;

  await page.keyboard.press('/');
  await expect(commandBox(page)).toBeFocused();
  await page.keyboard.type('x=1');
  await page.keyboard.press('Enter');
  await expect(page.getByText(/Sent “x=1” to leader node/)).toBeVisible();
  await expect(commandBox(page)).not.toBeFocused();
  // "1" (or "2") selects that node instead of being typed.
  await page.keyboard.press(String(other));
  await expect(page.getByRole('button', { name: new RegExp(`^Node ${other},`) })).toHaveAttribute('aria-pressed', 'true');
  await expect(commandBox(page)).toHaveValue('');

  // Esc leaves the box with the text kept; "i" then isolates the leader.
  await page.keyboard.press('/');
  await page.keyboard.type('y=2');
  await page.keyboard.press('Escape');
  await expect(commandBox(page)).not.toBeFocused();
  await page.keyboard.press('i');
  await expect(page.getByText(/is cut off from nodes/)).toBeVisible();
  await expect(commandBox(page)).toHaveValue('y=2');
  // That Esc only left the box: the inspector opened by the key above is still open.
  await expect(page.getByRole('button', { name: new RegExp(`^Node ${other},`) })).toHaveAttribute('aria-pressed', 'true');
});

test('the first frame on the worker transport shows every node’s election timer', async ({ page }) => {
  await page.goto('./');
  await expect(nodeButtons(page)).toHaveCount(5);
  const arcs = page.locator('.node .timer-arc');
  // Every arc drawn, well before the first election timeout (150 virtual ms: 3.75 s at 1/25×).
  await expect
    .poll(() => arcs.evaluateAll((els) => els.filter((e) => (e.getAttribute('d') ?? '') !== '').length), { timeout: 3000 })
    .toBe(5);
  const { now, transport } = await page.evaluate(() => {
    const s = (window.raftLab!.lab as Lab).store.getState();
    return { now: s.cluster.now(), transport: s.config.transport };
  });
  expect(now).toBeLessThan(150);
  expect(transport).toBe('worker');
});

test('entering the past moves nothing: with Live shown the top bar keeps its height and its layout', async ({ page }, testInfo) => {
  await page.goto('./');
  await leader(page);
  const bar = page.getByRole('banner');
  const layout = page.getByRole('main');
  const summary = bar.getByText(/^Leader: node \d+/);
  const before = {
    bar: (await bar.boundingBox())!.height,
    main: (await layout.boundingBox())!.y,
    summary: (await summary.boundingBox())!.x,
  };
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByRole('button', { name: 'Live' })).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('history.png') });
  expect((await bar.boundingBox())!.height).toBe(before.bar);
  expect((await layout.boundingBox())!.y).toBe(before.main);
  expect((await summary.boundingBox())!.x, 'what follows the history slider stays put').toBeCloseTo(before.summary, 0);
  // Live returns to the present, playing again as it was.
  await page.getByRole('button', { name: 'Live' }).click();
  await expect(page.getByRole('button', { name: 'Pause' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Live' })).toBeHidden();
});
