/**
 * The one place that creates node workers. The literal `new Worker(new
 * URL(...), { type: 'module' })` is what lets Vite find and bundle the worker.
 */
import type { NodePort } from './runtime';

/** Starts a real module Web Worker running one node, wrapped as a NodePort. */
export function spawnNodeWorker(name: string): NodePort {
  const worker = new Worker(new URL('./node.worker.ts', import.meta.url), { type: 'module', name });
  const port: NodePort = {
    postMessage: (message) => worker.postMessage(message),
    onmessage: null,
    onerror: null,
    terminate: () => worker.terminate(),
  };
  worker.onmessage = (ev: MessageEvent<unknown>) => port.onmessage?.(ev.data);
  worker.onmessageerror = () => port.onerror?.('a message from the worker could not be deserialized');
  worker.onerror = (ev: ErrorEvent) => {
    ev.preventDefault();
    port.onerror?.(ev.message || 'uncaught error');
  };
  return port;
}

/**
 * A worker that echoes every message back: the raw postMessage round trip
 * the worker transport is benchmarked against (`npm run bench`).
 */
export function spawnEchoWorker(): Worker {
  return new Worker(new URL('./echo.worker.ts', import.meta.url), { type: 'module', name: 'echo' });
}
