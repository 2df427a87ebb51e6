/**
 * The state one node's modules share (as etcd-io/raft's `raft` struct is
 * shared by its files): Figure 2's persistent and volatile state, the
 * timers, candidate and leader bookkeeping, and the outbox that `takeReady`
 * drains. Internal to src/raft: RaftNode owns it and exposes read-only
 * getters; election.ts, replication.ts and snapshot.ts act on it.
 */
import type { ResolvedConfig } from './config';
import { configOfLog } from './configuration';
import { KvStateMachine } from './kv';
import { RaftLog } from './log';
import type { ProgressTracker } from './progress';
import { majority } from './quorum';
import type { Why } from './reasons';
import {
  NONE,
  type ConfChange,
  type Configuration,
  type CoreEvent,
  type Message,
  type NodeId,
  type PersistOp,
  type PersistentState,
  type Ready,
  type Role,
} from './types';

/** Role changes, which only RaftNode makes (§5.1's state diagram, Figure 4). */
export interface RoleTransitions {
  /** To follower of `term` (a new term clears the vote), knowing `leader` (or NONE). */
  becomeFollower(term: number, leader: NodeId, now: number, why: Why): void;
  /** A candidate that won its election (§5.2). */
  becomeLeader(now: number): void;
  /**
   * §5.2: a new term, a vote for itself, RequestVote to the voters (after a
   * won pre-vote, thesis §9.6; or at once, `transfer`, on TimeoutNow, §3.10).
   */
  campaign(now: number, why: Why, transfer?: boolean): void;
}

export class NodeState {
  readonly id: NodeId;

  // Persistent state on all servers (Figure 2).
  currentTerm: number;
  votedFor: NodeId;
  /** The log and the snapshot it starts after. */
  readonly log: RaftLog;

  // Volatile state on all servers (Figure 2).
  role: Role = 'follower';
  commitIndex: number;
  lastApplied: number;
  leader: NodeId = NONE;
  readonly sm = new KvStateMachine();

  // Membership (configuration.ts, thesis §4.1): the configuration in force
  // (the latest in the log), the index of the entry holding it (0: the
  // initial one), and what follows from it.
  conf: Configuration;
  confIndex = 0;
  /** Every member but this node: voters and learners (a leader replicates to all). */
  peers: readonly NodeId[] = [];
  /** Votes (or replicas) that make a majority of the voters (§5.2, §5.3). */
  quorum = 1;
  /** A leader's change held until an entry of its term commits (the 2015 fix; configuration.ts). */
  pendingChange: ConfChange | null = null;

  // Leadership transfer (thesis §3.10): the target, and when to give up.
  transferee: NodeId = NONE;
  transferDeadlineMs = Infinity;

  // PreVote (thesis §9.6) and CheckQuorum (§6.2, §4.2.3).
  /** A follower asking for pre-votes (its term unchanged); `votes` holds the yeses. */
  preCandidate = false;
  /** Virtual ms this node last heard from its leader (-Infinity: never this life). */
  leaderContactAt = -Infinity;
  /** A leader's voters heard from since its last quorum check. */
  readonly recentActive = new Set<NodeId>();
  /** A leader's next quorum check (CheckQuorum on), virtual ms. */
  checkQuorumDeadlineMs = Infinity;

  // Timers, absolute virtual ms.
  electionDeadlineMs = 0;
  electionTimeoutMs = 0;
  heartbeatDeadlineMs = Infinity;

  // Candidate and leader state.
  readonly votes = new Set<NodeId>();
  readonly progress: ProgressTracker = new Map();

  // Output buffers (drained by takeReady).
  persistOut: PersistOp[] = [];
  messagesOut: Message[] = [];
  eventsOut: CoreEvent[] = [];
  /** currentTerm or votedFor changed since the last takeReady (persisted first). */
  hardStateDirty = false;
  /** Virtual time of the input being handled, stamped on events. */
  now: number;

  constructor(
    readonly config: ResolvedConfig,
    stored: PersistentState,
    now: number,
    readonly roles: RoleTransitions,
  ) {
    this.id = config.id;
    this.now = now;
    this.currentTerm = stored.hardState.term;
    this.votedFor = stored.hardState.votedFor;
    this.log = new RaftLog(stored.snapshot, stored.entries);
    this.commitIndex = this.log.snapshotIndex;
    this.lastApplied = this.log.snapshotIndex;
    // §4.1: the latest configuration in the log (or the snapshot's, thesis §5.1.1).
    const inForce = configOfLog(this.log, config.initial);
    this.conf = inForce.config;
    this.setConf(inForce.config, inForce.index);
  }

  /** Puts a configuration in force (configuration.ts decides which). */
  setConf(conf: Configuration, index: number): void {
    this.conf = conf;
    this.confIndex = index;
    this.peers = [...conf.voters, ...conf.learners].filter((n) => n !== this.id).sort((a, b) => a - b);
    this.quorum = majority(conf.voters.length);
  }

  /** A leadership transfer event (thesis §3.10), as the leader sees it. */
  emitTransfer(to: NodeId, phase: 'started' | 'timeoutNow' | 'abandoned', reason: string): void {
    this.emit({ at: this.now, kind: 'transfer', node: this.id, term: this.currentTerm, to, phase, reason });
  }

  /** Ends a transfer in progress without an election (thesis §3.10): the leader takes commands again. */
  abandonTransfer(why: string): void {
    const to = this.transferee;
    this.transferee = NONE;
    this.transferDeadlineMs = Infinity;
    this.emitTransfer(to, 'abandoned', `node ${to} ${why}, so it takes commands again (§3.10)`);
  }

  /** Is this node a voter of the configuration in force? Only voters campaign (§4.2.1). */
  get isVoter(): boolean {
    return this.conf.voters.includes(this.id);
  }

  /** Is this voter one of the configuration in force? (Votes and acks count only from voters.) */
  voter(id: NodeId): boolean {
    return this.conf.voters.includes(id);
  }

  /**
   * Thesis §9.6 and §4.2.3: has this node heard from a current leader within
   * the minimum election timeout (a leader is its own)? Such a node will not
   * help start an election.
   */
  inLease(now: number): boolean {
    if (this.role === 'leader') return true;
    return this.leader !== NONE && now - this.leaderContactAt < this.config.electionTimeoutMs[0];
  }

  emit(event: CoreEvent): void {
    this.eventsOut.push(event);
  }

  send(message: Message): void {
    this.messagesOut.push(message);
  }

  persist(op: PersistOp): void {
    this.persistOut.push(op);
  }

  /** Takes what the node produced since the last call: the hard state first if it changed, then the ops in order. */
  drain(): Ready {
    const persist = this.persistOut;
    if (this.hardStateDirty) {
      // FAULT (lab bug switch): 'forget-vote-on-restart' breaks Figure 2
      // ("votedFor ... updated on stable storage before responding to RPCs")
      // and so §5.2's one vote per term: the vote is kept in memory but
      // written to disk as none, so a node restarted in the same term can
      // vote again (Election Safety). The rule is about what reaches stable
      // storage, so the switch sits where the core hands out its hard state.
      const votedFor = this.config.faultSet.has('forget-vote-on-restart') ? NONE : this.votedFor;
      persist.unshift({ kind: 'hardState', hardState: { term: this.currentTerm, votedFor } });
      this.hardStateDirty = false;
    }
    const ready: Ready = { persist, messages: this.messagesOut, events: this.eventsOut };
    this.persistOut = [];
    this.messagesOut = [];
    this.eventsOut = [];
    return ready;
  }

  get lastIndex(): number {
    return this.log.lastIndex;
  }

  get lastTerm(): number {
    return this.log.lastTerm;
  }

  /** Term of the entry at `index`, or -1 if this node does not know it. */
  termAt(index: number): number {
    return this.log.termAt(index);
  }

  /** §5.2: "election timeouts are chosen randomly from a fixed interval". */
  resetElectionTimer(now: number): void {
    const [min, max] = this.config.electionTimeoutMs;
    this.electionTimeoutMs = min + Math.floor(this.config.random() * (max - min + 1));
    this.electionDeadlineMs = now + this.electionTimeoutMs;
  }
}
