/**
 * The lab's bug switches (issue 11, "Bug switches"): each fault is a named
 * option of the core that breaks one rule of the paper. This file checks the
 * option itself (validated, defaulted, carried by checkpoints, the worker
 * protocol and creationOptions) and, for each fault, a scripted run in which
 * the Figure 3 safety monitor reports the property it breaks — and the same
 * run with the fault off stays clean.
 */
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  attachSafetyMonitor,
  createCluster,
  createRandom,
  FAULT_NAMES,
  registerTransport,
  replayActions,
  restoreCluster,
  runScript,
  type Cluster,
  type FaultName,
  type SafetyMonitor,
  type SafetyProperty,
  type SafetyViolation,
} from '../src/sim';
import { createLoopbackPort, IdbStorage, workerTransport } from '../src/worker';
import { invalidToWorker, PROTOCOL_VERSION } from '../src/worker/protocol';
import { workerSettings } from './worker/fixtures';

describe('the faults option', () => {
  it('defaults to none: a correct Raft', async () => {
    const c = createCluster({ nodes: 3 });
    expect(c.creationOptions().faults).toEqual([]);
    await c.destroy();
  });

  it('names every fault of issue 11', () => {
    expect([...FAULT_NAMES]).toEqual([
      'vote-without-log-check',
      'commit-earlier-term',
      'double-vote',
      'forget-vote-on-restart',
      'keep-conflicting-entries',
    ]);
  });

  it('is normalized (no repeats, FAULT_NAMES order) and returned by creationOptions', async () => {
    const c = createCluster({ nodes: 3, faults: ['double-vote', 'commit-earlier-term', 'double-vote'] });
    expect(c.creationOptions().faults).toEqual(['commit-earlier-term', 'double-vote']);
    expect(Object.isFrozen(c.creationOptions().faults)).toBe(true);
    await c.destroy();
  });

  it.each([
    [['double-vot'], /faults\[0\] is not a fault: "double-vot" \(did you mean double-vote\?\)/],
    [['commit-earlier-terms'], /did you mean commit-earlier-term\?/],
    [
      ['nonsense-entirely-different-words'],
      /faults\[0\] is not a fault: "nonsense-entirely-different-words"; known: vote-without-log-check/,
    ],
    [[3], /faults\[0\] is not a fault: 3/],
    ['double-vote', /faults must be an array of fault names/],
  ])('refuses %j by name', (faults, error) => {
    expect(() => createCluster({ nodes: 3, faults: faults as unknown as FaultName[] })).toThrow(error);
  });

  it('is carried by a checkpoint into the restored cluster', async () => {
    const c = createCluster({ nodes: 3, faults: ['forget-vote-on-restart'] });
    await c.runFor(400);
    const cp = c.checkpoint();
    expect(cp.options.faults).toEqual(['forget-vote-on-restart']);
    const r = restoreCluster(cp);
    expect(r.creationOptions().faults).toEqual(['forget-vote-on-restart']);
    await Promise.all([c.destroy(), r.destroy()]);
  });

  it('a cluster restored from a checkpoint goes on exactly as the original, switches on', async () => {
    const options = { nodes: 5, seed: 6, faults: [...FAULT_NAMES], network: { dropRate: 0.1, duplicateRate: 0.1 } };
    const original = createCluster(options);
    await original.runFor(700);
    const restored = restoreCluster(original.checkpoint());
    const after = (c: Cluster) => {
      const seen: unknown[] = [];
      c.subscribe((e) => seen.push(e));
      return seen;
    };
    const [a, b] = [after(original), after(restored)];
    for (const c of [original, restored]) {
      const leader = c.ids.find((n) => c.node(n).role === 'leader') ?? 1;
      await c.start(leader, 'x=1');
      await c.crash(leader);
      await c.runFor(600);
      await c.restart(leader);
      await c.runFor(600);
    }
    expect(a.length).toBeGreaterThan(100);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    await Promise.all([original.destroy(), restored.destroy()]);
  });

  it("a run's creationOptions() and actions() replay it exactly, switches and all", async () => {
    const s = SCENARIOS.find((x) => x.fault === 'commit-earlier-term')!;
    const { cluster: original } = await runScenario(s, true);
    const { storageKey: _storageKey, ...options } = original.creationOptions();
    const copy = createCluster(options);
    clusters.push(copy);
    await replayActions(copy, original.actions(), original.now());
    expect(copy.creationOptions().faults).toEqual(['commit-earlier-term']);
    expect(JSON.stringify(copy.trace())).toBe(JSON.stringify(original.trace()));
  });

  it('travels to each worker in its settings, checked by the protocol schema', () => {
    const init = (faults: unknown) => ({
      v: PROTOCOL_VERSION,
      type: 'init',
      seq: 1,
      now: 0,
      settings: { ...workerSettings(), faults },
    });
    expect(invalidToWorker(init([]))).toBeNull();
    expect(invalidToWorker(init(['double-vote', 'keep-conflicting-entries']))).toBeNull();
    expect(invalidToWorker(init(['no-such-fault']))).toMatch(/faults/);
    expect(invalidToWorker(init(['double-vote', 'double-vote']))).toMatch(/each fault once/);
    expect(invalidToWorker(init(undefined))).toMatch(/faults/);
  });
});

// ------------------------------------------------------------ scenarios

/**
 * One deterministic scenario per fault: a script (src/sim/script.ts) whose
 * cluster line takes `faults=…`, and the Figure 3 property the monitor must
 * report when the fault is on. With the fault off the same script runs clean.
 */
interface Scenario {
  readonly fault: FaultName;
  /** The properties the monitor must report (each of them). */
  readonly properties: readonly SafetyProperty[];
  /** The script, `{faults}` standing for the cluster line's `faults=…` word (or nothing). */
  readonly script: string;
}

const QUIET = 'seed=1 election=10000-20000 delay=5-5';

const SCENARIOS: readonly Scenario[] = [
  {
    // The paper's Figure 8, as test/scripts/figure8-not-committed.txt: in (c)
    // node 1, leader of term 4, counts its term-2 entry b=2 on a majority and
    // commits it; in (d) node 5 (last term 3) wins term 5 without it, and
    // overwrites index 2 with c=3 everywhere and commits that.
    fault: 'commit-earlier-term',
    properties: ['Leader Completeness', 'State Machine Safety'],
    script: readFileSync(join(import.meta.dirname, 'scripts', 'figure8-not-committed.txt'), 'utf8').replace(
      /^cluster (.*)$/m,
      'cluster $1 {faults}',
    ),
  },
  {
    // Node 1 commits a=1 with node 2 while node 3 is cut off; node 1 goes down
    // and node 3, whose log is empty, asks node 2 for its vote in term 2.
    fault: 'vote-without-log-check',
    properties: ['Leader Completeness'],
    script: `cluster nodes=3 ${QUIET} {faults}
timeout 1
run 11
partition 1,2 | 3
start 1 a=1
run 60
expect commit 2 1
crash 1
heal
timeout 3
run 11`,
  },
  {
    // Nodes 1 and 2 time out at the same moment; node 3 hears both.
    fault: 'double-vote',
    properties: ['Election Safety'],
    script: `cluster nodes=3 ${QUIET} {faults}
timeout 1
timeout 2
run 11`,
  },
  {
    // Node 3 votes for node 1 in term 1 (node 2 hears nothing), restarts, and
    // is asked again in term 1 by node 2.
    fault: 'forget-vote-on-restart',
    properties: ['Election Safety'],
    script: `cluster nodes=3 ${QUIET} {faults}
partition 1,3 | 2
timeout 1
run 11
expect leader 1 term 1
crash 3
restart 3
partition 1 | 2,3
timeout 2
run 11`,
  },
  {
    // Node 1, leader of term 1 alone in a minority, appends x=1; nodes 2 and 3
    // commit y=2 at the same index in term 2; on heal node 2's AppendEntries
    // conflicts with node 1's entry 1.
    fault: 'keep-conflicting-entries',
    properties: ['State Machine Safety'],
    script: `cluster nodes=3 ${QUIET} {faults}
timeout 1
run 11
partition 1 | 2,3
start 1 x=1
run 20
timeout 2
run 11
start 2 y=2
run 60
expect commit 2 1
heal
run 120`,
  },
];

/** Runs a scenario's script with or without its fault; the monitor's violations and the cluster. */
async function runScenario(
  s: Scenario,
  faultOn: boolean,
  transport: 'inline' | 'worker' = 'inline',
): Promise<{ violations: readonly SafetyViolation[]; cluster: Cluster }> {
  const text = s.script.replace('{faults}', faultOn ? `faults=${s.fault}` : '');
  let monitor: SafetyMonitor | null = null;
  const { cluster } = await runScript(text, {
    // Blocks and expectations are the fault-free run's; only the monitor is asked here.
    rewrite: true,
    makeCluster: (options) => {
      const c = createCluster({ ...options, transport });
      monitor = attachSafetyMonitor(c);
      return c;
    },
  });
  clusters.push(cluster);
  return { violations: monitor!.violations, cluster };
}

const clusters: Cluster[] = [];
afterEach(async () => {
  for (const c of clusters.splice(0)) await c.destroy().catch(() => undefined);
});

describe('each bug switch, in a scripted run, breaks the property it names', () => {
  it('covers every fault', () => {
    expect(SCENARIOS.map((s) => s.fault).sort()).toEqual([...FAULT_NAMES].sort());
  });

  it.each(SCENARIOS)('$fault: the monitor reports $properties', async (s) => {
    const { violations } = await runScenario(s, true);
    const reported = new Set(violations.map((v) => v.property));
    for (const property of s.properties) expect(reported).toContain(property);
  });

  it.each(SCENARIOS)('$fault off: the same script runs clean', async (s) => {
    const { violations } = await runScenario(s, false);
    expect(violations).toEqual([]);
  });
});

describe('with bug switches on, the worker transport still matches the inline one', () => {
  registerTransport(
    'worker',
    workerTransport(() => createLoopbackPort({ openStorage: (name) => IdbStorage.open(name) })),
  );
  const comparable = (c: Cluster) => JSON.stringify(c.trace());

  it.each(SCENARIOS)('$fault: the scripted run, event for event', async (s) => {
    const inline = await runScenario(s, true, 'inline');
    const worker = await runScenario(s, true, 'worker');
    expect(worker.cluster.creationOptions().faults).toEqual([s.fault]);
    expect(comparable(worker.cluster)).toBe(comparable(inline.cluster));
    expect(worker.violations).toEqual(inline.violations);
    for (const id of inline.cluster.ids) expect(worker.cluster.node(id)).toEqual(inline.cluster.node(id));
  });

  /** A stormy schedule: crashes, restarts, a partition, loss and duplication. */
  async function stormy(c: Cluster): Promise<void> {
    await c.runFor(500);
    for (let round = 0; round < 4; round++) {
      const leader = c.ids.find((id) => c.node(id).role === 'leader');
      if (leader) for (let i = 0; i < 3; i++) await c.start(leader, `k${round}=${i}`);
      await c.runFor(150);
      await c.crash(((round * 2) % c.ids.length) + 1);
      c.partition([
        [1, 2],
        [3, 4, 5],
      ]);
      await c.runFor(300);
      c.heal();
      await c.restart(((round * 2) % c.ids.length) + 1);
      await c.timeout(((round * 3) % c.ids.length) + 1);
      await c.runFor(400);
    }
  }

  it.each([
    { seed: 3, faults: [...FAULT_NAMES] },
    { seed: 5, faults: ['double-vote', 'forget-vote-on-restart'] as FaultName[] },
    { seed: 8, faults: ['keep-conflicting-entries', 'commit-earlier-term'] as FaultName[] },
  ])('seed $seed, faults $faults: a stormy schedule, event for event', async ({ seed, faults }) => {
    const options = { nodes: 5, seed, faults, snapshotThreshold: 4, network: { dropRate: 0.05, duplicateRate: 0.05 } };
    const inline = createCluster(options);
    const worker = createCluster({ ...options, transport: 'worker' });
    clusters.push(inline, worker);
    await Promise.all([stormy(inline), stormy(worker)]);
    expect(inline.trace().length).toBeGreaterThan(200);
    expect(comparable(worker)).toBe(comparable(inline));
    for (const id of inline.ids) expect(worker.node(id)).toEqual(inline.node(id));
  });
});

describe('with bug switches on, the engine keeps running (the monitor, not an exception, reports what breaks)', () => {
  /** Random user actions on a lossy network; every node failure or edge error is collected. */
  async function randomRun(seed: number, faults: readonly FaultName[]): Promise<{ errors: string[]; violations: number }> {
    const rng = createRandom(seed * 7919 + 1);
    const c = createCluster({ nodes: 5, seed, faults, snapshotThreshold: 5, network: { dropRate: 0.05, duplicateRate: 0.05 } });
    clusters.push(c);
    const monitor = attachSafetyMonitor(c);
    const errors: string[] = [];
    c.subscribe((e) => {
      if (e.kind === 'error') errors.push(e.message);
      if (e.kind === 'crash' && e.cause === 'failure') errors.push(e.reason);
    });
    const id = () => 1 + Math.floor(rng() * 5);
    for (let step = 0; step < 120; step++) {
      const r = rng();
      if (r < 0.35) await c.runFor(10 + Math.floor(rng() * 200));
      else if (r < 0.6) {
        const leader = c.ids.find((n) => c.node(n).role === 'leader');
        if (leader) await c.start(leader, `k${step % 4}=${step}`);
      } else if (r < 0.7) await c.crash(id());
      else if (r < 0.8) await c.restart(id());
      else if (r < 0.87) await c.timeout(id());
      else if (r < 0.94) {
        const side = c.ids.map(() => rng() < 0.5);
        c.partition([c.ids.filter((_, i) => side[i]), c.ids.filter((_, i) => !side[i])]);
      } else c.heal();
    }
    c.heal();
    for (const n of c.ids) if (!c.node(n).alive) await c.restart(n);
    await c.runFor(2000);
    return { errors, violations: monitor.violationCount };
  }

  const seeds = Array.from({ length: 12 }, (_, i) => i + 1);
  it.each([{ faults: [...FAULT_NAMES] }, ...FAULT_NAMES.map((f) => ({ faults: [f] }))])(
    'faults $faults: 12 random schedules, no node fails',
    async ({ faults }) => {
      let violations = 0;
      for (const seed of seeds) {
        const run = await randomRun(seed, faults);
        expect(run.errors, `seed ${seed}`).toEqual([]);
        violations += run.violations;
      }
      // With every switch on these schedules do break Raft (59 violations
      // here), so "no node fails" covers broken runs, not only lucky ones.
      // Per switch some need a rarer schedule than these (0 for two of them).
      if (faults.length === FAULT_NAMES.length) expect(violations).toBeGreaterThan(0);
    },
  );
});
