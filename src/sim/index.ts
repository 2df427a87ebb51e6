/**
 * The headless cluster API (a contract: see README.md, "Headless API").
 */
import { SimCluster, resolveOptions } from './cluster';
import type { Cluster, ClusterOptions } from './types';

export type {
  Cluster,
  ClusterEvent,
  ClusterOptions,
  ClusterStats,
  DropReason,
  InFlightMessage,
  NetworkEvent,
  NetworkOptions,
  NodeView,
  StartResult,
} from './types';
export { TRACE_LIMIT, DEFAULT_NETWORK, SimCluster, resolveOptions, type RuntimeFactory } from './cluster';
export { MemoryStorage, EMPTY_STATE, type Storage } from './storage';
export { createRandom, deriveSeed } from './prng';
export type { NodeRuntime, NodeOutput, NodeSettings, ProposeOutput } from './runtime';
export { InlineRuntime, coreView, storedView, nodeSeed } from './runtime';

/**
 * Creates a cluster of `opts.nodes` Raft nodes (ids 1..n) with every node
 * booted and its election timer armed; virtual time starts at 0.
 * Throws an Error naming the bad option, before anything is built.
 */
export function createCluster(opts: ClusterOptions): Cluster {
  const options = resolveOptions(opts);
  if (options.transport === 'worker') {
    throw new Error("transport 'worker' is not available in this build yet; use 'inline'");
  }
  const cluster = new SimCluster(options);
  void cluster.boot();
  return cluster;
}
