/**
 * The page's side of an import: starts the import worker (the one factory
 * that makes it), follows its messages, and assembles the ImportedTrace on
 * the main thread without a long task — events arrive in batches and the
 * pairing as typed arrays, and both are put together in slices with a yield
 * to the page between them. Where module workers are missing (jsdom in the
 * component tests), the same job runs on the page (import-job.ts).
 */
import type { NodeId } from '../raft';
import type { TraceViolation } from './check';
import type { ImportedTrace, Pairing } from './cluster';
import type { LocatedEvent } from './format';
import type { TraceFormatName } from './adapter';
import { runImportJob } from './import-job';
import { readFromImportWorker, type FromImportWorker, type ImportSource, type PackedPairing, type ToImportWorker } from './import-protocol';
import type { NodeNames } from './names';
import { TraceImportError } from './reader';

/** The import worker: one per import, made only here. */
export function createImportWorker(): Worker {
  return new Worker(new URL('./import.worker.ts', import.meta.url), { type: 'module' });
}

/** How far an import has come (for the progress bar). */
export interface ImportProgress {
  /** 'reading': the file is being read and parsed in the worker; 'loading': the page is taking the events. */
  readonly phase: 'reading' | 'loading';
  readonly bytesRead: number;
  readonly bytesTotal: number | null;
  readonly events: number;
  /** Events the page has taken so far (phase 'loading'), of `events`. */
  readonly loaded: number;
}

/** The whole-trace safety check's result. */
export interface TraceCheckResult {
  readonly violations: readonly TraceViolation[];
  readonly count: number;
}

export interface ImportHandlers {
  onProgress?(progress: ImportProgress): void;
  /** The whole-trace check's progress, after `done` resolved. */
  onChecking?(done: number, total: number): void;
}

export interface ImportHandle {
  /** The trace and its pairing; rejects with a TraceImportError (its message for the user), or an ImportCancelled. */
  readonly done: Promise<{ readonly imported: ImportedTrace; readonly pairing: Pairing }>;
  /** The whole-trace check, after `done`; rejects if cancelled or if the worker failed. */
  readonly checked: Promise<TraceCheckResult>;
  /** Stops the import (the worker is terminated); `done` and `checked` reject with ImportCancelled if still pending. */
  cancel(): void;
}

/** The rejection of a cancelled import. */
export class ImportCancelled extends Error {
  constructor() {
    super('The import was cancelled.');
    this.name = 'ImportCancelled';
  }
}

/** Where the import runs: 'worker' (the app), 'inline' (no module workers), or 'auto' (worker when there is one). */
export type ImportTransport = 'worker' | 'inline' | 'auto';

/** Gives the page its turn (input, rendering) between slices of work. */
function yieldToPage(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Map entries put in per slice when unpacking the pairing. */
const UNPACK_SLICE = 20_000;

/** The pairing back as TraceCluster's Maps, a slice at a time. */
async function unpackPairing(packed: PackedPairing): Promise<Pairing> {
  const messageOf = new Map<number, number>();
  const endOf = new Map<number, number>();
  for (let i = 0; i < packed.messageOf.length; i += UNPACK_SLICE) {
    const end = Math.min(packed.messageOf.length, i + UNPACK_SLICE);
    for (let k = i; k < end; k++) {
      const id = packed.messageOf[k]!;
      if (id !== 0) messageOf.set(k, id);
    }
    await yieldToPage();
  }
  for (let i = 0; i < packed.endOf.length; i += UNPACK_SLICE) {
    const end = Math.min(packed.endOf.length, i + UNPACK_SLICE);
    for (let id = i; id < end; id++) {
      const t = packed.endOf[id]!;
      if (!Number.isNaN(t)) endOf.set(id, t);
    }
    await yieldToPage();
  }
  return { messageOf, endOf, orphans: new Set(packed.orphans), flightMs: packed.flightMs };
}

/** The trace's node names, as the worker numbered them. */
export function namesFrom(nodes: readonly { readonly id: NodeId; readonly name: string }[], note: string | null): NodeNames {
  const idOf = new Map(nodes.map((n) => [n.name, n.id]));
  const nameOf = new Map(nodes.map((n) => [n.id, n.name]));
  return {
    ids: nodes.map((n) => n.id).sort((a, b) => a - b),
    idOf: (name) => {
      const id = idOf.get(name);
      if (id === undefined) throw new Error(`node ${JSON.stringify(name)} is not in this trace`);
      return id;
    },
    nameOf: (id) => nameOf.get(id) ?? String(id),
    note,
  };
}

interface Channel {
  send(message: ToImportWorker): void;
  stop(): void;
}

/** The worker, or the same job on the page. */
function openChannel(transport: ImportTransport, receive: (data: unknown) => void, fail: (message: string) => void): Channel {
  const useWorker = transport === 'worker' || (transport === 'auto' && typeof Worker === 'function');
  if (useWorker) {
    const worker = createImportWorker();
    worker.onmessage = (e: MessageEvent) => receive(e.data);
    worker.onerror = (e) => {
      e.preventDefault();
      fail(`The import worker failed: ${e.message || 'it could not start'}.`);
    };
    worker.onmessageerror = () => fail('The import worker sent a message that could not be read.');
    return {
      send: (m) => worker.postMessage(m),
      stop: () => worker.terminate(),
    };
  }
  const abort = new AbortController();
  return {
    send: (m) =>
      void runImportJob(
        m.source,
        m.format,
        (message) => {
          if (!abort.signal.aborted) receive(message);
        },
        { signal: abort.signal },
      ),
    stop: () => abort.abort(),
  };
}

/** Starts importing `source`; the current run is not touched (the caller takes the trace from `done`). */
export function startTraceImport(
  source: ImportSource,
  format: TraceFormatName | null,
  handlers: ImportHandlers = {},
  transport: ImportTransport = 'auto',
): ImportHandle {
  let resolveDone!: (v: { imported: ImportedTrace; pairing: Pairing }) => void;
  let rejectDone!: (e: Error) => void;
  let resolveChecked!: (v: TraceCheckResult) => void;
  let rejectChecked!: (e: Error) => void;
  const done = new Promise<{ imported: ImportedTrace; pairing: Pairing }>((res, rej) => {
    resolveDone = res;
    rejectDone = rej;
  });
  const checked = new Promise<TraceCheckResult>((res, rej) => {
    resolveChecked = res;
    rejectChecked = rej;
  });
  // Nobody may wait for the check: its rejection is not an unhandled one.
  checked.catch(() => undefined);

  let finished = false;
  let loaded = false;
  let events: LocatedEvent[] = [];
  let received = 0;
  let summary: Extract<FromImportWorker, { type: 'parsed' }> | null = null;
  let pairing: Promise<Pairing> | null = null;
  let lastProgress: ImportProgress = { phase: 'reading', bytesRead: 0, bytesTotal: null, events: 0, loaded: 0 };
  /** Messages are handled one after another (assembling awaits between slices). */
  let chain: Promise<void> = Promise.resolve();

  const end = (err: Error | null) => {
    if (finished) return;
    finished = true;
    channel.stop();
    if (err) {
      if (!loaded) rejectDone(err);
      rejectChecked(err);
    }
  };

  const handle = async (message: FromImportWorker): Promise<void> => {
    if (finished) return;
    switch (message.type) {
      case 'progress':
        lastProgress = {
          phase: 'reading',
          bytesRead: message.bytesRead,
          bytesTotal: message.bytesTotal,
          events: message.events,
          loaded: 0,
        };
        handlers.onProgress?.(lastProgress);
        return;
      case 'parsed':
        summary = message;
        events = new Array<LocatedEvent>(message.events);
        pairing = unpackPairing(message.pairing);
        lastProgress = { ...lastProgress, phase: 'loading', events: message.events, loaded: 0 };
        handlers.onProgress?.(lastProgress);
        return;
      case 'events': {
        const batch = message.events;
        for (let i = 0; i < batch.length; i++) events[message.from + i] = batch[i]!;
        received += batch.length;
        lastProgress = { ...lastProgress, loaded: received };
        handlers.onProgress?.(lastProgress);
        await yieldToPage();
        return;
      }
      case 'loaded': {
        if (!summary || !pairing || received !== summary.events) {
          end(new TraceImportError('The import worker sent an incomplete trace.'));
          return;
        }
        const imported: ImportedTrace = {
          format: summary.format,
          events,
          names: namesFrom(summary.nodes, summary.note),
          meta: summary.meta,
          problems: summary.problems,
          lines: summary.lines,
          source: source.name,
        };
        const paired = await pairing;
        if (finished) return;
        loaded = true;
        resolveDone({ imported, pairing: paired });
        return;
      }
      case 'checking':
        handlers.onChecking?.(message.done, message.total);
        return;
      case 'checked':
        resolveChecked({ violations: message.violations, count: message.count });
        end(null);
        return;
      case 'failed':
        end(new TraceImportError(message.message, message.problems));
        return;
    }
  };

  const channel = openChannel(
    transport,
    (data) => {
      const read = readFromImportWorker(data);
      if (!read.ok) {
        chain = chain.then(() => end(new TraceImportError(`The import worker sent something unexpected: ${read.reason}.`)));
        return;
      }
      chain = chain.then(() => handle(read.message)).catch((err: unknown) => end(err instanceof Error ? err : new Error(String(err))));
    },
    (message) => {
      chain = chain.then(() => end(new TraceImportError(message)));
    },
  );
  channel.send({ type: 'start', source, format });

  return {
    done,
    checked,
    cancel: () => end(new ImportCancelled()),
  };
}
