/// <reference lib="webworker" />
/**
 * A Raft node's process: one dedicated module worker per node. It owns the
 * node's RaftNode and its IndexedDB disk; everything else happens on the
 * main thread. See protocol.ts for the messages.
 */
import { createNodeHost } from './host';
import { IdbStorage } from './idb-storage';

declare const self: DedicatedWorkerGlobalScope;

const receive = createNodeHost({
  post: (message) => self.postMessage(message),
  openStorage: (dbName) => IdbStorage.open(dbName),
});

self.onmessage = (ev: MessageEvent<unknown>) => receive(ev.data);
