// A page reload of a cluster whose membership changed (issue 13's addNode and
// removeNode): createCluster's `membership` brings back every node it had,
// added ones included, each from its own disk, and not the removed ones.
// Worker transport over the loopback port with fake-indexeddb: the disks
// outlive the cluster (a storageKey is given), as they outlive a page.
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { createCluster, type Cluster } from '../../src/sim';
import { deleteClusterStorage } from '../../src/worker';
import { registerLoopbackIdbTransport } from './fixtures';

registerLoopbackIdbTransport();

const clusters: Cluster[] = [];
afterEach(async () => {
  for (const c of clusters.splice(0)) await c.destroy().catch(() => undefined);
});

function make(storageKey: string, membership?: { highest: number; current: number[] }): Cluster {
  const c = createCluster({ nodes: 3, seed: 5, transport: 'worker', storageKey, ...(membership ? { membership } : {}) });
  clusters.push(c);
  return c;
}

function leaderOf(c: Cluster): number | undefined {
  let best: { id: number; term: number } | undefined;
  for (const id of c.ids) {
    const v = c.node(id);
    if (v.alive && v.role === 'leader' && (!best || v.term > best.term)) best = { id, term: v.term };
  }
  return best?.id;
}

/** Commits `command` through whoever leads, retrying over elections; false if it never commits within the tries. */
async function commits(c: Cluster, command: string, tries = 10): Promise<boolean> {
  for (let attempt = 0; attempt < tries; attempt++) {
    if (!(await c.runUntil(() => leaderOf(c) !== undefined, 3000))) continue;
    const leader = leaderOf(c)!;
    const r = await c.start(leader, command);
    if (r.isLeader && (await c.runUntil(() => c.node(leader).commitIndex >= r.index && c.node(leader).term === r.term, 2000))) return true;
  }
  return false;
}

/** Voters {1, 4, 5}: two nodes added, then founders 2 and 3 removed (their removals committed). */
async function changedCluster(storageKey: string): Promise<Cluster> {
  const c = make(storageKey);
  expect(await commits(c, 'a=1')).toBe(true);
  for (let i = 0; i < 2; i++) {
    await c.runUntil(() => leaderOf(c) !== undefined, 3000);
    await c.addNode();
    expect(await commits(c, `add${i}=1`)).toBe(true);
    await c.runFor(500); // the learner catches up and is promoted (thesis §4.2.1)
  }
  // Keep node 1 (a transfer would be needed to remove a leader gracefully; removing followers is enough here).
  for (const id of [2, 3]) {
    if (leaderOf(c) === id) {
      await c.transferLeadership(id, 1);
      await c.runFor(500);
    }
    await c.removeNode(id);
    await c.runUntil(() => !c.ids.includes(id), 3000);
    expect(c.ids).not.toContain(id);
    expect(await commits(c, `rm${id}=1`)).toBe(true);
  }
  expect(c.ids).toEqual([1, 4, 5]);
  await c.runFor(300); // every member hears the last commit
  return c;
}

describe('reload with a changed membership (createCluster membership)', () => {
  it('brings back the added nodes from their disks, not the removed ones, and the cluster commits again', async () => {
    const key = 'reload-membership-a';
    const before = await changedCluster(key);
    const logs = new Map(before.ids.map((id) => [id, before.node(id).log.map((e) => `${e.index}/${e.term}`)]));
    const voters = before.node(leaderOf(before)!).config.voters;
    expect(voters).toEqual([1, 4, 5]);
    await before.destroy(); // the page goes away; the disks stay

    const after = make(key, { highest: 5, current: [1, 4, 5] });
    await after.runFor(0);
    expect(after.ids).toEqual([1, 4, 5]);
    for (const id of [1, 4, 5]) {
      const v = after.node(id);
      expect(v.alive).toBe(true);
      // Each recovered its own log (§5.1), the added ones too.
      expect(v.log.map((e) => `${e.index}/${e.term}`)).toEqual(logs.get(id));
      // Its configuration comes from its log (thesis §4.1).
      expect(v.config.voters).toEqual([1, 4, 5]);
    }
    expect(() => after.node(2)).toThrow(/id must be a node id/);
    expect(await commits(after, 'b=2')).toBe(true);
    await after.runFor(300);
    // Re-committing the old configuration entries (each applied in order, the
    // first without node 5) shut no member down: the added ones were joining.
    expect(after.ids).toEqual([1, 4, 5]);
    for (const id of after.ids) expect(after.node(id).kv).toMatchObject({ a: '1', b: '2' });
    await after.destroy();
    await deleteClusterStorage(key, 5);
  });

  it('without it, a reload boots only the founders: two of them removed, the voters {1, 4, 5} have no majority', async () => {
    const key = 'reload-membership-b';
    const before = await changedCluster(key);
    await before.destroy();
    const after = make(key);
    await after.runFor(0);
    expect(after.ids).toEqual([1, 2, 3]);
    expect(await commits(after, 'b=2', 3)).toBe(false);
    await after.destroy();
    await deleteClusterStorage(key, 5);
  });

  it('refuses a membership it cannot resume, naming what is wrong', () => {
    const base = { nodes: 3, seed: 5 } as const;
    expect(() => createCluster({ ...base, membership: { highest: 4, current: [1, 4] } })).toThrow(
      /membership resumes a stored cluster: it needs transport 'worker' and a storageKey/,
    );
    const stored = { ...base, transport: 'worker' as const, storageKey: 'reload-membership-c' };
    expect(() => createCluster({ ...stored, membership: { highest: 2, current: [1] } })).toThrow(/membership\.highest/);
    expect(() => createCluster({ ...stored, membership: { highest: 4, current: [] } })).toThrow(/membership\.current must be a non-empty/);
    expect(() => createCluster({ ...stored, membership: { highest: 4, current: [1, 5] } })).toThrow(/membership\.current\[1\]/);
    expect(() => createCluster({ ...stored, membership: { highest: 4, current: [4, 1] } })).toThrow(/increasing id order/);
    expect(() => createCluster({ ...stored, membership: { highest: 4, current: [1], extra: 1 } as never })).toThrow(/membership\.extra/);
  });
});
