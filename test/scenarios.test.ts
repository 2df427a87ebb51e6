// Directed scenarios that scripts cannot express: the same race over many
// seeds, with a leader not known in advance. (Figure 8 both ways, the forced
// split vote and the vote that survives a restart are scripts now, with their
// golden output: test/scripts/*.txt.) Election timeouts are huge (10–20
// virtual seconds), so nothing happens unless the test makes it happen; the
// safety monitor (Figure 3) watches every event of every scenario.
import { afterEach, describe, expect, it } from 'vitest';
import { attachSafetyMonitor, createCluster, type Cluster, type ClusterOptions, type SafetyMonitor } from '../src/sim';

const QUIET: ClusterOptions = { nodes: 5, seed: 1, electionTimeoutMs: [10_000, 20_000], network: { delayMs: [5, 5] } };

const clusters: Cluster[] = [];
const monitors: SafetyMonitor[] = [];

/** A quiet cluster under the safety monitor, and the leaders each term has had. */
function cluster(opts: Partial<ClusterOptions> = {}): { c: Cluster; leadersOf: (term: number) => number[] } {
  const c = createCluster({ ...QUIET, ...opts });
  monitors.push(attachSafetyMonitor(c));
  clusters.push(c);
  const leaders = new Map<number, number[]>();
  c.subscribe((e) => {
    if (e.kind === 'role' && e.role === 'leader') leaders.set(e.term, [...(leaders.get(e.term) ?? []), e.node]);
  });
  return { c, leadersOf: (term) => leaders.get(term) ?? [] };
}

afterEach(async () => {
  // Every scenario, whatever it asserts, must keep Figure 3's safety properties.
  const violations = monitors.flatMap((m) => m.violations.map((v) => v.message));
  monitors.length = 0;
  await Promise.all(clusters.splice(0).map((c) => c.destroy()));
  expect(violations).toEqual([]);
});

function applied(c: Cluster, id: number): string {
  return c
    .applied(id)
    .map((a) => a.command)
    .join(' ');
}

describe('§5.2: two candidates time out at once', () => {
  // Reference: section 5.2
  // "Each server will vote for at most one candidate in a given term, on a
  // first-come-first-served basis. The majority rule ensures that at most one
  // candidate can win the election for a particular term."
  // "Raft uses randomized election timeouts to ensure that split votes are
  // rare and that they are resolved quickly."
  it.each([4, 5].flatMap((nodes) => Array.from({ length: 10 }, (_, i) => ({ nodes, seed: i + 1 }))))(
    '$nodes nodes, seed $seed: timeout(1) and timeout(2) at the same instant give at most one leader of term 1, and a leader eventually',
    async ({ nodes, seed }) => {
      const { c, leadersOf } = cluster({ nodes, seed, network: { delayMs: [1, 10] } });
      await c.runFor(100);
      const at = c.now();
      await Promise.all([c.timeout(1), c.timeout(2)]);
      expect(c.now()).toBe(at);
      expect([c.node(1).role, c.node(2).role]).toEqual(['candidate', 'candidate']);
      await c.runFor(50);
      expect(leadersOf(1).length).toBeLessThanOrEqual(1);

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
