/**
 * A node's disk on IndexedDB: one database per cluster and node. `apply`
 * writes a Ready's persist ops in one readwrite transaction and resolves only
 * when it has committed, so nothing that depends on them leaves before.
 */
import type { Entry, HardState, PersistOp, PersistentState, Snapshot } from '../raft';
import type { Storage } from '../sim';

const META = 'meta';
const LOG = 'log';

/** The database name of one node of one cluster (clusters in other tabs use other keys). */
export function databaseName(storageKey: string, id: number): string {
  return `raftlab:${storageKey}:node-${id}`;
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
  });
}

export class IdbStorage implements Storage {
  private constructor(private readonly db: IDBDatabase) {}

  /** Opens (creating if needed) the database `name` from `factory` (the global indexedDB by default). */
  static async open(name: string, factory: IDBFactory = indexedDB): Promise<IdbStorage> {
    const req = factory.open(name, 1);
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains(META)) db.createObjectStore(META);
      if (!db.objectStoreNames.contains(LOG)) db.createObjectStore(LOG, { keyPath: 'index' });
    };
    return new IdbStorage(await request(req));
  }

  async load(): Promise<PersistentState> {
    const tx = this.db.transaction([META, LOG], 'readonly');
    const meta = tx.objectStore(META);
    const [hardState, snapshot, entries] = await Promise.all([
      request(meta.get('hardState') as IDBRequest<HardState | undefined>),
      request(meta.get('snapshot') as IDBRequest<Snapshot | undefined>),
      request(tx.objectStore(LOG).getAll() as IDBRequest<Entry[]>),
    ]);
    await done(tx);
    const base = snapshot?.lastIncludedIndex ?? 0;
    return {
      hardState: hardState ?? { term: 0, votedFor: 0 },
      snapshot: snapshot ?? null,
      entries: entries.filter((e) => e.index > base).sort((a, b) => a.index - b.index),
    };
  }

  async apply(ops: readonly PersistOp[]): Promise<void> {
    if (ops.length === 0) return;
    // 'relaxed': committed to the browser's storage before `complete` (it
    // survives the worker's termination and a page reload), without waiting
    // for an OS-level flush; a whole-machine power cut is not simulated.
    const tx = this.db.transaction([META, LOG], 'readwrite', { durability: 'relaxed' });
    const meta = tx.objectStore(META);
    const log = tx.objectStore(LOG);
    for (const op of ops) {
      switch (op.kind) {
        case 'hardState':
          meta.put(op.hardState, 'hardState');
          break;
        case 'entries':
          log.delete(IDBKeyRange.lowerBound(op.fromIndex));
          for (const entry of op.entries) log.put(entry);
          break;
        case 'snapshot':
          meta.put(op.snapshot, 'snapshot');
          if (op.discardLog) log.clear();
          else log.delete(IDBKeyRange.upperBound(op.snapshot.lastIncludedIndex));
          break;
      }
    }
    await done(tx);
  }

  async wipe(): Promise<void> {
    const tx = this.db.transaction([META, LOG], 'readwrite');
    tx.objectStore(META).clear();
    tx.objectStore(LOG).clear();
    await done(tx);
  }

  close(): void {
    this.db.close();
  }
}

/** Deletes a database; resolves even if it was blocked by an open connection elsewhere. */
export function deleteDatabase(name: string, factory: IDBFactory = indexedDB): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = factory.deleteDatabase(name);
    req.onsuccess = () => resolve();
    req.onblocked = () => resolve();
    req.onerror = () => reject(req.error ?? new Error(`could not delete ${name}`));
  });
}
