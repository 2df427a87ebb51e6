// Determinism (STYLE habit 2): the same seed and the same calls give the same
// history, event for event, whatever the faults; a different seed gives a
// different one. This is what makes a fuzz seed or a shared link replayable.
import { describe, expect, it } from 'vitest';
import { attachSafetyMonitor, createCluster, type Cluster, type ClusterOptions } from '../src/sim';

type Session = (c: Cluster) => Promise<void>;

function leaderOf(c: Cluster): number | undefined {
  return c.ids.find((id) => c.node(id).role === 'leader');
}

/** Elections and client commands on a reliable network. */
const calm: Session = async (c) => {
  await c.runUntil(() => leaderOf(c) !== undefined, 2000);
  for (let i = 0; i < 20; i++) await c.start(leaderOf(c) ?? 1, `k${i % 3}=${i}`);
  await c.runFor(700);
};

/** Every kind of fault, with overlapping calls not awaited in between. */
const stormy: Session = async (c) => {
  await c.runFor(400);
  await c.start(leaderOf(c) ?? 1, 'a=1');
  c.setNetwork({ dropRate: 0.2, duplicateRate: 0.2, longDelayRate: 0.1, longDelayMs: [100, 900], delayMs: [0, 30] });
  await Promise.all([c.start(leaderOf(c) ?? 1, 'b=2'), c.runFor(13), c.start(leaderOf(c) ?? 2, 'c=3'), c.runFor(200)]);
  c.partition([
    [1, 2],
    [3, 4, 5],
  ]);
  await c.timeout(3);
  await c.runFor(350);
  await c.crash(leaderOf(c) ?? 4);
  c.disconnect(5);
  c.setLink(1, 3, false);
  const m = c.inFlight()[0];
  if (m) c.dropMessage(m.id);
  await c.runFor(600);
  c.heal();
  c.connect(5);
  for (const id of c.ids) if (!c.node(id).alive) await c.restart(id);
  await c.restart(2);
  for (let i = 0; i < 10; i++) await c.start(leaderOf(c) ?? 1, `d=${i}`);
  await c.runFor(1500);
  await c.step();
  await c.runUntil(() => c.now() > 3200, 1000);
};

const configs: { name: string; options: Omit<ClusterOptions, 'seed'>; session: Session }[] = [
  { name: '3 nodes, calm', options: { nodes: 3 }, session: calm },
  { name: '5 nodes, every fault', options: { nodes: 5 }, session: stormy },
  { name: '5 nodes, faults, snapshots and a leader no-op', options: { nodes: 5, snapshotThreshold: 4, leaderNoop: true }, session: stormy },
  {
    name: '7 nodes, lossy from the start, fast timers',
    options: {
      nodes: 7,
      electionTimeoutMs: [60, 120],
      heartbeatMs: 20,
      network: { dropRate: 0.1, duplicateRate: 0.1, longDelayRate: 0.05 },
    },
    session: async (c) => {
      await calm(c);
      await stormy(c);
    },
  },
];

/** Everything observable about a run, as JSON. */
async function record(options: ClusterOptions, session: Session): Promise<{ trace: string; state: string; events: number }> {
  const c = createCluster(options);
  await session(c);
  const trace = c.trace();
  const state = JSON.stringify({
    now: c.now(),
    stats: c.stats(),
    nodes: c.ids.map((id) => c.node(id)),
    applied: c.ids.map((id) => c.applied(id)),
    inFlight: c.inFlight(),
    actions: c.actions(),
  });
  await c.destroy();
  return { trace: JSON.stringify(trace), state, events: trace.length };
}

describe('same seed + same calls ⇒ identical history', () => {
  for (const { name, options, session } of configs) {
    it.each([1, 2, 42, 31337])(`${name}, seed %i`, async (seed) => {
      const first = await record({ ...options, seed }, session);
      const second = await record({ ...options, seed }, session);
      expect(first.events).toBeGreaterThan(200);
      expect(second.trace).toBe(first.trace);
      expect(second.state).toBe(first.state);
    });
  }

  it('a listener (the safety monitor) does not change the history', async () => {
    const options = { nodes: 5, seed: 9, snapshotThreshold: 3 };
    const plain = await record(options, stormy);
    const watched = await record(options, async (c) => {
      const monitor = attachSafetyMonitor(c);
      await stormy(c);
      expect(monitor.violations).toEqual([]);
    });
    expect(watched.trace).toBe(plain.trace);
  });

  it('what subscribers receive is what trace() holds', async () => {
    const c = createCluster({ nodes: 5, seed: 4 });
    const seen: unknown[] = [];
    c.subscribe((e) => seen.push(e));
    await stormy(c);
    expect(JSON.stringify(seen)).toBe(JSON.stringify(c.trace()));
  });
});

describe('different seeds ⇒ different histories', () => {
  for (const { name, options, session } of configs) {
    it(`${name}: seeds 1..4 give four different traces`, async () => {
      const traces = new Set<string>();
      for (const seed of [1, 2, 3, 4]) traces.add((await record({ ...options, seed }, session)).trace);
      expect(traces.size).toBe(4);
    });
  }
});
