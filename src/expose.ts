/**
 * `window.raftLab`: the headless API in the page, for the browser tests, the
 * in-page benchmarks and curious users in the devtools console.
 */
import { createCluster } from './sim';
import { deleteClusterStorage } from './worker';
import { benchTransport } from './worker/bench';

const api = { createCluster, deleteClusterStorage, benchTransport };

declare global {
  interface Window {
    raftLab?: typeof api & Record<string, unknown>;
  }
}

export function exposeApi(extra: Record<string, unknown> = {}): void {
  window.raftLab = { ...api, ...extra };
}
