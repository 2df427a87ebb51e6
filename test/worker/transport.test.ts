// The worker transport in Node: the same host code and protocol as a real
// Web Worker, over an in-process loopback port, with fake-indexeddb as the
// disk. (Real workers and real IndexedDB are tested in Chromium: test/browser.)
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { createCluster, registerTransport, type Cluster, type ClusterEvent } from '../../src/sim';
import { createLoopbackPort, IdbStorage, workerTransport, type FromWorker } from '../../src/worker';

type Output = Extract<FromWorker, { type: 'output' }>;

/**
 * Rewrites every output a worker posts with `forge` — a single `output`, or
 * each output of a batch's `outputs` in turn (seen as a single output) —
 * leaving anything `forge` returns null for as it is.
 */
function eachOutput(m: FromWorker, forge: (out: Output) => Output | null): FromWorker {
  if (m.type === 'output') return forge(m) ?? m;
  if (m.type !== 'outputs') return m;
  const outputs = m.outputs.map((o) => {
    const forged = forge({ v: m.v, type: 'output', seq: m.seq, ...o, result: null, recovered: null });
    if (!forged) return o;
    const { persist, messages, events, deadline, state } = forged;
    return { persist, messages, events, deadline, state };
  });
  return { ...m, outputs };
}

/** Rewrites what the workers post; `port` is the worker's name ("raft node 3"). */
let tamper: ((m: FromWorker, port: string) => unknown) | undefined;
const tamperable = () =>
  workerTransport((port) =>
    createLoopbackPort({ openStorage: (name) => IdbStorage.open(name), tamper: (m) => (tamper ? tamper(m, port) : m) }),
  );
registerTransport('worker', tamperable());

const clusters: Cluster[] = [];
function make(opts: Parameters<typeof createCluster>[0]): Cluster {
  const c = createCluster(opts);
  clusters.push(c);
  return c;
}
afterEach(async () => {
  tamper = undefined;
  for (const c of clusters.splice(0)) await c.destroy().catch(() => undefined);
});

const leaderOf = (c: Cluster) => c.ids.find((id) => c.node(id).role === 'leader');

/** A script of user actions with faults, run identically on any cluster. */
async function script(c: Cluster): Promise<void> {
  await c.runFor(600);
  let leader = leaderOf(c);
  expect(leader).toBeDefined();
  for (let i = 0; i < 5; i++) await c.start(leader!, `x${i}=${i}`);
  await c.runFor(200);
  await c.crash(leader!);
  c.setNetwork({ dropRate: 0.1, duplicateRate: 0.1 });
  await c.runFor(800);
  leader = leaderOf(c);
  if (leader) for (let i = 5; i < 10; i++) await c.start(leader, `x${i}=${i}`);
  c.partition([
    [1, 2, 3],
    [4, 5],
  ]);
  await c.runFor(500);
  c.heal();
  await c.restart(1);
  await c.timeout(2);
  await c.runFor(1500);
}

const comparable = (events: readonly ClusterEvent[]) => JSON.stringify(events);

describe('worker transport (loopback port + fake-indexeddb)', () => {
  it('gives the same history as the inline transport for the same seed and actions', async () => {
    for (const seed of [1, 7]) {
      const inline = make({ nodes: 5, seed, snapshotThreshold: 4 });
      const worker = make({ nodes: 5, seed, snapshotThreshold: 4, transport: 'worker' });
      await Promise.all([script(inline), script(worker)]);
      const a = inline.trace();
      const b = worker.trace();
      expect(b.length).toBeGreaterThan(100);
      expect(comparable(b)).toBe(comparable(a));
      for (const id of inline.ids) expect(worker.node(id)).toEqual(inline.node(id));
    }
  });

  it('stays identical when workers answer out of order (pipelined dispatch, outputs taken in order)', async () => {
    registerTransport(
      'worker',
      workerTransport(() =>
        createLoopbackPort({ openStorage: (name) => IdbStorage.open(name), jitterMs: () => Math.floor(Math.random() * 3) }),
      ),
    );
    try {
      const inline = make({ nodes: 5, seed: 3, snapshotThreshold: 3, network: { delayMs: [0, 4], dropRate: 0.05, duplicateRate: 0.1 } });
      const worker = make({
        nodes: 5,
        seed: 3,
        snapshotThreshold: 3,
        network: { delayMs: [0, 4], dropRate: 0.05, duplicateRate: 0.1 },
        transport: 'worker',
      });
      await Promise.all([script(inline), script(worker)]);
      expect(worker.trace().length).toBeGreaterThan(200);
      expect(comparable(worker.trace())).toBe(comparable(inline.trace()));
    } finally {
      registerTransport('worker', tamperable());
    }
  });

  it('recovers a crashed node from its IndexedDB disk, losing nothing committed', async () => {
    const c = make({ nodes: 3, seed: 3, transport: 'worker' });
    await c.runFor(600);
    const leader = leaderOf(c)!;
    for (let i = 0; i < 4; i++) await c.start(leader, `k${i}=v${i}`);
    await c.runFor(300);
    const follower = c.ids.find((id) => id !== leader)!;
    const before = c.node(follower);
    expect(before.commitIndex).toBe(4);
    await c.crash(follower);
    const crashed = c.node(follower);
    expect(crashed.alive).toBe(false);
    expect(crashed.log.map((e) => e.command)).toEqual(['k0=v0', 'k1=v1', 'k2=v2', 'k3=v3']);
    await c.restart(follower);
    await c.runFor(300);
    const after = c.node(follower);
    expect(after.alive).toBe(true);
    expect(after.term).toBe(before.term);
    expect(after.log).toEqual(before.log);
    expect(after.kv).toEqual({ k0: 'v0', k1: 'v1', k2: 'v2', k3: 'v3' });
  });

  it('resumes a whole cluster from disk under the same storageKey (a page reload)', async () => {
    const storageKey = 'reload-test';
    const first = createCluster({ nodes: 3, seed: 5, transport: 'worker', storageKey });
    await first.runFor(600);
    const leader = leaderOf(first)!;
    for (let i = 0; i < 3; i++) await first.start(leader, `r${i}=${i}`);
    await first.runFor(300);
    const logs = first.ids.map((id) => first.node(id).log);
    const terms = first.ids.map((id) => first.node(id).term);
    await first.destroy(); // a power failure: workers gone, disks kept

    const second = make({ nodes: 3, seed: 5, transport: 'worker', storageKey });
    await second.runFor(0);
    const recovered = second.trace().filter((e) => e.kind === 'recover');
    expect(recovered.map((e) => (e.kind === 'recover' ? [e.node, e.term, e.lastIndex] : []))).toEqual(
      second.ids.map((id, i) => [id, terms[i], 3]),
    );
    expect(second.ids.map((id) => second.node(id).log)).toEqual(logs);
    expect(second.ids.map((id) => second.node(id).term)).toEqual(terms);
    await second.runFor(1000);
    const newLeader = leaderOf(second)!;
    expect(second.node(newLeader).term).toBeGreaterThan(terms[0]!);
    // Everything committed before the "reload" is committed again and applied.
    await second.start(newLeader, 'after=1');
    await second.runFor(300);
    for (const id of second.ids) expect(second.node(id).kv).toEqual({ r0: '0', r1: '1', r2: '2', after: '1' });
  });

  it('a malformed message from a worker is an error event naming the node, and that node is crashed', async () => {
    const c = make({ nodes: 3, seed: 2, transport: 'worker' });
    await c.runFor(600);
    const events: ClusterEvent[] = [];
    c.subscribe((e) => events.push(e));
    const victim = c.ids.find((id) => c.node(id).role !== 'leader')!;
    tamper = (m) => eachOutput(m, (out) => (out.state.role === 'follower' ? ({ ...out, deadline: 'soon' } as unknown as Output) : null));
    await c.runFor(200);
    tamper = undefined;
    const error = events.find((e) => e.kind === 'error');
    expect(error).toBeDefined();
    expect(error && error.kind === 'error' ? error.message : '').toMatch(
      /node \d sent a malformed message \((outputs\[\d+\]\.)?deadline must be a deadline \(virtual ms >= 0, or Infinity\), got "soon"\)/,
    );
    expect(events.some((e) => e.kind === 'crash')).toBe(true);
    expect(c.ids.some((id) => !c.node(id).alive)).toBe(true);
    // The rest of the cluster keeps running, and the node can come back.
    for (const id of c.ids) if (!c.node(id).alive) await c.restart(id);
    await c.runFor(1000);
    expect(c.ids.every((id) => c.node(id).alive)).toBe(true);
    expect(leaderOf(c)).toBeDefined();
    void victim;
  });

  it('an exception inside the worker marks the node crashed with the reason', async () => {
    const c = make({ nodes: 3, seed: 4, transport: 'worker' });
    await c.runFor(600);
    const events: ClusterEvent[] = [];
    c.subscribe((e) => events.push(e));
    // The worker fails on the input that makes it vote: a single input's
    // error, or within a batch, the outputs before it and the error.
    tamper = (m) => {
      if (m.type === 'output' && m.events.some((e) => e.kind === 'vote')) return { v: 2, type: 'error', seq: m.seq, message: 'boom' };
      if (m.type !== 'outputs') return m;
      const k = m.outputs.findIndex((o) => o.events.some((e) => e.kind === 'vote'));
      return k === -1 ? m : { ...m, outputs: m.outputs.slice(0, k), error: 'boom' };
    };
    const follower = c.ids.find((id) => c.node(id).role === 'follower')!;
    await c.timeout(follower);
    await c.runFor(100);
    const error = events.find((e) => e.kind === 'error');
    expect(error && error.kind === 'error' ? error.message : '').toMatch(/failed: boom/);
    const crash = events.find((e) => e.kind === 'crash');
    expect(crash && crash.kind === 'crash' ? crash.reason : '').toMatch(/boom/);
  });
});

describe('IdbStorage', () => {
  it('persists hard state, entries with truncation, and snapshots, and reloads them', async () => {
    const s = await IdbStorage.open('unit-a');
    await s.apply([
      { kind: 'hardState', hardState: { term: 3, votedFor: 2 } },
      { kind: 'entries', fromIndex: 1, entries: [1, 2, 3, 4].map((i) => ({ index: i, term: 1, command: `c${i}` })) },
    ]);
    await s.apply([{ kind: 'entries', fromIndex: 3, entries: [{ index: 3, term: 3, command: 'new' }] }]);
    let state = await s.load();
    expect(state.hardState).toEqual({ term: 3, votedFor: 2 });
    expect(state.entries.map((e) => e.command)).toEqual(['c1', 'c2', 'new']);
    await s.apply([{ kind: 'snapshot', snapshot: { lastIncludedIndex: 2, lastIncludedTerm: 1, data: { a: '1' } }, discardLog: false }]);
    s.close();
    const again = await IdbStorage.open('unit-a');
    state = await again.load();
    expect(state.snapshot).toEqual({ lastIncludedIndex: 2, lastIncludedTerm: 1, data: { a: '1' } });
    expect(state.entries.map((e) => e.index)).toEqual([3]);
    await again.wipe();
    expect(await again.load()).toEqual({ hardState: { term: 0, votedFor: 0 }, snapshot: null, entries: [] });
    again.close();
  });
});

describe('a worker that stops answering', () => {
  it('is declared crashed after the answer bound, with the reason, and the cluster goes on', async () => {
    // Node 3's "worker" swallows everything after init: a hung process.
    const { SimCluster, resolveOptions } = await import('../../src/sim');
    const { WorkerRuntime } = await import('../../src/worker');
    let inits = 0;
    const cluster = new SimCluster(
      resolveOptions({ nodes: 3, seed: 9, storageKey: 'hang-test' }),
      (settings, disk) => {
        const port = createLoopbackPort({ openStorage: (name) => IdbStorage.open(name) });
        if (settings.id === 3) {
          const post = port.postMessage.bind(port);
          port.postMessage = (m) => {
            if (m.type === 'init' && inits++ === 0) post(m);
          };
        }
        return new WorkerRuntime(settings, disk, port, 50);
      },
      null,
      true,
    );
    clusters.push(cluster);
    cluster.boot();
    const events: ClusterEvent[] = [];
    cluster.subscribe((e) => events.push(e));
    await cluster.runFor(1500);
    const error = events.find((e) => e.kind === 'error');
    expect(error && error.kind === 'error' ? `${error.node}: ${error.message}` : '').toMatch(/^3: node 3 did not answer \w+ within 50 ms/);
    expect(cluster.node(3).alive).toBe(false);
    expect(cluster.ids.some((id) => cluster.node(id).role === 'leader')).toBe(true);
  });
});

describe('the safety monitor on a resumed cluster', () => {
  it('takes what each node recovered from disk as its starting point (no false alarm after a reload)', async () => {
    const { attachSafetyMonitor } = await import('../../src/sim');
    const storageKey = 'monitor-reload';
    const first = createCluster({ nodes: 3, seed: 12, transport: 'worker', storageKey, snapshotThreshold: 3 });
    const m1 = attachSafetyMonitor(first);
    await first.runFor(600);
    const leader = leaderOf(first)!;
    for (let i = 0; i < 6; i++) await first.start(leader, `m${i}=${i}`);
    await first.runFor(400);
    expect(m1.violations).toEqual([]);
    await first.destroy();

    const second = make({ nodes: 3, seed: 12, transport: 'worker', storageKey, snapshotThreshold: 3 });
    const m2 = attachSafetyMonitor(second);
    await second.runFor(1500);
    const l2 = leaderOf(second)!;
    for (let i = 0; i < 6; i++) await second.start(l2, `n${i}=${i}`);
    await second.runFor(1000);
    expect(second.trace().filter((e) => e.kind === 'recover')).toHaveLength(3);
    expect(m2.violations).toEqual([]);
    expect(second.node(l2).commitIndex).toBe(12);
  });
});

describe('a worker whose output is invalid (checked whole, before any of it is used)', () => {
  /** Runs a 5-node cluster to a leader, then lets `forge` rewrite outputs of one follower (once). */
  async function withForgery(forge: (out: Output, victim: number) => Output | null) {
    const c = make({ nodes: 5, seed: 2, transport: 'worker' });
    await c.runFor(600);
    const leader = leaderOf(c)!;
    const victim = c.ids.find((id) => id !== leader)!;
    const events: ClusterEvent[] = [];
    c.subscribe((e) => events.push(e));
    let forged = 0;
    tamper = (m, port) => {
      if (port !== `raft node ${victim}`) return m;
      return eachOutput(m, (o) => {
        if (forged > 0) return null;
        const out = forge(o, victim);
        if (out) forged += 1;
        return out;
      });
    };
    for (let i = 0; i < 3; i++) await c.start(leader, `x${i}=${i}`);
    await c.runFor(300);
    tamper = undefined;
    expect(forged).toBe(1);
    return { c, leader, victim, events };
  }

  /** Only `victim` failed, with `reason`; the run goes on, the rest keeps a leader and commits; the victim recovers from its disk. */
  async function expectOnlyVictimFailed(run: Awaited<ReturnType<typeof withForgery>>, reason: RegExp) {
    const { c, leader, victim, events } = run;
    const errors = events.filter((e) => e.kind === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ node: victim });
    expect(errors[0]!.kind === 'error' && errors[0]!.message).toMatch(reason);
    expect(events.filter((e) => e.kind === 'crash').map((e) => (e.kind === 'crash' ? e.node : 0))).toEqual([victim]);
    expect(c.ids.filter((id) => !c.node(id).alive)).toEqual([victim]);
    // Later runs still resolve, and the other four go on.
    await c.runFor(500);
    await c.runFor(500);
    expect(leaderOf(c)).toBe(leader);
    await c.start(leader, 'more=1');
    await c.runFor(300);
    expect(c.node(leader).commitIndex).toBe(4);
    // The worker's own disk never held the forgery: a restart recovers and catches up.
    await c.restart(victim);
    await c.runFor(500);
    expect(c.node(victim).log).toEqual(c.node(leader).log);
    expect(c.node(victim).kv).toEqual(c.node(leader).kv);
  }

  it('a persist op that does not fit the mirrored disk (entries from index 8 on a short log)', async () => {
    const run = await withForgery((out) => {
      const i = out.persist.findIndex((op) => op.kind === 'entries');
      const op = out.persist[i];
      if (!op || op.kind !== 'entries') return null;
      const persist = out.persist.slice();
      persist[i] = { kind: 'entries', fromIndex: 8, entries: [{ index: 8, term: op.entries[0]!.term, command: 'forged' }] };
      return { ...out, persist };
    });
    await expectOnlyVictimFailed(
      run,
      new RegExp(
        `^node ${run.victim} sent an invalid output for deliver: persist\\[0\\] writes entries from index 8, but the log after snapshot index 0 ends at 0 \\(an entries op must start in 1\\.\\.1\\)$`,
      ),
    );
  });

  it('a vote change within a term (§5.2)', async () => {
    const run = await withForgery((out, victim) =>
      out.persist.length === 0
        ? { ...out, persist: [{ kind: 'hardState', hardState: { term: 1, votedFor: victim === 5 ? 4 : 5 } }] }
        : null,
    );
    await expectOnlyVictimFailed(
      run,
      /sent an invalid output for \w+: persist\[0\] changes the vote of term 1 from node \d to \d \(one vote per term, §5\.2\)$/,
    );
  });

  it.each<[string, (out: Output, victim: number) => Output | null, RegExp]>([
    [
      'a message to a non-member',
      (out) => (out.messages[0] ? { ...out, messages: [{ ...out.messages[0], to: 42 }] } : null),
      /sent a malformed message \((outputs\[\d+\]\.)?messages\[0\]\.to is 42, not a member of the cluster \(nodes 1, 2, 3, 4, 5\)\)/,
    ],
    [
      'a message in another node’s name',
      (out, victim) => (out.messages[0] ? { ...out, messages: [{ ...out.messages[0], from: victim === 1 ? 2 : 1 }] } : null),
      /sent a malformed message \((outputs\[\d+\]\.)?messages\[0\]\.from is \d, but this is node \d\)/,
    ],
    [
      'an event of another node',
      (out, victim) => (out.events[0] ? { ...out, events: [{ ...out.events[0], node: victim === 1 ? 2 : 1 }] } : null),
      /sent a malformed message \((outputs\[\d+\]\.)?events\[0\]\.node is \d, but this is node \d\)/,
    ],
    [
      'a term of 2**53 in a reply',
      (out) => (out.messages[0] ? { ...out, messages: [{ ...out.messages[0], term: 2 ** 53 }] } : null),
      /sent a malformed message \((outputs\[\d+\]\.)?messages\[0\]\.term must be a term \(an integer in 0\.\.1099511627776\), got 9007199254740992\)/,
    ],
    [
      'an append event whose entries do not follow its fromIndex',
      (out) => {
        const e = out.events.find((x) => x.kind === 'append');
        return e && e.kind === 'append' ? { ...out, events: [{ ...e, entries: [{ ...e.entries[0]!, index: e.fromIndex + 1 }] }] } : null;
      },
      /sent a malformed message \((outputs\[\d+\]\.)?events\[0\]: entries\[0\] has index \d+, expected \d+ \(entries are consecutive\)\)/,
    ],
  ])('%s', async (_name, forge, reason) => {
    await expectOnlyVictimFailed(await withForgery(forge), reason);
  });

  it('a recovered disk that votes for a non-member fails that node’s boot only', async () => {
    const c = make({ nodes: 3, seed: 6, transport: 'worker' });
    await c.runFor(600);
    const leader = leaderOf(c)!;
    const victim = c.ids.find((id) => id !== leader)!;
    await c.crash(victim);
    tamper = (m, port) =>
      port === `raft node ${victim}` && m.type === 'output' && m.recovered
        ? { ...m, recovered: { ...m.recovered, hardState: { term: m.recovered.hardState.term, votedFor: 99 } } }
        : m;
    await c.restart(victim);
    await c.runFor(300);
    tamper = undefined;
    const error = c.trace().find((e) => e.kind === 'error');
    expect(error && error.kind === 'error' ? error.message : '').toMatch(
      new RegExp(
        `^node ${victim} sent a malformed message \\(recovered: hardState\\.votedFor is 99, not a member of the cluster \\(nodes 1, 2, 3\\)\\)`,
      ),
    );
    expect(c.node(victim).alive).toBe(false);
    expect(c.node(victim).votedFor).not.toBe(99); // the mirror was never replaced with it
    expect(leaderOf(c)).toBe(leader);
  });
});

describe('WorkerRuntime', () => {
  const nodeSettings = {
    id: 1,
    nodes: [1, 2, 3],
    electionTimeoutMs: [150, 300] as const,
    heartbeatMs: 50,
    snapshotThreshold: 0,
    leaderNoop: false,
    faults: [],
    seed: 3,
    storageKey: 'runtime-unit',
    voters: [1, 2, 3],
    preVote: false,
    checkQuorum: false,
  };

  it('refuses a command longer than MAX_COMMAND_LENGTH itself, and the node goes on', async () => {
    const { MemoryStorage } = await import('../../src/sim');
    const { WorkerRuntime } = await import('../../src/worker');
    const { MAX_COMMAND_LENGTH } = await import('../../src/raft');
    const rt = new WorkerRuntime(nodeSettings, new MemoryStorage(), createLoopbackPort({ openStorage: (name) => IdbStorage.open(name) }));
    await rt.boot(0);
    await expect(rt.propose('x'.repeat(MAX_COMMAND_LENGTH + 1), 1)).rejects.toThrow(
      `node 1 refused a command ${MAX_COMMAND_LENGTH + 1} characters long: commands are strings of at most ${MAX_COMMAND_LENGTH} characters`,
    );
    expect((await rt.propose('ok', 2)).result).toEqual({ index: -1, term: 0, isLeader: false });
    rt.terminate();
  });

  it('after an invalid output, takes no more input (its worker and its mirror may disagree)', async () => {
    const { MemoryStorage } = await import('../../src/sim');
    const { WorkerRuntime } = await import('../../src/worker');
    const disk = new MemoryStorage();
    const port = createLoopbackPort({
      openStorage: (name) => IdbStorage.open(name),
      tamper: (m) =>
        m.type === 'output' && m.persist.length > 0 ? { ...m, persist: [{ kind: 'hardState', hardState: { term: 1, votedFor: 7 } }] } : m,
    });
    const rt = new WorkerRuntime({ ...nodeSettings, storageKey: 'runtime-unit-2' }, disk, port);
    await rt.boot(0);
    await expect(rt.timeout(1)).rejects.toThrow(
      'node 1 sent an invalid output for timeout: persist[0] votes for node 7, not a member of the cluster (nodes 1, 2, 3)',
    );
    expect(disk.currentTerm).toBe(0);
    await expect(rt.tick(2)).rejects.toThrow(/^node 1 takes no more input after: node 1 sent an invalid output for timeout/);
    rt.terminate();
  });
});

describe('no false alarms: random fault schedules on the worker transport raise no validation error', () => {
  it('20 schedules (crashes, restarts, partitions, loss, duplication, compaction) pass every check', async () => {
    const { Schedule } = await import('../support/fuzz-schedule');
    const failures: string[] = [];
    for (let seed = 1; seed <= 20; seed++) {
      const s = new Schedule(seed, 'worker');
      clusters.push(s.cluster);
      s.cluster.subscribe((e) => {
        if (e.kind === 'error') failures.push(`seed ${seed}: node ${e.node}: ${e.message}`);
      });
      for (let step = 0; step < 60; step++) await s.randomAction();
      await s.settle();
    }
    expect(failures).toEqual([]);
  });
});
