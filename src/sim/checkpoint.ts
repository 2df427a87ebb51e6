/**
 * Checkpoints (issue 10, "Time travel"): the whole state of an inline
 * simulation as immutable, structured-clonable data — every node's disk
 * (durable state) and volatile state, the scheduler's clock, position and
 * queue, the network's wire, links, cables, settings and statistics, every
 * PRNG, the trace's length and the actions so far — and a cluster built
 * from one. A restored cluster continues exactly as the original would:
 * the same events, node views and actions for the same further calls.
 *
 * Only the inline transport can be checkpointed (a worker keeps its node's
 * volatile state to itself); a worker-transport run is checkpointed by
 * replaying its action log inline (RunReplayer).
 */
import { deepFreeze } from '../raft';
import type { EventLog } from './event-log';
import type { Network, NetworkSave } from './network';
import type { MembershipSave, NodeSave, Nodes } from './nodes';
import { resolveOptions, type ResolvedOptions } from './options';
import type { Scheduler, TimerItem } from './scheduler';
import type { ClusterAction } from './types';
import { describe } from './validate';

/** The checkpoint format; restoreCluster refuses any other. */
export const CHECKPOINT_FORMAT = 1;

/** The whole state of an inline simulation between two events. Deep-frozen, structured-clonable. */
export interface ClusterCheckpoint {
  readonly format: typeof CHECKPOINT_FORMAT;
  /** The cluster's options as created, resolved (the network settings now are in `network`). */
  readonly options: ResolvedOptions;
  /** Virtual ms. */
  readonly clock: number;
  /** Events taken since creation (Cluster.processed()). */
  readonly processed: number;
  /** Events emitted since creation: a restored cluster's trace() starts after this many. */
  readonly traceLength: number;
  /** The event queue's next sequence number (ties between items due at once). */
  readonly nextSeq: number;
  /** Live timer items of the queue (the deliveries are the network's wire). */
  readonly timers: readonly { readonly node: number; readonly at: number; readonly seq: number; readonly gen: number }[];
  readonly network: NetworkSave;
  /** Every node the cluster has had, 1..the highest id (removed ones too: their disks). */
  readonly nodes: readonly NodeSave[];
  /** Which nodes are in the cluster now (thesis §4.1 changes); absent in checkpoints made before them: all of `nodes`. */
  readonly membership?: MembershipSave;
  /** Every action taken before the checkpoint, with its position. */
  readonly actions: readonly ClusterAction[];
}

/** What a checkpoint is taken from and put back into (a SimCluster's parts). */
export interface SimParts {
  readonly options: ResolvedOptions;
  readonly sched: Scheduler;
  readonly net: Network;
  readonly nodes: Nodes;
  readonly log: EventLog;
  readonly actions: ClusterAction[];
}

export function saveCluster(p: SimParts): ClusterCheckpoint {
  const nodes = p.nodes.save(); // throws first if a node is not inline
  const timers = p.nodes.liveTimers(p.sched.queue.all()).map((t) => ({ node: t.node, at: t.at, seq: t.seq, gen: t.gen }));
  return deepFreeze({
    format: CHECKPOINT_FORMAT,
    options: p.options,
    clock: p.sched.clock,
    processed: p.sched.processed,
    traceLength: p.log.count,
    nextSeq: p.sched.queue.seqCounter,
    timers,
    network: p.net.save(),
    nodes,
    membership: p.nodes.saveMembership(),
    actions: p.actions.slice(),
  });
}

/**
 * Puts a checkpoint into a freshly built, not yet booted cluster's parts.
 * Inline nodes are resumed at once; with `nodesElsewhere` (workers) the
 * caller resumes them (Nodes.resumeAll).
 */
export function loadCluster(cp: ClusterCheckpoint, p: SimParts, nodesElsewhere = false): void {
  p.nodes.loadMembership(cp.nodes.length, cp.membership);
  if (!nodesElsewhere) p.nodes.load(cp.nodes);
  const deliveries = p.net.load(cp.network);
  const timers: TimerItem[] = cp.timers.map((t) => ({ kind: 'timer', at: t.at, seq: t.seq, node: t.node, gen: t.gen }));
  p.sched.queue.load([...deliveries, ...timers], cp.nextSeq);
  p.sched.clock = cp.clock;
  p.sched.processed = cp.processed;
  p.log.count = cp.traceLength;
  p.actions.push(...cp.actions);
}

// -------------------------------------------------------------- checking

function fail(what: string, why: string, got: unknown): never {
  throw new Error(`${what} ${why}, got ${describe(got)}`);
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function count(what: string, x: unknown): number {
  if (typeof x !== 'number' || !Number.isSafeInteger(x) || x < 0) fail(what, 'must be an integer >= 0', x);
  return x;
}

function time(what: string, x: unknown, infinite = false): number {
  if (typeof x !== 'number' || Number.isNaN(x) || x < 0 || (!infinite && !Number.isFinite(x))) {
    fail(what, infinite ? 'must be a virtual time >= 0 or Infinity' : 'must be a finite virtual time >= 0', x);
  }
  return x;
}

function list(what: string, x: unknown, length?: number): unknown[] {
  if (!Array.isArray(x)) fail(what, 'must be an array', x);
  if (length !== undefined && x.length !== length) fail(what, `must have ${length} items`, `${x.length} items`);
  return x;
}

/**
 * Checks the shape of a checkpoint before anything is built from it, naming
 * the first bad field (`checkpoint.nodes[2].timerGen must be …`). It is not
 * a proof that the state is one a run could reach: a checkpoint is made by
 * checkpoint(), not by hand.
 */
export function checkCheckpoint(cp: unknown, name = 'checkpoint'): ClusterCheckpoint {
  if (!isRecord(cp)) fail(name, 'must be an object made by Cluster.checkpoint()', cp);
  if (cp.format !== CHECKPOINT_FORMAT) fail(`${name}.format`, `must be ${CHECKPOINT_FORMAT}`, cp.format);
  if (!isRecord(cp.options)) fail(`${name}.options`, 'must be the cluster options', cp.options);
  let options: ResolvedOptions;
  try {
    const { transport: _t, storageKey: _k, ...rest } = cp.options;
    options = resolveOptions({ ...rest, transport: 'inline' });
  } catch (err) {
    throw new Error(`${name}.options: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  // Every node the cluster has had: the founders, and any added since.
  const n = Array.isArray(cp.nodes) && cp.nodes.length >= options.nodes ? cp.nodes.length : options.nodes;
  time(`${name}.clock`, cp.clock);
  count(`${name}.processed`, cp.processed);
  count(`${name}.traceLength`, cp.traceLength);
  const nextSeq = count(`${name}.nextSeq`, cp.nextSeq);
  const id = (what: string, x: unknown) => {
    if (typeof x !== 'number' || !Number.isInteger(x) || x < 1 || x > n) fail(what, `must be a node id in 1..${n}`, x);
  };
  list(`${name}.timers`, cp.timers).forEach((t, i) => {
    const what = `${name}.timers[${i}]`;
    if (!isRecord(t)) fail(what, 'must be a timer item', t);
    id(`${what}.node`, t.node);
    time(`${what}.at`, t.at);
    if (count(`${what}.seq`, t.seq) >= nextSeq) fail(`${what}.seq`, `must be below nextSeq ${nextSeq}`, t.seq);
    count(`${what}.gen`, t.gen);
  });
  const net = cp.network;
  if (!isRecord(net)) fail(`${name}.network`, 'must be the saved network', net);
  list(`${name}.network.linkDown`, net.linkDown, (n + 1) * (n + 1));
  list(`${name}.network.unplugged`, net.unplugged, n + 1);
  count(`${name}.network.nextId`, net.nextId);
  count(`${name}.network.random`, net.random);
  list(`${name}.network.wire`, net.wire).forEach((w, i) => {
    const what = `${name}.network.wire[${i}]`;
    if (!isRecord(w) || !isRecord(w.payload)) fail(what, 'must be a message on the wire', w);
    count(`${what}.id`, w.id);
    if (count(`${what}.seq`, w.seq) >= nextSeq) fail(`${what}.seq`, `must be below nextSeq ${nextSeq}`, w.seq);
    id(`${what}.payload.from`, w.payload.from);
    id(`${what}.payload.to`, w.payload.to);
    time(`${what}.deliverAt`, w.deliverAt);
  });
  list(`${name}.nodes`, cp.nodes, n).forEach((node, i) => {
    const what = `${name}.nodes[${i}]`;
    if (!isRecord(node)) fail(what, 'must be a saved node', node);
    if (node.id !== i + 1) fail(`${what}.id`, `must be ${i + 1}`, node.id);
    if (!isRecord(node.disk) || !isRecord(node.disk.hardState) || !Array.isArray(node.disk.entries)) {
      fail(`${what}.disk`, 'must be a stored state { hardState, snapshot, entries }', node.disk);
    }
    count(`${what}.incarnation`, node.incarnation);
    time(`${what}.timerAt`, node.timerAt, true);
    count(`${what}.timerGen`, node.timerGen);
    list(`${what}.applied`, node.applied);
    if (node.running !== null) {
      if (!isRecord(node.running) || !isRecord(node.running.volatile))
        fail(`${what}.running`, 'must be null or a running node', node.running);
      count(`${what}.running.random`, node.running.random);
    }
  });
  if (cp.membership !== undefined) {
    const m = cp.membership;
    if (!isRecord(m)) fail(`${name}.membership`, 'must be { current, joining, confSeen }', m);
    list(`${name}.membership.current`, m.current).forEach((x, i) => id(`${name}.membership.current[${i}]`, x));
    list(`${name}.membership.joining`, m.joining).forEach((x, i) => id(`${name}.membership.joining[${i}]`, x));
    count(`${name}.membership.confSeen`, m.confSeen);
  }
  list(`${name}.actions`, cp.actions);
  return cp as unknown as ClusterCheckpoint;
}
