// The store keeps the cluster to itself (issue 8): the view reads the
// store's state through selectors and acts through its actions, so no file
// in src/ui reaches into the live cluster object.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const UI = join(process.cwd(), 'src/ui');
const sources = readdirSync(UI)
  .filter((name) => /\.tsx?$/.test(name))
  .map((name) => ({ name, text: readFileSync(join(UI, name), 'utf8') }));

describe('the view and the cluster', () => {
  it('no file in src/ui touches the store’s cluster object', () => {
    expect(sources.length).toBeGreaterThan(10);
    const reaching = sources.filter(
      ({ text }) =>
        /\.cluster\b(?!-)/.test(text) || // getState().cluster…
        /\{[^{}]*\bcluster\b[^{}]*\}\s*=/.test(text), // const { cluster } = …
    );
    expect(reaching.map((s) => s.name)).toEqual([]);
  });
});
