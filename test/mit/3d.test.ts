// MIT 6.5840 Lab 3D (log compaction), ported from raft/test_test.go to
// virtual time. Nodes compact every SNAPSHOT_INTERVAL entries (the lab's
// applierSnap); helpers and failure messages are the lab's (see harness.ts).
import { describe, expect, it } from 'vitest';
import { MAX_LOG_ENTRIES, SNAPSHOT_INTERVAL, withConfig, type Config } from './harness';

const SEEDS = [1, 2, 3, 4, 5];

interface SnapOptions {
  /** Cut the victim off with its cable. */
  disconnect: boolean;
  reliable: boolean;
  /** Crash the victim and restart it from its disk. */
  crash: boolean;
}

/**
 * The lab's snapcommon: a victim falls behind by about a snapshot interval,
 * 30 times over; `after` runs extra checks on the final state.
 */
function snapcommon(seed: number, opts: SnapOptions, after: (cfg: Config) => void): Promise<void> {
  return withConfig({ servers: 3, seed, snapshot: true, unreliable: !opts.reliable }, async (cfg) => {
    await snapRounds(cfg, opts);
    after(cfg);
  });
}

async function snapRounds(cfg: Config, { disconnect, crash }: SnapOptions): Promise<void> {
  const iters = 30;
  const servers = cfg.servers;

  await cfg.one(cfg.randomCommand(), servers, true);
  let leader1 = await cfg.checkOneLeader();

  for (let i = 0; i < iters; i++) {
    let victim = cfg.peer(leader1, 1);
    let sender = leader1;
    if (i % 3 === 1) {
      sender = cfg.peer(leader1, 1);
      victim = leader1;
    }

    if (disconnect) {
      cfg.disconnect(victim);
      await cfg.one(cfg.randomCommand(), servers - 1, true);
    }
    if (crash) {
      await cfg.crash1(victim);
      await cfg.one(cfg.randomCommand(), servers - 1, true);
    }

    // perhaps send enough to get a snapshot
    const nn = SNAPSHOT_INTERVAL / 2 + cfg.randInt(SNAPSHOT_INTERVAL);
    for (let j = 0; j < nn; j++) await cfg.cluster.start(sender, cfg.randomCommand());

    // let applier threads catch up with the Start()'s
    if (!disconnect && !crash) {
      // make sure all followers have caught up, so that
      // an InstallSnapshot RPC isn't required for
      // SnapshotBasic3D().
      await cfg.one(cfg.randomCommand(), servers, true);
    } else {
      await cfg.one(cfg.randomCommand(), servers - 1, true);
    }

    expect(cfg.logSize(), 'Log size too large').toBeLessThan(MAX_LOG_ENTRIES);

    if (disconnect) {
      // reconnect a follower, who maybe behind and
      // needs to receive a snapshot to catch up.
      cfg.connect(victim);
      await cfg.one(cfg.randomCommand(), servers, true);
      leader1 = await cfg.checkOneLeader();
    }
    if (crash) {
      await cfg.start1(victim);
      cfg.connect(victim);
      await cfg.one(cfg.randomCommand(), servers, true);
      leader1 = await cfg.checkOneLeader();
    }
  }
}

/** Not in the lab: a test meant to exercise InstallSnapshot checks that it did. */
function expectInstalls(cfg: Config): void {
  expect(cfg.cluster.stats().byType.InstallSnapshot ?? 0, 'no InstallSnapshot was ever sent').toBeGreaterThan(0);
}

describe.each(SEEDS)('MIT 3D, seed %i', (seed) => {
  it('SnapshotBasic3D: logs stay short while every server keeps up (§7)', async () => {
    await snapcommon(seed, { disconnect: false, reliable: true, crash: false }, (cfg) => {
      // Not in the lab: every server did compact.
      expect(
        cfg.ids.every((id) => cfg.cluster.node(id).snapshotIndex > 0),
        'some server never compacted',
      ).toBe(true);
    });
  });

  it('SnapshotInstall3D: a cut-off follower catches up by InstallSnapshot (§7)', async () => {
    await snapcommon(seed, { disconnect: true, reliable: true, crash: false }, expectInstalls);
  });

  it('SnapshotInstallUnreliable3D: the same over a lossy, delaying network (§7)', async () => {
    await snapcommon(seed, { disconnect: true, reliable: false, crash: false }, expectInstalls);
  });

  it('SnapshotInstallCrash3D: a crashed follower restarts from its snapshot and catches up (§7)', async () => {
    await snapcommon(seed, { disconnect: false, reliable: true, crash: true }, expectInstalls);
  });

  it('SnapshotInstallUnCrash3D: the same over a lossy, delaying network (§7)', async () => {
    await snapcommon(seed, { disconnect: false, reliable: false, crash: true }, expectInstalls);
  });

  it('SnapshotAllCrash3D: every server crashes and restarts from its snapshot; indexes keep rising (§7)', async () => {
    await withConfig({ servers: 3, seed, snapshot: true }, async (cfg) => {
      const servers = cfg.servers;
      const iters = 5;
      await cfg.one(cfg.randomCommand(), servers, true);

      for (let i = 0; i < iters; i++) {
        // perhaps enough to get a snapshot
        const nn = SNAPSHOT_INTERVAL / 2 + cfg.randInt(SNAPSHOT_INTERVAL);
        for (let j = 0; j < nn; j++) await cfg.one(cfg.randomCommand(), servers, true);

        const index1 = await cfg.one(cfg.randomCommand(), servers, true);

        // crash all
        for (const id of cfg.ids) await cfg.crash1(id);

        // revive all
        for (const id of cfg.ids) {
          await cfg.start1(id);
          cfg.connect(id);
        }

        const index2 = await cfg.one(cfg.randomCommand(), servers, true);
        expect(index2, `index decreased from ${index1} to ${index2}`).toBeGreaterThanOrEqual(index1 + 1);
      }
    });
  });

  it('SnapshotInit3D: a snapshot survives two whole-cluster restarts with an entry persisted between (§7)', async () => {
    await withConfig({ servers: 3, seed, snapshot: true }, async (cfg) => {
      const servers = cfg.servers;
      await cfg.one(cfg.randomCommand(), servers, true);

      // enough ops to make a snapshot
      const nn = SNAPSHOT_INTERVAL + 1;
      for (let i = 0; i < nn; i++) await cfg.one(cfg.randomCommand(), servers, true);

      // crash all
      for (const id of cfg.ids) await cfg.crash1(id);

      // revive all
      for (const id of cfg.ids) {
        await cfg.start1(id);
        cfg.connect(id);
      }

      // a single op, to get something to be written back to persistent storage.
      await cfg.one(cfg.randomCommand(), servers, true);

      // crash all
      for (const id of cfg.ids) await cfg.crash1(id);

      // revive all
      for (const id of cfg.ids) {
        await cfg.start1(id);
        cfg.connect(id);
      }

      // do another op to trigger potential bug
      await cfg.one(cfg.randomCommand(), servers, true);
    });
  });
});
