// The safety monitor over imported traces: it finds the planted bugs in the
// hand-written traces (a double vote, an old-term commit, a divergent applied
// entry) with their lines, nothing in the clean ones, nothing in Raft Lab's
// own correct runs exported and re-imported, and — for runs with a bug
// switch on — every property the live monitor found.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createCluster, createRandom, FAULT_NAMES, SafetyMonitor, type FaultName } from '../../src/sim';
import { checkTrace, exportNdjson, importTrace, TraceCluster, TraceMonitor } from '../../src/trace';
import { envInteger, Schedule } from '../support/fuzz-schedule';

const fixture = (name: string): string => readFileSync(`test/fixtures/traces/${name}`, 'utf8');
const check = (text: string) => checkTrace(importTrace(text));

describe('planted bugs in hand-written traces', () => {
  it('a double vote (student format): One Vote Per Term at line 17, node S2 (node 3 here), then two leaders of term 3', () => {
    const report = check(fixture('student-double-vote.log'));
    expect(report.violations.map((v) => [v.property, v.line, v.node])).toEqual([
      ['One Vote Per Term', 17, '2'],
      ['Election Safety', 23, '1'],
    ]);
    expect(report.violations[0]!.message).toBe(
      'One Vote Per Term (Figure 2, §5.2) violated: node 3 voted for node 1 and then for node 2 in term 3; a server votes for at most one candidate in a term (votedFor is persistent)',
    );
    expect(report.violations[0]).toMatchObject({ nodeId: 3, label: 'node 3 (2 in the trace)', at: 235, position: 17 });
  });

  it('an old-term commit (etcd format): Current-Term Commit at line 24', () => {
    const report = check(fixture('etcd-old-term-commit.ndjson'));
    expect(report.violations).toEqual([expect.objectContaining({ property: 'Current-Term Commit', line: 24, node: '1', at: 10.51 })]);
    expect(report.violations[0]!.message).toMatch(/leader 1 of term 4 advanced commitIndex to 2, an entry of term 2/);
  });

  it('a divergent applied entry (Raft Lab format): State Machine Safety at line 20', () => {
    const report = check(fixture('raftlab-divergent.ndjson'));
    expect(report.violations).toEqual([expect.objectContaining({ property: 'State Machine Safety', line: 20, node: '2' })]);
  });

  it.each(['etcd-election.ndjson', 'student-lab.log'])('%s is clean', (file) => {
    const report = check(fixture(file));
    expect(report.violations).toEqual([]);
    expect(report.count).toBe(0);
    expect(report.committed).toBeGreaterThanOrEqual(2);
    expect(report.messages).toBe(16);
  });

  it('the position of a violation is where a seek shows it: the offending event was the last one played', async () => {
    const trace = importTrace(fixture('student-double-vote.log'));
    const v = checkTrace(trace).violations[0]!;
    const cluster = new TraceCluster(trace);
    await cluster.runToPosition(v.position, v.at);
    expect(cluster.eventAt(v.position - 1)!.line).toBe(17);
    expect(cluster.node(3).votedFor).toBe(2);
  });

  it('a vote granted again to the same candidate is not a double vote; a refused one neither', () => {
    const lines = [
      { t: 0, node: '1', kind: 'vote', term: 2, candidate: '2', granted: true },
      { t: 1, node: '1', kind: 'vote', term: 2, candidate: '2', granted: true },
      { t: 2, node: '1', kind: 'vote', term: 2, candidate: '3', granted: false },
      { t: 3, node: '1', kind: 'vote', term: 3, candidate: '3', granted: true },
    ];
    expect(check(lines.map((l) => JSON.stringify(l)).join('\n')).violations).toEqual([]);
  });

  it('a leader committing an old entry together with one of its own term is fine (§5.4.2)', () => {
    const text = fixture('etcd-old-term-commit.ndjson').replace(
      /"commit":2\},"role":"StateLeader","log":3/,
      '"commit":3},"role":"StateLeader","log":3',
    );
    expect(check(text).violations).toEqual([]);
  });

  it('Leader Append-Only: a leader truncating its log is reported', () => {
    const lines = [
      { t: 0, node: '1', kind: 'state', term: 1, role: 'leader' },
      {
        t: 1,
        node: '1',
        kind: 'append',
        index: 1,
        entries: [
          { term: 1, command: 'a' },
          { term: 1, command: 'b' },
        ],
      },
      { t: 2, node: '1', kind: 'truncate', from: 2 },
    ];
    expect(check(lines.map((l) => JSON.stringify(l)).join('\n')).violations.map((v) => v.property)).toEqual(['Leader Append-Only']);
  });
});

describe("Raft Lab's own runs, exported and imported", () => {
  // CHECK_SCHEDULES=200 npx vitest run test/trace/check.test.ts   for more
  const seeds = Array.from({ length: envInteger('CHECK_SCHEDULES') ?? 8 }, (_, i) => i + 1);
  it.each(seeds)('a correct run (schedule %i) is clean', async (seed) => {
    const schedule = new Schedule(seed, 'inline', seed % 2 === 0);
    for (let i = 0; i < 80; i++) await schedule.randomAction();
    const founders = Array.from({ length: schedule.options.nodes }, (_, i) => i + 1);
    const text = exportNdjson(schedule.cluster.ids, schedule.cluster.trace(), 'test', founders);
    await schedule.cluster.destroy();
    const report = check(text);
    expect(report.violations).toEqual([]);
    expect(report.events).toBeGreaterThan(100);
  });

  /** A run with a bug switch on, crashes, partitions and commands; what the live monitor found. */
  async function faultyRun(fault: FaultName, seed: number) {
    const nodes = [3, 5, 7][seed % 3]!;
    const cluster = createCluster({
      nodes,
      seed,
      faults: [fault],
      network: { dropRate: 0.05, delayMs: [1, 30] },
      snapshotThreshold: seed % 2 ? 8 : undefined,
    });
    const live = new SafetyMonitor();
    live.attach(cluster);
    const rng = createRandom(seed);
    const pick = () => cluster.ids[Math.floor(rng() * cluster.ids.length)]!;
    for (let i = 0; i < 40; i++) {
      const r = rng();
      const id = pick();
      if (r < 0.15 && cluster.node(id).alive) await cluster.crash(id);
      else if (r < 0.3 && !cluster.node(id).alive) await cluster.restart(id);
      else if (r < 0.4) cluster.partition([[id], cluster.ids.filter((x) => x !== id)]);
      else if (r < 0.5) cluster.heal();
      else {
        const leader = cluster.ids.find((x) => cluster.node(x).alive && cluster.node(x).role === 'leader');
        if (leader) await cluster.start(leader, `k${i}=${i}`);
      }
      await cluster.runFor(50 + Math.floor(rng() * 400));
    }
    const text = exportNdjson(cluster.ids, cluster.trace());
    await cluster.destroy();
    return { live: new Set(live.violations.map((v) => v.property)), text };
  }

  it.each(FAULT_NAMES.flatMap((f) => [1, 2, 3, 4].map((seed) => [f, seed] as const)))(
    'bug switch %s, seed %i: the trace checker finds every property the live monitor found',
    async (fault, seed) => {
      const run = await faultyRun(fault, seed);
      const found = new Set(check(run.text).violations.map((v) => v.property));
      for (const property of run.live) expect(found, `${fault} seed ${seed}`).toContain(property);
    },
  );

  it('the bug switches double-vote and commit-earlier-term show as the trace-only rules in some run', async () => {
    const seen = new Set<string>();
    for (const [fault, property] of [
      ['double-vote', 'One Vote Per Term'],
      ['commit-earlier-term', 'Current-Term Commit'],
    ] as const) {
      for (let seed = 1; seed <= 12 && !seen.has(property); seed++) {
        const run = await faultyRun(fault, seed);
        if (check(run.text).violations.some((v) => v.property === property)) seen.add(property);
      }
    }
    expect([...seen].sort()).toEqual(['Current-Term Commit', 'One Vote Per Term']);
  });

  it('a TraceMonitor reports as it plays, through onViolation', () => {
    const cluster = new TraceCluster(importTrace(fixture('raftlab-divergent.ndjson')));
    const seen: string[] = [];
    const monitor = new TraceMonitor(cluster, { onViolation: (v) => seen.push(`${v.property}@${v.line}`) });
    while (cluster.processed() < 18) cluster.stepSync();
    expect(seen).toEqual([]);
    cluster.stepSync();
    expect(seen).toEqual(['State Machine Safety@20']);
    expect(monitor.ok).toBe(false);
    monitor.stop();
  });
});
