// @vitest-environment jsdom
// One glyph geometry (issue 8): the legend's SVG glyphs and the canvas's
// Path2D outlines come from the same path table, messageGlyphs.ts.
import '@testing-library/jest-dom/vitest';
import { act, cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Legend } from '../../src/ui/Legend';
import { DUPLICATE_RING_PATH, GLYPH_PATHS, glyphMark, glyphOf } from '../../src/ui/messageGlyphs';
import { renderLab } from './helpers';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

/** A 2D context that records the paths it fills (jsdom has no canvas). */
function recordingContext() {
  const filled: string[] = [];
  const stroked: string[] = [];
  const stamps = { count: 0 };
  const identity = { a: 1, b: 0, c: 0, d: 1, e: 0, f: 0 };
  const ctx = new Proxy<Record<string | symbol, unknown>>(
    {},
    {
      get(target, key) {
        if (key === 'fill') return (p: { d: string }) => filled.push(p.d);
        if (key === 'stroke') return (p: { d: string }) => stroked.push(p.d);
        if (key === 'getTransform') return () => identity;
        if (key === 'drawImage') return () => (stamps.count += 1);
        if (key in target) return target[key];
        return () => undefined;
      },
      set(target, key, value) {
        target[key] = value;
        return true;
      },
    },
  );
  return { ctx, filled, stroked, stamps };
}

describe('message glyphs', () => {
  it('the legend draws each kind from the path table', () => {
    const { container } = render(<Legend />);
    for (const kind of ['vote', 'append', 'heartbeat', 'snapshot'] as const) {
      expect(container.querySelector(`path.glyph-${kind}`)).toHaveAttribute('d', GLYPH_PATHS[kind]);
    }
    expect(container.querySelector('path.glyph.is-reply')).toHaveAttribute('d', GLYPH_PATHS.vote);
    expect(container.querySelector('.glyph-count')).toHaveTextContent('1');
    expect(container.querySelector('.glyph-mark.is-ok')).toHaveTextContent('✓');
  });

  it('the canvas fills and strokes the same paths (Path2D from the table), once per look, and stamps each message', async () => {
    vi.stubGlobal(
      'Path2D',
      class {
        constructor(readonly d: string) {}
      },
    );
    const { ctx, filled, stroked, stamps } = recordingContext();
    vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(ctx as unknown as CanvasRenderingContext2D);
    const { lab } = renderLab();
    await act(async () => {
      await lab.store.getState().timeoutNode(1);
    });
    act(() => lab.driver.emit());
    // Four RequestVotes, one to each peer, look alike: one sprite painted from the table, stamped four times.
    expect(filled).toEqual([GLYPH_PATHS.vote]);
    expect(stroked).toEqual(filled);
    expect(stamps.count).toBe(4);
    act(() => lab.driver.emit()); // the next frame paints nothing new
    expect(filled).toHaveLength(1);
    expect(stamps.count).toBe(8);
    expect(DUPLICATE_RING_PATH).toMatch(/^M12\.5 0A/);
  });

  it('marks: a reply’s ✓ or ✕, an AppendEntries’ entry count up to 9+', () => {
    const reply = glyphOf({
      type: 'AppendEntriesReply',
      term: 1,
      from: 2,
      to: 1,
      success: false,
      prevLogIndex: 1,
      matchIndex: 0,
      conflictIndex: 1,
      conflictTerm: 0,
    });
    expect(glyphMark(reply)).toEqual({ text: '✕', tone: 'no' });
    expect(glyphMark({ kind: 'append', reply: false, ok: null, count: 12 })).toEqual({ text: '9+', tone: 'count' });
    expect(glyphMark({ kind: 'heartbeat', reply: false, ok: null, count: 0 })).toBeNull();
    expect(glyphMark({ kind: 'snapshot', reply: true, ok: null, count: 0 })).toBeNull();
  });
});
