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
import { timeLockStepCommits } from './idb-commit-loop';

declare const self: DedicatedWorkerGlobalScope;

interface IdbCommitsRequest {
  benchIdbCommits: { dbName: string; count: number };
}

const isIdbRequest = (x: unknown): x is IdbCommitsRequest =>
  typeof x === 'object' && x !== null && 'benchIdbCommits' in x && typeof (x as IdbCommitsRequest).benchIdbCommits === 'object';

self.onmessage = (ev: MessageEvent<unknown>) => {
  const data = ev.data;
  if (!isIdbRequest(data)) {
    self.postMessage(data);
    return;
  }
  timeLockStepCommits(data.benchIdbCommits.dbName, data.benchIdbCommits.count, 20).then(
    (r) => self.postMessage(r),
    (err: unknown) => self.postMessage({ error: String(err) }),
  );
};
export {};
