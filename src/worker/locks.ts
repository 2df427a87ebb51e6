/**
 * Web Locks that say a cluster's disks are in use: a tab (or a headless
 * cluster in a page) holds `raftlab:<storageKey>` while it runs on those
 * databases, so another tab never sweeps them away (session.ts).
 */

/** The lock name of a cluster's disks. */
export function lockName(storageKey: string): string {
  return `raftlab:${storageKey}`;
}

/**
 * Takes the lock of `storageKey` if it is free and holds it until the
 * returned function is called. If another holder has it (this tab's own
 * session, say), or Web Locks do not exist, nothing is taken.
 */
export function holdLock(storageKey: string): () => void {
  const locks = globalThis.navigator?.locks;
  if (!locks) return () => undefined;
  let release: (() => void) | null = null;
  let released = false;
  void locks.request(lockName(storageKey), { ifAvailable: true }, (lock) => {
    if (!lock || released) return undefined;
    return new Promise<void>((resolve) => {
      release = resolve;
    });
  });
  return () => {
    released = true;
    release?.();
  };
}
