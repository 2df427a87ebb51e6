// Issue 10, "Time travel": RunReplayer seeks a run (options + action log) to
// an exact moment — after N events, or at a virtual time — from the nearest
// earlier checkpoint. A seek lands on exactly the state a fresh replay to
// that point gives, and on what the original run showed there.
//
//   npx vitest run test/seek.test.ts                   scripts 1..25
//   SEEK_SCRIPTS=200 npx vitest run test/seek.test.ts
//   FUZZ_SEED=9 npx vitest run test/seek.test.ts       one script
import { describe, expect, it, vi } from 'vitest';
import { createCluster, replayActions, RunReplayer, type Cluster, type ClusterAction, type ClusterOptions } from '../src/sim';
import { createRandom } from '../src/sim';
import { envInteger } from './support/fuzz-schedule';
import { runScript, scriptOptions } from './support/replay-script';

const one = envInteger('FUZZ_SEED');
const seeds = one !== undefined ? [one] : Array.from({ length: envInteger('SEEK_SCRIPTS') ?? 25 }, (_, i) => i + 1);

/** What a cluster shows (no clock: a moment named by an event count has the clock of its last event or action). */
function shown(c: Cluster, withClock: boolean): string {
  return JSON.stringify({
    now: withClock ? c.now() : null,
    processed: c.processed(),
    views: c.ids.map((id) => c.node(id)),
    applied: c.ids.map((id) => c.applied(id)),
    inFlight: c.inFlight(),
    stats: c.stats(),
    network: c.network(),
    links: c.ids.map((a) => c.ids.map((b) => c.linkUp(a, b))),
    plugged: c.ids.map((id) => c.connected(id)),
    actions: c.actions(),
  });
}

/** The ground truth: a fresh cluster replaying the log to the moment. */
async function freshReplay(options: ClusterOptions, actions: readonly ClusterAction[], target: { after: number } | { at: number }) {
  const c = createCluster(options);
  if ('after' in target) {
    await replayActions(
      c,
      actions.filter((a) => a.after! <= target.after),
    );
    if (c.processed() < target.after) await c.runUntil(() => c.processed() >= target.after, 1e9);
  } else {
    await replayActions(
      c,
      actions.filter((a) => a.at <= target.at),
    );
    await c.runFor(target.at - c.now());
  }
  return c;
}

describe('RunReplayer.seek lands on the exact state', () => {
  it.each(seeds)('script %i: seeks by event count and by time, in random order', async (seed) => {
    const options = scriptOptions(seed);
    const a = createCluster(options);
    // What the original showed after each step, by event count: the last one wins (all actions at that count done).
    const seen = new Map<number, string>();
    await runScript(a, seed, 60, () => seen.set(a.processed(), shown(a, false)));
    seen.set(a.processed(), shown(a, false));
    const actions = a.actions();
    const end = { processed: a.processed(), now: a.now() };
    const replayer = new RunReplayer(options, actions, { checkpointEvery: 97 });
    const rng = createRandom(seed);
    const where = `\n  options: ${JSON.stringify(options)}\n  replay: FUZZ_SEED=${seed} npx vitest run test/seek.test.ts`;
    for (let k = 0; k < 8; k++) {
      const target: { after: number } | { at: number } =
        rng() < 0.5 ? { after: Math.floor(rng() * (end.processed + 1)) } : { at: Math.floor(rng() * (end.now + 1)) };
      const got = await replayer.seek(target);
      const want = await freshReplay(options, actions, target);
      expect(shown(got, true), `seek ${JSON.stringify(target)} differs from a fresh replay${where}`).toBe(shown(want, true));
      if ('after' in target && seen.has(target.after)) {
        expect(shown(got, false), `seek ${JSON.stringify(target)} differs from the original${where}`).toBe(seen.get(target.after));
      }
    }
    // The end of the run: what the original shows now.
    const last = await replayer.seek({ after: end.processed });
    expect(shown(last, false)).toBe(seen.get(end.processed));
    expect(replayer.checkpoints.length).toBeGreaterThanOrEqual(Math.floor(end.processed / 97));
  });

  it('a time seek to the very millisecond of a checkpoint takes the events still due in it', async () => {
    const options = scriptOptions(5);
    const a = createCluster(options);
    await runScript(a, 5, 60);
    const actions = a.actions();
    const replayer = new RunReplayer(options, actions, { checkpointEvery: 13 });
    await replayer.seek({ after: a.processed() });
    const times = [...new Set(replayer.checkpoints.map((cp) => cp.clock))].slice(1, 12);
    expect(times.length).toBeGreaterThan(5);
    for (const at of times) {
      const got = await replayer.seek({ at });
      const want = await freshReplay(options, actions, { at });
      expect(shown(got, true), `seek { at: ${at} }`).toBe(shown(want, true));
    }
  });

  it('a seek is a fork: continuing the sought cluster with the rest of the log gives the original run', async () => {
    const options = scriptOptions(3);
    const a = createCluster(options);
    await runScript(a, 3, 60);
    const actions = a.actions();
    const mid = actions[Math.floor(actions.length / 2)]!;
    const replayer = new RunReplayer(options, actions, { checkpointEvery: 50 });
    const fork = await replayer.seek({ after: mid.after! - 1 });
    await replayActions(
      fork,
      actions.filter((x) => x.after! > mid.after! - 1),
    );
    await fork.runToPosition(a.processed(), a.now());
    expect(shown(fork, true)).toBe(shown(a, true));
  });

  it('a log that grows as the run goes on (setActions), and what it refuses', async () => {
    const a = createCluster({ nodes: 3, seed: 6 });
    await a.runFor(300);
    a.disconnect(1);
    const replayer = new RunReplayer({ nodes: 3, seed: 6 }, a.actions());
    await a.runFor(300);
    a.connect(1);
    await a.runFor(300);
    replayer.setActions(a.actions());
    const got = await replayer.seek({ at: a.now() });
    expect(shown(got, true)).toBe(shown(a, true));

    expect(() => replayer.setActions([])).toThrow(/actions must extend the log given before: actions\[0\] differs/);
    expect(() => new RunReplayer({ nodes: 3 }, [{ at: 3, kind: 'heal' }])).toThrow(/actions\[0\] \(heal at 3 ms\) has no position/);
    expect(() => new RunReplayer({ nodes: 3 }, [], { checkpointEvery: 0 })).toThrow(/checkpointEvery must be an integer >= 1, got 0/);
    expect(() => new RunReplayer({ nodes: 3 }, [], { sliceMs: -1 })).toThrow(/sliceMs must be a number >= 0, got -1/);
    expect(() => new RunReplayer({ nodes: 0 })).toThrow(/nodes/);
    await expect(replayer.seek({ after: -1 })).rejects.toThrow(/target.after must be an integer >= 0, got -1/);
    await expect(replayer.seek({ at: Number.NaN })).rejects.toThrow(/target.at must be a finite number >= 0/);
    await expect(replayer.seek(null as unknown as { at: number })).rejects.toThrow(/target must be \{ after \} or \{ at \}/);
  });

  it('a long first pass lets the page breathe: it yields to the event loop between slices, with the same result (issue 12)', async () => {
    const a = createCluster({ nodes: 5, seed: 8 });
    await a.runFor(20_000);
    const ticksDuring = async (sliceMs: number) => {
      const replayer = new RunReplayer({ nodes: 5, seed: 8 }, a.actions(), { checkpointEvery: 200, sliceMs });
      let ticks = 0;
      let on = true;
      const tick = () => {
        ticks += 1;
        if (on) setTimeout(tick, 0);
      };
      setTimeout(tick, 0);
      const got = await replayer.seek({ at: a.now() });
      on = false;
      expect(shown(got, true)).toBe(shown(a, true));
      return ticks;
    };
    // Never yielding, the whole pass runs in one task (only microtasks): no timer gets in.
    expect(await ticksDuring(Infinity)).toBe(0);
    // A slice of 0 ms yields at every checkpoint: timers (frames, input) run in between.
    expect(await ticksDuring(0)).toBeGreaterThan(5);
  });

  it('its slices do not wait on timers: with timers faked (as some test suites do) a seek still ends', async () => {
    const a = createCluster({ nodes: 5, seed: 8 });
    await a.runFor(10_000);
    vi.useFakeTimers();
    try {
      const replayer = new RunReplayer({ nodes: 5, seed: 8 }, a.actions(), { checkpointEvery: 100, sliceMs: 0 });
      const got = await replayer.seek({ at: a.now() });
      expect(shown(got, true)).toBe(shown(a, true));
    } finally {
      vi.useRealTimers();
    }
  });
});
