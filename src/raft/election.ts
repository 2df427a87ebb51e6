/**
 * Leader election (§5.2) and the election restriction (§5.4.1): asking for
 * votes, answering RequestVote, counting the answers; and the thesis's
 * extensions of it: the Pre-Vote phase (§9.6), the leader lease that lets
 * followers ignore disruptive candidates (CheckQuorum, §4.2.3), and a
 * leader's own quorum check (§6.2). The candidate's own transition (a new
 * term, a vote for itself) is RaftNode's; this module decides who gets a
 * vote. Only voters of the configuration in force are asked, and only their
 * answers count (§4.1).
 */
import { describeWhy, type Why } from './reasons';
import type { NodeState } from './state';
import { NONE, type PreVote, type PreVoteReply, type RequestVote, type RequestVoteReply } from './types';

/** §5.2: "issues RequestVote RPCs in parallel to each of the other servers" (the voters, §4.1). */
export function requestVotes(s: NodeState, transfer: boolean): void {
  const lastLogIndex = s.lastIndex;
  const lastLogTerm = s.lastTerm;
  for (const peer of s.peers) {
    if (!s.voter(peer)) continue;
    s.send({
      type: 'RequestVote',
      from: s.id,
      to: peer,
      term: s.currentTerm,
      lastLogIndex,
      lastLogTerm,
      ...(transfer ? { transfer: true as const } : {}),
    });
  }
}

/**
 * Thesis §9.6: before raising its term, a would-be candidate asks the voters
 * whether they would vote for it in term + 1. Its own term and vote do not
 * change, so a node that cannot win (cut off, or behind) never disturbs the
 * cluster. It counts itself; a majority of yeses starts the real election.
 */
export function preCampaign(s: NodeState, now: number, why: Why): void {
  // A candidate whose election timed out asks again, from the start: it is
  // no longer a candidate of its term (etcd: becomePreCandidate), so late
  // answers to its RequestVotes are not mixed with the pre-votes.
  if (s.role === 'candidate') s.roles.becomeFollower(s.currentTerm, NONE, now, why);
  s.preCandidate = true;
  s.votes.clear();
  if (s.isVoter) s.votes.add(s.id); // §4.2.2: its own yes counts only if it is a voter

  s.resetElectionTimer(now);
  const term = s.currentTerm + 1;
  s.emit({ at: s.now, kind: 'preCampaign', node: s.id, term, why, reason: describeWhy(why) });
  if (s.votes.size >= s.quorum) {
    s.roles.campaign(now, { code: 'won-pre-vote', voters: [...s.votes] });
    return;
  }
  for (const peer of s.peers) {
    if (!s.voter(peer)) continue;
    s.send({ type: 'PreVote', from: s.id, to: peer, term, lastLogIndex: s.lastIndex, lastLogTerm: s.lastTerm });
  }
}

/**
 * Thesis §9.6, a voter's answer to a PreVote: yes if the term asked about is
 * newer than its own, the candidate's log is at least as up-to-date as its
 * own (§5.4.1), and it has not heard from a leader within the minimum
 * election timeout ("if it hasn't received heartbeats from a valid leader
 * for at least a baseline election timeout"). Nothing is persisted: the
 * answer binds nobody, and the timer is not reset.
 */
export function handlePreVote(s: NodeState, m: PreVote, now: number): void {
  let why: Why;
  let granted = false;
  if (m.term <= s.currentTerm) {
    why = { code: 'stale-term', ours: s.currentTerm, theirs: m.term };
  } else if (s.inLease(now)) {
    why = {
      code: 'leader-lease',
      leader: s.role === 'leader' ? s.id : s.leader,
      sinceMs: s.role === 'leader' ? 0 : now - s.leaderContactAt,
    };
  } else if (!isUpToDate(s, m.lastLogIndex, m.lastLogTerm)) {
    why = logMoreUpToDate(s, m);
  } else {
    granted = true;
    why = { code: 'candidate-up-to-date' };
  }
  s.emit({ at: s.now, kind: 'preVote', node: s.id, term: m.term, candidate: m.from, granted, why, reason: describeWhy(why) });
  // A yes carries the term asked about (so it is not mistaken for news of a
  // newer term); a no carries this node's own term (which may be newer).
  s.send({ type: 'PreVoteReply', from: s.id, to: m.from, term: granted ? m.term : s.currentTerm, voteGranted: granted });
}

/** Thesis §9.6: a pre-candidate counts the yeses of voters; a majority starts the real election (§5.2). */
export function handlePreVoteReply(s: NodeState, m: PreVoteReply, now: number): void {
  if (!s.preCandidate || !m.voteGranted || m.term !== s.currentTerm + 1 || !s.voter(m.from)) return;
  s.votes.add(m.from);
  if (s.votes.size >= s.quorum) s.roles.campaign(now, { code: 'won-pre-vote', voters: [...s.votes].sort((a, b) => a - b) });
}

/**
 * Thesis §4.2.3 (with CheckQuorum on): "if a server receives a RequestVote
 * request within the minimum election timeout of hearing from a current
 * leader, it does not update its term or grant its vote". Such a request is
 * ignored before the term rule of §5.1 — unless it comes from a leadership
 * transfer (§3.10), which the leader itself asked for.
 */
export function ignoredInLease(s: NodeState, m: RequestVote, now: number): boolean {
  return s.config.checkQuorum && m.transfer !== true && m.term > s.currentTerm && s.inLease(now);
}

/**
 * Thesis §6.2 (CheckQuorum): "a leader steps down if an election timeout
 * elapses without a successful round of heartbeats to a majority of its
 * cluster". Checked every minimum election timeout; returns the voters heard
 * from if too few were, or null when the leader keeps its quorum.
 */
export function quorumLost(s: NodeState): { heard: number[]; needed: number } | null {
  const heard = [...s.recentActive].filter((id) => s.voter(id)).sort((a, b) => a - b);
  s.recentActive.clear();
  const count = heard.length + (s.isVoter ? 1 : 0);
  return count >= s.quorum ? null : { heard, needed: s.quorum };
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
    why = logMoreUpToDate(s, m);
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

/** §5.4.1: why a (pre-)vote is denied: this voter's log is more up to date than the candidate's. */
function logMoreUpToDate(s: NodeState, m: { readonly lastLogIndex: number; readonly lastLogTerm: number }): Why {
  return {
    code: 'log-more-up-to-date',
    lastIndex: s.lastIndex,
    lastTerm: s.lastTerm,
    candidateLastIndex: m.lastLogIndex,
    candidateLastTerm: m.lastLogTerm,
  };
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
  // §4.1: only the votes of the configuration's voters count.
  if (s.role !== 'candidate' || m.term !== s.currentTerm || !m.voteGranted || !s.voter(m.from)) return;
  s.votes.add(m.from);
  if (s.votes.size >= s.quorum) s.roles.becomeLeader(now);
}
