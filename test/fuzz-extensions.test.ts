// Issue 13 under the fuzzer: the random fault schedules of test/fuzz.test.ts
// (3, 5 and 7 nodes, lossy, duplicating, reordering networks, crashes,
// restarts, partitions, snapshots, leader no-op) with PreVote and CheckQuorum
// switched on at random and membership changes (addNode, removeNode) and
// leadership transfers among the actions. The safety monitor checks Figure 3
// after every event — its majority check against the configuration in force
// at each new leader (thesis §4.1) included — and at the end nothing
// committed may be lost on any member. Some schedules also run on the worker
// transport, and there the history must equal the inline one exactly.
//
//   npx vitest run test/fuzz-extensions.test.ts                     seeds 1..200
//   FUZZ_SCHEDULES=1000 npx vitest run test/fuzz-extensions.test.ts more
//   FUZZ_SEED=137 npx vitest run test/fuzz-extensions.test.ts       one seed (the failure shows recent events)
//   FUZZ_EXT_EQUIV=60 …                                             schedules compared inline vs worker (default 30)
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { registerTransport } from '../src/sim';
import { createLoopbackPort, IdbStorage, workerTransport } from '../src/worker';
import { envInteger, replayCommand, Schedule, seedsToRun } from './support/fuzz-schedule';
import { recordRun } from './support/recorded-run';

registerTransport(
  'worker',
  workerTransport(() => createLoopbackPort({ openStorage: (name) => IdbStorage.open(name) })),
);

const FILE = 'test/fuzz-extensions.test.ts';
/** Shorter than the base fuzzer's (membership calls each bring an election or a catch-up). */
const STEPS = envInteger('FUZZ_STEPS') ?? 250;
const EQUIV = envInteger('FUZZ_EXT_EQUIV') ?? 30;

const totals = { schedules: 0, added: 0, removed: 0, transfers: 0, preVotes: 0, quorumStepDowns: 0, leaseIgnored: 0, committed: 0 };
const sizes = new Set<number>();
const switches = new Set<string>();

async function runSchedule(seed: number, replaying: boolean): Promise<void> {
  const s = new Schedule(seed, 'inline', true);
  const counts = { added: 0, removed: 0, transfers: 0, preVotes: 0, quorumStepDowns: 0, leaseIgnored: 0 };
  s.cluster.subscribe((e) => {
    if (e.kind === 'added') counts.added += 1;
    else if (e.kind === 'removed') counts.removed += 1;
    else if (e.kind === 'transfer' && e.phase === 'timeoutNow') counts.transfers += 1;
    else if (e.kind === 'preCampaign') counts.preVotes += 1;
    else if (e.kind === 'role' && e.why?.code === 'check-quorum') counts.quorumStepDowns += 1;
    else if (e.kind === 'vote' && e.why?.code === 'leader-lease') counts.leaseIgnored += 1;
  });
  try {
    for (let step = 0; step < STEPS; step++) {
      await s.randomAction();
      sizes.add(s.cluster.ids.length);
    }
    const final = await s.settle();
    s.checkNothingLost(final);
    if (!s.monitor.ok) throw new Error(s.monitor.violations.map((v) => v.message).join('\n'));
    totals.schedules += 1;
    totals.committed += final.index;
    for (const key of Object.keys(counts) as (keyof typeof counts)[]) totals[key] += counts[key];
    switches.add(`${s.options.preVote ? 'P' : '-'}${s.options.checkQuorum ? 'Q' : '-'}`);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const events = replaying ? `  last events:\n    ${s.recentEvents(40).join('\n    ')}\n` : '';
    throw new Error(
      `extensions fuzz seed ${seed} failed at ${s.cluster.now()} virtual ms: ${message}\n` +
        `  options: ${JSON.stringify(s.options)}\n  last actions:\n    ${s.actions.slice(-20).join('\n    ')}\n` +
        events +
        `  replay: ${replayCommand(seed, FILE)}`,
      { cause: err },
    );
  } finally {
    await s.cluster.destroy();
  }
}

const seeds = seedsToRun();
const equivSeeds = process.env.FUZZ_SEED ? seeds : seeds.slice(0, EQUIV);

describe('PreVote, CheckQuorum, transfers and membership changes under random faults', () => {
  it.each(seeds)('schedule seed %i (inline transport)', async (seed) => {
    await runSchedule(seed, seeds.length === 1);
  });

  it.each(equivSeeds)('schedule seed %i: the worker transport gives exactly the inline history', async (seed) => {
    const inline = await recordRun(new Schedule(seed, 'inline', true), STEPS);
    const worker = await recordRun(new Schedule(seed, 'worker', true), STEPS);
    const where = `\n  options: ${JSON.stringify(inline.options)}\n  replay: FUZZ_SEED=${seed} npx vitest run ${FILE}`;
    const n = Math.max(inline.trace.length, worker.trace.length);
    let diff: string | null = null;
    for (let i = 0; i < n && diff === null; i++) {
      const a = JSON.stringify(inline.trace[i]);
      const b = JSON.stringify(worker.trace[i]);
      if (a !== b) diff = `event ${i}:\n  inline: ${a}\n  worker: ${b}`;
    }
    expect(diff, `traces differ${where}`).toBeNull();
    expect(worker.views, `node views differ${where}`).toBe(inline.views);
    expect(worker.actions, `action logs differ${where}`).toBe(inline.actions);
    expect(worker.outcome, `outcomes differ${where}`).toBe(inline.outcome);
  });

  if (seeds.length >= 100) {
    // A fuzzer whose new actions never took effect would pass forever.
    it('the schedules added, removed and transferred, with every combination of the two switches', () => {
      expect(totals.schedules).toBe(seeds.length);
      expect(totals.added).toBeGreaterThan(totals.schedules);
      expect(totals.removed).toBeGreaterThan(totals.schedules / 2);
      expect(totals.transfers).toBeGreaterThan(totals.schedules / 2);
      expect(totals.preVotes).toBeGreaterThan(totals.schedules * 5);
      expect(totals.quorumStepDowns).toBeGreaterThan(totals.schedules / 4);
      expect(totals.leaseIgnored).toBeGreaterThan(totals.schedules / 4);
      expect([...switches].sort()).toEqual(['--', '-Q', 'P-', 'PQ']);
      expect(Math.min(...sizes)).toBeLessThanOrEqual(3);
      expect(Math.max(...sizes)).toBeGreaterThanOrEqual(8);
      console.log(
        `extensions fuzz: ${totals.schedules} schedules, ${JSON.stringify(totals)}, cluster sizes ${[...sizes].sort((a, b) => a - b).join(',')}`,
      );
    });
  }
});
