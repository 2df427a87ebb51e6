/**
 * The state one node's modules share (as etcd-io/raft's `raft` struct is
 * shared by its files): Figure 2's persistent and volatile state, the
 * timers, candidate and leader bookkeeping, and the outbox that `takeReady`
 * drains. Internal to src/raft: RaftNode owns it and exposes read-only
 * getters; election.ts, replication.ts and snapshot.ts act on it.
 */
import type { ResolvedConfig } from './config';
import { KvStateMachine } from './kv';
import { RaftLog } from './log';
import type { ProgressTracker } from './progress';
import type { Why } from './reasons';
import { NONE, type CoreEvent, type Message, type NodeId, type PersistOp, type PersistentState, type Ready, type Role } from './types';

/** Role changes, which only RaftNode makes (§5.1's state diagram, Figure 4). */
export interface RoleTransitions {
  /** To follower of `term` (a new term clears the vote), knowing `leader` (or NONE). */
  becomeFollower(term: number, leader: NodeId, now: number, why: Why): void;
  /** A candidate that won its election (§5.2). */
  becomeLeader(now: number): void;
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
