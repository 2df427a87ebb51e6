import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { databaseName, deleteClusterStorage, IdbStorage } from '../../src/worker';
import { loadSession, saveMembership, saveSession } from '../../src/worker/session';

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

  it('keeps the membership of a changed cluster for the next reload, only for the saved key', () => {
    const store = memoryStore();
    saveSession({ storageKey: 'c-abc', nodes: 3, seed: 7 }, store);
    saveMembership('c-other', { highest: 4, current: [1, 2, 3, 4] }, store);
    expect(loadSession(store)?.membership).toBeUndefined();
    saveMembership('c-abc', { highest: 5, current: [1, 4, 5] }, store);
    expect(loadSession(store)).toEqual({ storageKey: 'c-abc', nodes: 3, seed: 7, membership: { highest: 5, current: [1, 4, 5] } });
  });

  it.each([
    ['highest below the founders', { highest: 2, current: [1, 2] }],
    ['no nodes', { highest: 4, current: [] }],
    ['an id past highest', { highest: 4, current: [1, 5] }],
    ['ids out of order', { highest: 4, current: [4, 1] }],
    ['a repeated id', { highest: 4, current: [1, 1] }],
    ['not a number', { highest: '4', current: [1] }],
  ])('drops a malformed saved membership (%s) and keeps the session: the founders boot, as before', (_what, membership) => {
    const raw = JSON.stringify({ storageKey: 'c-abc', nodes: 3, seed: 7, membership });
    expect(loadSession(memoryStore({ 'raftlab.session': raw }))).toEqual({ storageKey: 'c-abc', nodes: 3, seed: 7 });
  });
});

describe('deleteClusterStorage', () => {
  it("deletes every node's database of the cluster, added nodes' past the founders too, and no other cluster's", async () => {
    for (const id of [1, 2, 3, 4, 5]) (await IdbStorage.open(databaseName('c-del', id))).close();
    (await IdbStorage.open(databaseName('c-keep', 1))).close();
    (await IdbStorage.open(databaseName('c-del-x', 1))).close();
    await deleteClusterStorage('c-del', 3);
    const names = (await indexedDB.databases()).map((d) => d.name);
    expect(names.filter((n) => n?.startsWith('raftlab:c-del:'))).toEqual([]);
    expect(names).toContain(databaseName('c-keep', 1));
    expect(names).toContain(databaseName('c-del-x', 1));
    await deleteClusterStorage('c-keep', 1);
    await deleteClusterStorage('c-del-x', 1);
  });
});
