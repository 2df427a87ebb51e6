import { SimCluster, resolveOptions } from './cluster';
import { checkCheckpoint, type ClusterCheckpoint } from './checkpoint';
import { transportFactory } from './transports';
import type { Cluster, ClusterOptions, ResolvedClusterOptions, ResumedMembership } from './types';
import { checkInteger, describe } from './validate';

/**
 * Creates a cluster of `opts.nodes` Raft nodes (ids 1..n) with every node
 * booted and its election timer armed; virtual time starts at 0.
 * Throws an Error naming the bad option, before anything is built.
 */
export function createCluster(opts: ClusterOptions): Cluster {
  const { membership: resumed, ...rest } = isObject(opts) ? opts : { membership: undefined };
  let options = resolveOptions(isObject(opts) ? rest : opts);
  const membership = resumed === undefined ? null : checkMembership(resumed, options);
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
  if (membership) cluster.resumeMembership(membership);
  cluster.boot();
  return cluster;
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Checks ClusterOptions.membership against the other options; throws naming what is wrong. */
function checkMembership(value: unknown, options: ResolvedClusterOptions): ResumedMembership {
  if (options.transport !== 'worker' || options.storageKey === '') {
    throw new Error("membership resumes a stored cluster: it needs transport 'worker' and a storageKey");
  }
  if (!isObject(value)) throw new Error(`membership must be { highest, current }, got ${describe(value)}`);
  const { highest, current, ...extra } = value;
  const unknown = Object.keys(extra);
  if (unknown.length > 0) throw new Error(`membership.${unknown[0]} is not a known field; known: highest, current`);
  const top = checkInteger('membership.highest', highest, options.nodes, 99);
  if (!Array.isArray(current) || current.length === 0) {
    throw new Error(`membership.current must be a non-empty array of node ids, got ${describe(current)}`);
  }
  const ids: number[] = [];
  for (const [i, id] of current.entries()) {
    const n = checkInteger(`membership.current[${i}]`, id, 1, top);
    if (ids.length > 0 && n <= ids[ids.length - 1]!) throw new Error('membership.current must be in increasing id order, without repeats');
    ids.push(n);
  }
  return { highest: top, current: ids };
}

/** Where a restored cluster runs. */
export interface RestoreOptions {
  /** 'inline' (default) or 'worker' (import src/worker first): each node re-created in its own worker. */
  transport?: 'inline' | 'worker';
  /** Worker transport: names the IndexedDB databases the nodes' disks are written to (fresh if omitted). */
  storageKey?: string;
}

/**
 * Builds a cluster from a checkpoint (`Cluster.checkpoint()`): it stands
 * exactly where the checkpointed cluster stood — the same clock, position
 * (processed()), node views, in-flight messages, links, network settings,
 * stats, applied lists and actions() — and the same further calls give
 * exactly the same future ("Continue from here"). Its trace() holds only
 * events after the checkpoint (traceLength events came before).
 *
 * On the worker transport each node is re-created in a new worker, its
 * IndexedDB disk wiped and written with the checkpoint's durable state and
 * its core resumed with the saved volatile state (a crashed node only gets
 * its disk); calls made meanwhile wait for that. The future is the one the
 * inline cluster would have (the worker transport gives the inline history).
 *
 * Throws an Error naming the bad field if `checkpoint` is malformed. The
 * checkpoint is not changed and can be restored any number of times.
 */
export function restoreCluster(checkpoint: ClusterCheckpoint, opts: RestoreOptions = {}): Cluster {
  const cp = checkCheckpoint(checkpoint, 'checkpoint');
  if (typeof opts !== 'object' || opts === null) throw new Error(`opts must be an object, got ${String(opts)}`);
  const transport = opts.transport ?? 'inline';
  let options = resolveOptions({ ...cp.options, transport, storageKey: opts.storageKey });
  let cluster: SimCluster;
  if (transport === 'worker') {
    const factory = transportFactory('worker');
    if (!factory) throw new Error("transport 'worker' is not registered: import src/worker (it registers itself) before restoreCluster");
    const t = factory(options);
    if (t.storageKey !== undefined) options = { ...options, storageKey: t.storageKey };
    cluster = new SimCluster(options, t.makeRuntime, t.dispose ?? null, true);
  } else {
    cluster = new SimCluster(options);
  }
  cluster.load(cp, transport === 'worker');
  return cluster;
}
