// Batched worker dispatch (src/sim/scheduler.ts, src/worker/runtime.ts,
// host.ts): each worker gets everything its dispatch window allows in one
// message, commits the batch's persist ops in one transaction and answers
// with all the outputs at once. The history must be exactly the unbatched
// one: the fuzzer's random fault schedules (3, 5 and 7 nodes; crashes,
// restarts, partitions, cut links, dropped messages, lossy, duplicating and
// reordering networks, commands, snapshots, a worker whose core fails on an
// input) run once batched and once unbatched must give the same trace event
// for event, the same node views, action log and outcome. (Batched against
// inline is test/equivalence.test.ts.)
//
//   npx vitest run test/worker/batching.test.ts                       seeds 1..40
//   BATCH_SCHEDULES=300 npx vitest run test/worker/batching.test.ts   more
//   FUZZ_SEED=17 npx vitest run test/worker/batching.test.ts          one seed
//   BATCH_STATS=1 …                                                   print how much was batched
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { Message } from '../../src/raft';
import { MemoryStorage, registerTransport, type ClusterEvent, type NodeSettings } from '../../src/sim';
import {
  createLoopbackPort,
  IdbStorage,
  PROTOCOL_VERSION,
  WorkerRuntime,
  workerTransport,
  type BatchInput,
  type FromWorker,
  type NodePort,
  type StepOutput,
  type ToWorker,
} from '../../src/worker';
import { envInteger, replayCommand, Schedule } from '../support/fuzz-schedule';
import { recordRun, type RecordedRun } from '../support/recorded-run';

const SCHEDULES = envInteger('BATCH_SCHEDULES') ?? 40;
const STEPS = envInteger('FUZZ_STEPS') ?? 150;
const one = envInteger('FUZZ_SEED');
const seeds = one !== undefined ? [one] : Array.from({ length: SCHEDULES }, (_, i) => i + 1);

/** The injected failure of the present run: node `node`'s core fails on deliveries due in [fromMs, toMs). */
let fault: { node: number; fromMs: number; toMs: number } | null = null;
const INJECTED = 'injected fault: the core threw';

/** What the batched runs handed out: batches, their inputs, and batches of more than one input. */
const handedOut = { batches: 0, inputs: 0, multi: 0, timerFirstThenDeliveries: 0, timerAfterOthers: 0, injectedFailures: 0 };

function transport(batching: boolean) {
  return workerTransport(
    (name) => {
      const id = Number(name.replace('raft node ', ''));
      const port = createLoopbackPort({
        openStorage: (db) => IdbStorage.open(db),
        // Answers come back out of order: outputs must still be taken in queue order.
        jitterMs: () => (Math.random() < 0.1 ? 1 : 0),
        failInput: (input: BatchInput) =>
          fault && fault.node === id && input.type === 'deliver' && input.now >= fault.fromMs && input.now < fault.toMs ? INJECTED : null,
      });
      if (!batching) return port;
      const post = port.postMessage.bind(port);
      port.postMessage = (m: ToWorker) => {
        if (m.type === 'batch') {
          handedOut.batches += 1;
          handedOut.inputs += m.inputs.length;
          if (m.inputs.length > 1) handedOut.multi += 1;
          if (m.inputs[0]!.type === 'tick' && m.inputs.length > 1) handedOut.timerFirstThenDeliveries += 1;
          // The rule: a timer only as a batch's first input (counted here, checked at the end,
          // so that a broken rule shows first as a different history).
          if (m.inputs.slice(1).some((i) => i.type === 'tick')) handedOut.timerAfterOthers += 1;
        }
        post(m);
      };
      return port;
    },
    { batching },
  );
}

type Run = RecordedRun;

async function run(seed: number, batching: boolean): Promise<Run> {
  registerTransport('worker', transport(batching));
  // Every third schedule has a node whose core fails on the deliveries of a 40 ms stretch.
  fault =
    seed % 3 === 0 ? { node: 1 + (Math.floor(seed / 3) % 3), fromMs: 300 + ((seed * 37) % 2000), toMs: 340 + ((seed * 37) % 2000) } : null;
  const s = new Schedule(seed, 'worker');
  const result = await recordRun(s, STEPS, () => {
    fault = null; // the healed cluster must converge
  });
  fault = null;
  return result;
}

/** Where two traces first differ, or null if they are equal. */
function firstDifference(a: readonly ClusterEvent[], b: readonly ClusterEvent[]): string | null {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = JSON.stringify(a[i]);
    const y = JSON.stringify(b[i]);
    if (x !== y) return `event ${i} of ${a.length} (unbatched) / ${b.length} (batched):\n  unbatched: ${x}\n  batched:   ${y}`;
  }
  return null;
}

const covered = { nodes: new Set<number>(), events: 0 };

describe('batched worker dispatch gives exactly the unbatched history', () => {
  it.each(seeds)('schedule seed %i', async (seed) => {
    const unbatched = await run(seed, false);
    const batched = await run(seed, true);
    const where = `\n  options: ${JSON.stringify(unbatched.options)}\n  replay: ${replayCommand(seed, 'test/worker/batching.test.ts')}`;
    expect(firstDifference(unbatched.trace, batched.trace), `traces differ${where}`).toBeNull();
    expect(batched.views, `node views differ${where}`).toBe(unbatched.views);
    expect(batched.actions, `action logs differ${where}`).toBe(unbatched.actions);
    expect(batched.outcome, `outcomes differ${where}`).toBe(unbatched.outcome);
    covered.nodes.add(unbatched.options.nodes);
    covered.events += unbatched.trace.length;
    handedOut.injectedFailures += batched.trace.filter((e) => e.kind === 'error' && e.message.includes(INJECTED)).length;
  });

  if (seeds.length >= 30) {
    it('covered 3, 5 and 7 nodes, real batches (a timer first, then deliveries too) and injected core failures', () => {
      if (process.env.BATCH_STATS) console.log(JSON.stringify(handedOut));
      expect([...covered.nodes].sort()).toEqual([3, 5, 7]);
      expect(covered.events).toBeGreaterThan(seeds.length * 1000);
      expect(handedOut.multi).toBeGreaterThan(100);
      expect(handedOut.timerFirstThenDeliveries).toBeGreaterThan(0);
      expect(handedOut.timerAfterOthers).toBe(0);
      expect(handedOut.injectedFailures).toBeGreaterThan(0);
    });
  }
});

// ------------------------------------------------------ the runtime's checks

const settings: NodeSettings = {
  id: 1,
  nodes: [1, 2, 3],
  electionTimeoutMs: [150, 300],
  heartbeatMs: 50,
  snapshotThreshold: 0,
  leaderNoop: false,
  faults: [],
  seed: 1,
  storageKey: 'batch-unit',
  voters: [1, 2, 3],
  preVote: false,
  checkQuorum: false,
};

/** A port that records what is posted and lets the test answer. */
function scriptedPort() {
  const posted: ToWorker[] = [];
  const port: NodePort = { postMessage: (m) => posted.push(m), onmessage: null, onerror: null, terminate: () => undefined };
  return { port, posted, answer: (m: FromWorker) => port.onmessage?.(m) };
}

const follower = {
  role: 'follower',
  commitIndex: 0,
  lastApplied: 0,
  leader: 2,
  nextIndex: null,
  matchIndex: null,
  votes: [],
  electionDeadline: 400,
  electionTimeout: 200,
  preCandidate: false,
  transferee: 0,
  configChangePending: false,
} as const;
const append = (from: number, terms: number[]): Message => ({
  type: 'AppendEntries',
  from: 2,
  to: 1,
  term: 1,
  prevLogIndex: from - 1,
  prevLogTerm: from > 1 ? 1 : 0,
  entries: terms.map((term, i) => ({ index: from + i, term, command: `c${from + i}` })),
  leaderCommit: 0,
});
/** The output of a follower that appended `count` entries of term 1 from `from` (and, first time, took term 1). */
const appended = (from: number, count: number, withTerm: boolean): StepOutput => ({
  persist: [
    ...(withTerm ? [{ kind: 'hardState' as const, hardState: { term: 1, votedFor: 0 } }] : []),
    {
      kind: 'entries',
      fromIndex: from,
      entries: Array.from({ length: count }, (_, i) => ({ index: from + i, term: 1, command: `c${from + i}` })),
    },
  ],
  messages: [],
  events: [],
  deadline: 400,
  state: { ...follower, votes: [] },
});

describe('a batch answer is checked output by output, each against the disk as the outputs before it leave it', () => {
  it('sends the inputs of one synchronous pass as one batch, in order', async () => {
    const { port, posted } = scriptedPort();
    const runtime = new WorkerRuntime(settings, new MemoryStorage(), port, 1000);
    const calls = [runtime.deliver(append(1, [1]), 10), runtime.deliver(append(2, [1]), 11), runtime.tick(12)];
    for (const c of calls) c.catch(() => undefined);
    expect(posted).toEqual([]); // posted when the pass is over
    await Promise.resolve();
    expect(posted.map((m) => m.type)).toEqual(['batch']);
    const batch = posted[0]!;
    expect(batch.type === 'batch' && batch.inputs.map((i) => [i.type, i.now])).toEqual([
      ['deliver', 10],
      ['deliver', 11],
      ['tick', 12],
    ]);
    expect(batch.v).toBe(PROTOCOL_VERSION);
    runtime.terminate();
    await Promise.allSettled(calls);
  });

  it('takes a second output that fits only after the first (entries 2..3 after entries 1)', async () => {
    const { port, posted, answer } = scriptedPort();
    const runtime = new WorkerRuntime(settings, new MemoryStorage(), port, 1000);
    const first = runtime.deliver(append(1, [1]), 10);
    const second = runtime.deliver(append(2, [1, 1]), 11);
    await Promise.resolve();
    answer({ v: 2, type: 'outputs', seq: posted[0]!.seq, outputs: [appended(1, 1, true), appended(2, 2, false)], error: null });
    expect((await first).ready.persist).toHaveLength(2);
    expect((await second).ready.persist).toEqual(appended(2, 2, false).persist);
    runtime.terminate();
  });

  it('an invalid second output faults the node at that input; the first is taken', async () => {
    const { port, posted, answer } = scriptedPort();
    const runtime = new WorkerRuntime(settings, new MemoryStorage(), port, 1000);
    const first = runtime.deliver(append(1, [1]), 10);
    const second = runtime.deliver(append(2, [1]), 11);
    const third = runtime.deliver(append(3, [1]), 12);
    await Promise.resolve();
    // The second output writes from index 3, past the end of the log the first leaves (index 1).
    answer({
      v: 2,
      type: 'outputs',
      seq: posted[0]!.seq,
      outputs: [appended(1, 1, true), appended(3, 1, false), appended(4, 1, false)],
      error: null,
    });
    expect((await first).ready.persist).toHaveLength(2);
    await expect(second).rejects.toThrow(
      'node 1 sent an invalid output for deliver: persist[0] writes entries from index 3, but the log after snapshot index 0 ends at 1 (an entries op must start in 1..2)',
    );
    await expect(third).rejects.toThrow(/takes no more input after/);
    await expect(runtime.tick(20)).rejects.toThrow(/takes no more input after/);
  });

  it("the worker's error on an input: the outputs before it are taken, that input fails with the error", async () => {
    const { port, posted, answer } = scriptedPort();
    const runtime = new WorkerRuntime(settings, new MemoryStorage(), port, 1000);
    const first = runtime.deliver(append(1, [1]), 10);
    const second = runtime.deliver(append(2, [1]), 11);
    await Promise.resolve();
    answer({ v: 2, type: 'outputs', seq: posted[0]!.seq, outputs: [appended(1, 1, true)], error: 'boom' });
    expect((await first).ready.persist).toHaveLength(2);
    await expect(second).rejects.toThrow('node 1 failed: boom');
  });

  it('refuses an answer with too few outputs and no error, or an error with every output', async () => {
    for (const [outputs, error] of [
      [[appended(1, 1, true)], null],
      [[appended(1, 1, true), appended(2, 1, false)], 'boom'],
    ] as const) {
      const { port, posted, answer } = scriptedPort();
      const runtime = new WorkerRuntime(settings, new MemoryStorage(), port, 1000);
      const first = runtime.deliver(append(1, [1]), 10);
      const second = runtime.deliver(append(2, [1]), 11);
      second.catch(() => undefined);
      await Promise.resolve();
      answer({ v: 2, type: 'outputs', seq: posted[0]!.seq, outputs: [...outputs], error });
      await expect(first).rejects.toThrow(/node 1 sent \d outputs (without|and) an error for a batch of 2 inputs/);
    }
  });

  it('unbatched: one message per input, and a second input while the first is out is refused', async () => {
    const { port, posted } = scriptedPort();
    const runtime = new WorkerRuntime(settings, new MemoryStorage(), port, 1000, false);
    const first = runtime.deliver(append(1, [1]), 10);
    first.catch(() => undefined);
    await expect(runtime.tick(11)).rejects.toThrow('node 1 is still busy with deliver');
    expect(posted.map((m) => m.type)).toEqual(['deliver']);
    runtime.terminate();
  });
});
