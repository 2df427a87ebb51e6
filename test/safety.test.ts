// The SafetyMonitor must be able to fail: fed a synthetic event stream that
// breaks each of Figure 3's properties, it reports each, citing the paper;
// fed a correct one (or a real cluster), it stays quiet.
import { describe, expect, it, vi } from 'vitest';
import type { Entry, NodeId, Role } from '../src/raft';
import {
  SafetyMonitor,
  SafetyViolationError,
  attachSafetyMonitor,
  createCluster,
  type ClusterEvent,
  type MonitoredCluster,
  type NodeView,
  type SafetyViolation,
} from '../src/sim';

/**
 * A stand-in for a cluster: it emits the events a test writes, and keeps
 * each node's view (role, term, log, snapshot) in step with them, as a real
 * cluster would, so that node(id) shows what the events describe.
 */
class FakeCluster implements MonitoredCluster {
  readonly ids: readonly NodeId[];
  private readonly listeners = new Set<(e: ClusterEvent) => void>();
  private readonly views = new Map<NodeId, NodeView>();
  clock = 0;

  constructor(nodes = 3) {
    this.ids = Array.from({ length: nodes }, (_, i) => i + 1);
    for (const id of this.ids) this.views.set(id, emptyView(id));
  }

  now(): number {
    return this.clock;
  }

  node(id: NodeId): NodeView {
    const view = this.views.get(id);
    if (!view) throw new Error(`id must be a node id, got ${id}`);
    return view;
  }

  subscribe(listener: (e: ClusterEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Replaces what node(id) shows (a log the events did not describe). */
  setView(id: NodeId, patch: Partial<NodeView>): void {
    this.views.set(id, { ...this.node(id), ...patch });
  }

  emit(...events: ClusterEvent[]): void {
    for (const e of events) {
      this.clock = e.at;
      this.follow(e);
      for (const listener of this.listeners) listener(e);
    }
  }

  private follow(e: ClusterEvent): void {
    if (!('node' in e) || e.node === null) return;
    const v = this.node(e.node);
    switch (e.kind) {
      case 'role':
        this.setView(e.node, { role: e.role, term: e.term });
        return;
      case 'append': {
        const keep = v.log.filter((entry) => entry.index < e.fromIndex);
        this.setView(e.node, { log: [...keep, ...e.entries] });
        return;
      }
      case 'commit':
        this.setView(e.node, { commitIndex: e.commitIndex });
        return;
      case 'apply':
        this.setView(e.node, { lastApplied: e.index });
        return;
      case 'snapshot':
        this.setView(e.node, {
          snapshotIndex: e.lastIncludedIndex,
          snapshotTerm: e.lastIncludedTerm,
          log: v.log.filter((entry) => entry.index > e.lastIncludedIndex),
        });
        return;
      case 'crash':
      case 'restart':
        this.setView(e.node, { role: 'follower' });
        return;
      default:
        return;
    }
  }
}

function emptyView(id: NodeId): NodeView {
  return {
    id,
    alive: true,
    role: 'follower',
    term: 0,
    votedFor: 0,
    commitIndex: 0,
    lastApplied: 0,
    log: [],
    snapshotIndex: 0,
    snapshotTerm: 0,
    leader: 0,
    votes: [],
    electionDeadline: Infinity,
    electionTimeout: 0,
    kv: {},
    config: { voters: [1, 2, 3], learners: [] },
    preCandidate: false,
    transferee: 0,
    configChangePending: false,
  };
}

// Event builders: `at` counts up so each event has its own virtual time.
let clock = 0;
const tick = () => (clock += 1);

function role(node: NodeId, r: Role, term: number): ClusterEvent {
  return { kind: 'role', at: tick(), node, role: r, term, reason: 'test' };
}
/** Entries as [term, command] pairs, from `fromIndex` on. */
function append(
  node: NodeId,
  term: number,
  fromIndex: number,
  entries: [number, string][],
  truncatedFrom: number | null = null,
): ClusterEvent {
  const list: Entry[] = entries.map(([t, command], i) => ({ index: fromIndex + i, term: t, command }));
  return { kind: 'append', at: tick(), node, term, fromIndex, entries: list, truncatedFrom };
}
function commit(node: NodeId, term: number, commitIndex: number): ClusterEvent {
  return { kind: 'commit', at: tick(), node, term, commitIndex };
}
function apply(node: NodeId, index: number, term: number, command: string): ClusterEvent {
  return { kind: 'apply', at: tick(), node, index, term, command };
}
function snapshot(node: NodeId, index: number, term: number, reason: 'compacted' | 'installed' | 'restored'): ClusterEvent {
  return { kind: 'snapshot', at: tick(), node, lastIncludedIndex: index, lastIncludedTerm: term, reason };
}
function restart(node: NodeId): ClusterEvent {
  return { kind: 'restart', at: tick(), node };
}

function watch(fake: FakeCluster): SafetyMonitor {
  const monitor = new SafetyMonitor();
  monitor.attach(fake);
  return monitor;
}

/** Node 1 leads term 1 and replicates x=1, y=2 to node 2; both commit and apply them. */
function healthyStart(fake: FakeCluster): void {
  fake.emit(
    role(1, 'candidate', 1),
    role(1, 'leader', 1),
    append(1, 1, 1, [[1, 'x=1']]),
    append(1, 1, 2, [[1, 'y=2']]),
    append(2, 1, 1, [
      [1, 'x=1'],
      [1, 'y=2'],
    ]),
    commit(1, 1, 2),
    apply(1, 1, 1, 'x=1'),
    apply(1, 2, 1, 'y=2'),
    commit(2, 1, 2),
    apply(2, 1, 1, 'x=1'),
    apply(2, 2, 1, 'y=2'),
  );
}

function only(monitor: SafetyMonitor): SafetyViolation {
  expect(monitor.violations).toHaveLength(1);
  return monitor.violations[0]!;
}

describe('SafetyMonitor on a correct history', () => {
  it('stays quiet through elections, an overwrite of uncommitted entries, snapshots and restarts', () => {
    const fake = new FakeCluster();
    const monitor = watch(fake);
    healthyStart(fake);
    fake.emit(
      // Node 1 appends z=3 alone, then loses leadership; node 2 leads term 2
      // and overwrites index 3 on node 1 (§5.3: uncommitted, so allowed).
      append(1, 1, 3, [[1, 'z=3']]),
      role(1, 'follower', 2),
      role(2, 'candidate', 2),
      role(2, 'leader', 2),
      append(2, 2, 3, [[2, 'w=4']]),
      append(1, 2, 3, [[2, 'w=4']], 3),
      commit(2, 2, 3),
      apply(2, 3, 2, 'w=4'),
      commit(1, 2, 3),
      apply(1, 3, 2, 'w=4'),
      // Node 1 compacts; node 3 gets the snapshot installed; node 2 restarts
      // and re-applies from the start (it has no snapshot).
      snapshot(1, 3, 2, 'compacted'),
      snapshot(3, 3, 2, 'installed'),
      commit(3, 2, 3),
      restart(2),
      apply(2, 1, 1, 'x=1'),
      // Node 1 restarts from its snapshot and applies only what follows it.
      restart(1),
      snapshot(1, 3, 2, 'restored'),
      role(1, 'candidate', 3),
      role(1, 'leader', 3),
      append(1, 3, 4, [[3, 'v=5']]),
      commit(1, 3, 4),
      apply(1, 4, 3, 'v=5'),
    );
    expect(monitor.violations).toEqual([]);
    expect(monitor.ok).toBe(true);
    expect(monitor.commitIndex).toBe(4);
    expect(monitor.committed(3)).toMatchObject({ index: 3, term: 2, command: 'w=4', commitTerm: 2 });
  });

  it('does not blame a leader of an older term for an entry committed in a newer one', () => {
    // A candidate's last vote can arrive late, after a newer term has
    // committed something: Leader Completeness speaks of higher terms only.
    const fake = new FakeCluster();
    const monitor = watch(fake);
    fake.emit(role(2, 'leader', 5), append(2, 5, 1, [[5, 'x=1']]), commit(2, 5, 1), apply(2, 1, 5, 'x=1'), role(3, 'leader', 4));
    expect(monitor.violations).toEqual([]);
  });

  it('stays quiet on a real cluster with faults, attached mid-run', async () => {
    const cluster = createCluster({ nodes: 5, seed: 7, snapshotThreshold: 5, network: { dropRate: 0.1, duplicateRate: 0.1 } });
    const leader = () => cluster.ids.find((id) => cluster.node(id).role === 'leader');
    expect(await cluster.runUntil(() => leader() !== undefined, 2000)).toBe(true);
    for (let i = 0; i < 10; i++) await cluster.start(leader() ?? 1, `a${i}=${i}`);
    await cluster.runFor(300);
    const monitor = attachSafetyMonitor(cluster, { throwOnViolation: true });
    expect(monitor.commitIndex).toBeGreaterThan(0);
    for (let round = 0; round < 10; round++) {
      await cluster.crash(leader() ?? 1);
      await cluster.runUntil(() => leader() !== undefined, 2000);
      for (let i = 0; i < 5; i++) await cluster.start(leader() ?? 2, `b${round}=${i}`);
      await cluster.runFor(400);
      await cluster.restart((round % 5) + 1);
      for (const id of cluster.ids) if (!cluster.node(id).alive) await cluster.restart(id);
      await cluster.runFor(400);
    }
    expect(monitor.violations).toEqual([]);
    expect(monitor.commitIndex).toBeGreaterThan(30);
    monitor.detach();
  });
});

describe('SafetyMonitor reports each broken property', () => {
  it('Election Safety: two leaders in one term (§5.2)', () => {
    const fake = new FakeCluster();
    const monitor = watch(fake);
    fake.emit(role(1, 'leader', 2), role(1, 'follower', 2), role(1, 'leader', 2), role(3, 'leader', 2));
    const v = only(monitor);
    expect(v).toMatchObject({ property: 'Election Safety', node: 3 });
    expect(v.message).toMatch(/§5\.2/);
    expect(v.message).toMatch(/nodes 1 and 3 .*leader of term 2/);
  });

  it('Log Matching: the same index and term with different commands (§5.3)', () => {
    const fake = new FakeCluster();
    const monitor = watch(fake);
    fake.emit(append(1, 1, 1, [[1, 'x=1']]), append(2, 1, 1, [[1, 'x=2']]));
    const v = only(monitor);
    expect(v).toMatchObject({ property: 'Log Matching', node: 2 });
    expect(v.message).toMatch(/§5\.3/);
    expect(v.message).toContain('1@t1 "x=2"');
  });

  it('Log Matching: the same index and term after different predecessors (§5.3)', () => {
    const fake = new FakeCluster();
    const monitor = watch(fake);
    fake.emit(
      append(1, 3, 1, [
        [1, 'a'],
        [3, 'b'],
      ]),
      append(2, 3, 1, [
        [2, 'c'],
        [3, 'b'],
      ]),
    );
    const v = only(monitor);
    expect(v.property).toBe('Log Matching');
    expect(v.message).toMatch(/entry 2@t3 follows an entry of term 2 on node 2 but of term 1 on node 1/);
  });

  it('Log Matching: a new leader whose log disagrees with what was replicated (§5.3)', () => {
    const fake = new FakeCluster();
    const monitor = watch(fake);
    fake.emit(append(1, 1, 1, [[1, 'x=1']]));
    // Node 2's log (as node(2) shows it) was never announced by an event.
    fake.setView(2, { log: [{ index: 1, term: 1, command: 'x=9' }] });
    fake.emit(role(2, 'leader', 2));
    expect(only(monitor).property).toBe('Log Matching');
  });

  it('Leader Append-Only: a leader deleting its own entries (§5.3)', () => {
    const fake = new FakeCluster();
    const monitor = watch(fake);
    // It deletes entry 2 and writes the same entry again: Log Matching holds, but a leader only appends.
    fake.emit(
      role(1, 'leader', 1),
      append(1, 1, 1, [
        [1, 'a'],
        [1, 'b'],
      ]),
      append(1, 1, 2, [[1, 'b']], 2),
    );
    const v = only(monitor);
    expect(v).toMatchObject({ property: 'Leader Append-Only', node: 1 });
    expect(v.message).toMatch(/§5\.3/);
  });

  it('Leader Completeness: a leader without an entry committed in an earlier term (§5.4)', () => {
    const fake = new FakeCluster();
    const monitor = watch(fake);
    healthyStart(fake);
    fake.emit(role(3, 'candidate', 2), role(3, 'leader', 2));
    const v = only(monitor);
    expect(v).toMatchObject({ property: 'Leader Completeness', node: 3 });
    expect(v.message).toMatch(/§5\.4/);
    expect(v.message).toContain('node 3 became leader of term 2 without entry 1@t1 "x=1"');
  });

  it('Leader Completeness: a leader holding a different entry where one was committed (§5.4)', () => {
    const fake = new FakeCluster();
    const monitor = watch(fake);
    healthyStart(fake);
    fake.emit(
      append(3, 1, 1, [
        [1, 'x=1'],
        [1, 'y=2'],
      ]),
    );
    fake.setView(3, {
      log: [
        { index: 1, term: 1, command: 'x=1' },
        { index: 2, term: 3, command: 'q' },
      ],
    });
    fake.emit(role(3, 'leader', 4));
    expect(monitor.violations.map((v) => v.property)).toContain('Leader Completeness');
  });

  it('Leader Completeness holds when the snapshot covers the committed entries', () => {
    const fake = new FakeCluster();
    const monitor = watch(fake);
    healthyStart(fake);
    fake.setView(3, { snapshotIndex: 2, snapshotTerm: 1, log: [] });
    fake.emit(role(3, 'leader', 2));
    expect(monitor.violations).toEqual([]);
  });

  it('State Machine Safety: two nodes apply different commands at one index (§5.4)', () => {
    const fake = new FakeCluster();
    const monitor = watch(fake);
    fake.emit(apply(1, 1, 1, 'x=1'), apply(2, 1, 1, 'x=2'));
    const v = only(monitor);
    expect(v).toMatchObject({ property: 'State Machine Safety', node: 2 });
    expect(v.message).toMatch(/§5\.4/);
    expect(v.message).toContain('node 2 applied 1@t1 "x=2" but node 1 had already committed 1@t1 "x=1"');
  });

  it('State Machine Safety: a commit of a different entry than one already committed (§5.4)', () => {
    const fake = new FakeCluster();
    const monitor = watch(fake);
    fake.emit(append(1, 1, 1, [[1, 'x=1']]), commit(1, 1, 1), append(2, 2, 1, [[2, 'x=2']]), commit(2, 2, 1));
    expect(monitor.violations.map((v) => v.property)).toContain('State Machine Safety');
  });

  it('State Machine Safety: a snapshot whose last entry is not the committed one (§7)', () => {
    const fake = new FakeCluster();
    const monitor = watch(fake);
    healthyStart(fake);
    fake.emit(snapshot(3, 2, 7, 'installed'));
    expect(only(monitor).property).toBe('State Machine Safety');
  });

  it('State Machine Safety: compacting entries not yet applied (§7)', () => {
    const fake = new FakeCluster();
    const monitor = watch(fake);
    fake.emit(
      append(1, 1, 1, [
        [1, 'a'],
        [1, 'b'],
      ]),
      commit(1, 1, 2),
      apply(1, 1, 1, 'a'),
      snapshot(1, 2, 1, 'compacted'),
    );
    expect(only(monitor).property).toBe('State Machine Safety');
  });

  it('Applied In Order: a skipped index, a repeated one, and a restart that does not start over', () => {
    const skipped = new FakeCluster();
    const m1 = watch(skipped);
    skipped.emit(apply(1, 1, 1, 'a'), apply(1, 3, 1, 'c'));
    expect(only(m1)).toMatchObject({ property: 'Applied In Order', node: 1 });
    expect(m1.violations[0]!.message).toContain('applied index 3 when its next index to apply was 2');

    const repeated = new FakeCluster();
    const m2 = watch(repeated);
    repeated.emit(apply(1, 1, 1, 'a'), apply(1, 1, 1, 'a'));
    expect(only(m2).property).toBe('Applied In Order');

    // After a restart without a snapshot, applying resumes at 1, not 2.
    const restarted = new FakeCluster();
    const m3 = watch(restarted);
    restarted.emit(apply(1, 1, 1, 'a'), restart(1), apply(1, 2, 1, 'b'));
    expect(only(m3).property).toBe('Applied In Order');
  });

  it('Applied In Order: an installed snapshot that takes the state machine back', () => {
    const fake = new FakeCluster();
    const monitor = watch(fake);
    healthyStart(fake);
    fake.emit(snapshot(2, 1, 1, 'installed'));
    expect(only(monitor).property).toBe('Applied In Order');
  });
});

describe('SafetyMonitor options and lifecycle', () => {
  it('throwOnViolation throws a SafetyViolationError once the event is checked', () => {
    const fake = new FakeCluster();
    const monitor = new SafetyMonitor({ throwOnViolation: true });
    monitor.attach(fake);
    fake.emit(role(1, 'leader', 1));
    let thrown: unknown = null;
    try {
      fake.emit(role(2, 'leader', 1));
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(SafetyViolationError);
    expect((thrown as SafetyViolationError).violation.property).toBe('Election Safety');
    expect(monitor.violations).toHaveLength(1);
  });

  it('throwOnViolation on a real cluster: reported as an error event right after the offending one, and the run goes on', async () => {
    const cluster = createCluster({ nodes: 3, seed: 3 });
    const monitor = attachSafetyMonitor(cluster, { throwOnViolation: true });
    // Feed the monitor a forged leader for whatever term the real election takes.
    cluster.subscribe((e) => {
      if (e.kind === 'role' && e.role === 'leader') monitor.observe({ ...e, node: (e.node % 3) + 1 });
    });
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    let consoleCalls: number;
    try {
      await cluster.runFor(1000);
      consoleCalls = logged.mock.calls.length;
    } finally {
      logged.mockRestore();
    }
    expect(cluster.now()).toBe(1000);
    const trace = cluster.trace();
    const at = trace.findIndex((e) => e.kind === 'error');
    expect(at).toBeGreaterThan(0);
    expect(trace[at - 1]).toMatchObject({ kind: 'role', role: 'leader' });
    expect(trace[at]).toMatchObject({
      kind: 'error',
      node: null,
      message: expect.stringMatching(/Election Safety \(§5\.2\) violated/) as string,
    });
    expect(consoleCalls).toBeGreaterThan(0);
    expect(monitor.violations.length).toBeGreaterThan(0);
  });

  it('calls onViolation, keeps the first maxViolations and counts them all', () => {
    const fake = new FakeCluster();
    const seen: string[] = [];
    const monitor = new SafetyMonitor({ maxViolations: 2, onViolation: (v) => seen.push(v.property) });
    monitor.attach(fake);
    fake.emit(role(1, 'leader', 1), role(2, 'leader', 1), role(3, 'leader', 1), apply(1, 1, 1, 'a'), apply(2, 1, 1, 'b'));
    expect(seen).toEqual(['Election Safety', 'Election Safety', 'State Machine Safety']);
    expect(monitor.violations).toHaveLength(2);
    expect(monitor.violationCount).toBe(3);
    expect(monitor.ok).toBe(false);
  });

  it('stops checking once detached, and attaches to one cluster at a time', () => {
    const fake = new FakeCluster();
    const monitor = new SafetyMonitor();
    const detach = monitor.attach(fake);
    expect(() => monitor.attach(new FakeCluster())).toThrow(/already attached/);
    detach();
    fake.emit(role(1, 'leader', 1), role(2, 'leader', 1));
    expect(monitor.violations).toEqual([]);
  });

  it('takes the state of an already running cluster as its baseline', () => {
    const fake = new FakeCluster();
    fake.setView(1, { role: 'leader', term: 4, commitIndex: 1, lastApplied: 1, log: [{ index: 1, term: 4, command: 'x=1' }] });
    const monitor = watch(fake);
    expect(monitor.commitIndex).toBe(1);
    // Node 2 leads the same term: a second leader. Node 1 applies 2 next, not 1.
    fake.emit(role(2, 'leader', 4), apply(1, 2, 4, 'y'));
    expect(monitor.violations.map((v) => v.property)).toEqual(['Election Safety']);
    fake.emit(apply(1, 1, 4, 'x=1'));
    expect(monitor.violations.map((v) => v.property)).toEqual(['Election Safety', 'Applied In Order']);
  });
});

describe('SafetyMonitor and configurations (thesis §4.1)', () => {
  const timeout = (node: NodeId, term: number): ClusterEvent => ({ kind: 'timeout', at: tick(), node, term, reason: 'test' });
  const vote = (node: NodeId, candidate: NodeId, term: number): ClusterEvent => ({
    kind: 'vote',
    at: tick(),
    node,
    term,
    candidate,
    granted: true,
    reason: 'test',
  });
  const inForce = (node: NodeId, voters: NodeId[], index: number): ClusterEvent => ({
    kind: 'config',
    at: tick(),
    node,
    term: 1,
    index,
    config: { voters, learners: [] },
    committed: false,
    inForce: true,
    reason: 'test',
  });

  it('reports a leader elected by no majority of the voters in force at it (§5.2 with §4.1)', () => {
    const fake = new FakeCluster(5);
    const monitor = watch(fake);
    fake.emit(inForce(1, [1, 2, 3, 4, 5], 1), timeout(1, 2), vote(2, 1, 2), role(1, 'leader', 2));
    const v = only(monitor);
    expect(v.property).toBe('Election Safety');
    expect(v.message).toMatch(/votes from 1, 2 — not a majority \(3\) of the voters 1, 2, 3, 4, 5/);
  });

  it('counts against the configuration when it won, not one appended after (a promotion in the same input)', () => {
    const fake = new FakeCluster(4);
    const monitor = watch(fake);
    fake.emit(inForce(1, [1, 2, 3], 1), timeout(1, 2), vote(2, 1, 2), role(1, 'leader', 2), inForce(1, [1, 2, 3, 4], 2));
    expect(monitor.violations).toEqual([]);
    // A learner's (or a stranger's) vote does not make a majority.
    fake.emit(timeout(3, 3), vote(4, 3, 3), role(3, 'leader', 3));
    expect(only(monitor).message).toMatch(/node 3 became leader of term 3 with votes from 3 —/);
  });

  it('does not judge an election whose start it did not see', () => {
    const fake = new FakeCluster(5);
    const monitor = watch(fake);
    fake.emit(vote(2, 1, 2), role(1, 'leader', 2));
    expect(monitor.violations).toEqual([]);
  });
});
