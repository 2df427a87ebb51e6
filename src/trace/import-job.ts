/**
 * One import's work, wherever it runs: in the import worker (the app), or on
 * the page itself where there are no module workers (component tests, odd
 * browsers). It reads the source as a stream of bytes, decodes it, pushes
 * the text through a TraceImporter, and reports through `post` in the
 * order the protocol (import-protocol.ts) describes.
 */
import type { TraceFormatName } from './adapter';
import { TraceMonitor } from './check';
import { pairMessages, TraceCluster, type ImportedTrace, type Pairing } from './cluster';
import { TraceImporter } from './import';
import {
  IMPORT_BATCH_EVENTS,
  IMPORT_MAX_VIOLATIONS,
  IMPORT_PROGRESS_MS,
  type FromImportWorker,
  type ImportSource,
  type PackedPairing,
} from './import-protocol';
import { TraceImportError } from './reader';

export interface ImportJobOptions {
  /** Events per `events` message. */
  readonly batchEvents?: number;
  /** Told to stop (the inline fallback's Cancel; a worker is terminated instead). */
  readonly signal?: AbortSignal;
  /** Wall clock for progress pacing. */
  readonly now?: () => number;
}

type Post = (message: FromImportWorker, transfer?: Transferable[]) => void;

/** Bytes read per slice of a Blob without stream() (jsdom). */
const SLICE_BYTES = 1 << 20;

/** A slice's bytes, by the Blob's own method or, where it has none (jsdom), a FileReader. */
function sliceBytes(blob: Blob): Promise<ArrayBuffer> {
  if (typeof blob.arrayBuffer === 'function') return blob.arrayBuffer();
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result as ArrayBuffer);
    reader.onerror = () => reject(reader.error ?? new Error('the file could not be read'));
    reader.readAsArrayBuffer(blob);
  });
}

/** A Blob as a stream of bytes: its own stream(), or slices of it. */
function blobStream(blob: Blob): ReadableStream<Uint8Array> {
  if (typeof blob.stream === 'function') return blob.stream();
  let offset = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (offset >= blob.size) {
        controller.close();
        return;
      }
      const bytes = await sliceBytes(blob.slice(offset, offset + SLICE_BYTES));
      offset += SLICE_BYTES;
      controller.enqueue(new Uint8Array(bytes));
    },
  });
}

/** The source as a stream of bytes and its size, if known. */
async function openSource(
  source: ImportSource,
  signal?: AbortSignal,
): Promise<{ bytes: ReadableStream<Uint8Array>; total: number | null }> {
  if (source.kind === 'file') return { bytes: blobStream(source.file), total: source.file.size };
  const response = await fetch(source.url, { signal: signal ?? null });
  if (!response.ok)
    throw new TraceImportError(`Could not fetch ${source.name}: the server answered ${response.status} ${response.statusText}.`);
  if (!response.body) throw new TraceImportError(`Could not fetch ${source.name}: the response has no body.`);
  const length = Number(response.headers.get('content-length'));
  return { bytes: response.body, total: Number.isFinite(length) && length > 0 ? length : null };
}

/** Packs a pairing into typed arrays (transferable: the page gets them without a copy). */
export function packPairing(pairing: Pairing, events: number): PackedPairing {
  const messageOf = new Int32Array(events);
  for (const [index, id] of pairing.messageOf) messageOf[index] = id;
  let maxId = 0;
  for (const id of pairing.endOf.keys()) maxId = Math.max(maxId, id);
  const endOf = new Float64Array(maxId + 1).fill(NaN);
  for (const [id, t] of pairing.endOf) endOf[id] = t;
  return { messageOf, endOf, orphans: Int32Array.from(pairing.orphans), flightMs: pairing.flightMs };
}

/**
 * Reads, parses and hands over one trace, then checks it whole. Never
 * throws: a failure is posted as `failed` (before `loaded`) or ends the
 * check quietly (after it: the trace is already on show).
 */
export async function runImportJob(
  source: ImportSource,
  format: TraceFormatName | null,
  post: Post,
  options: ImportJobOptions = {},
): Promise<void> {
  const now = options.now ?? (() => performance.now());
  const batch = options.batchEvents ?? IMPORT_BATCH_EVENTS;
  const importer = new TraceImporter({ ...(format ? { format } : {}), source: source.name });
  let imported: ImportedTrace;
  let pairing: Pairing;
  try {
    const { bytes, total } = await openSource(source, options.signal);
    let bytesRead = 0;
    let lastPost = -Infinity;
    const counted = bytes.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          bytesRead += chunk.byteLength;
          controller.enqueue(chunk);
        },
      }),
    );
    // TextDecoderStream keeps a character cut between two chunks whole (UTF-8 streams).
    const reader = counted.pipeThrough(new TextDecoderStream() as unknown as TransformStream<Uint8Array, string>).getReader();
    post({ type: 'progress', bytesRead: 0, bytesTotal: total, events: 0 });
    for (;;) {
      if (options.signal?.aborted) {
        await reader.cancel();
        return;
      }
      const { done, value } = await reader.read();
      if (done) break;
      importer.push(value);
      const t = now();
      if (t - lastPost >= IMPORT_PROGRESS_MS) {
        lastPost = t;
        post({ type: 'progress', bytesRead, bytesTotal: total, events: importer.count });
      }
    }
    imported = importer.finish();
    post({ type: 'progress', bytesRead, bytesTotal: total, events: imported.events.length });
    pairing = pairMessages(imported.events);
  } catch (err) {
    post({
      type: 'failed',
      message:
        err instanceof TraceImportError
          ? err.message
          : `Could not read ${source.name}: ${err instanceof Error ? err.message : String(err)}`,
      problems: err instanceof TraceImportError ? err.problems.slice() : [],
    });
    return;
  }
  if (options.signal?.aborted) return;

  const packed = packPairing(pairing, imported.events.length);
  const names = imported.names;
  post(
    {
      type: 'parsed',
      format: imported.format,
      events: imported.events.length,
      lines: imported.lines,
      nodes: names.ids.map((id) => ({ id, name: names.nameOf(id) })),
      note: names.note,
      meta: imported.meta,
      problems: imported.problems.slice(),
      pairing: packed,
    },
    [packed.messageOf.buffer, packed.endOf.buffer, packed.orphans.buffer],
  );
  for (let from = 0; from < imported.events.length; from += batch) {
    if (options.signal?.aborted) return;
    post({ type: 'events', from, events: imported.events.slice(from, from + batch) });
    // The inline fallback gives the page its turn between batches; in a worker this costs nothing.
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  post({ type: 'loaded' });

  // The whole-trace safety check: the same monitor as the CLI's, while the page already shows the trace.
  const cluster = new TraceCluster(imported, pairing);
  const monitor = new TraceMonitor(cluster, { maxViolations: IMPORT_MAX_VIOLATIONS });
  let lastPost = -Infinity;
  const total = imported.events.length;
  while (cluster.processed() < total) {
    if (options.signal?.aborted) return;
    const sliceEnd = Math.min(total, cluster.processed() + 5000);
    while (cluster.processed() < sliceEnd) cluster.stepSync();
    const t = now();
    if (t - lastPost >= IMPORT_PROGRESS_MS) {
      lastPost = t;
      post({ type: 'checking', done: cluster.processed(), total });
    }
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  monitor.stop();
  post({ type: 'checked', violations: monitor.violations.slice(), count: monitor.count });
}
