// The worker transport for real: module Web Workers in Chromium, IndexedDB
// on the browser's disk. The page exposes the headless API as window.raftLab.
import { failOnPageErrors, watchPage } from './fixtures';
import { expect, test, type Page } from '@playwright/test';

const nodeWorkers = (page: Page) => page.workers().filter((w) => w.url().includes('node.worker'));

async function waitForApi(page: Page): Promise<void> {
  await page.waitForFunction(() => window.raftLab !== undefined);
}

failOnPageErrors();
test.beforeEach(async ({ page }) => {
  await page.goto('./');
  await waitForApi(page);
});

test('one real worker per node; crash terminates it, restart brings it back with its log', async ({ page }) => {
  const before = nodeWorkers(page).length;
  await page.evaluate(async () => {
    const lab = window.raftLab!;
    const c = lab.createCluster({ nodes: 5, seed: 21, transport: 'worker', storageKey: 'pw-crash' });
    (window as unknown as { c: typeof c }).c = c;
    await c.runFor(800);
  });
  await expect.poll(() => nodeWorkers(page).length).toBe(before + 5);

  const committed = await page.evaluate(async () => {
    const c = (window as unknown as { c: import('../../src/sim').Cluster }).c;
    const leader = c.ids.find((id) => c.node(id).role === 'leader')!;
    for (let i = 0; i < 5; i++) await c.start(leader, `k${i}=v${i}`);
    await c.runFor(300);
    const follower = c.ids.find((id) => id !== leader)!;
    const log = c.node(follower).log.map((e) => e.command);
    await c.crash(follower);
    return { follower, log, commit: c.node(leader).commitIndex };
  });
  expect(committed.commit).toBe(5);
  await expect.poll(() => nodeWorkers(page).length).toBe(before + 4);

  const after = await page.evaluate(async (follower) => {
    const c = (window as unknown as { c: import('../../src/sim').Cluster }).c;
    const crashed = c.node(follower);
    await c.restart(follower);
    await c.runFor(300);
    return {
      crashedAlive: crashed.alive,
      crashedLog: crashed.log.map((e) => e.command),
      log: c.node(follower).log.map((e) => e.command),
      kv: c.node(follower).kv,
    };
  }, committed.follower);
  await expect.poll(() => nodeWorkers(page).length).toBe(before + 5);
  expect(after.crashedAlive).toBe(false);
  expect(after.crashedLog).toEqual(committed.log);
  expect(after.log).toEqual(['k0=v0', 'k1=v1', 'k2=v2', 'k3=v3', 'k4=v4']);
  expect(after.kv).toEqual({ k0: 'v0', k1: 'v1', k2: 'v2', k3: 'v3', k4: 'v4' });
  await page.evaluate(async () => {
    const lab = window.raftLab!;
    await (window as unknown as { c: import('../../src/sim').Cluster }).c.destroy();
    await lab.deleteClusterStorage('pw-crash', 5);
  });
});

test('a page reload resumes every node from IndexedDB, losing nothing committed', async ({ page }) => {
  const first = await page.evaluate(async () => {
    const lab = window.raftLab!;
    await lab.deleteClusterStorage('pw-reload', 3);
    const c = lab.createCluster({ nodes: 3, seed: 8, transport: 'worker', storageKey: 'pw-reload' });
    await c.runFor(800);
    const leader = c.ids.find((id) => c.node(id).role === 'leader')!;
    for (let i = 0; i < 4; i++) await c.start(leader, `r${i}=${i}`);
    await c.runFor(300);
    return c.ids.map((id) => ({ term: c.node(id).term, votedFor: c.node(id).votedFor, log: c.node(id).log }));
  });
  expect(first.every((n) => n.log.length === 4)).toBe(true);

  await page.reload();
  await waitForApi(page);
  const second = await page.evaluate(async () => {
    const lab = window.raftLab!;
    const c = lab.createCluster({ nodes: 3, seed: 8, transport: 'worker', storageKey: 'pw-reload' });
    await c.runFor(0);
    const recovered = c.ids.map((id) => ({ term: c.node(id).term, votedFor: c.node(id).votedFor, log: c.node(id).log }));
    await c.runFor(1500);
    const leader = c.ids.find((id) => c.node(id).role === 'leader')!;
    await c.start(leader, 'after=reload');
    await c.runFor(300);
    const kv = c.ids.map((id) => c.node(id).kv);
    await c.destroy();
    await lab.deleteClusterStorage('pw-reload', 3);
    return { recovered, kv };
  });
  expect(second.recovered).toEqual(first);
  for (const kv of second.kv) expect(kv).toEqual({ r0: '0', r1: '1', r2: '2', r3: '3', after: 'reload' });
});

test('inline and worker transports give identical traces for the same seed and actions', async ({ page }) => {
  const result = await page.evaluate(async () => {
    const lab = window.raftLab!;
    const run = async (transport: 'inline' | 'worker') => {
      const c = lab.createCluster({ nodes: 5, seed: 42, transport, snapshotThreshold: 5 });
      await c.runFor(700);
      const leader = c.ids.find((id) => c.node(id).role === 'leader')!;
      for (let i = 0; i < 8; i++) await c.start(leader, `e${i}=${i}`);
      c.setNetwork({ dropRate: 0.1, duplicateRate: 0.1 });
      await c.runFor(300);
      await c.crash(leader);
      c.partition([
        [1, 2],
        [3, 4, 5],
      ]);
      await c.runFor(800);
      c.heal();
      await c.restart(leader);
      await c.runFor(1200);
      const trace = JSON.stringify(c.trace());
      const count = c.trace().length;
      await c.destroy();
      return { trace, count };
    };
    const inline = await run('inline');
    const worker = await run('worker');
    return { same: inline.trace === worker.trace, count: inline.count, workerCount: worker.count };
  });
  expect(result.count).toBeGreaterThan(500);
  expect(result.workerCount).toBe(result.count);
  expect(result.same).toBe(true);
});

test('two clusters (tabs) with different storage keys do not touch each other', async ({ page, context }) => {
  const other = await context.newPage();
  const otherProblems = await watchPage(other); // the fixture watches `page` only
  await other.goto('./');
  await waitForApi(other);
  const make = (p: Page, key: string, cmd: string) =>
    p.evaluate(
      async ([key, cmd]) => {
        const lab = window.raftLab!;
        await lab.deleteClusterStorage(key, 3);
        const c = lab.createCluster({ nodes: 3, seed: 1, transport: 'worker', storageKey: key });
        await c.runFor(800);
        const leader = c.ids.find((id) => c.node(id).role === 'leader')!;
        await c.start(leader, cmd);
        await c.runFor(300);
        await c.destroy();
        const again = lab.createCluster({ nodes: 3, seed: 1, transport: 'worker', storageKey: key });
        await again.runFor(0);
        const logs = again.ids.map((id) => again.node(id).log.map((e) => e.command));
        await again.destroy();
        await lab.deleteClusterStorage(key, 3);
        return logs;
      },
      [key, cmd] as const,
    );
  const [a, b] = await Promise.all([make(page, 'pw-tab-a', 'tab=a'), make(other, 'pw-tab-b', 'tab=b')]);
  expect(a).toEqual([['tab=a'], ['tab=a'], ['tab=a']]);
  expect(b).toEqual([['tab=b'], ['tab=b'], ['tab=b']]);
  await other.close();
  expect(otherProblems).toEqual({ errors: [], csp: [] });
});
