// Issue 14's property: export a Raft Lab run to the trace format, import it,
// and the views' state at every point between events equals the original's —
// for random fault schedules on 3, 5 and 7 nodes (crashes, restarts,
// partitions, loss, duplication, snapshots), with and without the issue-13
// extensions (membership changes, transfers).
//
//   TRACE_SCHEDULES=200 npx vitest run test/trace/roundtrip.test.ts
import { describe, expect, it } from 'vitest';
import type { ClusterEvent, NodeView } from '../../src/sim';
import { exportNdjson, importTrace, TraceCluster } from '../../src/trace';
import { envInteger, Schedule } from '../support/fuzz-schedule';

const SCHEDULES = envInteger('TRACE_SCHEDULES') ?? 24;
const STEPS = 60;

/** What the trace format carries of a node (docs/trace-format.md, "What a trace shows"). */
function shown(v: NodeView) {
  return {
    alive: v.alive,
    role: v.role,
    term: v.term,
    votedFor: v.votedFor,
    commitIndex: v.commitIndex,
    lastApplied: v.lastApplied,
    snapshotIndex: v.snapshotIndex,
    snapshotTerm: v.snapshotTerm,
    log: v.log.map((e) => `${e.index}@${e.term}:${e.command}`),
  };
}

interface Point {
  /** Cluster events before it. */
  readonly events: number;
  readonly views: Map<number, ReturnType<typeof shown>>;
  readonly inFlight: number;
  readonly now: number;
}

async function record(seed: number, extensions: boolean) {
  const schedule = new Schedule(seed, 'inline', extensions);
  const cluster = schedule.cluster;
  const points: Point[] = [];
  const snap = (): void => {
    points.push({
      events: cluster.trace().length,
      views: new Map(cluster.ids.map((id) => [id, shown(cluster.node(id))])),
      inFlight: cluster.inFlight().length,
      now: cluster.now(),
    });
  };
  snap();
  for (let i = 0; i < STEPS; i++) {
    await schedule.randomAction();
    snap();
  }
  const events = cluster.trace().slice();
  const ids = [...new Set([...cluster.ids, ...events.flatMap((e) => ('node' in e && typeof e.node === 'number' ? [e.node] : []))])];
  await cluster.destroy();
  return { points, events, ids, options: schedule.options };
}

/** Trace events written for the first k cluster events, for every k. */
function exportedCounts(ids: readonly number[], events: readonly ClusterEvent[]): number[] {
  const counts = [0];
  for (let k = 1; k <= events.length; k++) {
    counts.push(
      exportNdjson(ids, events.slice(k - 1, k))
        .trim()
        .split('\n').length -
        1 +
        counts[k - 1]!,
    );
  }
  return counts;
}

describe('export, import: the same views at every point (3, 5, 7 nodes)', () => {
  const seeds = Array.from({ length: SCHEDULES }, (_, i) => i + 1);
  it.each(seeds)('schedule %i', async (seed) => {
    const run = await record(seed, seed % 3 === 0);
    const text = exportNdjson(run.ids, run.events, `seed ${seed}`);
    const trace = importTrace(text);
    expect(trace.format).toBe('raftlab');
    expect(trace.problems).toEqual([]);
    const counts = exportedCounts(run.ids, run.events);
    const played = new TraceCluster(trace);
    for (const point of run.points) {
      await played.runToPosition(counts[point.events]!, point.now);
      for (const [id, view] of point.views) {
        expect(shown(played.node(id)), `seed ${seed}, node ${id}, after ${point.events} events`).toEqual(view);
      }
      expect(played.inFlight().length, `seed ${seed}: messages in flight after ${point.events} events`).toBe(point.inFlight);
    }
  });

  it('covers 3, 5 and 7 nodes', () => {
    const sizes = new Set(seeds.map((seed) => new Schedule(seed).options.nodes));
    expect([...sizes].sort()).toEqual([3, 5, 7]);
  });
});
