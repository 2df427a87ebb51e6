/**
 * Importing a trace: detect its format (or take the one named), stream its
 * text through that adapter, number its nodes, and hand back an
 * ImportedTrace. The same code runs in the app's import worker and in the
 * `raft-lab-check` CLI.
 */
import { TRACE_FORMATS, TraceStream, type LineConverter, type TraceFormatName } from './adapter';
import { EtcdConverter } from './adapters/etcd';
import { RaftLabConverter } from './adapters/raftlab';
import { StudentConverter } from './adapters/student';
import type { ImportedTrace } from './cluster';
import type { LocatedEvent } from './format';
import { MAX_TRACE_NODES, NameCollector } from './names';
import { TraceImportError } from './reader';

/** More events than this and the import stops (about 1 GB of trace). */
export const MAX_TRACE_EVENTS = 5_000_000;
/** How much of a file's start is read to tell its format. */
export const DETECT_LIMIT = 1_000_000;

export function converterFor(format: TraceFormatName): LineConverter {
  switch (format) {
    case 'etcd':
      return new EtcdConverter();
    case 'student':
      return new StudentConverter();
    case 'raftlab':
      return new RaftLabConverter();
  }
}

/** A format name from the user (`--format`, a menu), or a clear error. */
export function parseFormatName(name: string): TraceFormatName {
  if ((TRACE_FORMATS as readonly string[]).includes(name)) return name as TraceFormatName;
  throw new TraceImportError(`Unknown trace format "${name}": use one of ${TRACE_FORMATS.join(', ')}.`);
}

/**
 * The format of a trace from its first lines: JSON with an `event` holding
 * a `name` is etcd's; JSON with a `kind` is Raft Lab's; a line with the
 * `RL` marker is a student's. Null if none of them (in the first DETECT_LIMIT characters).
 */
export function detectFormat(head: string): TraceFormatName | null {
  const lines = head.slice(0, DETECT_LIMIT).split('\n');
  // The last piece may be a cut line.
  if (lines.length > 1) lines.pop();
  for (const raw of lines) {
    const line = raw.trim();
    if (!line) continue;
    if (line.startsWith('{')) {
      try {
        const json = JSON.parse(line) as Record<string, unknown>;
        const event = json.event as Record<string, unknown> | undefined;
        if (event && typeof event === 'object' && typeof event.name === 'string') return 'etcd';
        if (typeof json.kind === 'string') return 'raftlab';
      } catch {
        // not JSON: maybe a student's line
      }
    }
    if (/(^|\s)RL\s/.test(`${line} `)) return 'student';
  }
  return null;
}

export interface ImportOptions {
  /** The format; detected from the first chunk if absent. */
  readonly format?: TraceFormatName;
  /** The file's name or URL. */
  readonly source?: string;
  /** Bad lines tolerated before the import stops (default MAX_BAD_LINES). */
  readonly maxBadLines?: number;
}

/**
 * Streams a trace: `push` chunks of text as they are read, then `finish()`.
 * Throws TraceImportError (from push or finish) when the import cannot go
 * on; nothing is half-applied anywhere, since nothing is applied at all
 * until the caller takes the ImportedTrace.
 */
export class TraceImporter {
  private stream: TraceStream | null = null;
  private format: TraceFormatName | null;
  private head = '';
  private readonly events: LocatedEvent[] = [];
  private names: NameCollector | null = null;
  private bytes = 0;

  constructor(private readonly options: ImportOptions = {}) {
    this.format = options.format ?? null;
  }

  /** Characters read so far. */
  get read(): number {
    return this.bytes;
  }

  /** Events so far. */
  get count(): number {
    return this.events.length;
  }

  push(chunk: string): void {
    this.bytes += chunk.length;
    if (!this.stream) {
      this.head += chunk;
      // Held until the format shows (a student's log may open with many other prints), up to DETECT_LIMIT.
      if (!this.format) {
        this.format = detectFormat(this.head);
        if (!this.format && this.head.length < DETECT_LIMIT) return;
      }
      this.open();
      const head = this.head;
      this.head = '';
      this.stream!.push(head);
      return;
    }
    this.stream.push(chunk);
  }

  finish(): ImportedTrace {
    if (!this.stream) {
      this.open();
      this.stream!.push(this.head);
      this.head = '';
    }
    const stream = this.stream!;
    stream.end();
    if (this.events.length === 0) {
      const first = stream.problems[0];
      throw new TraceImportError(
        first
          ? `No events could be read: line ${first.line}: ${first.reason}.`
          : `No ${this.format} trace events in this file (${stream.lines} lines read).`,
        stream.problems,
      );
    }
    const names = this.names!.names();
    return {
      format: this.format!,
      events: this.events,
      names,
      meta: stream.meta,
      problems: stream.problems,
      lines: stream.lines,
      source: this.options.source ?? '',
    };
  }

  private open(): void {
    if (!this.format) {
      this.format = detectFormat(this.head.includes('\n') ? this.head : `${this.head}\n`);
      if (!this.format) {
        throw new TraceImportError(
          'Could not tell what kind of trace this is: its first lines are not Raft Lab JSON events, etcd-io/raft trace lines or student "RL ..." lines. Name the format (etcd, student or raftlab).',
        );
      }
    }
    const converter = converterFor(this.format);
    this.stream = new TraceStream(
      converter,
      (e) => {
        this.names ??= new NameCollector(converter.meta);
        this.names.add(e);
        if (this.names.size > MAX_TRACE_NODES) {
          throw new TraceImportError(`Import stopped at line ${e.line}: more than ${MAX_TRACE_NODES} nodes in this trace.`);
        }
        if (this.events.length >= MAX_TRACE_EVENTS) {
          throw new TraceImportError(`Import stopped at line ${e.line}: more than ${MAX_TRACE_EVENTS.toLocaleString('en')} events.`);
        }
        this.events.push(e);
      },
      this.options.maxBadLines,
    );
  }
}

/** Imports a whole text at once. */
export function importTrace(text: string, options: ImportOptions = {}): ImportedTrace {
  const importer = new TraceImporter(options);
  importer.push(text);
  return importer.finish();
}
