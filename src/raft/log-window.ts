/**
 * The index arithmetic of a log that starts after a snapshot (§7): entry i
 * (1-based, the paper's indexes) sits at position i - base - 1, and the base
 * itself — the snapshot's last included index, 0 without one — always
 * matches, with the snapshot's term. Written once here and used by the
 * core's log, the disks, the safety monitor and the views.
 */
import type { Entry } from './types';

/** Where a log's entries start: the snapshot's last included index and term (0, 0 without one). */
export interface LogBase {
  readonly snapshotIndex: number;
  readonly log: readonly Entry[];
}

export class LogWindow<E extends Entry | undefined = Entry> {
  constructor(
    /** The snapshot's last included index (0 without one). */
    public base = 0,
    /** The term of that entry (0 without one). */
    public baseTerm = 0,
    /** The entries after the base, consecutive (a lenient mirror may hold unknown ones as undefined). */
    public entries: E[] = [],
  ) {}

  get length(): number {
    return this.entries.length;
  }

  get lastIndex(): number {
    return this.base + this.entries.length;
  }

  get lastTerm(): number {
    const last = this.entries[this.entries.length - 1];
    return last ? last.term : this.baseTerm;
  }

  /** Term of the entry at `index`, or -1 if unknown (compacted away, past the end, or not mirrored). */
  termAt(index: number): number {
    if (index === this.base) return this.baseTerm;
    if (index < this.base || index > this.lastIndex) return -1;
    return this.entries[index - this.base - 1]?.term ?? -1;
  }

  /** The entry at `index`, if held. */
  at(index: number): E | undefined {
    if (index <= this.base) return undefined;
    return this.entries[index - this.base - 1];
  }

  /** Up to `max` entries starting at `from` (> base). */
  slice(from: number, max: number): E[] {
    const start = from - this.base - 1;
    return this.entries.slice(start, start + max);
  }

  /** How many entries lie before `index` (its position), for truncation. */
  keepBefore(index: number): number {
    return index - this.base - 1;
  }

  /**
   * Drops every entry at index >= `fromIndex`, then appends `entries` (which
   * start at fromIndex). With `gaps`, a write past the end leaves unknown
   * entries (a mirror that missed some); otherwise it throws. A write at or
   * below the base is ignored (those entries are covered by the snapshot).
   */
  write(fromIndex: number, entries: readonly E[], gaps = false): void {
    const keep = this.keepBefore(fromIndex);
    if (keep < 0) return;
    if (keep > this.entries.length) {
      if (!gaps) throw new Error(`cannot write entries from index ${fromIndex} (have ${this.base + 1}..${this.lastIndex})`);
      while (this.entries.length < keep) this.entries.push(undefined as E);
    }
    this.entries.length = keep;
    for (const e of entries) this.entries.push(e);
  }

  /** Drops every entry at index >= `from` (§5.3: a conflicting entry "and all that follow it"). */
  truncateFrom(from: number): void {
    this.entries.length = Math.max(0, this.keepBefore(from));
  }

  /**
   * Moves the base to a snapshot through `index` with `term`: keeps the
   * entries after it (compaction; Figure 13 step 6) or none (step 7).
   */
  compact(index: number, term: number, keepTail: boolean): void {
    this.entries = keepTail ? this.entries.slice(Math.max(0, index - this.base)) : [];
    this.base = index;
    this.baseTerm = term;
  }
}

/** The entry at `index` of a node view (`snapshotIndex` + `log`), or null. */
export function entryOfView(view: LogBase, index: number): Entry | null {
  if (index <= view.snapshotIndex) return null;
  return view.log[index - view.snapshotIndex - 1] ?? null;
}

/** The last index of a node view's log. */
export function lastIndexOfView(view: LogBase): number {
  return view.snapshotIndex + view.log.length;
}
