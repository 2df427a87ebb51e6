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
import { changePending, mayCampaign, proposeChange, trackMembers } from './configuration';
import {
  handlePreVote,
  handlePreVoteReply,
  handleRequestVote,
  handleRequestVoteReply,
  ignoredInLease,
  preCampaign,
  quorumLost,
  requestVotes,
} from './election';
import type { KvStateMachine } from './kv';
import { Progress, progressRecords } from './progress';
import {
  appendAndReplicate,
  appendOwn,
  broadcastHeartbeat,
  handleAppendEntries,
  handleAppendEntriesReply,
  handleInstallSnapshotReply,
  handleTimeoutNow,
  maybeCommit,
  replicateToIdle,
  startTransfer,
} from './replication';
import { describeWhy, type Why } from './reasons';
import { loadVolatile, saveVolatile, type CoreVolatile } from './resume';
import { handleInstallSnapshot } from './snapshot';
import { NodeState } from './state';
import {
  NONE,
  type ConfChange,
  type Configuration,
  type Entry,
  type Message,
  type NodeId,
  type PersistentState,
  type Ready,
  type Role,
  type Snapshot,
} from './types';

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
      campaign: (at, why, transfer) => this.campaign(at, why, transfer === true),
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
  /** The configuration in force at this node: its latest configuration entry, committed or not (thesis §4.1). */
  get config(): Configuration {
    return this.s.conf;
  }
  /** Index of the entry holding it (0: the initial configuration; the snapshot's index if it came from one). */
  get configIndex(): number {
    return this.s.confIndex;
  }
  /** A configuration change is appended but uncommitted, or held until the leader commits an entry of its term. */
  get configChangePending(): boolean {
    return changePending(this.s);
  }
  /** Thesis §9.6: a follower asking for pre-votes (its term unchanged). */
  get preCandidate(): boolean {
    return this.s.preCandidate;
  }
  /** The pre-candidate's yeses (itself included); empty unless a pre-candidate. */
  get preVotesGranted(): readonly NodeId[] {
    return this.s.preCandidate ? [...this.s.votes] : [];
  }
  /** The target of a leadership transfer in progress (thesis §3.10), or 0. */
  get transferee(): NodeId {
    return this.s.transferee;
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
    const s = this.s;
    if (s.role !== 'leader') return s.electionDeadlineMs;
    return Math.min(s.heartbeatDeadlineMs, s.checkQuorumDeadlineMs, s.transferDeadlineMs);
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
      if (now >= s.checkQuorumDeadlineMs) {
        // Thesis §6.2 (CheckQuorum): no word from a majority for an election timeout.
        const lost = quorumLost(s);
        if (lost) {
          this.becomeFollower(s.currentTerm, NONE, now, { code: 'check-quorum', heard: lost.heard, needed: lost.needed });
          return;
        }
        s.checkQuorumDeadlineMs = now + s.config.electionTimeoutMs[0];
      }
      if (now >= s.transferDeadlineMs) {
        if (s.transferee !== NONE)
          s.abandonTransfer('did not take over within an election timeout'); // thesis §3.10
        else s.transferDeadlineMs = Infinity;
      }
      if (now >= s.heartbeatDeadlineMs) {
        s.heartbeatDeadlineMs = now + s.config.heartbeatMs;
        broadcastHeartbeat(s);
      }
    } else if (now >= s.electionDeadlineMs) {
      // §5.2: "If a follower receives no communication over a period of time
      // called the election timeout, then it ... begins an election."
      this.electionTimerFired(now, { code: 'election-timeout' });
    }
  }

  /** Makes the election timer fire now (no effect on a leader, nor on a non-voter). */
  timeout(now: number): void {
    this.s.now = now;
    if (this.s.role !== 'leader') this.electionTimerFired(now, { code: 'told-to-time-out' });
  }

  /**
   * The election timer fired: a voter campaigns — first by pre-vote with
   * PreVote on (thesis §9.6) — and so does a server whose removal is not yet
   * committed (§4.2.2, configuration.ts mayCampaign). A learner never does
   * (thesis §4.2.1: non-voting members do not start elections); it only
   * draws its next timeout.
   */
  private electionTimerFired(now: number, why: Why): void {
    const s = this.s;
    if (!mayCampaign(s)) {
      s.resetElectionTimer(now);
      return;
    }
    if (s.config.preVote) preCampaign(s, now, why);
    else this.campaign(now, why);
  }

  /**
   * Thesis §3.10: hand leadership to `to`. Returns false, changing nothing,
   * unless this node is the leader and `to` another voter. From then on the
   * leader refuses commands until the transfer ends.
   */
  transferLeadership(to: NodeId, now: number): boolean {
    this.s.now = now;
    return startTransfer(this.s, to, now);
  }

  /**
   * A single-server configuration change at the leader (thesis §4.1, and the
   * 2015 fix: see configuration.ts). Returns null if it was taken (appended,
   * or held until an entry of this term commits), else why not.
   */
  proposeConfChange(change: ConfChange, now: number): string | null {
    const s = this.s;
    s.now = now;
    return proposeChange(s, change, (command, config) => appendAndReplicate(s, command, config));
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
    // Thesis §3.10: during a transfer "the prior leader stops accepting new
    // client requests": it answers as a non-leader would (index -1, isLeader
    // false), so a client tries elsewhere — soon, the new leader.
    if (s.transferee !== NONE) return { index: -1, term: s.currentTerm, isLeader: false };
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
    if (m.to !== s.id || m.from === s.id) return;
    if (m.type === 'RequestVote' && ignoredInLease(s, m, now)) {
      // Thesis §4.2.3 (CheckQuorum on): a follower with a live leader ignores
      // the request — no newer term, no vote, no answer.
      s.emit({
        at: now,
        kind: 'vote',
        node: s.id,
        term: s.currentTerm,
        candidate: m.from,
        granted: false,
        why: {
          code: 'leader-lease',
          leader: s.role === 'leader' ? s.id : s.leader,
          sinceMs: s.role === 'leader' ? 0 : now - s.leaderContactAt,
        },
        reason: `it ignored the request: ${s.role === 'leader' ? 'it is the leader' : `it heard from leader ${s.leader} only ${now - s.leaderContactAt} ms ago`} (§4.2.3)`,
      });
      return;
    }
    // Thesis §9.6: a PreVote, and a yes to one, carry the term the candidate
    // would take, which nobody takes yet: they are not news of a newer term.
    const preVoteTerm = m.type === 'PreVote' || (m.type === 'PreVoteReply' && m.voteGranted);
    if (m.term > s.currentTerm && !preVoteTerm) {
      // §5.1: "If a server receives a request with a stale term number ... ;
      // if one server's current term is smaller than the other's, then it
      // updates its current term to the larger value ... reverts to follower."
      this.becomeFollower(m.term, NONE, now, { code: 'saw-newer-term', term: m.term, from: m.from });
    }
    // Thesis §6.2 (CheckQuorum): a leader notes every voter it hears from in its term.
    if (s.role === 'leader' && m.term === s.currentTerm) s.recentActive.add(m.from);
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
      case 'PreVote':
        return handlePreVote(s, m, now);
      case 'PreVoteReply':
        return handlePreVoteReply(s, m, now);
      case 'TimeoutNow':
        return handleTimeoutNow(s, m, now);
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
    if (s.preCandidate) {
      s.preCandidate = false;
      s.votes.clear();
    }
    if (s.role !== 'follower') {
      s.role = 'follower';
      s.votes.clear();
      s.progress.clear();
      s.heartbeatDeadlineMs = Infinity;
      s.checkQuorumDeadlineMs = Infinity;
      s.recentActive.clear();
      s.transferee = NONE;
      s.transferDeadlineMs = Infinity;
      s.pendingChange = null;
      s.emit({ at: s.now, kind: 'role', node: s.id, role: 'follower', term: s.currentTerm, why, reason });
    }
    // §5.2: a deposed leader's timer was last set as a candidate, long ago;
    // it must wait a whole election timeout before campaigning again.
    if (wasLeader) s.resetElectionTimer(now);
    s.leader = leader;
  }

  /** §5.2: increment currentTerm, vote for self, reset the timer, ask for votes (`transfer`: on TimeoutNow, §3.10). */
  private campaign(now: number, why: Why, transfer = false): void {
    const s = this.s;
    const reason = describeWhy(why);
    s.preCandidate = false;
    s.currentTerm += 1;
    s.votedFor = s.id;
    s.hardStateDirty = true;
    s.role = 'candidate';
    s.leader = NONE;
    s.votes.clear();
    // Thesis §4.2.2: its own vote counts only if it is a voter of its latest configuration.
    if (s.isVoter) s.votes.add(s.id);
    s.resetElectionTimer(now);
    s.emit({ at: s.now, kind: 'timeout', node: s.id, term: s.currentTerm, why, reason });
    s.emit({ at: s.now, kind: 'term', node: s.id, term: s.currentTerm, why, reason });
    s.emit({ at: s.now, kind: 'role', node: s.id, role: 'candidate', term: s.currentTerm, why, reason });
    if (s.votes.size >= s.quorum) {
      this.becomeLeader(now);
      return;
    }
    requestVotes(s, transfer);
  }

  private becomeLeader(now: number): void {
    const s = this.s;
    s.role = 'leader';
    s.leader = s.id;
    const why: Why = { code: 'won-election', voters: [...s.votes].sort((a, b) => a - b) };
    s.votes.clear();
    s.emit({ at: s.now, kind: 'role', node: s.id, role: 'leader', term: s.currentTerm, why, reason: describeWhy(why) });
    // Figure 2: nextIndex initialized to leader last log index + 1, matchIndex
    // to 0 — for every member, learners included (§4.2.1).
    s.progress.clear();
    trackMembers(s);
    s.recentActive.clear();
    s.checkQuorumDeadlineMs = s.config.checkQuorum ? now + s.config.electionTimeoutMs[0] : Infinity;
    // §8's no-op, if asked for; and always when the log holds a configuration
    // entry not yet committed (thesis §4.1): only an entry of this term can
    // commit it (§5.4.2), and until then no other change can be made.
    if (s.config.leaderNoop || s.confIndex > s.commitIndex) appendOwn(s, '');
    // §5.2: "Upon election: send initial empty AppendEntries RPCs (heartbeat)".
    s.heartbeatDeadlineMs = now + s.config.heartbeatMs;
    broadcastHeartbeat(s);
    maybeCommit(s);
  }
}
