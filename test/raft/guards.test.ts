// Two guards that mutation testing showed no test needed: each test here
// fails when its guard is removed (see the comment on each).
import { describe, expect, it } from 'vitest';
import type { AppendEntriesReply } from '../../src/raft';
import { ELECTION_MS, entriesOfTerm, newNode, ofType, voteReply, winElection } from './helpers';

describe('§5.2 a leader that steps down waits a whole election timeout', () => {
  // Reference: section 5.2. "If a follower receives no communication over a
  // period of time called the election timeout, then it assumes there is no
  // viable leader and begins an election." A leader's election timer was
  // last set when it was a candidate, long past; without a reset on stepping
  // down, the deposed leader would start an election at once and disrupt the
  // cluster that just moved on. (Mutant: drop `resetElectionTimer` in
  // becomeFollower for a former leader.)
  it('§5.2: a deposed leader (higher term in a reply) does not time out before now + the minimum election timeout', () => {
    const leader = newNode({ id: 1, term: 1 });
    winElection(leader, [2], 0);
    expect(leader.role).toBe('leader');
    leader.takeReady();
    const now = 5000; // far past the candidate's old deadline (<= 300)
    leader.step(voteReply(3, 1, leader.term + 1, false), now);
    expect(leader.role).toBe('follower');
    expect(leader.electionDeadline).toBeGreaterThanOrEqual(now + ELECTION_MS[0]);
    leader.takeReady();
    leader.tick(now + 1);
    expect(leader.role).toBe('follower');
    expect(ofType(leader.takeReady().messages, 'RequestVote')).toEqual([]);
  });
});

describe('§5.3 stale refusals do not move nextIndex or break flow control', () => {
  // A refusal answers one AppendEntries. Every append of the leader's that
  // carries news has prevLogIndex = nextIndex - 1; a refusal of any other
  // (a duplicate, or one overtaken by a later reply) is stale. Acting on it
  // would back nextIndex up again and send a second append while one is
  // still outstanding (at most one is, per follower). (Mutant: drop the
  // `m.prevLogIndex !== pr.nextIndex - 1` guard in the reply handler.)
  it('§5.3: a duplicated refusal of an older append sends nothing and leaves nextIndex alone', () => {
    const leader = newNode({ id: 1, term: 7, log: entriesOfTerm(1, 10, 1) });
    winElection(leader, [3]);
    expect(leader.progress.get(2)).toMatchObject({ nextIndex: 11 });
    leader.takeReady();
    // Node 2 holds 5 entries: it refuses the heartbeat at prevLogIndex 10.
    const refusal: AppendEntriesReply = {
      type: 'AppendEntriesReply',
      from: 2,
      to: 1,
      term: leader.term,
      success: false,
      prevLogIndex: 10,
      matchIndex: 0,
      conflictIndex: 6,
      conflictTerm: 0,
    };
    leader.step(refusal, 10);
    const retry = ofType(leader.takeReady().messages, 'AppendEntries').filter((m) => m.to === 2);
    expect(retry).toMatchObject([{ prevLogIndex: 5, entries: entriesOfTerm(6, 5, 1) }]);
    expect(leader.progress.get(2)).toMatchObject({ nextIndex: 6 });

    // The network duplicates the refusal; the copy arrives while the retry is in flight.
    leader.step(refusal, 12);
    expect(ofType(leader.takeReady().messages, 'AppendEntries')).toEqual([]);
    expect(leader.progress.get(2)).toMatchObject({ nextIndex: 6 });
  });
});

describe('§5.1 only members of the cluster take part', () => {
  it('§5.1: vote replies from non-members 41 and 42 do not make a 5-node candidate leader', () => {
    const candidate = newNode({ id: 1, nodes: [1, 2, 3, 4, 5] });
    candidate.timeout(0);
    expect(candidate.role).toBe('candidate');
    candidate.step(voteReply(41, 1, candidate.term, true), 1);
    candidate.step(voteReply(42, 1, candidate.term, true), 1);
    expect(candidate.role).toBe('candidate');
    expect(candidate.votesGranted).toEqual([1]);
    // Two real votes do.
    candidate.step(voteReply(2, 1, candidate.term, true), 2);
    candidate.step(voteReply(3, 1, candidate.term, true), 2);
    expect(candidate.role).toBe('leader');
  });

  it('§5.1: a message addressed to another node is ignored (no term change, no reply)', () => {
    const follower = newNode({ id: 2 });
    follower.step({ type: 'RequestVote', from: 1, to: 3, term: 9, lastLogIndex: 0, lastLogTerm: 0 }, 1);
    expect(follower.term).toBe(0);
    expect(follower.takeReady()).toEqual({ persist: [], messages: [], events: [] });
  });
});
