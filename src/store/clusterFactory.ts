/**
 * The one place the lab makes a cluster. The transport is a single setting:
 * switching the whole UI to one Web Worker per node is the one-line change
 * of CLUSTER_TRANSPORT to 'worker' (src/main.tsx already imports src/worker
 * through src/expose.ts, which registers that transport).
 */
import { createCluster, type Cluster, type NetworkOptions } from '../sim';

/** Where the UI's nodes run. */
export const CLUSTER_TRANSPORT: 'inline' | 'worker' = 'inline';

export interface ClusterConfig {
  /** Cluster size; node ids are 1..nodes. */
  readonly nodes: number;
  /** Same seed + same actions ⇒ same history. */
  readonly seed: number;
  /** Compact a log holding more than this many entries past its snapshot (§7); 0 = never. */
  readonly snapshotThreshold: number;
}

/** Makes the lab's cluster; throws (naming the bad option) before anything is built. */
export function makeCluster(config: ClusterConfig, network: NetworkOptions): Cluster {
  return createCluster({
    nodes: config.nodes,
    seed: config.seed,
    transport: CLUSTER_TRANSPORT,
    network,
    snapshotThreshold: config.snapshotThreshold,
  });
}
