/**
 * Data types of the pure Raft core. Everything here is plain, immutable once
 * created, and structured-clonable, so the same values travel through a Web
 * Worker's postMessage and into IndexedDB unchanged.
 *
 * Names follow the paper (Ongaro & Ousterhout, "In Search of an
 * Understandable Consensus Algorithm", extended version, Figure 2).
 */

import type { Why } from './reasons';

/** A node's id: 1..n. 0 means "nobody" (no vote, no known leader). */
export type NodeId = number;
export const NONE: NodeId = 0;

/**
 * A cluster configuration (thesis §4.1): the servers whose votes count
 * (`voters`), and the non-voting members a leader replicates to while they
 * catch up (`learners`, thesis §4.2.1). Both sorted, disjoint.
 */
export interface Configuration {
  readonly voters: readonly NodeId[];
  readonly learners: readonly NodeId[];
}

/** One log entry (§5.3). Entries are never mutated after creation. */
export interface Entry {
  /** Position in the log, starting at 1. */
  readonly index: number;
  /** Term of the leader that created the entry. */
  readonly term: number;
  /** The client's command, opaque to Raft. `''` marks a leader no-op (§8) or a configuration entry. */
  readonly command: string;
  /**
   * Set only on a configuration entry (thesis §4.1), a log entry kind of its
   * own: the whole new configuration. It takes effect on each server as soon
   * as it is in that server's log, committed or not; its command is `''`.
   */
  readonly config?: Configuration;
}

/** A single-server change (thesis §4.1, §4.2.1): one at a time. */
export type ConfChange =
  /** Add a new server as a non-voting learner (it catches up first). */
  | { readonly kind: 'addLearner'; readonly node: NodeId }
  /** Make a caught-up learner a voter. */
  | { readonly kind: 'promote'; readonly node: NodeId }
  /** Remove a voter or a learner. */
  | { readonly kind: 'remove'; readonly node: NodeId };

export type Role = 'follower' | 'candidate' | 'leader';

/** State the paper requires on stable storage before answering RPCs (Figure 2). */
export interface HardState {
  readonly term: number;
  readonly votedFor: NodeId;
}

/** A snapshot of the replicated state machine (§7). */
export interface Snapshot {
  /** The last log index the snapshot replaces. */
  readonly lastIncludedIndex: number;
  /** The term of that entry. */
  readonly lastIncludedTerm: number;
  /** The state machine's state, as produced by `StateMachine.snapshot()`. */
  readonly data: Readonly<Record<string, string>>;
  /**
   * The latest configuration as of lastIncludedIndex (thesis §5.1.1: a
   * snapshot keeps the configuration, since the entries that held it are
   * gone). Absent: the initial configuration, as before any change.
   */
  readonly config?: Configuration;
}

/** Everything a node keeps on disk; what a restart recovers from. */
export interface PersistentState {
  readonly hardState: HardState;
  readonly snapshot: Snapshot | null;
  /** Entries after the snapshot, consecutive, starting at snapshot index + 1. */
  readonly entries: readonly Entry[];
}

/** Fields every RPC carries. */
interface MessageBase {
  readonly from: NodeId;
  readonly to: NodeId;
  /** Sender's currentTerm (Figure 2: every RPC and reply carries it). */
  readonly term: number;
}

/** Figure 2, RequestVote RPC arguments. `from` is the candidateId. */
export interface RequestVote extends MessageBase {
  readonly type: 'RequestVote';
  readonly lastLogIndex: number;
  readonly lastLogTerm: number;
  /**
   * Set when the candidate campaigns because its leader handed leadership
   * over (thesis §3.10, TimeoutNow): voters then answer even inside a
   * leader lease (CheckQuorum, thesis §4.2.3), as in etcd's campaignTransfer.
   */
  readonly transfer?: true;
}

/**
 * Thesis §9.6, the Pre-Vote phase: "would you vote for me?" `term` is the
 * term the sender would campaign in (its currentTerm + 1); it does not raise
 * anyone's term. Fields as RequestVote's.
 */
export interface PreVote extends MessageBase {
  readonly type: 'PreVote';
  readonly lastLogIndex: number;
  readonly lastLogTerm: number;
}

/** The answer to a PreVote: `term` is the PreVote's term if granted, else the voter's currentTerm. */
export interface PreVoteReply extends MessageBase {
  readonly type: 'PreVoteReply';
  readonly voteGranted: boolean;
}

/** Thesis §3.10: a leader handing over tells the caught-up target to start an election now. */
export interface TimeoutNow extends MessageBase {
  readonly type: 'TimeoutNow';
}

export interface RequestVoteReply extends MessageBase {
  readonly type: 'RequestVoteReply';
  readonly voteGranted: boolean;
}

/** Figure 2, AppendEntries RPC arguments. `from` is the leaderId. */
export interface AppendEntries extends MessageBase {
  readonly type: 'AppendEntries';
  readonly prevLogIndex: number;
  readonly prevLogTerm: number;
  /** Empty for a heartbeat. */
  readonly entries: readonly Entry[];
  readonly leaderCommit: number;
}

export interface AppendEntriesReply extends MessageBase {
  readonly type: 'AppendEntriesReply';
  readonly success: boolean;
  /** The request's prevLogIndex, so the leader can ignore stale replies. */
  readonly prevLogIndex: number;
  /** On success: the index of the last entry known to match the leader's log. */
  readonly matchIndex: number;
  /**
   * On failure, the fast-backtracking hints (§5.3, "the follower can include
   * the term of the conflicting entry and the first index it stores for that
   * term"): conflictTerm is 0 when the follower has no entry at prevLogIndex,
   * and conflictIndex is then its last index + 1. Both are 0 when the request
   * was refused for a stale term.
   */
  readonly conflictIndex: number;
  readonly conflictTerm: number;
}

/** Figure 13, InstallSnapshot RPC (sent whole: one chunk, offset 0, done). */
export interface InstallSnapshot extends MessageBase {
  readonly type: 'InstallSnapshot';
  readonly snapshot: Snapshot;
}

export interface InstallSnapshotReply extends MessageBase {
  readonly type: 'InstallSnapshotReply';
  /**
   * The lastIncludedIndex of the snapshot being acknowledged; 0 when it was
   * refused for a stale term (the reply then only carries the newer term).
   */
  readonly lastIncludedIndex: number;
}

export type Message =
  | RequestVote
  | RequestVoteReply
  | AppendEntries
  | AppendEntriesReply
  | InstallSnapshot
  | InstallSnapshotReply
  | PreVote
  | PreVoteReply
  | TimeoutNow;

export type MessageType = Message['type'];

export const MESSAGE_TYPES: readonly MessageType[] = [
  'RequestVote',
  'RequestVoteReply',
  'AppendEntries',
  'AppendEntriesReply',
  'InstallSnapshot',
  'InstallSnapshotReply',
  'PreVote',
  'PreVoteReply',
  'TimeoutNow',
];

/**
 * A change to stable storage, in the order it must be applied. The host must
 * make every op durable before it sends any message of the same Ready
 * (Figure 2: "Updated on stable storage before responding to RPCs").
 */
export type PersistOp =
  | { readonly kind: 'hardState'; readonly hardState: HardState }
  /** Drop every entry at index >= fromIndex, then append `entries` (which start at fromIndex). */
  | { readonly kind: 'entries'; readonly fromIndex: number; readonly entries: readonly Entry[] }
  /** Replace the snapshot; keep only the entries after its lastIncludedIndex (or none, if `discardLog`). */
  | { readonly kind: 'snapshot'; readonly snapshot: Snapshot; readonly discardLog: boolean };

/**
 * Something the core did, with the reason — `why`, a code with its data (always set by the core; optional so that hand-made and older events still fit)
 * (reasons.ts), and `reason`, its plain wording — for narration, tracing and
 * the safety monitor. `at` is the virtual time (ms) of the input that caused it.
 */
export type CoreEvent =
  /** The node's election timer fired (or it was told to time out): it starts an election (§5.2). */
  | {
      readonly kind: 'timeout';
      readonly at: number;
      readonly node: NodeId;
      readonly term: number;
      readonly why?: Why;
      readonly reason: string;
    }
  | {
      readonly kind: 'role';
      readonly at: number;
      readonly node: NodeId;
      readonly role: Role;
      readonly term: number;
      readonly why?: Why;
      readonly reason: string;
    }
  | {
      readonly kind: 'term';
      readonly at: number;
      readonly node: NodeId;
      readonly term: number;
      readonly why?: Why;
      readonly reason: string;
    }
  /** The node answered a RequestVote (§5.2, §5.4.1). */
  | {
      readonly kind: 'vote';
      readonly at: number;
      readonly node: NodeId;
      readonly term: number;
      readonly candidate: NodeId;
      readonly granted: boolean;
      readonly why?: Why;
      readonly reason: string;
    }
  /** Entries were added to the node's log, after truncating from `truncatedFrom` if not null (§5.3). */
  | {
      readonly kind: 'append';
      readonly at: number;
      readonly node: NodeId;
      readonly term: number;
      readonly fromIndex: number;
      readonly entries: readonly Entry[];
      readonly truncatedFrom: number | null;
    }
  /** The node rejected an AppendEntries (Figure 2, receiver rules 1–2). */
  | {
      readonly kind: 'reject';
      readonly at: number;
      readonly node: NodeId;
      readonly term: number;
      readonly leader: NodeId;
      readonly why?: Why;
      readonly reason: string;
    }
  | { readonly kind: 'commit'; readonly at: number; readonly node: NodeId; readonly term: number; readonly commitIndex: number }
  | {
      readonly kind: 'apply';
      readonly at: number;
      readonly node: NodeId;
      readonly index: number;
      readonly term: number;
      readonly command: string;
    }
  /** Thesis §9.6: the election timer fired and, PreVote on, the node first asks whether it could win `term` (its term is unchanged). */
  | {
      readonly kind: 'preCampaign';
      readonly at: number;
      readonly node: NodeId;
      /** The term it would campaign in. */
      readonly term: number;
      readonly why?: Why;
      readonly reason: string;
    }
  /** Thesis §9.6: the node answered a PreVote (nothing on its disk changed). */
  | {
      readonly kind: 'preVote';
      readonly at: number;
      readonly node: NodeId;
      /** The term the candidate asked about. */
      readonly term: number;
      readonly candidate: NodeId;
      readonly granted: boolean;
      readonly why?: Why;
      readonly reason: string;
    }
  /**
   * The configuration in force at the node changed (thesis §4.1): a
   * configuration entry reached its log (`committed` false), or was
   * committed and applied (`committed` true), or a truncation or snapshot
   * put an earlier one back in force.
   */
  | {
      readonly kind: 'config';
      readonly at: number;
      readonly node: NodeId;
      readonly term: number;
      /** Index of the entry that holds it (0: the initial configuration). */
      readonly index: number;
      readonly config: Configuration;
      readonly committed: boolean;
      /**
       * True when the event puts `config` in force (it is now the latest in the
       * node's log); false when it only reports that the entry at `index` was
       * committed (a later configuration may already be in force).
       */
      readonly inForce: boolean;
      readonly reason: string;
    }
  /** Thesis §3.10 leadership transfer, as the leader sees it. */
  | {
      readonly kind: 'transfer';
      readonly at: number;
      readonly node: NodeId;
      readonly term: number;
      readonly to: NodeId;
      /** started: proposals stop; timeoutNow: the target is caught up and told to campaign; abandoned: no election within an election timeout. */
      readonly phase: 'started' | 'timeoutNow' | 'abandoned';
      readonly reason: string;
    }
  | {
      readonly kind: 'snapshot';
      readonly at: number;
      readonly node: NodeId;
      readonly lastIncludedIndex: number;
      readonly lastIncludedTerm: number;
      readonly reason: 'compacted' | 'installed' | 'restored';
    };

/** What one call into the core produced; returned as data (etcd's Ready). */
export interface Ready {
  /** Make these durable first, in order. */
  readonly persist: PersistOp[];
  /** Then send these. */
  readonly messages: Message[];
  /** What happened, in order. */
  readonly events: CoreEvent[];
}
