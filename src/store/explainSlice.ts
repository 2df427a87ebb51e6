/**
 * The explain slice: correct Raft behaviour a student easily misreads as a
 * bug, followed after every flush so the view can say what is going on
 * where it happens (issue 9).
 *
 * - Commit index unknown since a restart. commitIndex is volatile (Figure 2):
 *   after a crash or a page reload a node knows only that its entries are on
 *   disk, and a new leader commits entries of earlier terms only through an
 *   entry of its own term (§5.4.2). So committed entries turn dashed until
 *   then; the leader no-op (§8) makes it immediate.
 * - Discarded entries. A stale leader that heals learns of the newer term and
 *   its uncommitted entries are overwritten by the new leader's (§5.3); they
 *   were never committed, so nothing a client was promised is lost.
 */
import type { Entry, NodeId } from '../raft';
import type { FlushFollower, LabState, OnNewCluster } from './labTypes';
import { indexOfNode, lastIndex } from './snapshot';
import type { NodeSnapshot } from './types';

/** How long (virtual ms) discarded entries stay drawn, struck through, on their node's row. */
export const DISCARDED_SHOWN_MS = 3000;

/** Entries a node dropped from its log because a newer leader's log disagreed (§5.3). */
export interface Discarded {
  readonly entries: readonly Entry[];
  /** The term the node was in when it dropped them (the new leader's). */
  readonly term: number;
  /** Virtual ms when they were dropped. */
  readonly at: number;
}

export interface ExplainSlice {
  /**
   * Per node (index = id − 1): the last index of the entries it recovered
   * from disk whose commitment it does not know yet (commitIndex is volatile);
   * 0 when there is nothing to explain.
   */
  readonly commitUnknown: readonly number[];
  /** Per node: what it discarded last, while still shown; null otherwise. */
  readonly discarded: readonly (Discarded | null)[];
}

/** A resumed cluster's nodes, before their disks have been read: every one recovered something. */
const PENDING = -1;

function followRecovery(before: NodeSnapshot | undefined, node: NodeSnapshot, known: number, nowMs: number): number {
  const last = lastIndex(node);
  // Crashed: what was committed is no longer known (the disk keeps the log, not commitIndex).
  if (before && before.alive && !node.alive) return last > node.snapshotIndex ? last : 0;
  if (known === PENDING) {
    if (last > node.commitIndex) return last;
    return nowMs > 0 ? 0 : PENDING; // still booting at time 0: wait for its disk
  }
  if (known > 0 && node.alive && node.commitIndex >= known) return 0;
  return known;
}

/** The uncommitted entries of `before` that `node` no longer holds (overwritten or truncated). */
function dropped(before: NodeSnapshot | undefined, node: NodeSnapshot): Entry[] {
  if (!before || !before.alive || !node.alive || before.log === node.log) return [];
  const out: Entry[] = [];
  for (const e of before.log) {
    if (e.index <= before.commitIndex || e.index <= node.snapshotIndex) continue;
    const now = node.log[e.index - node.snapshotIndex - 1];
    if (!now || now.term !== e.term) out.push(e);
  }
  return out;
}

export function createExplainSlice(resumed: boolean): { slice: ExplainSlice; follower: FlushFollower; onNewCluster: OnNewCluster } {
  return {
    slice: { commitUnknown: resumed ? [PENDING] : [], discarded: [] },
    follower: {
      derive(before: LabState, nodes) {
        const nowMs = before.cluster.now(); // this flush's time (before.nowMs is the last flush's)
        // A resumed cluster: every node's entries came from disk.
        const fallback = before.commitUnknown[0] === PENDING && before.nodes.length === 0 ? PENDING : 0;
        // Matched by id: a removed node shifts the ones after it (issue 13); a new node starts afresh.
        const was = (id: NodeId) => indexOfNode(before.nodes, id);
        const commitUnknown = nodes.map((n) => {
          const i = was(n.id);
          return followRecovery(before.nodes[i], n, (i < 0 ? undefined : before.commitUnknown[i]) ?? fallback, nowMs);
        });
        const discarded = nodes.map((n) => {
          const i = was(n.id);
          const gone = dropped(before.nodes[i], n);
          if (gone.length > 0) return { entries: gone, term: n.term, at: nowMs };
          const last = (i < 0 ? undefined : before.discarded[i]) ?? null;
          return last && nowMs - last.at <= DISCARDED_SHOWN_MS ? last : null;
        });
        const same = <T>(a: readonly T[], b: readonly T[]) => a.length === b.length && a.every((v, i) => v === b[i]);
        return {
          commitUnknown: same(commitUnknown, before.commitUnknown) ? before.commitUnknown : commitUnknown,
          discarded: same(discarded, before.discarded) ? before.discarded : discarded,
        };
      },
    },
    onNewCluster: () => ({ commitUnknown: [], discarded: [] }),
  };
}

/** The entries node `id` discarded, while shown. */
// Both follow the live run: while the timeline shows the past they say nothing (the past's own notes are not kept).
export const selectDiscarded =
  (id: NodeId) =>
  (s: LabState): Discarded | null =>
    s.review === null ? (s.discarded[indexOfNode(s.nodes, id)] ?? null) : null;
/** The last recovered index whose commitment node `id` does not know yet; 0 if none (or while showing the past). */
export const selectCommitUnknown =
  (id: NodeId) =>
  (s: LabState): number =>
    s.review === null ? Math.max(0, s.commitUnknown[indexOfNode(s.nodes, id)] ?? 0) : 0;
