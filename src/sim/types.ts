/**
 * The public surface of the headless cluster. This is a contract: tests, the
 * UI store, lessons and benchmarks rely on these names.
 */
import type { Configuration, CoreEvent, Entry, FaultName, Message, MessageType, NodeId, Role } from '../raft';

export type { FaultName } from '../raft';
import type { ClusterCheckpoint } from './checkpoint';

export interface NetworkOptions {
  /** One-way delay of each message, virtual ms, uniform in [min, max]. Default [1, 10]. */
  delayMs?: [number, number];
  /** Probability that a message is lost, 0..1. Default 0. */
  dropRate?: number;
  /** Probability that a message is delivered twice, 0..1. Default 0. */
  duplicateRate?: number;
  /** Fraction of messages held back much longer (the MIT lab's "long reordering"), 0..1. Default 0. */
  longDelayRate?: number;
  /** Delay of those, virtual ms, uniform in [min, max]. Default [200, 2200]. */
  longDelayMs?: [number, number];
}

export interface ClusterOptions {
  /** Cluster size; node ids are 1..nodes. */
  nodes: number;
  /** Same seed + same calls ⇒ identical history. Default 1. */
  seed?: number;
  /** Where nodes run: 'inline' (this thread) or 'worker' (one Web Worker each). */
  transport?: 'inline' | 'worker';
  /** Election timeout range, virtual ms. Default [150, 300]. */
  electionTimeoutMs?: [number, number];
  /** Leader heartbeat interval, virtual ms. Default 50. */
  heartbeatMs?: number;
  network?: NetworkOptions;
  /** Compact a node's log once it holds more than this many entries past the snapshot. Default: never. */
  snapshotThreshold?: number;
  /** Append a no-op entry when a leader is elected (§8). Default false. */
  leaderNoop?: boolean;
  /**
   * Worker transport: names the cluster's IndexedDB databases. A cluster made
   * with the key of an earlier one resumes from its disks (page reload). If
   * omitted, fresh databases are used and deleted by destroy().
   */
  storageKey?: string;
  /**
   * Lab bug switches, each breaking one rule of the paper on purpose (see
   * FaultName; src/raft/faults.ts). Default none. Unknown names are refused.
   */
  faults?: readonly FaultName[];
  /**
   * Thesis §9.6, default false. A node whose election timer fires first asks
   * "would you vote for me?" (PreVote/PreVoteReply, term not raised); only
   * with a majority of yeses does it start a real election.
   */
  preVote?: boolean;
  /**
   * Thesis §6.2 and §4.2.3, default false. A leader that has not heard from
   * a majority within an election timeout steps down; followers that heard
   * from a leader within the minimum election timeout ignore (Pre)RequestVote.
   */
  checkQuorum?: boolean;
  /**
   * Worker transport with a `storageKey` only: the membership the earlier
   * cluster on these disks had when the page went away (issue 13's addNode
   * and removeNode), so a reload brings back every node it had, added ones
   * included, and not the removed ones. Each node in `current` recovers
   * from its own disk; an added one learns its configuration from its log
   * (thesis §4.1). Not part of creationOptions(): a replay or a link starts
   * from the founding nodes.
   */
  membership?: ResumedMembership;
}

/** The node ids a stored cluster had (ClusterOptions.membership). */
export interface ResumedMembership {
  /** The highest id it ever had (ids are never reused): nodes..highest. */
  readonly highest: NodeId;
  /** Its nodes then, in id order: not removed. At least one. */
  readonly current: readonly NodeId[];
}

/** What one node looks like now (a crashed node: what is on its disk). */
export interface NodeView {
  readonly id: NodeId;
  readonly alive: boolean;
  readonly role: Role;
  readonly term: number;
  /** 0 when it has not voted in this term. */
  readonly votedFor: NodeId;
  readonly commitIndex: number;
  readonly lastApplied: number;
  /** Entries after the snapshot. */
  readonly log: readonly Entry[];
  readonly snapshotIndex: number;
  readonly snapshotTerm: number;
  /** The leader whose AppendEntries it last accepted this term (0: none known). */
  readonly leader: NodeId;
  /** Leader only: next index to send to each follower (Figure 2). */
  readonly nextIndex?: Readonly<Record<number, number>>;
  /** Leader only: highest index known replicated on each follower (Figure 2). */
  readonly matchIndex?: Readonly<Record<number, number>>;
  /** Candidate only: who has granted it a vote this term, itself included. */
  readonly votes: readonly NodeId[];
  /** Virtual ms when its election timer fires (Infinity for a leader or a crashed node). */
  readonly electionDeadline: number;
  /** Length of its current randomized election timeout, virtual ms. */
  readonly electionTimeout: number;
  /** The replicated key–value state (what it has applied). */
  readonly kv: Readonly<Record<string, string>>;
  /**
   * The configuration in force at that node: its latest configuration entry,
   * committed or not (thesis §4.1); before any, the snapshot's, else the
   * initial one (every founding node a voter; empty for an added node that
   * has not heard from the leader yet).
   */
  readonly config: { readonly voters: readonly NodeId[]; readonly learners: readonly NodeId[] };
  /** Thesis §9.6: a follower asking for pre-votes (its term not yet raised). */
  readonly preCandidate: boolean;
  /** Leader only: the node it is handing leadership to (thesis §3.10), 0 if none. */
  readonly transferee: NodeId;
  /** Leader only: a configuration change is uncommitted, or held until an entry of its term commits (thesis §4.1). */
  readonly configChangePending: boolean;
}

export type { Configuration };

/** A message the network holds, from send until delivery or drop. */
export interface InFlightMessage {
  /** Unique per cluster, increasing in send order. */
  readonly id: number;
  readonly from: NodeId;
  readonly to: NodeId;
  readonly type: MessageType;
  /** Virtual ms it was sent. */
  readonly sentAt: number;
  /** Virtual ms it will be delivered (if nothing drops it first). */
  readonly deliverAt: number;
  readonly payload: Message;
  /** True for the extra copy made by the network's duplication. */
  readonly duplicate: boolean;
}

/** What a node's disk holds, in brief. */
export interface DiskSummary {
  readonly term: number;
  readonly votedFor: NodeId;
  readonly lastIndex: number;
  readonly snapshotIndex: number;
}

export type DropReason = 'lost' | 'link down' | 'receiver crashed' | 'by user';

/** Events of the network and of node lifecycles; `at` is virtual ms. */
export type NetworkEvent =
  | { readonly kind: 'send'; readonly at: number; readonly message: InFlightMessage }
  | { readonly kind: 'duplicate'; readonly at: number; readonly message: InFlightMessage }
  | { readonly kind: 'deliver'; readonly at: number; readonly message: InFlightMessage }
  | { readonly kind: 'drop'; readonly at: number; readonly message: InFlightMessage; readonly reason: DropReason }
  /** `cause`: the user crashed it, restarted it, or it failed (always set by the cluster). */
  | {
      readonly kind: 'crash';
      readonly at: number;
      readonly node: NodeId;
      readonly reason: string;
      readonly cause?: 'user' | 'restart' | 'failure';
    }
  | { readonly kind: 'restart'; readonly at: number; readonly node: NodeId }
  /** addNode() created the node (empty disk, alive); the leader was asked to add it (thesis §4.2.1). */
  | { readonly kind: 'added'; readonly at: number; readonly node: NodeId }
  /** The node's removal was committed (thesis §4.1): it was shut down and left `ids`. */
  | { readonly kind: 'removed'; readonly at: number; readonly node: NodeId; readonly index: number }
  /** A node's first life in this page began from a disk that was not empty (a reload resumed it). */
  | ({ readonly kind: 'recover'; readonly at: number; readonly node: NodeId } & DiskSummary)
  /** The node's hard state or log reached its disk before anything that depends on it was sent. */
  | ({ readonly kind: 'persist'; readonly at: number; readonly node: NodeId } & DiskSummary)
  /** A user action on the network (cable, link, partition, settings — the new settings as data). */
  | { readonly kind: 'network'; readonly at: number; readonly action: string; readonly settings?: NetworkOptions }
  /** Something went wrong at the edge (bad worker message, worker exception). */
  | { readonly kind: 'error'; readonly at: number; readonly node: NodeId | null; readonly message: string };

/** Everything that happens in a cluster, in order. */
export type ClusterEvent = CoreEvent | NetworkEvent;

/**
 * Where an action took effect: the virtual time and, exactly, how many events
 * the run had taken before it (deliveries, drops on arrival, timer firings —
 * what one `step()` takes). Two actions at the same millisecond, or an
 * action and an event due in the same millisecond, are thereby ordered.
 */
export interface ActionPosition {
  /** Virtual ms it took effect. */
  readonly at: number;
  /**
   * Events taken before it (`Cluster.processed()` then). Every action
   * `actions()` returns has it; a recording without it (made before it
   * existed) is replayed by time alone.
   */
  readonly after?: number;
}

/**
 * A user action, stamped with where it took effect. The seed, the options
 * and this log determine a run completely: `replayActions` rebuilds it.
 */
export type ClusterAction = ActionPosition & ActionBody;

/** What an action did, without its position. */
export type ActionBody =
  | { readonly kind: 'start'; readonly id: NodeId; readonly command: string }
  | { readonly kind: 'timeout' | 'crash' | 'restart' | 'disconnect' | 'connect'; readonly id: NodeId }
  | { readonly kind: 'setLink'; readonly from: NodeId; readonly to: NodeId; readonly up: boolean }
  | { readonly kind: 'partition'; readonly groups: readonly (readonly NodeId[])[] }
  | { readonly kind: 'heal' | 'alignTimers' | 'spreadTimers' }
  | { readonly kind: 'setNetwork'; readonly opts: NetworkOptions }
  | { readonly kind: 'dropMessage'; readonly id: number }
  | { readonly kind: 'transferLeadership'; readonly from: NodeId; readonly to: NodeId }
  /** `id`: the node it created (replay checks it gets the same). */
  | { readonly kind: 'addNode'; readonly id: NodeId }
  | { readonly kind: 'removeNode'; readonly id: NodeId };

export interface ClusterStats {
  /** Messages sent by nodes (requests and replies); duplicates and drops are not extra sends. */
  messages: number;
  /** Sum of their JSON sizes. */
  bytes: number;
  /** Messages sent, by type. */
  byType: Record<string, number>;
}

export interface StartResult {
  index: number;
  term: number;
  isLeader: boolean;
}

export interface Cluster {
  /** The nodes now, in id order: 1..nodes at creation; addNode() adds, a committed removal takes away. */
  readonly ids: readonly NodeId[];
  /** Virtual ms since creation. */
  now(): number;
  /** Advances virtual time by `ms`, processing every due event. */
  runFor(ms: number): Promise<void>;
  /** Runs until `pred()` holds (checked after each event) or `maxMs` pass; resolves whether it held. */
  runUntil(pred: () => boolean, maxMs: number): Promise<boolean>;
  /** Processes the next due event only (advancing the clock to it); resolves false when nothing is queued. */
  step(): Promise<boolean>;
  /** Like the MIT lab's Start(): proposes `command` at node `id`; no virtual time passes. */
  start(id: NodeId, command: string): Promise<StartResult>;
  /** Fires the node's election timer now (no effect on a leader or a crashed node). */
  timeout(id: NodeId): Promise<void>;
  /**
   * Every live node that is not a leader gets an election timer that fires
   * at the same moment, now + electionTimeoutMs[0]: they all time out
   * together, an instant split vote. No virtual time passes. A lab control
   * (RaftScope's), not part of Raft; recorded as an 'alignTimers' action.
   */
  alignTimers(): Promise<void>;
  /**
   * Every live node that is not a leader gets an election timer spread
   * evenly over [now + min, now + max] of electionTimeoutMs, in id order (the
   * lowest id first), so one node clearly times out first. No virtual time
   * passes. A lab control; recorded as a 'spreadTimers' action.
   */
  spreadTimers(): Promise<void>;
  /** Volatile state lost; in-flight messages to it dropped. */
  crash(id: NodeId): Promise<void>;
  /** A fresh node from its stored state (a live node is crashed first); links unchanged. */
  restart(id: NodeId): Promise<void>;
  /** Unplugs the node's network cable. */
  disconnect(id: NodeId): void;
  /** Plugs it back in. */
  connect(id: NodeId): void;
  /** Sets one direction of one link. */
  setLink(from: NodeId, to: NodeId, up: boolean): void;
  /** Cuts every link between different groups and restores links within each group; unlisted nodes are cut off. */
  partition(groups: NodeId[][]): void;
  /** All links up (cables unchanged). */
  heal(): void;
  setNetwork(opts: NetworkOptions): void;
  /** The current network settings. */
  network(): Required<NetworkOptions>;
  /** Is the directed link from → to up? (Cables not considered.) */
  linkUp(from: NodeId, to: NodeId): boolean;
  /** Is the node's cable plugged in? */
  connected(id: NodeId): boolean;
  /** Drops one in-flight message by id (the UI's click); false if it is no longer in flight. */
  dropMessage(id: number): boolean;
  /**
   * Thesis §3.10. No virtual time passes. false (and nothing changes) if
   * `from` is not a live leader (or `to` is not another voter of its
   * configuration). The leader stops taking proposals, catches `to` up,
   * sends it TimeoutNow; `to` starts an election at once. If it has not
   * happened within an election timeout, the transfer is abandoned and the
   * leader takes proposals again. Unknown ids throw an Error naming the
   * argument. Recorded as a 'transferLeadership' action.
   */
  transferLeadership(from: NodeId, to: NodeId): Promise<boolean>;
  /**
   * Creates node (highest id ever + 1) with an empty disk, alive, and asks
   * the live leader with the highest term to add it: first as a non-voting
   * learner until it has caught up, then by a configuration entry (thesis
   * §4.2.1). Resolves with the new id at once (no virtual time passes); the
   * new id is in `ids` immediately. Throws (creating nothing) when there is
   * no live leader or a configuration change is still uncommitted.
   */
  addNode(): Promise<number>;
  /**
   * Asks that leader to remove `id` by a configuration entry (thesis §4.1).
   * A removed leader keeps leading until the entry commits, then steps down
   * (§4.2.2). Once its removal is committed the node is shut down and leaves
   * `ids` (node(id) then throws like any unknown id). Throws (changing
   * nothing) when there is no live leader, a configuration change is still
   * uncommitted, or for an unknown id or the last voter.
   */
  removeNode(id: NodeId): Promise<void>;
  node(id: NodeId): NodeView;
  /** Every apply since creation, across restarts. */
  applied(id: NodeId): readonly { index: number; command: string }[];
  inFlight(): readonly InFlightMessage[];
  subscribe(listener: (e: ClusterEvent) => void): () => void;
  /** The most recent events, at most TRACE_LIMIT of them. */
  trace(): readonly ClusterEvent[];
  stats(): ClusterStats;
  /** Every user action so far, in order, with its exact position (for replay and sharing). */
  actions(): readonly ClusterAction[];
  /**
   * The options it was made with, every one resolved (the network as at
   * creation: later settings are 'setNetwork' actions). With actions() they
   * rebuild the run: a fresh cluster of these options replays it exactly.
   */
  creationOptions(): ResolvedClusterOptions;
  /**
   * Events taken since creation (deliveries, drops on arrival, timer
   * firings: each `step()` takes one). With `now()` it is the run's exact
   * position; an action taken now records it as `after`.
   */
  processed(): number;
  /**
   * Runs to an exact position: every event due before `at` ms, then single
   * events until `after` events have been taken since creation, then the
   * clock to `at`. Rejects, naming the position, if the run is already past
   * it or cannot reach it (the queue disagrees with the recording).
   */
  runToPosition(after: number, at: number): Promise<void>;
  /**
   * The whole simulation now (every node's durable and volatile state, the
   * queue, the network, the PRNGs, the clock and position, the trace's
   * length, the actions so far, the stats), immutable and structured-
   * clonable; `restoreCluster(checkpoint)` builds a cluster whose future is
   * exactly this one's. Inline transport only (a worker keeps its node's
   * volatile state to itself: the worker transport throws); throws while a
   * call is still working — await it first.
   */
  checkpoint(): ClusterCheckpoint;
  destroy(): Promise<void>;
}

/** ClusterOptions with every default filled in (Cluster.creationOptions()); storageKey '' when none was given. */
export interface ResolvedClusterOptions {
  readonly nodes: number;
  readonly seed: number;
  readonly transport: 'inline' | 'worker';
  /** (Frozen, like the whole object; typed as ClusterOptions takes it.) */
  readonly electionTimeoutMs: [number, number];
  readonly heartbeatMs: number;
  readonly network: Required<NetworkOptions>;
  readonly snapshotThreshold: number;
  readonly leaderNoop: boolean;
  readonly storageKey: string;
  /** The bug switches on, without repeats, in FAULT_NAMES order; [] for a correct Raft. */
  readonly faults: readonly FaultName[];
  readonly preVote: boolean;
  readonly checkQuorum: boolean;
}
