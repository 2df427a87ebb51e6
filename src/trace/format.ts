/**
 * Raft Lab's trace format (docs/trace-format.md): newline-delimited JSON, one
 * event per line, `{ t, node, kind, ... }`. Every adapter (etcd-io/raft's
 * TLA+ trace, a student's DPrintf lines, Raft Lab's own runs) turns its input
 * into these events; the importer, the views and the checker read only them.
 *
 * The schema here (valibot) is the one source of truth: the JSON Schema in
 * docs/trace-format.schema.json is generated from it (test/trace/schema.test.ts
 * fails if the two drift).
 */
import * as v from 'valibot';
import { MESSAGE_TYPES } from '../raft';

export const TRACE_FORMAT = 'raft-lab-trace';
export const TRACE_VERSION = 1;

/** A node's name in a trace: any string or number (`3`, `"3"`, `"S3"`, `"n3"`, `"alpha"`). */
const NodeName = v.pipe(
  v.union([v.pipe(v.string(), v.minLength(1), v.maxLength(64)), v.pipe(v.number(), v.integer(), v.minValue(0))]),
  v.transform((n) => String(n)),
);

const Count = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(Number.MAX_SAFE_INTEGER));
const Time = v.pipe(v.number(), v.finite(), v.minValue(0));
/** Free text from the trace: shown in the narration and the why panel. */
const Note = v.optional(v.pipe(v.string(), v.maxLength(2000)));

/** One log entry as a trace states it (its index comes from its position). */
const TraceEntrySchema = v.object({
  term: Count,
  /** The command, if the trace knows it ("" or absent: unknown). */
  command: v.optional(v.pipe(v.string(), v.maxLength(10_000))),
});
export type TraceEntry = v.InferOutput<typeof TraceEntrySchema>;

/**
 * An RPC as a trace states it: Figure 2's field names, each optional except
 * `type` and `term` (a trace says what it knows). `entries` is the list, or
 * only how many there were.
 */
const TraceMessageSchema = v.looseObject({
  type: v.picklist(MESSAGE_TYPES),
  term: Count,
  lastLogIndex: v.optional(Count),
  lastLogTerm: v.optional(Count),
  voteGranted: v.optional(v.boolean()),
  prevLogIndex: v.optional(Count),
  prevLogTerm: v.optional(Count),
  entries: v.optional(v.union([v.array(TraceEntrySchema), Count])),
  leaderCommit: v.optional(Count),
  success: v.optional(v.boolean()),
  matchIndex: v.optional(Count),
  conflictIndex: v.optional(Count),
  conflictTerm: v.optional(Count),
  lastIncludedIndex: v.optional(Count),
  lastIncludedTerm: v.optional(Count),
});
export type TraceMessage = v.InferOutput<typeof TraceMessageSchema>;

export const ROLES = ['follower', 'candidate', 'leader'] as const;
export type TraceRole = (typeof ROLES)[number];

const base = { t: Time, node: NodeName, reason: Note };

/** The first line may say what the file is; every field is optional. */
export const TraceMetaSchema = v.object({
  kind: v.literal('meta'),
  format: v.optional(v.literal(TRACE_FORMAT)),
  version: v.optional(v.literal(TRACE_VERSION)),
  /** Every node, in the order to show them (else: in order of appearance). */
  nodes: v.optional(v.pipe(v.array(NodeName), v.maxLength(64))),
  /** Where the trace came from (a program, a seed, a test name). */
  source: Note,
});
export type TraceMeta = v.InferOutput<typeof TraceMetaSchema>;

export const TraceEventSchema = v.variant('kind', [
  /** The node's state now (any subset): Figure 2's persistent and volatile state. */
  v.object({
    ...base,
    kind: v.literal('state'),
    term: v.optional(Count),
    /** Whom it voted for in `term` ("" or null: nobody). */
    vote: v.optional(v.nullable(v.union([NodeName, v.literal('')]))),
    role: v.optional(v.picklist(ROLES)),
    commitIndex: v.optional(Count),
    /** Length of its log (last index), when the trace knows it but not the entries. */
    lastIndex: v.optional(Count),
    lastTerm: v.optional(Count),
    /** Voters of its configuration, if the trace states them. */
    voters: v.optional(v.pipe(v.array(NodeName), v.maxLength(64))),
  }),
  /** It sent an RPC. `id` (optional) pairs it with its receive. */
  v.object({
    ...base,
    kind: v.literal('send'),
    to: NodeName,
    id: v.optional(v.string()),
    msg: TraceMessageSchema,
    /** When the network will deliver it, if the tracer knows (a simulator does); else it is drawn until its receive. */
    deliverAt: v.optional(Time),
  }),
  /** It received an RPC. */
  v.object({ ...base, kind: v.literal('receive'), from: NodeName, id: v.optional(v.string()), msg: TraceMessageSchema }),
  /** The network lost a message (optional: traces from real systems rarely know). */
  v.object({
    ...base,
    kind: v.literal('drop'),
    from: NodeName,
    to: NodeName,
    id: v.optional(v.string()),
    msg: v.optional(TraceMessageSchema),
  }),
  /** It answered a RequestVote (§5.2): granted or not. */
  v.object({ ...base, kind: v.literal('vote'), term: Count, candidate: NodeName, granted: v.boolean() }),
  /**
   * Entries now in its log from `index` on, by Figure 2's AppendEntries rule 3–4:
   * an entry whose index and term it already holds is kept; one that
   * conflicts is deleted with all that follow, then the new one written.
   */
  v.object({
    ...base,
    kind: v.literal('append'),
    index: v.pipe(Count, v.minValue(1)),
    entries: v.pipe(v.array(TraceEntrySchema), v.minLength(1)),
  }),
  /** Entries from index `from` on were deleted from its log. */
  v.object({ ...base, kind: v.literal('truncate'), from: v.pipe(Count, v.minValue(1)) }),
  /** Its commitIndex (§5.3). */
  v.object({ ...base, kind: v.literal('commit'), commitIndex: Count }),
  /** It applied an entry to its state machine (§5.3). */
  v.object({ ...base, kind: v.literal('apply'), index: v.pipe(Count, v.minValue(1)), term: Count, command: v.optional(v.string()) }),
  /** It stopped (its volatile state is gone). */
  v.object({ ...base, kind: v.literal('crash') }),
  /** It started again from its disk. */
  v.object({ ...base, kind: v.literal('restart') }),
  /** Its log through `index` (term `term`) is now a snapshot (§7): compacted itself, or installed from the leader. */
  v.object({
    ...base,
    kind: v.literal('snapshot'),
    index: Count,
    term: Count,
    how: v.optional(v.picklist(['compacted', 'installed'])),
  }),
]);

export type TraceEvent = v.InferOutput<typeof TraceEventSchema>;
export type TraceEventKind = TraceEvent['kind'];
export type TraceEventOf<K extends TraceEventKind> = Extract<TraceEvent, { kind: K }>;

/** Any line of a Raft Lab trace file. */
export const TraceLineSchema = v.union([TraceMetaSchema, TraceEventSchema]);

/** A trace event with the line it came from (1-based), for reports and jumps. */
export type LocatedEvent = TraceEvent & { readonly line: number };

/** The words of the first issue valibot found, with its path ("msg.term: Invalid type …"). */
export function describeIssues(issues: readonly v.BaseIssue<unknown>[]): string {
  const issue = issues[0];
  if (!issue) return 'invalid';
  const path = v.getDotPath(issue);
  // A variant's own message lists the kinds it knows.
  return path ? `${path}: ${issue.message}` : issue.message;
}
