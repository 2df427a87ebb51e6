// Issue 13 at the cluster level: single-server membership changes (thesis
// §4.1, §4.2), leadership transfer (§3.10), PreVote (§9.6) and CheckQuorum
// (§6.2, §4.2.3), on the inline transport (the worker transport is held to
// the same history in test/worker/membership-equivalence.test.ts).
import { describe, expect, it } from 'vitest';
import { attachSafetyMonitor, createCluster, type Cluster, type ClusterEvent, type ClusterOptions } from '../src/sim';

function leaderOf(c: Cluster): number | undefined {
  let best: { id: number; term: number } | undefined;
  for (const id of c.ids) {
    const v = c.node(id);
    if (v.alive && v.role === 'leader' && (!best || v.term > best.term)) best = { id, term: v.term };
  }
  return best?.id;
}

async function electedLeader(c: Cluster, maxMs = 5000): Promise<number> {
  expect(await c.runUntil(() => leaderOf(c) !== undefined, maxMs)).toBe(true);
  return leaderOf(c)!;
}

/** Commits `command` through whoever leads, retrying over elections. */
async function commit(c: Cluster, command: string): Promise<void> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const leader = await electedLeader(c);
    const r = await c.start(leader, command);
    if (r.isLeader && (await c.runUntil(() => c.node(leader).commitIndex >= r.index && c.node(leader).term === r.term, 2000))) {
      return;
    }
  }
  throw new Error(`could not commit ${command}`);
}

/** Waits until the leader's configuration (committed) has exactly these voters and no learners. */
async function configSettles(c: Cluster, voters: number[], maxMs = 10_000): Promise<void> {
  const ok = await c.runUntil(() => {
    const l = leaderOf(c);
    if (l === undefined) return false;
    const v = c.node(l);
    return v.config.voters.join() === voters.join() && v.config.learners.length === 0 && !v.configChangePending;
  }, maxMs);
  expect(ok, `configuration ${voters.join(',')} did not settle`).toBe(true);
}

function collect(c: Cluster): ClusterEvent[] {
  const events: ClusterEvent[] = [];
  c.subscribe((e) => events.push(e));
  return events;
}

function make(opts: Partial<ClusterOptions> & { nodes: number }): { c: Cluster; violations: () => readonly string[] } {
  const c = createCluster(opts);
  const monitor = attachSafetyMonitor(c);
  return { c, violations: () => monitor.violations.map((v) => v.message) };
}

describe('membership changes, one server at a time (thesis §4.1, §4.2)', () => {
  it('grows 3 → 5 one at a time while committing; each new node joins as a learner, catches up, then votes (§4.2.1)', async () => {
    const { c, violations } = make({ nodes: 3, seed: 7 });
    const events = collect(c);
    await commit(c, 'a=1');
    const four = await c.addNode();
    expect(four).toBe(4);
    expect(c.ids).toEqual([1, 2, 3, 4]); // in ids at once
    expect(c.node(4).alive).toBe(true);
    await commit(c, 'b=2');
    await configSettles(c, [1, 2, 3, 4]);
    const five = await c.addNode();
    expect(five).toBe(5);
    await commit(c, 'c=3');
    await configSettles(c, [1, 2, 3, 4, 5]);
    await commit(c, 'd=4');
    await c.runFor(500);
    for (const id of c.ids) expect(c.node(id).kv).toEqual({ a: '1', b: '2', c: '3', d: '4' });
    // The learner stage came first, in its own entry, then the promotion.
    const configs = events.filter((e) => e.kind === 'config' && e.node === leaderOf(c) && !e.committed);
    const shapes = configs.map((e) => (e.kind === 'config' ? `${e.config.voters.join(',')}|${e.config.learners.join(',')}` : ''));
    expect(shapes).toEqual(expect.arrayContaining(['1,2,3|4', '1,2,3,4|', '1,2,3,4|5', '1,2,3,4,5|']));
    expect(violations()).toEqual([]);
  });

  it('shrinks 5 → 3 one at a time: a removed node is shut down and leaves ids once its removal commits', async () => {
    const { c, violations } = make({ nodes: 5, seed: 3 });
    const events = collect(c);
    await commit(c, 'x=1');
    const leader = leaderOf(c)!;
    const [a, b] = c.ids.filter((id) => id !== leader);
    await c.removeNode(a!);
    expect(c.ids).toContain(a); // not yet committed
    await c.runUntil(() => !c.ids.includes(a!), 2000);
    expect(c.ids).not.toContain(a);
    expect(() => c.node(a!)).toThrow(/id must be a node id/);
    expect(events.some((e) => e.kind === 'removed' && e.node === a)).toBe(true);
    await commit(c, 'y=2');
    await c.removeNode(b!);
    await c.runUntil(() => !c.ids.includes(b!), 2000);
    expect(c.ids).toHaveLength(3);
    await commit(c, 'z=3');
    // A majority of 3 now: two nodes crashed would stop it, one does not.
    const follower = c.ids.find((id) => id !== leaderOf(c))!;
    await c.crash(follower);
    await commit(c, 'w=4');
    await c.runFor(200); // the other follower learns the commit with the next heartbeat
    for (const id of c.ids.filter((i) => i !== follower)) expect(c.node(id).kv).toEqual({ x: '1', y: '2', z: '3', w: '4' });
    expect(violations()).toEqual([]);
  });

  it('removes the leader: it keeps leading until the entry commits, then steps down (§4.2.2); the others elect a new one', async () => {
    const { c, violations } = make({ nodes: 3, seed: 11 });
    const events = collect(c);
    await commit(c, 'k=1');
    const old = leaderOf(c)!;
    const term = c.node(old).term;
    await c.removeNode(old);
    expect(c.node(old).role).toBe('leader'); // still leading: nothing committed yet
    expect(c.node(old).config.voters).not.toContain(old); // in force at once (§4.1)
    await c.runUntil(() => !c.ids.includes(old), 2000);
    const stepDown = events.find((e) => e.kind === 'role' && e.node === old && e.role === 'follower');
    expect(stepDown && stepDown.kind === 'role' && stepDown.why?.code).toBe('removed-from-config');
    expect(stepDown && stepDown.kind === 'role' && stepDown.term).toBe(term);
    const next = await electedLeader(c);
    expect(next).not.toBe(old);
    expect(c.node(next).config.voters).toHaveLength(2);
    await commit(c, 'k=2');
    expect(c.node(next).kv).toEqual({ k: '2' });
    expect(violations()).toEqual([]);
  });

  for (const snapshotThreshold of [0, 10]) {
    it(`adds a node to a cluster with a long log (snapshots ${snapshotThreshold ? 'on' : 'off'}): it is caught up before it votes`, async () => {
      const { c, violations } = make({ nodes: 3, seed: 5, snapshotThreshold });
      const events = collect(c);
      const leader = await electedLeader(c);
      for (let i = 0; i < 60; i++) await c.start(leader, `k${i}=${i}`);
      await c.runFor(1000);
      const id = await c.addNode();
      await configSettles(c, [1, 2, 3, id]);
      await c.runFor(300);
      expect(c.node(id).kv).toEqual(c.node(leader).kv);
      expect(Object.keys(c.node(id).kv)).toHaveLength(60);
      const installed = events.some((e) => e.kind === 'deliver' && e.message.type === 'InstallSnapshot' && e.message.to === id);
      expect(installed).toBe(snapshotThreshold > 0);
      // When promoted, its log already held everything the leader had committed.
      const promoted = events.find((e) => e.kind === 'config' && e.node === leader && e.config.voters.includes(id) && !e.committed);
      expect(promoted).toBeDefined();
      expect(violations()).toEqual([]);
    });
  }

  it('a leader commits an entry of its own term before a configuration entry (the 2015 fix): it appends a no-op first', async () => {
    const { c } = make({ nodes: 3, seed: 2 });
    const leader = await electedLeader(c);
    expect(c.node(leader).log).toHaveLength(0); // nothing of its term committed yet
    const id = await c.addNode();
    const log = c.node(leader).log;
    expect(log[0]).toMatchObject({ index: 1, command: '' });
    expect(log[0]!.config).toBeUndefined(); // the no-op, not the change
    expect(c.node(leader).configChangePending).toBe(true);
    await c.runUntil(() => c.node(leader).log.some((e) => e.config?.learners.includes(id)), 1000);
    const change = c.node(leader).log.find((e) => e.config)!;
    expect(change.index).toBe(2);
  });

  it('refuses, changing nothing: no live leader, a change still uncommitted, an unknown id, the last voter', async () => {
    const c = createCluster({ nodes: 3, seed: 4 });
    await expect(c.addNode()).rejects.toThrow(/no live leader/);
    expect(c.ids).toEqual([1, 2, 3]);
    expect(c.actions()).toEqual([]);
    const leader = await electedLeader(c);
    await commit(c, 'a=1');
    await c.addNode();
    await expect(c.addNode()).rejects.toThrow(/still uncommitted/);
    await expect(c.removeNode(2)).rejects.toThrow(/still uncommitted/);
    expect(c.ids).toEqual([1, 2, 3, 4]);
    await expect(c.removeNode(9)).rejects.toThrow(/^id must be a node id in 1\.\.4, got 9/);
    await expect(c.removeNode(0.5)).rejects.toThrow(/^id must be a node id/);
    const solo = createCluster({ nodes: 1, seed: 1 });
    const only = await electedLeader(solo);
    await expect(solo.removeNode(only)).rejects.toThrow(/last voter/);
    expect(leader).toBeGreaterThan(0);
  });
});

describe('leadership transfer (thesis §3.10)', () => {
  it('to an up-to-date node: TimeoutNow, and it wins at once in the next term', async () => {
    const { c, violations } = make({ nodes: 5, seed: 9 });
    const events = collect(c);
    await commit(c, 'a=1');
    await c.runFor(200);
    const from = leaderOf(c)!;
    const to = c.ids.find((id) => id !== from)!;
    const term = c.node(from).term;
    expect(await c.transferLeadership(from, to)).toBe(true);
    expect(c.node(from).transferee).toBe(to);
    expect(await c.runUntil(() => c.node(to).role === 'leader', 100)).toBe(true);
    expect(c.node(to).term).toBe(term + 1);
    expect(events.some((e) => e.kind === 'deliver' && e.message.type === 'TimeoutNow' && e.message.to === to)).toBe(true);
    expect(events.some((e) => e.kind === 'timeout' && e.node === to && e.why?.code === 'timeout-now')).toBe(true);
    expect(violations()).toEqual([]);
  });

  it('to a lagging node: the leader stops taking commands and catches it up first', async () => {
    const { c, violations } = make({ nodes: 3, seed: 6 });
    await commit(c, 'a=1');
    const from = leaderOf(c)!;
    const to = c.ids.find((id) => id !== from)!;
    c.disconnect(to);
    for (let i = 0; i < 5; i++) await c.start(from, `k${i}=${i}`);
    await c.runFor(100);
    c.connect(to);
    expect(await c.transferLeadership(from, to)).toBe(true);
    expect((await c.start(from, 'refused=1')).index).toBe(-1); // §3.10: no new requests
    expect(await c.runUntil(() => c.node(to).role === 'leader', 1000)).toBe(true);
    expect(c.node(to).log.map((e) => e.command)).toEqual(['a=1', 'k0=0', 'k1=1', 'k2=2', 'k3=3', 'k4=4']);
    expect(violations()).toEqual([]);
  });

  it('to a crashed node: abandoned after an election timeout; the old leader leads on and takes commands again', async () => {
    const { c } = make({ nodes: 3, seed: 8 });
    const events = collect(c);
    await commit(c, 'a=1');
    const from = leaderOf(c)!;
    const to = c.ids.find((id) => id !== from)!;
    await c.crash(to);
    const term = c.node(from).term;
    expect(await c.transferLeadership(from, to)).toBe(true);
    expect(await c.runUntil(() => events.some((e) => e.kind === 'transfer' && e.phase === 'abandoned'), 1000)).toBe(true);
    expect(c.node(from).role).toBe('leader');
    expect(c.node(from).term).toBe(term);
    expect(c.node(from).transferee).toBe(0);
    expect((await c.start(from, 'b=2')).isLeader).toBe(true);
  });

  it('from a follower: false, and nothing changes; unknown ids throw naming the argument', async () => {
    const c = createCluster({ nodes: 3, seed: 1 });
    const leader = await electedLeader(c);
    const follower = c.ids.find((id) => id !== leader)!;
    const before = c.actions().length;
    expect(await c.transferLeadership(follower, leader)).toBe(false);
    expect(await c.transferLeadership(leader, leader)).toBe(false);
    expect(c.actions()).toHaveLength(before);
    await expect(c.transferLeadership(7, 1)).rejects.toThrow(/^from must be a node id in 1\.\.3, got 7/);
    await expect(c.transferLeadership(leader, 0)).rejects.toThrow(/^to must be a node id in 1\.\.3, got 0/);
    expect(c.node(leader).role).toBe('leader');
  });
});

describe('PreVote (thesis §9.6)', () => {
  /** A follower cut off for `ms`, then plugged back in: the term and leader before and after. */
  async function rejoin(preVote: boolean) {
    const { c, violations } = make({ nodes: 5, seed: 12, preVote });
    await commit(c, 'a=1');
    const leader = leaderOf(c)!;
    const term = c.node(leader).term;
    const cutOff = c.ids.find((id) => id !== leader)!;
    c.disconnect(cutOff);
    await c.runFor(3000);
    const termWhileCut = c.node(cutOff).term;
    c.connect(cutOff);
    await c.runFor(2000);
    return { c, leader, term, cutOff, termWhileCut, violations };
  }

  it('with PreVote, a node cut off for seconds rejoins without raising the term or unseating the leader', async () => {
    const r = await rejoin(true);
    expect(r.termWhileCut).toBe(r.term); // it never got a majority of pre-votes
    expect(r.c.node(r.leader).role).toBe('leader');
    expect(r.c.node(r.leader).term).toBe(r.term);
    for (const id of r.c.ids) expect(r.c.node(id).term).toBe(r.term);
    expect(r.violations()).toEqual([]);
  });

  it('without PreVote (the control), the same node raises its term and unseats the leader', async () => {
    const r = await rejoin(false);
    expect(r.termWhileCut).toBeGreaterThan(r.term + 3);
    const after = Math.max(...r.c.ids.map((id) => r.c.node(id).term));
    expect(after).toBeGreaterThan(r.term);
    expect(r.c.node(r.leader).role === 'leader' && r.c.node(r.leader).term === r.term).toBe(false);
  });

  it('a pre-candidate asks with term + 1 but keeps its term and vote; a majority of yeses starts the real election', async () => {
    const c = createCluster({ nodes: 3, seed: 1, preVote: true });
    const events = collect(c);
    await electedLeader(c);
    const pre = events.find((e) => e.kind === 'preCampaign');
    expect(pre && pre.kind === 'preCampaign' && pre.term).toBe(1);
    const first = events.findIndex((e) => e.kind === 'timeout');
    expect(events.findIndex((e) => e.kind === 'preCampaign')).toBeLessThan(first);
    const sent = events.filter((e) => e.kind === 'send' && e.message.type === 'PreVote');
    expect(sent.length).toBeGreaterThanOrEqual(2);
    const timeout = events[first]!;
    expect(timeout.kind === 'timeout' && timeout.why?.code).toBe('won-pre-vote');
  });
});

describe('CheckQuorum (thesis §6.2, §4.2.3)', () => {
  it('an isolated leader steps down by itself within about an election timeout', async () => {
    const { c } = make({ nodes: 5, seed: 4, checkQuorum: true });
    const events = collect(c);
    await commit(c, 'a=1');
    const leader = leaderOf(c)!;
    c.disconnect(leader);
    const at = c.now();
    expect(await c.runUntil(() => c.node(leader).role !== 'leader', 1000)).toBe(true);
    expect(c.now() - at).toBeLessThanOrEqual(2 * 150 + 1);
    const down = events.find((e) => e.kind === 'role' && e.node === leader && e.role === 'follower');
    expect(down && down.kind === 'role' && down.why?.code).toBe('check-quorum');
  });

  it('without CheckQuorum (the control) the isolated leader goes on believing it leads', async () => {
    const c = createCluster({ nodes: 5, seed: 4 });
    await commit(c, 'a=1');
    const leader = leaderOf(c)!;
    c.disconnect(leader);
    await c.runFor(3000);
    expect(c.node(leader).role).toBe('leader');
  });

  it('a leader with a majority keeps leading', async () => {
    const c = createCluster({ nodes: 5, seed: 4, checkQuorum: true });
    await commit(c, 'a=1');
    const leader = leaderOf(c)!;
    const term = c.node(leader).term;
    const [x, y] = c.ids.filter((id) => id !== leader);
    await c.crash(x!);
    await c.crash(y!);
    await c.runFor(5000);
    expect(c.node(leader).role).toBe('leader');
    expect(c.node(leader).term).toBe(term);
  });

  it('followers that heard from the leader recently ignore a disruptive RequestVote (the lease, §4.2.3)', async () => {
    const c = createCluster({ nodes: 5, seed: 12, checkQuorum: true });
    const events = collect(c);
    await commit(c, 'a=1');
    const leader = leaderOf(c)!;
    const term = c.node(leader).term;
    const other = c.ids.find((id) => id !== leader)!;
    await c.timeout(other); // campaigns at term + 1 while the leader is healthy
    await c.runFor(30);
    const ignored = events.filter((e) => e.kind === 'vote' && e.candidate === other && e.why?.code === 'leader-lease');
    expect(ignored.length).toBeGreaterThanOrEqual(3);
    for (const id of c.ids.filter((i) => i !== other && i !== leader)) expect(c.node(id).term).toBe(term);
  });
});

describe('membership changes are exact runs too', () => {
  async function changedRun(c: Cluster): Promise<void> {
    await commit(c, 'a=1');
    await c.addNode();
    await commit(c, 'b=2');
    await configSettles(c, [1, 2, 3, 4]);
    const leader = leaderOf(c)!;
    await c.removeNode(c.ids.find((id) => id !== leader)!);
    await c.runFor(300);
    await c.transferLeadership(
      leaderOf(c)!,
      c.ids.find((id) => id !== leaderOf(c))!,
    );
    await c.runFor(300);
  }

  it('the action log replays a run with adds, removes and transfers event for event', async () => {
    const a = createCluster({ nodes: 3, seed: 21, preVote: true, checkQuorum: true });
    await changedRun(a);
    const { storageKey: _none, ...options } = a.creationOptions();
    const b = createCluster(options);
    const { replayActions } = await import('../src/sim');
    await replayActions(b, a.actions(), a.now());
    expect(b.ids).toEqual(a.ids);
    expect(JSON.stringify(b.trace())).toBe(JSON.stringify(a.trace()));
    expect(
      b
        .actions()
        .map((x) => x.kind)
        .filter((k) => k !== 'start'),
    ).toEqual(['addNode', 'removeNode', 'transferLeadership']);
    expect(JSON.stringify(b.actions())).toBe(JSON.stringify(a.actions()));
  });

  it('a checkpoint taken after membership changes restores a cluster whose future is the same', async () => {
    const { restoreCluster } = await import('../src/sim');
    const a = createCluster({ nodes: 3, seed: 22 });
    await changedRun(a);
    const cp = a.checkpoint();
    expect(cp.nodes).toHaveLength(4);
    const b = restoreCluster(structuredClone(cp));
    expect(b.ids).toEqual(a.ids);
    const since = a.trace().length;
    await a.runFor(1000);
    await b.runFor(1000);
    await commit(a, 'c=3');
    await commit(b, 'c=3');
    expect(JSON.stringify(b.trace())).toBe(JSON.stringify(a.trace().slice(since)));
    expect(b.ids.map((id) => b.node(id).kv)).toEqual(a.ids.map((id) => a.node(id).kv));
  });
});
