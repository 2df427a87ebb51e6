// Leader election (§5.1, §5.2, §5.4.1), driven on RaftNode directly. As in
// etcd-io/raft's raft_paper_test.go, each test focuses on a few sentences of
// the paper (quoted) and names its section.
import { describe, expect, it } from 'vitest';
import type { Message, MessageType } from '../../src/raft';
import {
  appendEntries,
  appendReply,
  ELECTION_MS,
  eventsOf,
  HEARTBEAT_MS,
  installSnapshot,
  logOf,
  newNode,
  ofType,
  only,
  requestVote,
  seeded,
  voteReply,
  winElection,
} from './helpers';

describe('§5.2 leader election: timeouts', () => {
  // Reference: section 5.2
  // "If a follower receives no communication over a period of time called the
  // election timeout, then it assumes there is no viable leader and begins an
  // election to choose a new leader. To begin an election, a follower
  // increments its current term and transitions to candidate state. It then
  // votes for itself and issues RequestVote RPCs in parallel to each of the
  // other servers in the cluster."
  // Figure 2: currentTerm and votedFor are "updated on stable storage before
  // responding to RPCs".
  it('§5.2: a follower that hears nothing for an election timeout campaigns: term+1, votes for itself, RequestVote to all, hard state persisted first', () => {
    const node = newNode({ id: 1, nodes: [1, 2, 3, 4, 5], term: 4, log: logOf(1, 2, 4) });
    const deadline = node.electionDeadline;
    expect(deadline).toBe(node.electionTimeout);

    node.tick(deadline - 1);
    expect(node.role).toBe('follower');
    expect(node.takeReady().messages).toEqual([]);

    node.tick(deadline);
    expect(node.role).toBe('candidate');
    expect(node.term).toBe(5);
    expect(node.votedFor).toBe(1);
    const ready = node.takeReady();
    // The vote for itself is in the same Ready as the requests, so a host that
    // persists before sending can never ask for votes it has not recorded.
    expect(ready.persist).toEqual([{ kind: 'hardState', hardState: { term: 5, votedFor: 1 } }]);
    expect(ready.messages).toEqual([2, 3, 4, 5].map((to) => requestVote(1, to, 5, 3, 4)));
    expect(eventsOf(ready.events, 'timeout')).toHaveLength(1);
  });

  // Reference: section 5.2
  // "If many followers become candidates at the same time, votes could be
  // split so that no candidate obtains a majority. When this happens, each
  // candidate will time out and start a new election by incrementing its term
  // and initiating another round of RequestVote RPCs."
  it('§5.2: a candidate whose election times out without a winner starts a new election in the next term', () => {
    const node = newNode({ id: 1 });
    node.timeout(0);
    node.takeReady();
    const deadline = node.electionDeadline;
    expect(deadline).toBeGreaterThanOrEqual(ELECTION_MS[0]);

    node.tick(deadline - 1);
    expect(node.term).toBe(1);
    node.tick(deadline);
    expect(node.role).toBe('candidate');
    expect(node.term).toBe(2);
    const ready = node.takeReady();
    expect(ready.persist).toEqual([{ kind: 'hardState', hardState: { term: 2, votedFor: 1 } }]);
    expect(ofType(ready.messages, 'RequestVote').map((m) => [m.to, m.term])).toEqual([
      [2, 2],
      [3, 2],
    ]);
  });

  // Reference: section 5.2
  // "Raft uses randomized election timeouts to ensure that split votes are
  // rare and that they are resolved quickly. To prevent split votes in the
  // first place, election timeouts are chosen randomly from a fixed interval
  // (e.g., 150–300ms)."
  it('§5.2: election timeouts are drawn at random from the configured interval, anew at each reset', () => {
    const seen = new Set<number>();
    for (let seed = 1; seed <= 300; seed++) {
      const node = newNode({ id: 1, random: seeded(seed) });
      for (let round = 0; round < 3; round++) {
        const timeout = node.electionTimeout;
        expect(timeout).toBeGreaterThanOrEqual(ELECTION_MS[0]);
        expect(timeout).toBeLessThanOrEqual(ELECTION_MS[1]);
        expect(Number.isInteger(timeout)).toBe(true);
        seen.add(timeout);
        node.tick(node.electionDeadline); // campaign: the timer is reset with a fresh draw
      }
    }
    // Spread over the interval, not one fixed value: 900 draws of 151 values.
    expect(seen.size).toBeGreaterThan(120);
    expect(Math.min(...seen)).toBeLessThan(ELECTION_MS[0] + 10);
    expect(Math.max(...seen)).toBeGreaterThan(ELECTION_MS[1] - 10);
    // The ends of the interval are reachable and never exceeded.
    expect(newNode({ id: 1, random: () => 0 }).electionTimeout).toBe(ELECTION_MS[0]);
    expect(newNode({ id: 1, random: () => 1 - Number.EPSILON }).electionTimeout).toBe(ELECTION_MS[1]);
  });

  // Reference: section 5.2
  // "A server remains in follower state as long as it receives valid RPCs
  // from a leader or candidate."
  // Figure 2, Followers: "If election timeout elapses without receiving
  // AppendEntries RPC from current leader or granting vote to candidate:
  // convert to candidate".
  it('§5.2: AppendEntries from the current leader resets the election timer; a stale one does not', () => {
    const node = newNode({ id: 2, term: 3 });
    const first = node.electionDeadline;
    node.step(appendEntries(1, 2, 3, 0, 0), first - 10);
    expect(node.electionDeadline).toBe(first - 10 + node.electionTimeout);
    node.tick(first);
    expect(node.role).toBe('follower');

    const reset = node.electionDeadline;
    node.step(appendEntries(3, 2, 2, 0, 0), reset - 5); // term 2 < 3: not from the current leader
    expect(node.electionDeadline).toBe(reset);
    node.tick(reset);
    expect(node.role).toBe('candidate');
  });
});

describe('§5.1 terms', () => {
  const higher = 7;
  // All but PreVote, whose term nobody takes (thesis §9.6), and TimeoutNow,
  // after which the node campaigns at once (§3.10): test/raft/extensions.test.ts.
  const messages: Record<Exclude<MessageType, 'PreVote' | 'TimeoutNow'>, Message> = {
    RequestVote: requestVote(2, 1, higher, 0, 0), // its log is behind the leader's: no vote
    RequestVoteReply: voteReply(2, 1, higher, false),
    AppendEntries: appendEntries(2, 1, higher, 0, 0),
    AppendEntriesReply: appendReply(2, 1, higher, false),
    InstallSnapshot: installSnapshot(2, 1, higher, { lastIncludedIndex: 1, lastIncludedTerm: 1, data: {} }),
    InstallSnapshotReply: { type: 'InstallSnapshotReply', from: 2, to: 1, term: higher, lastIncludedIndex: 0 },
    // A refused PreVote carries the voter's own, higher term (thesis §9.6).
    PreVoteReply: { type: 'PreVoteReply', from: 2, to: 1, term: higher, voteGranted: false },
  };

  // Reference: section 5.1
  // "Current terms are exchanged whenever servers communicate; if one
  // server's current term is smaller than the other's, then it updates its
  // current term to the larger value. If a candidate or leader discovers that
  // its term is out of date, it immediately reverts to follower state."
  // Figure 2, All Servers: "If RPC request or response contains term T >
  // currentTerm: set currentTerm = T, convert to follower".
  it.each(Object.keys(messages) as (keyof typeof messages)[])('§5.1: a leader steps down on a higher term in a %s', (type) => {
    const leader = newNode({ id: 1, term: 2, log: logOf(1, 2) });
    winElection(leader, [3]);
    expect(leader.term).toBe(3);

    leader.step(messages[type], 100);
    expect(leader.role).toBe('follower');
    expect(leader.term).toBe(higher);
    expect(leader.votedFor).toBe(0); // a new term: no vote cast in it yet
    const ready = leader.takeReady();
    expect(ready.persist[0]).toEqual({ kind: 'hardState', hardState: { term: higher, votedFor: 0 } });
    expect(eventsOf(ready.events, 'role').map((e) => e.role)).toEqual(['follower']);
    // It no longer acts as a leader: no heartbeats at the next heartbeat time.
    leader.tick(100 + HEARTBEAT_MS);
    expect(ofType(leader.takeReady().messages, 'AppendEntries')).toEqual([]);
  });

  it.each(Object.keys(messages) as (keyof typeof messages)[])('§5.1: a candidate steps down on a higher term in a %s', (type) => {
    const candidate = newNode({ id: 1, term: 2, log: logOf(1, 2) });
    candidate.timeout(0);
    candidate.takeReady();
    candidate.step(messages[type], 10);
    expect(candidate.role).toBe('follower');
    expect(candidate.term).toBe(higher);
    expect(candidate.takeReady().persist[0]).toEqual({ kind: 'hardState', hardState: { term: higher, votedFor: 0 } });
  });

  // Reference: section 5.1
  // "If a server receives a request with a stale term number, it rejects the
  // request." Replies carry the receiver's term so the sender learns it.
  it('§5.1: requests with a stale term are rejected, and the reply carries the newer term', () => {
    const node = newNode({ id: 1, term: 5, log: logOf(1, 2) });

    node.step(requestVote(2, 1, 4, 10, 4), 1);
    expect(only(node.takeReady(), 'RequestVoteReply')).toEqual(voteReply(1, 2, 5, false));

    node.step(appendEntries(2, 1, 4, 2, 2, [{ index: 3, term: 4, command: 'x=1' }], 3), 2);
    const reply = only(node.takeReady(), 'AppendEntriesReply');
    expect(reply.success).toBe(false);
    expect(reply.term).toBe(5);

    node.step(installSnapshot(2, 1, 4, { lastIncludedIndex: 9, lastIncludedTerm: 4, data: { a: '1' } }), 3);
    expect(only(node.takeReady(), 'InstallSnapshotReply').term).toBe(5);

    expect(node.term).toBe(5);
    expect(node.votedFor).toBe(0);
    expect(node.lastIndex).toBe(2);
    expect(node.snapshotIndex).toBe(0);
    expect(node.commitIndex).toBe(0);
  });
});

describe('§5.2 voting', () => {
  // Reference: section 5.2
  // "Each server will vote for at most one candidate in a given term, on a
  // first-come-first-served basis."
  // Figure 2: votedFor is persistent state, "updated on stable storage before
  // responding to RPCs".
  it('§5.2: at most one vote per term, and the vote is in the persist ops of the Ready that carries the reply', () => {
    const voter = newNode({ id: 1, nodes: [1, 2, 3, 4, 5] });

    voter.step(requestVote(2, 1, 1), 1);
    let ready = voter.takeReady();
    expect(only(ready, 'RequestVoteReply')).toEqual(voteReply(1, 2, 1, true));
    expect(ready.persist).toEqual([{ kind: 'hardState', hardState: { term: 1, votedFor: 2 } }]);

    voter.step(requestVote(3, 1, 1), 2);
    ready = voter.takeReady();
    expect(only(ready, 'RequestVoteReply')).toEqual(voteReply(1, 3, 1, false));
    expect(ready.persist).toEqual([]);
    expect(eventsOf(ready.events, 'vote')[0]?.reason).toMatch(/already voted for node 2/);

    // A retransmitted request from the same candidate gets the same answer.
    voter.step(requestVote(2, 1, 1), 3);
    expect(only(voter.takeReady(), 'RequestVoteReply').voteGranted).toBe(true);
    expect(voter.votedFor).toBe(2);

    // A new term is a new vote.
    voter.step(requestVote(3, 1, 2), 4);
    ready = voter.takeReady();
    expect(only(ready, 'RequestVoteReply')).toEqual(voteReply(1, 3, 2, true));
    expect(ready.persist).toEqual([{ kind: 'hardState', hardState: { term: 2, votedFor: 3 } }]);
  });

  it('§5.2: a vote cast in the current term (no term change to persist) is still persisted with its reply', () => {
    const voter = newNode({ id: 1, term: 4 });
    voter.step(requestVote(2, 1, 4), 1);
    const ready = voter.takeReady();
    expect(only(ready, 'RequestVoteReply')).toEqual(voteReply(1, 2, 4, true));
    expect(ready.persist).toEqual([{ kind: 'hardState', hardState: { term: 4, votedFor: 2 } }]);
  });

  // Figure 2: votedFor is persistent, so a restarted server remembers it.
  it('§5.2, Figure 2: a node restarted from its stored hard state still refuses a second candidate in the same term', () => {
    const voter = newNode({ id: 1, term: 1, votedFor: 2 });
    voter.step(requestVote(3, 1, 1), 1);
    expect(only(voter.takeReady(), 'RequestVoteReply').voteGranted).toBe(false);
    expect(voter.votedFor).toBe(2);
  });

  // Reference: section 5.4.1
  // "Raft determines which of two logs is more up-to-date by comparing the
  // index and term of the last entries in the logs. If the logs have last
  // entries with different terms, then the log with the later term is more
  // up-to-date. If the logs end with the same term, then whichever log is
  // longer is more up-to-date."
  // "The RequestVote RPC implements this restriction: ... the voter denies its
  // vote if its own log is more up-to-date than that of the candidate."
  it.each([
    { lastLogTerm: 1, lastLogIndex: 10, granted: false, rule: 'an older last term loses, however long the log' },
    { lastLogTerm: 2, lastLogIndex: 2, granted: false, rule: 'same last term, shorter log loses' },
    { lastLogTerm: 2, lastLogIndex: 3, granted: true, rule: 'same last term, same length: at least as up to date' },
    { lastLogTerm: 2, lastLogIndex: 4, granted: true, rule: 'same last term, longer log wins' },
    { lastLogTerm: 3, lastLogIndex: 1, granted: true, rule: 'a later last term wins, however short the log' },
  ])(
    '§5.4.1: voter with log 1@1 2@1 3@2 vs candidate $lastLogIndex@t$lastLogTerm: granted=$granted ($rule)',
    ({ lastLogTerm, lastLogIndex, granted }) => {
      const voter = newNode({ id: 1, term: 2, log: logOf(1, 1, 2) });
      const deadline = voter.electionDeadline;
      voter.step(requestVote(2, 1, 3, lastLogIndex, lastLogTerm), 10);
      expect(only(voter.takeReady(), 'RequestVoteReply')).toEqual(voteReply(1, 2, 3, granted));
      expect(voter.term).toBe(3);
      expect(voter.votedFor).toBe(granted ? 2 : 0);
      // Only a granted vote resets the election timer (Figure 2, Followers).
      if (granted) expect(voter.electionDeadline).toBe(10 + voter.electionTimeout);
      else expect(voter.electionDeadline).toBe(deadline);
    },
  );

  it('§5.4.1: a denied vote is not a vote: an up-to-date candidate of the same term can still get it', () => {
    const voter = newNode({ id: 1, term: 2, log: logOf(1, 1, 2) });
    voter.step(requestVote(2, 1, 3, 2, 2), 1);
    expect(only(voter.takeReady(), 'RequestVoteReply').voteGranted).toBe(false);
    voter.step(requestVote(3, 1, 3, 3, 2), 2);
    expect(only(voter.takeReady(), 'RequestVoteReply').voteGranted).toBe(true);
    expect(voter.votedFor).toBe(3);
  });
});

describe('§5.2 winning and losing an election', () => {
  // Reference: section 5.2
  // "A candidate wins an election if it receives votes from a majority of the
  // servers in the full cluster for the same term. ... Once a candidate wins
  // an election, it becomes leader. It then sends heartbeat messages to all of
  // the other servers to establish its authority and prevent new elections."
  // Figure 2, Leaders: "Upon election: send initial empty AppendEntries RPCs
  // (heartbeat) to each server; repeat during idle periods".
  it('§5.2: a candidate becomes leader on votes from a majority (not counting repeats, refusals or stale terms) and sends heartbeats', () => {
    const node = newNode({ id: 1, nodes: [1, 2, 3, 4, 5], term: 1, log: logOf(1, 1) });
    node.timeout(0);
    node.takeReady();
    expect(node.term).toBe(2);

    node.step(voteReply(2, 1, 2, true), 1);
    node.step(voteReply(2, 1, 2, true), 2); // duplicate delivery: still one vote
    node.step(voteReply(3, 1, 2, false), 3);
    node.step(voteReply(4, 1, 1, true), 4); // a vote from an earlier term's election
    expect(node.role).toBe('candidate');
    expect(node.votesGranted.slice().sort()).toEqual([1, 2]);
    expect(node.takeReady().messages).toEqual([]);

    node.step(voteReply(5, 1, 2, true), 5);
    expect(node.role).toBe('leader');
    const ready = node.takeReady();
    expect(eventsOf(ready.events, 'role').map((e) => e.role)).toEqual(['leader']);
    expect(ready.messages).toEqual([2, 3, 4, 5].map((to) => appendEntries(1, to, 2, 2, 1, [], 0)));
    // Figure 2: nextIndex starts at the leader's last index + 1, matchIndex at 0.
    for (const peer of [2, 3, 4, 5]) expect(node.progress.get(peer)).toMatchObject({ nextIndex: 3, matchIndex: 0 });

    // Heartbeats repeat every heartbeatMs, and not more often.
    node.tick(5 + HEARTBEAT_MS - 1);
    expect(node.takeReady().messages).toEqual([]);
    node.tick(5 + HEARTBEAT_MS);
    expect(ofType(node.takeReady().messages, 'AppendEntries').map((m) => [m.to, m.entries.length])).toEqual([
      [2, 0],
      [3, 0],
      [4, 0],
      [5, 0],
    ]);
    // A leader's election timer does not fire.
    node.tick(100_000);
    expect(node.role).toBe('leader');
    expect(node.term).toBe(2);
  });

  // Reference: section 5.2
  // "While waiting for votes, a candidate may receive an AppendEntries RPC
  // from another server claiming to be leader. If the leader's term (included
  // in its RPC) is at least as large as the candidate's current term, then the
  // candidate recognizes the leader as legitimate and returns to follower
  // state. If the term in the RPC is smaller than the candidate's current
  // term, then the candidate rejects the RPC and continues in candidate state."
  it('§5.2: a candidate rejects AppendEntries of an older term and steps down on AppendEntries of its own term', () => {
    const node = newNode({ id: 1, term: 2 });
    node.timeout(0);
    node.takeReady();
    expect(node.term).toBe(3);

    node.step(appendEntries(2, 1, 2, 0, 0), 1);
    expect(node.role).toBe('candidate');
    expect(only(node.takeReady(), 'AppendEntriesReply')).toMatchObject({ success: false, term: 3 });

    node.step(appendEntries(3, 1, 3, 0, 0, [{ index: 1, term: 3, command: 'x=1' }]), 2);
    expect(node.role).toBe('follower');
    expect(node.term).toBe(3);
    expect(node.leader).toBe(3);
    // It voted for itself in term 3 and must keep that vote: no second vote this term.
    expect(node.votedFor).toBe(1);
    const ready = node.takeReady();
    expect(only(ready, 'AppendEntriesReply')).toMatchObject({ success: true, term: 3, matchIndex: 1 });
    expect(ready.persist).toEqual([{ kind: 'entries', fromIndex: 1, entries: [{ index: 1, term: 3, command: 'x=1' }] }]);
    node.step(requestVote(2, 1, 3, 5, 3), 3);
    expect(only(node.takeReady(), 'RequestVoteReply').voteGranted).toBe(false);
  });

  // Reference: section 5.2 (a cluster of one is its own majority).
  it('§5.2: a single-node cluster elects itself at its first timeout, with no messages, and commits alone', () => {
    const node = newNode({ id: 1, nodes: [1] });
    node.tick(node.electionDeadline);
    expect(node.role).toBe('leader');
    expect(node.term).toBe(1);
    let ready = node.takeReady();
    expect(ready.messages).toEqual([]);
    expect(ready.persist).toEqual([{ kind: 'hardState', hardState: { term: 1, votedFor: 1 } }]);

    expect(node.propose('a=1', 400)).toEqual({ index: 1, term: 1, isLeader: true });
    expect(node.commitIndex).toBe(1);
    expect(node.lastApplied).toBe(1);
    expect(node.stateMachine.get('a')).toBe('1');
    ready = node.takeReady();
    expect(ready.persist).toEqual([{ kind: 'entries', fromIndex: 1, entries: [{ index: 1, term: 1, command: 'a=1' }] }]);
    expect(eventsOf(ready.events, 'apply').map((e) => e.index)).toEqual([1]);
  });
});
