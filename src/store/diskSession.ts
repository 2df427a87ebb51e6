/**
 * Which IndexedDB disks this tab's lab runs on, so a page reload resumes the
 * cluster (src/worker/session.ts keeps the choice per tab and guards it with
 * a Web Lock against a duplicated tab).
 */
import { claim, loadSession, resetSession, saveSession, type SessionInfo } from '../worker/session';
import { deleteClusterStorage, freshStorageKey } from '../worker';
import type { LabStorage } from './clusterFactory';
import { DEFAULT_NODES, DEFAULT_SEED } from './defaults';
import { parseClusterSize, parseSeed } from './validate';

export interface DiskSession extends LabStorage {
  /** The size and seed to run (the saved ones when resuming). */
  readonly nodes: number;
  readonly seed: number;
}

/** True where nodes can run in workers with IndexedDB disks. */
export function workersAvailable(): boolean {
  return typeof Worker === 'function' && typeof indexedDB !== 'undefined';
}

/**
 * Resumes the tab's saved cluster if the requested size and seed (from the
 * URL, if any) match it and no other tab owns it; otherwise starts fresh disks
 * (wiping the tab's previous ones).
 */
export async function openDiskSession(wanted: { nodes?: string | number; seed?: string | number }): Promise<DiskSession> {
  const size = parseClusterSize(String(wanted.nodes ?? DEFAULT_NODES));
  const seed = parseSeed(String(wanted.seed ?? DEFAULT_SEED));
  const nodes = size.ok ? size.value : DEFAULT_NODES;
  const seedValue = seed.ok ? seed.value : DEFAULT_SEED;
  const saved = loadSession();
  const sameRun =
    saved !== null &&
    (wanted.nodes === undefined || saved.nodes === nodes) &&
    (wanted.seed === undefined || saved.seed === seedValue);
  let current: SessionInfo;
  let resumed = false;
  if (saved && (await claim(saved.storageKey))) {
    if (sameRun) {
      current = saved;
      resumed = true;
    } else {
      await deleteClusterStorage(saved.storageKey, saved.nodes);
      current = { storageKey: freshStorageKey(), nodes, seed: seedValue };
    }
  } else {
    current = { storageKey: freshStorageKey(), nodes, seed: seedValue };
  }
  await claim(current.storageKey);
  saveSession(current);
  return {
    get storageKey() {
      return current.storageKey;
    },
    resumed,
    nodes: current.nodes,
    seed: current.seed,
    async reset(next) {
      current = await resetSession(current, next);
      return current.storageKey;
    },
  };
}
