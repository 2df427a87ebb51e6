/**
 * An in-process stand-in for a Web Worker: the same host code, the same
 * protocol, structured-cloned messages, answers delivered asynchronously.
 * Used by Node tests (with fake-indexeddb) where real workers do not exist;
 * the browser tests use real workers.
 */
import type { Storage } from '../sim';
import { createNodeHost } from './host';
import type { NodePort } from './runtime';
import type { BatchInput, FromWorker } from './protocol';

export interface LoopbackOptions {
  openStorage(dbName: string): Promise<Storage>;
  /** Replace the host's messages on their way out (to test validation). */
  tamper?: (message: FromWorker) => unknown;
  /** Wall ms to hold each answer back (to make workers answer out of order); none by default. */
  jitterMs?: () => number;
  /** Fault injection: the core fails on each tick or delivery this returns a message for (NodeHostOptions.failInput). */
  failInput?: (input: BatchInput) => string | null;
}

export function createLoopbackPort(options: LoopbackOptions): NodePort {
  let alive = true;
  const port: NodePort = {
    postMessage: (message) => {
      if (!alive) return;
      const copy = structuredClone(message);
      queueMicrotask(() => {
        if (alive) receive(copy);
      });
    },
    onmessage: null,
    onerror: null,
    terminate: () => {
      alive = false;
    },
  };
  const receive = createNodeHost({
    post: (message) => {
      const out = options.tamper ? options.tamper(message) : message;
      const copy: unknown = structuredClone(out);
      const deliver = () => {
        if (alive) port.onmessage?.(copy);
      };
      const jitter = options.jitterMs?.() ?? 0;
      if (jitter > 0) setTimeout(deliver, jitter);
      else queueMicrotask(deliver);
    },
    openStorage: (dbName) => options.openStorage(dbName),
    failInput: options.failInput,
  });
  return port;
}
