// The worker transport's history is exactly the inline one: the fuzzer's
// random fault schedules (3, 5 and 7 nodes, lossy, duplicating, reordering
// networks, crashes, restarts, partitions, snapshots and leader no-op on and
// off), each run once inline and once on the worker transport (the same host
// and protocol code as real Web Workers, over a loopback port, with
// fake-indexeddb as the disk), must produce the same trace event for event,
// the same node views and the same action log, and virtual time must never
// go backwards. Everything exact (replay, shared links, forks) rests on this.
//
//   npx vitest run test/equivalence.test.ts                          seeds 1..300
//   EQUIV_SCHEDULES=2000 npx vitest run test/equivalence.test.ts     more
//   FUZZ_SEED=137 npx vitest run test/equivalence.test.ts            one seed
//   FUZZ_STEPS=400 …                                                 longer schedules (default here 150 actions)
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { registerTransport, type ClusterEvent } from '../src/sim';
import { createLoopbackPort, IdbStorage, workerTransport } from '../src/worker';
import { envInteger, replayCommand, Schedule } from './support/fuzz-schedule';
import { recordRun, type RecordedRun } from './support/recorded-run';

registerTransport(
  'worker',
  workerTransport(() =>
    createLoopbackPort({
      openStorage: (name) => IdbStorage.open(name),
      // Answers come back out of order (0–1 wall ms apart): the pipelined
      // dispatch must still take outputs in queue order.
      jitterMs: () => (Math.random() < 0.1 ? 1 : 0),
    }),
  ),
);

const SCHEDULES = envInteger('EQUIV_SCHEDULES') ?? 300;
const STEPS = envInteger('FUZZ_STEPS') ?? 150;
const one = envInteger('FUZZ_SEED');
const seeds = one !== undefined ? [one] : Array.from({ length: SCHEDULES }, (_, i) => i + 1);

type Run = RecordedRun;

function run(seed: number, transport: 'inline' | 'worker'): Promise<Run> {
  return recordRun(new Schedule(seed, transport), STEPS);
}

/** The first event where virtual time goes backwards, or null. */
function timeGoesBack(trace: readonly ClusterEvent[]): string | null {
  for (let i = 1; i < trace.length; i++) {
    if (trace[i]!.at < trace[i - 1]!.at) {
      return `event ${i} at ${trace[i]!.at} ms follows one at ${trace[i - 1]!.at} ms: ${JSON.stringify(trace[i])}`;
    }
  }
  return null;
}

/** Where two traces first differ, or null if they are equal. */
function firstDifference(a: readonly ClusterEvent[], b: readonly ClusterEvent[]): string | null {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = JSON.stringify(a[i]);
    const y = JSON.stringify(b[i]);
    if (x !== y) return `event ${i} of ${a.length} (inline) / ${b.length} (worker):\n  inline: ${x}\n  worker: ${y}`;
  }
  return null;
}

const covered = { nodes: new Set<number>(), snapshots: new Set<boolean>(), noop: new Set<boolean>(), events: 0 };

describe('the worker transport gives exactly the inline history', () => {
  it.each(seeds)('schedule seed %i', async (seed) => {
    const inline = await run(seed, 'inline');
    const worker = await run(seed, 'worker');
    const where = `\n  options: ${JSON.stringify(inline.options)}\n  replay: ${replayCommand(seed, 'test/equivalence.test.ts')}`;
    expect(timeGoesBack(inline.trace), `inline time goes back${where}`).toBeNull();
    expect(timeGoesBack(worker.trace), `worker time goes back${where}`).toBeNull();
    expect(firstDifference(inline.trace, worker.trace), `traces differ${where}`).toBeNull();
    expect(worker.views, `node views differ${where}`).toBe(inline.views);
    expect(worker.actions, `action logs differ${where}`).toBe(inline.actions);
    expect(worker.outcome, `outcomes differ${where}`).toBe(inline.outcome);
    covered.nodes.add(inline.options.nodes);
    covered.snapshots.add((inline.options.snapshotThreshold ?? 0) > 0);
    covered.noop.add(inline.options.leaderNoop === true);
    covered.events += inline.trace.length;
  });

  if (seeds.length >= 100) {
    it('covered 3, 5 and 7 nodes, snapshots and leader no-op on and off', () => {
      expect([...covered.nodes].sort()).toEqual([3, 5, 7]);
      expect(covered.snapshots.size).toBe(2);
      expect(covered.noop.size).toBe(2);
      expect(covered.events).toBeGreaterThan(seeds.length * 1000);
    });
  }
});
