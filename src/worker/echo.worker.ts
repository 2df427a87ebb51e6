/// <reference lib="webworker" />
/**
 * The benchmarks' baseline worker (`npm run bench`). It echoes each message
 * back: the raw postMessage round trip the worker transport is measured
 * against. One message is not echoed: `{ benchIdbCommits: { dbName, count } }`
 * makes it time `count` lock-step IndexedDB commits (one small put each,
 * relaxed durability, as a node's disk commits) on a database of its own and
 * answer `{ ms, count }` — several of these at once measure what the
 * origin's IndexedDB commits per second with one writer per node.
 */
declare const self: DedicatedWorkerGlobalScope;

interface IdbCommitsRequest {
  benchIdbCommits: { dbName: string; count: number };
}

const isIdbRequest = (x: unknown): x is IdbCommitsRequest =>
  typeof x === 'object' && x !== null && 'benchIdbCommits' in x && typeof (x as IdbCommitsRequest).benchIdbCommits === 'object';

async function timeCommits({ dbName, count }: IdbCommitsRequest['benchIdbCommits']): Promise<{ ms: number; count: number }> {
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
  for (let i = 0; i < 20; i++) await once(i); // warm-up
  const t0 = performance.now();
  for (let i = 0; i < count; i++) await once(i);
  const ms = performance.now() - t0;
  db.close();
  await new Promise<void>((resolve) => {
    const req = indexedDB.deleteDatabase(dbName);
    req.onsuccess = req.onerror = req.onblocked = () => resolve();
  });
  return { ms, count };
}

self.onmessage = (ev: MessageEvent<unknown>) => {
  const data = ev.data;
  if (!isIdbRequest(data)) {
    self.postMessage(data);
    return;
  }
  timeCommits(data.benchIdbCommits).then(
    (r) => self.postMessage(r),
    (err: unknown) => self.postMessage({ error: String(err) }),
  );
};
export {};
