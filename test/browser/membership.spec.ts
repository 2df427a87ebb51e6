// Issue 13 in the real app (workers, IndexedDB): Add node — the new node is
// drawn as a learner, catches up and becomes a voter (thesis §4.2.1); Remove
// node — once committed it leaves the ring (thesis §4.1); Transfer
// leadership — the chosen voter leads next (thesis §3.10). Then axe on the
// new controls, and the PreVote / CheckQuorum switches from the address.
import AxeBuilder from '@axe-core/playwright';
import { failOnPageErrors } from './fixtures';
import { expect, test, type Page } from '@playwright/test';
import type { Lab } from '../../src/store';

const WAIT = { timeout: 30_000 };

failOnPageErrors();

const ring = (page: Page) => page.getByRole('group', { name: 'Nodes of the cluster' });
const nodeButton = (page: Page, id: number) => ring(page).getByRole('button', { name: new RegExp(`^Node ${id}, `) });
const membership = (page: Page) => page.getByRole('group', { name: 'Membership' });

async function speedUp(page: Page): Promise<void> {
  await page.evaluate(() => (window.raftLab!.lab as Lab).store.getState().setSpeed(1));
}

async function leaderId(page: Page): Promise<number> {
  const leader = ring(page).getByRole('button', { name: /^Node \d+, leader,/ });
  await expect(leader).toHaveCount(1, WAIT);
  const name = (await leader.getAttribute('aria-label')) ?? '';
  return Number(/^Node (\d+),/.exec(name)?.[1]);
}

test('add a node: a learner that catches up and becomes a voter; remove one; transfer leadership', async ({ page }) => {
  await page.goto('./#nodes=3&seed=7');
  await speedUp(page);
  await leaderId(page);
  await page.getByRole('textbox', { name: 'Command' }).fill('x=1');
  await page.getByRole('button', { name: 'Submit' }).click();
  await expect(page.getByText(/“x=1” .* is committed/)).toBeVisible(WAIT);

  // Paused, the new node stays a learner on show: it has not caught up yet.
  await page.getByRole('button', { name: 'Pause' }).click();
  await membership(page).getByRole('button', { name: 'Add node' }).click();
  await expect(nodeButton(page, 4)).toHaveAccessibleName(/^Node 4, follower, term \d+, learner/, WAIT);
  await expect(ring(page).getByRole('button')).toHaveCount(4);
  await expect(page.getByText(/Node 4 joined with an empty disk as a learner/)).toBeVisible();

  // Playing, the leader catches it up (x=1 reaches its log) and makes it a voter by a configuration entry.
  await page.getByRole('button', { name: 'Play' }).click();
  await expect(nodeButton(page, 4)).not.toHaveAccessibleName(/learner/, WAIT);
  const log4 = page.getByRole('list', { name: 'Log of node 4' });
  await expect(log4.getByRole('listitem', { name: /command x=1, committed/ })).toHaveCount(1, WAIT);
  await expect(log4.getByRole('listitem', { name: /configuration entry: voters 1, 2, 3, 4, committed/ })).toHaveCount(1, WAIT);
  await expect(log4.getByText('⚙ 4 voter')).toBeVisible();

  // Remove a follower: once the change is committed it leaves the ring.
  const leader = await leaderId(page);
  const victim = [1, 2, 3].find((id) => id !== leader)!;
  await nodeButton(page, victim).click();
  await expect(membership(page).getByRole('combobox', { name: 'Node to remove' })).toHaveValue(String(victim));
  await membership(page).getByRole('button', { name: 'Remove node' }).click();
  await expect(nodeButton(page, victim)).toHaveCount(0, WAIT);
  await expect(ring(page).getByRole('button')).toHaveCount(3);

  // Transfer leadership to the new node, from the leader's inspector.
  const from = await leaderId(page);
  await nodeButton(page, from).click();
  const inspector = page.getByRole('region', { name: `Node ${from} inspector` });
  await inspector.getByRole('combobox', { name: 'Transfer leadership to' }).selectOption('4');
  await inspector.getByRole('button', { name: 'Transfer leadership to node 4' }).click();
  await expect(nodeButton(page, 4)).toHaveAccessibleName(/^Node 4, leader, /, WAIT);
  await expect(nodeButton(page, from)).toHaveAccessibleName(new RegExp(`^Node ${from}, follower, `));

  // The new controls pass axe.
  const results = await new AxeBuilder({ page }).analyze();
  expect(results.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`))).toEqual([]);
});

test('PreVote and CheckQuorum from the address: switched on, and the cluster made with them', async ({ page }) => {
  await page.goto('./#nodes=3&seed=7&prevote=1&checkquorum=1');
  await expect(page.getByRole('checkbox', { name: 'PreVote' })).toBeChecked();
  await expect(page.getByRole('checkbox', { name: 'CheckQuorum' })).toBeChecked();
  const options = await page.evaluate(() => {
    const o = (window.raftLab!.lab as Lab).store.getState().cluster.creationOptions();
    return { preVote: o.preVote, checkQuorum: o.checkQuorum };
  });
  expect(options).toEqual({ preVote: true, checkQuorum: true });
});
