/**
 * Copies the cluster's state into the store with structural sharing: a node
 * whose state did not change keeps its old object, and a log that did not
 * change keeps its old array, so React skips what did not change (a heartbeat
 * re-renders a node, never the logs).
 */
import type { Entry, NodeId } from '../raft';
import type { Cluster, NodeView } from '../sim';
import type { LinkMatrix, NodeSnapshot } from './types';

function sameLog(a: readonly Entry[], b: readonly Entry[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x !== y && (x.index !== y.index || x.term !== y.term || x.command !== y.command)) return false;
  }
  return true;
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
  if (
    prev &&
    prev.log === log &&
    prev.kv === kv &&
    prev.votes === votes &&
    prev.nextIndex === nextIndex &&
    prev.matchIndex === matchIndex &&
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
  return { ...view, log, kv, votes, connected, ...(nextIndex ? { nextIndex, matchIndex } : {}) };
}

/** Every node's snapshot, in id order (index = id − 1); the old array if nothing changed. */
export function snapshotNodes(cluster: Cluster, prev: readonly NodeSnapshot[]): readonly NodeSnapshot[] {
  let changed = prev.length !== cluster.ids.length;
  const next = cluster.ids.map((id, i) => {
    const merged = mergeNode(prev[i], cluster.node(id), cluster.connected(id));
    if (merged !== prev[i]) changed = true;
    return merged;
  });
  return changed ? next : prev;
}

/** The directed links' state; the old matrix if nothing changed. */
export function linkMatrix(cluster: Cluster, prev: LinkMatrix): LinkMatrix {
  const n = cluster.ids.length;
  let changed = prev.length !== n + 1;
  const next: boolean[][] = [[]];
  for (let from = 1; from <= n; from++) {
    const row: boolean[] = [false];
    for (let to = 1; to <= n; to++) {
      const up = from === to || cluster.linkUp(from, to);
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
