/**
 * The import worker's protocol (issue 14, "Import in the app"): one tagged
 * union per direction, every field with its meaning and units, all
 * structured-clonable, checked on arrival with the valibot schemas below.
 *
 * The page asks for one import (`start`); the worker reads the file (or the
 * same-origin URL) as a stream, pushes its text through a TraceImporter and
 * answers, in order: `progress` about ten times a second, then `parsed` (the
 * trace's summary and its send/receive pairing as typed arrays), the events
 * in `events` batches (so no single message costs the page a long task to
 * receive), `loaded`; then, while the page already shows the trace, the
 * whole-trace safety check (`checking`, `checked`). Or `failed` at any
 * point before `loaded`. Cancelling is terminating the worker.
 */
import * as v from 'valibot';
import type { NodeId } from '../raft';
import { TRACE_FORMATS, type TraceFormatName } from './adapter';
import type { TraceViolation } from './check';
import type { LocatedEvent, TraceMeta } from './format';
import type { TraceProblem } from './reader';

/** Events per `events` message: small enough that the page receives one well inside a frame. */
export const IMPORT_BATCH_EVENTS = 5_000;
/** Wall ms between `progress` (and `checking`) messages. */
export const IMPORT_PROGRESS_MS = 100;
/** Violations the whole-trace check sends back at most (it counts them all). */
export const IMPORT_MAX_VIOLATIONS = 100;

/** What to import: a file the user chose or dropped, or a URL of the page's own origin (`?trace=`). */
export type ImportSource =
  | {
      readonly kind: 'file';
      /** The File (or any Blob); read as a stream, never whole. */
      readonly file: Blob;
      /** Its name, for the label. */
      readonly name: string;
    }
  | {
      readonly kind: 'url';
      /** Absolute URL, same origin as the page (the page checks that before asking). */
      readonly url: string;
      readonly name: string;
    };

/** Page → worker. */
export type ToImportWorker = {
  readonly type: 'start';
  readonly source: ImportSource;
  /** The format named by the user; null: detected from the first lines. */
  readonly format: TraceFormatName | null;
};

/** A trace's send/receive pairing (TraceCluster's Pairing) as typed arrays, transferred, not copied. */
export interface PackedPairing {
  /** Per event index: the message id of its send or receive, 0 if none. */
  readonly messageOf: Int32Array;
  /** Per message id: when it arrives or is dropped (trace ms), NaN if the trace never shows it. */
  readonly endOf: Float64Array;
  /** Event indexes of receives with no send in the trace. */
  readonly orphans: Int32Array;
  /** How long a message with no receive is drawn in flight (ms). */
  readonly flightMs: number;
}

/** Worker → page. */
export type FromImportWorker =
  | {
      readonly type: 'progress';
      /** Bytes of the file read so far. */
      readonly bytesRead: number;
      /** The file's size in bytes; null when a URL does not say (no Content-Length). */
      readonly bytesTotal: number | null;
      /** Events read so far. */
      readonly events: number;
    }
  | {
      readonly type: 'parsed';
      readonly format: TraceFormatName;
      /** Events in the trace (sent next, in batches). */
      readonly events: number;
      /** Lines in the file. */
      readonly lines: number;
      /** Node ids with the trace's names for them, ids ascending. */
      readonly nodes: readonly { readonly id: NodeId; readonly name: string }[];
      /** How names became numbers, or null. */
      readonly note: string | null;
      readonly meta: TraceMeta | null;
      /** Bad lines skipped (at most MAX_BAD_LINES). */
      readonly problems: readonly TraceProblem[];
      readonly pairing: PackedPairing;
    }
  | {
      readonly type: 'events';
      /** Index of the batch's first event in the trace. */
      readonly from: number;
      /** Events from the worker's TraceImporter (each line already checked against the trace format's schema). */
      readonly events: readonly LocatedEvent[];
    }
  | { readonly type: 'loaded' }
  | {
      readonly type: 'checking';
      /** Events the whole-trace check has played so far, of `total`. */
      readonly done: number;
      readonly total: number;
    }
  | {
      readonly type: 'checked';
      /** The first IMPORT_MAX_VIOLATIONS violations, in trace order. */
      readonly violations: readonly TraceViolation[];
      /** Violations found in all. */
      readonly count: number;
    }
  | {
      readonly type: 'failed';
      /** For the user: why the import stopped (TraceImportError's message, or a read failure). */
      readonly message: string;
      /** The bad lines found before it stopped. */
      readonly problems: readonly TraceProblem[];
    };

const Count = v.pipe(v.number(), v.integer(), v.minValue(0));
const Format = v.picklist(TRACE_FORMATS as ['raftlab', 'etcd', 'student']);
const Problem = v.object({ line: Count, reason: v.string(), text: v.string() });

export const ToImportWorkerSchema = v.object({
  type: v.literal('start'),
  source: v.variant('kind', [
    v.object({ kind: v.literal('file'), file: v.instance(Blob), name: v.string() }),
    v.object({ kind: v.literal('url'), url: v.pipe(v.string(), v.url()), name: v.string() }),
  ]),
  format: v.nullable(Format),
});

const Violation = v.object({
  property: v.string(),
  message: v.string(),
  node: v.string(),
  nodeId: Count,
  at: v.number(),
  line: Count,
  position: Count,
});

export const FromImportWorkerSchema = v.variant('type', [
  v.object({ type: v.literal('progress'), bytesRead: Count, bytesTotal: v.nullable(Count), events: Count }),
  v.object({
    type: v.literal('parsed'),
    format: Format,
    events: Count,
    lines: Count,
    nodes: v.array(v.object({ id: Count, name: v.string() })),
    note: v.nullable(v.string()),
    meta: v.nullable(v.looseObject({ kind: v.literal('meta') })),
    problems: v.array(Problem),
    pairing: v.object({
      messageOf: v.instance(Int32Array),
      endOf: v.instance(Float64Array),
      orphans: v.instance(Int32Array),
      flightMs: v.number(),
    }),
  }),
  // The events themselves were checked line by line in the worker (TraceEventSchema); here only the envelope.
  v.object({ type: v.literal('events'), from: Count, events: v.array(v.looseObject({ kind: v.string(), line: Count })) }),
  v.object({ type: v.literal('loaded') }),
  v.object({ type: v.literal('checking'), done: Count, total: Count }),
  v.object({ type: v.literal('checked'), violations: v.array(Violation), count: Count }),
  v.object({ type: v.literal('failed'), message: v.string(), problems: v.array(Problem) }),
]);

/** A message from the worker, checked; null (with the reason) if it is not one. */
export function readFromImportWorker(data: unknown): { ok: true; message: FromImportWorker } | { ok: false; reason: string } {
  const result = v.safeParse(FromImportWorkerSchema, data);
  if (!result.success) return { ok: false, reason: v.summarize(result.issues) };
  return { ok: true, message: data as FromImportWorker };
}
