/**
 * A node's volatile state as plain data, and back: what a lab checkpoint
 * keeps of a running node beside its disk (the durable part: currentTerm,
 * votedFor, the log and the snapshot, Figure 2 and §7). Not part of Raft —
 * a real server never resumes volatile state; after a crash it starts from
 * its disk alone (§5.1). This lets the lab rewind and fork a run exactly.
 */
import { Progress, type ProgressRecord } from './progress';
import type { NodeState } from './state';
import type { ConfChange, NodeId, Role } from './types';

/** Everything of a node's life that is not on its disk. Structured-clonable. */
export interface CoreVolatile {
  readonly role: Role;
  readonly commitIndex: number;
  readonly lastApplied: number;
  readonly leader: NodeId;
  /** The state machine's whole state (what it has applied). */
  readonly kv: Readonly<Record<string, string>>;
  readonly electionDeadlineMs: number;
  readonly electionTimeoutMs: number;
  readonly heartbeatDeadlineMs: number;
  /** A candidate's granted votes, itself included. */
  readonly votes: readonly NodeId[];
  /** A leader's per-follower progress, by peer. */
  readonly progress: readonly (readonly [NodeId, ProgressRecord])[];
  /** Virtual time of the last input. */
  readonly now: number;
  // The thesis's extensions (absent in checkpoints made before them: defaults).
  /** Thesis §9.6: asking for pre-votes; `votes` then holds the yeses. */
  readonly preCandidate?: boolean;
  /** Thesis §9.6, §4.2.3: when it last heard from its leader (null: never this life). */
  readonly leaderContactAt?: number | null;
  /** Thesis §6.2: a leader's voters heard from since its last quorum check, and the next check. */
  readonly recentActive?: readonly NodeId[];
  readonly checkQuorumDeadlineMs?: number;
  /** Thesis §3.10: a transfer's target (0: none) and when it is abandoned. */
  readonly transferee?: NodeId;
  readonly transferDeadlineMs?: number;
  /** A change held until an entry of the leader's term commits (the 2015 fix). */
  readonly pendingChange?: ConfChange | null;
}

/** Reads the volatile state. The outbox must be empty (taken by takeReady). */
export function saveVolatile(s: NodeState): CoreVolatile {
  if (s.hardStateDirty || s.persistOut.length > 0 || s.messagesOut.length > 0 || s.eventsOut.length > 0) {
    throw new Error(`node ${s.id} has output not yet taken (call takeReady first)`);
  }
  return {
    role: s.role,
    commitIndex: s.commitIndex,
    lastApplied: s.lastApplied,
    leader: s.leader,
    kv: s.sm.snapshot(),
    electionDeadlineMs: s.electionDeadlineMs,
    electionTimeoutMs: s.electionTimeoutMs,
    heartbeatDeadlineMs: s.heartbeatDeadlineMs,
    votes: [...s.votes],
    progress: [...s.progress].map(([peer, pr]) => [peer, pr.toRecord()] as const),
    now: s.now,
    preCandidate: s.preCandidate,
    // Infinity does not survive JSON: null stands for "never".
    leaderContactAt: Number.isFinite(s.leaderContactAt) ? s.leaderContactAt : null,
    recentActive: [...s.recentActive],
    checkQuorumDeadlineMs: s.checkQuorumDeadlineMs,
    transferee: s.transferee,
    transferDeadlineMs: s.transferDeadlineMs,
    pendingChange: s.pendingChange,
  };
}

/** Puts saved volatile state back on a node freshly built from the same disk; its outbox is emptied. */
export function loadVolatile(s: NodeState, v: CoreVolatile): void {
  s.drain(); // what building it produced (a 'restored' snapshot event) is not news
  s.role = v.role;
  s.commitIndex = v.commitIndex;
  s.lastApplied = v.lastApplied;
  s.leader = v.leader;
  s.sm.restore(v.kv);
  s.electionDeadlineMs = v.electionDeadlineMs;
  s.electionTimeoutMs = v.electionTimeoutMs;
  s.heartbeatDeadlineMs = v.heartbeatDeadlineMs;
  s.votes.clear();
  for (const id of v.votes) s.votes.add(id);
  s.progress.clear();
  for (const [peer, record] of v.progress) s.progress.set(peer, Progress.fromRecord(record));
  s.now = v.now;
  s.preCandidate = v.preCandidate ?? false;
  s.leaderContactAt = v.leaderContactAt ?? -Infinity;
  s.recentActive.clear();
  for (const id of v.recentActive ?? []) s.recentActive.add(id);
  s.checkQuorumDeadlineMs = v.checkQuorumDeadlineMs ?? Infinity;
  s.transferee = v.transferee ?? 0;
  s.transferDeadlineMs = v.transferDeadlineMs ?? Infinity;
  s.pendingChange = v.pendingChange ?? null;
}
