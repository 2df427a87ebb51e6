/**
 * Consistency rules over well-typed Raft data, shared by the protocol
 * schemas (a message's own entries), the disk checks (a log read back from
 * IndexedDB) and the runtime (a worker's persist ops against the mirror of
 * its disk). Each function returns a readable reason, or null when the data
 * is consistent; none of them throws.
 *
 * Every check is linear in the data it is given (the persist-op simulation
 * never copies the stored log), so running them on every message is cheap.
 */
import type { Entry, NodeId, PersistOp, PersistentState, Snapshot } from '../raft';

/** "nodes 1, 2, 3" for error messages. */
export function describeMembers(members: ReadonlySet<NodeId>): string {
  return `nodes ${[...members].sort((a, b) => a - b).join(', ')}`;
}

/** What a run of entries must follow: its first index, the term before it, and the term no entry may exceed. */
export interface RunContext {
  /** Index the first entry must have. */
  readonly firstIndex: number;
  /** Term of the entry just before the run (0 at the start of the log). */
  readonly prevTerm: number;
  /** No entry's term may exceed this. */
  readonly maxTerm: number;
  /** Names the bound in messages, e.g. "the message's term". */
  readonly maxTermName: string;
}

/**
 * Why `entries` is not a run of consecutive log entries from `ctx.firstIndex`
 * whose terms never decrease (starting from `ctx.prevTerm`) and never exceed
 * `ctx.maxTerm`, or null. `name` prefixes the reason ("entries").
 *
 * Terms never decrease along a log: a leader appends only entries of its own
 * term (§5.3) and terms only grow (§5.1), so every log is a prefix of some
 * leader's log. No node holds an entry from a term above its currentTerm.
 */
export function entryRunProblem(entries: readonly Entry[], ctx: RunContext, name: string): string | null {
  let expected = ctx.firstIndex;
  let previous = ctx.prevTerm;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    if (e.index !== expected) return `${name}[${i}] has index ${e.index}, expected ${expected} (entries are consecutive)`;
    if (e.term < previous) {
      return `${name}[${i}] has term ${e.term}, below the term ${previous} before it (terms never decrease along a log, §5.3)`;
    }
    if (e.term > ctx.maxTerm) return `${name}[${i}] has term ${e.term}, above ${ctx.maxTermName} ${ctx.maxTerm}`;
    previous = e.term;
    expected += 1;
  }
  return null;
}

/** Indexes around position `i` of `entries`, for a gap report: "records 1, 2, 4…". */
function recordsAround(entries: readonly Entry[], i: number, snapshotIndex: number): string {
  const from = Math.max(0, i - 2);
  const shown = entries.slice(from, i + 1).map((e) => e.index);
  const head = from > 0 ? '…, ' : '';
  const tail = i + 1 < entries.length ? '…' : '';
  const snapshot = snapshotIndex > 0 && i === 0 ? `the snapshot ends at ${snapshotIndex}; ` : '';
  return `${snapshot}records ${head}${shown.join(', ')}${tail}`;
}

/**
 * Why a node's stored state (a disk read back after a crash, or what a
 * worker says it recovered) is not one a correct node can have written, or
 * null. With `members`, votedFor must be 0 or one of them. Log records are
 * named by their index ("log record 3 is missing (records 1, 2, 4…)").
 *
 * The rules: the log holds exactly the entries after the snapshot (§7: "the
 * snapshot replaces the committed entries"), consecutive; their terms never
 * decrease, start at or above the snapshot's term and never exceed
 * currentTerm (§5.1, §5.3); no vote is cast in term 0 (the first election is
 * for term 1, §5.2).
 */
export function storedStateProblem(state: PersistentState, members?: ReadonlySet<NodeId>): string | null {
  const { term, votedFor } = state.hardState;
  if (members && votedFor !== 0 && !members.has(votedFor)) {
    return `hardState.votedFor is ${votedFor}, not a member of the cluster (${describeMembers(members)})`;
  }
  if (term === 0 && votedFor !== 0) return `hardState votes for node ${votedFor} in term 0, when no election has happened`;
  const snapshotIndex = state.snapshot?.lastIncludedIndex ?? 0;
  const snapshotTerm = state.snapshot?.lastIncludedTerm ?? 0;
  if (snapshotTerm > term) return `the snapshot's lastIncludedTerm ${snapshotTerm} is above currentTerm ${term}`;
  const entries = state.entries;
  let previousTerm = snapshotTerm;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    const expected = snapshotIndex + 1 + i;
    if (e.index <= snapshotIndex) {
      return `log record ${e.index} is at or below the snapshot's lastIncludedIndex ${snapshotIndex} (§7: the snapshot replaces those entries)`;
    }
    if (e.index > expected) return `log record ${expected} is missing (${recordsAround(entries, i, snapshotIndex)})`;
    if (e.index < expected) {
      const before = entries[i - 1]!.index;
      return e.index === before ? `log record ${e.index} appears twice` : `log record ${e.index} comes after record ${before}`;
    }
    if (e.term < previousTerm) {
      return i === 0
        ? `log record ${e.index} has term ${e.term}, below the snapshot's lastIncludedTerm ${snapshotTerm}`
        : `log record ${e.index} has term ${e.term}, below record ${e.index - 1}'s term ${previousTerm} (terms never decrease along a log, §5.3)`;
    }
    if (e.term > term) return `log record ${e.index} has term ${e.term}, above currentTerm ${term}`;
    previousTerm = e.term;
  }
  return null;
}

/** The parts of a disk the persist-op check reads (a MemoryStorage mirror has them all). */
export interface DiskView {
  readonly currentTerm: number;
  readonly vote: NodeId;
  readonly storedSnapshot: Snapshot | null;
  /** Entries after the snapshot, consecutive (trusted: the mirror only ever holds checked data). */
  readonly storedEntries: readonly Entry[];
}

/** A DiskView of a PersistentState (what a worker recovered). */
export function diskViewOf(state: PersistentState): DiskView {
  return {
    currentTerm: state.hardState.term,
    vote: state.hardState.votedFor,
    storedSnapshot: state.snapshot,
    storedEntries: state.entries,
  };
}

/**
 * The shape of a log while persist ops are replayed over it, without copying
 * it: runs of entries (slices of arrays already checked) after a snapshot.
 * An output has a handful of ops, so there are a handful of runs.
 */
class LogImage {
  /** entries[start..end) of each run are in the log, in order, consecutive. */
  private runs: { entries: readonly Entry[]; start: number; end: number }[];
  snapshotIndex: number;
  snapshotTerm: number;
  lastIndex: number;

  constructor(snapshot: Snapshot | null, entries: readonly Entry[]) {
    this.snapshotIndex = snapshot?.lastIncludedIndex ?? 0;
    this.snapshotTerm = snapshot?.lastIncludedTerm ?? 0;
    this.runs = entries.length > 0 ? [{ entries, start: 0, end: entries.length }] : [];
    this.lastIndex = this.snapshotIndex + entries.length;
  }

  /** Term of the entry at `index`, or -1 if the log does not hold it. */
  termAt(index: number): number {
    if (index === this.snapshotIndex) return this.snapshotTerm;
    if (index < this.snapshotIndex || index > this.lastIndex) return -1;
    for (let r = this.runs.length - 1; r >= 0; r--) {
      const run = this.runs[r]!;
      const first = run.entries[run.start]!.index;
      if (index >= first) return run.entries[run.start + index - first]!.term;
    }
    return -1;
  }

  /** Drops every entry at `index` and after. */
  truncateFrom(index: number): void {
    while (this.runs.length > 0) {
      const run = this.runs[this.runs.length - 1]!;
      const first = run.entries[run.start]!.index;
      if (first < index) {
        run.end = Math.min(run.end, run.start + index - first);
        break;
      }
      this.runs.pop();
    }
    this.lastIndex = Math.min(this.lastIndex, index - 1);
  }

  append(entries: readonly Entry[]): void {
    if (entries.length === 0) return;
    this.runs.push({ entries, start: 0, end: entries.length });
    this.lastIndex += entries.length;
  }

  /** Moves the snapshot to `snapshot`, keeping the entries after it (or none). */
  compact(snapshot: Snapshot, keepLog: boolean): void {
    const index = snapshot.lastIncludedIndex;
    if (!keepLog) {
      this.runs = [];
      this.lastIndex = index;
    } else {
      while (this.runs.length > 0) {
        const run = this.runs[0]!;
        const first = run.entries[run.start]!.index;
        const last = first + (run.end - run.start) - 1;
        if (last > index) {
          run.start += Math.max(0, index + 1 - first);
          break;
        }
        this.runs.shift();
      }
    }
    this.snapshotIndex = index;
    this.snapshotTerm = snapshot.lastIncludedTerm;
  }
}

/** The disk after a run of persist ops, as far as a VolatileState check needs it. */
export interface DiskAfter {
  readonly snapshotIndex: number;
  readonly lastIndex: number;
}

/**
 * The rules a correct node's persist ops keep (checked by `DiskReplay` and
 * `persistOpsProblem`): currentTerm never decreases (§5.1) and within one
 * term a vote, once cast, never changes (§5.2: "each server will vote for
 * at most one candidate in a given term"); an entries op starts within the
 * log or just after it and keeps its terms non-decreasing and at most
 * currentTerm (§5.3); a snapshot moves forward, and keeps the log only if the
 * log holds its last included entry (Figure 13, receiver 6).
 *
 * A replay starts from a disk and carries the disk's image forward from one
 * run of ops to the next without copying the stored log, so the outputs of
 * one batch (several inputs answered at once) are each checked against the
 * disk as it is after the outputs before them — exactly what the mirror
 * would hold had they come one at a time.
 */
export class DiskReplay {
  private term: number;
  private vote: NodeId;
  private readonly log: LogImage;

  /**
   * `members` bounds votedFor. `secondVoteAllowed`: the node was started
   * with the lab bug switch 'double-vote' (src/raft/faults.ts), told to
   * break exactly the one-vote rule, so a changed vote is what it should
   * write, not a fault of the worker.
   */
  constructor(
    disk: DiskView,
    private readonly members: ReadonlySet<NodeId>,
    private readonly secondVoteAllowed = false,
  ) {
    this.term = disk.currentTerm;
    this.vote = disk.vote;
    this.log = new LogImage(disk.storedSnapshot, disk.storedEntries);
  }

  /** The disk after the ops replayed so far, as far as a VolatileState check needs it. */
  get after(): DiskAfter {
    return { snapshotIndex: this.log.snapshotIndex, lastIndex: this.log.lastIndex };
  }

  /**
   * Replays `ops` (already schema-checked) in order and says why one of
   * them could not have come from a correct node writing this disk, or
   * null. After a problem the replay is spent: it must not be used again.
   */
  apply(ops: readonly PersistOp[]): string | null {
    const { log, members } = this;
    for (let k = 0; k < ops.length; k++) {
      const op = ops[k]!;
      const at = `persist[${k}]`;
      switch (op.kind) {
        case 'hardState': {
          const hs = op.hardState;
          if (hs.term < this.term) return `${at} lowers currentTerm from ${this.term} to ${hs.term} (terms only grow, §5.1)`;
          if (hs.votedFor !== 0 && !members.has(hs.votedFor)) {
            return `${at} votes for node ${hs.votedFor}, not a member of the cluster (${describeMembers(members)})`;
          }
          if (hs.term === 0 && hs.votedFor !== 0) return `${at} votes for node ${hs.votedFor} in term 0, when no election has happened`;
          if (hs.term === this.term && this.vote !== 0 && hs.votedFor !== this.vote && !this.secondVoteAllowed) {
            return `${at} changes the vote of term ${this.term} from node ${this.vote} to ${hs.votedFor} (one vote per term, §5.2)`;
          }
          this.term = hs.term;
          this.vote = hs.votedFor;
          break;
        }
        case 'entries': {
          const from = op.fromIndex;
          if (from <= log.snapshotIndex || from > log.lastIndex + 1) {
            return `${at} writes entries from index ${from}, but the log after snapshot index ${log.snapshotIndex} ends at ${log.lastIndex} (an entries op must start in ${log.snapshotIndex + 1}..${log.lastIndex + 1})`;
          }
          const run = entryRunProblem(
            op.entries,
            { firstIndex: from, prevTerm: log.termAt(from - 1), maxTerm: this.term, maxTermName: 'currentTerm' },
            `${at}.entries`,
          );
          if (run) return run;
          log.truncateFrom(from);
          log.append(op.entries);
          break;
        }
        case 'snapshot': {
          const s = op.snapshot;
          if (s.lastIncludedIndex <= log.snapshotIndex) {
            return `${at} puts a snapshot at index ${s.lastIncludedIndex}, not past the stored one at ${log.snapshotIndex} (snapshots only move forward, §7)`;
          }
          if (s.lastIncludedTerm < log.snapshotTerm || s.lastIncludedTerm > this.term) {
            return `${at} puts a snapshot of term ${s.lastIncludedTerm}, outside ${log.snapshotTerm}..${this.term} (the stored snapshot's term to currentTerm)`;
          }
          if (!op.discardLog) {
            const held = log.termAt(s.lastIncludedIndex);
            if (held !== s.lastIncludedTerm) {
              const found = held === -1 ? 'no entry there' : `term ${held} there`;
              return `${at} keeps the log after snapshot index ${s.lastIncludedIndex}, but the disk has ${found}, not term ${s.lastIncludedTerm} (Figure 13, receiver 6)`;
            }
          }
          log.compact(s, !op.discardLog);
          break;
        }
      }
    }
    return null;
  }
}

/**
 * Replays `ops` in order over `disk` and says why one of them could not have
 * come from a correct node writing that disk, or null (with the resulting
 * snapshot and last index). `ops` must already be well-formed (schema-
 * checked); `members` bounds votedFor; the rules are DiskReplay's.
 */
export function persistOpsProblem(
  ops: readonly PersistOp[],
  disk: DiskView,
  members: ReadonlySet<NodeId>,
  secondVoteAllowed = false,
): { problem: string } | { problem: null; after: DiskAfter } {
  const replay = new DiskReplay(disk, members, secondVoteAllowed);
  const problem = replay.apply(ops);
  return problem === null ? { problem: null, after: replay.after } : { problem };
}
