// Shared test data for the worker protocol and host tests.
import { registerTransport } from '../../src/sim';
import { createLoopbackPort, IdbStorage, workerTransport, type WorkerNodeSettings } from '../../src/worker';

/** Node 1 of a 5-node cluster, with `patch` applied. */
export function workerSettings(patch: Partial<WorkerNodeSettings> = {}): WorkerNodeSettings {
  return {
    id: 1,
    nodes: [1, 2, 3, 4, 5],
    electionTimeoutMs: [150, 300],
    heartbeatMs: 50,
    snapshotThreshold: 0,
    leaderNoop: false,
    faults: [],
    seed: 7,
    dbName: 'raftlab:t:node-1',
    voters: [1, 2, 3, 4, 5],
    preVote: false,
    checkQuorum: false,
    ...patch,
  };
}

/**
 * Registers the worker transport over the in-process loopback port with
 * IndexedDB disks (fake-indexeddb, imported by the test file first): the
 * real host code, as in a worker, with disks that outlive a cluster.
 */
export function registerLoopbackIdbTransport(): void {
  registerTransport(
    'worker',
    workerTransport(() => createLoopbackPort({ openStorage: (name) => IdbStorage.open(name) })),
  );
}
