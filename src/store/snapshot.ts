/**
 * Copies the cluster's state into the store with structural sharing: a node
 * whose state did not change keeps its old object, and a log that did not
 * change keeps its old array, so React skips what did not change (a heartbeat
 * re-renders a node, never the logs).
 */
import type { Configuration, Entry, NodeId } from '../raft';
import type { Cluster, NodeView } from '../sim';
import type { LinkMatrix, NodeSnapshot } from './types';

function sameLog(a: readonly Entry[], b: readonly Entry[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x !== y && (x.index !== y.index || x.term !== y.term || x.command !== y.command || !sameConfig(x.config, y.config))) return false;
  }
  return true;
}

/** Two configurations (thesis §4.1) with the same voters and learners (either may be absent). */
function sameConfig(a: Configuration | undefined, b: Configuration | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  return sameIds(a.voters, b.voters) && sameIds(a.learners, b.learners);
}

function sameRecord(
  a: Readonly<Record<string | number, unknown>> | undefined,
  b: Readonly<Record<string | number, unknown>> | undefined,
): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => Object.is(a[k], b[k]));
}

function sameIds(a: readonly NodeId[], b: readonly NodeId[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** The new snapshot of one node, reusing `prev` (and its parts) where nothing changed. */
export function mergeNode(prev: NodeSnapshot | undefined, view: NodeView, connected: boolean): NodeSnapshot {
  const log = prev && sameLog(prev.log, view.log) ? prev.log : view.log;
  const kv = prev && sameRecord(prev.kv, view.kv) ? prev.kv : view.kv;
  const votes = prev && sameIds(prev.votes, view.votes) ? prev.votes : view.votes;
  const nextIndex = prev && sameRecord(prev.nextIndex, view.nextIndex) ? prev.nextIndex : view.nextIndex;
  const matchIndex = prev && sameRecord(prev.matchIndex, view.matchIndex) ? prev.matchIndex : view.matchIndex;
  const config = prev && sameConfig(prev.config, view.config) ? prev.config : view.config;
  if (
    prev &&
    prev.log === log &&
    prev.kv === kv &&
    prev.votes === votes &&
    prev.nextIndex === nextIndex &&
    prev.matchIndex === matchIndex &&
    prev.config === config &&
    prev.preCandidate === view.preCandidate &&
    prev.transferee === view.transferee &&
    prev.connected === connected &&
    prev.alive === view.alive &&
    prev.role === view.role &&
    prev.term === view.term &&
    prev.votedFor === view.votedFor &&
    prev.commitIndex === view.commitIndex &&
    prev.lastApplied === view.lastApplied &&
    prev.snapshotIndex === view.snapshotIndex &&
    prev.snapshotTerm === view.snapshotTerm &&
    prev.leader === view.leader &&
    prev.electionDeadline === view.electionDeadline &&
    prev.electionTimeout === view.electionTimeout
  ) {
    return prev;
  }
  return { ...view, log, kv, votes, config, connected, ...(nextIndex ? { nextIndex, matchIndex } : {}) };
}

/**
 * Where node `id` is in `nodes` (which are in id order, one per id of
 * `cluster.ids`), or −1. Ids are 1..n until a node is added or removed
 * (issue 13), so index id − 1 is tried first.
 */
export function indexOfNode(nodes: readonly { readonly id: NodeId }[], id: NodeId): number {
  if (nodes[id - 1]?.id === id) return id - 1;
  return nodes.findIndex((n) => n.id === id);
}

/** Node `id`'s snapshot in `nodes`, or undefined (not in the cluster). */
export function nodeById<T extends { readonly id: NodeId }>(nodes: readonly T[], id: NodeId): T | undefined {
  const i = indexOfNode(nodes, id);
  return i < 0 ? undefined : nodes[i];
}

/** Every node's snapshot, in id order (one per id of `cluster.ids`); the old array if nothing changed. */
export function snapshotNodes(cluster: Cluster, prev: readonly NodeSnapshot[]): readonly NodeSnapshot[] {
  let changed = prev.length !== cluster.ids.length;
  const next = cluster.ids.map((id, i) => {
    const before = prev[i]?.id === id ? prev[i] : nodeById(prev, id);
    const merged = mergeNode(before, cluster.node(id), cluster.connected(id));
    if (merged !== prev[i]) changed = true;
    return merged;
  });
  return changed ? next : prev;
}

/** The directed links' state, indexed by node id (up to the highest id); the old matrix if nothing changed. */
export function linkMatrix(cluster: Cluster, prev: LinkMatrix): LinkMatrix {
  const ids = cluster.ids;
  const n = ids.length === 0 ? 0 : ids[ids.length - 1]!;
  let changed = prev.length !== n + 1;
  const next: boolean[][] = [[]];
  const member = new Set(ids);
  for (let from = 1; from <= n; from++) {
    const row: boolean[] = [false];
    for (let to = 1; to <= n; to++) {
      const up = from === to || (member.has(from) && member.has(to) && cluster.linkUp(from, to));
      if (prev[from]?.[to] !== up) changed = true;
      row.push(up);
    }
    next.push(row);
  }
  return changed ? next : prev;
}

/** The entry at `index` in a node's log (null if compacted into the snapshot or absent). */
export function entryAt(node: NodeView, index: number): Entry | null {
  if (index <= node.snapshotIndex) return null;
  return node.log[index - node.snapshotIndex - 1] ?? null;
}

/** The node's last log index (snapshot included). */
export function lastIndex(node: NodeView): number {
  return node.snapshotIndex + node.log.length;
}

/** The live leader with the highest term: the one a client that follows the newest leader talks to. */
export function liveLeader(nodes: readonly NodeSnapshot[]): NodeSnapshot | undefined {
  let best: NodeSnapshot | undefined;
  for (const n of nodes) {
    if (n.alive && n.role === 'leader' && (!best || n.term > best.term)) best = n;
  }
  return best;
}
