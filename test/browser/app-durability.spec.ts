// The app itself runs its nodes in real workers with IndexedDB disks: one
// worker per node, crash = terminate, restart = a new worker from disk, a page
// reload resumes the cluster, and "Reset cluster" wipes the disks.
import { failOnPageErrors, watchPage } from './fixtures';
import { expect, test, type Page } from '@playwright/test';

const WAIT = { timeout: 30_000 };
const nodeWorkers = (page: Page) => page.workers().filter((w) => w.url().includes('node.worker'));
const nodeButton = (page: Page, id: number) => page.getByRole('button', { name: new RegExp(`^Node ${id},`) });

async function leaderId(page: Page): Promise<number> {
  let id = 0;
  await expect
    .poll(async () => {
      const names = await page
        .getByRole('button', { name: /^Node \d+, leader,/ })
        .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
      id = Number(/^Node (\d+)/.exec(names[0] ?? '')?.[1] ?? 0);
      return id;
    }, WAIT)
    .toBeGreaterThan(0);
  return id;
}

async function logLabels(page: Page, id: number): Promise<string[]> {
  return page
    .getByRole('list', { name: `Log of node ${id}` })
    .getByRole('listitem')
    .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
}

async function submitAndCommit(page: Page, command: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Command' }).fill(command);
  await page.getByRole('button', { name: 'Submit' }).click();
  for (let id = 1; id <= 5; id++) {
    await expect.poll(async () => (await logLabels(page, id)).some((l) => l.includes(command) && !/uncommitted/.test(l)), WAIT).toBe(true);
  }
}

failOnPageErrors();
test.beforeEach(async ({ page }) => {
  await page.goto('./');
});

test('five nodes run in five real workers; Crash terminates one, Restart starts it again', async ({ page }) => {
  await expect.poll(() => nodeWorkers(page).length, WAIT).toBe(5);
  await expect(page.getByText(/each node in its own Web Worker/)).toBeVisible();
  const leader = await leaderId(page);
  const follower = leader === 1 ? 2 : 1;
  await nodeButton(page, follower).click();
  const inspector = page.getByRole('region', { name: new RegExp(`^Node ${follower}\\b`) });
  await inspector.getByRole('button', { name: /^Crash/ }).click();
  await expect.poll(() => nodeWorkers(page).length, WAIT).toBe(4);
  await inspector.getByRole('button', { name: /^Restart/ }).click();
  await expect.poll(() => nodeWorkers(page).length, WAIT).toBe(5);
});

test('a page reload resumes every node from its disk; Reset cluster wipes the disks', async ({ page }) => {
  await leaderId(page);
  await submitAndCommit(page, 'before=reload');
  const before = await Promise.all([1, 2, 3, 4, 5].map((id) => nodeButton(page, id).getAttribute('aria-label')));
  const terms = before.map((name) => Number(/term (\d+)/.exec(name ?? '')?.[1]));

  await page.reload();
  await expect(page.getByText(/Resumed this tab's cluster from disk/)).toBeVisible(WAIT);
  // Durable state is back at once: every log still holds the command, every term is kept.
  for (let id = 1; id <= 5; id++) {
    expect((await logLabels(page, id)).some((l) => l.includes('before=reload'))).toBe(true);
    const name = await nodeButton(page, id).getAttribute('aria-label');
    expect(Number(/term (\d+)/.exec(name ?? '')?.[1])).toBeGreaterThanOrEqual(terms[id - 1]!);
  }
  await leaderId(page);
  await submitAndCommit(page, 'after=reload');
  for (let id = 1; id <= 5; id++) {
    const labels = await logLabels(page, id);
    expect(labels.some((l) => l.includes('before=reload') && !/uncommitted/.test(l))).toBe(true);
  }

  const databasesBefore = await page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name ?? ''));
  expect(databasesBefore.filter((n) => n.startsWith('raftlab:'))).toHaveLength(5);
  await page.getByRole('button', { name: 'Reset cluster' }).click();
  await expect(page.getByText(/New cluster: 5 nodes/)).toBeVisible(WAIT);
  for (let id = 1; id <= 5; id++) await expect.poll(() => logLabels(page, id)).toEqual([]);
  await expect
    .poll(async () => {
      const names = await page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name ?? ''));
      return names.filter((n) => databasesBefore.includes(n)).length;
    }, WAIT)
    .toBe(0);
});

test('a reload after Add node and Remove node brings back the added node from its disk and not the removed one (issue 13)', async ({
  page,
}) => {
  const leader = await leaderId(page);
  await submitAndCommit(page, 'a=1');
  await page.getByRole('button', { name: 'Add node' }).click();
  await expect(nodeButton(page, 6)).toBeVisible(WAIT);
  await expect.poll(() => nodeWorkers(page).length, WAIT).toBe(6);
  // Node 6 catches up with the log (a learner first, then a voter: thesis §4.2.1).
  await expect.poll(async () => (await logLabels(page, 6)).some((l) => l.includes('a=1') && !/uncommitted/.test(l)), WAIT).toBe(true);
  // One change at a time (§4.1): the promotion must commit before a removal is taken.
  await expect.poll(async () => (await logLabels(page, leader)).some((l) => /voters 1, 2, 3, 4, 5, 6, committed/.test(l)), WAIT).toBe(true);
  const removed = leader === 1 ? 2 : 1;
  await page.getByRole('combobox', { name: 'Node to remove' }).selectOption(String(removed));
  await page.getByRole('button', { name: 'Remove node' }).click();
  await expect(nodeButton(page, removed)).toHaveCount(0, WAIT);
  const members = [1, 2, 3, 4, 5, 6].filter((id) => id !== removed);
  const logs = new Map<number, string[]>();
  for (const id of members) logs.set(id, await logLabels(page, id));

  await page.reload();
  await expect(page.getByText(/Resumed this tab's cluster from disk/)).toBeVisible(WAIT);
  await expect.poll(() => nodeWorkers(page).length, WAIT).toBe(5);
  await expect(nodeButton(page, removed)).toHaveCount(0);
  // The added node is back with its own log (§5.1), not an empty one.
  expect((await logLabels(page, 6)).some((l) => l.includes('a=1'))).toBe(true);
  expect((await logLabels(page, 6)).length).toBeGreaterThanOrEqual(logs.get(6)!.length);
  await leaderId(page);
  await page.getByRole('textbox', { name: 'Command' }).fill('b=2');
  await page.getByRole('button', { name: 'Submit' }).click();
  for (const id of members) {
    await expect.poll(async () => (await logLabels(page, id)).some((l) => l.includes('b=2') && !/uncommitted/.test(l)), WAIT).toBe(true);
  }
  // Reset cluster wipes every disk, the added node's too.
  const disks = await page.evaluate(async () =>
    (await indexedDB.databases()).map((d) => d.name ?? '').filter((n) => n.startsWith('raftlab:')),
  );
  expect(disks).toHaveLength(6);
  await page.getByRole('button', { name: 'Reset cluster' }).click();
  await expect(page.getByText(/New cluster: 5 nodes/)).toBeVisible(WAIT);
  await expect
    .poll(async () => {
      const names = await page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name ?? ''));
      return names.filter((n) => disks.includes(n)).length;
    }, WAIT)
    .toBe(0);
});

test('twenty clicks on Reset cluster in one tick leave one cluster: five workers, five disks (issue 7)', async ({ page }) => {
  await expect.poll(() => nodeWorkers(page).length, WAIT).toBe(5);
  const databases = async () =>
    (await page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name ?? '')))
      .filter((n) => n.startsWith('raftlab:'))
      .sort();
  await expect.poll(databases, WAIT).toHaveLength(5);
  const first = await databases();
  // In one task, as a frantic double (or twenty-fold) click would be if the page were busy.
  await page.getByRole('button', { name: 'Reset cluster' }).evaluate((button: HTMLButtonElement) => {
    for (let i = 0; i < 20; i++) button.click();
  });
  await expect(page.getByText(/New cluster: 5 nodes/)).toBeVisible(WAIT);
  await leaderId(page);
  // Every replaced cluster's workers stop and its disks are deleted: one cluster's worth is left.
  await expect.poll(() => nodeWorkers(page).length, WAIT).toBe(5);
  await expect.poll(databases, WAIT).toHaveLength(5);
  const last = await databases();
  expect(last.filter((n) => first.includes(n))).toEqual([]);
  const session = await page.evaluate(() => JSON.parse(sessionStorage.getItem('raftlab.session') ?? '{}') as { storageKey?: string });
  expect(last.every((n) => n.includes(session.storageKey ?? '?'))).toBe(true);
});

test('a duplicated tab (same saved session) starts fresh disks and leaves the original tab alone', async ({ page, context }) => {
  await leaderId(page);
  await submitAndCommit(page, 'orig=1');
  const saved = await page.evaluate(() => sessionStorage.getItem('raftlab.session'));
  expect(saved).toMatch(/storageKey/);

  const copy = await context.newPage();
  const copyProblems = await watchPage(copy); // the fixture watches `page` only
  await copy.goto('./');
  await copy.evaluate((value) => sessionStorage.setItem('raftlab.session', value!), saved);
  await copy.reload();
  await expect(copy.getByText(/This tab is a copy of another/)).toBeVisible(WAIT);
  for (let id = 1; id <= 5; id++) await expect.poll(() => logLabels(copy, id)).toEqual([]);
  const copyKey = await copy.evaluate(() => sessionStorage.getItem('raftlab.session'));
  expect(copyKey).not.toBe(saved);

  // The original keeps its log and goes on committing.
  await submitAndCommit(page, 'orig=2');
  expect((await logLabels(page, 1)).some((l) => l.includes('orig=1'))).toBe(true);
  await copy.close();
  expect(copyProblems).toEqual({ errors: [], csp: [] });
});

test("a closed tab's disks are deleted by the next tab that opens; an open tab's are kept (issue 9, storage leak)", async ({
  page,
  context,
}) => {
  const databases = async (p: Page) =>
    (await p.evaluate(async () => (await indexedDB.databases()).map((d) => d.name ?? ''))).filter((n) => n.startsWith('raftlab:'));
  const keyOf = async (p: Page) =>
    (await p.evaluate(() => JSON.parse(sessionStorage.getItem('raftlab.session') ?? '{}') as { storageKey?: string })).storageKey ?? '?';
  await expect.poll(() => nodeWorkers(page).length, WAIT).toBe(5);
  const keep = await keyOf(page);

  const closing = await context.newPage();
  const closingProblems = await watchPage(closing);
  await closing.goto('./');
  await expect.poll(() => nodeWorkers(closing).length, WAIT).toBe(5);
  const gone = await keyOf(closing);
  expect(gone).not.toBe(keep);
  await expect.poll(async () => (await databases(page)).filter((n) => n.includes(gone)).length, WAIT).toBe(5);
  expect(closingProblems).toEqual({ errors: [], csp: [] });
  await closing.close();

  const next = await context.newPage();
  const nextProblems = await watchPage(next);
  await next.goto('./');
  await expect.poll(() => nodeWorkers(next).length, WAIT).toBe(5);
  const mine = await keyOf(next);
  // The closed tab's five databases go; the open first tab's and the new tab's stay.
  await expect.poll(async () => (await databases(next)).filter((n) => n.includes(gone)).length, WAIT).toBe(0);
  const left = await databases(next);
  expect(left.filter((n) => n.includes(keep))).toHaveLength(5);
  expect(left.filter((n) => n.includes(mine))).toHaveLength(5);
  await leaderId(page); // the first tab still runs
  expect(nextProblems).toEqual({ errors: [], csp: [] });
  await next.close();
});

test('a headless worker cluster running in an open tab keeps its disks while another tab sweeps (issue 9)', async ({ page, context }) => {
  await page.waitForFunction(() => window.raftLab !== undefined);
  const key = await page.evaluate(async () => {
    const c = window.raftLab!.createCluster({ nodes: 3, seed: 4, transport: 'worker' });
    await c.runFor(500);
    (window as unknown as { headless: typeof c }).headless = c;
    const names = (await indexedDB.databases()).map((d) => d.name ?? '');
    const mine = names.filter((n) => n.startsWith('raftlab:c-') && n.endsWith(':node-3'));
    const session = (JSON.parse(sessionStorage.getItem('raftlab.session') ?? '{}') as { storageKey?: string }).storageKey ?? '?';
    return mine.map((n) => n.split(':')[1]!).find((k) => k !== session) ?? '?';
  });
  expect(key).toMatch(/^c-/);
  const other = await context.newPage();
  const otherProblems = await watchPage(other);
  await other.goto('./');
  await expect.poll(() => nodeWorkers(other).length, WAIT).toBe(5);
  await other.waitForTimeout(500); // give its sweep time to run
  const count = () => page.evaluate(async (k) => (await indexedDB.databases()).filter((d) => d.name?.includes(k)).length, key);
  expect(await count()).toBe(3);
  // A node restarted now recovers from its disk: nothing was deleted under it
  // (a delete would wait for the worker's connection to close, then run).
  const recovered = await page.evaluate(async () => {
    const c = (window as unknown as { headless: ReturnType<NonNullable<typeof window.raftLab>['createCluster']> }).headless;
    const before = c.node(1).term;
    await c.crash(1);
    await c.restart(1);
    await c.runFor(0);
    return { before, after: c.node(1).term };
  });
  expect(recovered.before).toBeGreaterThan(0);
  expect(recovered.after).toBe(recovered.before);
  await page.evaluate(() => (window as unknown as { headless: { destroy(): Promise<void> } }).headless.destroy());
  await expect.poll(count, WAIT).toBe(0);
  expect(otherProblems).toEqual({ errors: [], csp: [] });
  await other.close();
});
