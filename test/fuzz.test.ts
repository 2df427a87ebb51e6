// Randomized fault schedules: Figure 3's safety properties, checked by the
// SafetyMonitor after every event, and "nothing committed is lost" at the
// end, over seeded random clusters, networks and fault sequences. Each seed
// picks a cluster (3, 5 or 7 nodes, a lossy, duplicating, reordering network,
// maybe snapshots and a leader no-op) and a sequence of actions; then
// everything is healed and restarted, and every node must hold every
// committed command at its index.
//
//   npx vitest run test/fuzz.test.ts                         seeds 1..200
//   FUZZ_SCHEDULES=2000 npx vitest run test/fuzz.test.ts     seeds 1..2000
//   FUZZ_SEED=137 npx vitest run test/fuzz.test.ts           replay seed 137 (the failure shows recent events)
//   FUZZ_STEPS=1000 …                                        longer schedules (default 400 actions)
//   FUZZ_STATS=1 …                                           print what each schedule exercised
//   FUZZ_WORKER_SCHEDULES=100 …                              how many also run on the worker transport (default 40)
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { registerTransport } from '../src/sim';
import { createLoopbackPort, IdbStorage, workerTransport } from '../src/worker';
import { envInteger, replayCommand, Schedule, seedsToRun, STEPS_PER_SCHEDULE } from './support/fuzz-schedule';

// The worker transport in Node: the same host code and protocol as a real
// Web Worker over an in-process loopback port, fake-indexeddb as the disk.
registerTransport(
  'worker',
  workerTransport(() => createLoopbackPort({ openStorage: (name) => IdbStorage.open(name) })),
);

/** Worker-transport schedules (slower: every event crosses the protocol and IndexedDB). */
const WORKER_SCHEDULES = envInteger('FUZZ_WORKER_SCHEDULES') ?? 40;

/** What all schedules of this run exercised (the last test checks it is not trivial). */
const totals = {
  events: 0,
  schedules: 0,
  committed: 0,
  elections: 0,
  truncations: 0,
  snapshotsInstalled: 0,
  compactions: 0,
  crashes: 0,
  duplicates: 0,
  drops: 0,
};

/** Virtual ms after the final heal until a leader, and until a new command is applied on every node. */
const liveness = { leader: [] as number[], applied: [] as number[] };

function percentiles(values: number[]): string {
  const sorted = values.slice().sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  return `p50 ${at(0.5)} ms, p95 ${at(0.95)} ms, max ${sorted[sorted.length - 1]} ms`;
}

async function runSchedule(seed: number, transport: 'inline' | 'worker', replaying: boolean): Promise<void> {
  const schedule = new Schedule(seed, transport);
  try {
    for (let step = 0; step < STEPS_PER_SCHEDULE; step++) await schedule.randomAction();
    const final = await schedule.settle();
    schedule.checkNothingLost(final);
    if (!schedule.monitor.ok) throw new Error(schedule.monitor.violations.map((v) => v.message).join('\n'));
    const exercised = schedule.record.exercised;
    if (transport === 'worker') return;
    totals.schedules += 1;
    totals.events += schedule.record.events;
    liveness.leader.push(schedule.leaderAfterHealMs ?? Infinity);
    liveness.applied.push(schedule.appliedAfterHealMs ?? Infinity);
    totals.committed += final.index;
    for (const key of Object.keys(exercised) as (keyof typeof exercised)[]) totals[key] += exercised[key];
    if (process.env.FUZZ_STATS) {
      console.log(
        `seed ${seed} (${transport}): ${schedule.options.nodes} nodes, ${schedule.cluster.now()} virtual ms, ${final.index} committed, ${JSON.stringify(exercised)}`,
      );
    }
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const actions = schedule.actions.slice(-15).join('\n    ');
    const events = replaying ? `  last events:\n    ${schedule.recentEvents(40).join('\n    ')}\n` : '';
    throw new Error(
      `fuzz schedule seed ${seed} (${transport} transport) failed at ${schedule.cluster.now()} virtual ms: ${message}\n` +
        `  options: ${JSON.stringify(schedule.options)}\n` +
        `  last actions:\n    ${actions}\n` +
        events +
        `  replay: ${replayCommand(seed)}`,
      { cause: err },
    );
  } finally {
    await schedule.cluster.destroy();
  }
}

const seeds = seedsToRun();
const workerSeeds = process.env.FUZZ_SEED ? seeds : seeds.slice(0, WORKER_SCHEDULES);

describe('random fault schedules keep Figure 3 and lose nothing committed', () => {
  it.each(seeds)('schedule seed %i (inline transport)', async (seed) => {
    await runSchedule(seed, 'inline', seeds.length === 1);
  });

  it.each(workerSeeds)('schedule seed %i (worker transport, loopback + fake-indexeddb)', async (seed) => {
    await runSchedule(seed, 'worker', seeds.length === 1);
  });

  if (seeds.length >= 100) {
    // A fuzzer whose schedules stopped doing anything would pass forever.
    it('the schedules exercised elections, overwrites, snapshots and faults', () => {
      expect(totals.schedules).toBe(seeds.length);
      // Per schedule, about half of what seeds 1..200 do.
      expect(totals.committed).toBeGreaterThan(totals.schedules * 60);
      expect(totals.elections).toBeGreaterThan(totals.schedules * 12);
      expect(totals.truncations).toBeGreaterThan(totals.schedules * 3);
      expect(totals.snapshotsInstalled).toBeGreaterThan(totals.schedules * 3);
      expect(totals.compactions).toBeGreaterThan(totals.schedules * 12);
      expect(totals.crashes).toBeGreaterThan(totals.schedules * 20);
      expect(totals.duplicates).toBeGreaterThan(totals.schedules * 100);
      expect(totals.drops).toBeGreaterThan(totals.schedules * 1000);
      // The README's headline (printed so a run can refresh it).
      console.log(
        `fuzz: ${totals.schedules} inline schedules (+ ${workerSeeds.length} on the worker transport), ` +
          `Figure 3's five properties and in-order apply checked after each of ${totals.events} events, nothing committed lost; ` +
          `after the final heal a leader in ${percentiles(liveness.leader)}, a new command applied everywhere in ${percentiles(liveness.applied)} (virtual time)`,
      );
      expect(liveness.leader.every(Number.isFinite)).toBe(true);
    });
  }
});
