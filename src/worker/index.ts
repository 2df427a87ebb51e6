/**
 * The worker transport: each node in its own Web Worker with its disk on
 * IndexedDB. Importing this module registers `transport: 'worker'` with
 * createCluster (src/sim stays free of upward imports).
 */
import { registerTransport, type Transport, type TransportFactory } from '../sim';
import { databaseName, databasePrefix, deleteDatabase } from './idb-storage';
import type { NodePort } from './runtime';
import { DEFAULT_ANSWER_TIMEOUT_MS, WorkerRuntime } from './runtime';
import { holdLock } from './locks';
import { spawnNodeWorker } from './spawn';

export { IdbStorage, databaseName, deleteDatabase } from './idb-storage';
export { WorkerRuntime, DEFAULT_ANSWER_TIMEOUT_MS, type NodePort } from './runtime';
export { createLoopbackPort } from './loopback';
export { createNodeHost } from './host';
export * from './protocol';

/**
 * A fresh storage key, unique across tabs and page loads. Its `c-` prefix
 * marks disks the lab named itself, which a later tab may sweep once no tab
 * holds them (session.ts); a storageKey a caller chooses is never swept.
 */
export function freshStorageKey(): string {
  const random = globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  return `c-${random}`;
}

/** Deletes every node database of the cluster stored under `storageKey` ("Reset cluster"). */
export async function deleteClusterStorage(storageKey: string, nodes: number, factory: IDBFactory = indexedDB): Promise<void> {
  const names = new Set(Array.from({ length: nodes }, (_, i) => databaseName(storageKey, i + 1)));
  // Nodes added later (addNode) have databases past `nodes`: list them where the browser can.
  if (typeof factory.databases === 'function') {
    const prefix = databasePrefix(storageKey);
    for (const db of await factory.databases().catch(() => [])) {
      if (db.name?.startsWith(prefix) && /^\d+$/.test(db.name.slice(prefix.length))) names.add(db.name);
    }
  }
  await Promise.all([...names].map((name) => deleteDatabase(name, factory)));
}

/** How the worker transport drives its workers (internal: tests and benchmarks, not a cluster option). */
export interface WorkerTransportOptions {
  /**
   * Batched dispatch (default true): each worker gets everything its
   * dispatch window allows in one message and commits it in one IndexedDB
   * transaction. false: one message per input (the unbatched dispatch,
   * kept to show both give the same history, and as a benchmark baseline).
   */
  batching?: boolean;
}

/**
 * Makes a worker transport from a port factory: real workers by default; the
 * loopback port in Node tests. A cluster with no storageKey gets fresh
 * databases, deleted again by destroy().
 */
export function workerTransport(
  makePort: (name: string) => NodePort = spawnNodeWorker,
  transportOptions: WorkerTransportOptions = {},
): TransportFactory {
  const batching = transportOptions.batching ?? true;
  return (options): Transport => {
    const ephemeral = options.storageKey === '';
    const storageKey = ephemeral ? freshStorageKey() : options.storageKey;
    // While the cluster runs its disks are in use: no other tab may sweep them.
    const release = holdLock(storageKey);
    /** The highest node id given a disk (addNode creates more than `options.nodes`). */
    let highest = options.nodes;
    return {
      storageKey,
      makeRuntime: (settings, disk) => {
        highest = Math.max(highest, settings.id);
        return new WorkerRuntime(settings, disk, makePort(`raft node ${settings.id}`), DEFAULT_ANSWER_TIMEOUT_MS, batching);
      },
      dispose: async () => {
        if (ephemeral) await deleteClusterStorage(storageKey, highest);
        release();
      },
    };
  };
}

registerTransport('worker', workerTransport());
