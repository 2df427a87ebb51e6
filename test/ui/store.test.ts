// @vitest-environment jsdom
// The lab's store without React: actions, refusals that change nothing,
// the driver's clock, narration and structural sharing.
import { describe, expect, it } from 'vitest';
import { createLab, DEFAULT_SPEED, type Lab, type LabState } from '../../src/store';

const paused = (extra = {}) => createLab({ nodes: 5, seed: 1, playing: false, clock: 'manual', ...extra });
const state = (lab: Lab): LabState => lab.store.getState();

async function untilLeader(lab: Lab): Promise<number> {
  for (let i = 0; i < 60; i++) {
    const leader = state(lab).nodes.find((n) => n.alive && n.role === 'leader');
    if (leader) return leader.id;
    await state(lab).advance(50);
  }
  throw new Error('no leader');
}

const starts = (lab: Lab) =>
  state(lab)
    .cluster.actions()
    .filter((a) => a.kind === 'start');

describe('lab store', () => {
  it('starts with 5 nodes, seed 1, playing, at the default speed and the UI network', () => {
    const lab = createLab({ clock: 'manual' });
    const s = state(lab);
    expect(s.config).toEqual({ nodes: 5, seed: 1, snapshotThreshold: 0 });
    expect(s.nodes.map((n) => n.id)).toEqual([1, 2, 3, 4, 5]);
    expect(s.playing).toBe(true);
    expect(s.speed).toBe(DEFAULT_SPEED);
    expect(s.network.delayMs).toEqual([15, 25]);
  });

  it('falls back to the defaults, with a notice, when the URL asks for a bad size or seed', () => {
    const lab = createLab({ clock: 'manual', nodes: '12', seed: 'abc' });
    expect(state(lab).config).toEqual({ nodes: 5, seed: 1, snapshotThreshold: 0 });
    expect(state(lab).notices.cluster?.tone).toBe('error');
    expect(state(lab).notices.cluster?.text).toMatch(/Cluster size must be a whole number from 1 to 9/);
  });

  it('elects a leader, and a submitted command goes to it and is reported committed (§5.3)', async () => {
    const lab = paused();
    const leader = await untilLeader(lab);
    expect(await state(lab).submitCommand('  x=1 ')).toBe(true);
    expect(starts(lab)).toEqual([expect.objectContaining({ id: leader, command: 'x=1' })]);
    expect(state(lab).pending).toMatchObject({ command: 'x=1', index: 1, state: 'waiting' });
    await state(lab).advance(200);
    expect(state(lab).pending?.state).toBe('committed');
    expect(state(lab).notices.command).toMatchObject({ tone: 'success' });
    expect(state(lab).nodes.every((n) => n.commitIndex === 1)).toBe(true);
  });

  it('refuses a command when there is no leader, sending nothing', async () => {
    const lab = paused();
    expect(await state(lab).submitCommand('x=1')).toBe(false);
    expect(state(lab).notices.command?.text).toMatch(/No leader right now/);
    expect(starts(lab)).toEqual([]);
  });

  it.each([
    ['', /Type a command first/],
    ['   ', /Type a command first/],
    ['a'.repeat(41), /41 characters long; keep it to 40/],
    ['x=1\ny=2', /control characters/],
  ])('refuses the bad command %j with a clear message and sends nothing', async (text, message) => {
    const lab = paused();
    await untilLeader(lab);
    expect(await state(lab).submitCommand(text)).toBe(false);
    expect(state(lab).notices.command?.tone).toBe('error');
    expect(state(lab).notices.command?.text).toMatch(message);
    expect(starts(lab)).toEqual([]);
  });

  it('sends to the live leader with the highest term when a stale leader is cut off', async () => {
    const lab = paused();
    const old = await untilLeader(lab);
    state(lab).isolateLeader();
    await state(lab).advance(1000);
    const leaders = state(lab).nodes.filter((n) => n.alive && n.role === 'leader');
    expect(leaders.length).toBe(2); // the old one does not know yet
    const newest = leaders.find((n) => n.id !== old)!;
    await state(lab).submitCommand('y=2');
    expect(starts(lab).at(-1)).toMatchObject({ id: newest.id });
  });

  it('resets nothing when the size or seed is invalid, and everything when both are valid', async () => {
    const lab = paused();
    const before = state(lab).cluster;
    expect(await state(lab).resetCluster('0', '7')).toBe(false);
    expect(await state(lab).resetCluster('3', '-1')).toBe(false);
    expect(await state(lab).resetCluster('3.5', 'x')).toBe(false);
    expect(state(lab).cluster).toBe(before);
    expect(state(lab).generation).toBe(0);
    expect(state(lab).notices.cluster?.text).toMatch(/Cluster size must be .*Seed must be .*not reset/);
    expect(await state(lab).resetCluster(' 3 ', '42')).toBe(true);
    expect(state(lab).cluster).not.toBe(before);
    expect(state(lab).config).toEqual({ nodes: 3, seed: 42, snapshotThreshold: 0 });
    expect(state(lab).nodes).toHaveLength(3);
    expect(state(lab).generation).toBe(1);
    await expect(before.runFor(1)).rejects.toThrow(/destroyed/);
    expect(await state(lab).resetCluster('3', '42', 'many')).toBe(false);
    expect(state(lab).notices.cluster?.text).toMatch(/Compaction must be a whole number/);
    expect(await state(lab).resetCluster('3', '42', '10')).toBe(true);
    expect(state(lab).config.snapshotThreshold).toBe(10);
  });

  it('applies a network draft whole, or not at all', () => {
    const lab = paused();
    expect(state(lab).applyNetwork({ delayMinMs: 40, delayMaxMs: 30, dropRate: 0.5, duplicateRate: 0.1 })).toBe(false);
    expect(state(lab).network).toMatchObject({ delayMs: [15, 25], dropRate: 0, duplicateRate: 0 });
    expect(state(lab).notices.network?.text).toMatch(/shortest delay \(40 ms\) is longer than the longest \(30 ms\)/);
    expect(state(lab).applyNetwork({ delayMinMs: 5, delayMaxMs: 30, dropRate: 2, duplicateRate: 0 })).toBe(false);
    expect(state(lab).applyNetwork({ delayMinMs: Number.NaN, delayMaxMs: 30, dropRate: 0, duplicateRate: 0 })).toBe(false);
    expect(state(lab).network.delayMs).toEqual([15, 25]);
    expect(state(lab).applyNetwork({ delayMinMs: 5, delayMaxMs: 30, dropRate: 0.1, duplicateRate: 0.2 })).toBe(true);
    expect(state(lab).network).toMatchObject({ delayMs: [5, 30], dropRate: 0.1, duplicateRate: 0.2 });
    expect(state(lab).notices.network).toBeUndefined();
  });

  it('partition presets: nothing to isolate without a leader; minority | majority; heal plugs cables back', async () => {
    const lab = paused();
    state(lab).isolateLeader();
    expect(state(lab).notices.network?.text).toMatch(/no leader to isolate/);
    const leader = await untilLeader(lab);
    state(lab).splitMinorityMajority();
    const links = state(lab).links;
    const minority = [1, 2, 3, 4, 5].filter((id) => links[leader]![id]);
    expect(minority).toHaveLength(2); // the leader and one more of 5
    expect(minority).toContain(leader);
    state(lab).disconnect(3);
    state(lab).healAll();
    expect(
      state(lab)
        .links.slice(1)
        .every((row) => row.slice(1).every(Boolean)),
    ).toBe(true);
    expect(state(lab).nodes.every((n) => n.connected)).toBe(true);
  });

  it('toggles a link both ways and one way', () => {
    const lab = paused();
    state(lab).toggleLink(1, 2);
    expect([state(lab).links[1]![2], state(lab).links[2]![1]]).toEqual([false, false]);
    state(lab).toggleLink(1, 2);
    expect([state(lab).links[1]![2], state(lab).links[2]![1]]).toEqual([true, true]);
    state(lab).setLink(2, 1, false);
    expect([state(lab).links[1]![2], state(lab).links[2]![1]]).toEqual([true, false]);
  });

  it('keeps unchanged logs and nodes as the same objects (no needless re-renders)', async () => {
    const lab = paused();
    await untilLeader(lab);
    await state(lab).submitCommand('x=1');
    await state(lab).advance(300);
    const logs = state(lab).nodes.map((n) => n.log);
    const links = state(lab).links;
    await state(lab).advance(200); // heartbeats only
    state(lab).nodes.forEach((n, i) => expect(n.log).toBe(logs[i]));
    expect(state(lab).links).toBe(links);
  });

  it('narrates events in readable sentences', async () => {
    const lab = paused();
    const leader = await untilLeader(lab);
    const lines = state(lab).narration.election.map((l) => l.text);
    expect(lines).toContainEqual(expect.stringMatching(/^Node \d timed out and started an election for term 1$/));
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^Node ${leader} became leader for term 1: it won the election`)));
    await state(lab).crash(2);
    expect(state(lab).narration.fault.at(-1)?.text).toMatch(/^Node 2 crashed: its volatile state is gone/);
  });

  it('driver: advances virtual time by wall time × speed only while playing; Step processes one event', async () => {
    const lab = paused({ speed: 1 });
    const { driver } = lab;
    driver.frame(0);
    driver.frame(16);
    expect(state(lab).cluster.now()).toBe(0); // paused
    state(lab).setPlaying(true);
    driver.frame(32);
    await Promise.resolve();
    await new Promise((r) => setTimeout(r, 0));
    expect(state(lab).cluster.now()).toBe(16);
    driver.frame(10_000); // a long gap (hidden tab) is clamped
    await new Promise((r) => setTimeout(r, 0));
    expect(state(lab).cluster.now()).toBe(116);
    await driver.step();
    expect(state(lab).playing).toBe(false);
    expect(state(lab).cluster.now()).toBeGreaterThan(116);
  });

  it('speed stays on the ladder from 1/100× to 10×', () => {
    const lab = paused();
    state(lab).setSpeed(1000);
    expect(state(lab).speed).toBe(10);
    state(lab).nudgeSpeed(1);
    expect(state(lab).speed).toBe(10);
    state(lab).setSpeed(0.0001);
    expect(state(lab).speed).toBe(0.01);
    state(lab).setSpeed(Number.NaN);
    expect(state(lab).speed).toBe(0.01);
    state(lab).nudgeSpeed(1);
    expect(state(lab).speed).toBe(0.02);
  });
});
