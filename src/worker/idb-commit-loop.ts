/**
 * The benchmarks' IndexedDB baseline: `count` lock-step commits (one small
 * put per readwrite transaction, relaxed durability, as a node's disk
 * commits) on a fresh database of its own, deleted afterwards. Used on the
 * page (src/worker/bench.ts) and in the echo worker, several at once.
 */
export async function timeLockStepCommits(dbName: string, count: number, warmUp: number): Promise<{ ms: number; count: number }> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const req = indexedDB.open(dbName, 1);
    req.onupgradeneeded = () => req.result.createObjectStore('log', { keyPath: 'index' });
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('open failed'));
  });
  const once = (i: number) =>
    new Promise<void>((resolve, reject) => {
      const tx = db.transaction('log', 'readwrite', { durability: 'relaxed' });
      tx.objectStore('log').put({ index: i, term: 3, command: 'k=v' });
      tx.oncomplete = () => resolve();
      tx.onabort = () => reject(tx.error ?? new Error('aborted'));
    });
  try {
    for (let i = 0; i < warmUp; i++) await once(i);
    const t0 = performance.now();
    for (let i = 0; i < count; i++) await once(i);
    return { ms: performance.now() - t0, count };
  } finally {
    db.close();
    await new Promise<void>((resolve) => {
      const req = indexedDB.deleteDatabase(dbName);
      req.onsuccess = req.onerror = req.onblocked = () => resolve();
    });
  }
}
