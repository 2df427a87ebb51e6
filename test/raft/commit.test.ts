// Commitment and application (§5.3, §5.4.2 with Figure 8, Figure 2's
// commitIndex rules, §8's no-op), driven on RaftNode directly.
import { describe, expect, it } from 'vitest';
import type { Message } from '../../src/raft';
import { appendEntries, eventsOf, logOf, Net, newNode, only, seeded } from './helpers';

describe('§5.4.2 committing entries from previous terms (Figure 8)', () => {
  /**
   * Figure 8 (c), built by hand in a five-node cluster; nodes 4 and 5 are not
   * modelled (messages to them are lost).
   *   S1: 1@1 2@2     term 3 on disk (it led term 2; voted in term 3 for itself)
   *   S2: 1@1 2@2     S1's term-2 follower
   *   S3: 1@1         voted for S5 in term 3
   * S5 (absent) holds 1@1 2@3. S1 times out into term 4 and wins with S2, S3.
   */
  function figure8c(leaderNoop = false): Net {
    const members = [1, 2, 3, 4, 5];
    const net = new Net(
      [
        newNode({ id: 1, nodes: members, term: 3, votedFor: 1, log: logOf(1, 2), leaderNoop }),
        newNode({ id: 2, nodes: members, term: 2, log: logOf(1, 2), leaderNoop }),
        newNode({ id: 3, nodes: members, term: 3, votedFor: 5, log: logOf(1), leaderNoop }),
      ],
      members,
    );
    net.elect(1);
    expect(net.node(1).role).toBe('leader');
    expect(net.node(1).term).toBe(4);
    return net;
  }

  // Reference: section 5.4.2, Figure 8
  // "A leader cannot immediately conclude that an entry from a previous term
  // is committed once it is stored on a majority of servers."
  // "Raft never commits log entries from previous terms by counting replicas.
  // Only log entries from the leader's current term are committed by counting
  // replicas; once an entry from the current term has been committed in this
  // way, then all prior entries are committed indirectly because of the Log
  // Matching Property."
  // Figure 2, Leaders: "If there exists an N such that N > commitIndex, a
  // majority of matchIndex[i] ≥ N, and log[N].term == currentTerm: set
  // commitIndex = N".
  it('§5.4.2, Figure 8: an entry of term 2 on a majority is not committed by the term-4 leader; its own term-4 entry commits both', () => {
    const net = figure8c();
    const leader = net.node(1);
    net.tick(50);
    net.settle();
    // Figure 8 (c): 2@2 is now on S1, S2 and S3 — a majority of five.
    for (const id of [1, 2, 3]) expect(net.node(id).termAt(2)).toBe(2);
    expect(leader.progress.get(2)?.matchIndex).toBe(2);
    expect(leader.progress.get(3)?.matchIndex).toBe(2);
    // ...and yet nothing is committed, not even 1@1: neither is of term 4.
    for (const id of [1, 2, 3]) expect(net.node(id).commitIndex).toBe(0);
    expect(eventsOf(net.events, 'commit')).toEqual([]);
    expect(eventsOf(net.events, 'apply')).toEqual([]);

    // Figure 8 (e): the leader replicates an entry of its own term on a majority.
    expect(net.propose(1, 'x=4')).toEqual({ index: 3, term: 4, isLeader: true });
    net.settle();
    expect(leader.commitIndex).toBe(3);
    expect(net.applied(1).map((a) => a.index)).toEqual([1, 2, 3]);
    net.tick(50);
    net.settle();
    for (const id of [2, 3]) {
      expect(net.node(id).commitIndex).toBe(3);
      expect(net.applied(id).map((a) => a.command)).toEqual(['k1=1', 'k2=2', 'x=4']);
    }
  });

  // Reference: section 8
  // "Raft handles this by having each leader commit a blank no-op entry into
  // the log at the start of its term."
  it("§8 (leaderNoop on): the new leader's no-op of term 4 commits the term-2 entry without a client command", () => {
    const net = figure8c(true);
    const leader = net.node(1);
    expect(leader.entries.map((e) => [e.index, e.term, e.command])).toEqual([
      [1, 1, 'k1=1'],
      [2, 2, 'k2=2'],
      [3, 4, ''],
    ]);
    expect(leader.commitIndex).toBe(3);
    expect(net.applied(1).map((a) => a.index)).toEqual([1, 2, 3]);
  });
});

describe('§5.3 commitIndex on followers (Figure 2, AppendEntries receiver 5)', () => {
  // Figure 2, AppendEntries RPC, receiver implementation:
  // "5. If leaderCommit > commitIndex, set commitIndex = min(leaderCommit,
  // index of last new entry)"
  // §5.3: "Once a follower learns that a log entry is committed, it applies
  // the entry to its local state machine (in log order)."
  it('Figure 2: a follower commits up to min(leaderCommit, last new entry), not past what the request vouches for', () => {
    // Entries 3–5 came from an old leader and may not match the current one's.
    const follower = newNode({ id: 2, term: 1, log: logOf(1, 1, 1, 1, 1) });

    // A heartbeat vouching for nothing past prevLogIndex 0 commits nothing.
    follower.step(appendEntries(1, 2, 2, 0, 0, [], 5), 1);
    expect(follower.commitIndex).toBe(0);

    follower.step(appendEntries(1, 2, 2, 1, 1, logOf(1, 1).slice(1), 5), 2);
    expect(follower.commitIndex).toBe(2);
    const ready = follower.takeReady();
    expect(eventsOf(ready.events, 'commit').map((e) => e.commitIndex)).toEqual([2]);
    expect(eventsOf(ready.events, 'apply').map((e) => e.index)).toEqual([1, 2]);
    expect(follower.lastApplied).toBe(2);
    expect(follower.stateMachine.get('k2')).toBe('1');
    expect(follower.stateMachine.get('k3')).toBeUndefined();

    // A smaller leaderCommit never moves commitIndex back.
    follower.step(appendEntries(1, 2, 2, 5, 1, [], 1), 3);
    expect(follower.commitIndex).toBe(2);
    expect(only(follower.takeReady(), 'AppendEntriesReply').success).toBe(true);
    // Once the leader vouches for entries 3–5 (prevLogIndex 5 matches), they may commit.
    follower.step(appendEntries(1, 2, 2, 5, 1, [], 4), 4);
    expect(follower.commitIndex).toBe(4);
    expect(only(follower.takeReady(), 'AppendEntriesReply').success).toBe(true);
  });
});

describe('§5.3 applying committed entries', () => {
  // Figure 2, All Servers: "If commitIndex > lastApplied: increment
  // lastApplied, apply log[lastApplied] to state machine (§5.3)".
  // §5.3: "Once a follower learns that a log entry is committed, it applies
  // the entry to its local state machine (in log order)."
  it('§5.3: every node applies each committed entry once, in log order, despite reordered and duplicated messages', () => {
    const net = new Net([newNode({ id: 1 }), newNode({ id: 2 }), newNode({ id: 3 })]);
    net.elect(1);
    const random = seeded(42);
    /** Shuffles the in-flight messages and duplicates about a third of them. */
    const scramble = (queue: Message[]): Message[] => {
      const out: Message[] = [];
      for (const m of queue) {
        out.push(m);
        if (random() < 0.3) out.push(m);
      }
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [out[i], out[j]] = [out[j]!, out[i]!];
      }
      return out;
    };
    const commands: string[] = [];
    for (let i = 1; i <= 30; i++) {
      commands.push(`k${i % 7}=${i}`);
      expect(net.propose(1, commands[commands.length - 1]!).index).toBe(i);
      net.queue = scramble(net.queue);
      net.deliverRound();
      if (i % 5 === 0) net.tick(50);
    }
    for (let round = 0; round < 20 && net.queue.length > 0; round++) {
      net.queue = scramble(net.queue);
      net.deliverRound();
    }
    net.tick(50);
    net.settle();
    for (const id of [1, 2, 3]) {
      expect(net.node(id).commitIndex).toBe(30);
      expect(net.applied(id).map((a) => a.index)).toEqual(commands.map((_, i) => i + 1));
      expect(net.applied(id).map((a) => a.command)).toEqual(commands);
      expect(net.node(id).stateMachine.snapshot()).toEqual(net.node(1).stateMachine.snapshot());
    }
  });

  it('§5.3: a restarted node (no snapshot) re-applies its committed prefix once, in order, as it relearns commitIndex', () => {
    const net = new Net([newNode({ id: 1 }), newNode({ id: 2 }), newNode({ id: 3 })]);
    net.elect(1);
    for (const c of ['a=1', 'b=2', 'c=3']) net.propose(1, c);
    net.settle();
    net.tick(50);
    net.settle();
    expect(net.applied(3).map((a) => a.index)).toEqual([1, 2, 3]);

    const restarted = net.restart(3);
    expect(restarted.commitIndex).toBe(0); // volatile: relearned from the leader
    expect(restarted.entries).toHaveLength(3);
    net.tick(50);
    net.settle();
    expect(restarted.commitIndex).toBe(3);
    // First life: 1, 2, 3. Second life: 1, 2, 3 again, each exactly once.
    expect(net.applied(3).map((a) => a.index)).toEqual([1, 2, 3, 1, 2, 3]);
    expect(restarted.stateMachine.snapshot()).toEqual({ a: '1', b: '2', c: '3' });
  });
});

describe('§8 leader no-op', () => {
  // Issue 2: "No no-op entry on election by default (indexes must match the
  // MIT lab's expectations); leaderNoop: true may turn it on."
  it.each([
    { leaderNoop: false, firstIndex: 1, leaderLog: [] as string[] },
    { leaderNoop: true, firstIndex: 2, leaderLog: ['1@1'] },
  ])(
    "§8: with leaderNoop=$leaderNoop, a fresh leader's log is $leaderLog and the first command gets index $firstIndex",
    ({ leaderNoop, firstIndex, leaderLog }) => {
      const net = new Net([1, 2, 3].map((id) => newNode({ id, leaderNoop })));
      net.elect(1);
      expect(net.node(1).entries.map((e) => `${e.index}@${e.term}`)).toEqual(leaderLog);
      if (leaderNoop) {
        expect(net.node(1).entries[0]?.command).toBe('');
        expect(net.node(1).commitIndex).toBe(1);
      }
      expect(net.propose(1, 'x=1').index).toBe(firstIndex);
      net.settle();
      expect(net.node(1).commitIndex).toBe(firstIndex);
      // A no-op is applied like any entry but leaves the key–value state alone.
      expect(net.node(1).stateMachine.snapshot()).toEqual({ x: '1' });
    },
  );
});
