// MIT 6.5840 Lab 3A (leader election), ported from raft/test_test.go to
// virtual time. Helpers and failure messages are the lab's (see harness.ts).
import { describe, expect, it } from 'vitest';
import { RAFT_ELECTION_TIMEOUT_MS, withConfig } from './harness';

const SEEDS = [1, 2, 3, 4, 5];

describe.each(SEEDS)('MIT 3A, seed %i', (seed) => {
  it('InitialElection3A: a leader is elected and keeps its term without failures (§5.2)', async () => {
    await withConfig({ servers: 3, seed }, async (cfg) => {
      // is a leader elected?
      await cfg.checkOneLeader();

      // sleep a bit to avoid racing with followers learning of the
      // election, then check that all peers agree on the term.
      await cfg.sleep(50);
      const term1 = cfg.checkTerms();
      expect(term1, 'term is less than 1').toBeGreaterThanOrEqual(1);

      // does the leader+term stay the same if there is no network failure?
      // (The lab only warns here; in virtual time, with no failure, the
      // term must not move, so we assert it.)
      await cfg.sleep(2 * RAFT_ELECTION_TIMEOUT_MS);
      const term2 = cfg.checkTerms();
      expect(term2, 'term changed even though there were no failures').toBe(term1);

      // there should still be a leader.
      await cfg.checkOneLeader();
    });
  });

  it('ReElection3A: a new leader after the old one is cut off; none without a majority (§5.2)', async () => {
    await withConfig({ servers: 3, seed }, async (cfg) => {
      const leader1 = await cfg.checkOneLeader();

      // if the leader disconnects, a new one should be elected.
      cfg.disconnect(leader1);
      await cfg.checkOneLeader();

      // if the old leader rejoins, that shouldn't disturb the new leader.
      // and the old leader should switch to follower.
      cfg.connect(leader1);
      const leader2 = await cfg.checkOneLeader();

      // if there's no quorum, no new leader should be elected.
      cfg.disconnect(leader2);
      cfg.disconnect(cfg.peer(leader2, 1));
      await cfg.sleep(2 * RAFT_ELECTION_TIMEOUT_MS);

      // check that the one connected server does not think it is the leader.
      cfg.checkNoLeader();

      // if a quorum arises, it should elect a leader.
      cfg.connect(cfg.peer(leader2, 1));
      await cfg.checkOneLeader();

      // re-join of last node shouldn't prevent leader from existing.
      cfg.connect(leader2);
      await cfg.checkOneLeader();
    });
  });

  it('ManyElections3A: 7 servers keep one leader while 3 random servers come and go (§5.2)', async () => {
    await withConfig({ servers: 7, seed }, async (cfg) => {
      await cfg.checkOneLeader();

      const iters = 10;
      for (let ii = 1; ii < iters; ii++) {
        // disconnect three nodes
        const i1 = cfg.randInt(cfg.servers) + 1;
        const i2 = cfg.randInt(cfg.servers) + 1;
        const i3 = cfg.randInt(cfg.servers) + 1;
        cfg.disconnect(i1);
        cfg.disconnect(i2);
        cfg.disconnect(i3);

        // either the current leader should still be alive,
        // or the remaining four should elect a new one.
        await cfg.checkOneLeader();

        cfg.connect(i1);
        cfg.connect(i2);
        cfg.connect(i3);
      }

      await cfg.checkOneLeader();
    });
  });
});
