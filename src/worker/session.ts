/**
 * Which cluster this tab owns, so a page reload resumes it from IndexedDB.
 *
 * The choice (storage key, size, seed) lives in sessionStorage: it survives a
 * reload but belongs to one tab. A duplicated tab inherits a copy of it, so
 * ownership is also claimed with a Web Lock held for the page's lifetime: a
 * tab that cannot take the lock starts a fresh cluster instead of writing to
 * another tab's databases.
 */
import type { ResumedMembership } from '../sim';
import { deleteClusterStorage, freshStorageKey } from './index';
import { lockName } from './locks';

export interface SessionInfo {
  storageKey: string;
  nodes: number;
  seed: number;
  /**
   * The cluster's membership once it changed (addNode, a committed removal):
   * what a reload resumes (createCluster's `membership`). Absent: the
   * founding nodes 1..nodes.
   */
  membership?: ResumedMembership;
}

const ITEM = 'raftlab.session';

/** The session saved in this tab, or null if none (or if what is saved is malformed). */
export function loadSession(store: Pick<globalThis.Storage, 'getItem'> | undefined = globalThis.sessionStorage): SessionInfo | null {
  try {
    const raw = store?.getItem(ITEM);
    if (!raw) return null;
    const v = JSON.parse(raw) as Partial<SessionInfo>;
    if (typeof v.storageKey !== 'string' || !/^[\w.-]{1,64}$/.test(v.storageKey)) return null;
    if (typeof v.nodes !== 'number' || !Number.isInteger(v.nodes) || v.nodes < 1 || v.nodes > 9) return null;
    if (typeof v.seed !== 'number' || !Number.isInteger(v.seed) || v.seed < 0 || v.seed > 0xffffffff) return null;
    const membership = membershipOf(v.membership, v.nodes);
    return { storageKey: v.storageKey, nodes: v.nodes, seed: v.seed, ...(membership ? { membership } : {}) };
  } catch {
    return null;
  }
}

/**
 * A saved membership if it is one a cluster of `nodes` founders can have
 * (ids 1..highest, highest >= nodes, current increasing), else null: the
 * reload then boots the founders, as before memberships were saved.
 */
function membershipOf(x: unknown, nodes: number): ResumedMembership | null {
  if (typeof x !== 'object' || x === null) return null;
  const { highest, current } = x as Partial<ResumedMembership>;
  if (typeof highest !== 'number' || !Number.isInteger(highest) || highest < nodes || highest > 99) return null;
  if (!Array.isArray(current) || current.length === 0) return null;
  let last = 0;
  for (const id of current as unknown[]) {
    if (typeof id !== 'number' || !Number.isInteger(id) || id <= last || id > highest) return null;
    last = id;
  }
  return { highest, current: [...(current as number[])] };
}

/**
 * Records the membership of the cluster on `storageKey` in the saved session
 * (if that is still the tab's), so a reload brings back the same nodes.
 */
export function saveMembership(
  storageKey: string,
  membership: ResumedMembership,
  store: Pick<globalThis.Storage, 'getItem' | 'setItem'> | undefined = globalThis.sessionStorage,
): void {
  const saved = loadSession(store);
  if (saved?.storageKey !== storageKey) return;
  saveSession({ ...saved, membership: { highest: membership.highest, current: [...membership.current] } }, store);
}

export function saveSession(info: SessionInfo, store: Pick<globalThis.Storage, 'setItem'> | undefined = globalThis.sessionStorage): void {
  try {
    store?.setItem(ITEM, JSON.stringify(info));
  } catch {
    // Private mode or a full quota: the cluster still runs, it just will not resume.
  }
}

const held = new Set<string>();

/**
 * Takes the Web Lock of `storageKey` for the rest of the page's life.
 * Resolves false if another tab holds it. Without Web Locks, assumes true.
 */
export function claim(storageKey: string): Promise<boolean> {
  if (held.has(storageKey)) return Promise.resolve(true);
  const locks = globalThis.navigator?.locks;
  if (!locks) return Promise.resolve(true);
  return new Promise((resolve) => {
    void locks.request(lockName(storageKey), { ifAvailable: true }, (lock) => {
      if (!lock) {
        resolve(false);
        return undefined;
      }
      held.add(storageKey);
      resolve(true);
      return new Promise<void>(() => undefined); // held until the page goes away
    });
  });
}

/** "Reset cluster": wipes the old disks and starts a new session with these settings. */
export async function resetSession(old: SessionInfo | null, next: { nodes: number; seed: number }): Promise<SessionInfo> {
  if (old) await deleteClusterStorage(old.storageKey, old.membership?.highest ?? old.nodes);
  const fresh = { storageKey: freshStorageKey(), nodes: next.nodes, seed: next.seed };
  await claim(fresh.storageKey);
  saveSession(fresh);
  return fresh;
}

/** The storage keys of the lab's own clusters with a database on this origin, with their node count. */
async function storedClusters(factory: IDBFactory): Promise<Map<string, number>> {
  const keys = new Map<string, number>();
  if (typeof factory.databases !== 'function') return keys;
  for (const db of await factory.databases()) {
    // Only disks the lab named itself (freshStorageKey's `c-` keys): a key a
    // caller chose (createCluster({ storageKey })) is theirs to delete.
    const m = /^raftlab:(c-[\w.-]{1,62}):node-(\d+)$/.exec(db.name ?? '');
    if (m) keys.set(m[1]!, Math.max(keys.get(m[1]!) ?? 0, Number(m[2])));
  }
  return keys;
}

/**
 * Deletes the disks of clusters that no open tab holds: a closed tab leaves
 * its databases behind, and only its Web Lock says it is gone. For each
 * stored cluster other than `keep`, the lock is taken if no tab holds it
 * (a live tab holds its own for its whole life, so its disks stay), the
 * databases are deleted while it is held, and it is released. Resolves with
 * the keys it removed. Without Web Locks or `indexedDB.databases()` it
 * removes nothing (it cannot tell who is alive).
 */
export async function sweepAbandonedClusters(keep: string, factory: IDBFactory = indexedDB): Promise<string[]> {
  const locks = globalThis.navigator?.locks;
  if (!locks) return [];
  const removed: string[] = [];
  for (const [key, nodes] of await storedClusters(factory)) {
    if (key === keep || held.has(key)) continue;
    await locks.request(lockName(key), { ifAvailable: true }, async (lock) => {
      if (!lock) return; // a tab is using it
      await deleteClusterStorage(key, nodes);
      removed.push(key);
    });
  }
  return removed;
}
