// The worker protocol's schemas (src/worker/protocol.ts, schema.ts) and the
// consistency rules (consistency.ts): every field of every message is
// checked, in both directions, with a reason that names the field.
import fc from 'fast-check';
import { describe, expect, expectTypeOf, it } from 'vitest';
import * as v from 'valibot';
import {
  MAX_COMMAND_LENGTH,
  MAX_TERM,
  type CoreEvent,
  type Entry,
  type Message,
  type PersistOp,
  type PersistentState,
  type Snapshot,
} from '../../src/raft';
import { createCluster, MemoryStorage, type ClusterEvent } from '../../src/sim';
import { persistOpsProblem, storedStateProblem } from '../../src/worker/consistency';
import {
  describeMessage,
  FromWorkerSchema,
  invalidFromWorker,
  invalidToWorker,
  membershipOf,
  ToWorkerSchema,
  VolatileStateSchema,
  type FromWorker,
  type ToWorker,
  type VolatileState,
  type WorkerNodeSettings,
} from '../../src/worker/protocol';
import {
  AppendEntriesSchema,
  CoreEventSchema,
  EntryListSchema,
  EntrySchema,
  explain,
  isEntry,
  InstallSnapshotSchema,
  MessageSchema,
  PersistentStateSchema,
  PersistOpSchema,
  RequestVoteSchema,
  SnapshotSchema,
} from '../../src/worker/schema';
import { workerSettings } from './fixtures';

const entry = (index: number, term: number, command = `c${index}`): Entry => ({ index, term, command });

const samples: Record<Message['type'], Message> = {
  RequestVote: { type: 'RequestVote', from: 2, to: 1, term: 3, lastLogIndex: 4, lastLogTerm: 2 },
  RequestVoteReply: { type: 'RequestVoteReply', from: 2, to: 1, term: 3, voteGranted: true },
  AppendEntries: {
    type: 'AppendEntries',
    from: 2,
    to: 1,
    term: 3,
    prevLogIndex: 2,
    prevLogTerm: 1,
    entries: [entry(3, 2), entry(4, 3)],
    leaderCommit: 2,
  },
  AppendEntriesReply: {
    type: 'AppendEntriesReply',
    from: 2,
    to: 1,
    term: 3,
    success: false,
    prevLogIndex: 5,
    matchIndex: 0,
    conflictIndex: 3,
    conflictTerm: 2,
  },
  InstallSnapshot: {
    type: 'InstallSnapshot',
    from: 2,
    to: 1,
    term: 3,
    snapshot: { lastIncludedIndex: 5, lastIncludedTerm: 2, data: { x: '1' } },
  },
  InstallSnapshotReply: { type: 'InstallSnapshotReply', from: 2, to: 1, term: 3, lastIncludedIndex: 5 },
  PreVote: { type: 'PreVote', from: 2, to: 1, term: 4, lastLogIndex: 4, lastLogTerm: 2 },
  PreVoteReply: { type: 'PreVoteReply', from: 2, to: 1, term: 4, voteGranted: true },
  TimeoutNow: { type: 'TimeoutNow', from: 2, to: 1, term: 3 },
};

/** The message with `patch` merged in, as untyped data (forged messages are not Messages). */
const forged = (type: Message['type'], patch: Record<string, unknown>): unknown => ({ ...samples[type], ...patch });

const BAD_NUMBERS: [string, unknown][] = [
  ['2**53', 2 ** 53],
  ['1e300', 1e300],
  ['-1', -1],
  ['1.5', 1.5],
  ['NaN', NaN],
  ['Infinity', Infinity],
  ['MAX_TERM + 1', MAX_TERM + 1],
  ['"3"', '3'],
  ['null', null],
];

describe('message schemas (Figure 2 RPCs, Figure 13 InstallSnapshot)', () => {
  it.each(Object.keys(samples) as Message['type'][])('accepts a well-formed %s', (type) => {
    expect(explain(MessageSchema, samples[type])).toBeNull();
  });

  it.each(BAD_NUMBERS)('refuses a term of %s in every message type', (_name, bad) => {
    for (const type of Object.keys(samples) as Message['type'][]) {
      expect(explain(MessageSchema, forged(type, { term: bad }), 'message'), type).toMatch(
        /^message\.term must be a term \(an integer in 0\.\.1099511627776\), got /,
      );
    }
  });

  it.each([
    ['RequestVote', 'lastLogIndex'],
    ['AppendEntries', 'prevLogIndex'],
    ['AppendEntries', 'leaderCommit'],
    ['AppendEntriesReply', 'matchIndex'],
    ['AppendEntriesReply', 'conflictIndex'],
    ['InstallSnapshotReply', 'lastIncludedIndex'],
  ] as const)('refuses an out-of-range %s.%s', (type, field) => {
    for (const [, bad] of BAD_NUMBERS) {
      expect(explain(MessageSchema, forged(type, { [field]: bad }))).toMatch(new RegExp(`^${field} must be a log index`));
    }
  });

  it('refuses ids that are not node ids, unknown types, missing and unknown fields', () => {
    expect(explain(MessageSchema, forged('RequestVote', { from: 0 }))).toBe('from must be a node id (an integer >= 1), got 0');
    expect(explain(MessageSchema, forged('RequestVote', { to: 2.5 }))).toBe('to must be a node id (an integer >= 1), got 2.5');
    expect(explain(MessageSchema, forged('RequestVote', { type: 'Vote' }))).toMatch(
      /^type must be "RequestVote" \| "RequestVoteReply" \| .*, got "Vote"$/,
    );
    expect(explain(MessageSchema, forged('RequestVoteReply', { voteGranted: 'yes' }))).toBe('voteGranted must be a boolean, got "yes"');
    const { lastLogTerm: _dropped, ...missing } = samples.RequestVote as Extract<Message, { type: 'RequestVote' }>;
    expect(explain(MessageSchema, missing)).toBe('lastLogTerm is missing');
    expect(explain(MessageSchema, forged('RequestVoteReply', { extra: 1 }))).toBe('extra is not a known field');
    expect(explain(MessageSchema, 42, 'message')).toBe('message must be an object, got 42');
  });

  it('refuses a RequestVote whose last log term is above its term, or half empty', () => {
    expect(explain(RequestVoteSchema, forged('RequestVote', { lastLogTerm: 4 }))).toBe("lastLogTerm 4 is above the message's term 3");
    expect(explain(MessageSchema, forged('RequestVote', { lastLogIndex: 0, lastLogTerm: 2 }))).toMatch(/must both be 0/);
  });

  describe('AppendEntries entries (Figure 2 receiver rules, §5.3)', () => {
    const withEntries = (entries: unknown[], patch: Record<string, unknown> = {}) => forged('AppendEntries', { entries, ...patch });
    it.each([
      ['a gap', [entry(3, 2), entry(5, 2)], 'entries[1] has index 5, expected 4 (entries are consecutive)', {}],
      ['a wrong start', [entry(4, 2)], 'entries[0] has index 4, expected 3 (entries are consecutive)', {}],
      ['a duplicate', [entry(3, 2), entry(3, 2)], 'entries[1] has index 3, expected 4 (entries are consecutive)', {}],
      [
        'decreasing terms',
        [entry(3, 3), entry(4, 2)],
        'entries[1] has term 2, below the term 3 before it (terms never decrease along a log, §5.3)',
        {},
      ],
      [
        'a term below prevLogTerm',
        [entry(3, 2)],
        'entries[0] has term 2, below the term 3 before it (terms never decrease along a log, §5.3)',
        { prevLogTerm: 3 },
      ],
      ['a term above the message term', [entry(3, 4)], "entries[0] has term 4, above the message's term 3", {}],
    ])('refuses %s', (_name, entries, reason, patch) => {
      expect(explain(AppendEntriesSchema, withEntries(entries, patch))).toBe(reason);
      expect(explain(MessageSchema, withEntries(entries, patch), 'message')).toBe(`message: ${reason}`);
    });

    it.each([
      ['term 0', { index: 3, term: 0, command: 'x' }, "entries[0].term must be an entry's term (an integer in 1..1099511627776), got 0"],
      [
        'term 2**53',
        { index: 3, term: 2 ** 53, command: 'x' },
        "entries[0].term must be an entry's term (an integer in 1..1099511627776), got 9007199254740992",
      ],
      [
        'index 1e300',
        { index: 1e300, term: 2, command: 'x' },
        "entries[0].index must be an entry's index (an integer in 1..1099511627776), got 1e+300",
      ],
      ['a number command', { index: 3, term: 2, command: 5 }, 'entries[0].command must be a command (a string), got 5'],
      [
        'a long command',
        { index: 3, term: 2, command: 'x'.repeat(MAX_COMMAND_LENGTH + 1) },
        `entries[0].command must be a command of at most ${MAX_COMMAND_LENGTH} characters, got ${MAX_COMMAND_LENGTH + 1}`,
      ],
      ['a missing command', { index: 3, term: 2 }, 'entries[0].command is missing'],
      ['an extra field', { index: 3, term: 2, command: 'x', by: 1 }, 'entries[0].by is not a known field'],
      ['null', null, 'entries[0] must be an object, got null'],
    ])('refuses an entry with %s', (_name, bad, reason) => {
      expect(explain(MessageSchema, withEntries([bad]))).toBe(reason);
    });

    it('refuses prevLogTerm above the term, and a half-empty prevLog', () => {
      expect(explain(MessageSchema, withEntries([], { prevLogTerm: 4 }))).toBe("prevLogTerm 4 is above the message's term 3");
      expect(explain(MessageSchema, withEntries([], { prevLogIndex: 0 }))).toMatch(/prevLogIndex 0 and prevLogTerm 1 must both be 0/);
      expect(explain(MessageSchema, withEntries('many' as unknown as unknown[]))).toBe('entries must be an array, got "many"');
    });
  });

  describe('snapshots (§7, Figure 13)', () => {
    const snap = (s: unknown) => forged('InstallSnapshot', { snapshot: s });
    it.each([
      [
        'data with a number value',
        { lastIncludedIndex: 5, lastIncludedTerm: 2, data: { a: 1 } },
        'snapshot.data["a"] must be a string, got 1',
      ],
      [
        'data as an array',
        { lastIncludedIndex: 5, lastIncludedTerm: 2, data: ['a'] },
        'snapshot.data must be a plain record of strings, got an array',
      ],
      [
        'index 0 with term 2',
        { lastIncludedIndex: 0, lastIncludedTerm: 2, data: {} },
        'snapshot: lastIncludedIndex 0 and lastIncludedTerm 2 must both be 0 or both be >= 1',
      ],
      [
        'a term of 1e300',
        { lastIncludedIndex: 5, lastIncludedTerm: 1e300, data: {} },
        'snapshot.lastIncludedTerm must be a term (an integer in 0..1099511627776), got 1e+300',
      ],
    ])('refuses a snapshot with %s', (_name, s, reason) => {
      expect(explain(MessageSchema, snap(s))).toBe(reason);
    });

    it('checks an own "__proto__" key (structured cloning keeps it) like any other', () => {
      const data: unknown = structuredClone(JSON.parse('{"__proto__": 5, "a": "b"}'));
      expect(explain(SnapshotSchema, { lastIncludedIndex: 1, lastIncludedTerm: 1, data })).toBe(
        'data["__proto__"] must be a string, got 5',
      );
      const fine: unknown = structuredClone(JSON.parse('{"__proto__": "x"}'));
      expect(explain(SnapshotSchema, { lastIncludedIndex: 1, lastIncludedTerm: 1, data: fine })).toBeNull();
    });

    it('refuses a snapshot from a term above the message term', () => {
      const s: Snapshot = { lastIncludedIndex: 5, lastIncludedTerm: 4, data: {} };
      expect(explain(InstallSnapshotSchema, snap(s))).toBe("snapshot.lastIncludedTerm 4 is above the message's term 3");
    });
  });
});

// -------------------------------------------------------------- main → worker

const settings: WorkerNodeSettings = workerSettings();
const self = membershipOf(settings);
const deliver = (message: unknown, patch: Record<string, unknown> = {}): unknown => ({
  v: 2,
  type: 'deliver',
  seq: 2,
  now: 10,
  message,
  ...patch,
});

describe('invalidToWorker', () => {
  it('accepts every well-formed input', () => {
    const inputs: ToWorker[] = [
      { v: 2, type: 'init', seq: 1, now: 0, settings },
      { v: 2, type: 'tick', seq: 2, now: 12.5 },
      { v: 2, type: 'deliver', seq: 3, now: 13, message: samples.AppendEntries },
      { v: 2, type: 'propose', seq: 4, now: 14, command: 'x=1' },
      { v: 2, type: 'timeout', seq: 5, now: 15 },
    ];
    for (const input of inputs) expect(invalidToWorker(input, self), input.type).toBeNull();
  });

  it('refuses a message addressed to another node, from a non-member, or from itself', () => {
    expect(invalidToWorker(deliver(forged('AppendEntries', { to: 3 })), self)).toBe(
      'message.to is 3, but this is node 1 (a message for another node)',
    );
    for (const from of [41, 42]) {
      expect(invalidToWorker(deliver(forged('RequestVoteReply', { from })), self)).toBe(
        `message.from is ${from}, not a member of the cluster (nodes 1, 2, 3, 4, 5)`,
      );
    }
    expect(invalidToWorker(deliver(forged('RequestVote', { from: 1 })), self)).toBe('message.from is 1, this node itself');
  });

  it('names the field of a malformed delivered message', () => {
    expect(invalidToWorker(deliver(forged('RequestVote', { term: 2 ** 53 })), self)).toBe(
      'message.term must be a term (an integer in 0..1099511627776), got 9007199254740992',
    );
  });

  it('refuses bad envelopes: version, type, seq, now, command', () => {
    expect(invalidToWorker('tick')).toBe('not an object');
    expect(invalidToWorker({ v: 1, type: 'tick', seq: 1, now: 0 })).toBe('protocol version 1 is not 2');
    expect(invalidToWorker({ v: 2, type: 'reboot', seq: 1, now: 0 })).toMatch(
      /^type must be "init" \| "resume" \| "tick" \| "deliver" \| "propose" \| "timeout" \| "setElectionTimer" \| "transfer" \| "confChange" \| "addMember" \| "batch", got "reboot"$/,
    );
    expect(invalidToWorker({ v: 2, type: 'setElectionTimer', seq: 1, now: 0 })).toBe('ms is missing');
    expect(invalidToWorker({ v: 2, type: 'setElectionTimer', seq: 1, now: 0, ms: -5 })).toMatch(/^ms must be a virtual time/);
    expect(invalidToWorker({ v: 2, type: 'setElectionTimer', seq: 1, now: 0, ms: 150 })).toBeNull();
    expect(invalidToWorker({ v: 2, type: 'tick', seq: 0, now: 0 })).toBe('seq must be a sequence number (an integer >= 1)');
    expect(invalidToWorker({ v: 2, type: 'tick', seq: 1, now: NaN })).toBe(
      'now must be a virtual time (a finite number of ms >= 0), got NaN',
    );
    expect(invalidToWorker({ v: 2, type: 'tick', seq: 1, now: -1 })).toMatch(/^now must be a virtual time/);
    expect(invalidToWorker({ v: 2, type: 'propose', seq: 1, now: 0, command: 'x'.repeat(MAX_COMMAND_LENGTH + 1) })).toBe(
      `command must be a command of at most ${MAX_COMMAND_LENGTH} characters, got ${MAX_COMMAND_LENGTH + 1}`,
    );
    expect(invalidToWorker({ v: 2, type: 'tick', seq: 1, now: 0, extra: true })).toBe('extra is not a known field');
  });

  it.each([
    ['an id outside nodes', { id: 9 }, 'settings: id 9 is not one of nodes 1, 2, 3, 4, 5'],
    ['duplicate nodes', { nodes: [1, 2, 2] }, 'settings: nodes 1, 2, 2 has a duplicate'],
    ['no nodes', { nodes: [] }, 'settings.nodes must list at least one node'],
    ['min > max timeouts', { electionTimeoutMs: [300, 150] }, 'settings: electionTimeoutMs must be a [min, max] range with min <= max'],
    ['a zero heartbeat', { heartbeatMs: 0 }, 'settings.heartbeatMs must be a finite number of virtual ms >= 1'],
    ['an empty dbName', { dbName: '' }, 'settings.dbName must be a database name'],
    ['a seed of 2**32', { seed: 2 ** 32 }, 'settings.seed must be a 32-bit seed'],
  ])('refuses init settings with %s', (_name, patch, reason) => {
    expect(invalidToWorker({ v: 2, type: 'init', seq: 1, now: 0, settings: { ...settings, ...patch } })).toBe(reason);
  });

  it('checks a resume (a fork from a checkpoint): the disk, and the running node’s volatile state and PRNG', () => {
    const disk = { hardState: { term: 2, votedFor: 1 }, snapshot: null, entries: [{ index: 1, term: 2, command: 'x=1' }] };
    const volatile = {
      role: 'leader',
      commitIndex: 1,
      lastApplied: 1,
      leader: 1,
      kv: { x: '1' },
      electionDeadlineMs: 300,
      electionTimeoutMs: 200,
      heartbeatDeadlineMs: 350,
      votes: [],
      progress: [[2, { nextIndex: 2, matchIndex: 1, inflightAt: null, inflightEnd: 1, snapshotInFlight: false }]],
      now: 320,
    };
    const resume = (running: unknown, d: unknown = disk) => ({ v: 2, type: 'resume', seq: 1, now: 320, settings, disk: d, running });
    expect(invalidToWorker(resume({ volatile, random: 12345 }))).toBeNull();
    expect(invalidToWorker(resume(null))).toBeNull();
    expect(invalidToWorker(resume({ volatile, random: -1 }))).toBe('running.random must be a PRNG state (a 32-bit unsigned integer)');
    expect(invalidToWorker(resume({ volatile: { ...volatile, lastApplied: 2 }, random: 1 }))).toBe(
      'running.volatile: lastApplied 2 is above commitIndex 1',
    );
    expect(invalidToWorker(resume({ volatile: { ...volatile, role: 'follower' }, random: 1 }))).toBe(
      'running.volatile: only a leader keeps progress (role follower)',
    );
    expect(invalidToWorker(resume({ volatile: { ...volatile, kv: { x: 1 } }, random: 1 }))).toMatch(
      /^running.volatile.kv\["x"\] must be a string/,
    );
    expect(invalidToWorker(resume(null, { ...disk, entries: 'none' }))).toMatch(/^disk.entries/);
  });
});

// -------------------------------------------------------------- worker → main

const state: VolatileState = {
  role: 'follower',
  commitIndex: 0,
  lastApplied: 0,
  leader: 2,
  nextIndex: null,
  matchIndex: null,
  votes: [],
  electionDeadline: 300,
  electionTimeout: 200,
  preCandidate: false,
  transferee: 0,
  configChangePending: false,
};
type Output = Extract<FromWorker, { type: 'output' }>;
const output = (patch: Partial<Record<keyof Output, unknown>> = {}): unknown => ({
  v: 2,
  type: 'output',
  seq: 3,
  persist: [],
  messages: [],
  events: [],
  deadline: 300,
  state,
  result: null,
  recovered: null,
  ...patch,
});
const reply = (patch: Record<string, unknown> = {}) => ({ ...samples.RequestVoteReply, from: 1, to: 2, ...patch });
const voteEvent = (patch: Record<string, unknown> = {}) => ({
  kind: 'vote',
  at: 5,
  node: 1,
  term: 3,
  candidate: 2,
  granted: true,
  reason: 'ok',
  ...patch,
});

describe('invalidFromWorker', () => {
  it('accepts a well-formed output and error', () => {
    expect(invalidFromWorker(output({ messages: [reply()], events: [voteEvent()] }), self)).toBeNull();
    expect(invalidFromWorker({ v: 2, type: 'error', seq: null, message: 'boom' }, self)).toBeNull();
    expect(invalidFromWorker(output({ state: { ...state, electionDeadline: Infinity } }), self)).toBeNull();
  });

  it('uses the same message schema as the host (a reply with a huge term is refused)', () => {
    expect(invalidFromWorker(output({ messages: [reply({ term: 1e300 })] }), self)).toBe(
      'messages[0].term must be a term (an integer in 0..1099511627776), got 1e+300',
    );
  });

  it('refuses messages not from this node, to a non-member or to itself, and events of another node', () => {
    expect(invalidFromWorker(output({ messages: [reply({ from: 2, to: 3 })] }), self)).toBe('messages[0].from is 2, but this is node 1');
    expect(invalidFromWorker(output({ messages: [reply({ to: 42 })] }), self)).toBe(
      'messages[0].to is 42, not a member of the cluster (nodes 1, 2, 3, 4, 5)',
    );
    expect(invalidFromWorker(output({ messages: [reply({ to: 1 })] }), self)).toBe('messages[0].to is 1, the node itself');
    expect(invalidFromWorker(output({ events: [voteEvent({ node: 4 })] }), self)).toBe('events[0].node is 4, but this is node 1');
  });

  it('refuses a volatile state naming non-members or out of order', () => {
    expect(invalidFromWorker(output({ state: { ...state, leader: 9 } }), self)).toBe(
      'state.leader is 9, not a member of the cluster (nodes 1, 2, 3, 4, 5)',
    );
    expect(invalidFromWorker(output({ state: { ...state, role: 'candidate', votes: [1, 7] } }), self)).toMatch(
      /state\.votes has a voter that is 7/,
    );
    expect(invalidFromWorker(output({ state: { ...state, lastApplied: 3, commitIndex: 2 } }), self)).toBe(
      'state: lastApplied 3 is above commitIndex 2',
    );
    const leader = { ...state, role: 'leader', leader: 1, nextIndex: { 1: 1, 2: 1 }, matchIndex: { 2: 0 } };
    expect(invalidFromWorker(output({ state: leader }), self)).toBe(
      'state.nextIndex has an entry for node 1, not a follower in the cluster',
    );
    expect(invalidFromWorker(output({ state: { ...leader, nextIndex: { x: 1 } } }), self)).toBe(
      'state.nextIndex has key "x", which is not a node id',
    );
    expect(invalidFromWorker(output({ state: { ...state, nextIndex: { 2: 1 } } }), self)).toMatch(
      /must be records on a leader and null otherwise/,
    );
    expect(invalidFromWorker(output({ deadline: NaN }), self)).toBe('deadline must be a deadline (virtual ms >= 0, or Infinity), got NaN');
  });

  it('refuses malformed persist ops, events and results', () => {
    const badOp = { kind: 'entries', fromIndex: 3, entries: [entry(4, 1)] };
    expect(invalidFromWorker(output({ persist: [badOp] }), self)).toBe(
      'persist[0]: entries[0] has index 4, expected 3 (entries are consecutive)',
    );
    expect(invalidFromWorker(output({ persist: [{ kind: 'hardState', hardState: { term: -5, votedFor: 0 } }] }), self)).toBe(
      'persist[0].hardState.term must be a term (an integer in 0..1099511627776), got -5',
    );
    expect(invalidFromWorker(output({ events: [{ kind: 'apply', at: 1, node: 1, index: 1, term: 1, command: 7 }] }), self)).toBe(
      'events[0].command must be a command (a string), got 7',
    );
    expect(invalidFromWorker(output({ result: { index: 4, term: 2, isLeader: false } }), self)).toBe(
      'result: index 4 does not fit isLeader false',
    );
  });

  it('refuses a recovered disk that votes for a non-member or has a gap', () => {
    const recovered: PersistentState = { hardState: { term: 3, votedFor: 99 }, snapshot: null, entries: [] };
    expect(invalidFromWorker(output({ recovered }), self)).toBe(
      'recovered: hardState.votedFor is 99, not a member of the cluster (nodes 1, 2, 3, 4, 5)',
    );
    const gap = { hardState: { term: 3, votedFor: 0 }, snapshot: null, entries: [entry(1, 1), entry(3, 1)] };
    expect(invalidFromWorker(output({ recovered: gap }), self)).toBe('recovered: log record 2 is missing (records 1, 3)');
  });

  it('refuses bad envelopes', () => {
    expect(invalidFromWorker({ v: 2, type: 'error', seq: 1, message: 5 })).toBe('message must be a string, got 5');
    expect(invalidFromWorker({ v: 2, type: 'hello' })).toMatch(/^type must be "output" \| "outputs" \| "error", got "hello"$/);
    expect(invalidFromWorker({ v: 0, type: 'error' })).toBe('protocol version 0 is not 2');
  });
});

describe('batches: several inputs in one message, all their outputs in one answer', () => {
  const batch = (inputs: unknown, patch: Record<string, unknown> = {}): unknown => ({ v: 2, type: 'batch', seq: 4, inputs, ...patch });
  const step = (patch: Record<string, unknown> = {}) => ({ persist: [], messages: [], events: [], deadline: 300, state, ...patch });
  const outputs = (list: unknown[], error: string | null = null, patch: Record<string, unknown> = {}): unknown => ({
    v: 2,
    type: 'outputs',
    seq: 4,
    outputs: list,
    error,
    ...patch,
  });

  it('accepts ticks and deliveries in queue order, every message checked as if it came alone', () => {
    const inputs = [
      { type: 'tick', now: 10 },
      { type: 'deliver', now: 10, message: samples.AppendEntries },
      { type: 'deliver', now: 12.5, message: samples.RequestVote },
    ];
    expect(invalidToWorker(batch(inputs), self)).toBeNull();
    expect(invalidToWorker(batch([{ type: 'deliver', now: 1, message: forged('AppendEntries', { term: 2 ** 53 }) }]), self)).toBe(
      'inputs[0].message.term must be a term (an integer in 0..1099511627776), got 9007199254740992',
    );
    expect(invalidToWorker(batch([inputs[0], { type: 'deliver', now: 11, message: forged('RequestVote', { to: 3 }) }]), self)).toBe(
      'inputs[1].message.to is 3, but this is node 1 (a message for another node)',
    );
  });

  it('refuses an empty batch, time going back, other inputs, a missing now and unknown fields', () => {
    expect(invalidToWorker(batch([]), self)).toBe('inputs must hold at least one input');
    expect(
      invalidToWorker(
        batch([
          { type: 'tick', now: 20 },
          { type: 'tick', now: 19 },
        ]),
        self,
      ),
    ).toBe('inputs: inputs[1].now 19 is before inputs[0].now 20 (virtual time never goes back)');
    expect(invalidToWorker(batch([{ type: 'propose', now: 1, command: 'x' }]), self)).toMatch(
      /^inputs\[0\]\.type must be "tick" \| "deliver", got "propose"$/,
    );
    expect(invalidToWorker(batch([{ type: 'tick' }]), self)).toBe('inputs[0].now is missing');
    expect(invalidToWorker(batch([{ type: 'tick', now: 1, seq: 3 }]), self)).toBe('inputs[0].seq is not a known field');
    expect(invalidToWorker(batch([{ type: 'tick', now: 1 }], { now: 1 }), self)).toBe('now is not a known field');
    expect(invalidToWorker(batch([{ type: 'tick', now: 1 }], { v: 1 }), self)).toBe('protocol version 1 is not 2');
  });

  it('accepts an answer with one output per input, or the outputs before a failed input and its error', () => {
    expect(invalidFromWorker(outputs([step({ messages: [reply()], events: [voteEvent()] }), step()]), self)).toBeNull();
    expect(invalidFromWorker(outputs([], 'the core threw'), self)).toBeNull();
  });

  it('checks every output: its fields, and that it speaks only for this node (named by its place in the batch)', () => {
    expect(invalidFromWorker(outputs([step(), step({ deadline: 'soon' })]), self)).toBe(
      'outputs[1].deadline must be a deadline (virtual ms >= 0, or Infinity), got "soon"',
    );
    expect(invalidFromWorker(outputs([step(), step({ messages: [reply({ to: 42 })] })]), self)).toBe(
      'outputs[1].messages[0].to is 42, not a member of the cluster (nodes 1, 2, 3, 4, 5)',
    );
    expect(invalidFromWorker(outputs([step({ events: [voteEvent({ node: 4 })] })]), self)).toBe(
      'outputs[0].events[0].node is 4, but this is node 1',
    );
    expect(invalidFromWorker(outputs([step({ result: null })]), self)).toBe('outputs[0].result is not a known field');
    expect(invalidFromWorker(outputs([step()], 5 as unknown as string), self)).toMatch(/^error must be/);
  });
});

// --------------------------------------------------------- disks and persist ops

describe('stored state (a disk read back)', () => {
  const disk = (entries: Entry[], term = 5, votedFor = 0, snapshot: Snapshot | null = null): PersistentState => ({
    hardState: { term, votedFor },
    snapshot,
    entries,
  });
  const members = new Set([1, 2, 3]);

  it.each([
    ['a missing record', disk([1, 2, 4, 5, 6].map((i) => entry(i, 1))), 'log record 3 is missing (records 1, 2, 4…)'],
    ['a missing record deep in the log', disk([1, 2, 3, 4, 6].map((i) => entry(i, 1))), 'log record 5 is missing (records …, 3, 4, 6)'],
    ['a missing first record', disk([2, 3].map((i) => entry(i, 1))), 'log record 1 is missing (records 2…)'],
    ['a duplicate', disk([1, 2, 2, 3].map((i) => entry(i, 1))), 'log record 2 appears twice'],
    ['records out of order', disk([entry(1, 1), entry(3, 1), entry(2, 1)]), 'log record 2 is missing (records 1, 3…)'],
    ['a record before its predecessor', disk([entry(1, 1), entry(2, 1), entry(1, 1)]), 'log record 1 comes after record 2'],
    [
      'decreasing terms',
      disk([entry(1, 2), entry(2, 1)]),
      "log record 2 has term 1, below record 1's term 2 (terms never decrease along a log, §5.3)",
    ],
    ['a term above currentTerm', disk([entry(1, 6)]), 'log record 1 has term 6, above currentTerm 5'],
    [
      'a record inside the snapshot',
      disk([entry(3, 2)], 5, 0, { lastIncludedIndex: 3, lastIncludedTerm: 2, data: {} }),
      "log record 3 is at or below the snapshot's lastIncludedIndex 3 (§7: the snapshot replaces those entries)",
    ],
    [
      'a gap after the snapshot',
      disk([entry(5, 2)], 5, 0, { lastIncludedIndex: 3, lastIncludedTerm: 2, data: {} }),
      'log record 4 is missing (the snapshot ends at 3; records 5)',
    ],
    [
      'a term below the snapshot term',
      disk([entry(4, 1)], 5, 0, { lastIncludedIndex: 3, lastIncludedTerm: 2, data: {} }),
      "log record 4 has term 1, below the snapshot's lastIncludedTerm 2",
    ],
    [
      'a snapshot from a later term',
      disk([], 1, 0, { lastIncludedIndex: 3, lastIncludedTerm: 2, data: {} }),
      "the snapshot's lastIncludedTerm 2 is above currentTerm 1",
    ],
    ['a vote for a non-member', disk([], 5, 99), 'hardState.votedFor is 99, not a member of the cluster (nodes 1, 2, 3)'],
    ['a vote in term 0', disk([], 0, 2), 'hardState votes for node 2 in term 0, when no election has happened'],
  ])('refuses %s', (_name, state, reason) => {
    expect(storedStateProblem(state, members)).toBe(reason);
  });

  it('accepts a consistent disk, and checks shapes through PersistentStateSchema', () => {
    const ok = disk(
      [4, 5].map((i) => entry(i, 3)),
      5,
      2,
      { lastIncludedIndex: 3, lastIncludedTerm: 2, data: { a: 'b' } },
    );
    expect(storedStateProblem(ok, members)).toBeNull();
    expect(explain(PersistentStateSchema, ok)).toBeNull();
    expect(explain(PersistentStateSchema, { ...ok, hardState: { term: 'x', votedFor: 0 } })).toBe(
      'hardState.term must be a term (an integer in 0..1099511627776), got "x"',
    );
  });
});

describe('persist ops against the disk they are written to', () => {
  const members = new Set([1, 2, 3]);
  /** A mirror with term 3 (voted for 2), entries 1..4 of terms 1,1,2,3. */
  function mirror(snapshot: Snapshot | null = null): MemoryStorage {
    const m = new MemoryStorage();
    m.replace({
      hardState: { term: 3, votedFor: 2 },
      snapshot,
      entries: snapshot ? [] : [entry(1, 1), entry(2, 1), entry(3, 2), entry(4, 3)],
    });
    return m;
  }
  const check = (ops: PersistOp[], disk = mirror()) => persistOpsProblem(ops, disk, members).problem;

  it('accepts what a correct node writes: a new term, appends, truncation, compaction, an installed snapshot', () => {
    expect(
      check([
        { kind: 'hardState', hardState: { term: 4, votedFor: 0 } },
        { kind: 'entries', fromIndex: 5, entries: [entry(5, 4)] },
      ]),
    ).toBeNull();
    expect(check([{ kind: 'entries', fromIndex: 3, entries: [entry(3, 3)] }])).toBeNull();
    expect(check([{ kind: 'snapshot', snapshot: { lastIncludedIndex: 3, lastIncludedTerm: 2, data: {} }, discardLog: false }])).toBeNull();
    expect(check([{ kind: 'snapshot', snapshot: { lastIncludedIndex: 9, lastIncludedTerm: 3, data: {} }, discardLog: true }])).toBeNull();
    // After a compaction in the same output, entries continue from the snapshot.
    expect(
      check([
        { kind: 'snapshot', snapshot: { lastIncludedIndex: 3, lastIncludedTerm: 2, data: {} }, discardLog: false },
        { kind: 'entries', fromIndex: 5, entries: [entry(5, 3)] },
        { kind: 'entries', fromIndex: 5, entries: [entry(5, 3), entry(6, 3)] },
      ]),
    ).toBeNull();
    const result = persistOpsProblem([{ kind: 'entries', fromIndex: 4, entries: [] }], mirror(), members);
    expect(result.problem === null && result.after).toEqual({ snapshotIndex: 0, lastIndex: 3 });
  });

  it.each<[string, PersistOp[], string]>([
    [
      'entries past the end',
      [{ kind: 'entries', fromIndex: 8, entries: [entry(8, 3)] }],
      'persist[0] writes entries from index 8, but the log after snapshot index 0 ends at 4 (an entries op must start in 1..5)',
    ],
    [
      'entries with a term above currentTerm',
      [{ kind: 'entries', fromIndex: 5, entries: [entry(5, 4)] }],
      'persist[0].entries[0] has term 4, above currentTerm 3',
    ],
    [
      'entries with a term below the entry before',
      [{ kind: 'entries', fromIndex: 5, entries: [entry(5, 2)] }],
      'persist[0].entries[0] has term 2, below the term 3 before it (terms never decrease along a log, §5.3)',
    ],
    [
      'a lower term',
      [{ kind: 'hardState', hardState: { term: 2, votedFor: 0 } }],
      'persist[0] lowers currentTerm from 3 to 2 (terms only grow, §5.1)',
    ],
    [
      'a second vote in a term',
      [{ kind: 'hardState', hardState: { term: 3, votedFor: 3 } }],
      'persist[0] changes the vote of term 3 from node 2 to 3 (one vote per term, §5.2)',
    ],
    [
      'a vote for a non-member',
      [{ kind: 'hardState', hardState: { term: 4, votedFor: 41 } }],
      'persist[0] votes for node 41, not a member of the cluster (nodes 1, 2, 3)',
    ],
    [
      'a snapshot that goes back',
      [{ kind: 'snapshot', snapshot: { lastIncludedIndex: 0, lastIncludedTerm: 0, data: {} }, discardLog: true }],
      'persist[0] puts a snapshot at index 0, not past the stored one at 0 (snapshots only move forward, §7)',
    ],
    [
      'a snapshot from a later term',
      [{ kind: 'snapshot', snapshot: { lastIncludedIndex: 4, lastIncludedTerm: 5, data: {} }, discardLog: true }],
      "persist[0] puts a snapshot of term 5, outside 0..3 (the stored snapshot's term to currentTerm)",
    ],
    [
      'a snapshot that keeps a log it does not match',
      [{ kind: 'snapshot', snapshot: { lastIncludedIndex: 4, lastIncludedTerm: 2, data: {} }, discardLog: false }],
      'persist[0] keeps the log after snapshot index 4, but the disk has term 3 there, not term 2 (Figure 13, receiver 6)',
    ],
    [
      'a snapshot that keeps a log too short',
      [{ kind: 'snapshot', snapshot: { lastIncludedIndex: 6, lastIncludedTerm: 3, data: {} }, discardLog: false }],
      'persist[0] keeps the log after snapshot index 6, but the disk has no entry there, not term 3 (Figure 13, receiver 6)',
    ],
  ])('refuses %s', (_name, ops, reason) => {
    expect(check(ops)).toBe(reason);
  });

  it('simulates the ops in order (a truncation then an append past the new end is refused)', () => {
    const ops: PersistOp[] = [
      { kind: 'entries', fromIndex: 2, entries: [entry(2, 3)] },
      { kind: 'entries', fromIndex: 4, entries: [entry(4, 3)] },
    ];
    expect(check(ops)).toBe(
      'persist[1] writes entries from index 4, but the log after snapshot index 0 ends at 2 (an entries op must start in 1..3)',
    );
  });

  it('refuses a vote in term 0 on a fresh disk', () => {
    expect(check([{ kind: 'hardState', hardState: { term: 0, votedFor: 2 } }], new MemoryStorage())).toBe(
      'persist[0] votes for node 2 in term 0, when no election has happened',
    );
  });

  it('refuses entries at or below the snapshot', () => {
    const snapped = mirror({ lastIncludedIndex: 5, lastIncludedTerm: 2, data: {} });
    expect(check([{ kind: 'entries', fromIndex: 5, entries: [entry(5, 2)] }], snapped)).toBe(
      'persist[0] writes entries from index 5, but the log after snapshot index 5 ends at 5 (an entries op must start in 6..6)',
    );
  });
});

describe('the fast entry check', () => {
  it('accepts exactly what EntrySchema accepts', () => {
    const field = fc.oneof(
      fc.integer({ min: -2, max: 5 }),
      fc.constantFrom(0, 1, 2 ** 40, 2 ** 40 + 1, 2 ** 53, 1.5, NaN, Infinity, -0),
      fc.string({ maxLength: 3 }),
      fc.constantFrom('x'.repeat(MAX_COMMAND_LENGTH), 'x'.repeat(MAX_COMMAND_LENGTH + 1), null, undefined, true, [], {}),
    );
    const candidate = fc.oneof(
      fc.record({ index: field, term: field, command: field }, { requiredKeys: [] }),
      fc.record({ index: field, term: field, command: field, extra: field }, { requiredKeys: [] }),
      fc.constantFrom(
        null,
        5,
        'entry',
        [1, 1, 'x'],
        Object.assign(Object.create({ index: 1 }) as object, { term: 1, command: 'x', index: 1 }),
      ),
      fc.anything(),
    );
    fc.assert(
      fc.property(candidate, (x) => {
        expect(isEntry(x)).toBe(v.is(EntrySchema, x));
      }),
      { numRuns: 3000 },
    );
  });

  it('reports a bad entry in a list by position and field, like the full schema', () => {
    expect(explain(EntryListSchema, [entry(1, 1), { index: 2, term: 1, command: 3 }], 'entries')).toBe(
      'entries[1].command must be a command (a string), got 3',
    );
    expect(explain(EntryListSchema, 'x', 'entries')).toBe('entries must be an array, got "x"');
  });
});

describe('a real cluster’s traffic passes the schemas (no false alarms)', () => {
  it('every message sent under faults and compaction is well formed and between members', async () => {
    const c = createCluster({ nodes: 5, seed: 11, snapshotThreshold: 3, network: { dropRate: 0.1, duplicateRate: 0.1 } });
    const problems: string[] = [];
    let sent = 0;
    c.subscribe((e: ClusterEvent) => {
      if (e.kind !== 'send') return;
      sent += 1;
      const m = e.message.payload;
      const problem = explain(MessageSchema, m, 'message') ?? invalidToWorker(deliver(m), membershipOf({ id: m.to, nodes: c.ids }));
      if (problem) problems.push(problem);
    });
    await c.runFor(600);
    for (let round = 0; round < 4; round++) {
      const leader = c.ids.find((id) => c.node(id).role === 'leader');
      if (leader) for (let i = 0; i < 5; i++) await c.start(leader, `k${round}=${i}`);
      await c.crash(1 + round);
      await c.runFor(500);
      await c.restart(1 + round);
      await c.runFor(300);
    }
    await c.destroy();
    expect(sent).toBeGreaterThan(300);
    expect(problems).toEqual([]);
  });
});

describe('describeMessage', () => {
  it('shortens long messages', () => {
    expect(describeMessage({ a: 'x'.repeat(200) })).toHaveLength(120);
    expect(describeMessage({ a: 1 })).toBe('{"a":1}');
  });
});

// The schemas and the core's TypeScript types must describe the same data:
// a field added to one and not the other is a type error here (npm run
// typecheck), and a real message with a field the schema lacks is refused by
// the strict schemas at run time (the transport tests).
type Plain<T> = T extends readonly (infer U)[] ? Plain<U>[] : T extends object ? { -readonly [K in keyof T]: Plain<T[K]> } : T;
describe('schemas match the core types', () => {
  it('Message, Entry, Snapshot, PersistOp, CoreEvent, PersistentState, VolatileState, ToWorker, FromWorker', () => {
    expectTypeOf<Plain<v.InferOutput<typeof MessageSchema>>>().toEqualTypeOf<Plain<Message>>();
    expectTypeOf<Plain<v.InferOutput<typeof EntrySchema>>>().toEqualTypeOf<Plain<Entry>>();
    expectTypeOf<Plain<v.InferOutput<typeof SnapshotSchema>>>().toEqualTypeOf<Plain<Snapshot>>();
    expectTypeOf<Plain<v.InferOutput<typeof PersistOpSchema>>>().toEqualTypeOf<Plain<PersistOp>>();
    expectTypeOf<Plain<v.InferOutput<typeof CoreEventSchema>>>().toEqualTypeOf<Plain<CoreEvent>>();
    expectTypeOf<Plain<v.InferOutput<typeof PersistentStateSchema>>>().toEqualTypeOf<Plain<PersistentState>>();
    expectTypeOf<Plain<v.InferOutput<typeof VolatileStateSchema>>>().toEqualTypeOf<Plain<VolatileState>>();
    expectTypeOf<Plain<v.InferOutput<typeof ToWorkerSchema>>>().toEqualTypeOf<Plain<ToWorker>>();
    expectTypeOf<Plain<v.InferOutput<typeof FromWorkerSchema>>>().toEqualTypeOf<Plain<FromWorker>>();
  });
});
