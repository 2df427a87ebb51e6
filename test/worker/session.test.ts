import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { loadSession, saveSession } from '../../src/worker/session';

function memoryStore(initial: Record<string, string> = {}) {
  const data = new Map(Object.entries(initial));
  return {
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
  };
}

describe('tab session (which cluster a reload resumes)', () => {
  it('round-trips a saved session', () => {
    const store = memoryStore();
    saveSession({ storageKey: 'c-abc', nodes: 5, seed: 42 }, store);
    expect(loadSession(store)).toEqual({ storageKey: 'c-abc', nodes: 5, seed: 42 });
  });

  it.each([
    ['not JSON', '{oops'],
    ['a bad key', JSON.stringify({ storageKey: '../x', nodes: 5, seed: 1 })],
    ['too many nodes', JSON.stringify({ storageKey: 'c', nodes: 50, seed: 1 })],
    ['a negative seed', JSON.stringify({ storageKey: 'c', nodes: 5, seed: -1 })],
    ['missing fields', JSON.stringify({ storageKey: 'c' })],
  ])('ignores a malformed saved session (%s) instead of failing', (_what, raw) => {
    expect(loadSession(memoryStore({ 'raftlab.session': raw }))).toBeNull();
  });

  it('returns null when nothing is saved', () => {
    expect(loadSession(memoryStore())).toBeNull();
  });
});
