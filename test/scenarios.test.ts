// Directed scenarios through the public cluster API, written like scripts:
// one action per line, an expectation after it. Election timeouts are huge
// (10–20 virtual seconds) and delays fixed at 5 ms, so nothing happens unless
// a line makes it happen: `timeout(id)` starts an election, partitions decide
// who hears whom. A safety monitor watches every event of every scenario.
import { afterEach, describe, expect, it } from 'vitest';
import { createCluster, type Cluster, type ClusterEvent, type ClusterOptions } from '../src/sim';

const QUIET: ClusterOptions = { nodes: 5, seed: 1, electionTimeoutMs: [10_000, 20_000], network: { delayMs: [5, 5] } };

/** One RequestVote out and its reply back, with 5 ms delays. */
const ROUND_TRIP_MS = 11;

/**
 * Watches a cluster for the paper's Figure 3 properties while a scenario
 * runs: Election Safety (one leader per term) and State Machine Safety (no
 * two nodes apply different commands at one index).
 */
class Monitor {
  readonly leaders = new Map<number, Set<number>>();
  readonly appliedAt = new Map<number, string>();
  readonly events: ClusterEvent[] = [];
  readonly violations: string[] = [];

  constructor(c: Cluster) {
    c.subscribe((e) => {
      this.events.push(e);
      if (e.kind === 'role' && e.role === 'leader') {
        const set = this.leaders.get(e.term) ?? new Set<number>();
        set.add(e.node);
        this.leaders.set(e.term, set);
        if (set.size > 1) this.violations.push(`term ${e.term} has leaders ${[...set].join(', ')}`);
      }
      if (e.kind === 'apply') {
        const prior = this.appliedAt.get(e.index);
        if (prior !== undefined && prior !== e.command) {
          this.violations.push(`index ${e.index}: node ${e.node} applied ${e.command}, another node ${prior}`);
        }
        this.appliedAt.set(e.index, e.command);
      }
    });
  }

  /** Commands ever applied by any node, at any index. */
  everApplied(): string[] {
    return [...this.appliedAt.values()];
  }

  /**
   * What node `id` applied since it last booted, in order (`applied()` spans
   * restarts: a restarted node re-applies its log from the start).
   */
  appliedThisLife(id: number): string {
    let lastBoot = -1;
    this.events.forEach((e, i) => {
      if (e.kind === 'restart' && e.node === id) lastBoot = i;
    });
    return this.events
      .slice(lastBoot + 1)
      .flatMap((e) => (e.kind === 'apply' && e.node === id ? [e.command] : []))
      .join(' ');
  }

  /** The highest commitIndex any node has ever reached. */
  maxCommit(): number {
    return Math.max(0, ...this.events.flatMap((e) => (e.kind === 'commit' ? [e.commitIndex] : [])));
  }
}

const clusters: Cluster[] = [];
const monitors: Monitor[] = [];

function cluster(opts: Partial<ClusterOptions> = {}): { c: Cluster; monitor: Monitor } {
  const c = createCluster({ ...QUIET, ...opts });
  const monitor = new Monitor(c);
  clusters.push(c);
  monitors.push(monitor);
  return { c, monitor };
}

afterEach(async () => {
  // Every scenario, whatever it asserts, must keep Figure 3's safety properties.
  const violations = monitors.flatMap((m) => m.violations);
  monitors.length = 0;
  await Promise.all(clusters.splice(0).map((c) => c.destroy()));
  expect(violations).toEqual([]);
});

/** "expect leader 1 term 4": exactly one live leader in the highest term. */
function expectLeader(c: Cluster, id: number, term: number): void {
  const live = c.ids.map((i) => c.node(i)).filter((n) => n.alive && n.role === 'leader');
  const top = Math.max(0, ...live.map((n) => n.term));
  expect(live.filter((n) => n.term === top).map((n) => `node ${n.id} term ${n.term}`)).toEqual([`node ${id} term ${term}`]);
}

function expectNoLeader(c: Cluster): void {
  expect(c.ids.filter((i) => c.node(i).alive && c.node(i).role === 'leader')).toEqual([]);
}

/** "expect log 2 1@1:a=1 2@2:b=2": the node's whole log, index@term:command. */
function log(c: Cluster, id: number): string {
  return c
    .node(id)
    .log.map((e) => `${e.index}@${e.term}:${e.command}`)
    .join(' ');
}

function applied(c: Cluster, id: number): string {
  return c
    .applied(id)
    .map((a) => a.command)
    .join(' ');
}

describe('§5.4.2, Figure 8: committing entries from previous terms', () => {
  /**
   * Figure 8 (a)–(c), with the paper's terms. Leaves S1 leading term 4 with
   * 2@2 replicated on S1, S2, S3, S4 (a majority), S5 crashed holding 2@3.
   */
  async function upToFigure8c(c: Cluster, monitor: Monitor): Promise<void> {
    // Term 1: S1 leads and commits 1@1 everywhere.
    await c.timeout(1);
    await c.runFor(ROUND_TRIP_MS);
    expectLeader(c, 1, 1);
    await c.start(1, 'a=1');
    await c.runFor(60);
    expect(c.node(5).commitIndex).toBe(1);

    // (a) S1 leads term 2 (a leader ignores `timeout`, so it reboots first)
    //     and gets index 2 onto S2 only.
    await c.crash(1);
    await c.restart(1);
    await c.timeout(1);
    await c.runFor(ROUND_TRIP_MS);
    expectLeader(c, 1, 2);
    c.partition([[1, 2], [3, 4, 5]]);
    expect(await c.start(1, 'b=2')).toEqual({ index: 2, term: 2, isLeader: true });
    await c.runFor(30);
    expect(log(c, 2)).toBe('1@1:a=1 2@2:b=2');
    expect(log(c, 3)).toBe('1@1:a=1');

    // (b) S1 crashes; S5 leads term 3 with votes from S3 and S4 and accepts a
    //     different entry at index 2 that nobody else gets.
    await c.crash(1);
    await c.timeout(5);
    await c.runFor(ROUND_TRIP_MS);
    expectLeader(c, 5, 3);
    c.partition([[5], [1, 2, 3, 4]]);
    expect(await c.start(5, 'c=3')).toEqual({ index: 2, term: 3, isLeader: true });
    await c.runFor(30);
    await c.crash(5);
    expect(log(c, 5)).toBe('1@1:a=1 2@3:c=3');

    // (c) S1 restarts and leads term 4 (S3 and S4 already voted for S5 in
    //     term 3, so it takes two tries), then copies 2@2 onto S3 and S4.
    await c.restart(1);
    c.heal();
    await c.timeout(1);
    await c.runFor(ROUND_TRIP_MS);
    expectNoLeader(c);
    await c.timeout(1);
    await c.runFor(ROUND_TRIP_MS);
    expectLeader(c, 1, 4);
    await c.runFor(120);
    for (const id of [1, 2, 3, 4]) expect(log(c, id)).toBe('1@1:a=1 2@2:b=2');
    // Stored on a majority (four of five), the leader knows it...
    expect(c.node(1).matchIndex).toEqual({ 2: 2, 3: 2, 4: 2, 5: 0 });
    // ...and still must not commit it: it is not of the current term.
    // Reference: section 5.4.2: "Raft never commits log entries from previous
    // terms by counting replicas."
    for (const id of [1, 2, 3, 4]) expect(c.node(id).commitIndex).toBeLessThan(2);
    expect(monitor.maxCommit()).toBe(1);
    expect(monitor.everApplied()).not.toContain('b=2');
  }

  // Reference: section 5.4.2, Figure 8 (d)
  // "If S1 crashes as in (d), S5 could be elected leader (with votes from S2,
  // S3, and S4) and overwrite the entry with its own entry from term 3."
  it('Figure 8 (d): 2@2 on a majority was never committed, so S5 may overwrite it everywhere — and nobody ever applied it', async () => {
    const { c, monitor } = cluster();
    await upToFigure8c(c, monitor);

    await c.crash(1);
    await c.restart(5);
    await c.timeout(5); // term 4: S2, S3, S4 already voted for S1 in term 4
    await c.runFor(ROUND_TRIP_MS);
    expectNoLeader(c);
    await c.timeout(5); // term 5: its last entry 2@3 is newer than their 2@2
    await c.runFor(ROUND_TRIP_MS);
    expectLeader(c, 5, 5);
    expect(await c.start(5, 'd=5')).toEqual({ index: 3, term: 5, isLeader: true });
    await c.runFor(120);

    for (const id of [2, 3, 4, 5]) {
      expect(log(c, id)).toBe('1@1:a=1 2@3:c=3 3@5:d=5');
      expect(c.node(id).commitIndex).toBe(3);
      expect(monitor.appliedThisLife(id)).toBe('a=1 c=3 d=5');
    }
    // Overwriting was safe: b=2 was never committed, so no node ever applied it.
    expect(monitor.everApplied()).not.toContain('b=2');
  });

  // Reference: section 5.4.2, Figure 8 (e)
  // "However, if S1 replicates an entry from its current term on a majority
  // of the servers before crashing, as in (e), then this entry is committed
  // (S5 cannot win an election). At this point all preceding entries in the
  // log are committed as well."
  it('Figure 8 (e): once the term-4 leader commits an entry of its own term, 2@2 is committed with it and S5 can never win', async () => {
    const { c, monitor } = cluster();
    await upToFigure8c(c, monitor);

    expect(await c.start(1, 'e=4')).toEqual({ index: 3, term: 4, isLeader: true });
    await c.runFor(30);
    expect(c.node(1).commitIndex).toBe(3);
    expect(monitor.appliedThisLife(1)).toBe('a=1 b=2 e=4');

    await c.crash(1);
    await c.restart(5);
    await c.timeout(5); // term 4
    await c.runFor(ROUND_TRIP_MS);
    await c.timeout(5); // term 5: S2, S3, S4 hold 3@4, newer than S5's 2@3
    await c.runFor(ROUND_TRIP_MS);
    expect(c.node(5).role).toBe('candidate');
    expectNoLeader(c);

    await c.timeout(2);
    await c.runFor(ROUND_TRIP_MS);
    expectLeader(c, 2, 6);
    await c.start(2, 'f=6');
    await c.runFor(120);
    for (const id of [2, 3, 4, 5]) {
      expect(log(c, id)).toBe('1@1:a=1 2@2:b=2 3@4:e=4 4@6:f=6');
      expect(monitor.appliedThisLife(id)).toBe('a=1 b=2 e=4 f=6');
    }
  });
});

describe('§5.2: two candidates time out at once', () => {
  // Reference: section 5.2
  // "Each server will vote for at most one candidate in a given term, on a
  // first-come-first-served basis. The majority rule ensures that at most one
  // candidate can win the election for a particular term."
  // "Raft uses randomized election timeouts to ensure that split votes are
  // rare and that they are resolved quickly."
  it('a forced split vote: no leader in term 1, then randomized timers elect exactly one leader on their own', async () => {
    const { c, monitor } = cluster({ nodes: 4, seed: 3 });
    c.setLink(1, 4, false); // node 4 hears only node 2's request, node 3 only node 1's
    c.setLink(2, 3, false);
    await Promise.all([c.timeout(1), c.timeout(2)]);
    expect(c.node(1).term).toBe(1);
    expect(c.node(2).term).toBe(1);
    await c.runFor(ROUND_TRIP_MS);
    // Each has 2 of 4 votes: neither has a majority.
    expectNoLeader(c);
    expect(c.node(1).votes.slice().sort()).toEqual([1, 3]);
    expect(c.node(2).votes.slice().sort()).toEqual([2, 4]);
    expect(monitor.leaders.get(1)).toBeUndefined();

    c.heal();
    // No more `timeout` lines: only the nodes' own randomized timers act now.
    const elected = await c.runUntil(() => c.ids.some((i) => c.node(i).role === 'leader'), 60_000);
    expect(elected).toBe(true);
    const leader = c.ids.find((i) => c.node(i).role === 'leader')!;
    expect(c.node(leader).term).toBeGreaterThan(1);
    await c.runFor(200);
    expectLeader(c, leader, c.node(leader).term);
    for (const id of c.ids) expect(c.node(id).term).toBe(c.node(leader).term);
  });

  it.each([4, 5].flatMap((nodes) => Array.from({ length: 10 }, (_, i) => ({ nodes, seed: i + 1 }))))(
    '$nodes nodes, seed $seed: timeout(1) and timeout(2) at the same instant give at most one leader of term 1, and a leader eventually',
    async ({ nodes, seed }) => {
      const { c, monitor } = cluster({ nodes, seed, network: { delayMs: [1, 10] } });
      await c.runFor(100);
      const at = c.now();
      await Promise.all([c.timeout(1), c.timeout(2)]);
      expect(c.now()).toBe(at);
      expect([c.node(1).role, c.node(2).role]).toEqual(['candidate', 'candidate']);
      await c.runFor(50);
      expect((monitor.leaders.get(1) ?? new Set()).size).toBeLessThanOrEqual(1);

      const settled = () => {
        const leaders = c.ids.filter((i) => c.node(i).role === 'leader');
        return leaders.length === 1 && c.ids.every((i) => c.node(i).term === c.node(leaders[0]!).term);
      };
      expect(await c.runUntil(settled, 120_000)).toBe(true);
      // A committed command proves the leader is real, not just a role.
      const leader = c.ids.find((i) => c.node(i).role === 'leader')!;
      await c.start(leader, 'x=1');
      await c.runFor(100);
      for (const id of c.ids) expect(applied(c, id)).toBe('x=1');
    },
  );

  it('with four nodes, some of those seeds really do split the vote (the scenario is exercised)', async () => {
    let splits = 0;
    for (let seed = 1; seed <= 10; seed++) {
      const { c } = cluster({ nodes: 4, seed, network: { delayMs: [1, 10] } });
      await c.runFor(100);
      await Promise.all([c.timeout(1), c.timeout(2)]);
      await c.runFor(50);
      if (c.ids.every((i) => c.node(i).role !== 'leader')) splits++;
    }
    expect(splits).toBeGreaterThan(0);
  });
});

describe('Figure 2: votedFor is persistent', () => {
  // Figure 2, "Persistent state on all servers (Updated on stable storage
  // before responding to RPCs)": currentTerm, votedFor.
  // Reference: section 5.2: "Each server will vote for at most one candidate
  // in a given term".
  it('a vote survives a restart: node 3 votes for 1 in term 1, crashes, restarts, and refuses 2 in term 1', async () => {
    const { c, monitor } = cluster({ nodes: 3 });
    c.setLink(1, 2, false); // nodes 1 and 2 cannot hear each other; 3 hears both
    c.setLink(2, 1, false);

    await c.timeout(1);
    await c.runFor(ROUND_TRIP_MS);
    expectLeader(c, 1, 1);
    expect(c.node(3).votedFor).toBe(1);
    // The vote reached node 3's disk before its reply left (persist, then send).
    const persisted = monitor.events.findIndex((e) => e.kind === 'persist' && e.node === 3 && e.votedFor === 1);
    const replied = monitor.events.findIndex(
      (e) => e.kind === 'send' && e.message.from === 3 && e.message.type === 'RequestVoteReply',
    );
    expect(persisted).toBeGreaterThanOrEqual(0);
    expect(persisted).toBeLessThan(replied);

    await c.crash(3);
    expect(c.node(3)).toMatchObject({ alive: false, term: 1, votedFor: 1 });
    await c.restart(3);
    expect(c.node(3)).toMatchObject({ alive: true, term: 1, votedFor: 1 });

    expect(c.node(2).term).toBe(0);
    await c.timeout(2); // node 2 campaigns in term 1 too
    expect(c.node(2).term).toBe(1);
    await c.runFor(ROUND_TRIP_MS);

    const answers = monitor.events.flatMap((e) =>
      e.kind === 'vote' && e.node === 3 && e.candidate === 2 ? [{ term: e.term, granted: e.granted, reason: e.reason }] : [],
    );
    expect(answers).toEqual([{ term: 1, granted: false, reason: expect.stringMatching(/already voted for node 1/) as unknown }]);
    expect(c.node(2).role).toBe('candidate');
    expect(c.node(3).votedFor).toBe(1);
    expectLeader(c, 1, 1);
  });
});
