/**
 * One fuzz schedule run and recorded for comparison with another run of the
 * same seed (test/equivalence.test.ts: inline against worker;
 * test/worker/batching.test.ts: batched against unbatched).
 */
import type { ClusterEvent } from '../../src/sim';
import type { Schedule } from './fuzz-schedule';

export interface RecordedRun {
  readonly trace: readonly ClusterEvent[];
  readonly views: string;
  readonly actions: string;
  /** 'converged', or the error the schedule ended with. */
  readonly outcome: string;
  readonly options: Schedule['options'];
}

/**
 * Takes `steps` random actions on `s`, calls `beforeSettle`, lets the
 * cluster settle, records its trace, views and action log, and destroys it.
 */
export async function recordRun(s: Schedule, steps: number, beforeSettle: () => void = () => undefined): Promise<RecordedRun> {
  let outcome = 'converged';
  try {
    for (let step = 0; step < steps; step++) await s.randomAction();
    beforeSettle();
    await s.settle();
  } catch (err) {
    outcome = err instanceof Error ? err.message : String(err);
  }
  const run: RecordedRun = {
    trace: s.cluster.trace(),
    views: JSON.stringify(s.cluster.ids.map((id) => s.cluster.node(id))),
    actions: JSON.stringify(s.cluster.actions()),
    outcome,
    options: s.options,
  };
  await s.cluster.destroy();
  return run;
}
