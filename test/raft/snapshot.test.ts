// Log compaction (§7, Figure 13 InstallSnapshot), driven on RaftNode directly.
import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../../src/raft';
import { appendEntries, eventsOf, installSnapshot, logOf, Net, newNode, ofType, only } from './helpers';

describe('§7 compaction', () => {
  // Reference: section 7
  // "Each server takes snapshots independently, covering just the committed
  // entries in its log." "The snapshot replaces the committed entries in the
  // log."
  // Issue 2: "a node compacts once its log holds more than [snapshotThreshold]
  // entries past its last snapshot".
  it('§7: a node compacts once its log holds more than snapshotThreshold entries, and not before', () => {
    const net = new Net([newNode({ id: 1, nodes: [1], snapshotThreshold: 5 })]);
    const node = net.node(1);
    net.tick(node.electionDeadline);
    expect(node.role).toBe('leader');

    for (let i = 1; i <= 5; i++) net.propose(1, `k${i}=${i}`);
    expect(node.snapshotIndex).toBe(0);
    expect(node.entries).toHaveLength(5);

    const sixth = node.propose('k6=6', net.now);
    const ready = node.takeReady();
    net.disks.get(1)!.apply(ready.persist);
    expect(sixth.index).toBe(6);
    const snapshot: Snapshot = {
      lastIncludedIndex: 6,
      lastIncludedTerm: 1,
      data: { k1: '1', k2: '2', k3: '3', k4: '4', k5: '5', k6: '6' },
    };
    // The entry is persisted first, then the snapshot that covers it.
    expect(ready.persist).toEqual([
      { kind: 'entries', fromIndex: 6, entries: [{ index: 6, term: 1, command: 'k6=6' }] },
      { kind: 'snapshot', snapshot, discardLog: false },
    ]);
    expect(eventsOf(ready.events, 'snapshot')).toMatchObject([{ lastIncludedIndex: 6, lastIncludedTerm: 1, reason: 'compacted' }]);
    expect(node.snapshotIndex).toBe(6);
    expect(node.snapshotTerm).toBe(1);
    expect(node.entries).toEqual([]);
    expect(node.lastIndex).toBe(6);
    expect(node.lastTerm).toBe(1);

    // The threshold counts entries past the latest snapshot.
    for (let i = 7; i <= 11; i++) net.propose(1, `k${i}=${i}`);
    expect(node.snapshotIndex).toBe(6);
    net.propose(1, 'k12=12');
    expect(node.snapshotIndex).toBe(12);
    expect(net.disks.get(1)!.snapshot?.lastIncludedIndex).toBe(12);
    expect(net.disks.get(1)!.entries).toEqual([]);
  });

  it('§7: only applied (committed) entries are compacted: a leader with no quorum keeps its whole log', () => {
    const net = new Net([1, 2, 3].map((id) => newNode({ id, snapshotThreshold: 5 })));
    net.elect(1);
    net.isolated.add(2);
    net.isolated.add(3);
    for (let i = 1; i <= 8; i++) net.propose(1, `k${i}=${i}`);
    net.settle();
    expect(net.node(1).commitIndex).toBe(0);
    expect(net.node(1).snapshotIndex).toBe(0);
    expect(net.node(1).entries).toHaveLength(8);

    net.isolated.clear();
    net.tick(50);
    net.settle();
    expect(net.node(1).commitIndex).toBe(8);
    expect(net.node(1).snapshotIndex).toBe(8);
  });
});

describe('§7 InstallSnapshot (Figure 13)', () => {
  // Reference: section 7
  // "The leader uses a new RPC called InstallSnapshot to send snapshots to
  // followers that are too far behind." "The leader must occasionally send
  // snapshots to followers that lag behind. This happens when the leader has
  // already discarded the next log entry that it needs to send to a follower."
  it('§7: a leader sends InstallSnapshot to a follower that needs entries it has compacted; the follower then catches up from the log', () => {
    const net = new Net([1, 2, 3].map((id) => newNode({ id, snapshotThreshold: 5 })));
    net.elect(1);
    net.isolated.add(3);
    for (let i = 1; i <= 10; i++) {
      net.propose(1, `k${i}=${i}`);
      net.settle();
    }
    const leader = net.node(1);
    expect(leader.commitIndex).toBe(10);
    expect(leader.snapshotIndex).toBe(6);
    expect(net.node(3).lastIndex).toBe(0);

    net.isolated.delete(3);
    const before = net.sent.length;
    net.tick(50);
    net.settle();
    net.tick(50);
    net.settle();
    const toFollower = net.sent.slice(before).filter((m) => m.to === 3);
    const snapshots = ofType(toFollower, 'InstallSnapshot');
    expect(snapshots).toHaveLength(1);
    expect(snapshots[0]!.snapshot).toMatchObject({ lastIncludedIndex: 6, lastIncludedTerm: 1 });

    const follower = net.node(3);
    expect(follower.snapshotIndex).toBe(6);
    expect(follower.entries.map((e) => e.index)).toEqual([7, 8, 9, 10]);
    expect(follower.commitIndex).toBe(10);
    expect(follower.stateMachine.snapshot()).toEqual(leader.stateMachine.snapshot());
    // Restoring a snapshot applies nothing one by one; entries after it are applied in order.
    expect(net.applied(3).map((a) => a.index)).toEqual([7, 8, 9, 10]);
    expect(leader.progress.get(3)).toMatchObject({ matchIndex: 10, nextIndex: 11 });
  });

  const snap: Snapshot = { lastIncludedIndex: 5, lastIncludedTerm: 1, data: { a: '1', b: '2' } };

  // Figure 13, InstallSnapshot RPC, receiver implementation:
  // "6. If existing log entry has same index and term as snapshot's last
  // included entry, retain log entries following it and reply
  // 7. Discard the entire log
  // 8. Reset state machine using snapshot contents (and load snapshot's
  // cluster configuration)"
  it("Figure 13: a follower holding the snapshot's last included entry keeps the entries after it", () => {
    const follower = newNode({ id: 2, term: 1, log: logOf(1, 1, 1, 1, 1, 1, 1, 1) });
    follower.step(installSnapshot(1, 2, 1, snap), 10);
    const ready = follower.takeReady();
    expect(ready.persist).toEqual([{ kind: 'snapshot', snapshot: snap, discardLog: false }]);
    expect(only(ready, 'InstallSnapshotReply')).toEqual({ type: 'InstallSnapshotReply', from: 2, to: 1, term: 1, lastIncludedIndex: 5 });
    expect(follower.snapshotIndex).toBe(5);
    expect(follower.entries.map((e) => e.index)).toEqual([6, 7, 8]);
    expect(follower.commitIndex).toBe(5);
    expect(follower.lastApplied).toBe(5);
    // The state machine is the snapshot's, not a replay of the log (k1..k5 are not applied).
    expect(follower.stateMachine.snapshot()).toEqual({ a: '1', b: '2' });
    expect(eventsOf(ready.events, 'apply')).toEqual([]);
  });

  it.each([
    { why: 'its log is shorter than the snapshot', log: logOf(1, 1, 1) },
    { why: 'its entry at the last included index has another term', log: logOf(1, 1, 1, 1, 2, 2, 2) },
  ])('Figure 13: a follower discards its whole log when $why', ({ log }) => {
    const follower = newNode({ id: 2, term: 1, log });
    follower.step(installSnapshot(1, 2, 2, snap), 10);
    const ready = follower.takeReady();
    expect(ready.persist).toContainEqual({ kind: 'snapshot', snapshot: snap, discardLog: true });
    expect(follower.entries).toEqual([]);
    expect(follower.lastIndex).toBe(5);
    expect(follower.lastTerm).toBe(1);
    expect(follower.commitIndex).toBe(5);
    expect(follower.stateMachine.snapshot()).toEqual({ a: '1', b: '2' });
  });

  it('Figure 13: a snapshot that covers no more than the follower has committed changes nothing, but is acknowledged', () => {
    const follower = newNode({ id: 2, term: 1, log: logOf(1, 1, 1, 1, 1, 1) });
    follower.step(appendEntries(1, 2, 1, 6, 1, [], 6), 1);
    follower.takeReady();
    expect(follower.commitIndex).toBe(6);
    follower.step(installSnapshot(1, 2, 1, snap), 2);
    const ready = follower.takeReady();
    expect(ready.persist).toEqual([]);
    expect(only(ready, 'InstallSnapshotReply').lastIncludedIndex).toBe(5);
    expect(follower.snapshotIndex).toBe(0);
    expect(follower.entries).toHaveLength(6);
    expect(follower.stateMachine.get('k6')).toBe('1');
  });

  it('§7: after installing a snapshot, AppendEntries whose prevLogIndex lies inside it are accepted for the entries past it', () => {
    const follower = newNode({ id: 2, term: 1 });
    follower.step(installSnapshot(1, 2, 1, snap), 1);
    follower.takeReady();
    // A delayed AppendEntries from before the snapshot: entries 3..7.
    follower.step(appendEntries(1, 2, 1, 2, 1, logOf(1, 1, 1, 1, 1, 1, 1).slice(2), 7), 2);
    const ready = follower.takeReady();
    expect(only(ready, 'AppendEntriesReply')).toMatchObject({ success: true, matchIndex: 7 });
    expect(follower.entries.map((e) => e.index)).toEqual([6, 7]);
    expect(follower.commitIndex).toBe(7);
    expect(eventsOf(ready.events, 'apply').map((e) => e.index)).toEqual([6, 7]);
  });
});

describe('§7 restart from a snapshot', () => {
  // Reference: section 7
  // "The snapshot also includes the last included index and term"; on restart
  // the state machine is rebuilt from the snapshot, and only entries after it
  // are replayed (Figure 13 step 8: "Reset state machine using snapshot contents").
  it('§7: a restarted node restores its state machine from its stored snapshot and re-applies only the entries after it', () => {
    const net = new Net([newNode({ id: 1, nodes: [1], snapshotThreshold: 5 })]);
    net.tick(net.node(1).electionDeadline);
    for (let i = 1; i <= 7; i++) net.propose(1, `k${i}=${i}`);
    expect(net.node(1).snapshotIndex).toBe(6);
    const eventsBefore = net.events.length;

    const node = net.restart(1, { nodes: [1], snapshotThreshold: 5 });
    const boot = net.events.slice(eventsBefore);
    expect(eventsOf(boot, 'snapshot')).toMatchObject([{ lastIncludedIndex: 6, lastIncludedTerm: 1, reason: 'restored' }]);
    expect(eventsOf(boot, 'apply')).toEqual([]);
    expect(node.snapshotIndex).toBe(6);
    expect(node.commitIndex).toBe(6);
    expect(node.lastApplied).toBe(6);
    expect(node.entries.map((e) => e.index)).toEqual([7]);
    expect(node.stateMachine.snapshot()).toEqual({ k1: '1', k2: '2', k3: '3', k4: '4', k5: '5', k6: '6' });
    expect(node.term).toBe(1);

    // As leader of term 2 it commits entry 7 (term 1) only with an entry of term 2 (§5.4.2).
    net.tick(node.electionDeadline - net.now);
    expect(node.role).toBe('leader');
    expect(node.term).toBe(2);
    expect(node.commitIndex).toBe(6);
    net.propose(1, 'k8=8');
    expect(node.commitIndex).toBe(8);
    expect(
      net
        .applied(1)
        .slice(7)
        .map((a) => a.index),
    ).toEqual([7, 8]);
    expect(node.stateMachine.get('k7')).toBe('7');
  });
});
