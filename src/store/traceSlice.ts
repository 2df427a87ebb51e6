/**
 * The trace slice (issue 14, "Import in the app"): importing a trace from
 * another Raft (or Raft Lab's own), playing it read-only, and downloading
 * the live run as a trace.
 *
 * An import runs in a worker (src/trace/import-client.ts) while the current
 * run goes on untouched; only once the whole trace is on the page does a
 * TraceCluster replace the cluster — through the same queue as "Reset
 * cluster", so every view (ring, logs, space-time diagram, timeline,
 * narration) shows it through the one Cluster interface. A failed or
 * cancelled import changes nothing but a notice. The worker then checks the
 * whole trace with the safety monitor (TraceMonitor) and its violations are
 * listed, each with the timeline position to jump to.
 */
import { TRACE_LIMIT, type Cluster } from '../sim';
import { exportNdjson, TraceCluster, type TraceFormatName, type TraceProblem, type TraceViolation } from '../trace';
import { ImportCancelled, startTraceImport, type ImportHandle, type ImportProgress, type ImportTransport } from '../trace/import-client';
import type { ImportSource } from '../trace/import-protocol';
import type { FlushFollower, LabGet, LabSet, LabState, OnNewCluster } from './labTypes';
import { errorText } from './noticesSlice';

/** Bad lines listed in the import summary (the rest are counted). */
export const TRACE_PROBLEMS_SHOWN = 20;
/** Events a jump to a violation ahead plays per slice before giving the page its turn. */
const JUMP_SLICE = 2000;

/** The imported trace on show. */
export interface TraceInfo {
  /** The file's name or URL. */
  readonly source: string;
  readonly format: TraceFormatName;
  readonly events: number;
  readonly nodes: number;
  readonly lines: number;
  /** How the trace's node names became Raft Lab's numbers, or null. */
  readonly note: string | null;
  /** The first TRACE_PROBLEMS_SHOWN bad lines (skipped). */
  readonly problems: readonly TraceProblem[];
  /** Bad lines in all. */
  readonly problemCount: number;
}

/** An import under way. */
export interface TraceImportState extends ImportProgress {
  readonly source: string;
}

/** The whole-trace safety check of the trace on show. */
export type TraceCheck =
  | { readonly state: 'checking'; readonly done: number; readonly total: number }
  | { readonly state: 'done'; readonly violations: readonly TraceViolation[]; readonly count: number }
  | { readonly state: 'failed'; readonly message: string };

/** The last import that failed: its message and the bad lines it found. */
export interface TraceFailure {
  readonly source: string;
  readonly message: string;
  readonly problems: readonly TraceProblem[];
  readonly problemCount: number;
}

export interface TraceSlice {
  /** The imported trace on show (the cluster is then a read-only TraceCluster), or null for a live run. */
  readonly trace: TraceInfo | null;
  /** The import under way, or null. */
  readonly traceImport: TraceImportState | null;
  /** The trace's safety check (null for a live run). */
  readonly traceCheck: TraceCheck | null;
  /** The last failed import (cleared by the next import or a success). */
  readonly traceFailure: TraceFailure | null;
  /** The format imports are read as (the Traces panel's menu): null = detected from the first lines. */
  readonly traceFormat: TraceFormatName | null;
  setTraceFormat(format: TraceFormatName | null): void;
  /**
   * Imports a trace (a chosen or dropped file, or a same-origin URL); the
   * format named, or detected if null. The current run is replaced only
   * once the import succeeded; true then. One import at a time: a new one
   * cancels the one under way. `format` defaults to `traceFormat`.
   */
  importTrace(source: ImportSource, format?: TraceFormatName | null): Promise<boolean>;
  /** `?trace=<url>`: the URL is resolved against the page; another origin is refused with a notice. */
  importTraceUrl(url: string, format?: TraceFormatName | null): Promise<boolean>;
  /** Stops the import under way; the current run stays as it is. */
  cancelImport(): void;
  /** Leaves the imported trace for a fresh live run (the settings in force before the import). */
  closeTrace(): Promise<boolean>;
  /** The live run as Raft Lab trace NDJSON (null while a trace is on show). */
  exportTrace(): string | null;
  /** Shows the moment just after a violation's event: the timeline's past, or playing the trace ahead to it. */
  showTraceMoment(position: number): Promise<void>;
}

function infoOf(c: TraceCluster): TraceInfo {
  const t = c.imported;
  return {
    source: t.source,
    format: t.format,
    events: t.events.length,
    nodes: t.names.ids.length,
    lines: t.lines,
    note: t.names.note,
    problems: t.problems.slice(0, TRACE_PROBLEMS_SHOWN),
    problemCount: t.problems.length,
  };
}

/** "1,234 events" */
const count = (n: number, word: string) => `${n.toLocaleString('en')} ${word}${n === 1 ? '' : 's'}`;

export function createTraceSlice(
  set: LabSet,
  get: LabGet,
  transport: ImportTransport = 'auto',
): { slice: TraceSlice; follower: FlushFollower; onNewCluster: OnNewCluster } {
  /** The import under way. */
  let current: ImportHandle | null = null;
  /** The import of the trace on show, while its whole-trace check runs. */
  let checking: ImportHandle | null = null;
  /** The TraceCluster an import is putting in the store, with its check. */
  let incoming: { cluster: TraceCluster; handle: ImportHandle } | null = null;

  const stopCurrent = () => {
    current?.cancel();
    current = null;
  };

  const slice: TraceSlice = {
    trace: null,
    traceImport: null,
    traceCheck: null,
    traceFailure: null,
    traceFormat: null,
    setTraceFormat: (format) => set({ traceFormat: format }),

    async importTrace(source, format = get().traceFormat) {
      stopCurrent();
      const handle = startTraceImport(
        source,
        format,
        {
          onProgress: (p) => {
            if (current === handle) set({ traceImport: { ...p, source: source.name } });
          },
          onChecking: (done, total) => {
            if (get().cluster === incoming?.cluster || isTraceOf(get().cluster, handle))
              set({ traceCheck: { state: 'checking', done, total } });
          },
        },
        transport,
      );
      current = handle;
      set({
        traceImport: { phase: 'reading', bytesRead: 0, bytesTotal: null, events: 0, loaded: 0, source: source.name },
        traceFailure: null,
      });
      get().clearNotice('trace');
      let cluster: TraceCluster;
      try {
        const { imported, pairing } = await handle.done;
        cluster = new TraceCluster(imported, pairing);
      } catch (err) {
        if (current !== handle) return false; // replaced by a newer import
        current = null;
        set({ traceImport: null });
        if (err instanceof ImportCancelled) {
          get().notify('trace', 'info', `Import of ${source.name} cancelled; the run on show goes on as it was.`);
          return false;
        }
        const problems = (err as { problems?: readonly TraceProblem[] }).problems ?? [];
        set({
          traceFailure: {
            source: source.name,
            message: errorText(err),
            problems: problems.slice(0, TRACE_PROBLEMS_SHOWN),
            problemCount: problems.length,
          },
        });
        get().notify('trace', 'error', `${source.name} was not imported: ${errorText(err)} The run on show goes on as it was.`);
        return false;
      }
      if (current !== handle) return false;
      const info = infoOf(cluster);
      incoming = { cluster, handle };
      const done = await get().replaceCluster(
        () => Promise.resolve(cluster as Cluster),
        `Imported ${info.source}: ${count(info.events, 'event')} from ${info.format}, ${count(info.nodes, 'node')}. Press Play or Step to watch it.`,
      );
      incoming = null;
      if (current === handle) current = null;
      set({ traceImport: null });
      if (!done) {
        handle.cancel();
        return false;
      }
      // The check goes on in the worker; its result counts only while this trace is on show.
      checking = handle;
      handle.checked.then(
        (result) => {
          if (isTraceOf(get().cluster, handle)) set({ traceCheck: { state: 'done', ...result } });
          if (checking === handle) checking = null;
        },
        (err: unknown) => {
          if (isTraceOf(get().cluster, handle) && !(err instanceof ImportCancelled))
            set({ traceCheck: { state: 'failed', message: errorText(err) } });
        },
      );
      return true;
    },

    importTraceUrl(url, format = get().traceFormat) {
      let resolved: URL;
      try {
        resolved = new URL(url, location.href);
      } catch {
        get().notify('trace', 'error', `"${url}" is not a URL, so no trace was imported.`);
        return Promise.resolve(false);
      }
      if (resolved.origin !== location.origin) {
        get().notify(
          'trace',
          'error',
          `Traces are imported only from this site (${location.origin}); ${resolved.origin} is another origin. Download the file and choose it with "Import trace…" instead.`,
        );
        return Promise.resolve(false);
      }
      const name = decodeURIComponent(resolved.pathname.split('/').pop() || resolved.href);
      return get().importTrace({ kind: 'url', url: resolved.href, name }, format);
    },

    cancelImport() {
      if (!get().traceImport) return;
      // The await in importTrace sees the cancellation and says so.
      current?.cancel();
    },

    closeTrace() {
      const s = get();
      if (!s.trace) return Promise.resolve(false);
      return s.resetCluster(String(s.config.nodes), String(s.config.seed));
    },

    exportTrace() {
      const s = get();
      if (s.cluster instanceof TraceCluster) return null;
      const events = s.cluster.trace();
      // The cluster keeps its last TRACE_LIMIT events: a longer run exports only those, and says so.
      const cut = events.length >= TRACE_LIMIT ? `, only its last ${TRACE_LIMIT.toLocaleString('en')} events` : '';
      // The founding voters (thesis §4.1), so majorities are counted as the run did once members come and go.
      const founders = Array.from({ length: s.config.nodes }, (_, i) => i + 1);
      return exportNdjson(s.everIds, events, `Raft Lab, ${s.config.nodes} nodes, seed ${s.config.seed}${cut}`, founders);
    },

    async showTraceMoment(position) {
      const s = get();
      const c = s.cluster;
      if (!(c instanceof TraceCluster) || !Number.isInteger(position) || position < 0 || position > c.length) return;
      s.setPlaying(false);
      if (position < c.processed()) {
        await s.reviewAt(position);
        return;
      }
      s.leaveReview();
      // Ahead of the playback: play the trace on to it, a slice at a time (the views follow every event).
      while (get().cluster === c && c.processed() < position) {
        await c.runToPosition(Math.min(position, c.processed() + JUMP_SLICE), 0);
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
      if (get().cluster === c) get().sync();
    },
  };

  return {
    slice,
    follower: {
      after: (_before, after) => {
        // The end of an imported trace: nothing more will happen, so playing stops.
        const c = after.cluster;
        if (after.playing && c instanceof TraceCluster && c.processed() >= c.length) {
          set({ playing: false });
          get().notify('trace', 'info', `End of the trace: all ${count(c.length, 'event')} shown. The timeline goes back through it.`);
        }
      },
    },
    onNewCluster(next) {
      // The trace on show is replaced: its check stops.
      checking?.cancel();
      checking = null;
      if (next instanceof TraceCluster && incoming?.cluster === next) {
        traceOf.set(next, incoming.handle);
        return { trace: infoOf(next), traceCheck: { state: 'checking', done: 0, total: next.length } };
      }
      // Any other cluster (Close trace, a reset, a lesson, a shared run): a live run again.
      return { trace: null, traceCheck: null };
    },
  };
}

/** Which import each TraceCluster came from (for its check's result). */
const traceOf = new WeakMap<TraceCluster, ImportHandle>();
function isTraceOf(c: Cluster, handle: ImportHandle): boolean {
  return c instanceof TraceCluster && traceOf.get(c) === handle;
}

/** The imported trace on show, or null. */
export const selectTrace = (s: LabState) => s.trace;
/** Is an imported trace on show (the engine's actions are off)? */
export const selectImported = (s: LabState) => s.trace !== null;
export const selectTraceImport = (s: LabState) => s.traceImport;
export const selectTraceCheck = (s: LabState) => s.traceCheck;
export const selectTraceFailure = (s: LabState) => s.traceFailure;
export const selectTraceFormat = (s: LabState) => s.traceFormat;
