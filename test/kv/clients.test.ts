// Clients of the replicated map under faults, checked for linearizability:
// reads and writes through the log stay linearizable on 3, 5 and 7 nodes with
// crashes, restarts and partitions, on both transports; reads served from a
// leader's local state do not (thesis §6.4), and the checker says which read.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { runKvClients, type KvClientOptions } from '../../src/kv/clients';
import { checkLinearizable } from '../../src/kv/linearizability';
import { createCluster, type Cluster, type FaultName, type NetworkOptions } from '../../src/sim';
import { createRandom } from '../../src/sim/prng';
import { registerLoopbackIdbTransport } from '../worker/fixtures';

registerLoopbackIdbTransport();

/** Every 60–200 virtual ms: crash a node, restart one, cut a random minority off, or heal — never more than a minority down. */
function nemesis(cluster: Cluster, seed: number): NonNullable<KvClientOptions['each']> {
  const random = createRandom(seed);
  let next = 100;
  return async (now) => {
    if (now < next) return;
    next = now + 60 + Math.floor(random() * 140);
    const ids = [...cluster.ids];
    const down = ids.filter((id) => !cluster.node(id).alive);
    const minority = Math.floor((ids.length - 1) / 2);
    const roll = random();
    if (roll < 0.3 && down.length < minority) {
      await cluster.crash(ids.filter((id) => cluster.node(id).alive)[Math.floor(random() * (ids.length - down.length))]!);
    } else if (roll < 0.55 && down.length > 0) {
      await cluster.restart(down[Math.floor(random() * down.length)]!);
    } else if (roll < 0.8) {
      const shuffled = ids.slice().sort(() => random() - 0.5);
      const cut = shuffled.slice(0, 1 + Math.floor(random() * minority));
      cluster.partition([cut, ids.filter((id) => !cut.includes(id))]);
    } else cluster.heal();
  };
}

async function faultyRun(
  nodes: number,
  seed: number,
  transport: 'inline' | 'worker',
  reads: 'log' | 'local',
  faults: FaultName[] = [],
  network: NetworkOptions = {},
) {
  const cluster = createCluster({ nodes, seed, transport, faults, network });
  try {
    await cluster.runFor(500);
    return await runKvClients(cluster, { clients: 4, operations: 80, seed: seed * 7 + 1, reads, each: nemesis(cluster, seed) });
  } finally {
    await cluster.destroy();
  }
}

describe('key–value clients through the log (linearizable under faults)', () => {
  // KV_SCHEDULES=100 runs 100 seeds per cluster size (300 schedules: all linearizable, 2026-12-02).
  const perSize = Number(process.env.KV_SCHEDULES ?? 4);
  const cases = [3, 5, 7].flatMap((nodes) => Array.from({ length: perSize }, (_, i) => ({ nodes, seed: i + 1 })));
  it.each(cases)('$nodes nodes, seed $seed, inline: the history is linearizable', async ({ nodes, seed }) => {
    // Odd seeds also lose and duplicate a tenth of the messages.
    const lossy = seed % 2 === 1 ? { dropRate: 0.1, duplicateRate: 0.1 } : {};
    const { history, answered } = await faultyRun(nodes, seed, 'inline', 'log', [], lossy);
    const r = checkLinearizable(history);
    expect(r.ok, r.ok === false ? r.explanation : '').toBe(true);
    // A real workload: most operations answered, reads saw writes.
    expect(answered).toBeGreaterThan(history.length / 2);
    expect(history.some((op) => op.input.kind === 'get' && op.ret !== Infinity && op.output !== '')).toBe(true);
  });

  it.each([3, 5, 7])('%i nodes on the worker transport: linearizable too', async (nodes) => {
    const { history } = await faultyRun(nodes, 11, 'worker', 'log');
    const r = checkLinearizable(history);
    expect(r.ok, r.ok === false ? r.explanation : '').toBe(true);
    expect(history.length).toBe(80);
  });
});

describe('a bug switch seen by the clients (the checker finds what Raft promised them broken)', () => {
  const switches: [FaultName, number, string][] = [
    ['vote-without-log-check', 4, '§5.4.1: a leader elected without the committed entries loses them'],
    ['vote-without-log-check', 5, '§5.4.1'],
    ['keep-conflicting-entries', 3, '§5.3: a follower keeps an entry the leader overwrote'],
  ];
  it.each(switches)('%s, seed %i: not linearizable (%s); the same run without it is', async (fault, seed) => {
    const broken = await faultyRun(5, seed, 'inline', 'log', [fault]);
    const r = checkLinearizable(broken.history);
    expect(r.ok).toBe(false);
    if (r.ok === false) expect(r.explanation).toMatch(/^client \d+'s (get|put)/);
    const correct = await faultyRun(5, seed, 'inline', 'log');
    expect(checkLinearizable(correct.history).ok).toBe(true);
  });
});

describe('reads from a leader’s local state (thesis §6.4: not linearizable)', () => {
  it('a deposed leader cut off in a minority answers with a value its successor has overwritten', async () => {
    const cluster = createCluster({ nodes: 5, seed: 3 });
    try {
      expect(await cluster.runUntil(() => cluster.ids.some((id) => cluster.node(id).role === 'leader'), 2000)).toBe(true);
      const old = cluster.ids.find((id) => cluster.node(id).role === 'leader')!;
      const first = await runKvClients(cluster, { clients: 1, operations: 4, readRatio: 0, keys: ['x'], seed: 1 }); // x has a value everywhere
      await cluster.runFor(200);
      cluster.partition([[old], cluster.ids.filter((id) => id !== old)]);
      // The majority elects a successor; the old leader does not know (no CheckQuorum).
      await cluster.runUntil(() => cluster.ids.some((id) => id !== old && cluster.node(id).role === 'leader'), 3000);
      const run = await runKvClients(cluster, { clients: 3, operations: 60, keys: ['x'], seed: 5, reads: 'local' });
      const history = [...first.history, ...run.history];
      // Without the local reads, the same history is linearizable: they alone break it.
      expect(checkLinearizable(history.filter((op) => op.input.kind !== 'get' || op.call !== op.ret)).ok).toBe(true);
      const r = checkLinearizable(history);
      expect(r.ok).toBe(false);
      if (r.ok === false) {
        expect(r.key).toBe('x');
        expect(history[r.stuck]!.input.kind).toBe('get');
        expect(r.explanation).toMatch(/get\("x"\).*returned/);
      }
    } finally {
      await cluster.destroy();
    }
  });

  it('the same reads through the log stay linearizable in the same partition', async () => {
    const cluster = createCluster({ nodes: 5, seed: 3 });
    try {
      await cluster.runUntil(() => cluster.ids.some((id) => cluster.node(id).role === 'leader'), 2000);
      const old = cluster.ids.find((id) => cluster.node(id).role === 'leader')!;
      const first = await runKvClients(cluster, { clients: 1, operations: 4, readRatio: 0, keys: ['x'], seed: 1 });
      await cluster.runFor(200);
      cluster.partition([[old], cluster.ids.filter((id) => id !== old)]);
      await cluster.runUntil(() => cluster.ids.some((id) => id !== old && cluster.node(id).role === 'leader'), 3000);
      const run = await runKvClients(cluster, { clients: 3, operations: 60, keys: ['x'], seed: 5, reads: 'log', timeoutMs: 300 });
      const r = checkLinearizable([...first.history, ...run.history]);
      expect(r.ok, r.ok === false ? r.explanation : '').toBe(true);
      // The old leader's reads never commit: those clients gave up, their reads unanswered.
      expect(run.history.some((op) => op.ret === Infinity)).toBe(true);
    } finally {
      await cluster.destroy();
    }
  });

  it('refuses options out of range, naming them, before anything runs', async () => {
    const cluster = createCluster({ nodes: 3, seed: 1 });
    try {
      await expect(runKvClients(cluster, { clients: 0 })).rejects.toThrow(/clients must be an integer in 1\.\.100/);
      await expect(runKvClients(cluster, { keys: ['a=b'] })).rejects.toThrow(/keys must be non-empty strings/);
      await expect(runKvClients(cluster, { readRatio: 2 })).rejects.toThrow(/readRatio must be in 0\.\.1/);
      await expect(runKvClients(cluster, { reads: 'fast' as never })).rejects.toThrow(/reads must be 'log' or 'local'/);
      expect(cluster.now()).toBe(0);
    } finally {
      await cluster.destroy();
    }
  });
});
