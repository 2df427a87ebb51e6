// Replies in flight outlive the terms they answered. A leader must never read
// a reply to an older leader's request as an answer to its own: found by
// fuzzing (a late InstallSnapshot of term 27 was "acknowledged" to the term-28
// leader, whose matchIndex then claimed entries the follower did not have).
import { describe, expect, it } from 'vitest';
import { appendEntries, installSnapshot, logOf, newNode, only, winElection } from './helpers';

describe('Figure 2 / Figure 13: replies to stale-term requests acknowledge nothing', () => {
  it('Figure 13 receiver 1: a refused stale-term InstallSnapshot is answered with lastIncludedIndex 0', () => {
    const follower = newNode({ id: 2, term: 3 });
    follower.step(installSnapshot(1, 2, 2, { lastIncludedIndex: 10, lastIncludedTerm: 2, data: { a: '1' } }), 0);
    const reply = only(follower.takeReady(), 'InstallSnapshotReply');
    expect(reply).toMatchObject({ term: 3, lastIncludedIndex: 0 });
    expect(follower.snapshotIndex).toBe(0);
  });

  it('§5.3/§5.4: a leader of the same term as that reply neither advances matchIndex nor commits', () => {
    // Leader 1 of term 3 holds 5 entries of term 3; follower 2 has nothing.
    const leader = newNode({ id: 1, term: 2, log: logOf(3, 3, 3, 3, 3) });
    winElection(leader, [2]);
    expect(leader.term).toBe(3);
    const follower = newNode({ id: 2, term: 3 });
    // A late InstallSnapshot from an older leader (term 2) reaches node 2...
    follower.step(installSnapshot(3, 2, 2, { lastIncludedIndex: 5, lastIncludedTerm: 2, data: {} }), 10);
    const reply = only(follower.takeReady(), 'InstallSnapshotReply');
    // ...and its reply (term 3) is delivered to leader 1 (also term 3).
    leader.step({ ...reply, to: 1 }, 11);
    expect(leader.progress.get(2)?.matchIndex).toBe(0);
    expect(leader.commitIndex).toBe(0);
  });

  it("§5.3: a refusal for a stale term (no hint) does not move the leader's nextIndex", () => {
    const leader = newNode({ id: 1, term: 2, log: logOf(1, 1, 3) });
    winElection(leader, [2]);
    leader.takeReady();
    const before = leader.progress.get(2)?.nextIndex;
    // Node 2 refuses some term-2 request with its own (equal) term 3 and no hint.
    const follower = newNode({ id: 2, term: 3 });
    follower.step(appendEntries(1, 2, 2, 3, 1), 5);
    const refusal = only(follower.takeReady(), 'AppendEntriesReply');
    expect(refusal).toMatchObject({ success: false, conflictIndex: 0, conflictTerm: 0 });
    leader.step({ ...refusal, to: 1, prevLogIndex: (before ?? 1) - 1 }, 6);
    expect(leader.progress.get(2)?.nextIndex).toBe(before);
    expect(leader.takeReady().messages).toEqual([]);
  });
});
