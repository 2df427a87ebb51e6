/**
 * In-page benchmarks (run in Chromium by `npm run bench`): the worker
 * transport's delivered messages per second, batched (the default) and
 * unbatched (one message per input, the dispatch before batching), beside
 * baselines measured in the same page: a raw postMessage round-trip loop to
 * an echo worker, a raw lock-step IndexedDB commit loop, and the origin's
 * IndexedDB commit rate with one writer per node — from which the ceiling
 * that Figure 2's durability rule puts on any transport is computed.
 */
import { createCluster, registerTransport, type NetworkOptions } from '../sim';
import { workerTransport } from './index';
import { timeLockStepCommits } from './idb-commit-loop';
import { spawnEchoWorker } from './spawn';

export interface TransportBench {
  /** Messages delivered per wall-second by the worker transport, no client load (heartbeats: nothing to persist). */
  workerIdleDeliveredPerSec: number;
  /** Messages delivered per wall-second by the worker transport under client load (every append persisted to IndexedDB). */
  workerDeliveredPerSec: number;
  /** The same with the app's default network (15–25 ms delays: a wider lookahead, so more nodes work at once). */
  workerAppNetworkDeliveredPerSec: number;
  /** Messages delivered per wall-second by the inline transport, same load. */
  inlineDeliveredPerSec: number;
  /** Lock-step postMessage round trips per wall-second to an echo worker. */
  rawRoundTripsPerSec: number;
  /** workerIdleDeliveredPerSec / rawRoundTripsPerSec. */
  idleRatio: number;
  /** workerDeliveredPerSec / rawRoundTripsPerSec. */
  ratio: number;
  /** workerIdleDeliveredPerSec with batching off (one postMessage per input: the dispatch before batching). */
  workerUnbatchedIdleDeliveredPerSec: number;
  /** workerDeliveredPerSec with batching off. */
  workerUnbatchedDeliveredPerSec: number;
  /** workerAppNetworkDeliveredPerSec with batching off. */
  workerUnbatchedAppNetworkDeliveredPerSec: number;
  /** workerAppNetworkDeliveredPerSec / rawRoundTripsPerSec. */
  appNetworkRatio: number;
  /**
   * Client load, 1–10 ms delays: wall ms per command (one `start` and a 5
   * virtual ms `runFor`), and how they split — the proposal's round trip
   * (one IndexedDB commit at the leader before it answers) and the run.
   */
  workerMsPerCommand: number;
  workerStartMsPerCommand: number;
  /** The same split with the app network (15–25 ms delays). */
  workerAppNetworkMsPerCommand: number;
  workerAppNetworkStartMsPerCommand: number;
  /**
   * Messages delivered per command (per 5 virtual ms), inline, the same
   * load: with 15–25 ms delays the leader sends fewer, larger AppendEntries
   * (it waits for acknowledgements), so fewer messages carry the same
   * entries — which is why delivered/s is lower on the app network.
   */
  messagesPerCommand: number;
  appNetworkMessagesPerCommand: number;
  /** Lock-step IndexedDB readwrite transactions (one small put, relaxed durability) per wall-second, on the main thread. */
  rawIdbCommitsPerSec: number;
  /**
   * IndexedDB commits per wall-second for the whole origin with one writer
   * per node at once (5 workers, each lock-step on its own database, as the
   * nodes' disks are). Chromium commits an origin's transactions one after
   * another, so this barely grows with the number of writers.
   */
  originIdbCommitsPerSec: number;
  /**
   * Client load, 1–10 ms delays, counted on the inline run (the same
   * history): messages delivered per commit at a follower. Figure 2: a
   * follower persists before it acknowledges, and with one append in flight
   * per follower (src/raft/progress.ts) its next news comes only after its
   * answer — so no two of its commits can ever be merged, by any transport.
   */
  deliveredPerFollowerCommit: number;
  appNetworkDeliveredPerFollowerCommit: number;
  /**
   * The most any transport that keeps Figure 2's rule on this origin's
   * IndexedDB could deliver per wall-second under this load, even if
   * messaging, the engine and the leader's own disk (thesis §10.2.1) cost
   * nothing: originIdbCommitsPerSec × deliveredPerFollowerCommit.
   */
  workerDurabilityCeilingPerSec: number;
  workerAppNetworkDurabilityCeilingPerSec: number;
}

interface LoadFigures {
  deliveredPerSec: number;
  msPerCommand: number;
  startMsPerCommand: number;
  messagesPerCommand: number;
  /** Commits at followers (persist events of nodes other than the leader) per delivered message's worth: delivered / those commits. */
  deliveredPerFollowerCommit: number;
}

async function underLoad(
  transport: 'inline' | 'worker',
  virtualMs: number,
  load = true,
  network: NetworkOptions = {},
): Promise<LoadFigures> {
  const cluster = createCluster({ nodes: 5, seed: 11, transport, network });
  let delivered = 0;
  let followerCommits = 0;
  let leader = 0;
  cluster.subscribe((e) => {
    if (e.kind === 'deliver') delivered++;
    else if (e.kind === 'persist' && e.node !== leader) followerCommits++;
  });
  await cluster.runFor(1000);
  leader = cluster.ids.find((id) => cluster.node(id).role === 'leader') ?? 1;
  delivered = 0;
  followerCommits = 0;
  let commands = 0;
  let startMs = 0;
  const t0 = performance.now();
  for (let t = 0, n = 0; t < virtualMs; t += 5, n++) {
    if (load) {
      const s0 = performance.now();
      await cluster.start(leader, `k${n % 50}=${n}`);
      startMs += performance.now() - s0;
    }
    await cluster.runFor(5);
    commands++;
  }
  const ms = performance.now() - t0;
  await cluster.destroy();
  return {
    deliveredPerSec: delivered / (ms / 1000),
    msPerCommand: ms / commands,
    startMsPerCommand: startMs / commands,
    messagesPerCommand: delivered / commands,
    deliveredPerFollowerCommit: followerCommits === 0 ? Infinity : delivered / followerCommits,
  };
}

/** Runs `fn` with the worker transport's batching switched to `batching`, then restores the default. */
async function withBatching<T>(batching: boolean, fn: () => Promise<T>): Promise<T> {
  registerTransport('worker', workerTransport(undefined, { batching }));
  try {
    return await fn();
  } finally {
    registerTransport('worker', workerTransport());
  }
}

async function rawRoundTrips(count: number): Promise<number> {
  const worker = spawnEchoWorker();
  const payload = {
    type: 'AppendEntries',
    from: 1,
    to: 2,
    term: 3,
    prevLogIndex: 10,
    prevLogTerm: 3,
    entries: [{ index: 11, term: 3, command: 'k=v' }],
    leaderCommit: 10,
  };
  const once = () =>
    new Promise<void>((resolve) => {
      worker.onmessage = () => resolve();
      worker.postMessage(payload);
    });
  for (let i = 0; i < 200; i++) await once(); // warm-up
  const t0 = performance.now();
  for (let i = 0; i < count; i++) await once();
  const seconds = (performance.now() - t0) / 1000;
  worker.terminate();
  return count / seconds;
}

/** Lock-step IndexedDB commits: what one persisted input costs at least, whatever the transport does. */
async function rawIdbCommits(count: number): Promise<number> {
  const r = await timeLockStepCommits(`raftlab-bench-idb-${Math.random().toString(36).slice(2)}`, count, 50);
  return r.count / (r.ms / 1000);
}

/**
 * The origin's IndexedDB commits per second with `writers` lock-step writers
 * at once, each in its own worker on its own database (as the nodes' disks).
 */
async function originIdbCommits(writers: number, count: number): Promise<number> {
  const workers = Array.from({ length: writers }, () => spawnEchoWorker());
  const tag = Math.random().toString(36).slice(2);
  try {
    const t0 = performance.now();
    await Promise.all(
      workers.map(
        (worker, i) =>
          new Promise<void>((resolve, reject) => {
            worker.onmessage = (ev: MessageEvent<{ error?: string }>) =>
              ev.data.error ? reject(new Error(`IndexedDB bench worker: ${ev.data.error}`)) : resolve();
            worker.postMessage({ benchIdbCommits: { dbName: `raftlab-bench-origin-${tag}-${i}`, count } });
          }),
      ),
    );
    return (writers * count) / ((performance.now() - t0) / 1000);
  } finally {
    for (const w of workers) w.terminate();
  }
}

export async function benchTransport(virtualMs = 2000): Promise<TransportBench> {
  const rawRoundTripsPerSec = await rawRoundTrips(5000);
  const rawIdbCommitsPerSec = await rawIdbCommits(500);
  const originIdbCommitsPerSec = await originIdbCommits(5, 300);
  const appNetwork: NetworkOptions = { delayMs: [15, 25] };
  const idle = await underLoad('worker', virtualMs * 10, false);
  const client = await underLoad('worker', virtualMs);
  const app = await underLoad('worker', virtualMs, true, appNetwork);
  const unbatched = await withBatching(false, async () => ({
    idle: await underLoad('worker', virtualMs * 10, false),
    client: await underLoad('worker', virtualMs),
    app: await underLoad('worker', virtualMs, true, appNetwork),
  }));
  const inline = await underLoad('inline', virtualMs * 5);
  const inlineApp = await underLoad('inline', virtualMs * 5, true, appNetwork);
  return {
    workerIdleDeliveredPerSec: idle.deliveredPerSec,
    idleRatio: idle.deliveredPerSec / rawRoundTripsPerSec,
    workerDeliveredPerSec: client.deliveredPerSec,
    workerAppNetworkDeliveredPerSec: app.deliveredPerSec,
    inlineDeliveredPerSec: inline.deliveredPerSec,
    rawRoundTripsPerSec,
    ratio: client.deliveredPerSec / rawRoundTripsPerSec,
    workerUnbatchedIdleDeliveredPerSec: unbatched.idle.deliveredPerSec,
    workerUnbatchedDeliveredPerSec: unbatched.client.deliveredPerSec,
    workerUnbatchedAppNetworkDeliveredPerSec: unbatched.app.deliveredPerSec,
    appNetworkRatio: app.deliveredPerSec / rawRoundTripsPerSec,
    workerMsPerCommand: client.msPerCommand,
    workerStartMsPerCommand: client.startMsPerCommand,
    workerAppNetworkMsPerCommand: app.msPerCommand,
    workerAppNetworkStartMsPerCommand: app.startMsPerCommand,
    messagesPerCommand: inline.messagesPerCommand,
    appNetworkMessagesPerCommand: inlineApp.messagesPerCommand,
    rawIdbCommitsPerSec,
    originIdbCommitsPerSec,
    deliveredPerFollowerCommit: inline.deliveredPerFollowerCommit,
    appNetworkDeliveredPerFollowerCommit: inlineApp.deliveredPerFollowerCommit,
    workerDurabilityCeilingPerSec: originIdbCommitsPerSec * inline.deliveredPerFollowerCommit,
    workerAppNetworkDurabilityCeilingPerSec: originIdbCommitsPerSec * inlineApp.deliveredPerFollowerCommit,
  };
}
