// The lab's bug switches (src/raft/faults.ts), one rule each, on RaftNode
// directly: with the switch off the rule of the paper holds (as in the other
// files here); with it on, exactly that rule is broken. Cluster-level runs in
// which the safety monitor catches each one are in test/faults.test.ts.
import { describe, expect, it } from 'vitest';
import { RaftNode, type CoreEvent, type FaultName } from '../../src/raft';
import { appendEntries, appendReply, Disk, eventsOf, logOf, newNode, ofType, requestVote, voteReply } from './helpers';

const votes = (events: readonly CoreEvent[]) => eventsOf(events, 'vote');
const on = (fault: FaultName) => [fault];

describe("'vote-without-log-check' breaks §5.4.1", () => {
  // Reference: section 5.4.1 — "the voter denies its vote if its own log is
  // more up-to-date than that of the candidate."
  it.each([
    { faults: [] as FaultName[], granted: false },
    { faults: on('vote-without-log-check'), granted: true },
  ])('faults $faults: a voter whose log ends 2@t2 answers a candidate ending 1@t1: granted $granted', ({ faults, granted }) => {
    const voter = newNode({ id: 1, term: 2, log: logOf(1, 2), faults });
    voter.step(requestVote(2, 1, 3, 1, 1), 0);
    const ready = voter.takeReady();
    expect(ofType(ready.messages, 'RequestVoteReply')[0]!.voteGranted).toBe(granted);
    const [vote] = votes(ready.events);
    if (granted) {
      // No reason code claims the candidate was up to date: the event says the switch did it.
      expect(vote!.why).toBeUndefined();
      expect(vote!.reason).toMatch(/vote-without-log-check.*more up to date than 1@t1.*§5\.4\.1/);
    } else {
      expect(vote!.why?.code).toBe('log-more-up-to-date');
    }
  });
});

describe("'double-vote' breaks §5.2", () => {
  // Reference: section 5.2 — "Each server will vote for at most one candidate
  // in a given term, on a first-come-first-served basis."
  it.each([
    { faults: [] as FaultName[], granted: false, votedFor: 2 },
    { faults: on('double-vote'), granted: true, votedFor: 3 },
  ])('faults $faults: having voted for 2 in term 1, asked by 3 in term 1: granted $granted', ({ faults, granted, votedFor }) => {
    const voter = newNode({ id: 1, faults });
    voter.step(requestVote(2, 1, 1), 0);
    voter.takeReady();
    voter.step(requestVote(3, 1, 1), 1);
    const ready = voter.takeReady();
    expect(ofType(ready.messages, 'RequestVoteReply')[0]!.voteGranted).toBe(granted);
    expect(voter.votedFor).toBe(votedFor);
    if (granted) expect(votes(ready.events)[0]!.reason).toMatch(/double-vote.*voted for node 2.*§5\.2/);
  });
});

describe("'forget-vote-on-restart' breaks Figure 2's persistent votedFor", () => {
  // Reference: Figure 2 — "Persistent state on all servers: (Updated on
  // stable storage before responding to RPCs) currentTerm, votedFor, log[]".
  it.each([
    { faults: [] as FaultName[], stored: 2, regranted: false },
    { faults: on('forget-vote-on-restart'), stored: 0, regranted: true },
  ])(
    'faults $faults: a vote for 2 reaches the disk as $stored; after a restart in term 1, a vote for 3: $regranted',
    ({ faults, stored, regranted }) => {
      const disk = new Disk();
      const voter = newNode({ id: 1, faults });
      voter.step(requestVote(2, 1, 1), 0);
      disk.apply(voter.takeReady().persist);
      expect(voter.votedFor).toBe(2); // in memory the vote is cast either way
      expect(disk.votedFor).toBe(stored);
      expect(disk.term).toBe(1);

      const config = { id: 1, nodes: [1, 2, 3], electionTimeoutMs: [150, 300] as const, heartbeatMs: 50, faults, random: () => 0.5 };
      const restarted = new RaftNode(config, disk.load(), 10);
      restarted.step(requestVote(3, 1, 1), 10);
      expect(ofType(restarted.takeReady().messages, 'RequestVoteReply')[0]!.voteGranted).toBe(regranted);
    },
  );
});

describe("'commit-earlier-term' breaks §5.4.2", () => {
  // Reference: section 5.4.2 — "Raft never commits log entries from previous
  // terms by counting replicas."
  it.each([
    { faults: [] as FaultName[], commitIndex: 0 },
    { faults: on('commit-earlier-term'), commitIndex: 1 },
  ])('faults $faults: a leader of term 2 whose 1@t1 is on a majority commits through $commitIndex', ({ faults, commitIndex }) => {
    const leader = newNode({ id: 1, term: 1, log: logOf(1), faults });
    leader.timeout(0);
    leader.step(voteReply(2, 1, 2, true), 1);
    expect(leader.role).toBe('leader');
    expect(leader.term).toBe(2);
    leader.takeReady();
    leader.step(appendReply(2, 1, 2, true, 1), 2);
    expect(leader.progress.get(2)?.matchIndex).toBe(1);
    expect(leader.commitIndex).toBe(commitIndex);
  });
});

describe("'keep-conflicting-entries' breaks §5.3", () => {
  // Reference: Figure 2, AppendEntries receiver 3 — "If an existing entry
  // conflicts with a new one (same index but different terms), delete the
  // existing entry and all that follow it (§5.3)".
  it.each([
    { faults: [] as FaultName[], log: ['1@1:c1', '2@2:c2', '3@2:c3'], applied: ['c1', 'c2', 'c3'] },
    { faults: on('keep-conflicting-entries'), log: ['1@1:c1', '2@1:old', '3@2:c3'], applied: ['c1', 'old', 'c3'] },
  ])('faults $faults: a follower holding 2@t1 takes 2@t2 3@t2 committed through 3: log $log', ({ faults, log, applied }) => {
    const follower = newNode({
      id: 2,
      term: 1,
      log: [
        { index: 1, term: 1, command: 'c1' },
        { index: 2, term: 1, command: 'old' },
      ],
      faults,
    });
    const entries = [
      { index: 2, term: 2, command: 'c2' },
      { index: 3, term: 2, command: 'c3' },
    ];
    follower.step(appendEntries(1, 2, 2, 1, 1, entries, 3), 0);
    const ready = follower.takeReady();
    expect(follower.entries.map((e) => `${e.index}@${e.term}:${e.command}`)).toEqual(log);
    // Either way it acknowledges through 3 and applies through 3.
    expect(ofType(ready.messages, 'AppendEntriesReply')[0]).toMatchObject({ success: true, matchIndex: 3 });
    expect(eventsOf(ready.events, 'apply').map((e) => e.command)).toEqual(applied);
  });

  it("keeps its log's terms non-decreasing: the leader's entries of a lower term after a kept one are not taken", () => {
    const follower = newNode({
      id: 2,
      term: 3,
      log: [
        { index: 1, term: 1, command: 'c1' },
        { index: 2, term: 3, command: 'mine' },
      ],
      faults: on('keep-conflicting-entries'),
    });
    const entries = [
      { index: 2, term: 2, command: 'b' },
      { index: 3, term: 2, command: 'c' },
      { index: 4, term: 4, command: 'd' },
    ];
    follower.step(appendEntries(1, 2, 4, 1, 1, entries, 0), 0);
    const ready = follower.takeReady();
    expect(follower.entries.map((e) => `${e.index}@${e.term}`)).toEqual(['1@1', '2@3']);
    expect(ofType(ready.messages, 'AppendEntriesReply')[0]).toMatchObject({ success: true, matchIndex: 2 });
  });
});

describe('an unknown fault', () => {
  it('is refused by the core itself', () => {
    expect(() => newNode({ id: 1, faults: ['no-such-fault' as FaultName] })).toThrow(/unknown fault "no-such-fault"/);
  });
});
