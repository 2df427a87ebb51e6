/**
 * What a shared run is, as data, and its valibot schema (issue 10, "Share,
 * embed, save" and "Validation"). A run is the cluster's creation options
 * that matter for replay, the seed, the ordered action log and the moment on
 * show: with the seed and the actions, the deterministic engine rebuilds the
 * very same history (README, "Headless API"). Links and files come from
 * outside, so everything here is bounded and every refusal is one plain
 * sentence naming what is wrong ("action 12 (crash): node 9 is not in a
 * 5-node cluster").
 *
 * The structure is checked by the schema; what depends on more than one
 * field (node ids against the cluster size, actions in order, the heartbeat
 * against the election timeout) by one rawCheck over the whole run, so an
 * accepted run is one `createCluster` and `replayActions` take without
 * throwing.
 */
import * as v from 'valibot';
import { MAX_COMMAND_LENGTH } from '../raft';
import type { ClusterAction } from '../sim';
import {
  MAX_ELECTION_TIMEOUT_MS,
  MAX_HEARTBEAT_MS,
  MAX_NODES,
  MAX_SEED,
  MAX_SNAPSHOT_THRESHOLD,
  MIN_NODES,
  DEFAULT_ELECTION_TIMEOUT_MS,
} from './defaults';

/** The run format this Raft Lab writes and reads. A newer one is refused by name, never half-read. */
export const RUN_FORMAT = 1;

/**
 * Longest network delay a run may ask for, virtual ms. The sliders stop at
 * MAX_DELAY_MS (200), but the engine's long-reordering delay defaults to
 * 200–2200 ms and the headless API allows more; this only keeps a forged
 * link from asking for an absurd one.
 */
export const MAX_RUN_DELAY_MS = 100_000;

/** Latest virtual time an action or the moment may name, ms (2^40 ms ≈ 35 years). */
export const MAX_RUN_TIME_MS = 2 ** 40;

/** Most actions in one run (the 200 KB size limit already bounds it near this). */
export const MAX_RUN_ACTIONS = 20_000;

/** Most fault switches a run may name, and the longest name. */
export const MAX_FAULTS = 32;
export const MAX_FAULT_NAME_LENGTH = 64;

/**
 * Network settings (src/sim/types.ts NetworkOptions), every field optional.
 * The pairs are plain tuples, as there, so a run's actions are ClusterActions.
 */
export interface RunNetwork {
  readonly delayMs?: [number, number];
  readonly dropRate?: number;
  readonly duplicateRate?: number;
  readonly longDelayRate?: number;
  readonly longDelayMs?: [number, number];
}

/**
 * The cluster's creation options that matter for replay (src/sim/types.ts
 * ClusterOptions without `seed`, which is the run's own field, and without
 * `transport` and `storageKey`, which say where the run is played, not what
 * happens in it).
 */
export interface RunOptions {
  readonly nodes: number;
  readonly electionTimeoutMs?: readonly [number, number];
  readonly heartbeatMs?: number;
  readonly network?: RunNetwork;
  readonly snapshotThreshold?: number;
  readonly leaderNoop?: boolean;
  /** Thesis §9.6 PreVote (absent: off). */
  readonly preVote?: boolean;
  /** Thesis §6.2 CheckQuorum (absent: off). */
  readonly checkQuorum?: boolean;
}

/** Where every action happened: virtual ms, and (when recorded) how many scheduler items were processed before it. */
interface ActionPlace {
  readonly at: number;
  readonly after?: number;
}

/** One recorded action (src/sim/types.ts ClusterAction, with `after` and the timer actions). */
export type RunAction = ActionPlace &
  (
    | { readonly kind: 'start'; readonly id: number; readonly command: string }
    | { readonly kind: 'timeout' | 'crash' | 'restart' | 'disconnect' | 'connect'; readonly id: number }
    | { readonly kind: 'setLink'; readonly from: number; readonly to: number; readonly up: boolean }
    | { readonly kind: 'partition'; readonly groups: readonly (readonly number[])[] }
    | { readonly kind: 'heal' | 'alignTimers' | 'spreadTimers' }
    | { readonly kind: 'setNetwork'; readonly opts: RunNetwork }
    | { readonly kind: 'dropMessage'; readonly id: number }
    | { readonly kind: 'transferLeadership'; readonly from: number; readonly to: number }
    | { readonly kind: 'addNode' | 'removeNode'; readonly id: number }
  );

/** A position in the run: how many scheduler items had been processed, and the virtual time, ms. */
export interface RunMoment {
  readonly after: number;
  readonly at: number;
}

/** A whole run, as a link or a file carries it. */
export interface Run {
  readonly format: typeof RUN_FORMAT;
  readonly options: RunOptions;
  readonly seed: number;
  readonly actions: readonly RunAction[];
  /** The moment on show when it was shared; the link opens there, paused. */
  readonly moment: RunMoment;
  /** Open as an embed: only the view and playback (for an iframe). */
  readonly embed?: boolean;
  /** Fault switches that deliberately break Raft in this run, by name, so a link says so. */
  readonly faults?: readonly string[];
  /** A teacher's captions at chosen moments ("your own lesson"): opening the run plays them as a lesson. */
  readonly captions?: readonly RunCaption[];
}

/** A caption at a moment of the run. */
export interface RunCaption extends RunMoment {
  readonly text: string;
}

/** Captions a run may carry, and the characters each may hold. */
export const MAX_CAPTIONS = 100;
export const MAX_CAPTION_LENGTH = 500;

// ------------------------------------------------------------ field schemas

/** Formats a value for a message without dumping a huge string. */
export function shown(x: unknown): string {
  if (typeof x === 'string') return x.length > 40 ? `a string of length ${x.length}` : JSON.stringify(x);
  if (typeof x === 'number' || typeof x === 'boolean' || x === null || x === undefined) return String(x);
  return Array.isArray(x) ? 'a list' : `an ${typeof x}`;
}

/** A whole number in min..max; `what` names it in the message ("a node id from 1 to 9"). */
function integer(min: number, max: number, what = 'a whole number') {
  return v.custom<number>(
    (x) => typeof x === 'number' && Number.isSafeInteger(x) && x >= min && x <= max,
    (i) => `must be ${what} from ${min} to ${max}, not ${shown(i.input)}`,
  );
}

/** A finite number in min..max. */
function finite(min: number, max: number, what = 'a number') {
  return v.custom<number>(
    (x) => typeof x === 'number' && Number.isFinite(x) && x >= min && x <= max,
    (i) => `must be ${what} from ${min} to ${max}, not ${shown(i.input)}`,
  );
}

/** A [min, max] pair with min <= max. */
function range(item: v.GenericSchema<unknown, number>, what: string) {
  return v.pipe(
    v.tuple([item, item]),
    v.check(([lo, hi]) => lo <= hi, `must be a [shortest, longest] pair of ${what} with the shortest first`),
  );
}

const rateSchema = finite(0, 1, 'a probability');
const delayRangeSchema = range(finite(0, MAX_RUN_DELAY_MS, 'a delay in ms'), 'delays');
const timeSchema = finite(0, MAX_RUN_TIME_MS, 'a virtual time in ms');
const countSchema = integer(0, Number.MAX_SAFE_INTEGER);
/**
 * Largest node id a run may name: addNode() gives each new node the highest
 * id ever + 1, so ids grow past MAX_NODES as nodes come and go (each add is
 * one action, so this is no real limit).
 */
export const MAX_RUN_NODE_ID = MAX_NODES + MAX_RUN_ACTIONS;
/** A node id; whether it is in the cluster is checked against `options.nodes` and the addNode actions below. */
const nodeIdSchema = v.custom<number>(
  (x) => typeof x === 'number' && Number.isSafeInteger(x) && x >= 1 && x <= MAX_RUN_NODE_ID,
  (i) => `must be a node id (a whole number from 1), not ${shown(i.input)}`,
);

const NetworkSchema = v.strictObject({
  delayMs: v.optional(delayRangeSchema),
  dropRate: v.optional(rateSchema),
  duplicateRate: v.optional(rateSchema),
  longDelayRate: v.optional(rateSchema),
  longDelayMs: v.optional(delayRangeSchema),
});

const OptionsSchema = v.strictObject({
  nodes: integer(MIN_NODES, MAX_NODES),
  electionTimeoutMs: v.optional(range(integer(1, MAX_ELECTION_TIMEOUT_MS, 'a whole number of ms'), 'election timeouts')),
  heartbeatMs: v.optional(integer(1, MAX_HEARTBEAT_MS, 'a whole number of ms')),
  network: v.optional(NetworkSchema),
  snapshotThreshold: v.optional(integer(0, MAX_SNAPSHOT_THRESHOLD, 'a whole number of entries')),
  leaderNoop: v.optional(v.boolean()),
  preVote: v.optional(v.boolean()),
  checkQuorum: v.optional(v.boolean()),
});

const place = { at: timeSchema, after: v.optional(countSchema) };

const commandSchema = v.custom<string>(
  (x) => typeof x === 'string' && x.length <= MAX_COMMAND_LENGTH,
  (i) =>
    typeof i.input === 'string'
      ? `must be a command of at most ${MAX_COMMAND_LENGTH} characters, not one of ${i.input.length}`
      : `must be a command (text), not ${shown(i.input)}`,
);

/** The action kinds, each with its own fields. */
const ACTION_SCHEMAS = {
  start: v.strictObject({ ...place, kind: v.literal('start'), id: nodeIdSchema, command: commandSchema }),
  timeout: v.strictObject({ ...place, kind: v.literal('timeout'), id: nodeIdSchema }),
  crash: v.strictObject({ ...place, kind: v.literal('crash'), id: nodeIdSchema }),
  restart: v.strictObject({ ...place, kind: v.literal('restart'), id: nodeIdSchema }),
  disconnect: v.strictObject({ ...place, kind: v.literal('disconnect'), id: nodeIdSchema }),
  connect: v.strictObject({ ...place, kind: v.literal('connect'), id: nodeIdSchema }),
  setLink: v.strictObject({ ...place, kind: v.literal('setLink'), from: nodeIdSchema, to: nodeIdSchema, up: v.boolean() }),
  partition: v.strictObject({
    ...place,
    kind: v.literal('partition'),
    groups: v.pipe(v.array(v.pipe(v.array(nodeIdSchema), v.maxLength(MAX_NODES))), v.maxLength(MAX_NODES)),
  }),
  heal: v.strictObject({ ...place, kind: v.literal('heal') }),
  alignTimers: v.strictObject({ ...place, kind: v.literal('alignTimers') }),
  spreadTimers: v.strictObject({ ...place, kind: v.literal('spreadTimers') }),
  setNetwork: v.strictObject({ ...place, kind: v.literal('setNetwork'), opts: NetworkSchema }),
  dropMessage: v.strictObject({ ...place, kind: v.literal('dropMessage'), id: countSchema }),
  transferLeadership: v.strictObject({ ...place, kind: v.literal('transferLeadership'), from: nodeIdSchema, to: nodeIdSchema }),
  addNode: v.strictObject({ ...place, kind: v.literal('addNode'), id: nodeIdSchema }),
  removeNode: v.strictObject({ ...place, kind: v.literal('removeNode'), id: nodeIdSchema }),
} as const;

/** Every action kind a run may hold. */
export const RUN_ACTION_KINDS = Object.keys(ACTION_SCHEMAS) as readonly (keyof typeof ACTION_SCHEMAS)[];

const ActionSchema = v.variant('kind', Object.values(ACTION_SCHEMAS));

/** The run's structure: every field of the right type and within its bounds. */
const RunObject = v.strictObject({
  format: v.literal(RUN_FORMAT),
  options: OptionsSchema,
  seed: integer(0, MAX_SEED),
  actions: v.pipe(v.array(ActionSchema), v.maxLength(MAX_RUN_ACTIONS, `must hold at most ${MAX_RUN_ACTIONS} actions`)),
  moment: v.strictObject({ after: countSchema, at: timeSchema }),
  embed: v.optional(v.boolean()),
  faults: v.optional(
    v.pipe(
      v.array(
        v.pipe(
          v.string(),
          v.regex(/^[\w.-]+$/, 'must be a fault name (letters, digits, _ . -)'),
          v.maxLength(MAX_FAULT_NAME_LENGTH, `must be at most ${MAX_FAULT_NAME_LENGTH} characters`),
        ),
      ),
      v.maxLength(MAX_FAULTS, `must name at most ${MAX_FAULTS} faults`),
    ),
  ),
  captions: v.optional(
    v.pipe(
      v.array(
        v.strictObject({
          after: countSchema,
          at: timeSchema,
          text: v.pipe(
            v.string(),
            v.minLength(1, 'must not be empty'),
            v.maxLength(MAX_CAPTION_LENGTH, `must be at most ${MAX_CAPTION_LENGTH} characters`),
          ),
        }),
      ),
      v.maxLength(MAX_CAPTIONS, `must hold at most ${MAX_CAPTIONS} captions`),
    ),
  ),
});

type RunShape = v.InferOutput<typeof RunObject>;

/** Human position of an action: 1 for the first. */
function actionLabel(actions: readonly { kind: string }[], index: number): string {
  return `action ${index + 1} (${actions[index]?.kind ?? '?'})`;
}

/** The node ids an action names, with the field each is in. */
function nodeIdsOf(a: RunShape['actions'][number]): [string, number][] {
  switch (a.kind) {
    case 'start':
    case 'timeout':
    case 'crash':
    case 'restart':
    case 'disconnect':
    case 'connect':
    case 'removeNode':
      return [['id', a.id]];
    case 'setLink':
    case 'transferLeadership':
      return [
        ['from', a.from],
        ['to', a.to],
      ];
    case 'partition':
      return a.groups.flatMap((g, gi) => g.map((id): [string, number] => [`groups[${gi}]`, id]));
    default:
      return [];
  }
}

/**
 * What is wrong across fields, or null: node ids within 1..nodes (or up to
 * the last node an addNode created, which must be the highest id + 1), a node in
 * at most one partition group, actions in the order they happened (at and
 * after never decreasing), and the §5.6 timing the engine insists on.
 */
function crossFieldProblem(run: RunShape): string | null {
  const { nodes } = run.options;
  const shortest = run.options.electionTimeoutMs?.[0] ?? DEFAULT_ELECTION_TIMEOUT_MS[0];
  if (run.options.heartbeatMs !== undefined && run.options.heartbeatMs >= shortest) {
    return `options: the heartbeat (${run.options.heartbeatMs} ms) must be shorter than the shortest election timeout (${shortest} ms) (§5.6)`;
  }
  let lastAt = 0;
  let lastAfter = 0;
  let highest = nodes;
  for (let i = 0; i < run.actions.length; i++) {
    const a = run.actions[i]!;
    const label = actionLabel(run.actions, i);
    if (a.kind === 'addNode') {
      if (a.id !== highest + 1) return `${label}: the new node must be node ${highest + 1} (the highest id so far + 1), not ${a.id}`;
      highest = a.id;
    }
    for (const [, id] of nodeIdsOf(a)) {
      if (id > highest) {
        return highest === nodes
          ? `${label}: node ${id} is not in a ${nodes}-node cluster`
          : `${label}: node ${id} is not in the cluster (nodes 1–${highest} so far)`;
      }
    }
    if (a.kind === 'partition') {
      const seen = new Set<number>();
      for (const id of a.groups.flat()) {
        if (seen.has(id)) return `${label}: node ${id} is in more than one group`;
        seen.add(id);
      }
    }
    if (a.at < lastAt) return `${label} at ${a.at} ms comes after an action at ${lastAt} ms: actions must be in the order they happened`;
    lastAt = a.at;
    if (a.after !== undefined) {
      if (a.after < lastAfter) {
        return `${label} after ${a.after} events comes after an action after ${lastAfter} events: actions must be in the order they happened`;
      }
      lastAfter = a.after;
    }
  }
  return null;
}

/** The whole schema: structure, then the checks across fields. */
export const RunSchema = v.pipe(
  RunObject,
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const problem = crossFieldProblem(dataset.value);
    if (problem !== null) addIssue({ message: problem });
  }),
);

// Checked by the compiler: a run the schema accepts is a Run, and a run's
// actions are the cluster's own, both ways (so `cluster.actions()` goes into a
// run and a decoded run's actions go to `replayActions` as they are; a new
// action kind in src/sim/types.ts fails here until the schema knows it).
const _accepted: (x: v.InferOutput<typeof RunSchema>) => Run = (x) => x;
const _fromCluster: (a: ClusterAction) => RunAction = (a) => a;
const _toCluster: (a: RunAction) => ClusterAction = (a) => a;

// ---------------------------------------------------------------- reasons

/** Valibot's own issues (type, literal, strict-object key, variant tag) in plain words. */
function builtinMessage(issue: v.BaseIssue<unknown>): string {
  if (issue.type === 'strict_object' && issue.expected === 'never') return 'is not a field this Raft Lab knows';
  if (issue.input === undefined && issue.received === 'undefined' && issue.path) return 'is missing';
  // v.variant reports a bad tag at the tag's own path, and a non-object at the action's.
  if (issue.type === 'variant' && issue.path?.at(-1)?.key !== 'kind')
    return `must be an action (an object with a kind), not ${shown(issue.input)}`;
  if (issue.type === 'variant') return `must be a known action kind (${RUN_ACTION_KINDS.join(', ')}), not ${shown(issue.input)}`;
  if (issue.type === 'literal') return `must be ${issue.expected}, not ${shown(issue.input)}`;
  const wanted: Record<string, string> = {
    number: 'a number',
    string: 'text',
    boolean: 'true or false',
    Object: 'an object',
    Array: 'a list',
  };
  return `must be ${wanted[issue.expected ?? ''] ?? issue.expected ?? 'something else'}, not ${shown(issue.input)}`;
}

/** "options.network.dropRate", or "action 3 (crash): id". */
function where(issue: v.BaseIssue<unknown>): string {
  const path = issue.path ?? [];
  let text = '';
  let start = 0;
  if (path[0]?.key === 'actions' && typeof path[1]?.key === 'number') {
    const kind = path[1].value as { kind?: unknown } | null;
    const known = typeof kind === 'object' && kind !== null && typeof kind.kind === 'string' && /^\w{1,40}$/.test(kind.kind);
    text = `action ${path[1].key + 1}${known ? ` (${String(kind.kind)})` : ''}`;
    start = 2;
    if (path.length === 2) return text;
    text += ':';
  }
  let field = '';
  for (const item of path.slice(start)) {
    if (typeof item.key === 'number') field += `[${item.key}]`;
    else field += field === '' ? String(item.key) : `.${String(item.key)}`;
  }
  return text === '' ? field : `${text} ${field}`;
}

/** Whether `value` is a run this Raft Lab can play, with the first thing wrong in plain words if not. */
export function checkRun(value: unknown): { ok: true; run: Run } | { ok: false; error: string } {
  // Format first: a newer run may have any shape, and saying "newer" beats naming a field we do not know.
  if (Array.isArray(value)) return { ok: false, error: 'the run must be an object, not a list' };
  if (typeof value === 'object' && value !== null) {
    const format = (value as { format?: unknown }).format;
    if (typeof format === 'number' && Number.isInteger(format) && format > RUN_FORMAT) {
      return { ok: false, error: `format ${format} is newer than this Raft Lab understands (${RUN_FORMAT})` };
    }
  }
  const result = v.safeParse(RunSchema, value, { abortEarly: true, message: builtinMessage });
  if (result.success) return { ok: true, run: result.output };
  const issue = result.issues[0];
  if (issue.type === 'raw_check') return { ok: false, error: issue.message };
  const place = where(issue);
  return { ok: false, error: place === '' ? `the run ${issue.message}` : `${place} ${issue.message}` };
}
