/**
 * Reading a trace in pieces: text arrives in chunks (a file read in slices,
 * a fetch body), lines come out with their 1-based numbers, and bad lines
 * are collected with their reasons, up to a limit.
 */

/** One malformed line: where, why, and the start of what it said. */
export interface TraceProblem {
  /** 1-based line number in the file. */
  readonly line: number;
  readonly reason: string;
  /** The line's first characters. */
  readonly text: string;
}

/** More bad lines than this and the import stops (the file is probably not a trace). */
export const MAX_BAD_LINES = 100;
/** A line longer than this is reported, not parsed (a file with no newlines is not NDJSON). */
export const MAX_LINE_LENGTH = 1_000_000;

/** Thrown when an import cannot go on; the message says why, for the user. */
export class TraceImportError extends Error {
  constructor(
    message: string,
    readonly problems: readonly TraceProblem[] = [],
  ) {
    super(message);
    this.name = 'TraceImportError';
  }
}

/** Splits chunks of text into lines (LF or CRLF), keeping count. */
export class LineSplitter {
  private rest = '';
  private lineNo = 0;
  private tooLong = false;

  constructor(private readonly onLine: (text: string, line: number) => void) {}

  /** Lines read so far. */
  get lines(): number {
    return this.lineNo;
  }

  push(chunk: string): void {
    let start = 0;
    let text = this.rest + chunk;
    if (this.rest.length > MAX_LINE_LENGTH) {
      // Keep only the head of an endless line: it is reported, not parsed.
      this.tooLong = true;
      text = this.rest.slice(0, 200) + chunk;
    }
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      this.emit(text.slice(start, nl));
      start = nl + 1;
    }
    this.rest = text.slice(start);
  }

  /** The last line (without a final newline). */
  end(): void {
    if (this.rest.length > 0) this.emit(this.rest);
    this.rest = '';
  }

  private emit(raw: string): void {
    this.lineNo += 1;
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (this.tooLong) {
      this.tooLong = false;
      this.onLine('\u0000too long', this.lineNo);
      return;
    }
    this.onLine(text, this.lineNo);
  }
}

/** Collects bad lines; past `limit` it throws, with all it kept. */
export class ProblemLog {
  private readonly kept: TraceProblem[] = [];

  constructor(private readonly limit = MAX_BAD_LINES) {}

  get problems(): readonly TraceProblem[] {
    return this.kept;
  }

  add(line: number, reason: string, text: string): void {
    this.kept.push({ line, reason, text: text.length > 120 ? `${text.slice(0, 117)}...` : text });
    if (this.kept.length > this.limit) {
      throw new TraceImportError(
        `Import stopped at line ${line}: more than ${this.limit} lines could not be read (the first, line ${this.kept[0]!.line}: ${this.kept[0]!.reason}). Is this a trace file?`,
        this.kept,
      );
    }
  }
}

/** True for a line the text marks as a line too long to parse. */
export function isTooLong(text: string): boolean {
  return text === '\u0000too long';
}
