// Issue 9, correct behaviour a student misreads, explained where it happens,
// in the real app (workers, IndexedDB): after a reload every row says its
// commit index is unknown since the restart; the leader no-op (from the URL)
// commits at once; the §5.6 timing line, the partition shading and the Step
// line. Saves screenshots to test-results/explain/ for a look.
import { failOnPageErrors } from './fixtures';
import { expect, test, type Page } from '@playwright/test';
import type { Lab } from '../../src/store';

const WAIT = { timeout: 30_000 };
const UNKNOWN = 'commit index unknown since restart';
/** Where the screenshots go (EXPLAIN_SHOTS=/some/dir to keep them out of test-results/, which each run clears). */
const SHOTS = process.env.EXPLAIN_SHOTS ?? 'test-results/explain';

failOnPageErrors();

const logRow = (page: Page, id: number) => page.locator('.log-row', { has: page.getByRole('list', { name: `Log of node ${id}` }) });

async function commitOne(page: Page, command: string): Promise<void> {
  await expect(page.getByRole('button', { name: /^Node \d+, leader,/ })).toHaveCount(1, WAIT);
  await page.getByRole('textbox', { name: 'Command' }).fill(command);
  await page.getByRole('button', { name: 'Submit' }).click();
  await expect(page.getByText(new RegExp(`“${command}” .* is committed`))).toBeVisible(WAIT);
}

async function speedUp(page: Page): Promise<void> {
  await page.evaluate(() => (window.raftLab!.lab as Lab).store.getState().setSpeed(1));
}

test('after a reload the rows say the commit index is unknown, until the new leader commits an entry of its term', async ({ page }) => {
  await page.goto('./#nodes=3&seed=7');
  await speedUp(page);
  await commitOne(page, 'x=1');
  await page.reload();
  for (let id = 1; id <= 3; id++) await expect(logRow(page, id).getByText(UNKNOWN)).toBeVisible(WAIT);
  await page.screenshot({ path: `${SHOTS}/after-reload.png` });
  await speedUp(page);
  await commitOne(page, 'y=2');
  for (let id = 1; id <= 3; id++) await expect(logRow(page, id).getByText(UNKNOWN)).toHaveCount(0, WAIT);
});

test('with the leader no-op in the URL, a reload commits the old entries as soon as a leader is elected', async ({ page }) => {
  await page.goto('./#nodes=3&seed=7&noop=1');
  await expect(page.getByRole('checkbox', { name: /Leader no-op/ })).toBeChecked();
  await speedUp(page);
  await commitOne(page, 'x=1');
  await page.reload();
  await expect(page).toHaveURL(/noop=1/);
  await speedUp(page);
  await expect(page.getByRole('button', { name: /^Node \d+, leader,/ })).toHaveCount(1, WAIT);
  for (let id = 1; id <= 3; id++) {
    await expect(
      page.getByRole('list', { name: `Log of node ${id}` }).getByRole('listitem', { name: /command x=1, committed/ }),
    ).toHaveCount(1, WAIT);
    await expect(logRow(page, id).getByText(UNKNOWN)).toHaveCount(0);
  }
});

test('timing from the URL, the §5.6 line at the slowest delay, a split shaded, and what Step did', async ({ page }) => {
  await page.goto('./#nodes=5&seed=1&election=300-600&heartbeat=60');
  await expect(page.getByText(/election timeouts 300–600 ms, heartbeat 60 ms/)).toBeVisible();
  await page.getByRole('slider', { name: 'Longest delay' }).fill('200');
  await expect(page.getByText(/Broken: a vote request and its reply take up to 400 ms/)).toBeVisible();
  await page.getByRole('slider', { name: 'Longest delay' }).fill('25');
  await speedUp(page);
  await expect(page.getByRole('button', { name: /^Node \d+, leader,/ })).toHaveCount(1, WAIT);
  await page.getByRole('textbox', { name: 'Command' }).fill('temperature=21');
  await page.getByRole('button', { name: 'Submit' }).click();
  await page.getByRole('button', { name: 'Split minority | majority' }).click();
  await expect(page.locator('.partition-label')).toHaveText([/ority \d\/5/, /ority \d\/5/]);
  await page.getByRole('button', { name: 'Step' }).click();
  await expect(page.getByRole('status', { name: 'What Step did' })).toHaveText(/^Step at /);
  await page
    .getByRole('list', { name: /^Log of node/ })
    .getByRole('listitem')
    .first()
    .hover();
  await page.screenshot({ path: `${SHOTS}/split-step.png` });
});

test('a stale leader in a minority is marked, and when it heals its discarded entry is shown and the client told', async ({ page }) => {
  await page.goto('./#nodes=5&seed=3');
  await speedUp(page);
  const old = Number(
    /^Node (\d+)/.exec((await page.getByRole('button', { name: /^Node \d+, leader,/ }).getAttribute('aria-label', WAIT)) ?? '')?.[1],
  );
  // Paused, so that the command reaches the old leader before the majority
  // elects a new one (the Command box goes to the newest live leader).
  await page.getByRole('button', { name: 'Pause' }).click();
  await page.getByRole('button', { name: 'Isolate the leader' }).click();
  await page.getByRole('textbox', { name: 'Command' }).fill('y=2');
  await page.getByRole('button', { name: 'Submit' }).click();
  await page.getByRole('button', { name: 'Play' }).click();
  await expect(logRow(page, old).getByText(/^leader of term \d+ — stale: node \d+ leads term \d+$/)).toBeVisible(WAIT);
  await page.getByRole('button', { name: new RegExp(`^Node ${old},`) }).click();
  await expect(page.getByRole('region', { name: `Node ${old} inspector` }).getByText(/stale: node \d+ leads term/)).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/stale-leader.png` });
  await page.evaluate(async () => {
    const s = (window.raftLab!.lab as Lab).store.getState();
    const leader = s.nodes.filter((n) => n.alive && n.role === 'leader').sort((a, b) => b.term - a.term)[0]!;
    await s.cluster.start(leader.id, 'x=1');
  });
  await page.getByRole('button', { name: 'Heal' }).click();
  await expect(logRow(page, old).getByText(/never committed; the term-\d+ leader’s log replaced it/)).toBeVisible(WAIT);
  await expect(page.getByText(/“y=2” \(index 1, term \d+\) was lost: it was never committed/)).toBeVisible(WAIT);
  await page.screenshot({ path: `${SHOTS}/discarded.png` });
});
