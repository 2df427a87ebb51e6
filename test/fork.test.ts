// Issue 10, "Continue from here" on the worker transport: a cluster built
// from a checkpoint with each worker re-created from the checkpoint's node
// state (its IndexedDB disk written with the durable part, its core resumed
// with the volatile part) has exactly the future that replaying the cut
// action log gives. In Node: the loopback port and fake-indexeddb.
//
//   npx vitest run test/fork.test.ts                    scripts 1..6
//   FORK_SCRIPTS=40 npx vitest run test/fork.test.ts
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import {
  createCluster,
  registerTransport,
  replayActions,
  restoreCluster,
  RunReplayer,
  type Cluster,
  type ClusterAction,
  type ClusterCheckpoint,
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
const seeds = one !== undefined ? [one] : Array.from({ length: envInteger('FORK_SCRIPTS') ?? 6 }, (_, i) => i + 1);

function shown(c: Cluster): string {
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

/** A different future from the fork point: time (the resumed nodes go on), every node restarted (each recovers its disk), a command, time. */
async function newFuture(c: Cluster): Promise<string[]> {
  const seen: string[] = [];
  await c.runFor(0);
  seen.push(shown(c));
  await c.runFor(400);
  seen.push(shown(c));
  for (const id of c.ids) await c.restart(id);
  await c.runFor(700);
  const leader = c.ids.find((id) => c.node(id).role === 'leader');
  if (leader !== undefined) await c.start(leader, 'forked=1');
  await c.crash(c.ids[0]!);
  await c.runFor(400);
  await c.restart(c.ids[0]!);
  await c.alignTimers();
  await c.runFor(600);
  return seen;
}

describe('Continue from here on the worker transport', () => {
  it.each(seeds)('script %i: the fork equals a replay of the cut log, then the same new actions', async (seed) => {
    // The original run, on the worker transport.
    const options = scriptOptions(seed, 'worker');
    const original = createCluster(options);
    await runScript(original, seed, 50);
    const actions = original.actions();
    const end = original.processed();
    await original.destroy();

    // Go back to a moment (by event count), and fork there.
    const cut = Math.floor(end * (0.3 + (seed % 5) / 10));
    const replayer = new RunReplayer(options, actions, { checkpointEvery: 200 });
    const moment = await replayer.seek({ after: cut });
    const checkpoint: ClusterCheckpoint = moment.checkpoint();
    const fork = restoreCluster(checkpoint, { transport: 'worker' });
    const forkSeen = await newFuture(fork);

    // What replaying the cut log gives, then the same new actions.
    const cutLog: ClusterAction[] = actions.filter((a) => a.after! <= cut);
    const reference = createCluster(options);
    await replayActions(reference, cutLog);
    await reference.runToPosition(cut, moment.now());
    const referenceTraceStart = reference.trace().length;
    const referenceSeen = await newFuture(reference);

    const where = `\n  options: ${JSON.stringify(options)}\n  cut after ${cut} events\n  replay: FUZZ_SEED=${seed} npx vitest run test/fork.test.ts`;
    expect(JSON.stringify(fork.trace()), `trace differs${where}`).toBe(JSON.stringify(reference.trace().slice(referenceTraceStart)));
    expect(forkSeen[0], `state at the fork differs${where}`).toBe(referenceSeen[0]);
    expect(forkSeen[1], `state 400 ms after the fork differs${where}`).toBe(referenceSeen[1]);
    expect(shown(fork), `state differs${where}`).toBe(shown(reference));
    await fork.destroy();
    await reference.destroy();
  });

  it('a node crashed at the checkpoint gets its disk written: restarted in the fork it recovers it', async () => {
    const c = createCluster({ nodes: 3, seed: 8 });
    await c.runFor(600);
    const leader = c.ids.find((id) => c.node(id).role === 'leader')!;
    await c.start(leader, 'a=1');
    await c.runFor(100);
    const follower = c.ids.find((id) => id !== leader)!;
    await c.crash(follower);
    const cp = c.checkpoint();
    const fork = restoreCluster(cp, { transport: 'worker' });
    expect(fork.node(follower).alive).toBe(false);
    await fork.restart(follower);
    await c.restart(follower);
    expect(fork.node(follower).log).toEqual(c.node(follower).log);
    expect(fork.node(follower).log.map((e) => e.command)).toEqual(['a=1']);
    await fork.runFor(500);
    await c.runFor(500);
    expect(shown(fork)).toBe(shown(c));
    await fork.destroy();
  });

  it('refuses a worker fork without the transport registered name… and bad options, naming them', () => {
    const c = createCluster({ nodes: 3 });
    const cp = c.checkpoint();
    expect(() => restoreCluster(cp, { transport: 'carrier' as 'worker' })).toThrow(/transport must be 'inline' or 'worker'/);
    expect(() => restoreCluster(cp, { storageKey: 'bad key!' })).toThrow(/storageKey must be/);
    expect(() => restoreCluster(cp, null as unknown as object)).toThrow(/opts must be an object/);
  });
});
