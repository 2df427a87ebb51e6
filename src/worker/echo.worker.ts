/// <reference lib="webworker" />
/** Echoes each message: the baseline for the worker-transport benchmark. */
declare const self: DedicatedWorkerGlobalScope;
self.onmessage = (ev: MessageEvent<unknown>) => self.postMessage(ev.data);
export {};
