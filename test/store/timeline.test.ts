// The timeline (issue 10, "Time travel"): a seek shows exactly the moment
// after N events (the live run's own state then), and "Continue from here"
// forks the run into exactly what replaying the cut action log gives.
import { describe, expect, it } from 'vitest';
import { createCluster, replayActions, type NodeView } from '../../src/sim';
import { createLab, type Lab, type NodeSnapshot } from '../../src/store';

const view = (n: NodeSnapshot | NodeView) => {
  const { connected: _c, ...rest } = n as NodeSnapshot;
  return rest;
};

/** A run with commands, a crash and a restart taken between single events, snapshotting the live nodes at each position. */
async function recordedRun(lab: Lab): Promise<Map<number, readonly NodeSnapshot[]>> {
  const seen = new Map<number, readonly NodeSnapshot[]>();
  const note = () => seen.set(lab.store.getState().historySize - 1, lab.store.getState().nodes);
  const s = () => lab.store.getState();
  await s().advance(2500);
  note();
  for (let i = 0; i < 40; i++) {
    await s().stepOnce();
    note();
    if (i === 5) await s().submitCommand('x=1');
    if (i === 12) await s().crash(2);
    if (i === 20) await s().submitCommand('y=2');
    if (i === 30) await s().restart(2);
    note();
  }
  await s().advance(300);
  note();
  return seen;
}

describe('timeline seeks', () => {
  it.each([3, 5])('shows exactly the live state of that moment (%i nodes)', async (nodes) => {
    const lab = createLab({ nodes, seed: 7, playing: false, clock: 'manual' });
    const seen = await recordedRun(lab);
    expect(seen.size).toBeGreaterThan(20);
    for (const [position, nodesThen] of [...seen].filter((_, i) => i % 4 === 0)) {
      if (position >= lab.store.getState().historySize - 1) continue;
      await lab.store.getState().reviewAt(position);
      const s = lab.store.getState();
      expect(s.review).toBe(position);
      expect(s.reviewFrame!.after).toBe(position);
      expect(s.nodes.map(view), `moment after ${position} events`).toEqual(nodesThen.map(view));
    }
    lab.store.getState().leaveReview();
    await lab.store.getState().cluster.destroy();
  });

  it('the latest of several quick seeks wins', async () => {
    const lab = createLab({ nodes: 3, seed: 2, playing: false, clock: 'manual' });
    await lab.store.getState().advance(2000);
    const s = lab.store.getState();
    const a = s.reviewAt(10);
    const b = s.reviewAt(3);
    await Promise.all([a, b]);
    expect(lab.store.getState().review).toBe(3);
    expect(lab.store.getState().reviewFrame!.after).toBe(3);
  });
});

describe('Continue from here', () => {
  it('forks the run: the later actions are dropped and the new live run is exactly the replay of the cut log', async () => {
    const lab = createLab({ nodes: 5, seed: 3, playing: false, clock: 'manual' });
    await recordedRun(lab);
    const before = lab.store.getState().cluster;
    const all = before.actions();
    expect(all.length).toBe(4);
    // Back to a moment between the first command and the crash.
    const x = all.find((a) => a.kind === 'crash')!.after! - 1;
    await lab.store.getState().reviewAt(x);
    const frame = lab.store.getState().reviewFrame!;
    expect(await lab.store.getState().continueFromHere()).toBe(true);
    const s = lab.store.getState();
    expect(s.review).toBeNull();
    expect(s.playing).toBe(false);
    expect(s.cluster).not.toBe(before);
    expect(s.cluster.processed()).toBe(x);
    expect(s.cluster.actions()).toEqual(all.filter((a) => a.after! <= x));
    expect(s.nodes.map(view)).toEqual(frame.nodes.map(view));
    expect(s.notices.app?.text).toMatch(/^Continued from .* \(after \d+ events\): the run forks here; 3 later actions were dropped/);

    // Going on from the fork is going on from a replay of the cut log.
    await s.submitCommand('z=3');
    await lab.store.getState().advance(800);
    const forked = lab.store.getState().cluster;
    const { storageKey: _k, ...options } = forked.creationOptions();
    const replayed = createCluster(options);
    await replayActions(replayed, forked.actions(), forked.now());
    for (const id of forked.ids) expect(forked.node(id)).toEqual(replayed.node(id));
    expect(replayed.processed()).toBe(forked.processed());
    await replayed.destroy();
  });

  it('refuses when live, with a message', async () => {
    const lab = createLab({ nodes: 3, seed: 1, playing: false, clock: 'manual' });
    expect(await lab.store.getState().continueFromHere()).toBe(false);
    expect(lab.store.getState().notices.app?.text).toMatch(/go back on the timeline first/);
  });
});
