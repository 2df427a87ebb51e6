/**
 * A node's disk. The core hands the host `PersistOp`s (src/raft/types.ts);
 * a Storage makes them durable and gives the whole state back after a crash.
 */
import { deepFreeze, LogWindow, type Entry, type PersistOp, type PersistentState, type Snapshot } from '../raft';

/** A node's stable storage. `apply` is durable when it returns (or resolves). */
export interface Storage {
  load(): PersistentState | Promise<PersistentState>;
  apply(ops: readonly PersistOp[]): void | Promise<void>;
  /** Erases everything (a new disk). */
  wipe(): void | Promise<void>;
}

export const EMPTY_STATE: PersistentState = {
  hardState: { term: 0, votedFor: 0 },
  snapshot: null,
  entries: [],
};

/**
 * Storage in memory: the inline transport's disk (it survives `crash`,
 * which only drops the node object), and the main thread's mirror of what a
 * worker node has written to IndexedDB.
 */
export class MemoryStorage implements Storage {
  private term = 0;
  private votedFor = 0;
  private snapshot: Snapshot | null = null;
  /** The entries after the snapshot (LogWindow does the index arithmetic). */
  private window = new LogWindow();
  private entriesCopy: readonly Entry[] | null = null;

  load(): PersistentState {
    return this.state();
  }

  /** The stored state (entries copied, so later writes do not show through). */
  state(): PersistentState {
    return {
      hardState: { term: this.term, votedFor: this.votedFor },
      snapshot: this.snapshot,
      entries: this.window.entries.slice(),
    };
  }

  get currentTerm(): number {
    return this.term;
  }
  get vote(): number {
    return this.votedFor;
  }
  get storedSnapshot(): Snapshot | null {
    return this.snapshot;
  }
  /** Stored entries after the snapshot; read-only. */
  get storedEntries(): readonly Entry[] {
    return this.window.entries;
  }
  /** The last index stored (snapshot or log). */
  get lastIndex(): number {
    return this.window.lastIndex;
  }
  /** A copy of the stored entries, unaffected by later writes (shared until the next write). */
  copyOfEntries(): readonly Entry[] {
    this.entriesCopy ??= this.window.entries.slice();
    return this.entriesCopy;
  }

  /**
   * Applies `ops` in order, all or nothing: they are checked against the
   * stored state first (an `entries` op must start within or just past the
   * stored log), so a bad op changes nothing and throws.
   */
  apply(ops: readonly PersistOp[]): void {
    const problem = checkOps(this, ops);
    if (problem) throw new Error(`storage: ${problem}`);
    this.entriesCopy = null;
    for (const op of ops) applyOp(this, op);
  }

  /** Replaces everything with `state` (a worker reported what it recovered from its disk). */
  replace(state: PersistentState): void {
    this.entriesCopy = null;
    this.term = state.hardState.term;
    this.votedFor = state.hardState.votedFor;
    this.snapshot = deepFreeze(state.snapshot);
    this.window = new LogWindow(
      state.snapshot?.lastIncludedIndex ?? 0,
      state.snapshot?.lastIncludedTerm ?? 0,
      state.entries.map((e) => deepFreeze(e)),
    );
  }

  wipe(): void {
    this.entriesCopy = null;
    this.term = 0;
    this.votedFor = 0;
    this.snapshot = null;
    this.window = new LogWindow();
  }

  /** @internal */
  setHardState(term: number, votedFor: number): void {
    this.term = term;
    this.votedFor = votedFor;
  }
  /** @internal */
  replaceEntries(fromIndex: number, entries: readonly Entry[]): void {
    this.window.write(
      fromIndex,
      entries.map((e) => deepFreeze(e)),
    );
  }
  /** @internal */
  setSnapshot(snapshot: Snapshot, discardLog: boolean): void {
    this.window.compact(snapshot.lastIncludedIndex, snapshot.lastIncludedTerm, !discardLog);
    this.snapshot = deepFreeze(snapshot);
  }
}

function applyOp(storage: MemoryStorage, op: PersistOp): void {
  switch (op.kind) {
    case 'hardState':
      storage.setHardState(op.hardState.term, op.hardState.votedFor);
      return;
    case 'entries':
      storage.replaceEntries(op.fromIndex, op.entries);
      return;
    case 'snapshot':
      storage.setSnapshot(op.snapshot, op.discardLog);
      return;
  }
}

/** Why `ops` cannot be applied in order to `storage`'s state, or null. */
function checkOps(storage: MemoryStorage, ops: readonly PersistOp[]): string | null {
  let base = storage.storedSnapshot?.lastIncludedIndex ?? 0;
  let last = storage.lastIndex;
  for (const op of ops) {
    switch (op.kind) {
      case 'hardState':
        break;
      case 'entries':
        if (op.fromIndex <= base || op.fromIndex > last + 1) {
          return `cannot write entries from index ${op.fromIndex} (have ${base + 1}..${last})`;
        }
        last = op.fromIndex - 1 + op.entries.length;
        break;
      case 'snapshot':
        if (op.snapshot.lastIncludedIndex < base) {
          return `cannot replace the snapshot through ${base} with an older one through ${op.snapshot.lastIncludedIndex}`;
        }
        if (op.discardLog || op.snapshot.lastIncludedIndex > last) last = op.snapshot.lastIncludedIndex;
        base = op.snapshot.lastIncludedIndex;
        break;
    }
  }
  return null;
}
