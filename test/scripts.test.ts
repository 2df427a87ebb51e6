// Scenario scripts (test/scripts/*.txt): each line is an action or an
// expectation; see src/sim/script.ts for the language.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScript } from '../src/sim';

const dir = join(import.meta.dirname, 'scripts');
const files = readdirSync(dir).filter((f) => f.endsWith('.txt'));

describe('scenario scripts', () => {
  it('has scripts to run', () => {
    expect(files.length).toBeGreaterThanOrEqual(4);
  });

  it.each(files)('%s', async (file) => {
    const { failures } = await runScript(readFileSync(join(dir, file), 'utf8'));
    expect(failures.map((f) => `line ${f.line}: ${f.text}\n    ${f.message}`).join('\n')).toBe('');
  });

  it('reports a failing expectation with its line and what was found', async () => {
    const { failures } = await runScript('cluster nodes=3 election=10000-20000\ntimeout 1\nrun 30\nexpect leader 2 term 1\nbogus 1');
    expect(failures).toEqual([
      { line: 4, text: 'expect leader 2 term 1', message: 'expected leader 2 term 1, found node 1 term 1' },
      { line: 5, text: 'bogus 1', message: 'unknown command bogus' },
    ]);
  });
});
