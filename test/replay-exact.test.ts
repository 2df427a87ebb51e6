// Issue 10, "A run is data": options + seed + the action log rebuild the very
// same run. Every recorded action carries its exact position (`after`: the
// events taken before it, beside `at`), so replayActions rebuilds the same
// trace event for event, the same node views, the same action log — for
// actions between runFor calls, between single step()s, at the millisecond of
// a due event, after runUntil stopped, from inside a subscriber, on the inline
// and the worker transport (Node loopback + fake-indexeddb).
//
//   npx vitest run test/replay-exact.test.ts                    scripts 1..80 inline, 1..8 worker
//   REPLAY_SCRIPTS=500 REPLAY_WORKER_SCRIPTS=40 npx vitest run test/replay-exact.test.ts
//   FUZZ_SEED=17 npx vitest run test/replay-exact.test.ts       one script
//   REPLAY_STEPS=200 …                                          longer scripts (default 60 steps)
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import {
  createCluster,
  createRandom,
  registerTransport,
  replayActions,
  type Cluster,
  type ClusterAction,
  type ClusterOptions,
} from '../src/sim';
import { createLoopbackPort, IdbStorage, workerTransport } from '../src/worker';
import { envInteger } from './support/fuzz-schedule';
import { runScript, scriptOptions } from './support/replay-script';

registerTransport(
  'worker',
  workerTransport(() =>
    createLoopbackPort({ openStorage: (name) => IdbStorage.open(name), jitterMs: () => (Math.random() < 0.1 ? 1 : 0) }),
  ),
);

const one = envInteger('FUZZ_SEED');
const STEPS = envInteger('REPLAY_STEPS') ?? 60;
const inlineSeeds = one !== undefined ? [one] : range(envInteger('REPLAY_SCRIPTS') ?? 80);
const workerSeeds = one !== undefined ? [one] : range(envInteger('REPLAY_WORKER_SCRIPTS') ?? 8);

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1);
}

/** Everything observable about a run, as JSON strings. */
function observe(c: Cluster): { trace: string; views: string; actions: string; rest: string } {
  return {
    trace: JSON.stringify(c.trace()),
    views: JSON.stringify(c.ids.map((id) => c.node(id))),
    actions: JSON.stringify(c.actions()),
    rest: JSON.stringify({
      now: c.now(),
      processed: c.processed(),
      inFlight: c.inFlight(),
      stats: c.stats(),
      applied: c.ids.map((id) => c.applied(id)),
      links: c.ids.map((a) => c.ids.map((b) => c.linkUp(a, b))),
      plugged: c.ids.map((id) => c.connected(id)),
    }),
  };
}

function firstDifference(a: string, b: string): string {
  const x = JSON.parse(a) as unknown[];
  const y = JSON.parse(b) as unknown[];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const p = JSON.stringify(x[i]);
    const q = JSON.stringify(y[i]);
    if (p !== q) return `event ${i}:\n  original: ${p}\n  replay:   ${q}`;
  }
  return 'equal';
}

/** Replays `actions` on a fresh cluster and brings it to the original's final position. */
async function replayed(
  options: ReturnType<typeof scriptOptions>,
  actions: readonly ClusterAction[],
  end: { processed: number; now: number },
): Promise<Cluster> {
  const copy = createCluster(options);
  await replayActions(copy, actions);
  await copy.runToPosition(end.processed, end.now);
  return copy;
}

async function checkScript(seed: number, original: 'inline' | 'worker', replay: 'inline' | 'worker'): Promise<void> {
  const options = scriptOptions(seed, original);
  const a = createCluster(options);
  const script = await runScript(a, seed, STEPS);
  const want = observe(a);
  const actions = a.actions();
  const end = { processed: a.processed(), now: a.now() };
  await a.destroy();
  const b = await replayed({ ...options, transport: replay }, actions, end);
  const got = observe(b);
  await b.destroy();
  const where = `\n  options: ${JSON.stringify(options)}\n  script: ${script.slice(-12).join('; ')}\n  replay: FUZZ_SEED=${seed} npx vitest run test/replay-exact.test.ts`;
  expect(got.trace === want.trace ? 'equal' : firstDifference(want.trace, got.trace), `traces differ${where}`).toBe('equal');
  expect(got.views, `node views differ${where}`).toBe(want.views);
  expect(got.actions, `action logs differ${where}`).toBe(want.actions);
  expect(got.rest, `clock, position, wire or links differ${where}`).toBe(want.rest);
}

describe('replayActions rebuilds the very same run from the action log', () => {
  it.each(inlineSeeds)('inline script %i', async (seed) => {
    await checkScript(seed, 'inline', 'inline');
  });

  it.each(workerSeeds)('worker script %i, replayed on the worker transport and inline', async (seed) => {
    await checkScript(seed, 'worker', 'worker');
    await checkScript(seed, 'worker', 'inline');
  });

  it('the scripts cover what they claim: sizes, snapshots, no-op, actions at a shared millisecond', async () => {
    const sizes = new Set<number>();
    const snapshots = new Set<boolean>();
    const noop = new Set<boolean>();
    let sharedMs = 0;
    let kinds = new Set<string>();
    for (const seed of range(20)) {
      const options = scriptOptions(seed);
      sizes.add(options.nodes);
      snapshots.add(options.snapshotThreshold !== undefined);
      noop.add(options.leaderNoop === true);
      const c = createCluster(options);
      await runScript(c, seed, STEPS);
      const trace = c.trace();
      // An action in a millisecond in which a message was delivered.
      for (const action of c.actions()) {
        kinds.add(action.kind);
        const before = trace.some((e) => e.at === action.at && e.kind === 'deliver');
        if (before) sharedMs += 1;
      }
      await c.destroy();
    }
    kinds = new Set([...kinds].sort());
    expect([...sizes].sort()).toEqual([3, 5, 7]);
    expect(snapshots.size).toBe(2);
    expect(noop.size).toBe(2);
    expect(sharedMs).toBeGreaterThan(20);
    expect([...kinds]).toEqual(expect.arrayContaining(['alignTimers', 'spreadTimers', 'start', 'crash', 'restart', 'dropMessage']));
  });
});

describe('actions taken while a worker-transport run is in progress (the UI clicks between frames)', () => {
  /** A user acting on a wall-clock timer while runFor is awaiting the workers. */
  async function clicksDuringRuns(c: Cluster, seed: number): Promise<number> {
    const rng = createRandom(seed);
    let clicks = 0;
    for (let round = 0; round < 6; round++) {
      const run = c.runFor(300);
      let done = false;
      void run.then(() => (done = true));
      while (!done) {
        await new Promise((r) => setTimeout(r, 0));
        if (done) break;
        const roll = rng();
        const id = 1 + Math.floor(rng() * c.ids.length);
        const other = (id % c.ids.length) + 1;
        if (roll < 0.3) {
          const m = c.inFlight();
          if (m.length > 0) c.dropMessage(m[Math.floor(rng() * m.length)]!.id);
        } else if (roll < 0.5) c.setLink(id, other, rng() < 0.5);
        else if (roll < 0.65) c.disconnect(id);
        else if (roll < 0.8) c.connect(id);
        else if (roll < 0.9) c.heal();
        else c.setNetwork({ dropRate: rng() < 0.5 ? 0 : 0.1 });
        clicks += 1;
      }
      await run;
      const leader = c.ids.find((i) => c.node(i).role === 'leader');
      if (leader !== undefined) await c.start(leader, `r${round}=1`);
    }
    return clicks;
  }

  it.each([1, 2, 3])('seed %i: every click lands between two events, and replay (inline and worker) rebuilds the run', async (seed) => {
    const options: ClusterOptions = { nodes: 5, seed, transport: 'worker', network: { delayMs: [1, 4] } };
    const a = createCluster(options);
    const clicks = await clicksDuringRuns(a, seed);
    expect(clicks).toBeGreaterThan(3);
    const want = observe(a);
    const actions = a.actions();
    const end = { processed: a.processed(), now: a.now() };
    await a.destroy();
    for (const transport of ['inline', 'worker'] as const) {
      const b = await replayed({ ...options, transport }, actions, end);
      const got = observe(b);
      await b.destroy();
      expect(got.trace === want.trace ? 'equal' : firstDifference(want.trace, got.trace), `${transport} replay`).toBe('equal');
      expect(got.views).toBe(want.views);
      expect(got.rest).toBe(want.rest);
    }
  });
});

describe('what the position fixes', () => {
  /** Steps until a message is due in the millisecond just reached, then cuts its receiver's cable. */
  async function cutBetweenTwoEventsOfOneMillisecond(c: Cluster): Promise<void> {
    await c.runUntil(() => c.ids.some((id) => c.node(id).role === 'leader'), 2000);
    const leader = c.ids.find((id) => c.node(id).role === 'leader')!;
    await c.start(leader, 'x=1');
    for (let k = 0; k < 500; k++) {
      await c.step();
      const due = c.inFlight().find((m) => m.deliverAt === c.now());
      if (due) {
        c.disconnect(due.to);
        break;
      }
    }
    await c.runFor(300);
  }

  it('an action after a step(), with an event still due in that millisecond, replays exactly; by time alone it does not', async () => {
    const options = { nodes: 5, seed: 3, network: { delayMs: [2, 3] as [number, number] } };
    const a = createCluster(options);
    await cutBetweenTwoEventsOfOneMillisecond(a);
    const actions = a.actions();
    const disconnect = actions.find((x) => x.kind === 'disconnect')!;
    expect(disconnect.after).toBeGreaterThan(0);

    const exact = createCluster(options);
    await replayActions(exact, actions, a.now());
    expect(JSON.stringify(exact.trace())).toBe(JSON.stringify(a.trace()));

    // The same log without positions: the disconnect lands after every
    // event of its millisecond, so the message due then is delivered instead
    // of dropped, and the histories part.
    const byTime = createCluster(options);
    const stripped = actions.map(({ after: _after, ...rest }) => rest as ClusterAction);
    await replayActions(byTime, stripped, a.now());
    expect(JSON.stringify(byTime.trace())).not.toBe(JSON.stringify(a.trace()));
  });

  it('a recording without positions still replays by time (between runFor calls it is exact)', async () => {
    const a = createCluster({ nodes: 3, seed: 5 });
    await a.runFor(400);
    a.disconnect(2);
    await a.runFor(200);
    a.connect(2);
    await a.runFor(300);
    const old = a.actions().map(({ after: _after, ...rest }) => rest as ClusterAction);
    const b = createCluster({ nodes: 3, seed: 5 });
    await replayActions(b, old, a.now());
    expect(JSON.stringify(b.trace())).toBe(JSON.stringify(a.trace()));
  });

  it('refuses actions out of order or with a malformed position, naming the action', async () => {
    const c = createCluster({ nodes: 3 });
    await expect(
      replayActions(c, [
        { at: 10, after: 5, kind: 'heal' },
        { at: 10, after: 4, kind: 'heal' },
      ]),
    ).rejects.toThrow(/actions\[1\] \(heal after 4 events\) comes after an action after 5 events/);
    await expect(
      replayActions(c, [
        { at: 10, kind: 'heal' },
        { at: 9, kind: 'heal' },
      ]),
    ).rejects.toThrow(/actions\[1\] \(heal at 9 ms\)/);
    await expect(replayActions(c, [{ at: 1, after: -1, kind: 'heal' }])).rejects.toThrow(/actions\[0\]\.after must be an integer >= 0/);
    await expect(replayActions(c, [{ at: Number.NaN, kind: 'heal' }])).rejects.toThrow(/actions\[0\]\.at must be a finite number/);
    await expect(replayActions(c, 'nope' as unknown as ClusterAction[])).rejects.toThrow(/actions must be an array/);
    expect(c.actions()).toEqual([]);
  });

  it('runToPosition refuses a position the run is past, or one the queue cannot reach', async () => {
    const c = createCluster({ nodes: 3, seed: 1 });
    await c.runFor(500);
    await expect(c.runToPosition(0, 0)).rejects.toThrow(/already at \d+ events, 500 ms/);
    await expect(c.runToPosition(c.processed() + 1000, 501)).rejects.toThrow(/cannot run to position \(after \d+ events, at 501 ms\)/);
    await expect(c.runToPosition(1.5, 600)).rejects.toThrow(/after must be an integer/);
    await expect(c.runToPosition(2, -1)).rejects.toThrow(/at must be a finite number >= 0/);
  });

  it('an action from a subscriber, in the middle of an event, takes effect at the next point between events', async () => {
    const c = createCluster({ nodes: 3, seed: 2 });
    let positions: number[] = [];
    const off = c.subscribe((e) => {
      if (e.kind === 'send' && positions.length === 0) {
        positions = [c.processed()];
        c.disconnect(3);
        // Not yet: the event being handled finishes first.
        positions.push(c.connected(3) ? 1 : 0);
      }
    });
    await c.runFor(400);
    off();
    const action = c.actions()[0]!;
    expect(positions[1]).toBe(1);
    expect(action.after).toBe(positions[0]! + 1);
    expect(c.connected(3)).toBe(false);
  });
});
