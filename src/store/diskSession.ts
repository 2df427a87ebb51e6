/**
 * Which IndexedDB disks this tab's lab runs on, so a page reload resumes the
 * cluster (src/worker/session.ts keeps the choice per tab and guards it with
 * a Web Lock against a duplicated tab).
 */
import { claim, loadSession, resetSession, saveMembership, saveSession, sweepAbandonedClusters, type SessionInfo } from '../worker/session';
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
 * URL, if any) match it; otherwise starts fresh disks. Synchronous, so the
 * page renders at once; ownership is then confirmed with a Web Lock, and if
 * another tab turns out to own the saved disks (a duplicated tab), `onLost`
 * is called: the caller resets to fresh disks, and the other tab's are left
 * alone. The tab's previous, unmatched disks are wiped once owned.
 */
export function openDiskSession(wanted: { nodes?: string | number; seed?: string | number }, onLost: () => void): DiskSession {
  const size = parseClusterSize(String(wanted.nodes ?? DEFAULT_NODES));
  const seed = parseSeed(String(wanted.seed ?? DEFAULT_SEED));
  const nodes = size.ok ? size.value : DEFAULT_NODES;
  const seedValue = seed.ok ? seed.value : DEFAULT_SEED;
  const saved = loadSession();
  const sameRun =
    saved !== null &&
    (wanted.nodes === undefined || (size.ok && saved.nodes === nodes)) &&
    (wanted.seed === undefined || (seed.ok && saved.seed === seedValue));
  let current: SessionInfo | null = sameRun ? saved : { storageKey: freshStorageKey(), nodes, seed: seedValue };
  const resumed = sameRun;
  const first: SessionInfo = current ?? { storageKey: freshStorageKey(), nodes, seed: seedValue };
  if (!sameRun) saveSession(first);
  void claim(first.storageKey).then((owned) => {
    // Closed tabs leave their disks behind: once this tab owns its own,
    // delete the disks no open tab holds (issue 9, the storage leak).
    if (owned) void sweepAbandonedClusters(first.storageKey).catch(() => undefined);
    if (owned || current !== first) return;
    current = null; // not ours: never wipe it
    onLost();
  });
  if (saved && !sameRun) {
    void claim(saved.storageKey).then((owned) =>
      owned ? deleteClusterStorage(saved.storageKey, saved.membership?.highest ?? saved.nodes) : undefined,
    );
  }
  let resetting: Promise<void> = Promise.resolve();
  return {
    get storageKey() {
      return current?.storageKey ?? first.storageKey;
    },
    resumed,
    nodes: first.nodes,
    seed: first.seed,
    membership: resumed ? (saved?.membership ?? null) : null,
    noteMembership(storageKey, membership) {
      // Only for the tab's own disks (not another tab's, after a duplicated tab lost them).
      if (current?.storageKey !== storageKey) return;
      current = { ...current, membership: { highest: membership.highest, current: [...membership.current] } };
      saveMembership(storageKey, membership);
    },
    reset(next) {
      // One at a time, so each reset replaces the disks the previous one handed out
      // (the store already serialises its resets; this keeps the session safe on its own).
      const job = resetting.then(async () => {
        const replaced = current; // null when another tab owns them: never wiped
        current = await resetSession(null, next);
        return {
          storageKey: current.storageKey,
          wipeReplaced: () =>
            replaced ? deleteClusterStorage(replaced.storageKey, replaced.membership?.highest ?? replaced.nodes) : Promise.resolve(),
        };
      });
      resetting = job.then(
        () => undefined,
        () => undefined,
      );
      return job;
    },
  };
}
