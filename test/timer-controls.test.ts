// The presenter's timer controls (issue 9, RaftScope parity): align every
// election timer for an instant split vote, or spread them so one node
// clearly times out first. Lab controls, not Raft rules: no virtual time
// passes, they are recorded as actions and replay exactly, on both transports.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { createCluster, registerTransport, replayActions, type Cluster, type ClusterOptions } from '../src/sim';
import { createLoopbackPort, IdbStorage, workerTransport } from '../src/worker';
import { newNode, winElection } from './raft/helpers';

registerTransport(
  'worker',
  workerTransport(() => createLoopbackPort({ openStorage: (name) => IdbStorage.open(name) })),
);

const transports = ['inline', 'worker'] as const;

async function leaderOf(c: Cluster): Promise<number> {
  await c.runUntil(() => c.ids.some((id) => c.node(id).role === 'leader'), 3000);
  const leader = c.ids.find((id) => c.node(id).role === 'leader');
  if (leader === undefined) throw new Error('no leader');
  // Let the election's last votes and the first heartbeats land: granting a
  // vote or hearing a leader resets a timer (Figure 2), which would undo
  // the control being tested.
  await c.runFor(200);
  return leader;
}

describe('RaftNode.setElectionTimer (a lab control)', () => {
  it('sets a follower’s deadline to now + ms without drawing a random number; a leader has no election timer to set', () => {
    let draws = 0;
    const node = newNode({
      id: 1,
      random: () => {
        draws += 1;
        return 0.5;
      },
    });
    const before = draws;
    node.setElectionTimer(1000, 150);
    expect(node.electionDeadline).toBe(1150);
    expect(node.electionTimeout).toBe(150);
    expect(draws).toBe(before);
    expect(node.takeReady()).toEqual({ persist: [], messages: [], events: [] });

    const leader = newNode({ id: 2 });
    winElection(leader, [3]);
    const heartbeatBefore = leader.nextDeadline();
    leader.setElectionTimer(10, 150);
    expect(leader.role).toBe('leader');
    expect(leader.electionDeadline).toBe(Infinity);
    expect(leader.nextDeadline()).toBe(heartbeatBefore);
  });

  it('refuses a duration that is not a finite number >= 0, naming it', () => {
    const node = newNode({ id: 1 });
    expect(() => node.setElectionTimer(0, -1)).toThrow(/ms must be a finite number of virtual ms >= 0, got -1/);
    expect(() => node.setElectionTimer(0, Number.NaN)).toThrow(/ms must be/);
  });
});

describe.each(transports)('alignTimers and spreadTimers (%s transport)', (transport) => {
  const options: ClusterOptions = { nodes: 5, seed: 7, transport, electionTimeoutMs: [150, 300] };

  it('alignTimers: every live non-leader fires at now + the shortest timeout, together — an instant split vote', async () => {
    const c = createCluster(options);
    const leader = await leaderOf(c);
    await c.crash(leader);
    const down = c.ids.find((id) => id !== leader)!;
    await c.crash(down);
    await c.runFor(20); // the dead leader's last heartbeats land (they would reset the timers)
    const t0 = c.now();
    const term = Math.max(...c.ids.map((id) => c.node(id).term));
    await c.alignTimers();
    expect(c.now()).toBe(t0); // no virtual time passes
    const live = c.ids.filter((id) => c.node(id).alive);
    for (const id of live) expect(c.node(id).electionDeadline).toBe(t0 + 150);
    expect(c.actions().at(-1)).toEqual({ at: t0, after: c.processed(), kind: 'alignTimers' });

    await c.runFor(150);
    const timeouts = c.trace().flatMap((e) => (e.kind === 'timeout' && e.at > t0 ? [e] : []));
    expect(timeouts.map((e) => e.node).sort()).toEqual(live);
    expect(new Set(timeouts.map((e) => e.at))).toEqual(new Set([t0 + 150]));
    // Every candidate voted for itself in term + 1: no one can win it (3 live of 5, 1 vote each).
    await c.runFor(20);
    const leaders = c.trace().filter((e) => e.kind === 'role' && e.role === 'leader' && e.term === term + 1);
    expect(leaders).toEqual([]);
    await c.destroy();
  });

  it('spreadTimers: the timers spread evenly over [min, max] in id order; the first to fire wins alone', async () => {
    const c = createCluster(options);
    const leader = await leaderOf(c);
    await c.crash(leader);
    await c.runFor(20); // the dead leader's last heartbeats land (they would reset the timers)
    const t0 = c.now();
    await c.spreadTimers();
    expect(c.now()).toBe(t0);
    const live = c.ids.filter((id) => c.node(id).alive);
    expect(live.map((id) => c.node(id).electionDeadline - t0)).toEqual([150, 200, 250, 300]);
    await c.runFor(300);
    const won = c.trace().flatMap((e) => (e.kind === 'role' && e.role === 'leader' && e.at > t0 ? [e] : []))[0];
    expect(won?.node).toBe(live[0]);
    const timeouts = c.trace().flatMap((e) => (e.kind === 'timeout' && e.at > t0 ? [e] : []));
    expect(timeouts.map((e) => e.node)).toEqual([live[0]]);
    await c.destroy();
  });

  it('a live leader keeps its heartbeat; crashed nodes are left alone; both replay exactly', async () => {
    const c = createCluster(options);
    const leader = await leaderOf(c);
    const crashed = c.ids.find((id) => id !== leader)!;
    await c.crash(crashed);
    await c.step();
    await c.alignTimers();
    expect(c.node(leader).electionDeadline).toBe(Infinity);
    expect(c.node(crashed).electionDeadline).toBe(Infinity);
    await c.runFor(37);
    await c.spreadTimers();
    await c.step();
    await c.step();
    await c.crash(leader);
    await c.alignTimers();
    await c.runFor(800);
    const copy = createCluster(options);
    await replayActions(copy, c.actions());
    await copy.runToPosition(c.processed(), c.now());
    expect(JSON.stringify(copy.trace())).toBe(JSON.stringify(c.trace()));
    expect(JSON.stringify(copy.ids.map((id) => copy.node(id)))).toBe(JSON.stringify(c.ids.map((id) => c.node(id))));
    expect(copy.actions()).toEqual(c.actions());
    await copy.destroy();
    await c.destroy();
  });
});

describe('the worker transport gives the inline history with the timer controls', () => {
  it('the same trace on both transports, run with the windowed scheduler', async () => {
    const traces: string[] = [];
    for (const transport of transports) {
      const c = createCluster({ nodes: 5, seed: 11, transport, network: { delayMs: [1, 3] } });
      for (let round = 0; round < 6; round++) {
        await c.runFor(97);
        await (round % 2 === 0 ? c.alignTimers() : c.spreadTimers());
        await c.runFor(211);
        const leader = c.ids.find((id) => c.node(id).role === 'leader');
        if (leader !== undefined && round % 3 === 2) await c.crash(leader);
        if (round % 3 === 0) for (const id of c.ids) if (!c.node(id).alive) await c.restart(id);
      }
      traces.push(JSON.stringify(c.trace()));
      await c.destroy();
    }
    expect(traces[1]).toBe(traces[0]);
  });
});
