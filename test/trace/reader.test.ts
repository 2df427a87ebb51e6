// Streaming: text in arbitrary chunks gives the same events as all at once;
// CRLF, a last line without newline, endless lines, and the bad-line limit.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { importTrace, LineSplitter, MAX_BAD_LINES, MAX_LINE_LENGTH, TraceImporter, TraceImportError } from '../../src/trace';

const fixture = (name: string): string => readFileSync(`test/fixtures/traces/${name}`, 'utf8');

function lines(chunks: string[]): [number, string][] {
  const out: [number, string][] = [];
  const s = new LineSplitter((text, line) => out.push([line, text]));
  for (const c of chunks) s.push(c);
  s.end();
  return out;
}

describe('LineSplitter', () => {
  it('LF and CRLF, and a last line without a newline', () => {
    expect(lines(['a\r\nb', '\nc'])).toEqual([
      [1, 'a'],
      [2, 'b'],
      [3, 'c'],
    ]);
  });

  it('an endless line is cut and marked, the next one read', () => {
    const big = 'x'.repeat(MAX_LINE_LENGTH + 10);
    const out = lines([big.slice(0, 600_000), big.slice(600_000), big.slice(0, 500_000), '\nok\n']);
    expect(out.map(([n, t]) => [n, t.length < 20 ? t : 'long'])).toEqual([
      [1, '\u0000too long'],
      [2, 'ok'],
    ]);
  });
});

describe('TraceImporter, chunk by chunk', () => {
  it.each(['etcd-election.ndjson', 'student-lab.log', 'raftlab-divergent.ndjson', 'student-bad-lines.log'])(
    '%s: any chunking gives the events of the whole text',
    (file) => {
      const text = fixture(file);
      const whole = importTrace(text);
      fc.assert(
        fc.property(fc.array(fc.integer({ min: 0, max: text.length }), { maxLength: 30 }), (cuts) => {
          const at = [...new Set(cuts)].sort((a, b) => a - b);
          const importer = new TraceImporter();
          let from = 0;
          for (const cut of [...at, text.length]) {
            importer.push(text.slice(from, cut));
            from = cut;
          }
          const streamed = importer.finish();
          expect(streamed.events).toEqual(whole.events);
          expect(streamed.problems).toEqual(whole.problems);
          expect(streamed.format).toBe(whole.format);
        }),
        { numRuns: 40 },
      );
    },
  );

  it(`more than ${MAX_BAD_LINES} bad lines: stops, with the first and where it stopped`, () => {
    const text = `{"t":0,"node":"1","kind":"crash"}\n${'{"t":1,"node":"1"}\n'.repeat(MAX_BAD_LINES + 5)}`;
    let error: unknown;
    try {
      importTrace(text);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(TraceImportError);
    expect((error as TraceImportError).message).toMatch(
      /^Import stopped at line 102: more than 100 lines could not be read \(the first, line 2: /,
    );
    expect((error as TraceImportError).problems).toHaveLength(MAX_BAD_LINES + 1);
  });

  it('exactly the limit of bad lines still imports, reporting them all', () => {
    const text = `{"t":0,"node":"1","kind":"crash"}\n${'{"t":1,"node":"1"}\n'.repeat(MAX_BAD_LINES)}`;
    expect(importTrace(text).problems).toHaveLength(MAX_BAD_LINES);
  });

  it('a file with no events, a named format, more than 64 nodes', () => {
    expect(() => importTrace('{"kind":"meta"}\n')).toThrow(/No raftlab trace events/);
    expect(() => importTrace('{oops\n{"t":0}\n', { format: 'raftlab' })).toThrow(/No events could be read: line 1: not JSON/);
    const crowd = Array.from({ length: 65 }, (_, i) => JSON.stringify({ t: 0, node: `n${i + 1}`, kind: 'crash' })).join('\n');
    expect(() => importTrace(crowd)).toThrow(/more than 64 nodes/);
  });
});

describe('format detection while streaming', () => {
  it("a student's log that opens with 500 other prints is still detected, chunk by chunk", () => {
    const text = `${'Test (3A): initial election ...\n'.repeat(500)}000010 VOTE S0 RL node=0 ev=state term=1 role=Candidate\n`;
    const importer = new TraceImporter();
    for (let i = 0; i < text.length; i += 1000) importer.push(text.slice(i, i + 1000));
    const trace = importer.finish();
    expect(trace.format).toBe('student');
    expect(trace.events).toHaveLength(1);
    expect(trace.events[0]!.line).toBe(501);
  });
});
