// The headless cluster's API contract (issue 2, section 3): defaults, what
// start() returns off a leader, crashed nodes, cables versus links, stats,
// call ordering, the key–value semantics, applied(), and bad arguments —
// async methods reject and sync ones throw, naming the argument, with
// nothing half-applied.
import { describe, expect, it } from 'vitest';
import { createCluster, replayActions, type Cluster, type ClusterEvent, type ClusterOptions } from '../src/sim';

function leaderOf(c: Cluster): number | undefined {
  return c.ids.find((id) => c.node(id).alive && c.node(id).role === 'leader');
}

async function electedLeader(c: Cluster): Promise<number> {
  expect(await c.runUntil(() => leaderOf(c) !== undefined, 3000)).toBe(true);
  return leaderOf(c)!;
}

function collect(c: Cluster): ClusterEvent[] {
  const events: ClusterEvent[] = [];
  c.subscribe((e) => events.push(e));
  return events;
}

/** Deliveries between two nodes, either way, at or after `since`. */
function deliveredBetween(events: readonly ClusterEvent[], a: number, b: number, since: number): number {
  return events.filter(
    (e) =>
      e.kind === 'deliver' &&
      e.at >= since &&
      ((e.message.from === a && e.message.to === b) || (e.message.from === b && e.message.to === a)),
  ).length;
}

describe('defaults', () => {
  it('network(): delayMs [1, 10], no loss, no duplication, no long delays', () => {
    const c = createCluster({ nodes: 3 });
    expect(c.network()).toEqual({ delayMs: [1, 10], dropRate: 0, duplicateRate: 0, longDelayRate: 0, longDelayMs: [200, 2200] });
    expect(c.ids).toEqual([1, 2, 3]);
    expect(c.now()).toBe(0);
  });

  it('every message takes 1..10 virtual ms and none is lost or duplicated', async () => {
    const c = createCluster({ nodes: 5, seed: 3 });
    const events = collect(c);
    const leader = await electedLeader(c);
    for (let i = 0; i < 20; i++) await c.start(leader, `k=${i}`);
    await c.runFor(1000);
    const delivered = events.filter((e) => e.kind === 'deliver');
    expect(delivered.length).toBeGreaterThan(100);
    for (const e of delivered) {
      if (e.kind !== 'deliver') continue;
      expect(e.at - e.message.sentAt).toBeGreaterThanOrEqual(1);
      expect(e.at - e.message.sentAt).toBeLessThanOrEqual(10);
    }
    expect(events.some((e) => e.kind === 'drop' || e.kind === 'duplicate')).toBe(false);
  });

  it('the first election happens within the election timeout [150, 300] and then holds', async () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const c = createCluster({ nodes: 3, seed });
      const events = collect(c);
      for (const id of c.ids) {
        expect(c.node(id).electionTimeout).toBeGreaterThanOrEqual(150);
        expect(c.node(id).electionTimeout).toBeLessThanOrEqual(300);
      }
      await electedLeader(c);
      const firstTimeout = events.find((e) => e.kind === 'timeout')!;
      expect(firstTimeout.at).toBeGreaterThanOrEqual(150);
      expect(firstTimeout.at).toBeLessThanOrEqual(300);
      // A vote round trip is at most 2 × 10 ms; a split vote may need one more timeout.
      expect(c.now()).toBeLessThanOrEqual(2 * 300 + 40);
      const term = c.node(leaderOf(c)!).term;
      await c.runFor(5000);
      expect(c.node(leaderOf(c)!).term).toBe(term); // heartbeats (50 ms) keep it
    }
  });

  it('a leader sends at most 20 heartbeats per second per follower (heartbeat 50 ms)', async () => {
    const c = createCluster({ nodes: 3, seed: 8 });
    const leader = await electedLeader(c);
    const events = collect(c);
    await c.runFor(1000);
    for (const follower of c.ids.filter((id) => id !== leader)) {
      const beats = events.filter((e) => e.kind === 'send' && e.message.type === 'AppendEntries' && e.message.to === follower);
      expect(beats.length).toBeGreaterThanOrEqual(18);
      expect(beats.length).toBeLessThanOrEqual(21);
    }
  });
});

describe('start() off a leader', () => {
  it('on a follower: index -1, its term, isLeader false', async () => {
    const c = createCluster({ nodes: 3, seed: 2 });
    const leader = await electedLeader(c);
    const follower = c.ids.find((id) => id !== leader)!;
    expect(await c.start(follower, 'x=1')).toEqual({ index: -1, term: c.node(follower).term, isLeader: false });
    expect(c.node(follower).log).toEqual([]);
  });

  it('on a candidate: index -1, its new term, isLeader false', async () => {
    const c = createCluster({ nodes: 3, seed: 2, electionTimeoutMs: [10_000, 20_000] });
    c.disconnect(2);
    c.disconnect(3);
    await c.timeout(1);
    expect(c.node(1).role).toBe('candidate');
    expect(await c.start(1, 'x=1')).toEqual({ index: -1, term: 1, isLeader: false });
  });

  it('on a crashed node: index -1, its stored term, isLeader false', async () => {
    const c = createCluster({ nodes: 3, seed: 2 });
    const leader = await electedLeader(c);
    const term = c.node(leader).term;
    await c.crash(leader);
    expect(await c.start(leader, 'x=1')).toEqual({ index: -1, term, isLeader: false });
  });

  it('on the leader: the entry’s index and term (1-based, no no-op by default)', async () => {
    const c = createCluster({ nodes: 3, seed: 2 });
    const leader = await electedLeader(c);
    const term = c.node(leader).term;
    expect(await c.start(leader, 'x=1')).toEqual({ index: 1, term, isLeader: true });
    expect(await c.start(leader, 'y=2')).toEqual({ index: 2, term, isLeader: true });
  });
});

describe('a crashed node', () => {
  it('shows its stored state: term, vote, log and snapshot, alive false, role follower', async () => {
    const c = createCluster({ nodes: 3, seed: 5, snapshotThreshold: 3 });
    const leader = await electedLeader(c);
    for (let i = 1; i <= 5; i++) await c.start(leader, `k${i}=${i}`);
    await c.runFor(300);
    const before = c.node(leader);
    expect(before.snapshotIndex).toBeGreaterThan(0);
    await c.crash(leader);
    const after = c.node(leader);
    expect(after).toMatchObject({
      id: leader,
      alive: false,
      role: 'follower',
      term: before.term,
      votedFor: before.votedFor,
      log: before.log,
      snapshotIndex: before.snapshotIndex,
      snapshotTerm: before.snapshotTerm,
    });
    expect(after.nextIndex).toBeUndefined();
    expect(after.electionDeadline).toBe(Infinity);
  });

  it('loses the messages in flight to it, and restarts from its disk', async () => {
    const c = createCluster({ nodes: 3, seed: 5 });
    const leader = await electedLeader(c);
    const follower = c.ids.find((id) => id !== leader)!;
    await c.start(leader, 'x=1');
    const toFollower = c.inFlight().filter((m) => m.to === follower);
    expect(toFollower.length).toBeGreaterThan(0);
    const events = collect(c);
    await c.crash(follower);
    expect(c.inFlight().filter((m) => m.to === follower)).toEqual([]);
    const dropped = events
      .filter((e) => e.kind === 'drop' && e.reason === 'receiver crashed')
      .map((e) => (e.kind === 'drop' ? e.message.id : -1));
    expect(dropped).toEqual(toFollower.map((m) => m.id));
    await c.runFor(200);
    await c.restart(follower);
    expect(c.node(follower).alive).toBe(true);
    await c.runFor(200);
    expect(c.node(follower).log.map((e) => e.command)).toEqual(['x=1']);
  });
});

describe('cables and links are independent', () => {
  it('connect(3) does not reconnect node 3 to a node that is itself unplugged', async () => {
    const c = createCluster({ nodes: 3, seed: 6 });
    await electedLeader(c);
    c.disconnect(2);
    c.disconnect(3);
    c.connect(3);
    expect(c.connected(3)).toBe(true);
    expect(c.connected(2)).toBe(false);
    const events = collect(c);
    const since = c.now();
    await c.timeout(3);
    await c.timeout(2);
    await c.runFor(1000);
    expect(deliveredBetween(events, 2, 3, since)).toBe(0);
    expect(deliveredBetween(events, 1, 3, since)).toBeGreaterThan(0);
    expect(deliveredBetween(events, 1, 2, since)).toBe(0);
  });

  it('heal() brings every link up but does not replug cables', async () => {
    const c = createCluster({ nodes: 3, seed: 6 });
    await electedLeader(c);
    c.disconnect(1);
    c.partition([[1, 2], [3]]);
    expect(c.linkUp(1, 3)).toBe(false);
    expect(c.linkUp(3, 2)).toBe(false);
    c.heal();
    for (const a of c.ids) for (const b of c.ids) if (a !== b) expect(c.linkUp(a, b)).toBe(true);
    expect(c.connected(1)).toBe(false);
    const events = collect(c);
    const since = c.now();
    await c.runFor(1000);
    expect(deliveredBetween(events, 1, 2, since) + deliveredBetween(events, 1, 3, since)).toBe(0);
    expect(deliveredBetween(events, 2, 3, since)).toBeGreaterThan(0);
  });

  it('setLink cuts one direction only; a partition leaves unlisted nodes cut off', () => {
    const c = createCluster({ nodes: 3, seed: 6 });
    c.setLink(1, 2, false);
    expect(c.linkUp(1, 2)).toBe(false);
    expect(c.linkUp(2, 1)).toBe(true);
    c.partition([[1, 2]]);
    expect(c.linkUp(1, 2)).toBe(true);
    expect(c.linkUp(1, 3)).toBe(false);
    expect(c.linkUp(3, 2)).toBe(false);
    expect(c.connected(3)).toBe(true);
  });
});

describe('stats()', () => {
  it('counts what nodes send, not the network’s duplicates or drops', async () => {
    for (const network of [{ duplicateRate: 1 }, { dropRate: 1 }, { dropRate: 0.3, duplicateRate: 0.3 }]) {
      const c = createCluster({ nodes: 3, seed: 4, network });
      const events = collect(c);
      await c.runFor(2000);
      const sends = events.filter((e) => e.kind === 'send');
      const stats = c.stats();
      expect(stats.messages).toBe(sends.length);
      expect(events.filter((e) => e.kind === 'duplicate' || e.kind === 'drop').length).toBeGreaterThan(0);
      expect(Object.values(stats.byType).reduce((a, b) => a + b, 0)).toBe(stats.messages);
      expect(stats.bytes).toBe(sends.reduce((sum, e) => sum + (e.kind === 'send' ? JSON.stringify(e.message.payload).length : 0), 0));
    }
  });

  it('counts requests and replies by their type names', async () => {
    const c = createCluster({ nodes: 3, seed: 4, snapshotThreshold: 2 });
    const leader = await electedLeader(c);
    const lagging = c.ids.find((id) => id !== leader)!;
    c.disconnect(lagging);
    for (let i = 0; i < 6; i++) await c.start(leader, `k=${i}`);
    await c.runFor(300);
    c.connect(lagging);
    expect(await c.runUntil(() => c.node(lagging).snapshotIndex > 0, 3000)).toBe(true);
    await c.runFor(50);
    expect(Object.keys(c.stats().byType).sort()).toEqual(
      ['AppendEntries', 'AppendEntriesReply', 'InstallSnapshot', 'InstallSnapshotReply', 'RequestVote', 'RequestVoteReply'].sort(),
    );
  });
});

describe('overlapping calls apply in call order', () => {
  it('start()s and runFor()s awaited together', async () => {
    const c = createCluster({ nodes: 3, seed: 7 });
    const leader = await electedLeader(c);
    const t0 = c.now();
    const results = await Promise.all([c.start(leader, 'a=1'), c.runFor(10), c.start(leader, 'b=2'), c.runFor(25), c.start(leader, 'c=3')]);
    expect([results[0].index, results[2].index, results[4].index]).toEqual([1, 2, 3]);
    expect(results[1]).toBeUndefined();
    expect(c.now()).toBe(t0 + 35);
    expect(
      c
        .actions()
        .slice(-3)
        .map((a) => [a.kind, a.at]),
    ).toEqual([
      ['start', t0],
      ['start', t0 + 10],
      ['start', t0 + 35],
    ]);
    await c.runFor(200);
    expect(c.applied(leader).map((a) => a.command)).toEqual(['a=1', 'b=2', 'c=3']);
  });

  it('a rejected call in the middle does not disturb the others', async () => {
    const c = createCluster({ nodes: 3, seed: 7 });
    const leader = await electedLeader(c);
    const [a, bad, b] = await Promise.allSettled([c.start(leader, 'a=1'), c.start(9, 'x'), c.start(leader, 'b=2')]);
    expect(a).toMatchObject({ status: 'fulfilled', value: { index: 1 } });
    expect(bad.status).toBe('rejected');
    expect(b).toMatchObject({ status: 'fulfilled', value: { index: 2 } });
  });
});

describe('the key–value state machine', () => {
  it('`key=value` sets a key; any other command leaves the map unchanged', async () => {
    const c = createCluster({ nodes: 3, seed: 11 });
    const leader = await electedLeader(c);
    for (const cmd of ['x=1', 'y=2', 'x=3', 'hello', '=5', 'z=', 'url=a=b', 'get x']) await c.start(leader, cmd);
    await c.runFor(300);
    for (const id of c.ids) {
      expect(c.node(id).kv).toEqual({ x: '3', y: '2', z: '', url: 'a=b' });
      expect(c.applied(id).map((a) => a.command)).toEqual(['x=1', 'y=2', 'x=3', 'hello', '=5', 'z=', 'url=a=b', 'get x']);
    }
  });
});

describe('applied()', () => {
  it('lists every apply since creation, across restarts: a restarted node re-applies its log', async () => {
    const c = createCluster({ nodes: 3, seed: 12 });
    const leader = await electedLeader(c);
    await c.start(leader, 'a=1');
    await c.start(leader, 'b=2');
    await c.runFor(300);
    const follower = c.ids.find((id) => id !== leader)!;
    expect(c.applied(follower)).toEqual([
      { index: 1, command: 'a=1' },
      { index: 2, command: 'b=2' },
    ]);
    await c.restart(follower);
    await c.start(leaderOf(c) ?? leader, 'c=3');
    await c.runFor(500);
    expect(c.applied(follower).map((a) => a.index)).toEqual([1, 2, 1, 2, 3]);
  });

  it('restoring a snapshot (restart or InstallSnapshot) adds nothing to it', async () => {
    const c = createCluster({ nodes: 3, seed: 12, snapshotThreshold: 2 });
    const leader = await electedLeader(c);
    const lagging = c.ids.find((id) => id !== leader)!;
    c.disconnect(lagging);
    for (let i = 1; i <= 6; i++) await c.start(leader, `k${i}=${i}`);
    await c.runFor(300);
    c.connect(lagging);
    expect(await c.runUntil(() => c.node(lagging).snapshotIndex > 0, 3000)).toBe(true);
    await c.runFor(100);
    // It caught up by InstallSnapshot: state, but no applies for what the snapshot holds.
    const lag = c.node(lagging);
    expect(lag.snapshotIndex).toBeGreaterThan(0);
    expect(lag.kv).toEqual(c.node(leader).kv);
    expect(c.applied(lagging).every((a) => a.index > lag.snapshotIndex)).toBe(true);
    const before = c.applied(leader).length;
    const snapshotIndex = c.node(leader).snapshotIndex;
    await c.restart(leader);
    await c.runFor(500);
    const reapplied = c.applied(leader).slice(before);
    expect(reapplied.every((a) => a.index > snapshotIndex)).toBe(true);
    expect(c.node(leader).kv).toEqual({ k1: '1', k2: '2', k3: '3', k4: '4', k5: '5', k6: '6' });
  });
});

describe('bad arguments', () => {
  it.each<[string, unknown, RegExp]>([
    ['no options', undefined, /options/],
    ['nodes missing', {}, /nodes/],
    ['nodes < 1', { nodes: 0 }, /nodes/],
    ['nodes negative', { nodes: -3 }, /nodes/],
    ['nodes fractional', { nodes: 2.5 }, /nodes/],
    ['nodes a string', { nodes: '3' }, /nodes/],
    ['seed negative', { nodes: 3, seed: -1 }, /seed/],
    ['dropRate > 1', { nodes: 3, network: { dropRate: 1.5 } }, /dropRate/],
    ['dropRate < 0', { nodes: 3, network: { dropRate: -0.1 } }, /dropRate/],
    ['duplicateRate > 1', { nodes: 3, network: { duplicateRate: 2 } }, /duplicateRate/],
    ['longDelayRate NaN', { nodes: 3, network: { longDelayRate: NaN } }, /longDelayRate/],
    ['negative delay', { nodes: 3, network: { delayMs: [-1, 10] } }, /delayMs/],
    ['delay min > max', { nodes: 3, network: { delayMs: [10, 1] } }, /delayMs/],
    ['negative long delay', { nodes: 3, network: { longDelayMs: [-5, 10] } }, /longDelayMs/],
    ['unknown network option', { nodes: 3, network: { jitter: 3 } }, /jitter/],
    ['electionTimeoutMs reversed', { nodes: 3, electionTimeoutMs: [300, 150] }, /electionTimeoutMs/],
    ['electionTimeoutMs not a pair', { nodes: 3, electionTimeoutMs: 150 }, /electionTimeoutMs/],
    ['heartbeatMs 0', { nodes: 3, heartbeatMs: 0 }, /heartbeatMs/],
    ['snapshotThreshold negative', { nodes: 3, snapshotThreshold: -1 }, /snapshotThreshold/],
    ['leaderNoop not a boolean', { nodes: 3, leaderNoop: 'yes' }, /leaderNoop/],
    ['unknown transport', { nodes: 3, transport: 'pigeon' }, /transport/],
  ])('createCluster: %s throws naming it', (_, options, message) => {
    expect(() => createCluster(options as ClusterOptions)).toThrow(message);
    expect(() => createCluster(options as ClusterOptions)).toThrow(Error);
  });

  it('async methods reject (they do not throw) with an Error naming the argument', async () => {
    const c = createCluster({ nodes: 3 });
    const cases: [() => Promise<unknown>, RegExp][] = [
      [() => c.start(0, 'x'), /\bid\b.*1\.\.3.*0/],
      [() => c.start(4, 'x'), /\bid\b.*4/],
      [() => c.start(1.5, 'x'), /\bid\b/],
      [() => c.start(1, 42 as unknown as string), /command/],
      [() => c.timeout(99), /\bid\b/],
      [() => c.crash('1' as unknown as number), /\bid\b/],
      [() => c.restart(-1), /\bid\b/],
      [() => c.runFor(-1), /\bms\b/],
      [() => c.runFor(NaN), /\bms\b/],
      [() => c.runFor(Infinity), /\bms\b/],
      [() => c.runUntil('soon' as unknown as () => boolean, 10), /pred/],
      [() => c.runUntil(() => true, -5), /maxMs/],
    ];
    for (const [call, message] of cases) {
      let promise: Promise<unknown> | undefined;
      expect(() => {
        promise = call();
      }).not.toThrow();
      await expect(promise).rejects.toThrow(message);
      await expect(promise).rejects.toBeInstanceOf(Error);
    }
    expect(c.now()).toBe(0);
    expect(c.actions()).toEqual([]);
  });

  it('sync methods throw an Error naming the argument', () => {
    const c = createCluster({ nodes: 3 });
    const cases: [() => unknown, RegExp][] = [
      [() => c.disconnect(0), /\bid\b/],
      [() => c.connect(9), /\bid\b/],
      [() => c.setLink(1, 9, true), /\bto\b/],
      [() => c.setLink(0, 2, true), /\bfrom\b/],
      [() => c.setLink(1, 2, 'down' as unknown as boolean), /\bup\b/],
      [() => c.partition('1,2|3' as unknown as number[][]), /groups/],
      [
        () =>
          c.partition([
            [1, 2],
            [2, 3],
          ]),
        /groups.*node 2/,
      ],
      [() => c.partition([[1], [3, 99]]), /groups\[1\]/],
      [() => c.setNetwork({ dropRate: 2 }), /dropRate/],
      [() => c.setNetwork({ delayMs: [-1, 3] }), /delayMs/],
      [() => c.setNetwork({ bogus: 1 } as never), /bogus/],
      [() => c.node(0), /\bid\b/],
      [() => c.applied(4), /\bid\b/],
      [() => c.linkUp(1, 5), /\bto\b/],
      [() => c.connected(7), /\bid\b/],
      [() => c.dropMessage(-1), /\bid\b/],
      [() => c.subscribe('x' as never), /listener/],
    ];
    for (const [call, message] of cases) {
      expect(call).toThrow(message);
      expect(call).toThrow(Error);
    }
    expect(c.actions()).toEqual([]);
  });

  it('nothing is half-applied: a bad setNetwork leaves network() unchanged', () => {
    const c = createCluster({ nodes: 3, network: { dropRate: 0.1 } });
    const before = JSON.stringify(c.network());
    const traceBefore = c.trace().length;
    expect(() => c.setNetwork({ dropRate: 0.5, duplicateRate: 0.2, delayMs: [5, 1] })).toThrow(/delayMs/);
    expect(() => c.setNetwork({ delayMs: [2, 4], longDelayRate: -1 })).toThrow(/longDelayRate/);
    expect(JSON.stringify(c.network())).toBe(before);
    expect(c.trace().length).toBe(traceBefore);
    c.setNetwork({ duplicateRate: 0.2 });
    expect(c.network()).toMatchObject({ dropRate: 0.1, duplicateRate: 0.2, delayMs: [1, 10] });
  });

  it('nothing is half-applied: a bad partition leaves the links unchanged', () => {
    const c = createCluster({ nodes: 4 });
    c.setLink(2, 1, false);
    const links = () => c.ids.flatMap((a) => c.ids.map((b) => (a === b ? '-' : c.linkUp(a, b) ? 'u' : 'd'))).join('');
    const before = links();
    expect(() =>
      c.partition([
        [1, 2],
        [3, 4, 5],
      ]),
    ).toThrow(/groups\[1\]/);
    expect(() =>
      c.partition([
        [1, 2],
        [3, 1],
      ]),
    ).toThrow(/groups/);
    expect(() => c.partition([[1, 2], 3 as unknown as number[]])).toThrow(/groups\[1\]/);
    expect(links()).toBe(before);
    // Stamped with where it took effect: at 0 ms, before any event (after 0).
    expect(c.actions()).toEqual([{ at: 0, after: 0, kind: 'setLink', from: 2, to: 1, up: false }]);
  });

  it('a rejected start changes nothing: no entry, no event, no action', async () => {
    const c = createCluster({ nodes: 3, seed: 2 });
    const leader = await electedLeader(c);
    const trace = c.trace().length;
    const actions = c.actions().length;
    await expect(c.start(leader, null as unknown as string)).rejects.toThrow(/command/);
    expect(c.node(leader).log).toEqual([]);
    expect(c.trace().length).toBe(trace);
    expect(c.actions().length).toBe(actions);
  });

  it('after destroy(), calls fail with a clear message', async () => {
    const c = createCluster({ nodes: 3 });
    await c.destroy();
    await expect(c.runFor(10)).rejects.toThrow(/destroyed/);
    await expect(c.start(1, 'x')).rejects.toThrow(/destroyed/);
    expect(() => c.disconnect(1)).toThrow(/destroyed/);
  });
});

describe('inFlight() and message events: exactly the contract fields, immutable', () => {
  it('each in-flight message is { id, from, to, type, sentAt, deliverAt, payload, duplicate }, the same object as in its send event', async () => {
    const c = createCluster({ nodes: 3, seed: 2, electionTimeoutMs: [10_000, 20_000] });
    const sent: unknown[] = [];
    c.subscribe((e) => {
      if (e.kind === 'send') sent.push(e.message);
    });
    await c.timeout(1);
    const list = c.inFlight();
    expect(list).toHaveLength(2);
    for (const m of list) {
      expect(Object.keys(m).sort()).toEqual(['deliverAt', 'duplicate', 'from', 'id', 'payload', 'sentAt', 'to', 'type']);
      expect(Object.isFrozen(m)).toBe(true);
      expect(sent).toContain(m);
    }
    expect(c.inFlight()[0]).toBe(list[0]); // stable identity while in flight
  });
});

describe('creationOptions', () => {
  it('returns the options a cluster was made with, resolved, the network as at creation (later settings are actions)', async () => {
    const c = createCluster({ nodes: 3, seed: 4, network: { delayMs: [2, 5] }, leaderNoop: true });
    c.setNetwork({ dropRate: 0.5 });
    const o = c.creationOptions();
    expect(o).toMatchObject({ nodes: 3, seed: 4, transport: 'inline', leaderNoop: true, snapshotThreshold: 0, storageKey: '' });
    expect(o.network.delayMs).toEqual([2, 5]);
    expect(o.network.dropRate).toBe(0);
    expect(Object.isFrozen(o)).toBe(true);
    // A fresh cluster of these options replays the run exactly.
    await c.runFor(500);
    const { storageKey, ...options } = o;
    expect(storageKey).toBe('');
    const again = createCluster(options);
    await replayActions(again, c.actions(), c.now());
    expect(again.trace()).toEqual(c.trace());
    await c.destroy();
    await again.destroy();
  });
});
