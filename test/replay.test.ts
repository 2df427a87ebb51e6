// The action log: seed + options + recorded actions determine a run exactly.
import { describe, expect, it } from 'vitest';
import { createCluster, replayActions, type Cluster } from '../src/sim';

async function session(c: Cluster): Promise<void> {
  await c.runFor(400);
  const leader = c.ids.find((id) => c.node(id).role === 'leader') ?? 1;
  await c.start(leader, 'a=1');
  await c.runFor(37);
  c.setNetwork({ dropRate: 0.2, duplicateRate: 0.1 });
  c.partition([
    [1, 2],
    [3, 4, 5],
  ]);
  await c.runFor(411);
  await c.crash(3);
  c.disconnect(4);
  await c.timeout(5);
  await c.runFor(250);
  c.heal();
  c.connect(4);
  c.setLink(2, 1, false);
  await c.restart(3);
  const inFlight = c.inFlight()[0];
  if (inFlight) c.dropMessage(inFlight.id);
  await c.runFor(900);
  const l2 = c.ids.find((id) => c.node(id).role === 'leader');
  if (l2) await c.start(l2, 'b=2');
  await c.runFor(500);
}

describe('action log and replay', () => {
  it.each([1, 2, 3])('replaying the recorded actions of seed %i reproduces the trace exactly', async (seed) => {
    const original = createCluster({ nodes: 5, seed });
    await session(original);
    const actions = original.actions();
    expect(actions.map((a) => a.kind)).toEqual(
      expect.arrayContaining([
        'start',
        'setNetwork',
        'partition',
        'crash',
        'disconnect',
        'timeout',
        'heal',
        'connect',
        'setLink',
        'restart',
      ]),
    );
    const copy = createCluster({ nodes: 5, seed });
    await replayActions(copy, actions, original.now());
    expect(copy.now()).toBe(original.now());
    expect(JSON.stringify(copy.trace())).toBe(JSON.stringify(original.trace()));
    expect(copy.actions()).toEqual(actions);
  });

  it('rejects actions out of time order, naming the action', async () => {
    const c = createCluster({ nodes: 3 });
    await c.runFor(100);
    await expect(replayActions(c, [{ at: 50, kind: 'heal' }])).rejects.toThrow(/heal at 50 ms/);
  });
});
