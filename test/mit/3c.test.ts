// MIT 6.5840 Lab 3C (persistence), ported from raft/test_test.go to virtual
// time. Helpers and failure messages are the lab's (see harness.ts).
import { describe, expect, it } from 'vitest';
import { RAFT_ELECTION_TIMEOUT_MS, withConfig, type Config, type Thread } from './harness';

const SEEDS = [1, 2, 3, 4, 5];

describe.each(SEEDS)('MIT 3C, seed %i', (seed) => {
  it('Persist13C: restarted servers recover their logs and terms from disk (Figure 2, persistent state)', async () => {
    await withConfig({ servers: 3, seed }, async (cfg) => {
      await cfg.one('11', cfg.servers, true);

      // crash and re-start all
      for (const id of cfg.ids) await cfg.start1(id);
      for (const id of cfg.ids) {
        cfg.disconnect(id);
        cfg.connect(id);
      }

      await cfg.one('12', cfg.servers, true);

      const leader1 = await cfg.checkOneLeader();
      cfg.disconnect(leader1);
      await cfg.start1(leader1);
      cfg.connect(leader1);

      await cfg.one('13', cfg.servers, true);

      const leader2 = await cfg.checkOneLeader();
      cfg.disconnect(leader2);
      await cfg.one('14', cfg.servers - 1, true);
      await cfg.start1(leader2);
      cfg.connect(leader2);

      await cfg.wait(4, cfg.servers, -1); // wait for leader2 to join before killing i3

      const i3 = cfg.peer(await cfg.checkOneLeader(), 1);
      cfg.disconnect(i3);
      await cfg.one('15', cfg.servers - 1, true);
      await cfg.start1(i3);
      cfg.connect(i3);

      await cfg.one('16', cfg.servers, true);
    });
  });

  it('Persist23C: more persistence, with partitions and restarts of minorities (Figure 2, persistent state)', async () => {
    await withConfig({ servers: 5, seed }, async (cfg) => {
      let index = 1;
      for (let iters = 0; iters < 5; iters++) {
        await cfg.one(String(10 + index), cfg.servers, true);
        index++;

        const leader1 = await cfg.checkOneLeader();

        cfg.disconnect(cfg.peer(leader1, 1));
        cfg.disconnect(cfg.peer(leader1, 2));

        await cfg.one(String(10 + index), cfg.servers - 2, true);
        index++;

        cfg.disconnect(cfg.peer(leader1, 0));
        cfg.disconnect(cfg.peer(leader1, 3));
        cfg.disconnect(cfg.peer(leader1, 4));

        await cfg.start1(cfg.peer(leader1, 1));
        await cfg.start1(cfg.peer(leader1, 2));
        cfg.connect(cfg.peer(leader1, 1));
        cfg.connect(cfg.peer(leader1, 2));

        await cfg.sleep(RAFT_ELECTION_TIMEOUT_MS);

        await cfg.start1(cfg.peer(leader1, 3));
        cfg.connect(cfg.peer(leader1, 3));

        await cfg.one(String(10 + index), cfg.servers - 2, true);
        index++;

        cfg.connect(cfg.peer(leader1, 4));
        cfg.connect(cfg.peer(leader1, 0));
      }

      await cfg.one('1000', cfg.servers, true);
    });
  });

  it('Persist33C: a crashed majority comes back with the leader of the old term (Figure 2, persistent state)', async () => {
    await withConfig({ servers: 3, seed }, async (cfg) => {
      await cfg.one('101', 3, true);

      const leader = await cfg.checkOneLeader();
      cfg.disconnect(cfg.peer(leader, 2));

      await cfg.one('102', 2, true);

      await cfg.crash1(cfg.peer(leader, 0));
      await cfg.crash1(cfg.peer(leader, 1));
      cfg.connect(cfg.peer(leader, 2));
      await cfg.start1(cfg.peer(leader, 0));
      cfg.connect(cfg.peer(leader, 0));

      await cfg.one('103', 2, true);

      await cfg.start1(cfg.peer(leader, 1));
      cfg.connect(cfg.peer(leader, 1));

      await cfg.one('104', cfg.servers, true);
    });
  });

  it('Figure83C: leaders crash right after Start(); old-term entries are never committed by counting (§5.4.2)', async () => {
    await withConfig({ servers: 5, seed }, async (cfg) => {
      await cfg.one(cfg.randomCommand(), 1, true);

      let nup = cfg.servers;
      for (let iters = 0; iters < 1000; iters++) {
        let leader = -1;
        for (const id of cfg.ids) {
          if (!cfg.alive(id)) continue;
          if ((await cfg.cluster.start(id, cfg.randomCommand())).isLeader) leader = id;
        }

        if (cfg.randInt(1000) < 100) await cfg.sleep(cfg.randInt(RAFT_ELECTION_TIMEOUT_MS / 2));
        else await cfg.sleep(cfg.randInt(13));

        if (leader !== -1) {
          await cfg.crash1(leader);
          nup -= 1;
        }

        if (nup < 3) {
          const s = cfg.randInt(cfg.servers) + 1;
          if (!cfg.alive(s)) {
            await cfg.start1(s);
            cfg.connect(s);
            nup += 1;
          }
        }
      }

      for (const id of cfg.ids) {
        if (!cfg.alive(id)) {
          await cfg.start1(id);
          cfg.connect(id);
        }
      }

      await cfg.one(cfg.randomCommand(), cfg.servers, true);
    });
  });

  it('UnreliableAgree3C: concurrent clients reach agreement over a lossy, delaying network (§5.3)', async () => {
    await withConfig({ servers: 5, seed, unreliable: true }, async (cfg) => {
      const clients: Thread[] = [];
      for (let iters = 1; iters < 50; iters++) {
        for (let j = 0; j < 4; j++) {
          clients.push(
            cfg.go(async () => {
              await cfg.one(String(100 * iters + j), 1, true);
            }),
          );
        }
        await cfg.one(String(iters), 1, true);
      }

      cfg.setUnreliable(false);

      for (const client of clients) await cfg.join(client);

      await cfg.one('100', cfg.servers, true);
    });
  });

  it('Figure8Unreliable3C: Figure 8 with loss and long reordering (§5.4.2)', async () => {
    await withConfig({ servers: 5, seed, unreliable: true }, async (cfg) => {
      await cfg.one(cfg.randomCommand(), 1, true);

      let nup = cfg.servers;
      for (let iters = 0; iters < 1000; iters++) {
        if (iters === 200) cfg.setLongReordering(true);

        let leader = -1;
        for (const id of cfg.ids) {
          const { isLeader } = await cfg.cluster.start(id, cfg.randomCommand());
          if (isLeader && cfg.connected(id)) leader = id;
        }

        if (cfg.randInt(1000) < 100) await cfg.sleep(cfg.randInt(RAFT_ELECTION_TIMEOUT_MS / 2));
        else await cfg.sleep(cfg.randInt(13));

        if (leader !== -1 && cfg.randInt(1000) < RAFT_ELECTION_TIMEOUT_MS / 2) {
          cfg.disconnect(leader);
          nup -= 1;
        }

        if (nup < 3) {
          const s = cfg.randInt(cfg.servers) + 1;
          if (!cfg.connected(s)) {
            cfg.connect(s);
            nup += 1;
          }
        }
      }

      for (const id of cfg.ids) if (!cfg.connected(id)) cfg.connect(id);

      await cfg.one(cfg.randomCommand(), cfg.servers, true);
    });
  });

  it('ReliableChurn3C: what clients saw committed survives crashes, restarts and cuts (§5.4)', async () => {
    await withConfig({ servers: 5, seed }, (cfg) => churn(cfg, false));
  });

  it('UnreliableChurn3C: the same over a lossy, delaying network (§5.4)', async () => {
    await withConfig({ servers: 5, seed, unreliable: true }, (cfg) => churn(cfg, true));
  });
});

/** The lab's internalChurn: three clients submit while servers crash, restart and come and go. */
async function churn(cfg: Config, unreliable: boolean): Promise<void> {
  let stop = false;
  const values: string[] = [];

  // create concurrent clients
  const client = (me: number) => async (): Promise<void> => {
    while (!stop) {
      const x = cfg.randomCommand();
      let index = -1;
      for (const id of cfg.ids) {
        // try them all, maybe one of them is a leader
        if (!cfg.alive(id)) continue;
        const r = await cfg.cluster.start(id, x);
        if (r.isLeader) index = r.index;
      }
      if (index !== -1) {
        // maybe leader will commit our value, maybe not.
        // but don't wait forever.
        for (const to of [10, 20, 50, 100, 200]) {
          const { count, command } = cfg.nCommitted(index);
          if (count > 0) {
            if (command === x) values.push(x);
            break;
          }
          await cfg.sleep(to);
        }
      } else {
        await cfg.sleep(79 + me * 17);
      }
    }
  };
  const ncli = 3;
  const clients = Array.from({ length: ncli }, (_, me) => cfg.go(client(me)));

  // The lab runs 20 rounds; so do we.
  for (let iters = 0; iters < 20; iters++) {
    if (cfg.randInt(1000) < 200) cfg.disconnect(cfg.randInt(cfg.servers) + 1);

    if (cfg.randInt(1000) < 500) {
      const i = cfg.randInt(cfg.servers) + 1;
      if (!cfg.alive(i)) await cfg.start1(i);
      cfg.connect(i);
    }

    if (cfg.randInt(1000) < 200) {
      const i = cfg.randInt(cfg.servers) + 1;
      if (cfg.alive(i)) await cfg.crash1(i);
    }

    // Make crash/restart infrequent enough that the peers can often
    // keep up, but not so infrequent that everything has settled
    // down from one change to the next. Pick a value smaller than
    // the election timeout, but not hugely smaller.
    await cfg.sleep((RAFT_ELECTION_TIMEOUT_MS * 7) / 10);
  }

  await cfg.sleep(RAFT_ELECTION_TIMEOUT_MS);
  if (unreliable) cfg.setUnreliable(false);
  for (const id of cfg.ids) {
    if (!cfg.alive(id)) await cfg.start1(id);
    cfg.connect(id);
  }

  stop = true;
  for (const c of clients) await cfg.join(c);

  await cfg.sleep(RAFT_ELECTION_TIMEOUT_MS);

  const lastIndex = await cfg.one(cfg.randomCommand(), cfg.servers, true);

  const really: string[] = [];
  for (let index = 1; index <= lastIndex; index++) {
    const v = await cfg.wait(index, cfg.servers, -1);
    expect(v, `index ${index} has no command`).not.toBeNull();
    really.push(v!);
  }

  const committed = new Set(really);
  for (const v1 of values) expect(committed.has(v1), `didn't find a value: ${v1}`).toBe(true);
  // Not in the lab: the clients must have got something through.
  expect(values.length, 'no client value was ever committed').toBeGreaterThan(0);
}
