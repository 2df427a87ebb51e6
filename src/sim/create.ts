import { SimCluster, resolveOptions } from './cluster';
import { transportFactory } from './transports';
import type { Cluster, ClusterOptions } from './types';

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
