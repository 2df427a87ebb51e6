// Issue 11 in the real app (workers, IndexedDB): the Safety region lists the
// five properties of Figure 3, each holding; the bug switches are off, in a
// "Break Raft" group, and one turned on resets the cluster with it, in the
// URL and on the Safety panel. Saves a 1280×720 screenshot to
// test-results/safety/ for a look.
import { failOnPageErrors } from './fixtures';
import { expect, test } from '@playwright/test';
import type { Lab } from '../../src/store';

const WAIT = { timeout: 30_000 };
const SHOTS = process.env.SAFETY_SHOTS ?? 'test-results/safety';
const PROPERTIES = ['Election Safety', 'Leader Append-Only', 'Log Matching', 'Leader Completeness', 'State Machine Safety'];

failOnPageErrors();

test('the Safety region shows the five properties of Figure 3 holding, and the switches are off', async ({ page }) => {
  await page.goto('./#nodes=5&seed=3');
  const safety = page.getByRole('region', { name: 'Safety' });
  await expect(safety).toBeVisible();
  for (const p of PROPERTIES) await expect(safety.getByRole('listitem').filter({ hasText: p })).toContainText('holds');
  await expect(safety.getByText('violated')).toHaveCount(0);
  await expect(page.getByRole('button', { name: /^Node \d+, leader,/ })).toHaveCount(1, WAIT);
  await expect(safety.getByText('holds')).toHaveCount(5);
  const group = page.getByRole('group', { name: 'Break Raft' });
  await expect(group.getByRole('checkbox')).toHaveCount(5);
  for (const box of await group.getByRole('checkbox').all()) await expect(box).not.toBeChecked();
  await page.screenshot({ path: `${SHOTS}/normal-1280x720.png` });
});

test('turning on the earlier-term switch resets the cluster with it, puts it in the URL and says Raft is broken', async ({ page }) => {
  await page.goto('./#nodes=5&seed=3');
  await page
    .getByRole('group', { name: 'Break Raft' })
    .getByRole('checkbox', { name: /earlier term/ })
    .check();
  await expect(page).toHaveURL(/faults=commit-earlier-term/, WAIT);
  await expect(page.getByRole('region', { name: 'Safety' })).toContainText('Raft deliberately broken', WAIT);
  const faults = await page.evaluate(() => (window.raftLab!.lab as Lab).store.getState().config.faults);
  expect(faults).toEqual(['commit-earlier-term']);
  await page.screenshot({ path: `${SHOTS}/broken-1280x720.png` });
});

test('with the earlier-term switch on, the Figure 8 lesson ends with a Figure 3 property violated, and its jump shows the moment', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await page.goto('./#nodes=5&seed=1&faults=commit-earlier-term');
  await expect(page.getByRole('group', { name: 'Break Raft' }).getByRole('checkbox', { name: /earlier term/ })).toBeChecked();
  await page.getByRole('button', { name: 'Lessons' }).click();
  await page
    .getByRole('list', { name: 'Lessons' })
    .getByRole('button', { name: /Figure 8/ })
    .click();
  const lesson = page.getByRole('region', { name: 'Lesson' });
  await expect(lesson).toHaveAttribute('aria-busy', 'false', WAIT);
  const counter = (await lesson.getByText(/^Step \d+ of \d+$/).textContent()) ?? '';
  const total = Number(/of (\d+)/.exec(counter)?.[1]);
  for (let step = 2; step <= total; step++) {
    await lesson.getByRole('button', { name: 'Next' }).click();
    await expect(lesson.getByText(`Step ${step} of ${total}`)).toBeVisible(WAIT);
    await expect(lesson).toHaveAttribute('aria-busy', 'false', WAIT);
  }
  const safety = page.getByRole('region', { name: 'Safety' });
  await expect(safety).toContainText('Raft deliberately broken');
  const broken = safety.getByRole('listitem').filter({ hasText: 'violated' });
  await expect(broken.first()).toBeVisible(WAIT);
  await expect(broken.first()).toContainText(/^(State Machine Safety|Leader Completeness)/);
  await page.screenshot({ path: `${SHOTS}/figure8-violated-1280x720.png` });
  await broken
    .first()
    .getByRole('button', { name: /^Show the moment/ })
    .click();
  await expect(page.getByRole('button', { name: 'Live' })).toBeVisible(WAIT);
});
