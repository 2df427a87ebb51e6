// @vitest-environment jsdom
// Issue 7: overlapping "Reset cluster" clicks must not leak clusters or disks.
// A stub 'worker' transport (inline runtimes underneath) counts the clusters
// the store makes and destroys; a stub LabStorage, shaped like the real disk
// session (it reads its current disks before its first await), counts the
// disks it hands out and wipes.
import { afterEach, describe, expect, it } from 'vitest';
import { InlineRuntime, registerTransport } from '../../src/sim';
import { createLab, type Lab, type LabStorage } from '../../src/store';

/** Storage keys of the clusters the transport made, and of those destroyed. */
const made: string[] = [];
const destroyed: string[] = [];
registerTransport('worker', (options) => {
  made.push(options.storageKey);
  return {
    makeRuntime: (settings, disk) => new InlineRuntime(settings, disk),
    dispose: () => {
      destroyed.push(options.storageKey);
      return Promise.resolve();
    },
  };
});

/**
 * Disks as the lab's session hands them out: reset takes fresh ones and says
 * how to wipe the ones they replace. Wiping disks whose cluster still runs
 * would be undone (a worker still booting creates its database after the
 * delete), so each wipe checks that the cluster on those disks is destroyed.
 */
function stubStorage() {
  let seq = 0;
  let current = 'disk-0';
  const issued = [current];
  const wiped: string[] = [];
  const wipedTooEarly: string[] = [];
  const storage: LabStorage = {
    get storageKey() {
      return current;
    },
    resumed: false,
    async reset() {
      const replaced = current;
      await new Promise((resolve) => setTimeout(resolve, 1)); // claiming a lock, saving the session
      seq += 1;
      current = `disk-${seq}`;
      issued.push(current);
      return {
        storageKey: current,
        wipeReplaced: async () => {
          if (!destroyed.includes(replaced)) wipedTooEarly.push(replaced);
          await new Promise((resolve) => setTimeout(resolve, 1)); // deleting databases takes a while
          wiped.push(replaced);
        },
      };
    },
  };
  return { storage, issued, wiped, wipedTooEarly };
}

const labs: Lab[] = [];
afterEach(async () => {
  for (const lab of labs.splice(0))
    await lab.store
      .getState()
      .cluster.destroy()
      .catch(() => undefined);
  made.length = 0;
  destroyed.length = 0;
});

function workerLab(storage: LabStorage): Lab {
  const lab = createLab({ nodes: 5, seed: 1, playing: false, clock: 'manual', transport: 'worker', storage });
  labs.push(lab);
  return lab;
}

describe('cluster-replacing actions run one at a time', () => {
  it('20 resets in one tick leave exactly one live cluster; every other is destroyed and its disks wiped', async () => {
    const { storage, issued, wiped, wipedTooEarly } = stubStorage();
    const lab = workerLab(storage);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => lab.store.getState().resetCluster('3', String(100 + i))));
    expect(results.every((r) => r)).toBe(true);

    const s = lab.store.getState();
    const live = made.filter((key) => !destroyed.includes(key));
    expect(live).toEqual([s.config.storageKey]);
    expect(destroyed).toEqual(made.slice(0, -1)); // each destroyed once, oldest first
    expect(new Set(destroyed).size).toBe(destroyed.length);
    // Disks: all wiped but the live cluster's, and nothing wiped twice.
    expect(issued.filter((key) => !wiped.includes(key))).toEqual([s.config.storageKey]);
    expect(new Set(wiped).size).toBe(wiped.length);
    expect(wipedTooEarly, 'disks wiped only once their cluster is destroyed').toEqual([]);
    // Coalesced: the first request runs, the 19 made meanwhile collapse into the latest.
    expect(made).toHaveLength(3);
    expect(s.config).toMatchObject({ nodes: 3, seed: 119 });
    expect(s.nodes.map((n) => n.id)).toEqual([1, 2, 3]);
  });

  it('a reset asked for while one runs waits for it and then replaces its cluster', async () => {
    const { storage, wiped, wipedTooEarly } = stubStorage();
    const lab = workerLab(storage);
    const first = lab.store.getState().resetCluster('3', '7');
    const second = lab.store.getState().resetCluster('4', '8');
    expect(await first).toBe(true);
    expect(await second).toBe(true);
    expect(made).toHaveLength(3);
    expect(destroyed).toEqual(made.slice(0, 2));
    expect(wiped).toEqual(['disk-0', 'disk-1']);
    expect(wipedTooEarly).toEqual([]);
    expect(lab.store.getState().config).toMatchObject({ nodes: 4, seed: 8, storageKey: 'disk-2' });
  });

  it('an invalid request while a reset runs is refused at once and does not cancel the valid one', async () => {
    const { storage } = stubStorage();
    const lab = workerLab(storage);
    const valid = lab.store.getState().resetCluster('3', '7');
    expect(await lab.store.getState().resetCluster('0', '7')).toBe(false);
    expect(await valid).toBe(true);
    expect(lab.store.getState().config).toMatchObject({ nodes: 3, seed: 7 });
    expect(made.filter((key) => !destroyed.includes(key))).toHaveLength(1);
  });
});
