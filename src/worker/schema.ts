/**
 * Valibot schemas for the Raft data that crosses the worker boundary and the
 * disk: entries, snapshots, hard state, the six RPCs, persist ops and core
 * events (their TypeScript types live in src/raft/types.ts; a test checks the
 * two agree). Every number is bounded (src/raft/limits.ts), so arithmetic on
 * an accepted term or index stays exact, and each message's own invariants
 * are checked (an AppendEntries' entries follow its prevLogIndex, and so on).
 *
 * Membership (who may send to whom) depends on the node, so it is checked by
 * protocol.ts on top of these.
 *
 * Why one file of ~450 lines: it is the one place the wire format is
 * written down, each schema built from the field schemas above it; the
 * readable-message helpers at the end belong with them.
 */
import * as v from 'valibot';
import { isBoundedInt, MAX_COMMAND_LENGTH, MAX_INDEX, MAX_TERM, type Configuration, type Entry } from '../raft';
import { entryRunProblem, storedStateProblem } from './consistency';

// ------------------------------------------------------------ primitives

/** Formats a value for a message without dumping a huge string. */
function shown(x: unknown): string {
  if (typeof x === 'string') return x.length > 40 ? `a string of length ${x.length}` : JSON.stringify(x);
  if (typeof x === 'number') return String(x);
  if (x === null || x === undefined || typeof x === 'boolean') return String(x);
  return Array.isArray(x) ? 'an array' : `a ${typeof x}`;
}

/** A term (§5.1): an integer in 0..MAX_TERM. */
export const termSchema = v.custom<number>(
  (x) => isBoundedInt(x, MAX_TERM),
  (i) => `must be a term (an integer in 0..${MAX_TERM}), got ${shown(i.input)}`,
);

/** A log entry's term: a term >= 1 (term 0 has no leader, so no entries). */
const entryTermSchema = v.custom<number>(
  (x) => isBoundedInt(x, MAX_TERM) && x >= 1,
  (i) => `must be an entry's term (an integer in 1..${MAX_TERM}), got ${shown(i.input)}`,
);

/** A log index: an integer in 0..MAX_INDEX (0 is the empty log's base). */
export const indexSchema = v.custom<number>(
  (x) => isBoundedInt(x, MAX_INDEX),
  (i) => `must be a log index (an integer in 0..${MAX_INDEX}), got ${shown(i.input)}`,
);

/** The index of an actual entry: 1..MAX_INDEX. */
const entryIndexSchema = v.custom<number>(
  (x) => isBoundedInt(x, MAX_INDEX) && x >= 1,
  (i) => `must be an entry's index (an integer in 1..${MAX_INDEX}), got ${shown(i.input)}`,
);

/** An entry's index, or -1 for "none" (a proposal refused by a non-leader). */
export const entryIndexOrNoneSchema = v.custom<number>(
  (x) => x === -1 || (isBoundedInt(x, MAX_INDEX) && x >= 1),
  (i) => `must be an entry's index or -1, got ${shown(i.input)}`,
);

/** A node id: an integer >= 1 (whether it is a member is checked against the cluster). */
export const nodeIdSchema = v.custom<number>(
  (x) => isBoundedInt(x, MAX_INDEX) && x >= 1,
  (i) => `must be a node id (an integer >= 1), got ${shown(i.input)}`,
);

/** A node id or 0 ("nobody": no vote, no known leader). */
export const nodeIdOrNoneSchema = v.custom<number>(
  (x) => isBoundedInt(x, MAX_INDEX),
  (i) => `must be a node id or 0 for none, got ${shown(i.input)}`,
);

/** A client command: a string of at most MAX_COMMAND_LENGTH UTF-16 units. */
export const commandSchema = v.custom<string>(
  (x) => typeof x === 'string' && x.length <= MAX_COMMAND_LENGTH,
  (i) =>
    typeof i.input === 'string'
      ? `must be a command of at most ${MAX_COMMAND_LENGTH} characters, got ${i.input.length}`
      : `must be a command (a string), got ${shown(i.input)}`,
);

/** A virtual time in ms: finite and >= 0. */
export const virtualTimeSchema = v.custom<number>(
  (x) => typeof x === 'number' && Number.isFinite(x) && x >= 0,
  (i) => `must be a virtual time (a finite number of ms >= 0), got ${shown(i.input)}`,
);

/** A deadline in virtual ms: >= 0, Infinity for "never". */
export const deadlineSchema = v.custom<number>(
  (x) => typeof x === 'number' && x >= 0,
  (i) => `must be a deadline (virtual ms >= 0, or Infinity), got ${shown(i.input)}`,
);

const isPlainObject = (x: unknown): x is Record<string, unknown> => {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
  const proto: unknown = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
};

/** The first key of a plain object whose value fails `ok`, or undefined. */
function badKey(x: Record<string, unknown>, ok: (key: string, value: unknown) => boolean): string | undefined {
  // Object.keys, not for..in or a valibot record: an own "__proto__" key
  // (which structured cloning preserves) must be checked too.
  for (const key of Object.keys(x)) if (!ok(key, x[key])) return key;
  return undefined;
}

/** The state machine's data (§7 snapshot contents): a plain record of string → string. */
export const kvDataSchema = v.custom<Readonly<Record<string, string>>>(
  (x) => isPlainObject(x) && badKey(x, (_k, value) => typeof value === 'string') === undefined,
  (i) => {
    if (!isPlainObject(i.input)) return `must be a plain record of strings, got ${shown(i.input)}`;
    const key = badKey(i.input, (_k, value) => typeof value === 'string')!;
    return `[${JSON.stringify(key)}] must be a string, got ${shown(i.input[key])}`;
  },
);

const isNodeKey = (key: string) => /^[1-9][0-9]{0,12}$/.test(key);

/** A leader's per-follower indexes (nextIndex, matchIndex): node id → log index. */
export const progressSchema = v.custom<Record<number, number>>(
  (x) => isPlainObject(x) && badKey(x, (key, value) => isNodeKey(key) && isBoundedInt(value, MAX_INDEX)) === undefined,
  (i) => {
    if (!isPlainObject(i.input)) return `must be a record of node id → log index, got ${shown(i.input)}`;
    const key = badKey(i.input, (k, value) => isNodeKey(k) && isBoundedInt(value, MAX_INDEX))!;
    return isNodeKey(key)
      ? `[${key}] must be a log index (an integer in 0..${MAX_INDEX}), got ${shown(i.input[key])}`
      : `has key ${JSON.stringify(key)}, which is not a node id`;
  },
);

/** `schema`, then a cross-field rule on the value once it is well typed. */
function withRule<const S extends v.GenericSchema>(schema: S, problem: (value: v.InferOutput<S>) => string | null) {
  return v.pipe(
    schema,
    v.rawCheck<v.InferOutput<S>>(({ dataset, addIssue }) => {
      if (!dataset.typed) return;
      const reason = problem(dataset.value);
      if (reason) addIssue({ message: reason });
    }),
  );
}

/**
 * A tagged union, like v.variant and with the same errors, but the option is
 * picked by one Map lookup of the tag: v.variant tries the options in turn
 * and builds an issue for every one that does not match, which made it the
 * most expensive step of checking a message.
 */
export function taggedUnion<const TKey extends string, const TOptions extends v.VariantOptions<TKey>>(key: TKey, options: TOptions) {
  const fallback = v.variant(key, options);
  const byTag = new Map<unknown, v.GenericSchema>();
  for (const option of options) {
    const tag = (option as unknown as { entries: Record<string, { literal?: unknown } | undefined> }).entries[key]?.literal;
    byTag.set(tag, option);
  }
  // The picked option's output is one of the union's, so typing it as the variant is sound.
  return v.lazy((input): typeof fallback => {
    const tag = typeof input === 'object' && input !== null ? (input as Record<string, unknown>)[key] : undefined;
    return (byTag.get(tag) as typeof fallback | undefined) ?? fallback;
  });
}

// ------------------------------------------------------------ log and disk

/** The most members a configuration names (voters and learners). */
const MAX_MEMBERS = 1000;

/** A configuration (thesis §4.1): voters and learners, each sorted without repeats, disjoint, at least one voter. */
export function configurationProblem(x: unknown): string | null {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return 'must be a configuration { voters, learners }';
  const keys = Object.keys(x);
  if (keys.length !== 2 || !hasOwn(x, 'voters') || !hasOwn(x, 'learners')) return 'must have exactly voters and learners';
  const c = x as Record<string, unknown>;
  for (const key of ['voters', 'learners'] as const) {
    const list = c[key];
    if (!Array.isArray(list) || list.length > MAX_MEMBERS) return `${key} must be a list of node ids`;
    for (let i = 0; i < list.length; i++) {
      const id: unknown = list[i];
      if (!isBoundedInt(id, 0xffffffff) || id < 1) return `${key}[${i}] must be a node id (an integer >= 1)`;
      if (i > 0 && id <= (list[i - 1] as number)) return `${key} must be sorted without repeats`;
    }
  }
  const voters = c.voters as number[];
  if (voters.length === 0) return 'voters must name at least one node';
  for (const l of c.learners as number[]) if (voters.includes(l)) return `node ${l} is both a voter and a learner`;
  return null;
}

/** A configuration entry's or a snapshot's configuration (thesis §4.1). */
export const ConfigurationSchema = v.custom<Configuration>(
  (x) => configurationProblem(x) === null,
  (i) => configurationProblem(i.input) ?? 'must be a configuration',
);

/** A single-server configuration change (thesis §4.1). */
export const ConfChangeSchema = taggedUnion('kind', [
  v.strictObject({ kind: v.literal('addLearner'), node: nodeIdSchema }),
  v.strictObject({ kind: v.literal('promote'), node: nodeIdSchema }),
  v.strictObject({ kind: v.literal('remove'), node: nodeIdSchema }),
]);

/** One log entry (§5.3), or a configuration entry (thesis §4.1: `config` set, command ''). */
export const EntrySchema = withRule(
  v.strictObject({ index: entryIndexSchema, term: entryTermSchema, command: commandSchema, config: v.optional(ConfigurationSchema) }),
  (e) =>
    e.config !== undefined && e.command !== '' ? `a configuration entry's command must be '', got ${JSON.stringify(e.command)}` : null,
);

function hasOwn(o: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, key);
}

/**
 * Exactly what EntrySchema accepts, as one predicate: entry lists are the
 * only unbounded part of a message, and one output repeats the same entries
 * in its persist op, its append event and an AppendEntries per follower, so
 * they are checked in a tight loop (a test holds the two to agreement).
 */
export function isEntry(x: unknown): x is Entry {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
  const keys = Object.keys(x).length;
  if (keys < 3 || keys > 4 || !hasOwn(x, 'index') || !hasOwn(x, 'term') || !hasOwn(x, 'command')) return false;
  const e = x as Record<string, unknown>;
  if (keys === 4 && (!hasOwn(x, 'config') || e.command !== '' || configurationProblem(e.config) !== null)) return false;
  return (
    isBoundedInt(e.index, MAX_INDEX) &&
    e.index >= 1 &&
    isBoundedInt(e.term, MAX_TERM) &&
    e.term >= 1 &&
    typeof e.command === 'string' &&
    e.command.length <= MAX_COMMAND_LENGTH
  );
}

const EntryListSchemaFull = v.array(EntrySchema);

/** A list of entries: each an Entry (its order is checked where it is used). */
export const EntryListSchema = v.custom<Entry[]>(
  (x) => Array.isArray(x) && x.every(isEntry),
  // Only on failure: the full schema names the entry and the field ("[1].term must be …").
  (i) => explain(EntryListSchemaFull, i.input) ?? 'must be a list of entries',
);

/** A snapshot (§7): index 0 (nothing compacted) if and only if term 0. */
export const SnapshotSchema = withRule(
  v.strictObject({
    lastIncludedIndex: indexSchema,
    lastIncludedTerm: termSchema,
    data: kvDataSchema,
    config: v.optional(ConfigurationSchema),
  }),
  (s) =>
    (s.lastIncludedIndex === 0) === (s.lastIncludedTerm === 0)
      ? null
      : `lastIncludedIndex ${s.lastIncludedIndex} and lastIncludedTerm ${s.lastIncludedTerm} must both be 0 or both be >= 1`,
);

/** Figure 2's persistent currentTerm and votedFor. */
export const HardStateSchema = v.strictObject({ term: termSchema, votedFor: nodeIdOrNoneSchema });

/** Everything on a node's disk, consistent (membership of votedFor is checked by the caller). */
export const PersistentStateSchema = withRule(
  v.strictObject({ hardState: HardStateSchema, snapshot: v.nullable(SnapshotSchema), entries: EntryListSchema }),
  (state) => storedStateProblem(state),
);

// ---------------------------------------------------------------- messages

const messageBase = { from: nodeIdSchema, to: nodeIdSchema, term: termSchema };

// Every term a message carries is at most its own term: the sender's
// currentTerm is the largest term it has seen (§5.1).

const RequestVoteObject = v.strictObject({
  type: v.literal('RequestVote'),
  ...messageBase,
  lastLogIndex: indexSchema,
  lastLogTerm: termSchema,
  transfer: v.optional(v.literal(true)),
});
type RequestVoteShape = Pick<v.InferOutput<typeof RequestVoteObject>, 'term' | 'lastLogIndex' | 'lastLogTerm'>;
const requestVoteRule = (m: RequestVoteShape): string | null => {
  if (m.lastLogTerm > m.term) return `lastLogTerm ${m.lastLogTerm} is above the message's term ${m.term}`;
  if ((m.lastLogIndex === 0) !== (m.lastLogTerm === 0)) {
    return `lastLogIndex ${m.lastLogIndex} and lastLogTerm ${m.lastLogTerm} must both be 0 (an empty log) or both be >= 1`;
  }
  return null;
};

const RequestVoteReplyObject = v.strictObject({ type: v.literal('RequestVoteReply'), ...messageBase, voteGranted: v.boolean() });

const AppendEntriesObject = v.strictObject({
  type: v.literal('AppendEntries'),
  ...messageBase,
  prevLogIndex: indexSchema,
  prevLogTerm: termSchema,
  entries: EntryListSchema,
  leaderCommit: indexSchema,
});
type AppendEntriesShape = v.InferOutput<typeof AppendEntriesObject>;
/** Figure 2: the entries follow prevLogIndex, consecutive, terms non-decreasing from prevLogTerm and at most the term. */
const appendEntriesRule = (m: AppendEntriesShape): string | null => {
  if (m.prevLogTerm > m.term) return `prevLogTerm ${m.prevLogTerm} is above the message's term ${m.term}`;
  if ((m.prevLogIndex === 0) !== (m.prevLogTerm === 0)) {
    return `prevLogIndex ${m.prevLogIndex} and prevLogTerm ${m.prevLogTerm} must both be 0 or both be >= 1`;
  }
  return entryRunProblem(
    m.entries,
    { firstIndex: m.prevLogIndex + 1, prevTerm: m.prevLogTerm, maxTerm: m.term, maxTermName: "the message's term" },
    'entries',
  );
};

const AppendEntriesReplyObject = v.strictObject({
  type: v.literal('AppendEntriesReply'),
  ...messageBase,
  success: v.boolean(),
  prevLogIndex: indexSchema,
  matchIndex: indexSchema,
  conflictIndex: indexSchema,
  conflictTerm: termSchema,
});
type AppendEntriesReplyShape = v.InferOutput<typeof AppendEntriesReplyObject>;
const appendEntriesReplyRule = (m: AppendEntriesReplyShape): string | null =>
  m.conflictTerm > m.term ? `conflictTerm ${m.conflictTerm} is above the message's term ${m.term}` : null;

const InstallSnapshotObject = v.strictObject({ type: v.literal('InstallSnapshot'), ...messageBase, snapshot: SnapshotSchema });
type InstallSnapshotShape = v.InferOutput<typeof InstallSnapshotObject>;
const installSnapshotRule = (m: InstallSnapshotShape): string | null =>
  m.snapshot.lastIncludedTerm > m.term
    ? `snapshot.lastIncludedTerm ${m.snapshot.lastIncludedTerm} is above the message's term ${m.term}`
    : null;

const InstallSnapshotReplyObject = v.strictObject({
  type: v.literal('InstallSnapshotReply'),
  ...messageBase,
  lastIncludedIndex: indexSchema,
});

/** Thesis §9.6: the term asked about is the sender's currentTerm + 1; its log's last term is below it. */
const PreVoteObject = v.strictObject({ type: v.literal('PreVote'), ...messageBase, lastLogIndex: indexSchema, lastLogTerm: termSchema });
const PreVoteReplyObject = v.strictObject({ type: v.literal('PreVoteReply'), ...messageBase, voteGranted: v.boolean() });
/** Thesis §3.10. */
const TimeoutNowObject = v.strictObject({ type: v.literal('TimeoutNow'), ...messageBase });

/** Figure 2, RequestVote arguments. */
export const RequestVoteSchema = withRule(RequestVoteObject, requestVoteRule);
/** Figure 2, RequestVote results. */
export const RequestVoteReplySchema = RequestVoteReplyObject;
/** Figure 2, AppendEntries arguments. */
export const AppendEntriesSchema = withRule(AppendEntriesObject, appendEntriesRule);
/** Figure 2, AppendEntries results (with the §5.3 backtracking hints). */
export const AppendEntriesReplySchema = withRule(AppendEntriesReplyObject, appendEntriesReplyRule);
/** Figure 13, InstallSnapshot arguments (one chunk). */
export const InstallSnapshotSchema = withRule(InstallSnapshotObject, installSnapshotRule);
/** Figure 13, InstallSnapshot results. */
export const InstallSnapshotReplySchema = InstallSnapshotReplyObject;

const MessageVariant = taggedUnion('type', [
  RequestVoteObject,
  RequestVoteReplyObject,
  AppendEntriesObject,
  AppendEntriesReplyObject,
  InstallSnapshotObject,
  InstallSnapshotReplyObject,
  PreVoteObject,
  PreVoteReplyObject,
  TimeoutNowObject,
]);

/** Any RPC or reply, in either direction: the same schema as the six above. */
export const MessageSchema = withRule(MessageVariant, (m) => {
  switch (m.type) {
    case 'RequestVote':
    case 'PreVote':
      return requestVoteRule(m);
    case 'AppendEntries':
      return appendEntriesRule(m);
    case 'AppendEntriesReply':
      return appendEntriesReplyRule(m);
    case 'InstallSnapshot':
      return installSnapshotRule(m);
    default:
      return null;
  }
});

// ------------------------------------------------------------- persist ops

const EntriesOpObject = v.strictObject({ kind: v.literal('entries'), fromIndex: entryIndexSchema, entries: EntryListSchema });

/** A change to stable storage (src/raft/types.ts PersistOp); its fit with the disk is checked by consistency.ts. */
export const PersistOpSchema = withRule(
  taggedUnion('kind', [
    v.strictObject({ kind: v.literal('hardState'), hardState: HardStateSchema }),
    EntriesOpObject,
    v.strictObject({ kind: v.literal('snapshot'), snapshot: SnapshotSchema, discardLog: v.boolean() }),
  ]),
  (op) =>
    op.kind === 'entries'
      ? entryRunProblem(
          op.entries,
          { firstIndex: op.fromIndex, prevTerm: 0, maxTerm: MAX_TERM, maxTermName: 'the largest term' },
          'entries',
        )
      : null,
);

// ------------------------------------------------------------------ events

const eventBase = { at: virtualTimeSchema, node: nodeIdSchema };
const reasonSchema = v.string();

/** Why the core did something (src/raft/reasons.ts): a code and its data. */
export const WhySchema = taggedUnion('code', [
  v.strictObject({ code: v.literal('election-timeout') }),
  v.strictObject({ code: v.literal('told-to-time-out') }),
  v.strictObject({ code: v.literal('saw-newer-term'), term: termSchema, from: nodeIdSchema }),
  v.strictObject({ code: v.literal('heard-from-leader'), leader: nodeIdSchema, term: termSchema }),
  v.strictObject({ code: v.literal('won-election'), voters: v.array(nodeIdSchema) }),
  v.strictObject({ code: v.literal('stale-term'), ours: termSchema, theirs: termSchema }),
  v.strictObject({ code: v.literal('already-voted'), votedFor: nodeIdSchema, term: termSchema }),
  v.strictObject({
    code: v.literal('log-more-up-to-date'),
    lastIndex: indexSchema,
    lastTerm: termSchema,
    candidateLastIndex: indexSchema,
    candidateLastTerm: termSchema,
  }),
  v.strictObject({ code: v.literal('candidate-up-to-date') }),
  v.strictObject({ code: v.literal('no-entry-at-prev'), prevLogIndex: indexSchema }),
  v.strictObject({ code: v.literal('prev-term-mismatch'), prevLogIndex: indexSchema, localTerm: termSchema, prevLogTerm: termSchema }),
  v.strictObject({ code: v.literal('won-pre-vote'), voters: v.array(nodeIdSchema) }),
  v.strictObject({ code: v.literal('leader-lease'), leader: nodeIdSchema, sinceMs: virtualTimeSchema }),
  v.strictObject({ code: v.literal('check-quorum'), heard: v.array(nodeIdSchema), needed: indexSchema }),
  v.strictObject({ code: v.literal('timeout-now'), from: nodeIdSchema }),
  v.strictObject({ code: v.literal('removed-from-config'), index: indexSchema }),
]);
const whySchema = v.optional(WhySchema);

const AppendEventObject = v.strictObject({
  kind: v.literal('append'),
  ...eventBase,
  term: termSchema,
  fromIndex: entryIndexSchema,
  entries: EntryListSchema,
  truncatedFrom: v.nullable(entryIndexSchema),
});

/** Something the core did (src/raft/types.ts CoreEvent). */
export const CoreEventSchema = withRule(
  taggedUnion('kind', [
    v.strictObject({ kind: v.literal('timeout'), ...eventBase, term: termSchema, why: whySchema, reason: reasonSchema }),
    v.strictObject({
      kind: v.literal('role'),
      ...eventBase,
      role: v.picklist(['follower', 'candidate', 'leader']),
      term: termSchema,
      why: whySchema,
      reason: reasonSchema,
    }),
    v.strictObject({ kind: v.literal('term'), ...eventBase, term: termSchema, why: whySchema, reason: reasonSchema }),
    v.strictObject({
      kind: v.literal('vote'),
      ...eventBase,
      term: termSchema,
      candidate: nodeIdSchema,
      granted: v.boolean(),
      why: whySchema,
      reason: reasonSchema,
    }),
    AppendEventObject,
    v.strictObject({
      kind: v.literal('reject'),
      ...eventBase,
      term: termSchema,
      leader: nodeIdSchema,
      why: whySchema,
      reason: reasonSchema,
    }),
    v.strictObject({ kind: v.literal('commit'), ...eventBase, term: termSchema, commitIndex: indexSchema }),
    v.strictObject({ kind: v.literal('apply'), ...eventBase, index: entryIndexSchema, term: entryTermSchema, command: commandSchema }),
    v.strictObject({
      kind: v.literal('snapshot'),
      ...eventBase,
      lastIncludedIndex: indexSchema,
      lastIncludedTerm: termSchema,
      reason: v.picklist(['compacted', 'installed', 'restored']),
    }),
    v.strictObject({ kind: v.literal('preCampaign'), ...eventBase, term: termSchema, why: whySchema, reason: reasonSchema }),
    v.strictObject({
      kind: v.literal('preVote'),
      ...eventBase,
      term: termSchema,
      candidate: nodeIdSchema,
      granted: v.boolean(),
      why: whySchema,
      reason: reasonSchema,
    }),
    v.strictObject({
      kind: v.literal('config'),
      ...eventBase,
      term: termSchema,
      index: indexSchema,
      config: ConfigurationSchema,
      committed: v.boolean(),
      inForce: v.boolean(),
      reason: reasonSchema,
    }),
    v.strictObject({
      kind: v.literal('transfer'),
      ...eventBase,
      term: termSchema,
      to: nodeIdSchema,
      phase: v.picklist(['started', 'timeoutNow', 'abandoned']),
      reason: reasonSchema,
    }),
  ]),
  (e) =>
    e.kind === 'append'
      ? entryRunProblem(e.entries, { firstIndex: e.fromIndex, prevTerm: 0, maxTerm: e.term, maxTermName: "the node's term" }, 'entries')
      : null,
);

// ---------------------------------------------------------------- reasons

const ARTICLES: Record<string, string> = {
  number: 'a number',
  string: 'a string',
  boolean: 'a boolean',
  Object: 'an object',
  Array: 'an array',
  null: 'null',
};

/** A readable text for valibot's own issues (type, literal, strict-object key), "must be …". */
function builtinMessage(issue: v.BaseIssue<unknown>): string {
  if (issue.type === 'strict_object' && issue.expected === 'never') return 'is not a known field';
  if (issue.input === undefined && issue.received === 'undefined' && issue.path) return 'is missing';
  const expected = issue.expected ?? '';
  // A union of literals comes as '("a" | "b")'.
  const wanted = ARTICLES[expected] ?? (expected.startsWith('(') && expected.endsWith(')') ? expected.slice(1, -1) : expected);
  return `must be ${wanted}, got ${shown(issue.input)}`;
}

function pathText(issue: v.BaseIssue<unknown>): string {
  let text = '';
  for (const item of issue.path ?? []) {
    const key = item.key;
    if (typeof key === 'number') text += `[${key}]`;
    else text += text === '' ? String(key) : `.${String(key)}`;
  }
  return text;
}

const PARSE_CONFIG = { abortEarly: true, message: builtinMessage } as const;

/**
 * Why `value` does not match `schema`, as one readable sentence naming the
 * field ("message.term must be a term (an integer in 0..1099511627776), got
 * 9007199254740992"), or null if it matches. `label` names the value itself.
 */
export function explain(schema: v.GenericSchema, value: unknown, label = ''): string | null {
  const result = v.safeParse(schema, value, PARSE_CONFIG);
  if (result.success) return null;
  const issue = result.issues[0];
  const path = pathText(issue);
  const where = label && path ? (path.startsWith('[') ? `${label}${path}` : `${label}.${path}`) : label || path;
  if (issue.type === 'raw_check') return where ? `${where}: ${issue.message}` : issue.message;
  if (issue.type === 'custom' && issue.message.startsWith('[')) return `${where}${issue.message}`;
  return where ? `${where} ${issue.message}` : issue.message;
}
