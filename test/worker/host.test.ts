// The worker host (src/worker/host.ts) on its own: it checks every input
// before the core sees it, refuses a disk it cannot trust, and never lets an
// output leave before its persist ops are durable (Figure 2).
import { describe, expect, it } from 'vitest';
import type { Message, PersistOp, PersistentState } from '../../src/raft';
import { MemoryStorage, type Storage } from '../../src/sim';
import { createLoopbackPort } from '../../src/worker/loopback';
import { createNodeHost } from '../../src/worker/host';
import type { FromWorker, ToWorker, WorkerNodeSettings } from '../../src/worker/protocol';
import { workerSettings } from './fixtures';

type Output = Extract<FromWorker, { type: 'output' }>;

const settings = (patch: Partial<WorkerNodeSettings> = {}): WorkerNodeSettings => workerSettings({ dbName: 'db-1', ...patch });

/** Lets queued microtasks and timers run (the host's chain, fake disks). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

/** A host on `disk`, fed directly; everything it posts is kept in order. */
function hostOn(disk: Storage, s = settings()) {
  const posted: FromWorker[] = [];
  const receive = createNodeHost({ post: (m) => posted.push(m), openStorage: () => Promise.resolve(disk) });
  let seq = 0;
  const send = async (input: Record<string, unknown>): Promise<FromWorker> => {
    const before = posted.length;
    receive({ v: 2, seq: ++seq, now: 10 * seq, ...input });
    await settle();
    expect(posted.length, `one answer to ${String(input.type)}`).toBe(before + 1);
    return posted[posted.length - 1]!;
  };
  return { posted, send, init: () => send({ type: 'init', now: 0, settings: s }) };
}

const asOutput = (m: FromWorker): Output => {
  if (m.type !== 'output') throw new Error(`expected an output, got ${m.type === 'error' ? `error: ${m.message}` : m.type}`);
  return m;
};
const asError = (m: FromWorker): string => {
  if (m.type !== 'error') throw new Error('expected an error, got an output');
  return m.message;
};

const voteReply = (from: number, term = 1): Message => ({ type: 'RequestVoteReply', from, to: 1, term, voteGranted: true });

describe('the host refuses forged and misaddressed messages (the core never sees them)', () => {
  it('forged RequestVoteReplys from non-members 41 and 42 do not make a 5-node candidate leader (§5.2)', async () => {
    const h = hostOn(new MemoryStorage());
    asOutput(await h.init());
    const campaign = asOutput(await h.send({ type: 'timeout' }));
    expect(campaign.state.role).toBe('candidate');
    for (const from of [41, 42]) {
      expect(asError(await h.send({ type: 'deliver', message: voteReply(from) }))).toMatch(
        new RegExp(`^malformed message \\(message\\.from is ${from}, not a member of the cluster \\(nodes 1, 2, 3, 4, 5\\)\\)`),
      );
    }
    // One genuine vote: 2 of 5, still no majority.
    const after = asOutput(await h.send({ type: 'deliver', message: voteReply(2) }));
    expect(after.state.role).toBe('candidate');
    expect(after.state.votes).toEqual([1, 2]);
  });

  it('a message addressed to another node is refused, not processed', async () => {
    const disk = new MemoryStorage();
    const h = hostOn(disk);
    asOutput(await h.init());
    const append: Message = {
      type: 'AppendEntries',
      from: 2,
      to: 3,
      term: 4,
      prevLogIndex: 0,
      prevLogTerm: 0,
      entries: [{ index: 1, term: 4, command: 'x' }],
      leaderCommit: 1,
    };
    expect(asError(await h.send({ type: 'deliver', message: append }))).toMatch(
      /^malformed message \(message\.to is 3, but this is node 1 \(a message for another node\)\)/,
    );
    expect(disk.currentTerm).toBe(0);
    expect(disk.storedEntries).toEqual([]);
    // The node goes on: the same message addressed to it is taken.
    const taken = asOutput(await h.send({ type: 'deliver', message: { ...append, to: 1 } }));
    expect(taken.state.leader).toBe(2);
    expect(disk.storedEntries).toEqual([{ index: 1, term: 4, command: 'x' }]);
  });

  it('a message from the node itself is refused', async () => {
    const h = hostOn(new MemoryStorage());
    asOutput(await h.init());
    const own: Message = { type: 'RequestVote', from: 1, to: 1, term: 9, lastLogIndex: 0, lastLogTerm: 0 };
    expect(asError(await h.send({ type: 'deliver', message: own }))).toMatch(/message\.from is 1, this node itself/);
  });

  it.each([
    ['2**53', 2 ** 53],
    ['1e300', 1e300],
    ['-1', -1],
    ['1.5', 1.5],
    ['NaN', NaN],
  ])('a term of %s is refused and the node keeps its term', async (_name, term) => {
    const disk = new MemoryStorage();
    const h = hostOn(disk);
    asOutput(await h.init());
    const forged = { type: 'RequestVote', from: 2, to: 1, term, lastLogIndex: 0, lastLogTerm: 0 };
    expect(asError(await h.send({ type: 'deliver', message: forged }))).toMatch(
      /^malformed message \(message\.term must be a term \(an integer in 0\.\.1099511627776\), got /,
    );
    expect(disk.currentTerm).toBe(0);
    expect(asOutput(await h.send({ type: 'tick' })).state.role).toBe('follower');
  });

  it.each([
    [
      'a gap',
      [
        { index: 1, term: 1, command: 'a' },
        { index: 3, term: 1, command: 'b' },
      ],
      'entries[1] has index 3, expected 2',
    ],
    ['a term above the leader’s', [{ index: 1, term: 5, command: 'a' }], "entries[0] has term 5, above the message's term 2"],
    [
      'decreasing terms',
      [
        { index: 1, term: 2, command: 'a' },
        { index: 2, term: 1, command: 'b' },
      ],
      'entries[1] has term 1, below the term 2 before it',
    ],
    [
      'a non-string command',
      [{ index: 1, term: 1, command: { run: 'x' } }],
      'entries[0].command must be a command (a string), got a object',
    ],
    ['a missing term', [{ index: 1, command: 'a' }], 'entries[0].term is missing'],
  ])('an AppendEntries with %s is refused without crashing the core', async (_name, entries, reason) => {
    const disk = new MemoryStorage();
    const h = hostOn(disk);
    asOutput(await h.init());
    const forged = { type: 'AppendEntries', from: 2, to: 1, term: 2, prevLogIndex: 0, prevLogTerm: 0, entries, leaderCommit: 0 };
    expect(asError(await h.send({ type: 'deliver', message: forged }))).toContain(reason);
    expect(disk.storedEntries).toEqual([]);
    // The core is intact: a well-formed AppendEntries is taken.
    const good = { ...forged, entries: [{ index: 1, term: 2, command: 'ok' }] };
    expect(asOutput(await h.send({ type: 'deliver', message: good })).messages).toEqual([
      expect.objectContaining({ type: 'AppendEntriesReply', to: 2, success: true, matchIndex: 1 }),
    ]);
  });

  it('inputs before init, and a second init, are refused', async () => {
    const h = hostOn(new MemoryStorage());
    expect(asError(await h.send({ type: 'tick' }))).toBe('tick received before init');
    expect(asError(await h.send({ type: 'deliver', message: voteReply(2) }))).toBe('deliver received before init');
    asOutput(await h.init());
    expect(asError(await h.init())).toBe('init received twice');
  });
});

describe('the host refuses a disk it cannot recover from (any Storage)', () => {
  const stored = (state: unknown): Storage => ({
    load: () => state as PersistentState,
    apply: () => undefined,
    wipe: () => undefined,
  });
  it.each([
    [
      'votedFor 99',
      { hardState: { term: 3, votedFor: 99 }, snapshot: null, entries: [] },
      'disk db-1 is corrupt: hardState.votedFor is 99, not a member of the cluster (nodes 1, 2, 3, 4, 5)',
    ],
    [
      'term -5',
      { hardState: { term: -5, votedFor: 0 }, snapshot: null, entries: [] },
      'disk db-1 is corrupt: hardState.term must be a term (an integer in 0..1099511627776), got -5',
    ],
    [
      'term "x"',
      { hardState: { term: 'x', votedFor: 0 }, snapshot: null, entries: [] },
      'disk db-1 is corrupt: hardState.term must be a term (an integer in 0..1099511627776), got "x"',
    ],
    [
      'a missing log record',
      { hardState: { term: 1, votedFor: 0 }, snapshot: null, entries: [1, 2, 4, 5].map((index) => ({ index, term: 1, command: 'c' })) },
      'disk db-1 is corrupt: log record 3 is missing (records 1, 2, 4…)',
    ],
  ])('%s: init fails with the reason, and the node takes no input after', async (_name, state, reason) => {
    const h = hostOn(stored(state));
    expect(asError(await h.init())).toBe(reason);
    expect(asError(await h.send({ type: 'tick' }))).toMatch(/^the node failed earlier \(disk db-1 is corrupt: .*\); tick refused$/);
  });
});

/**
 * A disk whose writes stay in flight until the test lets them land, and are
 * lost if the machine stops first: `durable` is what survives.
 */
class GatedStorage implements Storage {
  readonly durable = new MemoryStorage();
  private inFlight: { ops: readonly PersistOp[]; resolve: () => void }[] = [];

  get pendingWrites(): number {
    return this.inFlight.length;
  }
  load(): PersistentState {
    return this.durable.load();
  }
  apply(ops: readonly PersistOp[]): void | Promise<void> {
    if (ops.length === 0) return;
    return new Promise((resolve) => this.inFlight.push({ ops, resolve }));
  }
  wipe(): void {
    this.durable.wipe();
  }
  /** The writes in flight complete. */
  release(): void {
    for (const w of this.inFlight.splice(0)) {
      this.durable.apply(w.ops);
      w.resolve();
    }
  }
  /** Power cut: the writes in flight never reach the disk. */
  lose(): void {
    this.inFlight = [];
  }
}

/** One node life on a loopback port (the same host code as a real worker), collecting what it posts. */
function life(disk: Storage) {
  const port = createLoopbackPort({ openStorage: () => Promise.resolve(disk) });
  const posted: FromWorker[] = [];
  port.onmessage = (data) => posted.push(data as FromWorker);
  const send = (m: ToWorker) => port.postMessage(m);
  return { port, posted, send };
}

const requestVote = (from: number, term: number): ToWorker => ({
  v: 2,
  type: 'deliver',
  seq: 2,
  now: 20,
  message: { type: 'RequestVote', from, to: 1, term, lastLogIndex: 0, lastLogTerm: 0 },
});
const grantsIn = (posted: readonly FromWorker[], term: number) =>
  posted
    .flatMap((m) => (m.type === 'output' ? m.messages : []))
    .filter((m) => m.type === 'RequestVoteReply' && m.voteGranted && m.term === term);

describe('durability: nothing leaves before its persist ops are on stable storage (Figure 2)', () => {
  it('a vote is not acknowledged while its write is pending; after a power cut the node has not voted, so it cannot vote twice', async () => {
    const disk = new GatedStorage();
    const first = life(disk);
    first.send({ v: 2, type: 'init', seq: 1, now: 0, settings: settings() });
    await settle();
    expect(first.posted.map((m) => m.type)).toEqual(['output']);

    first.send(requestVote(2, 1));
    await settle();
    // The vote for node 2 is being written: the reply granting it must wait.
    expect(disk.pendingWrites).toBe(1);
    expect(first.posted).toHaveLength(1);

    first.port.terminate(); // the worker is killed ...
    disk.lose(); // ... and the write never lands
    const second = life(disk);
    second.send({ v: 2, type: 'init', seq: 1, now: 30, settings: settings({ seed: 8 }) });
    await settle();
    const boot = second.posted[0];
    expect(boot?.type === 'output' && boot.recovered?.hardState).toEqual({ term: 0, votedFor: 0 });

    // The node is free to vote for node 3 in term 1 — which is safe only
    // because its vote for node 2 was never acknowledged.
    second.send(requestVote(3, 1));
    await settle();
    disk.release();
    await settle();
    const granted = [...grantsIn(first.posted, 1), ...grantsIn(second.posted, 1)];
    expect(granted.map((m) => m.to)).toEqual([3]);
    expect(disk.durable.vote).toBe(3);
  });

  it('once the write lands, the output with the vote leaves', async () => {
    const disk = new GatedStorage();
    const node = life(disk);
    node.send({ v: 2, type: 'init', seq: 1, now: 0, settings: settings() });
    await settle();
    node.send(requestVote(2, 1));
    await settle();
    expect(node.posted).toHaveLength(1);
    disk.release();
    await settle();
    expect(grantsIn(node.posted, 1).map((m) => m.to)).toEqual([2]);
    expect(disk.durable.state().hardState).toEqual({ term: 1, votedFor: 2 });
  });
});

describe('a batch: stepped in order, ONE transaction for all of its persist ops, then all outputs in one message (group commit)', () => {
  /** A MemoryStorage that counts its write transactions (apply calls) and what each wrote. */
  class CountingStorage extends MemoryStorage {
    readonly transactions: (readonly PersistOp[])[] = [];
    override apply(ops: readonly PersistOp[]): void {
      if (ops.length > 0) this.transactions.push(ops);
      super.apply(ops);
    }
  }
  const appendFrom2 = (index: number, now: number) => ({
    type: 'deliver' as const,
    now,
    message: {
      type: 'AppendEntries' as const,
      from: 2,
      to: 1,
      term: 1,
      prevLogIndex: index - 1,
      prevLogTerm: index > 1 ? 1 : 0,
      entries: [{ index, term: 1, command: `c${index}` }],
      leaderCommit: 0,
    },
  });
  const batchOf = (seq: number, inputs: unknown[]) => ({ v: 2, type: 'batch', seq, inputs });

  it('three appends in one batch: one apply call holding every op in order, one answer with three outputs', async () => {
    const disk = new CountingStorage();
    const posted: FromWorker[] = [];
    const receive = createNodeHost({ post: (m) => posted.push(m), openStorage: () => Promise.resolve(disk) });
    receive({ v: 2, type: 'init', seq: 1, now: 0, settings: settings() });
    await settle();
    receive(batchOf(2, [appendFrom2(1, 10), appendFrom2(2, 11), { type: 'tick', now: 12 }, appendFrom2(3, 12)]));
    await settle();
    expect(posted.map((m) => m.type)).toEqual(['output', 'outputs']);
    const answer = posted[1]!;
    if (answer.type !== 'outputs') throw new Error('expected outputs');
    expect(answer.seq).toBe(2);
    expect(answer.error).toBeNull();
    expect(answer.outputs).toHaveLength(4);
    // One transaction, holding each output's ops in input order.
    expect(disk.transactions).toHaveLength(1);
    expect(disk.transactions[0]).toEqual(answer.outputs.flatMap((o) => o.persist));
    expect(disk.storedEntries.map((e) => e.index)).toEqual([1, 2, 3]);
    // Each output is what that input alone produced: the first takes term 1, each append acknowledges its own entry.
    expect(answer.outputs[0]!.persist[0]).toEqual({ kind: 'hardState', hardState: { term: 1, votedFor: 0 } });
    const acks = answer.outputs.map((o) => o.messages.map((m) => (m.type === 'AppendEntriesReply' ? m.matchIndex : -1)));
    expect(acks).toEqual([[1], [2], [], [3]]);
  });

  it('nothing of the batch leaves before its one write is durable (Figure 2)', async () => {
    const disk = new GatedStorage();
    const node = life(disk);
    node.send({ v: 2, type: 'init', seq: 1, now: 0, settings: settings() });
    await settle();
    node.send(batchOf(2, [appendFrom2(1, 10), appendFrom2(2, 11)]) as ToWorker);
    await settle();
    expect(disk.pendingWrites).toBe(1);
    expect(node.posted).toHaveLength(1);
    disk.release();
    await settle();
    expect(node.posted.map((m) => m.type)).toEqual(['output', 'outputs']);
    expect(disk.durable.storedEntries.map((e) => e.index)).toEqual([1, 2]);
  });

  it('a core failure on the third input: the first two are committed and answered with the error; nothing more is taken', async () => {
    const disk = new CountingStorage();
    const posted: FromWorker[] = [];
    const receive = createNodeHost({
      post: (m) => posted.push(m),
      openStorage: () => Promise.resolve(disk),
      failInput: (input) => (input.type === 'deliver' && input.now === 12 ? 'boom' : null),
    });
    receive({ v: 2, type: 'init', seq: 1, now: 0, settings: settings() });
    await settle();
    receive(batchOf(2, [appendFrom2(1, 10), appendFrom2(2, 11), appendFrom2(3, 12), appendFrom2(4, 13)]));
    await settle();
    const answer = posted[1]!;
    if (answer.type !== 'outputs') throw new Error('expected outputs');
    expect(answer.outputs).toHaveLength(2);
    expect(answer.error).toBe('boom');
    expect(disk.transactions).toHaveLength(1);
    expect(disk.storedEntries.map((e) => e.index)).toEqual([1, 2]);
    receive(batchOf(3, [{ type: 'tick', now: 20 }]));
    await settle();
    expect(posted[2]).toMatchObject({ type: 'error', seq: 3 });
  });

  it('a batch before init, or with a message for another node, is refused whole', async () => {
    const disk = new CountingStorage();
    const posted: FromWorker[] = [];
    const receive = createNodeHost({ post: (m) => posted.push(m), openStorage: () => Promise.resolve(disk) });
    receive(batchOf(1, [{ type: 'tick', now: 1 }]));
    await settle();
    expect(posted[0]).toMatchObject({ type: 'error', message: 'batch received before init' });
    receive({ v: 2, type: 'init', seq: 2, now: 0, settings: settings() });
    await settle();
    const misaddressed = appendFrom2(1, 10);
    receive(
      batchOf(3, [
        { type: 'tick', now: 5 },
        { ...misaddressed, message: { ...misaddressed.message, to: 3 } },
      ]),
    );
    await settle();
    expect(posted[2]).toMatchObject({ type: 'error', seq: 3 });
    expect(posted[2]!.type === 'error' && posted[2]!.message).toMatch(/inputs\[1\]\.message\.to is 3/);
    expect(disk.transactions).toHaveLength(0);
  });
});
