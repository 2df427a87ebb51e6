/**
 * A node's disk on IndexedDB: one database per cluster and node. `apply`
 * writes a Ready's persist ops in one readwrite transaction and resolves only
 * when it has committed, so nothing that depends on them leaves before.
 *
 * Layout: the `meta` store holds `format` (the layout version), `hardState`
 * and `snapshot`; the `log` store holds one record per entry after the
 * snapshot, keyed by its index. `load` refuses a disk that a correct node
 * could not have written, naming the database and the record.
 */
import type { Entry, PersistOp, PersistentState, Snapshot } from '../raft';
import type { Storage } from '../sim';
import { storedStateProblem } from './consistency';
import { describeMessage } from './protocol';
import { EntrySchema, explain, HardStateSchema, SnapshotSchema } from './schema';

/** A record key or value as it appears in an error: numbers plain, anything else as JSON. */
const shown = (x: unknown): string => (typeof x === 'number' ? String(x) : describeMessage(x));

const META = 'meta';
const LOG = 'log';
const FORMAT_KEY = 'format';

/**
 * The layout version this build writes and reads. A database without a
 * `format` record was written before it existed and is read as version 1.
 */
export const DISK_FORMAT = 1;

/** The database name of one node of one cluster (clusters in other tabs use other keys). */
export function databaseName(storageKey: string, id: number): string {
  return `${databasePrefix(storageKey)}${id}`;
}

/** What every node database of one cluster's name starts with (the node id follows). */
export function databasePrefix(storageKey: string): string {
  return `raftlab:${storageKey}:node-`;
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

/** Thrown by `load` for a disk that cannot be recovered from; the message names the database and the record. */
export class CorruptDiskError extends Error {
  constructor(dbName: string, problem: string) {
    super(`disk ${dbName} is corrupt: ${problem}`);
    this.name = 'CorruptDiskError';
  }
}

export class IdbStorage implements Storage {
  private constructor(private readonly db: IDBDatabase) {}

  /** The database's name (it names the node's disk in errors). */
  get name(): string {
    return this.db.name;
  }

  /**
   * Opens (creating if needed) the database `name` from `factory` (the
   * global indexedDB by default). A new or empty database is stamped with
   * the current format.
   */
  static async open(name: string, factory: IDBFactory = indexedDB): Promise<IdbStorage> {
    const req = factory.open(name, 1);
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains(META)) db.createObjectStore(META);
      if (!db.objectStoreNames.contains(LOG)) db.createObjectStore(LOG, { keyPath: 'index' });
    };
    const storage = new IdbStorage(await request(req));
    try {
      await storage.stampIfEmpty();
    } catch (err) {
      storage.close();
      throw err;
    }
    return storage;
  }

  /** Writes the format record into a database that holds nothing yet (new, wiped, or from before formats). */
  private async stampIfEmpty(): Promise<void> {
    const tx = this.db.transaction([META, LOG], 'readwrite');
    const meta = tx.objectStore(META);
    const [metaCount, logCount] = await Promise.all([request(meta.count()), request(tx.objectStore(LOG).count())]);
    if (metaCount === 0 && logCount === 0) meta.put(DISK_FORMAT, FORMAT_KEY);
    await done(tx);
  }

  /**
   * Reads the whole disk back and checks it: the format, each record's
   * shape, and that together they are a state a correct node can have
   * written (consistency.ts). Throws a CorruptDiskError otherwise.
   */
  async load(): Promise<PersistentState> {
    const tx = this.db.transaction([META, LOG], 'readonly');
    const meta = tx.objectStore(META);
    const log = tx.objectStore(LOG);
    const [format, hardState, snapshot, keys, records] = await Promise.all([
      request(meta.get(FORMAT_KEY) as IDBRequest<unknown>),
      request(meta.get('hardState') as IDBRequest<unknown>),
      request(meta.get('snapshot') as IDBRequest<unknown>),
      request(log.getAllKeys()),
      request(log.getAll() as IDBRequest<unknown[]>),
    ]);
    await done(tx);
    const corrupt = (problem: string) => new CorruptDiskError(this.name, problem);
    if (format !== undefined && format !== DISK_FORMAT) {
      throw corrupt(`meta record "format" is ${shown(format)}, but this build reads only format ${DISK_FORMAT}`);
    }
    const hardProblem = hardState === undefined ? null : explain(HardStateSchema, hardState);
    if (hardProblem) throw corrupt(`meta record "hardState": ${hardProblem}`);
    const snapshotProblem = snapshot === undefined ? null : explain(SnapshotSchema, snapshot);
    if (snapshotProblem) throw corrupt(`meta record "snapshot": ${snapshotProblem}`);
    // getAllKeys and getAll both list the store in key order.
    for (let i = 0; i < records.length; i++) {
      const key = keys[i];
      const recordProblem = explain(EntrySchema, records[i]);
      if (recordProblem) throw corrupt(`log record ${shown(key)}: ${recordProblem}`);
      const index = (records[i] as Entry).index;
      if (key !== index) throw corrupt(`log record ${shown(key)} holds index ${shown(index)}`);
    }
    const state: PersistentState = {
      hardState: (hardState as PersistentState['hardState'] | undefined) ?? { term: 0, votedFor: 0 },
      snapshot: (snapshot as Snapshot | undefined) ?? null,
      entries: records as Entry[],
    };
    const problem = storedStateProblem(state);
    if (problem) throw corrupt(problem);
    return state;
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
    const meta = tx.objectStore(META);
    meta.clear();
    meta.put(DISK_FORMAT, FORMAT_KEY);
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
