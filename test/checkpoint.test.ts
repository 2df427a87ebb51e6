// Issue 10, "Time travel": a checkpoint is the whole simulation between two
// events, and a cluster restored from one continues exactly as the original
// did — the same trace suffix, node views and actions for the same further
// actions — over random scripts (3/5/7 nodes, snapshots and no-op on and
// off, actions between step()s, at shared milliseconds, from subscribers).
//
//   npx vitest run test/checkpoint.test.ts                 scripts 1..40
//   CHECKPOINT_SCRIPTS=300 npx vitest run test/checkpoint.test.ts
//   FUZZ_SEED=9 npx vitest run test/checkpoint.test.ts     one script
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import {
  createCluster,
  registerTransport,
  replayActions,
  restoreCluster,
  type Cluster,
  type ClusterCheckpoint,
  type ClusterOptions,
} from '../src/sim';
import { createLoopbackPort, IdbStorage, workerTransport } from '../src/worker';
import { envInteger } from './support/fuzz-schedule';
import { runScript, scriptOptions } from './support/replay-script';

registerTransport(
  'worker',
  workerTransport(() => createLoopbackPort({ openStorage: (name) => IdbStorage.open(name) })),
);

const one = envInteger('FUZZ_SEED');
const seeds = one !== undefined ? [one] : Array.from({ length: envInteger('CHECKPOINT_SCRIPTS') ?? 40 }, (_, i) => i + 1);
const STEPS = 60;

/** What a cluster shows now (everything but the trace). */
function state(c: Cluster): string {
  return JSON.stringify({
    now: c.now(),
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

describe('a restored checkpoint continues exactly as the original', () => {
  it.each(seeds)('script %i', async (seed) => {
    const options = scriptOptions(seed);
    const a = createCluster(options);
    const at = 10 + (seed % 40);
    let cp: ClusterCheckpoint | null = null;
    let then = '';
    await runScript(a, seed, STEPS, (i) => {
      if (i !== at) return;
      cp = a.checkpoint();
      then = state(a);
    });
    const checkpoint = cp as ClusterCheckpoint | null;
    if (!checkpoint) throw new Error('no checkpoint taken');
    // Structured-clonable: a clone restores the same as the original.
    const b = restoreCluster(structuredClone(checkpoint));
    expect(state(b), 'the restored cluster stands where the original stood').toBe(then);
    const rest = a.actions().slice(checkpoint.actions.length);
    await replayActions(b, rest);
    await b.runToPosition(a.processed(), a.now());
    const where = `\n  options: ${JSON.stringify(options)}\n  replay: FUZZ_SEED=${seed} npx vitest run test/checkpoint.test.ts`;
    expect(JSON.stringify(b.trace()), `trace suffix differs${where}`).toBe(JSON.stringify(a.trace().slice(checkpoint.traceLength)));
    expect(state(b), `state differs${where}`).toBe(state(a));
  });

  it('a checkpoint is immutable and can be restored again and again', async () => {
    const c = createCluster({ nodes: 5, seed: 4, snapshotThreshold: 3 });
    await c.runFor(600);
    const leader = c.ids.find((id) => c.node(id).role === 'leader')!;
    for (let i = 0; i < 8; i++) await c.start(leader, `k=${i}`);
    await c.step();
    const cp = c.checkpoint();
    expect(Object.isFrozen(cp)).toBe(true);
    expect(Object.isFrozen(cp.nodes[0]!.disk.entries)).toBe(true);
    const runs: string[] = [];
    for (let k = 0; k < 3; k++) {
      const r = restoreCluster(cp);
      await r.runFor(500);
      runs.push(JSON.stringify(r.trace()) + state(r));
    }
    expect(new Set(runs).size).toBe(1);
    await c.runFor(500);
    expect(JSON.stringify(c.trace().slice(cp.traceLength)) + state(c)).toBe(runs[0]);
  });

  it('a crashed node, a cut link and a lossy network survive the checkpoint', async () => {
    const c = createCluster({ nodes: 3, seed: 2, network: { dropRate: 0.2, duplicateRate: 0.2 } });
    await c.runFor(400);
    await c.crash(2);
    c.setLink(1, 3, false);
    await c.runFor(33);
    const r = restoreCluster(c.checkpoint());
    expect(r.node(2).alive).toBe(false);
    expect(r.linkUp(1, 3)).toBe(false);
    await r.restart(2);
    await c.restart(2);
    await r.runFor(700);
    await c.runFor(700);
    expect(state(r)).toBe(state(c));
  });
});

describe('checkpoint() and restoreCluster() refuse what they cannot do', () => {
  it('the worker transport cannot be checkpointed (its volatile state is in the workers)', async () => {
    const c = createCluster({ nodes: 3, transport: 'worker' });
    await c.runFor(10);
    expect(() => c.checkpoint()).toThrow(/checkpoint\(\) needs the inline transport/);
    await c.destroy();
  });

  it('not while a call is working', async () => {
    const c = createCluster({ nodes: 3 });
    let error = '';
    c.subscribe(() => {
      if (error) return;
      try {
        c.checkpoint();
      } catch (err) {
        error = (err as Error).message;
      }
    });
    await c.runFor(400);
    expect(error).toMatch(/while a call is working: await it first/);
  });

  it('a malformed checkpoint gets an Error naming the bad field', async () => {
    const c = createCluster({ nodes: 3, seed: 1 } satisfies ClusterOptions);
    await c.runFor(300);
    const good = c.checkpoint();
    const bad = (patch: (cp: Record<string, unknown>) => void): ClusterCheckpoint => {
      const cp = structuredClone(good) as unknown as Record<string, unknown>;
      patch(cp);
      return cp as unknown as ClusterCheckpoint;
    };
    expect(() => restoreCluster(null as unknown as ClusterCheckpoint)).toThrow(
      /^checkpoint must be an object made by Cluster.checkpoint\(\), got null/,
    );
    expect(() => restoreCluster(bad((cp) => (cp.format = 2)))).toThrow(/checkpoint.format must be 1, got 2/);
    expect(() => restoreCluster(bad((cp) => (cp.options = { nodes: 0 })))).toThrow(/checkpoint.options: nodes/);
    expect(() => restoreCluster(bad((cp) => (cp.clock = -1)))).toThrow(/checkpoint.clock must be a finite virtual time/);
    expect(() => restoreCluster(bad((cp) => (cp.nodes as unknown[]).pop()))).toThrow(/checkpoint.nodes must have 3 items, got "2 items"/);
    expect(() => restoreCluster(bad((cp) => ((cp.nodes as Record<string, unknown>[])[1]!.timerGen = 'x')))).toThrow(
      /checkpoint.nodes\[1\].timerGen must be an integer >= 0/,
    );
    expect(() =>
      restoreCluster(
        bad((cp) => {
          const wire = (cp.network as { wire: { payload: { to: number } }[] }).wire;
          if (wire[0]) wire[0].payload.to = 9;
          else (cp.network as Record<string, unknown>).wire = [{ id: 1, seq: 0, payload: { from: 1, to: 9 }, deliverAt: 1 }];
        }),
      ),
    ).toThrow(/checkpoint.network.wire\[0\].payload.to must be a node id in 1..3, got 9/);
    expect(() => restoreCluster(bad((cp) => ((cp.timers as Record<string, unknown>[])[0]!.node = 4)))).toThrow(
      /checkpoint.timers\[0\].node must be a node id in 1..3/,
    );
  });
});
