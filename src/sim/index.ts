/**
 * The headless cluster API (a contract: see README.md, "Headless API").
 */
import { SimCluster, resolveOptions } from './cluster';
import { transportFactory } from './transports';
import type { Cluster, ClusterOptions } from './types';

export type {
  Cluster,
  ClusterAction,
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
export { registerTransport, type Transport, type TransportFactory } from './transports';
export { MemoryStorage, EMPTY_STATE, type Storage } from './storage';
export { createRandom, deriveSeed } from './prng';
export { replayActions, applyAction } from './replay';
export type { NodeRuntime, NodeOutput, NodeSettings, ProposeOutput } from './runtime';
export { InlineRuntime, coreView, storedView, nodeSeed } from './runtime';

/**
 * Creates a cluster of `opts.nodes` Raft nodes (ids 1..n) with every node
 * booted and its election timer armed; virtual time starts at 0.
 * Throws an Error naming the bad option, before anything is built.
 */
export function createCluster(opts: ClusterOptions): Cluster {
  let options = resolveOptions(opts);
  let cluster: SimCluster;
  if (options.transport === 'worker') {
    const factory = transportFactory('worker');
    if (!factory) {
      throw new Error("transport 'worker' is not registered: import src/worker (it registers itself) before createCluster");
    }
    const transport = factory(options);
    if (transport.storageKey !== undefined) options = { ...options, storageKey: transport.storageKey };
    cluster = new SimCluster(options, transport.makeRuntime, transport.dispose ?? null, true);
  } else {
    cluster = new SimCluster(options);
  }
  cluster.boot();
  return cluster;
}
