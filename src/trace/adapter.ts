/**
 * What every adapter is: a converter fed one line at a time (so a 50 MB
 * file streams), emitting Raft Lab trace events. `convert` runs one over a
 * whole text, which makes each adapter a pure function from text to events.
 */
import type { LocatedEvent, TraceMeta } from './format';
import { LineSplitter, ProblemLog, isTooLong, MAX_LINE_LENGTH, type TraceProblem } from './reader';

export type TraceFormatName = 'raftlab' | 'etcd' | 'student';
export const TRACE_FORMATS: readonly TraceFormatName[] = ['raftlab', 'etcd', 'student'];

export interface LineConverter {
  /**
   * Reads one line; emits its events through `out`. Returns null when the
   * line was read (or is not meant for this format and is skipped, as a
   * student's other log lines), else the reason it is malformed.
   */
  line(text: string, line: number, out: (e: LocatedEvent) => void): string | null;
  /** The file ended; emits anything held back. */
  end(out: (e: LocatedEvent) => void): void;
  /** What the file said about itself, if anything. */
  readonly meta: TraceMeta | null;
}

/** One line as JSON, or the reason it is not (for the JSON formats' converters). */
export function parseJsonLine(text: string): { readonly json: unknown } | string {
  try {
    return { json: JSON.parse(text) as unknown };
  } catch (err) {
    return `not JSON (${(err as Error).message})`;
  }
}

/** The result of converting a whole trace. */
export interface Converted {
  readonly events: LocatedEvent[];
  readonly meta: TraceMeta | null;
  readonly problems: readonly TraceProblem[];
  readonly lines: number;
}

/** Streams text through a converter: push chunks, then `end()`. Bad lines are kept in `problems` (past the limit, push throws TraceImportError). */
export class TraceStream {
  private readonly problemLog: ProblemLog;
  private readonly splitter: LineSplitter;

  constructor(
    private readonly converter: LineConverter,
    private readonly out: (e: LocatedEvent) => void,
    limit?: number,
  ) {
    this.problemLog = new ProblemLog(limit);
    this.splitter = new LineSplitter((text, line) => this.read(text, line));
  }

  get problems(): readonly TraceProblem[] {
    return this.problemLog.problems;
  }

  get lines(): number {
    return this.splitter.lines;
  }

  get meta(): TraceMeta | null {
    return this.converter.meta;
  }

  push(chunk: string): void {
    this.splitter.push(chunk);
  }

  end(): void {
    this.splitter.end();
    this.converter.end(this.out);
  }

  private read(text: string, line: number): void {
    if (isTooLong(text)) {
      this.problemLog.add(line, `line longer than ${MAX_LINE_LENGTH} characters`, '');
      return;
    }
    if (text.trim() === '') return;
    const reason = this.converter.line(text, line, this.out);
    if (reason !== null) this.problemLog.add(line, reason, text);
  }
}

/** Runs a converter over a whole text. */
export function convert(converter: LineConverter, text: string, limit?: number): Converted {
  const events: LocatedEvent[] = [];
  const stream = new TraceStream(converter, (e) => events.push(e), limit);
  stream.push(text);
  stream.end();
  return { events, meta: stream.meta, problems: stream.problems, lines: stream.lines };
}
