import { SimCluster, resolveOptions } from './cluster';
import { checkCheckpoint, type ClusterCheckpoint } from './checkpoint';
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

/**
 * Builds an inline cluster from a checkpoint (`Cluster.checkpoint()`): it
 * stands exactly where the checkpointed cluster stood — the same clock,
 * position (processed()), node views, in-flight messages, links, network
 * settings, stats, applied lists and actions() — and the same further calls
 * give exactly the same future. Its trace() holds only events after the
 * checkpoint (the checkpoint's traceLength came before). Throws an Error
 * naming the bad field if `checkpoint` is malformed. The checkpoint is not
 * changed and can be restored any number of times.
 */
export function restoreCluster(checkpoint: ClusterCheckpoint): Cluster {
  const cp = checkCheckpoint(checkpoint, 'checkpoint');
  const cluster = new SimCluster(resolveOptions({ ...cp.options, transport: 'inline', storageKey: undefined }));
  cluster.load(cp);
  return cluster;
}
