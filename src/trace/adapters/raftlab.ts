/** Raft Lab's own format (docs/trace-format.md): each line one JSON event, checked against the schema. */
import * as v from 'valibot';
import { convert, parseJsonLine, type Converted, type LineConverter } from '../adapter';
import { describeIssues, TraceEventSchema, TraceMetaSchema, type LocatedEvent, type TraceMeta } from '../format';

export class RaftLabConverter implements LineConverter {
  meta: TraceMeta | null = null;
  private seenEvent = false;

  line(text: string, line: number, out: (e: LocatedEvent) => void): string | null {
    const read = parseJsonLine(text);
    if (typeof read === 'string') return read;
    const json = read.json;
    if (typeof json === 'object' && json !== null && (json as { kind?: unknown }).kind === 'meta') {
      if (this.seenEvent || this.meta) return 'a meta line must be the first line';
      const meta = v.safeParse(TraceMetaSchema, json);
      if (!meta.success) return describeIssues(meta.issues);
      this.meta = meta.output;
      return null;
    }
    const parsed = v.safeParse(TraceEventSchema, json);
    if (!parsed.success) return describeIssues(parsed.issues);
    this.seenEvent = true;
    out({ ...parsed.output, line });
    return null;
  }

  end(): void {}
}

/** A Raft Lab trace's text as events (pure). */
export function raftLabToTrace(text: string): Converted {
  return convert(new RaftLabConverter(), text);
}
