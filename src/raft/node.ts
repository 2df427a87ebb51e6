/**
 * The Raft state machine of one node: Figure 2 of Ongaro & Ousterhout plus
 * log compaction (§7, Figure 13). Pure and synchronous, in the style of
 * etcd-io/raft: inputs are `tick`, `step`, `propose` and `timeout`, each
 * given the current virtual time; outputs accumulate as data and are drained
 * with `takeReady()`. No timers, no I/O, no ambient randomness: the host
 * passes a seeded `random`.
 *
 * This file keeps the role transitions (§5.1, Figure 4) and the dispatch of
 * inputs; the rules live beside it: election.ts (§5.2, §5.4.1),
 * replication.ts (§5.3, §5.4.2), snapshot.ts (§7), progress.ts (a leader's
 * per-follower state), quorum.ts (majorities), state.ts (what they share).
 */
import { resolveConfig, type RaftConfig } from './config';
import { handleRequestVote, handleRequestVoteReply, requestVotes } from './election';
import type { KvStateMachine } from './kv';
import { Progress, progressRecords } from './progress';
import {
  appendOwn,
  broadcastHeartbeat,
  handleAppendEntries,
  handleAppendEntriesReply,
  handleInstallSnapshotReply,
  maybeCommit,
  replicateToIdle,
} from './replication';
import { describeWhy, type Why } from './reasons';
import { loadVolatile, saveVolatile, type CoreVolatile } from './resume';
import { handleInstallSnapshot } from './snapshot';
import { NodeState } from './state';
import { NONE, type Entry, type Message, type NodeId, type PersistentState, type Ready, type Role, type Snapshot } from './types';

export type { RaftConfig } from './config';
export type { CoreVolatile } from './resume';
export { Progress, type ProgressState } from './progress';

export class RaftNode {
  readonly id: NodeId;
  private readonly s: NodeState;

  /**
   * Starts a node from what it had on stable storage (all zero for a new
   * node). The state machine is restored from the snapshot, and
   * commitIndex = lastApplied = snapshot index (§7: "the snapshot ... replaces
   * the committed entries"); the rest is relearned from the leader.
   */
  constructor(config: RaftConfig, stored: PersistentState, now: number) {
    this.id = config.id;
    const s = new NodeState(resolveConfig(config), stored, now, {
      becomeFollower: (term, leader, at, why) => this.becomeFollower(term, leader, at, why),
      becomeLeader: (at) => this.becomeLeader(at),
    });
    this.s = s;
    if (stored.snapshot) {
      s.sm.restore(stored.snapshot.data);
      s.emit({
        at: s.now,
        kind: 'snapshot',
        node: s.id,
        lastIncludedIndex: s.log.snapshotIndex,
        lastIncludedTerm: s.log.snapshotTerm,
        reason: 'restored',
      });
    }
    s.resetElectionTimer(now);
  }

  /**
   * A node resumed mid-life from its disk (`stored`) and its saved volatile
   * state: a lab checkpoint, not a Raft recovery (see resume.ts). Building
   * it draws from `config.random`: set the generator back to the state it
   * had at the checkpoint afterwards.
   */
  static resume(config: RaftConfig, stored: PersistentState, saved: CoreVolatile): RaftNode {
    const node = new RaftNode(config, stored, saved.now);
    loadVolatile(node.s, saved);
    return node;
  }

  /** The volatile state as plain data (a lab checkpoint; see resume.ts). Throws if output is waiting. */
  saveVolatile(): CoreVolatile {
    return saveVolatile(this.s);
  }

  // ---------------------------------------------------------------- reading

  get role(): Role {
    return this.s.role;
  }
  get term(): number {
    return this.s.currentTerm;
  }
  get votedFor(): NodeId {
    return this.s.votedFor;
  }
  get leader(): NodeId {
    return this.s.leader;
  }
  get commitIndex(): number {
    return this.s.commitIndex;
  }
  get lastApplied(): number {
    return this.s.lastApplied;
  }
  get snapshotIndex(): number {
    return this.s.log.snapshotIndex;
  }
  get snapshotTerm(): number {
    return this.s.log.snapshotTerm;
  }
  get snapshot(): Snapshot | null {
    return this.s.log.snapshot;
  }
  /** Entries after the snapshot. Read-only view of the live log (entries are frozen). */
  get entries(): readonly Entry[] {
    return this.s.log.tail;
  }
  /** A copy of the entries after the snapshot, unaffected by later changes (shared until the next change). */
  entriesCopy(): readonly Entry[] {
    return this.s.log.copyOfTail();
  }
  get lastIndex(): number {
    return this.s.lastIndex;
  }
  get lastTerm(): number {
    return this.s.lastTerm;
  }
  /** The candidate's granted votes (itself included); empty unless a candidate. */
  get votesGranted(): readonly NodeId[] {
    return [...this.s.votes];
  }
  /** When the election timer fires, virtual ms (Infinity on a leader). */
  get electionDeadline(): number {
    return this.s.role === 'leader' ? Infinity : this.s.electionDeadlineMs;
  }
  /** The randomized length of the current election timeout, virtual ms. */
  get electionTimeout(): number {
    return this.s.electionTimeoutMs;
  }
  /** The leader's per-follower progress; empty on other roles. */
  get progress(): ReadonlyMap<NodeId, Readonly<Progress>> {
    return this.s.progress;
  }
  /** The leader's nextIndex and matchIndex per follower as plain records; null on other roles. */
  progressRecords(): { nextIndex: Record<number, number>; matchIndex: Record<number, number> } | null {
    return this.s.role === 'leader' ? progressRecords(this.s.progress) : null;
  }

  /** The replicated key–value state. */
  get stateMachine(): Readonly<KvStateMachine> {
    return this.s.sm;
  }

  /** The earliest virtual time at which `tick` has something to do. */
  nextDeadline(): number {
    return this.s.role === 'leader' ? this.s.heartbeatDeadlineMs : this.s.electionDeadlineMs;
  }

  /** Term of the entry at `index`, or -1 if this node does not know it. */
  termAt(index: number): number {
    return this.s.termAt(index);
  }

  // ----------------------------------------------------------------- inputs

  /** Advances timers to `now`: an election timeout (§5.2) or a heartbeat. */
  tick(now: number): void {
    const s = this.s;
    s.now = now;
    if (s.role === 'leader') {
      if (now >= s.heartbeatDeadlineMs) {
        s.heartbeatDeadlineMs = now + s.config.heartbeatMs;
        broadcastHeartbeat(s);
      }
    } else if (now >= s.electionDeadlineMs) {
      // §5.2: "If a follower receives no communication over a period of time
      // called the election timeout, then it ... begins an election."
      this.campaign(now, { code: 'election-timeout' });
    }
  }

  /** Makes the election timer fire now (no effect on a leader). */
  timeout(now: number): void {
    this.s.now = now;
    if (this.s.role !== 'leader') this.campaign(now, { code: 'told-to-time-out' });
  }

  /**
   * Sets the election timer to fire `ms` virtual ms from `now` (no effect on
   * a leader, which has no election timer). Not a Raft rule: a lab control
   * (the presenter's "align timers" / "spread timers", as in RaftScope), so
   * a class can watch a split vote or a clean election on demand. Raft's
   * safety never depends on timer values (§5.2: timing affects only
   * liveness); this only replaces the randomized draw of §5.2 for the
   * current timeout. Draws no random number.
   */
  setElectionTimer(now: number, ms: number): void {
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
      throw new Error(`ms must be a finite number of virtual ms >= 0, got ${String(ms)}`);
    }
    const s = this.s;
    s.now = now;
    if (s.role === 'leader') return;
    s.electionTimeoutMs = ms;
    s.electionDeadlineMs = now + ms;
  }

  /**
   * A client command (§5.3: "the leader appends the command to its log as a
   * new entry, then issues AppendEntries RPCs in parallel"). Only a leader
   * accepts; others return index -1 (as the MIT lab's Start()).
   */
  propose(command: string, now: number): { index: number; term: number; isLeader: boolean } {
    const s = this.s;
    s.now = now;
    if (s.role !== 'leader') return { index: -1, term: s.currentTerm, isLeader: false };
    const entry = appendOwn(s, command);
    replicateToIdle(s);
    maybeCommit(s);
    return { index: entry.index, term: entry.term, isLeader: true };
  }

  /** Handles one incoming RPC or reply. Messages are read-only. */
  step(m: Message, now: number): void {
    const s = this.s;
    s.now = now;
    // §5.1: servers communicate with the other servers of the cluster. A
    // message addressed to another node, or from outside the configuration,
    // is not ours to act on (a forged vote from a non-member must never count
    // toward a majority). The worker protocol refuses these too; this keeps
    // the core safe whatever its host feeds it.
    if (m.to !== s.id || !s.config.peers.includes(m.from)) return;
    if (m.term > s.currentTerm) {
      // §5.1: "If a server receives a request with a stale term number ... ;
      // if one server's current term is smaller than the other's, then it
      // updates its current term to the larger value ... reverts to follower."
      this.becomeFollower(m.term, NONE, now, { code: 'saw-newer-term', term: m.term, from: m.from });
    }
    switch (m.type) {
      case 'RequestVote':
        return handleRequestVote(s, m, now);
      case 'RequestVoteReply':
        return handleRequestVoteReply(s, m, now);
      case 'AppendEntries':
        return handleAppendEntries(s, m, now);
      case 'AppendEntriesReply':
        return handleAppendEntriesReply(s, m);
      case 'InstallSnapshot':
        return handleInstallSnapshot(s, m, now);
      case 'InstallSnapshotReply':
        return handleInstallSnapshotReply(s, m);
    }
  }

  /** Drains what the node produced since the last call. Persist first, then send. */
  takeReady(): Ready {
    return this.s.drain();
  }

  /** True when takeReady() would return something. */
  hasReady(): boolean {
    const s = this.s;
    return s.hardStateDirty || s.persistOut.length > 0 || s.messagesOut.length > 0 || s.eventsOut.length > 0;
  }

  // ------------------------------------------------------ role transitions

  private becomeFollower(term: number, leader: NodeId, now: number, why: Why): void {
    const s = this.s;
    const reason = describeWhy(why);
    if (term > s.currentTerm) {
      s.currentTerm = term;
      s.votedFor = NONE; // Figure 2: votedFor is per term.
      s.hardStateDirty = true;
      s.emit({ at: s.now, kind: 'term', node: s.id, term, why, reason });
    }
    const wasLeader = s.role === 'leader';
    if (s.role !== 'follower') {
      s.role = 'follower';
      s.votes.clear();
      s.progress.clear();
      s.heartbeatDeadlineMs = Infinity;
      s.emit({ at: s.now, kind: 'role', node: s.id, role: 'follower', term: s.currentTerm, why, reason });
    }
    // §5.2: a deposed leader's timer was last set as a candidate, long ago;
    // it must wait a whole election timeout before campaigning again.
    if (wasLeader) s.resetElectionTimer(now);
    s.leader = leader;
  }

  /** §5.2: increment currentTerm, vote for self, reset the timer, ask for votes. */
  private campaign(now: number, why: Why): void {
    const s = this.s;
    const reason = describeWhy(why);
    s.currentTerm += 1;
    s.votedFor = s.id;
    s.hardStateDirty = true;
    s.role = 'candidate';
    s.leader = NONE;
    s.votes.clear();
    s.votes.add(s.id);
    s.resetElectionTimer(now);
    s.emit({ at: s.now, kind: 'timeout', node: s.id, term: s.currentTerm, why, reason });
    s.emit({ at: s.now, kind: 'term', node: s.id, term: s.currentTerm, why, reason });
    s.emit({ at: s.now, kind: 'role', node: s.id, role: 'candidate', term: s.currentTerm, why, reason });
    if (s.votes.size >= s.config.quorum) {
      this.becomeLeader(now);
      return;
    }
    requestVotes(s);
  }

  private becomeLeader(now: number): void {
    const s = this.s;
    s.role = 'leader';
    s.leader = s.id;
    const why: Why = { code: 'won-election', voters: [...s.votes].sort((a, b) => a - b) };
    s.votes.clear();
    s.emit({ at: s.now, kind: 'role', node: s.id, role: 'leader', term: s.currentTerm, why, reason: describeWhy(why) });
    // Figure 2: nextIndex initialized to leader last log index + 1, matchIndex to 0.
    const next = s.lastIndex + 1;
    for (const peer of s.config.peers) s.progress.set(peer, new Progress(next));
    if (s.config.leaderNoop) appendOwn(s, '');
    // §5.2: "Upon election: send initial empty AppendEntries RPCs (heartbeat)".
    s.heartbeatDeadlineMs = now + s.config.heartbeatMs;
    broadcastHeartbeat(s);
    maybeCommit(s);
  }
}
