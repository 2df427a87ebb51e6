/**
 * In-page benchmarks (run in Chromium by `npm run bench`): the worker
 * transport's delivered messages per second, beside a raw postMessage
 * round-trip loop to an echo worker measured in the same page.
 */
import { createCluster, type NetworkOptions } from '../sim';
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
}

async function deliveredPerSec(
  transport: 'inline' | 'worker',
  virtualMs: number,
  load = true,
  network: NetworkOptions = {},
): Promise<number> {
  const cluster = createCluster({ nodes: 5, seed: 11, transport, network });
  let delivered = 0;
  cluster.subscribe((e) => {
    if (e.kind === 'deliver') delivered++;
  });
  await cluster.runFor(1000);
  const leader = cluster.ids.find((id) => cluster.node(id).role === 'leader') ?? 1;
  delivered = 0;
  const t0 = performance.now();
  for (let t = 0, n = 0; t < virtualMs; t += 5, n++) {
    if (load) await cluster.start(leader, `k${n % 50}=${n}`);
    await cluster.runFor(5);
  }
  const seconds = (performance.now() - t0) / 1000;
  await cluster.destroy();
  return delivered / seconds;
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

export async function benchTransport(virtualMs = 2000): Promise<TransportBench> {
  const rawRoundTripsPerSec = await rawRoundTrips(5000);
  const workerIdleDeliveredPerSec = await deliveredPerSec('worker', virtualMs * 10, false);
  const workerDeliveredPerSec = await deliveredPerSec('worker', virtualMs);
  const workerAppNetworkDeliveredPerSec = await deliveredPerSec('worker', virtualMs, true, { delayMs: [15, 25] });
  const inlineDeliveredPerSec = await deliveredPerSec('inline', virtualMs * 5);
  return {
    workerIdleDeliveredPerSec,
    idleRatio: workerIdleDeliveredPerSec / rawRoundTripsPerSec,
    workerDeliveredPerSec,
    workerAppNetworkDeliveredPerSec,
    inlineDeliveredPerSec,
    rawRoundTripsPerSec,
    ratio: workerDeliveredPerSec / rawRoundTripsPerSec,
  };
}
