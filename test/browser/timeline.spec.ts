// The timeline in Chromium (issue 10): on the worker transport, go back to a
// moment before a crash, see that moment exactly, and Continue from here —
// the forked live run (new workers, fresh disks) starts from that very state
// and goes on.
import { expect, test, type Page } from '@playwright/test';
import { failOnPageErrors } from './fixtures';

const WAIT = { timeout: 30_000 };

failOnPageErrors();

/** The node buttons' names: "Node N, <role>, term T". */
async function nodeNames(page: Page): Promise<string[]> {
  return page.getByRole('button', { name: /^Node \d+, / }).evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
}

/** Every node's log as text. */
async function logs(page: Page): Promise<string[]> {
  const out: string[] = [];
  for (let id = 1; id <= 5; id++) out.push((await page.getByRole('list', { name: `Log of node ${id}` }).textContent()) ?? '');
  return out;
}

test('go back before a crash, see that moment, and continue from there on workers', async ({ page }) => {
  await page.goto('./');
  for (let i = 0; i < 6; i++) await page.keyboard.press('+');
  await expect(page.getByRole('button', { name: /^Node \d+, leader, term \d+/ })).toHaveCount(1, WAIT);
  await page.keyboard.press('/');
  await page.keyboard.type('x=1');
  await page.keyboard.press('Enter');
  await expect(page.getByText(/“x=1” .* is committed/)).toBeVisible(WAIT);
  await page.getByRole('button', { name: 'Pause' }).click();
  // The live view just before the crash. The crash will be taken before the next event, so the timeline's moment
  // "after N events" holds it (a moment holds every action taken before the next event): the moment before it is N − 1,
  // one heartbeat earlier in a steady run, which changes no role, term or log entry.
  const slider = page.getByRole('slider', { name: 'History' });
  const beforeCrash = Number(await slider.getAttribute('max')) - 1;
  // An election and a committed command lie behind it (how many events that takes depends on the wall clock: ≈ 90–300).
  expect(beforeCrash).toBeGreaterThan(20);
  const namesThen = await nodeNames(page);
  const logsThen = await logs(page);
  await page.keyboard.press('2');
  await page.keyboard.press('c');
  await expect(page.getByRole('button', { name: /^Node 2, crashed/ })).toHaveCount(1, WAIT);
  await page.getByRole('button', { name: 'Play' }).click();
  await page.waitForTimeout(1500);
  await page.getByRole('button', { name: 'Pause' }).click();

  // Back on the timeline to that moment: the same nodes and logs, node 2 alive.
  await slider.fill(String(beforeCrash));
  await expect(page.getByText(new RegExp(`^Past: .*, after event ${beforeCrash} of`))).toBeVisible(WAIT);
  await expect.poll(() => nodeNames(page), WAIT).toEqual(namesThen);
  expect(await logs(page)).toEqual(logsThen);

  // Fork: the live run now starts from exactly there.
  await page.getByRole('button', { name: 'Continue from here' }).click();
  await expect(page.getByText(/Continued from .* the run forks here; 1 later action was dropped/)).toBeVisible(WAIT);
  await expect(page.getByRole('button', { name: 'Continue from here' })).toHaveCount(0);
  expect(await nodeNames(page)).toEqual(namesThen);
  expect(await logs(page)).toEqual(logsThen);
  const actions = await page.evaluate(() =>
    (window.raftLab!.lab as import('../../src/store').Lab).store
      .getState()
      .cluster.actions()
      .map((a) => a.kind),
  );
  expect(actions).toEqual(['start']);
  // It goes on: a new command commits on the forked run.
  await page.getByRole('button', { name: 'Play' }).click();
  await page.keyboard.press('/');
  await page.keyboard.type('y=2');
  await page.keyboard.press('Enter');
  await expect(page.getByText(/“y=2” .* is committed/)).toBeVisible(WAIT);
});
