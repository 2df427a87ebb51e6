// The layering rule is a build failure, not a hope: lint must reject a core
// file that reaches for the DOM, timers, randomness, the clock, or an outer layer.
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

async function lint(filePath: string, code: string): Promise<string[]> {
  const eslint = new ESLint({
    cwd: process.cwd(),
    // Type-aware rules need files on disk; the layer rules do not.
    overrideConfig: [{ files: ['**/*.ts'], ...tseslint.configs.disableTypeChecked }],
  });
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => `${m.ruleId ?? ''}: ${m.message}`);
}

describe('lint enforces the layers', () => {
  it('rejects impurity in src/raft', async () => {
    const messages = await lint(
      'src/raft/impure.ts',
      [
        "import { createCluster } from '../sim';",
        "import React from 'react';",
        'export const a = Math.random();',
        'export const b = Date.now();',
        'setTimeout(() => createCluster, 1);',
        'export const c = [React, document.title, new Worker("x")];',
      ].join('\n'),
    );
    const text = messages.join('\n');
    expect(text).toMatch(/no-restricted-imports: '\.\.\/sim' import is restricted/);
    expect(text).toMatch(/no-restricted-imports: 'react' import is restricted/);
    expect(text).toMatch(/no-restricted-syntax: src\/raft is deterministic/);
    expect(text).toMatch(/no-restricted-syntax: src\/raft uses virtual time/);
    expect(text).toMatch(/no-restricted-globals: Unexpected use of 'setTimeout'/);
    expect(text).toMatch(/no-restricted-globals: Unexpected use of 'document'/);
    expect(text).toMatch(/no-restricted-globals: Unexpected use of 'Worker'/);
  });

  it('rejects upward imports from src/sim and src/store', async () => {
    expect((await lint('src/sim/up.ts', "export { x } from '../worker/index';")).join('\n')).toMatch(/must not import from src\/worker/);
    expect((await lint('src/store/up.ts', "export { x } from '../ui/App';")).join('\n')).toMatch(/must not import from src\/ui/);
  });

  it('accepts the pure core as it is', async () => {
    expect(await lint('src/raft/pure.ts', "import { RaftLog } from './log';\nexport const make = () => new RaftLog(null, []);\n")).toEqual(
      [],
    );
  });
});
