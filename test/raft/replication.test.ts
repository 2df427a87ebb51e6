// Log replication (§5.3 and Figure 2's AppendEntries receiver rules), driven
// on RaftNode directly. Each test quotes the sentences it checks.
import { describe, expect, it } from 'vitest';
import type { Entry, RaftNode } from '../../src/raft';
import { appendEntries, entriesOfTerm, eventsOf, logOf, Net, newNode, ofType, only, winElection } from './helpers';

/** index@term pairs: what Log Matching compares. */
function shape(entries: readonly Entry[]): string[] {
  return entries.map((e) => `${e.index}@${e.term}`);
}

describe('§5.3 the AppendEntries consistency check', () => {
  // Reference: section 5.3
  // "When sending an AppendEntries RPC, the leader includes the index and term
  // of the entry in its log that immediately precedes the new entries. If the
  // follower does not find an entry in its log with the same index and term,
  // then it refuses the new entries."
  // "If desired, the protocol can be optimized to reduce the number of
  // rejected AppendEntries RPCs. For example, when rejecting an AppendEntries
  // request, the follower can include the term of the conflicting entry and
  // the first index it stores for that term."
  it('§5.3: a follower with no entry at prevLogIndex rejects, hinting conflictIndex = its last index + 1 (conflictTerm 0)', () => {
    const follower = newNode({ id: 2, term: 1, log: logOf(1, 1, 1) });
    follower.step(appendEntries(1, 2, 2, 6, 2, [{ index: 7, term: 2, command: 'x=1' }], 6), 5);
    const ready = follower.takeReady();
    expect(only(ready, 'AppendEntriesReply')).toEqual({
      type: 'AppendEntriesReply',
      from: 2,
      to: 1,
      term: 2,
      success: false,
      prevLogIndex: 6,
      matchIndex: 0,
      conflictIndex: 4,
      conflictTerm: 0,
    });
    expect(shape(follower.entries)).toEqual(['1@1', '2@1', '3@1']);
    expect(follower.commitIndex).toBe(0);
    expect(ready.persist).toEqual([{ kind: 'hardState', hardState: { term: 2, votedFor: 0 } }]);
  });

  it('§5.3: a follower whose entry at prevLogIndex has another term rejects, hinting that term and the first index it holds for it', () => {
    const follower = newNode({ id: 2, term: 2, log: logOf(1, 2, 2, 2) });
    follower.step(appendEntries(1, 2, 3, 4, 3, [{ index: 5, term: 3, command: 'x=1' }], 5), 5);
    const ready = follower.takeReady();
    expect(only(ready, 'AppendEntriesReply')).toMatchObject({ success: false, term: 3, conflictTerm: 2, conflictIndex: 2 });
    // Rejecting is not truncating: the log is untouched.
    expect(shape(follower.entries)).toEqual(['1@1', '2@2', '3@2', '4@2']);
    expect(ready.persist.filter((op) => op.kind === 'entries')).toEqual([]);
    expect(follower.commitIndex).toBe(0);
  });
});

describe('§5.3 truncation only on conflict (Figure 2, AppendEntries receiver 3–4)', () => {
  // Figure 2, AppendEntries RPC, receiver implementation:
  // "3. If an existing entry conflicts with a new one (same index but
  // different terms), delete the existing entry and all that follow it (§5.3)
  // 4. Append any new entries not already in the log"
  it('Figure 2: a stale or duplicate AppendEntries whose entries all match must not truncate the log', () => {
    const follower = newNode({ id: 2, term: 1, log: logOf(1, 1, 1, 1, 1) });
    // An old AppendEntries, delayed in the network, carrying only entries 1–2.
    follower.step(appendEntries(1, 2, 1, 0, 0, logOf(1, 1)), 5);
    const ready = follower.takeReady();
    expect(shape(follower.entries)).toEqual(['1@1', '2@1', '3@1', '4@1', '5@1']);
    expect(ready.persist).toEqual([]);
    expect(eventsOf(ready.events, 'append')).toEqual([]);
    // It acknowledges only what the request covered.
    expect(only(ready, 'AppendEntriesReply')).toMatchObject({ success: true, matchIndex: 2 });

    // Delivered again: the same, again.
    follower.step(appendEntries(1, 2, 1, 0, 0, logOf(1, 1)), 6);
    expect(shape(follower.entries)).toHaveLength(5);
    expect(follower.takeReady().persist).toEqual([]);
  });

  it('Figure 2: overlapping entries append only what is new, persisted before the acknowledgement', () => {
    const follower = newNode({ id: 2, term: 1, log: logOf(1, 1, 1, 1, 1) });
    const sent = logOf(1, 1, 1, 1, 1, 1).slice(3); // entries 4, 5, 6
    follower.step(appendEntries(1, 2, 1, 3, 1, sent), 5);
    const ready = follower.takeReady();
    expect(ready.persist).toEqual([{ kind: 'entries', fromIndex: 6, entries: [sent[2]] }]);
    expect(only(ready, 'AppendEntriesReply')).toMatchObject({ success: true, matchIndex: 6 });
    expect(shape(follower.entries)).toHaveLength(6);
  });

  it('Figure 2: a conflicting entry is deleted with all that follow it, and the new ones are appended', () => {
    const follower = newNode({ id: 2, term: 1, log: logOf(1, 1, 1, 1, 1) });
    const fresh: Entry = { index: 3, term: 2, command: 'x=2' };
    follower.step(appendEntries(1, 2, 2, 2, 1, [fresh]), 5);
    const ready = follower.takeReady();
    expect(shape(follower.entries)).toEqual(['1@1', '2@1', '3@2']);
    expect(ready.persist).toContainEqual({ kind: 'entries', fromIndex: 3, entries: [fresh] });
    expect(eventsOf(ready.events, 'append')).toMatchObject([{ fromIndex: 3, truncatedFrom: 3 }]);
    expect(only(ready, 'AppendEntriesReply')).toMatchObject({ success: true, matchIndex: 3 });
  });
});

describe("§5.3 the leader brings a follower's log in line", () => {
  /**
   * A leader (node 1, term 8 unless given) with `leaderLog`, elected by a
   * vote from node 3 (which the net does not model), and a follower (node 2)
   * with `followerLog`. The leader proposes one entry of its own term, then
   * the net runs until quiet. Returns how many AppendEntries went to node 2.
   */
  function repair(
    leaderLog: Entry[],
    followerLog: Entry[],
    leaderTerm = 8,
  ): { leader: RaftNode; follower: RaftNode; appendsSent: number; net: Net } {
    const leader = newNode({ id: 1, term: leaderTerm - 1, log: leaderLog });
    const followerTerm = Math.max(0, ...followerLog.map((e) => e.term));
    const follower = newNode({ id: 2, term: followerTerm, log: followerLog });
    winElection(leader, [3]);
    expect(leader.term).toBe(leaderTerm);
    // The first heartbeat (from the election) was taken above and is lost:
    // the net starts with the proposal and the next heartbeat.
    leader.propose(`new=${leaderTerm}`, 0);
    const net = new Net([leader, follower], [1, 2, 3]);
    net.tick(50);
    net.settle();
    const appendsSent = ofType(net.sent, 'AppendEntries').filter((m) => m.from === 1 && m.to === 2).length;
    return { leader, follower, appendsSent, net };
  }

  // Reference: section 5.3, Figure 7
  // "To bring a follower's log into consistency with its own, the leader must
  // find the latest log entry where the two logs agree, delete any entries in
  // the follower's log after that point, and send the follower all of the
  // leader's entries after that point."
  // "With this information [the conflicting term and the first index it
  // stores for that term], the leader can decrement nextIndex to bypass all of
  // the conflicting entries in that term; one AppendEntries RPC will be
  // required for each term with conflicting entries, rather than one RPC per
  // entry."
  const figure7Leader = logOf(1, 1, 1, 4, 4, 5, 5, 6, 6, 6);
  it.each([
    { name: 'a', follower: logOf(1, 1, 1, 4, 4, 5, 5, 6, 6) },
    { name: 'b', follower: logOf(1, 1, 1, 4) },
    { name: 'c', follower: logOf(1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6) },
    { name: 'd', follower: logOf(1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7) },
    { name: 'e', follower: logOf(1, 1, 1, 4, 4, 4, 4) },
    { name: 'f', follower: logOf(1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3) },
  ])(
    "§5.3, Figure 7 ($name): the term-8 leader makes the follower's log identical to its own in at most 3 AppendEntries",
    ({ follower: followerLog }) => {
      const { leader, follower, appendsSent } = repair(figure7Leader, followerLog);
      expect(shape(follower.entries)).toEqual(shape(leader.entries));
      expect(shape(leader.entries)).toEqual([...shape(figure7Leader), '11@8']);
      expect(leader.progress.get(2)).toMatchObject({ matchIndex: 11, nextIndex: 12 });
      expect(appendsSent).toBeLessThanOrEqual(3);
      // With the entry of term 8 on a majority (1 and 2 of 3), everything commits.
      expect(leader.commitIndex).toBe(11);
    },
  );

  it('§5.3: a 50-entry divergence (one conflicting term) is repaired in 2 round trips, not 50', () => {
    const leaderLog = [...entriesOfTerm(1, 10, 1), ...entriesOfTerm(11, 50, 3)];
    const followerLog = [...entriesOfTerm(1, 10, 1), ...entriesOfTerm(11, 50, 2)];
    const { leader, follower, appendsSent, net } = repair(leaderLog, followerLog, 4);
    expect(shape(follower.entries)).toEqual(shape(leader.entries));
    expect(follower.lastIndex).toBe(61);
    // Round trip 1: the heartbeat at 60 is refused, naming term 2 and its first index 11.
    const refusals = ofType(net.sent, 'AppendEntriesReply').filter((m) => m.from === 2 && !m.success);
    expect(refusals.map((m) => [m.prevLogIndex, m.conflictTerm, m.conflictIndex])).toEqual([[60, 2, 11]]);
    // Round trip 2: the leader, holding no entry of term 2, sends everything from 11.
    expect(appendsSent).toBe(2);
    expect(eventsOf(net.events, 'append').filter((e) => e.node === 2)).toMatchObject([{ fromIndex: 11, truncatedFrom: 11 }]);
  });

  it('§5.3: a follower 50 entries behind catches up in a couple of round trips (conflictIndex = its last index + 1)', () => {
    const leaderLog = entriesOfTerm(1, 60, 1);
    const followerLog = entriesOfTerm(1, 10, 1);
    const { leader, follower, appendsSent } = repair(leaderLog, followerLog, 2);
    expect(shape(follower.entries)).toEqual(shape(leader.entries));
    expect(appendsSent).toBeLessThanOrEqual(2);
  });
});

describe('§5.3 the leader appends and replicates client commands', () => {
  // Reference: section 5.3
  // "The leader appends the command to its log as a new entry, then issues
  // AppendEntries RPCs in parallel to each of the other servers to replicate
  // the entry." Figure 2, Leaders: "If command received from client: append
  // entry to local log, respond after entry applied to state machine".
  // §5.1: "If a client contacts a follower, the follower redirects it to the
  // leader" — here a non-leader refuses with index -1, like the MIT lab's Start().
  it('§5.3: only a leader accepts a command; it appends it (persisted) and replicates it to every follower', () => {
    const net = new Net([newNode({ id: 1 }), newNode({ id: 2 }), newNode({ id: 3 })]);
    net.elect(1);
    expect(net.node(1).role).toBe('leader');
    expect(net.propose(2, 'x=1')).toEqual({ index: -1, term: 1, isLeader: false });
    expect(net.node(2).lastIndex).toBe(0);

    expect(net.propose(1, 'x=1')).toEqual({ index: 1, term: 1, isLeader: true });
    expect(net.disks.get(1)!.entries).toEqual([{ index: 1, term: 1, command: 'x=1' }]);
    const appends = ofType(net.queue, 'AppendEntries');
    expect(appends.map((m) => [m.to, m.prevLogIndex, shape(m.entries)])).toEqual([
      [2, 0, ['1@1']],
      [3, 0, ['1@1']],
    ]);
    net.settle();
    for (const id of [1, 2, 3]) expect(net.disks.get(id)!.entries).toHaveLength(1);
    expect(net.node(1).commitIndex).toBe(1);
  });
});
