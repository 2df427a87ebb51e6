/**
 * Leader election (§5.2) and the election restriction (§5.4.1): asking for
 * votes, answering RequestVote, counting the answers. The candidate's own
 * transition (a new term, a vote for itself) is RaftNode's; this module
 * decides who gets a vote.
 */
import { describeWhy, type Why } from './reasons';
import type { NodeState } from './state';
import { NONE, type RequestVote, type RequestVoteReply } from './types';

/** §5.2: "issues RequestVote RPCs in parallel to each of the other servers". */
export function requestVotes(s: NodeState): void {
  const lastLogIndex = s.lastIndex;
  const lastLogTerm = s.lastTerm;
  for (const peer of s.config.peers) {
    s.send({ type: 'RequestVote', from: s.id, to: peer, term: s.currentTerm, lastLogIndex, lastLogTerm });
  }
}

/** Figure 2, RequestVote RPC, receiver implementation. */
export function handleRequestVote(s: NodeState, m: RequestVote, now: number): void {
  let granted = false;
  let why: Why | undefined;
  /** Set when a bug switch granted a vote Raft denies: the event then says so instead of giving a reason code. */
  let faultReason: string | null = null;
  const faults = s.config.faultSet;
  if (m.term < s.currentTerm) {
    // Figure 2, RequestVote receiver 1: reply false if term < currentTerm.
    why = { code: 'stale-term', ours: s.currentTerm, theirs: m.term };
  } else if (s.votedFor !== NONE && s.votedFor !== m.from && !faults.has('double-vote')) {
    // §5.2: "each server will vote for at most one candidate in a given term".
    why = { code: 'already-voted', votedFor: s.votedFor, term: s.currentTerm };
  } else if (!isUpToDate(s, m.lastLogIndex, m.lastLogTerm) && !faults.has('vote-without-log-check')) {
    // §5.4.1: deny the vote if the voter's own log is more up-to-date.
    why = {
      code: 'log-more-up-to-date',
      lastIndex: s.lastIndex,
      lastTerm: s.lastTerm,
      candidateLastIndex: m.lastLogIndex,
      candidateLastTerm: m.lastLogTerm,
    };
  } else {
    granted = true;
    why = { code: 'candidate-up-to-date' };
    if (s.votedFor !== NONE && s.votedFor !== m.from) {
      // FAULT (lab bug switch): 'double-vote' breaks §5.2 — a second vote in
      // this term, for another candidate: two candidates can each win a
      // majority of the same term (Election Safety).
      faultReason = `the bug switch double-vote let it vote again in term ${s.currentTerm}, though it voted for node ${s.votedFor} (breaks §5.2)`;
    } else if (!isUpToDate(s, m.lastLogIndex, m.lastLogTerm)) {
      // FAULT (lab bug switch): 'vote-without-log-check' breaks §5.4.1 — the
      // vote goes to a candidate whose log is less up-to-date than this
      // voter's, so a leader can lack committed entries (Leader Completeness).
      faultReason = `the bug switch vote-without-log-check skipped the up-to-date check: its log (last ${s.lastIndex}@t${s.lastTerm}) is more up to date than ${m.lastLogIndex}@t${m.lastLogTerm} (breaks §5.4.1)`;
    }
    if (faultReason !== null) why = undefined;
    if (s.votedFor !== m.from) {
      s.votedFor = m.from;
      s.hardStateDirty = true; // persisted before the reply leaves (Figure 2).
    }
    // Figure 2, rules for followers: granting a vote resets the election timer.
    s.resetElectionTimer(now);
  }
  s.emit({
    at: s.now,
    kind: 'vote',
    node: s.id,
    term: s.currentTerm,
    candidate: m.from,
    granted,
    ...(why ? { why } : {}),
    reason: why ? describeWhy(why) : faultReason!,
  });
  s.send({ type: 'RequestVoteReply', from: s.id, to: m.from, term: s.currentTerm, voteGranted: granted });
}

/**
 * §5.4.1: "If the logs have last entries with different terms, then the log
 * with the later term is more up-to-date. If the logs end with the same
 * term, then whichever log is longer is more up-to-date."
 */
export function isUpToDate(s: NodeState, lastLogIndex: number, lastLogTerm: number): boolean {
  const myTerm = s.lastTerm;
  return lastLogTerm > myTerm || (lastLogTerm === myTerm && lastLogIndex >= s.lastIndex);
}

/** A candidate counts a vote; §5.2: "A candidate wins an election if it receives votes from a majority". */
export function handleRequestVoteReply(s: NodeState, m: RequestVoteReply, now: number): void {
  if (s.role !== 'candidate' || m.term !== s.currentTerm || !m.voteGranted) return;
  s.votes.add(m.from);
  if (s.votes.size >= s.config.quorum) s.roles.becomeLeader(now);
}
