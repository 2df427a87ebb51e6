/**
 * Seek benchmark (issue 10, "Time travel"): a 5-node run of 1, 5 and 10
 * virtual minutes (a client command every 500 virtual ms, a crash and a
 * restart every minute), recorded as options + action log; a RunReplayer
 * replays it once (its checkpoints), then random seeks — by event count and
 * by time — are timed, each to a fresh cluster at exactly that moment.
 * `npm run bench -- --seek-only` runs only this.
 */
import { performance } from 'node:perf_hooks';
import { createCluster, createRandom, RunReplayer, type ClusterOptions } from '../src/sim';

export interface SeekFigures {
  minutes: number;
  events: number;
  actions: number;
  checkpoints: number;
  /** The first pass (replaying the whole run once, taking checkpoints), wall ms. */
  prepareMs: number;
  seeks: number;
  medianMs: number;
  minMs: number;
  maxMs: number;
}

const OPTIONS: ClusterOptions = { nodes: 5, seed: 42 };

async function record(minutes: number) {
  const c = createCluster(OPTIONS);
  let n = 0;
  for (let t = 0; t < minutes * 60_000; t += 500) {
    await c.runFor(500);
    const leader = c.ids.find((id) => c.node(id).role === 'leader');
    if (leader !== undefined) await c.start(leader, `k${n % 20}=${n++}`);
    if (t % 60_000 === 30_000 && leader !== undefined) await c.crash(leader);
    if (t % 60_000 === 45_000) for (const id of c.ids) if (!c.node(id).alive) await c.restart(id);
  }
  const out = { actions: c.actions(), events: c.processed(), now: c.now() };
  await c.destroy();
  return out;
}

export async function benchSeek(seeks = 40, checkpointEvery = 2000): Promise<SeekFigures[]> {
  const out: SeekFigures[] = [];
  for (const minutes of [1, 5, 10]) {
    const run = await record(minutes);
    const replayer = new RunReplayer(OPTIONS, run.actions, { checkpointEvery });
    const t0 = performance.now();
    await replayer.seek({ after: run.events });
    const prepareMs = performance.now() - t0;
    const rng = createRandom(minutes);
    const times: number[] = [];
    for (let i = 0; i < seeks; i++) {
      const target = i % 2 === 0 ? { after: Math.floor(rng() * run.events) } : { at: Math.floor(rng() * run.now) };
      const s = performance.now();
      const c = await replayer.seek(target);
      c.ids.forEach((id) => c.node(id)); // what a view reads
      times.push(performance.now() - s);
    }
    times.sort((a, b) => a - b);
    out.push({
      minutes,
      events: run.events,
      actions: run.actions.length,
      checkpoints: replayer.checkpoints.length,
      prepareMs,
      seeks,
      medianMs: times[Math.floor(times.length / 2)]!,
      minMs: times[0]!,
      maxMs: times[times.length - 1]!,
    });
  }
  return out;
}
