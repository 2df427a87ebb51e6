// Beyond Figure 2, one rule per test, driving RaftNode directly (as
// etcd-io/raft's raft_paper_test.go does for the paper): the Pre-Vote phase
// (Ongaro's thesis §9.6), CheckQuorum and the leader lease (§6.2, §4.2.3),
// leadership transfer (§3.10), and single-server membership changes (§4.1,
// §4.2, with the 2015 fix).
import { describe, expect, it } from 'vitest';
import type { Configuration, Entry, RaftNode } from '../../src/raft';
import {
  appendEntries,
  appendReply,
  ELECTION_MS,
  eventsOf,
  HEARTBEAT_MS,
  logOf,
  newNode,
  ofType,
  requestVote,
  voteReply,
  winElection,
  type NodeOptions,
} from './helpers';

const conf = (voters: number[], learners: number[] = []): Configuration => ({ voters, learners });
const confEntry = (index: number, term: number, c: Configuration): Entry => ({ index, term, command: '', config: c });

/** A follower of leader 2 in term `term` that has just heard from it at `now`. */
function followerOf(o: NodeOptions & { term: number }, now: number): RaftNode {
  const n = newNode(o);
  n.step(appendEntries(2, o.id, o.term, o.log?.length ?? 0, o.log?.at(-1)?.term ?? 0), now);
  n.takeReady();
  return n;
}

describe('Pre-Vote (thesis §9.6)', () => {
  // "a candidate would first ask other servers whether its log was
  // up-to-date enough to get their vote ... a server does not increment its
  // term ... until the pre-vote phase succeeds."
  it('a timed-out follower asks for pre-votes for term + 1, keeping its term and vote (nothing is written)', () => {
    const n = newNode({ id: 1, term: 3, votedFor: 2, log: logOf(1, 3), preVote: true });
    n.tick(ELECTION_MS[1] + 1);
    const ready = n.takeReady();
    expect(n.term).toBe(3);
    expect(n.votedFor).toBe(2);
    expect(n.role).toBe('follower');
    expect(n.preCandidate).toBe(true);
    expect(ready.persist).toEqual([]);
    expect(ofType(ready.messages, 'PreVote')).toEqual([
      { type: 'PreVote', from: 1, to: 2, term: 4, lastLogIndex: 2, lastLogTerm: 3 },
      { type: 'PreVote', from: 1, to: 3, term: 4, lastLogIndex: 2, lastLogTerm: 3 },
    ]);
    expect(ofType(ready.messages, 'RequestVote')).toEqual([]);
    expect(eventsOf(ready.events, 'preCampaign')).toMatchObject([{ term: 4, why: { code: 'election-timeout' } }]);
  });

  it('a majority of yeses starts the real election (§5.2): term + 1, its own vote, RequestVote', () => {
    const n = newNode({ id: 1, term: 3, preVote: true });
    n.timeout(0);
    n.takeReady();
    n.step({ type: 'PreVoteReply', from: 2, to: 1, term: 4, voteGranted: true }, 1);
    expect(n.role).toBe('candidate');
    expect(n.term).toBe(4);
    expect(n.votedFor).toBe(1);
    const ready = n.takeReady();
    expect(ready.persist[0]).toEqual({ kind: 'hardState', hardState: { term: 4, votedFor: 1 } });
    expect(ofType(ready.messages, 'RequestVote').map((m) => m.to)).toEqual([2, 3]);
    expect(eventsOf(ready.events, 'timeout')[0]!.why).toEqual({ code: 'won-pre-vote', voters: [1, 2] });
  });

  it('refusals, and yeses for another term, start nothing', () => {
    const n = newNode({ id: 1, term: 3, preVote: true });
    n.timeout(0);
    n.takeReady();
    n.step({ type: 'PreVoteReply', from: 2, to: 1, term: 3, voteGranted: false }, 1);
    n.step({ type: 'PreVoteReply', from: 3, to: 1, term: 5, voteGranted: true }, 1); // not the term it asked about
    expect(n.role).toBe('follower');
    expect(n.term).toBe(3);
  });

  it('a voter says yes without changing anything: no new term, no vote, no timer reset', () => {
    const voter = newNode({ id: 2, term: 3, log: logOf(1, 3), preVote: true });
    voter.takeReady();
    const deadline = voter.electionDeadline;
    voter.step({ type: 'PreVote', from: 1, to: 2, term: 4, lastLogIndex: 2, lastLogTerm: 3 }, 10);
    const ready = voter.takeReady();
    expect(ready.persist).toEqual([]);
    expect(voter.term).toBe(3);
    expect(voter.votedFor).toBe(0);
    expect(voter.electionDeadline).toBe(deadline);
    expect(ready.messages).toEqual([{ type: 'PreVoteReply', from: 2, to: 1, term: 4, voteGranted: true }]);
  });

  it('a voter says no to a log less up to date (§5.4.1) and to a term not newer than its own', () => {
    const voter = newNode({ id: 2, term: 3, log: logOf(1, 3) });
    voter.step({ type: 'PreVote', from: 1, to: 2, term: 4, lastLogIndex: 1, lastLogTerm: 1 }, 1);
    voter.step({ type: 'PreVote', from: 3, to: 2, term: 3, lastLogIndex: 9, lastLogTerm: 3 }, 1);
    const ready = voter.takeReady();
    expect(ready.messages.map((m) => m.type === 'PreVoteReply' && [m.voteGranted, m.term])).toEqual([
      [false, 3],
      [false, 3],
    ]);
    expect(eventsOf(ready.events, 'preVote').map((e) => e.why?.code)).toEqual(['log-more-up-to-date', 'stale-term']);
  });

  // "if it hasn't received heartbeats from a valid leader for at least a
  // baseline election timeout" — the check that stops a rejoining node.
  it('a voter that heard from a leader within the minimum election timeout says no; later it says yes', () => {
    const voter = followerOf({ id: 3, term: 3, log: logOf(1, 3) }, 100);
    const pv = { type: 'PreVote', from: 1, to: 3, term: 4, lastLogIndex: 2, lastLogTerm: 3 } as const;
    voter.step(pv, 100 + ELECTION_MS[0] - 1);
    const early = voter.takeReady();
    expect(early.messages).toEqual([{ type: 'PreVoteReply', from: 3, to: 1, term: 3, voteGranted: false }]);
    expect(eventsOf(early.events, 'preVote')[0]!.why).toEqual({ code: 'leader-lease', leader: 2, sinceMs: ELECTION_MS[0] - 1 });
    voter.step(pv, 100 + ELECTION_MS[0]);
    expect(voter.takeReady().messages).toEqual([{ type: 'PreVoteReply', from: 3, to: 1, term: 4, voteGranted: true }]);
  });

  it('a PreVote with a higher term does not unseat a leader (nobody takes its term)', () => {
    const leader = newNode({ id: 1, term: 2 });
    winElection(leader, [2]);
    leader.step({ type: 'PreVote', from: 3, to: 1, term: 9, lastLogIndex: 5, lastLogTerm: 2 }, 1);
    expect(leader.role).toBe('leader');
    expect(leader.term).toBe(3);
    expect(ofType(leader.takeReady().messages, 'PreVoteReply')).toEqual([
      { type: 'PreVoteReply', from: 1, to: 3, term: 3, voteGranted: false },
    ]);
  });

  it('a refusal carrying a newer term still teaches the term (§5.1)', () => {
    const n = newNode({ id: 1, term: 3, preVote: true });
    n.timeout(0);
    n.takeReady();
    n.step({ type: 'PreVoteReply', from: 2, to: 1, term: 7, voteGranted: false }, 1);
    expect(n.term).toBe(7);
    expect(n.preCandidate).toBe(false);
  });

  // Found by the fuzzer (test/fuzz-extensions.test.ts): a candidate that
  // timed out and pre-voted again must not count late RequestVote answers
  // together with the pre-votes.
  it('a candidate whose election times out goes back to pre-voting: late votes of its old election count for nothing', () => {
    const c = newNode({ id: 1, nodes: [1, 2, 3, 4, 5], term: 3, preVote: true });
    c.timeout(0);
    c.step({ type: 'PreVoteReply', from: 2, to: 1, term: 4, voteGranted: true }, 1);
    c.step({ type: 'PreVoteReply', from: 3, to: 1, term: 4, voteGranted: true }, 1);
    expect(c.role).toBe('candidate');
    expect(c.term).toBe(4);
    c.timeout(2); // its election timed out: a new pre-vote for term 5
    expect(c.role).toBe('follower');
    expect(c.preCandidate).toBe(true);
    c.step({ type: 'PreVoteReply', from: 4, to: 1, term: 5, voteGranted: true }, 3); // one yes: 2 of 5
    c.step(voteReply(5, 1, 4, true), 3); // a late vote of term 4
    c.step(voteReply(2, 1, 4, true), 3);
    expect(c.role).toBe('follower');
    expect(c.preVotesGranted).toEqual([1, 4]);
  });

  it('hearing from a leader of its term ends the pre-vote', () => {
    const n = newNode({ id: 1, term: 3, preVote: true });
    n.timeout(0);
    n.step(appendEntries(2, 1, 3, 0, 0), 1);
    expect(n.preCandidate).toBe(false);
    n.step({ type: 'PreVoteReply', from: 3, to: 1, term: 4, voteGranted: true }, 2);
    expect(n.role).toBe('follower');
  });
});

describe('CheckQuorum and the leader lease (thesis §6.2, §4.2.3)', () => {
  // §6.2: "a leader steps down if an election timeout elapses without a
  // successful round of heartbeats to a majority of its cluster".
  it('a leader that heard from no majority for an election timeout steps down, in its term', () => {
    const leader = newNode({ id: 1, nodes: [1, 2, 3, 4, 5], checkQuorum: true });
    winElection(leader, [2, 3]);
    leader.step(appendReply(2, 1, 1, true, 0), 10); // only node 2 answers
    leader.tick(ELECTION_MS[0]);
    expect(leader.role).toBe('follower');
    expect(leader.term).toBe(1);
    const role = eventsOf(leader.takeReady().events, 'role').at(-1)!;
    expect(role.why).toEqual({ code: 'check-quorum', heard: [2], needed: 3 });
  });

  it('a leader that heard from a majority keeps leading, and must hear again in every interval', () => {
    const leader = newNode({ id: 1, nodes: [1, 2, 3, 4, 5], checkQuorum: true });
    winElection(leader, [2, 3]);
    leader.step(appendReply(2, 1, 1, true, 0), 10);
    leader.step(appendReply(4, 1, 1, true, 0), 20);
    leader.tick(ELECTION_MS[0]);
    expect(leader.role).toBe('leader');
    leader.tick(2 * ELECTION_MS[0]); // nobody since the last check
    expect(leader.role).toBe('follower');
  });

  it('without CheckQuorum a leader never steps down on its own', () => {
    const leader = newNode({ id: 1, nodes: [1, 2, 3, 4, 5] });
    winElection(leader, [2, 3]);
    for (let t = HEARTBEAT_MS; t < 10 * ELECTION_MS[1]; t += HEARTBEAT_MS) leader.tick(t);
    expect(leader.role).toBe('leader');
  });

  // §4.2.3: "if a server receives a RequestVote request within the minimum
  // election timeout of hearing from a current leader, it does not update
  // its term or grant its vote."
  it('a follower with a live leader ignores a RequestVote of a newer term: no term, no vote, no answer', () => {
    const voter = followerOf({ id: 3, term: 3, log: logOf(1, 3), checkQuorum: true }, 100);
    voter.step(requestVote(1, 3, 4, 2, 3), 150);
    const ready = voter.takeReady();
    expect(voter.term).toBe(3);
    expect(ready.messages).toEqual([]);
    expect(ready.persist).toEqual([]);
    expect(eventsOf(ready.events, 'vote')[0]).toMatchObject({ granted: false, why: { code: 'leader-lease', leader: 2 } });
    voter.step(requestVote(1, 3, 4, 2, 3), 100 + ELECTION_MS[0]); // the lease is over
    expect(voter.term).toBe(4);
    expect(voter.takeReady().messages).toEqual([{ type: 'RequestVoteReply', from: 3, to: 1, term: 4, voteGranted: true }]);
  });

  it('without CheckQuorum the same RequestVote raises the term (the disruption §4.2.3 is about)', () => {
    const voter = followerOf({ id: 3, term: 3, log: logOf(1, 3) }, 100);
    voter.step(requestVote(1, 3, 4, 2, 3), 150);
    expect(voter.term).toBe(4);
  });

  it('a RequestVote from a leadership transfer is answered inside the lease (§3.10)', () => {
    const voter = followerOf({ id: 3, term: 3, log: logOf(1, 3), checkQuorum: true }, 100);
    voter.step({ ...requestVote(1, 3, 4, 2, 3), transfer: true }, 150);
    expect(voter.term).toBe(4);
    expect(voter.votedFor).toBe(1);
  });
});

describe('leadership transfer (thesis §3.10)', () => {
  function leaderWith(log: Entry[]): RaftNode {
    const leader = newNode({ id: 1, nodes: [1, 2, 3], term: 1, log });
    winElection(leader, [2]);
    return leader;
  }

  it('is refused by a follower, for itself and for a non-voter: false, nothing changes', () => {
    const follower = newNode({ id: 2 });
    expect(follower.transferLeadership(3, 0)).toBe(false);
    const leader = leaderWith([]);
    expect(leader.transferLeadership(1, 0)).toBe(false);
    expect(leader.transferLeadership(9, 0)).toBe(false);
    expect(leader.transferee).toBe(0);
    expect(leader.takeReady().messages).toEqual([]);
  });

  it('to a caught-up target: TimeoutNow at once; commands are refused meanwhile', () => {
    const leader = leaderWith([]);
    leader.step(appendReply(2, 1, 2, true, 0), 1);
    leader.takeReady();
    expect(leader.transferLeadership(2, 5)).toBe(true);
    expect(ofType(leader.takeReady().messages, 'TimeoutNow')).toEqual([{ type: 'TimeoutNow', from: 1, to: 2, term: 2 }]);
    expect(leader.propose('x=1', 6)).toEqual({ index: -1, term: 2, isLeader: false });
  });

  it('to a lagging target: its missing entries first, TimeoutNow once it holds the whole log', () => {
    const leader = leaderWith(logOf(1, 1)); // node 3 is known to hold nothing yet
    expect(leader.transferLeadership(3, 5)).toBe(true);
    expect(ofType(leader.takeReady().messages, 'TimeoutNow')).toEqual([]);
    leader.step({ ...appendReply(3, 1, 2, true, 1), prevLogIndex: 0 }, 6); // still one behind
    expect(ofType(leader.takeReady().messages, 'TimeoutNow')).toEqual([]);
    leader.step({ ...appendReply(3, 1, 2, true, 2), prevLogIndex: 1 }, 7);
    const after = ofType(leader.takeReady().messages, 'TimeoutNow');
    expect(after).toEqual([{ type: 'TimeoutNow', from: 1, to: 3, term: 2 }]);
  });

  it('is abandoned after an election timeout: the leader takes commands again', () => {
    const leader = leaderWith([]);
    leader.transferLeadership(2, 0);
    leader.tick(ELECTION_MS[1] - 1);
    expect(leader.transferee).toBe(2);
    leader.tick(ELECTION_MS[1]);
    expect(leader.transferee).toBe(0);
    // Node 2 was known to hold the (empty) log: TimeoutNow went at once, and was lost.
    expect(eventsOf(leader.takeReady().events, 'transfer').map((e) => e.phase)).toEqual(['started', 'timeoutNow', 'abandoned']);
    expect(leader.propose('x=1', ELECTION_MS[1]).isLeader).toBe(true);
  });

  it('TimeoutNow makes a voter campaign at once, skipping the pre-vote, and says why', () => {
    const n = newNode({ id: 2, term: 2, preVote: true });
    n.step({ type: 'TimeoutNow', from: 1, to: 2, term: 2 }, 3);
    expect(n.role).toBe('candidate');
    expect(n.term).toBe(3);
    const ready = n.takeReady();
    expect(ofType(ready.messages, 'RequestVote').every((m) => m.transfer === true)).toBe(true);
    expect(eventsOf(ready.events, 'timeout')[0]!.why).toEqual({ code: 'timeout-now', from: 1 });
  });

  it('a stale TimeoutNow (an older term) is ignored', () => {
    const n = newNode({ id: 2, term: 4 });
    n.step({ type: 'TimeoutNow', from: 1, to: 2, term: 3 }, 3);
    expect(n.role).toBe('follower');
    expect(n.term).toBe(4);
  });
});

describe('single-server membership changes (thesis §4.1, §4.2)', () => {
  // §4.1: "a server always uses the latest configuration in its log,
  // regardless of whether the entry is committed."
  it('a follower uses a configuration entry as soon as it is in its log, and drops it with a truncation', () => {
    const f = newNode({ id: 2, nodes: [1, 2, 3] });
    f.step(appendEntries(1, 2, 1, 0, 0, [confEntry(1, 1, conf([1, 2, 3], [4]))]), 1);
    expect(f.config).toEqual(conf([1, 2, 3], [4]));
    expect(f.commitIndex).toBe(0);
    f.step(appendEntries(3, 2, 2, 0, 0, [{ index: 1, term: 2, command: 'x=1' }]), 2); // a new leader overwrites it
    expect(f.config).toEqual(conf([1, 2, 3]));
    const configs = eventsOf(f.takeReady().events, 'config');
    expect(configs.map((e) => [e.index, e.committed])).toEqual([
      [1, false],
      [0, true], // the initial configuration: in force from the start
    ]);
  });

  it('majorities are of the voters in force: 3 of 4 once node 4 votes; a learner\u2019s ack counts for nothing', () => {
    const leader = newNode({ id: 1, nodes: [1, 2, 3], term: 1, log: [confEntry(1, 1, conf([1, 2, 3], [4]))] });
    winElection(leader, [2]);
    leader.propose('a=1', 1); // index 2
    leader.step({ ...appendReply(4, 1, 2, true, 2), prevLogIndex: 1 }, 2);
    expect(leader.commitIndex).toBe(0); // the learner's ack: no majority of {1, 2, 3}
    leader.step({ ...appendReply(2, 1, 2, true, 2), prevLogIndex: 1 }, 3);
    expect(leader.commitIndex).toBe(2);
    const four = newNode({ id: 1, nodes: [1, 2, 3], term: 1, log: [confEntry(1, 1, conf([1, 2, 3, 4]))] });
    winElection(four, [2, 3]); // 3 of 4 votes
    four.propose('b=1', 1);
    four.step({ ...appendReply(2, 1, 2, true, 2), prevLogIndex: 1 }, 2);
    expect(four.commitIndex).toBe(0); // 2 of 4 is no majority
    four.step({ ...appendReply(4, 1, 2, true, 2), prevLogIndex: 1 }, 3);
    expect(four.commitIndex).toBe(2);
  });

  it('a candidate counts only the votes of voters in force', () => {
    const c = newNode({ id: 1, nodes: [1, 2, 3], log: [confEntry(1, 1, conf([1, 2, 3], [4]))] });
    c.timeout(0);
    c.step(voteReply(4, 1, 1, true), 1);
    expect(c.role).toBe('candidate');
    c.step(voteReply(2, 1, 1, true), 2);
    expect(c.role).toBe('leader');
  });

  // §4.2.1: non-voting members; "they do not start elections".
  it('a learner, or a new server that knows no configuration, never campaigns', () => {
    const learner = newNode({ id: 4, nodes: [1, 2, 3], log: [confEntry(1, 1, conf([1, 2, 3], [4]))] });
    const fresh = newNode({ id: 5, nodes: [] });
    for (const n of [learner, fresh]) {
      n.tick(10 * ELECTION_MS[1]);
      n.timeout(10 * ELECTION_MS[1]);
      expect(n.role).toBe('follower');
      expect(n.term).toBe(0);
      expect(ofType(n.takeReady().messages, 'RequestVote')).toEqual([]);
    }
  });

  it('one change at a time: refused while one is uncommitted (§4.1)', () => {
    const leader = newNode({ id: 1, nodes: [1, 2, 3], term: 1, log: logOf(1) });
    winElection(leader, [2]);
    leader.propose('a=1', 0);
    leader.step({ ...appendReply(2, 1, 2, true, 2), prevLogIndex: 1 }, 1); // an entry of term 2 committed
    expect(leader.proposeConfChange({ kind: 'addLearner', node: 4 }, 2)).toBeNull();
    expect(leader.entries.at(-1)?.config).toEqual(conf([1, 2, 3], [4]));
    expect(leader.proposeConfChange({ kind: 'remove', node: 3 }, 3)).toMatch(/still uncommitted/);
    expect(leader.proposeConfChange({ kind: 'addLearner', node: 5 }, 3)).toMatch(/still uncommitted/);
  });

  // The 2015 fix: "a leader may not append a new configuration entry until it
  // has committed an entry from its current term."
  it('the 2015 fix: before an entry of its term is committed, a no-op goes first and the change waits for it', () => {
    const leader = newNode({ id: 1, nodes: [1, 2, 3], term: 1, log: logOf(1) });
    winElection(leader, [2]);
    expect(leader.proposeConfChange({ kind: 'addLearner', node: 4 }, 1)).toBeNull();
    expect(leader.entries.map((e) => [e.index, e.term, e.command, e.config ?? null])).toEqual([
      [1, 1, 'k1=1', null],
      [2, 2, '', null],
    ]);
    expect(leader.configChangePending).toBe(true);
    leader.step({ ...appendReply(2, 1, 2, true, 2), prevLogIndex: 1 }, 2);
    expect(leader.entries.at(-1)).toEqual(confEntry(3, 2, conf([1, 2, 3], [4])));
  });

  it('a caught-up learner is promoted by a second configuration entry (§4.2.1)', () => {
    const leader = newNode({ id: 1, nodes: [1, 2, 3], term: 1, log: logOf(1) });
    winElection(leader, [2]);
    leader.propose('a=1', 0);
    leader.step({ ...appendReply(2, 1, 2, true, 2), prevLogIndex: 1 }, 1);
    leader.proposeConfChange({ kind: 'addLearner', node: 4 }, 2); // index 3
    leader.step({ ...appendReply(2, 1, 2, true, 3), prevLogIndex: 2 }, 3); // committed
    expect(leader.config).toEqual(conf([1, 2, 3], [4]));
    leader.step({ ...appendReply(4, 1, 2, true, 2), prevLogIndex: 0 }, 4); // not yet at commitIndex 3
    expect(leader.config).toEqual(conf([1, 2, 3], [4]));
    leader.step({ ...appendReply(4, 1, 2, true, 3), prevLogIndex: 2 }, 5);
    expect(leader.config).toEqual(conf([1, 2, 3, 4]));
    expect(leader.entries.at(-1)?.config).toEqual(conf([1, 2, 3, 4]));
  });

  // §4.2.2: the leader "steps down ... once the Cnew entry is committed";
  // meanwhile it "replicates log entries but does not count itself in majorities".
  it('a leader removing itself leads until the entry commits, not counting itself, then steps down', () => {
    const leader = newNode({ id: 1, nodes: [1, 2, 3], term: 1, log: logOf(1) });
    winElection(leader, [2]);
    leader.propose('a=1', 0);
    leader.step({ ...appendReply(2, 1, 2, true, 2), prevLogIndex: 1 }, 1);
    leader.proposeConfChange({ kind: 'remove', node: 1 }, 2); // index 3: voters 2, 3
    expect(leader.role).toBe('leader');
    leader.step({ ...appendReply(2, 1, 2, true, 3), prevLogIndex: 2 }, 3);
    expect(leader.commitIndex).toBe(2); // itself and 2 would be a majority of 3, not of {2, 3}
    expect(leader.role).toBe('leader');
    leader.step({ ...appendReply(3, 1, 2, true, 3), prevLogIndex: 0 }, 4);
    expect(leader.commitIndex).toBe(3);
    expect(leader.role).toBe('follower');
    expect(eventsOf(leader.takeReady().events, 'role').at(-1)!.why).toEqual({ code: 'removed-from-config', index: 3 });
    leader.tick(10 * ELECTION_MS[1]);
    expect(leader.role).toBe('follower'); // not a voter: it never campaigns again
  });

  // §4.2.2 (Figure 4.6): "a server that is not part of its own latest
  // configuration should still start new elections, as it might still be
  // needed until the Cnew entry is committed ... It does not count its own
  // vote". Found by the fuzzer: without it, a removed server holding the only
  // up-to-date log and a voter that cannot win wait for each other forever.
  it('a server removed by an uncommitted entry still campaigns, without counting its own vote', () => {
    const removed = newNode({ id: 2, nodes: [2, 4], term: 3, log: [...logOf(1, 2), confEntry(3, 3, conf([4]))] });
    removed.tick(10 * ELECTION_MS[1]);
    expect(removed.role).toBe('candidate');
    expect(removed.votesGranted).toEqual([]); // not its own
    expect(ofType(removed.takeReady().messages, 'RequestVote').map((m) => m.to)).toEqual([4]);
    removed.step(voteReply(4, 2, 4, true), 1);
    expect(removed.role).toBe('leader'); // a majority of its configuration {4}
    // Once the removal commits (node 4's ack), it steps down (§4.2.2).
    removed.step({ ...appendReply(4, 2, 4, true, 4), prevLogIndex: 3 }, 2);
    expect(removed.role).toBe('follower');
    // Whereas a committed removal, or a learner, never campaigns.
    const gone = newNode({ id: 2, nodes: [2, 4], term: 3, log: [confEntry(1, 3, conf([4]))] });
    gone.step(appendEntries(4, 2, 3, 1, 3, [], 1), 1);
    gone.tick(10 * ELECTION_MS[1]);
    expect(gone.role).toBe('follower');
  });

  it('a new leader whose log holds an uncommitted configuration entry appends a no-op, so the change can commit', () => {
    const leader = newNode({ id: 1, nodes: [1, 2, 3], term: 2, log: [...logOf(1), confEntry(2, 2, conf([1, 2, 3], [4]))] });
    winElection(leader, [2]);
    expect(leader.entries.at(-1)).toEqual({ index: 3, term: 3, command: '' });
    const plain = newNode({ id: 1, nodes: [1, 2, 3], term: 2, log: logOf(1) });
    winElection(plain, [2]);
    expect(plain.entries).toHaveLength(1); // no configuration entry pending: no no-op (indexes stay the MIT lab's)
  });

  it('a transfer whose target is removed from the voters is abandoned at once (found by the fuzzer)', () => {
    const leader = newNode({ id: 1, nodes: [1, 2, 3], term: 1, log: logOf(1) });
    winElection(leader, [2]);
    expect(leader.proposeConfChange({ kind: 'remove', node: 3 }, 1)).toBeNull(); // held behind a no-op (the 2015 fix)
    expect(leader.transferLeadership(3, 2)).toBe(true); // the change is not appended yet: 3 is still a voter
    leader.takeReady();
    leader.step({ ...appendReply(2, 1, 2, true, 2), prevLogIndex: 1 }, 3); // the no-op commits: the removal is appended
    expect(leader.config).toEqual(conf([1, 2]));
    expect(leader.transferee).toBe(0);
    const phases = eventsOf(leader.takeReady().events, 'transfer').map((e) => [e.phase, e.to]);
    expect(phases).toEqual([['abandoned', 3]]);
    leader.tick(ELECTION_MS[1] + 10);
    expect(eventsOf(leader.takeReady().events, 'transfer')).toEqual([]); // not abandoned twice
    expect(leader.nextDeadline()).toBeGreaterThan(ELECTION_MS[1] + 10);
  });

  it('refuses changes that mean nothing: adding a member, removing a stranger, the last voter', () => {
    const solo = newNode({ id: 1, nodes: [1] });
    solo.timeout(0);
    expect(solo.role).toBe('leader');
    expect(solo.proposeConfChange({ kind: 'remove', node: 1 }, 1)).toMatch(/last voter/);
    expect(solo.proposeConfChange({ kind: 'remove', node: 7 }, 1)).toMatch(/not a member/);
    expect(solo.proposeConfChange({ kind: 'addLearner', node: 1 }, 1)).toMatch(/already a member/);
    expect(newNode({ id: 2 }).proposeConfChange({ kind: 'addLearner', node: 4 }, 0)).toMatch(/not the leader/);
  });

  // Thesis §5.1.1 / §7: a snapshot keeps the configuration; restarts recover it.
  it('compaction keeps the configuration in the snapshot, and a restart finds it there or in the log', () => {
    const leader = newNode({ id: 1, nodes: [1, 2, 3], term: 1, log: logOf(1), snapshotThreshold: 2 });
    winElection(leader, [2]);
    leader.propose('a=1', 0);
    leader.step({ ...appendReply(2, 1, 2, true, 2), prevLogIndex: 1 }, 1);
    leader.proposeConfChange({ kind: 'addLearner', node: 4 }, 2); // 3
    leader.propose('b=1', 2); // 4
    leader.step({ ...appendReply(2, 1, 2, true, 4), prevLogIndex: 2 }, 3);
    expect(leader.snapshotIndex).toBe(4);
    expect(leader.snapshot?.config).toEqual(conf([1, 2, 3], [4]));
    const restarted = newNode({ id: 1, nodes: [1, 2, 3], term: 2, snapshot: leader.snapshot });
    expect(restarted.config).toEqual(conf([1, 2, 3], [4]));
    const fromLog = newNode({ id: 1, nodes: [1, 2, 3], term: 2, log: [...logOf(1), confEntry(2, 1, conf([1, 2]))] });
    expect(fromLog.config).toEqual(conf([1, 2]));
  });
});
