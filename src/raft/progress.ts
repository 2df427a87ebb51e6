/**
 * A leader's view of one follower (Figure 2, "volatile state on leaders"),
 * plus flow control, as in etcd-io/raft's `tracker/progress.go`: at most one
 * AppendEntries or InstallSnapshot carrying news is outstanding per follower
 * (an inflight window of 1). New entries wait and travel together in the
 * next one, so appends never overtake each other on a reordering network,
 * and a follower never refuses one merely because an earlier one is late.
 */
import type { NodeId } from './types';

/**
 * What the leader knows of the follower's log, named as in etcd: `probe`
 * while looking for the match point (after a refusal, or before any reply),
 * `replicate` once entries up to nextIndex - 1 are known to match, and
 * `snapshot` while an InstallSnapshot is outstanding (§7).
 */
export type ProgressState = 'probe' | 'replicate' | 'snapshot';

/** A Progress as plain data. */
export interface ProgressRecord {
  readonly nextIndex: number;
  readonly matchIndex: number;
  readonly inflightAt: number | null;
  readonly inflightEnd: number;
  readonly snapshotInFlight: boolean;
}

export class Progress {
  /** Index of the next entry to send to that server. Moves only on replies. */
  nextIndex: number;
  /** Index of the highest entry known to be replicated on that server. */
  matchIndex = 0;
  /** Virtual ms the outstanding message was sent, or null if none is outstanding. */
  inflightAt: number | null = null;
  /** The last index the outstanding message covers. */
  inflightEnd = 0;
  private snapshotInFlight = false;

  /** Figure 2: nextIndex starts at the leader's last log index + 1, matchIndex at 0. */
  constructor(nextIndex: number) {
    this.nextIndex = nextIndex;
  }

  /** All of it as plain data (a lab checkpoint). */
  toRecord(): ProgressRecord {
    return {
      nextIndex: this.nextIndex,
      matchIndex: this.matchIndex,
      inflightAt: this.inflightAt,
      inflightEnd: this.inflightEnd,
      snapshotInFlight: this.snapshotInFlight,
    };
  }

  /** The progress a record describes (a checkpoint resumed). */
  static fromRecord(r: ProgressRecord): Progress {
    const p = new Progress(r.nextIndex);
    p.matchIndex = r.matchIndex;
    p.inflightAt = r.inflightAt;
    p.inflightEnd = r.inflightEnd;
    p.snapshotInFlight = r.snapshotInFlight;
    return p;
  }

  get state(): ProgressState {
    if (this.snapshotInFlight && this.inflightAt !== null) return 'snapshot';
    return this.matchIndex > 0 && this.matchIndex + 1 === this.nextIndex ? 'replicate' : 'probe';
  }

  /** True while a message carrying news is outstanding: new entries wait for its answer. */
  isPaused(): boolean {
    return this.inflightAt !== null;
  }

  /** True if the outstanding message was sent less than `ms` ago (not yet presumed lost). */
  sentWithin(now: number, ms: number): boolean {
    return this.inflightAt !== null && now - this.inflightAt < ms;
  }

  /** Entries (or a probe) through `lastIndex` were sent at `now`. */
  sentEntries(now: number, lastIndex: number): void {
    this.inflightAt = now;
    this.inflightEnd = lastIndex;
    this.snapshotInFlight = false;
  }

  /** A snapshot through `lastIncludedIndex` was sent at `now` (§7). */
  sentSnapshot(now: number, lastIncludedIndex: number): void {
    this.inflightAt = now;
    this.inflightEnd = lastIncludedIndex;
    this.snapshotInFlight = true;
  }

  /**
   * The follower holds everything through `index` (a successful
   * AppendEntries or InstallSnapshot reply). matchIndex never goes back
   * (replies may arrive late or twice); the window reopens once the
   * outstanding message is covered. Returns whether matchIndex moved.
   */
  maybeUpdate(index: number): boolean {
    const moved = index > this.matchIndex;
    if (moved) this.matchIndex = index;
    if (this.nextIndex < this.matchIndex + 1) this.nextIndex = this.matchIndex + 1;
    if (this.inflightAt !== null && this.matchIndex >= this.inflightEnd) this.inflightAt = null;
    return moved;
  }

  /**
   * The follower refused the append at `rejectedPrev` and hints that the
   * logs may agree below `hintNext` (§5.3 fast backtracking). Every append of
   * ours carrying news has prevLogIndex = nextIndex - 1: a refusal of any
   * other is stale (a duplicate, or overtaken) and changes nothing. Otherwise
   * nextIndex moves back, never below matchIndex + 1 nor past `lastIndex` + 1,
   * and the window reopens for the retry. Returns whether it was taken.
   */
  maybeDecrTo(rejectedPrev: number, hintNext: number, lastIndex: number): boolean {
    if (rejectedPrev !== this.nextIndex - 1) return false;
    const next = Math.min(hintNext, rejectedPrev); // must move back
    this.nextIndex = Math.max(this.matchIndex + 1, Math.min(next, lastIndex + 1));
    this.inflightAt = null;
    return true;
  }
}

/** Every follower's Progress, on a leader (empty on other roles). */
export type ProgressTracker = Map<NodeId, Progress>;

/** nextIndex and matchIndex per follower as plain records (for views and the worker protocol). */
export function progressRecords(tracker: ProgressTracker): { nextIndex: Record<number, number>; matchIndex: Record<number, number> } {
  const nextIndex: Record<number, number> = {};
  const matchIndex: Record<number, number> = {};
  for (const [peer, pr] of tracker) {
    nextIndex[peer] = pr.nextIndex;
    matchIndex[peer] = pr.matchIndex;
  }
  return { nextIndex, matchIndex };
}
