/**
 * The one place the lab makes a cluster. In the browser the app runs every
 * node in its own Web Worker with its disk in IndexedDB (src/main.tsx sets
 * `transport: 'worker'` and a storage key); tests and environments without
 * workers use the inline transport, the default here.
 */
import { createCluster, type Cluster, type NetworkOptions } from '../sim';

/** Where the UI's nodes run unless the lab is told otherwise. */
export const CLUSTER_TRANSPORT: 'inline' | 'worker' = 'inline';

export interface ClusterConfig {
  /** Cluster size; node ids are 1..nodes. */
  readonly nodes: number;
  /** Same seed + same actions ⇒ same history. */
  readonly seed: number;
  /** Compact a log holding more than this many entries past its snapshot (§7); 0 = never. */
  readonly snapshotThreshold: number;
  /** Where the nodes run (default CLUSTER_TRANSPORT). */
  readonly transport?: 'inline' | 'worker';
  /** Worker transport: names the IndexedDB disks; the same key resumes them. */
  readonly storageKey?: string;
}

/**
 * The lab's disks, when nodes run in workers: which ones this tab owns, and
 * how to wipe them and get fresh ones ("Reset cluster").
 */
export interface LabStorage {
  readonly storageKey: string;
  /** True when the cluster was resumed from disks left by an earlier page load. */
  readonly resumed: boolean;
  /**
   * Takes fresh disks for `next` and makes them the tab's. The disks they
   * replace are wiped by `wipeReplaced`, to be called only once the cluster
   * running on them is destroyed: a worker still booting would otherwise
   * create its database again after the delete, and it would never go away.
   */
  reset(next: { nodes: number; seed: number }): Promise<{ storageKey: string; wipeReplaced: () => Promise<void> }>;
}

/** Makes the lab's cluster; throws (naming the bad option) before anything is built. */
export function makeCluster(config: ClusterConfig, network: NetworkOptions): Cluster {
  return createCluster({
    nodes: config.nodes,
    seed: config.seed,
    transport: config.transport ?? CLUSTER_TRANSPORT,
    ...(config.storageKey ? { storageKey: config.storageKey } : {}),
    network,
    snapshotThreshold: config.snapshotThreshold,
  });
}
