// Recovered disks are validated (src/worker/idb-storage.ts load, and the host
// after it): a disk a correct node could not have written is refused with an
// error naming the database and the record, that node is crashed with it, and
// the rest of the cluster goes on.
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import type { Entry } from '../../src/raft';
import { createCluster, type Cluster } from '../../src/sim';
import { databaseName, IdbStorage } from '../../src/worker';
import { DISK_FORMAT } from '../../src/worker/idb-storage';
import { registerLoopbackIdbTransport } from './fixtures';

registerLoopbackIdbTransport();

const clusters: Cluster[] = [];
afterEach(async () => {
  for (const c of clusters.splice(0)) await c.destroy().catch(() => undefined);
});

type Stores = { meta: IDBObjectStore; log: IDBObjectStore };

/** Edits a database behind IdbStorage's back, the way a bug, a tool or a bit flip might. */
function editRaw(name: string, edit: (stores: Stores) => void, create = false): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(name, 1);
    req.onupgradeneeded = () => {
      if (!create) return;
      req.result.createObjectStore('meta');
      req.result.createObjectStore('log', { keyPath: 'index' });
    };
    req.onerror = () => reject(req.error ?? new Error('open failed'));
    req.onsuccess = () => {
      const db = req.result;
      const tx = db.transaction(['meta', 'log'], 'readwrite');
      edit({ meta: tx.objectStore('meta'), log: tx.objectStore('log') });
      tx.oncomplete = () => {
        db.close();
        resolve();
      };
      tx.onerror = () => reject(tx.error ?? new Error('edit failed'));
    };
  });
}

function readRaw(name: string, key: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(name, 1);
    req.onsuccess = () => {
      const db = req.result;
      const get = db.transaction('meta', 'readonly').objectStore('meta').get(key);
      get.onsuccess = () => {
        db.close();
        resolve(get.result);
      };
      get.onerror = () => reject(get.error ?? new Error('read failed'));
    };
    req.onerror = () => reject(req.error ?? new Error('open failed'));
  });
}

const entries = (terms: number[]): Entry[] => terms.map((term, i) => ({ index: i + 1, term, command: `c${i + 1}` }));

/** A disk as a node leaves it: term 3, voted for 2, entries 1..6 of terms 1,1,2,2,3,3. */
async function writtenDisk(name: string): Promise<void> {
  const s = await IdbStorage.open(name);
  await s.apply([
    { kind: 'hardState', hardState: { term: 3, votedFor: 2 } },
    { kind: 'entries', fromIndex: 1, entries: entries([1, 1, 2, 2, 3, 3]) },
  ]);
  s.close();
}

async function loadError(name: string): Promise<string> {
  const s = await IdbStorage.open(name);
  try {
    await s.load();
    return 'loaded';
  } catch (err) {
    return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  } finally {
    s.close();
  }
}

describe('the disk format record', () => {
  it('is written when a database is created, and kept by wipe()', async () => {
    const s = await IdbStorage.open('format-new');
    expect(await readRaw('format-new', 'format')).toBe(DISK_FORMAT);
    await s.apply([{ kind: 'hardState', hardState: { term: 1, votedFor: 1 } }]);
    await s.wipe();
    expect(await readRaw('format-new', 'format')).toBe(1);
    expect(await s.load()).toEqual({ hardState: { term: 0, votedFor: 0 }, snapshot: null, entries: [] });
    s.close();
  });

  it('a database from before formats, with data, is read as format 1 (and left as it is)', async () => {
    await editRaw(
      'format-legacy',
      ({ meta, log }) => {
        meta.put({ term: 2, votedFor: 1 }, 'hardState');
        for (const e of entries([1, 2])) log.put(e);
      },
      true,
    );
    const s = await IdbStorage.open('format-legacy');
    expect(await s.load()).toEqual({ hardState: { term: 2, votedFor: 1 }, snapshot: null, entries: entries([1, 2]) });
    s.close();
    expect(await readRaw('format-legacy', 'format')).toBeUndefined();
  });

  it('an empty database from before formats is stamped when first opened', async () => {
    await editRaw('format-empty', () => undefined, true);
    expect(await readRaw('format-empty', 'format')).toBeUndefined();
    (await IdbStorage.open('format-empty')).close();
    expect(await readRaw('format-empty', 'format')).toBe(1);
  });
});

describe('IdbStorage.load refuses a corrupt disk, naming the database and the record', () => {
  let n = 0;
  it.each<[string, (s: Stores) => void, string]>([
    ['a deleted log record', ({ log }) => log.delete(3), 'log record 3 is missing (records 1, 2, 4…)'],
    ['the first log record deleted', ({ log }) => log.delete(1), 'log record 1 is missing (records 2…)'],
    [
      'term -5',
      ({ meta }) => meta.put({ term: -5, votedFor: 2 }, 'hardState'),
      'meta record "hardState": term must be a term (an integer in 0..1099511627776), got -5',
    ],
    [
      'term "x"',
      ({ meta }) => meta.put({ term: 'x', votedFor: 2 }, 'hardState'),
      'meta record "hardState": term must be a term (an integer in 0..1099511627776), got "x"',
    ],
    [
      'term 2**53',
      ({ meta }) => meta.put({ term: 2 ** 53, votedFor: 2 }, 'hardState'),
      'meta record "hardState": term must be a term (an integer in 0..1099511627776), got 9007199254740992',
    ],
    ['votedFor missing', ({ meta }) => meta.put({ term: 3 }, 'hardState'), 'meta record "hardState": votedFor is missing'],
    ['an unknown format version', ({ meta }) => meta.put(2, 'format'), 'meta record "format" is 2, but this build reads only format 1'],
    [
      'a format that is not a number',
      ({ meta }) => meta.put('v1', 'format'),
      'meta record "format" is "v1", but this build reads only format 1',
    ],
    [
      'terms decreasing',
      ({ log }) => log.put({ index: 4, term: 1, command: 'c4' }),
      "log record 4 has term 1, below record 3's term 2 (terms never decrease along a log, §5.3)",
    ],
    [
      'a term above currentTerm',
      ({ log }) => log.put({ index: 6, term: 9, command: 'c6' }),
      'log record 6 has term 9, above currentTerm 3',
    ],
    [
      'a command that is not a string',
      ({ log }) => log.put({ index: 2, term: 1, command: 5 }),
      'log record 2: command must be a command (a string), got 5',
    ],
    [
      'a record with an extra field',
      ({ log }) => log.put({ index: 2, term: 1, command: 'c2', note: 'x' }),
      'log record 2: note is not a known field',
    ],
    [
      'records the snapshot covers',
      ({ meta }) => meta.put({ lastIncludedIndex: 3, lastIncludedTerm: 2, data: {} }, 'snapshot'),
      "log record 1 is at or below the snapshot's lastIncludedIndex 3 (§7: the snapshot replaces those entries)",
    ],
    [
      'a malformed snapshot',
      ({ meta }) => meta.put({ lastIncludedIndex: 3, lastIncludedTerm: 2, data: { a: 1 } }, 'snapshot'),
      'meta record "snapshot": data["a"] must be a string, got 1',
    ],
    [
      'a snapshot term below an entry before it',
      ({ meta, log }) => {
        meta.put({ lastIncludedIndex: 4, lastIncludedTerm: 3, data: {} }, 'snapshot');
        for (const i of [1, 2, 3, 4]) log.delete(i);
        log.put({ index: 5, term: 2, command: 'c5' });
      },
      "log record 5 has term 2, below the snapshot's lastIncludedTerm 3",
    ],
  ])('%s', async (_name, edit, problem) => {
    const name = `corrupt-unit-${++n}`;
    await writtenDisk(name);
    expect(await loadError(name)).toBe('loaded');
    await editRaw(name, edit);
    expect(await loadError(name)).toBe(`CorruptDiskError: disk ${name} is corrupt: ${problem}`);
  });
});

describe('a node with a corrupt disk is crashed with the reason, and the rest of the cluster goes on', () => {
  const leaderOf = (c: Cluster) => c.ids.find((id) => c.node(id).alive && c.node(id).role === 'leader');
  let n = 0;
  it.each<[string, (s: Stores) => void, (db: string) => string]>([
    ['a deleted log record', ({ log }) => log.delete(3), (db) => `disk ${db} is corrupt: log record 3 is missing (records 1, 2, 4…)`],
    [
      'votedFor 99',
      ({ meta }) => meta.put({ term: 1000, votedFor: 99 }, 'hardState'),
      (db) => `disk ${db} is corrupt: hardState.votedFor is 99, not a member of the cluster (nodes 1, 2, 3)`,
    ],
    [
      'term -5',
      ({ meta }) => meta.put({ term: -5, votedFor: 0 }, 'hardState'),
      (db) => `disk ${db} is corrupt: meta record "hardState": term must be a term (an integer in 0..1099511627776), got -5`,
    ],
    [
      'term "x"',
      ({ meta }) => meta.put({ term: 'x', votedFor: 0 }, 'hardState'),
      (db) => `disk ${db} is corrupt: meta record "hardState": term must be a term (an integer in 0..1099511627776), got "x"`,
    ],
    [
      'an unknown format version',
      ({ meta }) => meta.put(7, 'format'),
      (db) => `disk ${db} is corrupt: meta record "format" is 7, but this build reads only format 1`,
    ],
  ])('%s', async (_name, edit, reason) => {
    const storageKey = `corrupt-cluster-${++n}`;
    const first = createCluster({ nodes: 3, seed: 21, transport: 'worker', storageKey });
    await first.runFor(600);
    const leader = leaderOf(first)!;
    for (let i = 0; i < 5; i++) await first.start(leader, `k${i}=${i}`);
    await first.runFor(300);
    expect(first.node(3).log.length).toBe(5);
    await first.destroy(); // a reload: workers gone, disks kept

    const db = databaseName(storageKey, 3);
    await editRaw(db, edit);
    const second = createCluster({ nodes: 3, seed: 21, transport: 'worker', storageKey });
    clusters.push(second);
    await second.runFor(0);
    const errors = second.trace().filter((e) => e.kind === 'error');
    expect(errors).toEqual([expect.objectContaining({ node: 3, message: `node 3 failed: ${reason(db)}` })]);
    const crash = second.trace().find((e) => e.kind === 'crash');
    expect(crash && crash.kind === 'crash' && crash.node).toBe(3);
    expect(second.node(3).alive).toBe(false);

    // Nodes 1 and 2 are a majority: they elect a leader and commit, and time goes on.
    await second.runFor(1500);
    const next = leaderOf(second);
    expect(next === 1 || next === 2).toBe(true);
    await second.start(next!, 'after=1');
    await second.runFor(300);
    await second.runFor(300);
    for (const id of [1, 2]) expect(second.node(id).kv).toMatchObject({ k4: '4', after: '1' });
    // A restart reads the same disk and fails the same way.
    await second.restart(3);
    await second.runFor(10);
    expect(second.node(3).alive).toBe(false);
    expect(second.trace().filter((e) => e.kind === 'error')).toHaveLength(2);
  });
});
