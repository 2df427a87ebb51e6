// docs/trace-format.schema.json is generated from the valibot schema in
// src/trace/format.ts, the one source of truth; this fails when they drift.
//   UPDATE_TRACE_SCHEMA=1 npx vitest run test/trace/schema.test.ts   rewrites the file
import { readFileSync, writeFileSync } from 'node:fs';
import { toJsonSchema } from '@valibot/to-json-schema';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { TraceLineSchema } from '../../src/trace';

const FILE = 'docs/trace-format.schema.json';

function generated(): string {
  const schema = {
    $id: 'https://raft-lab.example/trace-format.schema.json',
    title: 'Raft Lab trace line',
    description: 'One line of a Raft Lab trace (NDJSON): a meta line or an event. See docs/trace-format.md.',
    ...toJsonSchema(TraceLineSchema, { errorMode: 'ignore' }),
  };
  return `${JSON.stringify(schema, null, 2)}\n`;
}

describe('the trace format JSON Schema', () => {
  it('is the one generated from the valibot schema', () => {
    if (process.env.UPDATE_TRACE_SCHEMA) writeFileSync(FILE, generated());
    expect(readFileSync(FILE, 'utf8')).toBe(generated());
  });

  it('names every event kind the valibot schema takes', () => {
    const text = readFileSync(FILE, 'utf8');
    for (const kind of [
      'state',
      'send',
      'receive',
      'drop',
      'vote',
      'append',
      'truncate',
      'commit',
      'apply',
      'crash',
      'restart',
      'snapshot',
      'meta',
    ]) {
      expect(text).toContain(`"const": "${kind}"`);
    }
  });

  it('the example in docs/trace-format.md is valid, line by line', () => {
    const doc = readFileSync('docs/trace-format.md', 'utf8');
    const example = /```ndjson\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(example, 'docs/trace-format.md has an ndjson example').toBeTruthy();
    const lines = example!.trim().split('\n');
    expect(lines.length).toBeGreaterThan(10);
    for (const line of lines) {
      const parsed = v.safeParse(TraceLineSchema, JSON.parse(line));
      expect(parsed.success, line).toBe(true);
    }
  });
});
