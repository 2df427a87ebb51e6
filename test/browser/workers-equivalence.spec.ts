// Real Web Workers give exactly the inline history: for seeded fault
// schedules (crashes, restarts, partitions, cut cables and links, drops,
// duplicates, commands, forced timeouts) on 3, 5 and 7 nodes, with and
// without compaction (§7) and the leader's no-op (§8), the worker
// transport's trace equals the inline one event for event, and virtual time
// never runs backwards. The schedule is drawn inside the page from the case's
// seed, so both runs see the same calls; a failure names the case and the
// first differing event. Replay one case: npx playwright test
// test/browser/workers-equivalence.spec.ts -g "<case name>".
import { failOnPageErrors } from './fixtures';
import { expect, test } from '@playwright/test';
import type { Cluster, ClusterOptions } from '../../src/sim';

interface Case {
  readonly name: string;
  /** Cluster options shared by both runs (transport aside). */
  readonly options: ClusterOptions;
  /** Seeds the schedule's own PRNG (not the cluster's). */
  readonly scheduleSeed: number;
  /** Random actions in the schedule (about 110 virtual ms each on average). */
  readonly steps: number;
}

/**
 * Lossy, duplicating and reordering (long delays) from the start; the
 * schedule changes it as it goes. The shortest delay stays at 4 ms or more:
 * with election timeouts this tight, the worker transport's look-ahead window
 * (the least time any output schedules ahead) then holds many events at
 * once, timers among them — where the windowed dispatch once ran a stale
 * timer out of order on 7 nodes.
 */
const NETWORK = {
  delayMs: [5, 10] as [number, number],
  dropRate: 0.05,
  duplicateRate: 0.05,
  longDelayRate: 0.05,
  longDelayMs: [50, 600] as [number, number],
};
const TIGHT = { electionTimeoutMs: [60, 120] as [number, number], heartbeatMs: 20 };

// The two 7-node schedules are ones that caught the windowed-dispatch bug
// fixed in a51a75c (a stale timer ran out of order); most seeds do not.
const CASES: readonly Case[] = [
  {
    name: '3 nodes, compaction, leader no-op',
    options: { nodes: 3, seed: 11, network: NETWORK, ...TIGHT, snapshotThreshold: 4, leaderNoop: true },
    scheduleSeed: 1,
    steps: 200,
  },
  {
    name: '5 nodes, no compaction, no no-op, default timeouts',
    options: { nodes: 5, seed: 22, network: NETWORK, leaderNoop: false },
    scheduleSeed: 2,
    steps: 200,
  },
  {
    name: '5 nodes, compaction, leader no-op',
    options: { nodes: 5, seed: 33, network: NETWORK, ...TIGHT, snapshotThreshold: 6, leaderNoop: true },
    scheduleSeed: 3,
    steps: 200,
  },
  {
    name: '7 nodes, compaction, no no-op',
    options: { nodes: 7, seed: 44, network: NETWORK, ...TIGHT, snapshotThreshold: 5, leaderNoop: false },
    scheduleSeed: 11,
    steps: 200,
  },
  {
    name: '7 nodes, no compaction, leader no-op',
    options: { nodes: 7, seed: 55, network: NETWORK, ...TIGHT, leaderNoop: true },
    scheduleSeed: 3,
    steps: 200,
  },
];

/** What one transport's run produced: its trace as JSON lines, checked and counted in the page. */
interface RunResult {
  readonly trace: string[];
  /** Index of the first event whose `at` is below its predecessor's, or -1. */
  readonly timeRunsBack: number;
  readonly counts: Record<string, number>;
}

/**
 * Runs in the page: the case's schedule on one transport. Self-contained
 * (Playwright sends its source), and every choice depends only on the
 * schedule's PRNG and on cluster state, which is the same on both transports
 * as long as their histories are.
 */
async function runSchedule(arg: { c: Case; transport: 'inline' | 'worker' }): Promise<RunResult> {
  const { c: spec, transport } = arg;
  // mulberry32: a tiny seeded PRNG.
  let state = spec.scheduleSeed >>> 0;
  const rng = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number): number => min + Math.floor(rng() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;

  const cluster: Cluster = window.raftLab!.createCluster({ ...spec.options, transport });
  const ids = cluster.ids;
  const alive = () => ids.filter((id) => cluster.node(id).alive);
  const crashed = () => ids.filter((id) => !cluster.node(id).alive);
  let commands = 0;
  const command = () => `k${commands % 7}=${(commands += 1)}`;
  /** The live leader with the highest term (a deposed one may not know yet). */
  const newestLeader = () =>
    ids
      .filter((id) => cluster.node(id).alive && cluster.node(id).role === 'leader')
      .sort((a, b) => cluster.node(b).term - cluster.node(a).term)[0];
  try {
    await cluster.runFor(400);
    for (let step = 0; step < spec.steps; step++) {
      const roll = rng();
      if (roll < 0.35) {
        // Mostly long stretches: the worker transport dispatches a whole
        // look-ahead window of events at once, and long runs fill it.
        await cluster.runFor(pick([int(1, 30), int(30, 200), int(200, 800)]));
      } else if (roll < 0.57) {
        // A client: usually the leader, sometimes whoever it reaches first.
        const leader = newestLeader();
        const target = leader !== undefined && rng() < 0.85 ? leader : pick(ids);
        for (let n = int(1, 5); n > 0; n--) await cluster.start(target, command());
      } else if (roll < 0.6) {
        // Calls that overlap, as a UI's clicks can: the cluster runs them in call order.
        const target = newestLeader() ?? pick(ids);
        await Promise.all([cluster.start(target, command()), cluster.runFor(int(0, 20)), cluster.start(target, command())]);
      } else if (roll < 0.67) {
        if (alive().length > 1) await cluster.crash(pick(alive()));
      } else if (roll < 0.74) {
        const down = crashed();
        if (down.length > 0) await cluster.restart(pick(down));
      } else if (roll < 0.79) {
        const shuffled = ids.slice();
        for (let i = shuffled.length - 1; i > 0; i--) {
          const j = int(0, i);
          [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
        }
        const cut = int(1, ids.length - 1);
        cluster.partition([shuffled.slice(0, cut), shuffled.slice(cut)]);
      } else if (roll < 0.84) {
        cluster.heal();
      } else if (roll < 0.89) {
        cluster.setNetwork({
          delayMs: pick([
            [5, 10],
            [4, 12],
            [6, 30],
          ] as [number, number][]),
          dropRate: pick([0, 0.05, 0.2, 0.4]),
          duplicateRate: pick([0, 0.1, 0.3]),
          longDelayRate: pick([0, 0.05, 0.1]),
        });
      } else if (roll < 0.93) {
        const id = pick(ids);
        if (cluster.connected(id)) cluster.disconnect(id);
        else cluster.connect(id);
      } else if (roll < 0.97) {
        const from = pick(ids);
        const to = pick(ids.filter((id) => id !== from));
        cluster.setLink(from, to, !cluster.linkUp(from, to));
      } else {
        await cluster.timeout(pick(ids));
      }
    }
    // Calm down and let everyone catch up, so the end of the run means something.
    cluster.heal();
    for (const id of ids) if (!cluster.connected(id)) cluster.connect(id);
    for (const id of crashed()) await cluster.restart(id);
    cluster.setNetwork({ delayMs: [1, 10], dropRate: 0, duplicateRate: 0, longDelayRate: 0 });
    // One last command in the newest leader's term commits everything before it
    // (§5.4.2); retried if that leader is deposed before it commits.
    for (let attempt = 0; attempt < 5; attempt++) {
      await cluster.runUntil(() => newestLeader() !== undefined, 3000);
      const leader = newestLeader();
      if (leader === undefined) continue;
      const { index } = await cluster.start(leader, `last=${attempt}`);
      if (await cluster.runUntil(() => ids.some((id) => cluster.node(id).commitIndex >= index), 1000)) break;
    }
    await cluster.runFor(300);

    const events = cluster.trace();
    let timeRunsBack = -1;
    for (let i = 1; i < events.length && timeRunsBack < 0; i++) if (events[i]!.at < events[i - 1]!.at) timeRunsBack = i;
    const counts: Record<string, number> = {};
    for (const e of events) counts[e.kind] = (counts[e.kind] ?? 0) + 1;
    return { trace: events.map((e) => JSON.stringify(e)), timeRunsBack, counts };
  } finally {
    await cluster.destroy();
  }
}

failOnPageErrors();
test.beforeEach(async ({ page }) => {
  await page.goto('./');
  await page.waitForFunction(() => window.raftLab !== undefined);
});

for (const c of CASES) {
  test(`worker history equals inline history: ${c.name}`, async ({ page }) => {
    test.setTimeout(60_000);
    const inline = await page.evaluate(runSchedule, { c, transport: 'inline' as const });
    const worker = await page.evaluate(runSchedule, { c, transport: 'worker' as const });

    // The schedule did exercise the faults it is meant to.
    for (const kind of ['crash', 'restart', 'drop', 'duplicate', 'commit', 'apply']) {
      expect(inline.counts[kind] ?? 0, `the schedule exercised ${kind}: ${JSON.stringify(inline.counts)}`).toBeGreaterThan(0);
    }
    if (c.options.snapshotThreshold)
      expect(inline.counts.snapshot ?? 0, `the schedule exercised compaction: ${JSON.stringify(inline.counts)}`).toBeGreaterThan(0);

    const backwards = (run: RunResult) =>
      run.timeRunsBack < 0 ? null : { event: run.timeRunsBack, events: run.trace.slice(run.timeRunsBack - 1, run.timeRunsBack + 1) };
    expect(backwards(inline), 'inline: virtual time never runs backwards').toBeNull();
    expect(backwards(worker), 'worker: virtual time never runs backwards').toBeNull();
    const first = inline.trace.findIndex((e, i) => e !== worker.trace[i]);
    const diverged = first >= 0 || worker.trace.length !== inline.trace.length;
    const at = first >= 0 ? first : Math.min(inline.trace.length, worker.trace.length);
    expect(
      diverged
        ? { event: at, inline: inline.trace.slice(Math.max(0, at - 2), at + 1), worker: worker.trace.slice(Math.max(0, at - 2), at + 1) }
        : null,
      `worker trace equals inline trace (${inline.trace.length} events inline, ${worker.trace.length} in workers)`,
    ).toBeNull();
    expect(inline.trace.length).toBeGreaterThan(1000);
  });
}
