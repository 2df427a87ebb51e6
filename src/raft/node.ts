/**
 * The Raft state machine of one node: Figure 2 of Ongaro & Ousterhout plus
 * log compaction (§7, Figure 13). Pure and synchronous, in the style of
 * etcd-io/raft: inputs are `tick`, `step`, `propose` and `timeout`, each
 * given the current virtual time; outputs accumulate as data and are drained
 * with `takeReady()`. No timers, no I/O, no ambient randomness: the host
 * passes a seeded `random`.
 */
import { KvStateMachine } from './kv';
import { RaftLog } from './log';
import {
  NONE,
  type AppendEntries,
  type AppendEntriesReply,
  type CoreEvent,
  type Entry,
  type InstallSnapshot,
  type InstallSnapshotReply,
  type Message,
  type NodeId,
  type PersistOp,
  type PersistentState,
  type Ready,
  type RequestVote,
  type RequestVoteReply,
  type Role,
  type Snapshot,
} from './types';

export interface RaftConfig {
  /** This node's id. */
  readonly id: NodeId;
  /** Every node of the cluster, this one included. */
  readonly nodes: readonly NodeId[];
  /** Election timeout range in virtual ms, drawn uniformly (§5.2). */
  readonly electionTimeoutMs: readonly [number, number];
  /** Interval between a leader's heartbeats, virtual ms (§5.2). */
  readonly heartbeatMs: number;
  /** Compact once the log holds more than this many entries past the snapshot (§7). 0: never. */
  readonly snapshotThreshold?: number;
  /** Append a no-op entry on election (§8). Off by default so indexes match the MIT lab. */
  readonly leaderNoop?: boolean;
  /** Most entries in one AppendEntries. */
  readonly maxEntriesPerMessage?: number;
  /** Seeded uniform random in [0, 1); the only source of randomness. */
  readonly random: () => number;
}

/**
 * A leader's view of one follower (Figure 2, "volatile state on leaders"),
 * plus flow control: at most one AppendEntries or InstallSnapshot carrying
 * news is outstanding per follower (etcd's inflight window of 1). New entries
 * wait and travel together in the next one. So appends never overtake each
 * other on a reordering network, and a follower never refuses one merely
 * because an earlier one is late.
 */
export interface Progress {
  /** Index of the next entry to send to that server. Moves only on replies. */
  nextIndex: number;
  /** Index of the highest entry known to be replicated on that server. */
  matchIndex: number;
  /** Virtual ms the outstanding message was sent, or null if none is outstanding. */
  inflightAt: number | null;
  /** The last index the outstanding message covers. */
  inflightEnd: number;
}

const EMPTY: readonly Entry[] = [];

export class RaftNode {
  readonly id: NodeId;
  private readonly config: RaftConfig;
  private readonly peers: readonly NodeId[];
  private readonly quorum: number;
  private readonly snapshotThreshold: number;
  private readonly maxEntries: number;

  // Persistent state on all servers (Figure 2).
  private currentTerm: number;
  private votedForId: NodeId;
  /** The log and the snapshot it starts after. */
  private readonly log: RaftLog;

  // Volatile state on all servers (Figure 2).
  private roleValue: Role = 'follower';
  private commit: number;
  private applied: number;
  private leaderId: NodeId = NONE;
  private readonly sm = new KvStateMachine();

  // Timers, absolute virtual ms.
  private electionDeadlineMs = 0;
  private electionTimeoutValueMs = 0;
  private heartbeatDeadlineMs = Infinity;

  // Candidate and leader state.
  private readonly votes = new Set<NodeId>();
  private readonly progressOf = new Map<NodeId, Progress>();

  // Output buffers (drained by takeReady).
  private persistOut: PersistOp[] = [];
  private messagesOut: Message[] = [];
  private eventsOut: CoreEvent[] = [];
  private hardStateDirty = false;
  /** Virtual time of the input being handled, stamped on events. */
  private nowMs = 0;

  /**
   * Starts a node from what it had on stable storage (all zero for a new
   * node). The state machine is restored from the snapshot, and
   * commitIndex = lastApplied = snapshot index (§7: "the snapshot ... replaces
   * the committed entries"); the rest is relearned from the leader.
   */
  constructor(config: RaftConfig, stored: PersistentState, now: number) {
    this.config = config;
    this.id = config.id;
    this.nowMs = now;
    this.peers = config.nodes.filter((n) => n !== config.id);
    this.quorum = Math.floor(config.nodes.length / 2) + 1;
    this.snapshotThreshold = config.snapshotThreshold ?? 0;
    this.maxEntries = config.maxEntriesPerMessage ?? 64;
    this.currentTerm = stored.hardState.term;
    this.votedForId = stored.hardState.votedFor;
    this.log = new RaftLog(stored.snapshot, stored.entries);
    this.commit = this.log.snapshotIndex;
    this.applied = this.log.snapshotIndex;
    if (stored.snapshot) {
      this.sm.restore(stored.snapshot.data);
      this.eventsOut.push({
        at: this.nowMs,
        kind: 'snapshot',
        node: this.id,
        lastIncludedIndex: this.log.snapshotIndex,
        lastIncludedTerm: this.log.snapshotTerm,
        reason: 'restored',
      });
    }
    this.resetElectionTimer(now);
  }

  // ---------------------------------------------------------------- reading

  get role(): Role {
    return this.roleValue;
  }
  get term(): number {
    return this.currentTerm;
  }
  get votedFor(): NodeId {
    return this.votedForId;
  }
  get leader(): NodeId {
    return this.leaderId;
  }
  get commitIndex(): number {
    return this.commit;
  }
  get lastApplied(): number {
    return this.applied;
  }
  get snapshotIndex(): number {
    return this.log.snapshotIndex;
  }
  get snapshotTerm(): number {
    return this.log.snapshotTerm;
  }
  get snapshot(): Snapshot | null {
    return this.log.snapshot;
  }
  /** Entries after the snapshot. Read-only view of the live log: do not mutate. */
  get entries(): readonly Entry[] {
    return this.log.tail;
  }
  /** A copy of the entries after the snapshot, unaffected by later changes (shared until the next change). */
  entriesCopy(): readonly Entry[] {
    return this.log.copyOfTail();
  }
  get lastIndex(): number {
    return this.log.lastIndex;
  }
  get lastTerm(): number {
    return this.log.lastTerm;
  }
  /** The candidate's granted votes (itself included); empty unless a candidate. */
  get votesGranted(): readonly NodeId[] {
    return [...this.votes];
  }
  /** When the election timer fires, virtual ms (Infinity on a leader). */
  get electionDeadline(): number {
    return this.roleValue === 'leader' ? Infinity : this.electionDeadlineMs;
  }
  /** The randomized length of the current election timeout, virtual ms. */
  get electionTimeout(): number {
    return this.electionTimeoutValueMs;
  }
  /** The leader's per-follower progress; empty on other roles. */
  get progress(): ReadonlyMap<NodeId, Readonly<Progress>> {
    return this.progressOf;
  }
  /** The leader's nextIndex and matchIndex per follower as plain records; null on other roles. */
  progressRecords(): { nextIndex: Record<number, number>; matchIndex: Record<number, number> } | null {
    if (this.roleValue !== 'leader') return null;
    const nextIndex: Record<number, number> = {};
    const matchIndex: Record<number, number> = {};
    for (const [peer, pr] of this.progressOf) {
      nextIndex[peer] = pr.nextIndex;
      matchIndex[peer] = pr.matchIndex;
    }
    return { nextIndex, matchIndex };
  }

  /** The replicated key–value state. */
  get stateMachine(): Readonly<KvStateMachine> {
    return this.sm;
  }

  /** The earliest virtual time at which `tick` has something to do. */
  nextDeadline(): number {
    return this.roleValue === 'leader' ? this.heartbeatDeadlineMs : this.electionDeadlineMs;
  }

  /** Term of the entry at `index`, or -1 if this node does not know it. */
  termAt(index: number): number {
    return this.log.termAt(index);
  }

  // ----------------------------------------------------------------- inputs

  /** Advances timers to `now`: an election timeout (§5.2) or a heartbeat. */
  tick(now: number): void {
    this.nowMs = now;
    if (this.roleValue === 'leader') {
      if (now >= this.heartbeatDeadlineMs) {
        this.heartbeatDeadlineMs = now + this.config.heartbeatMs;
        this.broadcastHeartbeat();
      }
    } else if (now >= this.electionDeadlineMs) {
      // §5.2: "If a follower receives no communication over a period of time
      // called the election timeout, then it ... begins an election."
      this.campaign(now, 'its election timer ran out');
    }
  }

  /** Makes the election timer fire now (no effect on a leader). */
  timeout(now: number): void {
    this.nowMs = now;
    if (this.roleValue !== 'leader') this.campaign(now, 'it was told to time out');
  }

  /**
   * A client command (§5.3: "the leader appends the command to its log as a
   * new entry, then issues AppendEntries RPCs in parallel"). Only a leader
   * accepts; others return index -1 (as the MIT lab's Start()).
   */
  propose(command: string, now: number): { index: number; term: number; isLeader: boolean } {
    this.nowMs = now;
    if (this.roleValue !== 'leader') return { index: -1, term: this.currentTerm, isLeader: false };
    const entry = this.appendOwn(command);
    for (const peer of this.peers) {
      const pr = this.progressOf.get(peer);
      if (pr && pr.inflightAt === null) this.sendAppend(peer, pr);
    }
    this.maybeCommit();
    return { index: entry.index, term: entry.term, isLeader: true };
  }

  /** Handles one incoming RPC or reply. Messages are read-only. */
  step(m: Message, now: number): void {
    this.nowMs = now;
    // §5.1: servers communicate with the other servers of the cluster. A
    // message addressed to another node, or from outside the configuration,
    // is not ours to act on (a forged vote from a non-member must never count
    // toward a majority). The worker protocol refuses these too; this keeps
    // the core safe whatever its host feeds it.
    if (m.to !== this.id || !this.peers.includes(m.from)) return;
    if (m.term > this.currentTerm) {
      // §5.1: "If a server receives a request with a stale term number ... ;
      // if one server's current term is smaller than the other's, then it
      // updates its current term to the larger value ... reverts to follower."
      this.becomeFollower(m.term, NONE, now, `it saw term ${m.term} from node ${m.from}`);
    }
    switch (m.type) {
      case 'RequestVote':
        return this.handleRequestVote(m, now);
      case 'RequestVoteReply':
        return this.handleRequestVoteReply(m, now);
      case 'AppendEntries':
        return this.handleAppendEntries(m, now);
      case 'AppendEntriesReply':
        return this.handleAppendEntriesReply(m);
      case 'InstallSnapshot':
        return this.handleInstallSnapshot(m, now);
      case 'InstallSnapshotReply':
        return this.handleInstallSnapshotReply(m);
    }
  }

  /** Drains what the node produced since the last call. Persist first, then send. */
  takeReady(): Ready {
    const persist = this.persistOut;
    if (this.hardStateDirty) {
      persist.unshift({ kind: 'hardState', hardState: { term: this.currentTerm, votedFor: this.votedForId } });
      this.hardStateDirty = false;
    }
    const ready: Ready = { persist, messages: this.messagesOut, events: this.eventsOut };
    this.persistOut = [];
    this.messagesOut = [];
    this.eventsOut = [];
    return ready;
  }

  /** True when takeReady() would return something. */
  hasReady(): boolean {
    return (
      this.hardStateDirty || this.persistOut.length > 0 || this.messagesOut.length > 0 || this.eventsOut.length > 0
    );
  }

  // ------------------------------------------------------ role transitions

  private becomeFollower(term: number, leader: NodeId, now: number, reason: string): void {
    if (term > this.currentTerm) {
      this.currentTerm = term;
      this.votedForId = NONE; // Figure 2: votedFor is per term.
      this.hardStateDirty = true;
      this.eventsOut.push({ at: this.nowMs, kind: 'term', node: this.id, term, reason });
    }
    const wasLeader = this.roleValue === 'leader';
    if (this.roleValue !== 'follower') {
      this.roleValue = 'follower';
      this.votes.clear();
      this.progressOf.clear();
      this.heartbeatDeadlineMs = Infinity;
      this.eventsOut.push({ at: this.nowMs, kind: 'role', node: this.id, role: 'follower', term: this.currentTerm, reason });
    }
    if (wasLeader) this.resetElectionTimer(now);
    this.leaderId = leader;
  }

  /** §5.2: increment currentTerm, vote for self, reset the timer, ask for votes. */
  private campaign(now: number, reason: string): void {
    this.currentTerm += 1;
    this.votedForId = this.id;
    this.hardStateDirty = true;
    this.roleValue = 'candidate';
    this.leaderId = NONE;
    this.votes.clear();
    this.votes.add(this.id);
    this.resetElectionTimer(now);
    this.eventsOut.push({ at: this.nowMs, kind: 'timeout', node: this.id, term: this.currentTerm, reason });
    this.eventsOut.push({ at: this.nowMs, kind: 'term', node: this.id, term: this.currentTerm, reason });
    this.eventsOut.push({ at: this.nowMs, kind: 'role', node: this.id, role: 'candidate', term: this.currentTerm, reason });
    if (this.votes.size >= this.quorum) {
      this.becomeLeader(now);
      return;
    }
    const lastLogIndex = this.lastIndex;
    const lastLogTerm = this.lastTerm;
    for (const peer of this.peers) {
      this.messagesOut.push({
        type: 'RequestVote',
        from: this.id,
        to: peer,
        term: this.currentTerm,
        lastLogIndex,
        lastLogTerm,
      });
    }
  }

  private becomeLeader(now: number): void {
    this.roleValue = 'leader';
    this.leaderId = this.id;
    const voters = [...this.votes].sort((a, b) => a - b).join(', ');
    this.votes.clear();
    this.eventsOut.push({
        at: this.nowMs,
      kind: 'role',
      node: this.id,
      role: 'leader',
      term: this.currentTerm,
      reason: `it won the election with votes from ${voters}`,
    });
    // Figure 2: nextIndex initialized to leader last log index + 1, matchIndex to 0.
    const next = this.lastIndex + 1;
    for (const peer of this.peers) {
      this.progressOf.set(peer, { nextIndex: next, matchIndex: 0, inflightAt: null, inflightEnd: 0 });
    }
    if (this.config.leaderNoop) this.appendOwn('');
    // §5.2: "Upon election: send initial empty AppendEntries RPCs (heartbeat)".
    this.heartbeatDeadlineMs = now + this.config.heartbeatMs;
    this.broadcastHeartbeat();
    this.maybeCommit();
  }

  private resetElectionTimer(now: number): void {
    const [min, max] = this.config.electionTimeoutMs;
    // §5.2: "election timeouts are chosen randomly from a fixed interval".
    this.electionTimeoutValueMs = min + Math.floor(this.config.random() * (max - min + 1));
    this.electionDeadlineMs = now + this.electionTimeoutValueMs;
  }

  // ---------------------------------------------------------------- voting

  private handleRequestVote(m: RequestVote, now: number): void {
    let granted = false;
    let reason: string;
    if (m.term < this.currentTerm) {
      // Figure 2, RequestVote receiver 1: reply false if term < currentTerm.
      reason = `its term ${this.currentTerm} is newer than ${m.term}`;
    } else if (this.votedForId !== NONE && this.votedForId !== m.from) {
      // §5.2: "each server will vote for at most one candidate in a given term".
      reason = `it already voted for node ${this.votedForId} in term ${this.currentTerm}`;
    } else if (!this.isUpToDate(m.lastLogIndex, m.lastLogTerm)) {
      // §5.4.1: deny the vote if the voter's own log is more up-to-date.
      reason = `its log (last ${this.lastIndex}@t${this.lastTerm}) is more up to date than ${m.lastLogIndex}@t${m.lastLogTerm}`;
    } else {
      granted = true;
      reason = 'the candidate is up to date';
      if (this.votedForId !== m.from) {
        this.votedForId = m.from;
        this.hardStateDirty = true; // persisted before the reply leaves (Figure 2).
      }
      // Figure 2, rules for followers: granting a vote resets the election timer.
      this.resetElectionTimer(now);
    }
    this.eventsOut.push({ at: this.nowMs, kind: 'vote', node: this.id, term: this.currentTerm, candidate: m.from, granted, reason });
    this.messagesOut.push({
      type: 'RequestVoteReply',
      from: this.id,
      to: m.from,
      term: this.currentTerm,
      voteGranted: granted,
    });
  }

  /** §5.4.1: compare the last entries' terms, then the lengths. */
  private isUpToDate(lastLogIndex: number, lastLogTerm: number): boolean {
    const myTerm = this.lastTerm;
    return lastLogTerm > myTerm || (lastLogTerm === myTerm && lastLogIndex >= this.lastIndex);
  }

  private handleRequestVoteReply(m: RequestVoteReply, now: number): void {
    if (this.roleValue !== 'candidate' || m.term !== this.currentTerm || !m.voteGranted) return;
    this.votes.add(m.from);
    // §5.2: "A candidate wins an election if it receives votes from a majority".
    if (this.votes.size >= this.quorum) this.becomeLeader(now);
  }

  // ------------------------------------------------------------ replication

  private appendOwn(command: string): Entry {
    const entry: Entry = { index: this.lastIndex + 1, term: this.currentTerm, command };
    this.log.append(entry);
    this.persistOut.push({ kind: 'entries', fromIndex: entry.index, entries: [entry] });
    this.eventsOut.push({
        at: this.nowMs,
      kind: 'append',
      node: this.id,
      term: this.currentTerm,
      fromIndex: entry.index,
      entries: [entry],
      truncatedFrom: null,
    });
    return entry;
  }

  private broadcastHeartbeat(): void {
    const now = this.nowMs;
    for (const peer of this.peers) {
      const pr = this.progressOf.get(peer);
      if (!pr) continue;
      if (pr.inflightAt !== null && now - pr.inflightAt < this.config.heartbeatMs) {
        // News is on its way: a bare heartbeat at the known match point. It
        // keeps the follower's timer and commitIndex fresh and, since the
        // follower is known to hold that entry, is never refused for a gap.
        if (pr.matchIndex >= this.log.snapshotIndex) this.sendAppendAt(peer, pr.matchIndex, EMPTY);
      } else {
        // Nothing outstanding, or no answer for a whole heartbeat interval
        // (presumed lost): (re)send everything from nextIndex, or probe.
        this.sendAppend(peer, pr);
      }
    }
  }

  /**
   * Sends the entries from nextIndex on (none: a probe at nextIndex - 1), or
   * the snapshot if they were compacted away (§7), and marks it outstanding.
   */
  private sendAppend(peer: NodeId, pr: Progress): void {
    if (pr.nextIndex <= this.log.snapshotIndex) {
      this.sendSnapshot(peer, pr);
      return;
    }
    const prevLogIndex = pr.nextIndex - 1;
    const entries = this.log.slice(pr.nextIndex, this.maxEntries);
    this.sendAppendAt(peer, prevLogIndex, entries);
    pr.inflightAt = this.nowMs;
    pr.inflightEnd = prevLogIndex + entries.length;
  }

  private sendAppendAt(peer: NodeId, prevLogIndex: number, entries: readonly Entry[]): void {
    const msg: AppendEntries = {
      type: 'AppendEntries',
      from: this.id,
      to: peer,
      term: this.currentTerm,
      prevLogIndex,
      prevLogTerm: this.termAt(prevLogIndex),
      entries,
      leaderCommit: this.commit,
    };
    this.messagesOut.push(msg);
  }

  private sendSnapshot(peer: NodeId, pr: Progress): void {
    const snapshot = this.log.snapshot;
    if (!snapshot) return;
    pr.inflightAt = this.nowMs;
    pr.inflightEnd = snapshot.lastIncludedIndex;
    const msg: InstallSnapshot = { type: 'InstallSnapshot', from: this.id, to: peer, term: this.currentTerm, snapshot };
    this.messagesOut.push(msg);
  }

  private handleAppendEntries(m: AppendEntries, now: number): void {
    if (m.term < this.currentTerm) {
      // Figure 2, AppendEntries receiver 1: reply false if term < currentTerm.
      this.rejectAppend(m, `its term ${this.currentTerm} is newer than ${m.term}`, 0, 0);
      return;
    }
    if (this.roleValue === 'leader') return; // Impossible by Election Safety (§5.2): ignore.
    if (this.roleValue === 'candidate') {
      // §5.2: a candidate that hears from a leader of its term steps down.
      this.becomeFollower(m.term, m.from, now, `node ${m.from} is the leader of term ${m.term}`);
    }
    this.leaderId = m.from;
    // Figure 2, rules for followers: AppendEntries from the current leader resets the timer.
    this.resetElectionTimer(now);

    let prevLogIndex = m.prevLogIndex;
    let entries = m.entries;
    const snapIndex = this.log.snapshotIndex;
    if (prevLogIndex < snapIndex) {
      // The prefix up to the snapshot is committed, so it matches the leader's
      // log (§5.4.3, Leader Completeness): skip the entries it covers.
      const skip = snapIndex - prevLogIndex;
      if (skip >= entries.length) {
        this.acceptAppend(m, prevLogIndex + entries.length);
        return;
      }
      entries = entries.slice(skip);
      prevLogIndex = snapIndex;
    } else if (prevLogIndex > this.lastIndex) {
      // Figure 2, AppendEntries receiver 2 (log doesn't contain prevLogIndex).
      this.rejectAppend(m, `it has no entry at index ${prevLogIndex}`, this.lastIndex + 1, 0);
      return;
    } else {
      const localTerm = this.termAt(prevLogIndex);
      if (localTerm !== m.prevLogTerm) {
        // Figure 2, receiver 2 (term mismatch); §5.3 fast backtracking hint:
        // the conflicting term and the first index this node stores for it.
        const first = this.log.firstIndexOfTermAt(prevLogIndex);
        this.rejectAppend(
          m,
          `its entry at index ${prevLogIndex} has term ${localTerm}, not ${m.prevLogTerm}`,
          first,
          localTerm,
        );
        return;
      }
    }

    // Figure 2, receiver 3 and 4: delete only on conflict, append what is new.
    let appendFrom = -1;
    let truncatedFrom: number | null = null;
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      if (entry.index > this.lastIndex) {
        appendFrom = i;
        break;
      }
      if (this.termAt(entry.index) !== entry.term) {
        if (entry.index <= this.commit) {
          throw new Error(`node ${this.id}: refusing to truncate committed entry ${entry.index} (safety violated)`);
        }
        truncatedFrom = entry.index;
        this.log.truncateFrom(entry.index);
        appendFrom = i;
        break;
      }
    }
    if (appendFrom >= 0) {
      const fresh = appendFrom === 0 ? entries : entries.slice(appendFrom);
      for (const entry of fresh) this.log.append(entry);
      const fromIndex = fresh[0]!.index;
      this.persistOut.push({ kind: 'entries', fromIndex, entries: fresh });
      this.eventsOut.push({ at: this.nowMs, kind: 'append', node: this.id, term: this.currentTerm, fromIndex, entries: fresh, truncatedFrom });
    }
    const lastNewIndex = prevLogIndex + entries.length;
    // Figure 2, receiver 5: commitIndex = min(leaderCommit, index of last new entry).
    if (m.leaderCommit > this.commit) {
      const newCommit = Math.min(m.leaderCommit, lastNewIndex);
      if (newCommit > this.commit) this.advanceCommit(newCommit);
    }
    this.acceptAppend(m, lastNewIndex);
  }

  private acceptAppend(m: AppendEntries, matchIndex: number): void {
    this.messagesOut.push({
      type: 'AppendEntriesReply',
      from: this.id,
      to: m.from,
      term: this.currentTerm,
      success: true,
      prevLogIndex: m.prevLogIndex,
      matchIndex,
      conflictIndex: 0,
      conflictTerm: 0,
    });
  }

  private rejectAppend(m: AppendEntries, reason: string, conflictIndex: number, conflictTerm: number): void {
    this.eventsOut.push({ at: this.nowMs, kind: 'reject', node: this.id, term: this.currentTerm, leader: m.from, reason });
    this.messagesOut.push({
      type: 'AppendEntriesReply',
      from: this.id,
      to: m.from,
      term: this.currentTerm,
      success: false,
      prevLogIndex: m.prevLogIndex,
      matchIndex: 0,
      conflictIndex,
      conflictTerm,
    });
  }

  private handleAppendEntriesReply(m: AppendEntriesReply): void {
    if (this.roleValue !== 'leader' || m.term !== this.currentTerm) return; // stale
    const pr = this.progressOf.get(m.from);
    if (!pr) return;
    if (m.success) {
      if (m.matchIndex > pr.matchIndex) pr.matchIndex = m.matchIndex;
      if (pr.nextIndex < pr.matchIndex + 1) pr.nextIndex = pr.matchIndex + 1;
      if (pr.inflightAt !== null && pr.matchIndex >= pr.inflightEnd) pr.inflightAt = null;
      this.maybeCommit();
      if (pr.inflightAt === null && pr.nextIndex <= this.lastIndex) this.sendAppend(m.from, pr);
      return;
    }
    // A refusal. One for a stale term (conflictIndex 0) answered an older
    // leader's request, not ours. Every append of ours carrying news has
    // prevLogIndex = nextIndex - 1; a refusal of anything older is stale too.
    if (m.conflictIndex === 0 || m.prevLogIndex !== pr.nextIndex - 1) return;
    // §5.3 fast backtracking: skip the whole conflicting term in one round trip.
    let next = m.conflictIndex;
    if (m.conflictTerm > 0) {
      const last = this.log.lastIndexOfTerm(m.conflictTerm);
      if (last > 0) next = last + 1;
    }
    next = Math.min(next, m.prevLogIndex); // must move back
    pr.nextIndex = Math.max(pr.matchIndex + 1, Math.min(next, this.lastIndex + 1));
    pr.inflightAt = null;
    this.sendAppend(m.from, pr);
  }

  /**
   * §5.3 and §5.4.2 (Figure 8): commit the highest N replicated on a majority,
   * but only if log[N].term == currentTerm; earlier entries commit with it.
   */
  private maybeCommit(): void {
    const matches: number[] = [this.lastIndex];
    for (const pr of this.progressOf.values()) matches.push(pr.matchIndex);
    matches.sort((a, b) => b - a);
    const n = matches[this.quorum - 1] ?? 0;
    if (n > this.commit && this.termAt(n) === this.currentTerm) this.advanceCommit(n);
  }

  private advanceCommit(index: number): void {
    this.commit = index;
    this.eventsOut.push({ at: this.nowMs, kind: 'commit', node: this.id, term: this.currentTerm, commitIndex: index });
    // Figure 2, all servers: "If commitIndex > lastApplied: increment
    // lastApplied, apply log[lastApplied] to state machine" — in order, once.
    while (this.applied < this.commit) {
      this.applied += 1;
      const entry = this.log.at(this.applied);
      this.sm.apply(entry.command);
      this.eventsOut.push({ at: this.nowMs, kind: 'apply', node: this.id, index: entry.index, term: entry.term, command: entry.command });
    }
    this.maybeCompact();
  }

  // ------------------------------------------------------------- snapshots

  /** §7: once the log holds more than snapshotThreshold entries, snapshot what is applied. */
  private maybeCompact(): void {
    if (this.snapshotThreshold <= 0 || this.log.length <= this.snapshotThreshold) return;
    if (this.applied <= this.log.snapshotIndex) return;
    const lastIncludedIndex = this.applied;
    const lastIncludedTerm = this.termAt(lastIncludedIndex);
    const snapshot: Snapshot = { lastIncludedIndex, lastIncludedTerm, data: this.sm.snapshot() };
    this.log.setSnapshot(snapshot, true);
    this.persistOut.push({ kind: 'snapshot', snapshot, discardLog: false });
    this.eventsOut.push({ at: this.nowMs, kind: 'snapshot', node: this.id, lastIncludedIndex, lastIncludedTerm, reason: 'compacted' });
  }

  private handleInstallSnapshot(m: InstallSnapshot, now: number): void {
    const reply: InstallSnapshotReply = {
      type: 'InstallSnapshotReply',
      from: this.id,
      to: m.from,
      term: this.currentTerm,
      lastIncludedIndex: m.snapshot.lastIncludedIndex,
    };
    // Figure 13, receiver 1: reply immediately if term < currentTerm. The
    // reply acknowledges nothing (index 0): it carries this node's newer term,
    // which a later leader of that very term must not read as an ack of its own.
    if (m.term < this.currentTerm) {
      this.messagesOut.push({ ...reply, lastIncludedIndex: 0 });
      return;
    }
    if (this.roleValue === 'leader') return; // Impossible by Election Safety.
    if (this.roleValue === 'candidate') {
      this.becomeFollower(m.term, m.from, now, `node ${m.from} is the leader of term ${m.term}`);
    }
    this.leaderId = m.from;
    this.resetElectionTimer(now);
    const s = m.snapshot;
    if (s.lastIncludedIndex > this.commit) {
      // Figure 13, receiver 6–7: keep the entries after the snapshot if the
      // log has its last entry; otherwise discard the whole log.
      const keep = this.termAt(s.lastIncludedIndex) === s.lastIncludedTerm;
      this.log.setSnapshot(s, keep);
      // Figure 13, receiver 8: reset the state machine using the snapshot.
      this.sm.restore(s.data);
      this.commit = s.lastIncludedIndex;
      this.applied = s.lastIncludedIndex;
      this.persistOut.push({ kind: 'snapshot', snapshot: s, discardLog: !keep });
      this.eventsOut.push({
        at: this.nowMs,
        kind: 'snapshot',
        node: this.id,
        lastIncludedIndex: s.lastIncludedIndex,
        lastIncludedTerm: s.lastIncludedTerm,
        reason: 'installed',
      });
      this.eventsOut.push({ at: this.nowMs, kind: 'commit', node: this.id, term: this.currentTerm, commitIndex: this.commit });
    }
    // Otherwise the node already has everything the snapshot holds, committed.
    this.messagesOut.push(reply);
  }

  private handleInstallSnapshotReply(m: InstallSnapshotReply): void {
    if (this.roleValue !== 'leader' || m.term !== this.currentTerm) return;
    const pr = this.progressOf.get(m.from);
    if (!pr) return;
    if (m.lastIncludedIndex > pr.matchIndex) pr.matchIndex = m.lastIncludedIndex;
    pr.nextIndex = Math.max(pr.nextIndex, pr.matchIndex + 1);
    if (pr.inflightAt !== null && pr.matchIndex >= pr.inflightEnd) pr.inflightAt = null;
    this.maybeCommit();
    if (pr.inflightAt === null && pr.nextIndex <= this.lastIndex) this.sendAppend(m.from, pr);
  }
}
