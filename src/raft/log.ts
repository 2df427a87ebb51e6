/**
 * A node's log: the entries after the latest snapshot, and that snapshot
 * (§7: "the snapshot replaces the committed entries in the log"). Indexes are
 * the paper's: the first entry is 1; index 0 (or the snapshot's last included
 * index) is the always-matching base. Entries are never mutated. The index
 * arithmetic is LogWindow's.
 */
import { deepFreeze } from './freeze';
import { LogWindow } from './log-window';
import type { Entry, Snapshot } from './types';

export class RaftLog {
  private readonly window: LogWindow;
  private snap: Snapshot | null;
  /** A copy of the entries handed out by `copyOfTail`, dropped on any change. */
  private tailCopy: readonly Entry[] | null = null;

  constructor(snapshot: Snapshot | null, entries: readonly Entry[]) {
    // Entries and snapshots are shared with messages, events and views:
    // frozen, so nothing outside can change the log under the node.
    this.snap = deepFreeze(snapshot);
    this.window = new LogWindow(
      snapshot?.lastIncludedIndex ?? 0,
      snapshot?.lastIncludedTerm ?? 0,
      entries.map((e) => deepFreeze(e)),
    );
  }

  /** The latest snapshot, or null. */
  get snapshot(): Snapshot | null {
    return this.snap;
  }
  /** Last index the snapshot covers (0 without one). */
  get snapshotIndex(): number {
    return this.window.base;
  }
  get snapshotTerm(): number {
    return this.window.baseTerm;
  }
  /** Entries after the snapshot; read-only view. */
  get tail(): readonly Entry[] {
    return this.window.entries;
  }
  /**
   * A copy of the tail that later changes do not affect. Repeated calls
   * between changes return the same array (views read it every frame).
   */
  copyOfTail(): readonly Entry[] {
    this.tailCopy ??= this.window.entries.slice();
    return this.tailCopy;
  }

  /** How many entries are held past the snapshot. */
  get length(): number {
    return this.window.length;
  }
  get lastIndex(): number {
    return this.window.lastIndex;
  }
  get lastTerm(): number {
    return this.window.lastTerm;
  }

  /** Term of the entry at `index`, or -1 if unknown (compacted away or past the end). */
  termAt(index: number): number {
    return this.window.termAt(index);
  }

  /** The entry at `index` (must be held). */
  at(index: number): Entry {
    const entry = this.window.at(index);
    if (!entry) throw new Error(`no entry at index ${index} (log holds ${this.window.base + 1}..${this.lastIndex})`);
    return entry;
  }

  /** Up to `max` entries starting at `from` (> snapshotIndex). */
  slice(from: number, max: number): Entry[] {
    return this.window.slice(from, max);
  }

  append(entry: Entry): void {
    this.tailCopy = null;
    this.window.entries.push(deepFreeze(entry));
  }

  /** Drops every entry at index >= `from` (§5.3: a conflicting entry "and all that follow it"). */
  truncateFrom(from: number): void {
    this.tailCopy = null;
    this.window.truncateFrom(from);
  }

  /** The first index of the run of `term` that contains `index`, not below the snapshot. */
  firstIndexOfTermAt(index: number): number {
    const term = this.termAt(index);
    let first = index;
    while (first - 1 > this.window.base && this.termAt(first - 1) === term) first--;
    return first;
  }

  /** The last index holding an entry of `term`, or 0 if none is known. */
  lastIndexOfTerm(term: number): number {
    const entries = this.window.entries;
    for (let i = entries.length - 1; i >= 0; i--) {
      const e = entries[i]!;
      if (e.term === term) return e.index;
      if (e.term < term) return 0;
    }
    return this.window.baseTerm === term ? this.window.base : 0;
  }

  /**
   * Installs `snapshot` as the new base. With `keepTail`, entries after its
   * last included index are kept (§7 compaction; Figure 13 receiver step 6),
   * otherwise the whole log is discarded (Figure 13 step 7).
   */
  setSnapshot(snapshot: Snapshot, keepTail: boolean): void {
    this.tailCopy = null;
    this.window.compact(snapshot.lastIncludedIndex, snapshot.lastIncludedTerm, keepTail);
    this.snap = deepFreeze(snapshot);
  }
}
