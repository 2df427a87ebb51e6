// The cluster keeps working, with nothing lost or half-applied, whatever it
// is fed: throwing listeners, hostile option objects, edits to what it hands
// out, calls after destroy(). Each test here failed before its fix.
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createCluster, MemoryStorage, registerTransport, type Cluster, type ClusterEvent, type ClusterOptions } from '../src/sim';
import { createLoopbackPort, IdbStorage, workerTransport } from '../src/worker';

registerTransport(
  'worker',
  workerTransport(() => createLoopbackPort({ openStorage: (name) => IdbStorage.open(name) })),
);

const clusters: Cluster[] = [];
function make(opts: ClusterOptions): Cluster {
  const c = createCluster(opts);
  clusters.push(c);
  return c;
}
afterEach(async () => {
  vi.restoreAllMocks();
  for (const c of clusters.splice(0)) await c.destroy();
});

const leaderOf = (c: Cluster) => c.ids.find((id) => c.node(id).role === 'leader');
const quietConsole = () => vi.spyOn(console, 'error').mockImplementation(() => undefined);

describe.each(['inline', 'worker'] as const)('a throwing subscriber (%s transport)', (transport) => {
  it('is reported as an error event and on the console, and never stops or desynchronises the run', async () => {
    const logged = quietConsole();
    const reference = make({ nodes: 5, seed: 4, snapshotThreshold: 3 });
    const c = make({ nodes: 5, seed: 4, snapshotThreshold: 3, transport });
    let thrown = 0;
    c.subscribe((e) => {
      if (e.kind === 'persist' || e.kind === 'apply') {
        thrown += 1;
        throw new Error(`listener broke on ${e.kind}`);
      }
    });
    for (const cluster of [reference, c]) {
      await cluster.runFor(500);
      const leader = leaderOf(cluster)!;
      for (let i = 0; i < 8; i++) await cluster.start(leader, `k${i}=${i}`);
      await cluster.runFor(500);
      await cluster.crash(leader);
      await cluster.runFor(800);
      await cluster.restart(leader);
      await cluster.runFor(500);
    }
    expect(thrown).toBeGreaterThan(20);
    expect(logged).toHaveBeenCalled();
    const errors = c.trace().filter((e) => e.kind === 'error');
    expect(errors.length).toBe(thrown);
    expect(errors[0]).toMatchObject({
      node: null,
      message: expect.stringMatching(/a subscriber threw on a (persist|apply) event at \d+ ms: listener broke/) as string,
    });
    // The history is the one a cluster without the bad listener has, plus the reports.
    const withoutReports = c.trace().filter((e) => e.kind !== 'error');
    expect(JSON.stringify(withoutReports)).toBe(JSON.stringify(reference.trace()));
    for (const id of c.ids) expect(c.node(id)).toEqual(reference.node(id));
  });

  it('a listener that also throws on its own error report does not loop', async () => {
    quietConsole();
    const c = make({ nodes: 3, seed: 2, transport });
    c.subscribe(() => {
      throw new Error('always');
    });
    await c.runFor(400);
    expect(leaderOf(c)).toBeDefined();
    const trace = c.trace();
    const errors = trace.filter((e) => e.kind === 'error').length;
    expect(errors).toBe(trace.length - errors); // one report per real event, none for reports
  });
});

describe('views are frozen copies: editing them changes nothing inside', () => {
  it.each(['inline', 'worker'] as const)(
    'log entries, applied(), inFlight() payloads, trace events and actions (%s)',
    async (transport) => {
      const c = make({ nodes: 3, seed: 5, transport });
      await c.runFor(500);
      const leader = leaderOf(c)!;
      await c.start(leader, 'x=1');
      await c.runFor(1);
      const inFlight = c.inFlight();
      expect(inFlight.length).toBeGreaterThan(0);
      const append = inFlight.find((m) => m.type === 'AppendEntries' && m.payload.type === 'AppendEntries' && m.payload.entries.length > 0);
      expect(append).toBeDefined();
      const payload = append!.payload as unknown as { entries: { command: string }[]; term: number };
      expect(() => {
        payload.entries[0]!.command = 'x=evil';
      }).toThrow(TypeError);
      expect(() => {
        payload.term = 99;
      }).toThrow(TypeError);
      await c.runFor(100);

      const view = c.node(leader);
      expect(() => {
        (view.log[0] as { command: string }).command = 'x=evil';
      }).toThrow(TypeError);
      expect(() => {
        (view.log as unknown as { index: number }[]).push({ index: 9 });
      }).toThrow(TypeError);
      expect(() => {
        (view as { term: number }).term = 42;
      }).toThrow(TypeError);
      expect(() => {
        (view.kv as Record<string, string>).x = 'evil';
      }).toThrow(TypeError);

      const follower = c.ids.find((id) => id !== leader)!;
      const applied = c.applied(follower);
      expect(applied).toEqual([{ index: 1, command: 'x=1' }]);
      expect(() => {
        (applied[0] as { command: string }).command = 'x=evil';
      }).toThrow(TypeError);
      expect(() => {
        (applied as unknown[]).push({});
      }).toThrow(TypeError);

      const event = c.trace().find((e) => e.kind === 'append')!;
      expect(() => {
        (event as { node: number }).node = 3;
      }).toThrow(TypeError);
      const action = c.actions()[0]!;
      expect(() => {
        (action as { at: number }).at = 1;
      }).toThrow(TypeError);
      expect(() => {
        (c.network().delayMs as number[])[0] = 999;
      }).toThrow(TypeError);

      // A restarted follower re-applies exactly what was committed.
      await c.crash(follower);
      await c.restart(follower);
      await c.runFor(300);
      expect(c.applied(follower).map((a) => a.command)).toEqual(['x=1', 'x=1']);
      for (const id of c.ids) expect(c.node(id).log.map((e) => e.command)).toEqual(['x=1']);
    },
  );
});

describe('the API refuses what it cannot apply whole', () => {
  it('setNetwork with a throwing getter throws, naming the field, and changes and records nothing', () => {
    const c = make({ nodes: 3, seed: 1 });
    const before = c.network();
    const opts = {
      dropRate: 0.5,
      get duplicateRate(): number {
        throw new Error('boom');
      },
    };
    expect(() => c.setNetwork(opts)).toThrow(/opts\.duplicateRate could not be read: boom/);
    expect(c.network()).toEqual(before);
    expect(c.actions()).toEqual([]);
    expect(c.trace().filter((e) => e.kind === 'network')).toEqual([]);
  });

  it('setNetwork reads each field once: what is applied is what is recorded', () => {
    const c = make({ nodes: 3, seed: 1 });
    let reads = 0;
    const opts = {
      get dropRate(): number {
        reads += 1;
        return reads === 1 ? 0.25 : 0.75;
      },
    };
    c.setNetwork(opts);
    expect(reads).toBe(1);
    expect(c.network().dropRate).toBe(0.25);
    expect(c.actions()).toEqual([{ at: 0, after: 0, kind: 'setNetwork', opts: { dropRate: 0.25 } }]);
  });

  it('setNetwork with a bad value changes nothing', () => {
    const c = make({ nodes: 3, seed: 1 });
    const before = c.network();
    expect(() => c.setNetwork({ dropRate: 0.5, delayMs: [5, 1] })).toThrow(/delayMs must have min <= max/);
    expect(c.network()).toEqual(before);
    expect(c.actions()).toEqual([]);
  });

  it('unknown options are refused, naming the key and the likely one meant', () => {
    expect(() => createCluster({ nodes: 3, snapshotTreshold: 5 } as ClusterOptions)).toThrow(
      /options\.snapshotTreshold is not a known option \(did you mean snapshotThreshold\?\)/,
    );
    expect(() => createCluster({ nodes: 3, network: { dropRat: 0.1 } } as unknown as ClusterOptions)).toThrow(
      /network\.dropRat is not a known option \(did you mean dropRate\?\)/,
    );
  });

  it('a heartbeat no shorter than the election timeout is refused (§5.6)', () => {
    expect(() => createCluster({ nodes: 3, heartbeatMs: 400 })).toThrow(
      /heartbeatMs \(400\) must be less than .*electionTimeoutMs\[0\] \(150\).*§5\.6/,
    );
    expect(() => createCluster({ nodes: 3, heartbeatMs: 150 })).toThrow(/§5\.6/);
    expect(() => make({ nodes: 3, heartbeatMs: 149 })).not.toThrow();
  });

  it('a command longer than MAX_COMMAND_LENGTH is refused and not recorded', async () => {
    const c = make({ nodes: 3, seed: 1 });
    await c.runFor(500);
    const leader = leaderOf(c)!;
    await expect(c.start(leader, 'x'.repeat(16 * 1024 + 1))).rejects.toThrow(
      /command must be at most 16384 UTF-16 code units long, got 16385/,
    );
    expect(c.actions()).toEqual([]);
    await expect(c.start(leader, 'x'.repeat(16 * 1024))).resolves.toMatchObject({ isLeader: true });
  });

  it('every method throws "destroyed" after destroy(); destroy() again is harmless', async () => {
    const c = createCluster({ nodes: 3, seed: 1 });
    await c.destroy();
    await c.destroy();
    const sync: (() => unknown)[] = [
      () => c.now(),
      () => c.node(1),
      () => c.applied(1),
      () => c.inFlight(),
      () => c.trace(),
      () => c.stats(),
      () => c.actions(),
      () => c.network(),
      () => c.subscribe(() => undefined),
      () => c.disconnect(1),
      () => c.connect(1),
      () => c.setLink(1, 2, false),
      () => c.partition([[1], [2, 3]]),
      () => c.heal(),
      () => c.setNetwork({ dropRate: 0 }),
      () => c.dropMessage(1),
    ];
    for (const call of sync) expect(call).toThrow(/destroyed/);
    for (const call of [
      () => c.runFor(1),
      () => c.step(),
      () => c.start(1, 'x'),
      () => c.crash(1),
      () => c.restart(1),
      () => c.timeout(1),
    ]) {
      await expect(call()).rejects.toThrow(/destroyed/);
    }
  });

  it.each(['inline', 'worker'] as const)('node(id) works inside a restart listener (%s)', async (transport) => {
    const c = make({ nodes: 3, seed: 1, transport });
    await c.runFor(500);
    const seen: { alive: boolean; term: number }[] = [];
    c.subscribe((e: ClusterEvent) => {
      if (e.kind === 'restart') seen.push(c.node(e.node));
    });
    const term = c.node(2).term;
    await c.crash(2);
    await c.restart(2);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ alive: true, term });
    expect(c.trace().some((e) => e.kind === 'error')).toBe(false);
  });
});

describe('the disk mirror applies persist ops all or nothing', () => {
  it('a batch with an op that does not fit throws and changes nothing', () => {
    const disk = new MemoryStorage();
    disk.apply([{ kind: 'entries', fromIndex: 1, entries: [{ index: 1, term: 1, command: 'a' }] }]);
    expect(() =>
      disk.apply([
        { kind: 'hardState', hardState: { term: 5, votedFor: 1 } },
        { kind: 'entries', fromIndex: 2, entries: [{ index: 2, term: 1, command: 'b' }] },
        { kind: 'entries', fromIndex: 8, entries: [{ index: 8, term: 1, command: 'c' }] },
      ]),
    ).toThrow(/cannot write entries from index 8/);
    expect(disk.currentTerm).toBe(0);
    expect(disk.storedEntries.map((e) => e.index)).toEqual([1]);
  });
});
