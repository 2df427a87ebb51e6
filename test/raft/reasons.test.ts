// Reason codes (src/raft/reasons.ts): every timeout, term, role, vote and
// reject event says why as data, and its sentence is the one wording table's.
import { describe, expect, it } from 'vitest';
import { describeWhy, WHY_CODES, type CoreEvent, type Why } from '../../src/raft';
import { createCluster } from '../../src/sim';
import { appendEntries, logOf, newNode, requestVote } from './helpers';

const samples: Why[] = [
  { code: 'election-timeout' },
  { code: 'told-to-time-out' },
  { code: 'saw-newer-term', term: 5, from: 2 },
  { code: 'heard-from-leader', leader: 3, term: 4 },
  { code: 'won-election', voters: [1, 3, 4] },
  { code: 'stale-term', ours: 4, theirs: 3 },
  { code: 'already-voted', votedFor: 1, term: 4 },
  { code: 'log-more-up-to-date', lastIndex: 3, lastTerm: 2, candidateLastIndex: 5, candidateLastTerm: 1 },
  { code: 'candidate-up-to-date' },
  { code: 'no-entry-at-prev', prevLogIndex: 7 },
  { code: 'prev-term-mismatch', prevLogIndex: 7, localTerm: 2, prevLogTerm: 3 },
  { code: 'won-pre-vote', voters: [1, 2, 5] },
  { code: 'leader-lease', leader: 3, sinceMs: 40 },
  { code: 'check-quorum', heard: [2], needed: 3 },
  { code: 'check-quorum', heard: [], needed: 2 },
  { code: 'timeout-now', from: 4 },
  { code: 'removed-from-config', index: 9 },
];

describe('reason codes', () => {
  it('every code has a sample here and a plain wording', () => {
    expect([...new Set(samples.map((w) => w.code))].sort()).toEqual([...WHY_CODES].sort());
    expect(samples.map(describeWhy)).toEqual([
      'its election timer ran out',
      'it was told to time out',
      'it saw term 5 from node 2',
      'node 3 is the leader of term 4',
      'it won the election with votes from 1, 3, 4',
      'its term 4 is newer than 3',
      'it already voted for node 1 in term 4',
      'its log (last 3@t2) is more up to date than 5@t1',
      'the candidate is up to date',
      'it has no entry at index 7',
      'its entry at index 7 has term 2, not 3',
      'a majority (1, 2, 5) said they would vote for it',
      'it heard from leader 3 only 40 ms ago, less than the shortest election timeout',
      'in a whole election timeout it heard only from 2 (it needs 3 servers, itself included)',
      'it heard from no follower for a whole election timeout (it needs 2 servers, itself included)',
      'leader 4 handed leadership to it (TimeoutNow)',
      'its own removal (entry 9) is committed',
    ]);
  });

  it("§5.4.1: a vote denied for an out-of-date log carries both logs' last entries", () => {
    const voter = newNode({ id: 2, term: 2, log: logOf(1, 2) });
    voter.step(requestVote(1, 2, 3, 5, 1), 1);
    const vote = voter.takeReady().events.find((e) => e.kind === 'vote');
    expect(vote).toMatchObject({
      granted: false,
      why: { code: 'log-more-up-to-date', lastIndex: 2, lastTerm: 2, candidateLastIndex: 5, candidateLastTerm: 1 },
    });
  });

  it('§5.3: a refused AppendEntries says which check failed', () => {
    const follower = newNode({ id: 2, term: 3, log: logOf(1, 2) });
    follower.step(appendEntries(1, 2, 3, 7, 3), 1);
    follower.step(appendEntries(1, 2, 3, 2, 3), 2);
    const rejects = follower.takeReady().events.filter((e) => e.kind === 'reject');
    expect(rejects.map((e) => e.kind === 'reject' && e.why)).toEqual([
      { code: 'no-entry-at-prev', prevLogIndex: 7 },
      { code: 'prev-term-mismatch', prevLogIndex: 2, localTerm: 2, prevLogTerm: 3 },
    ]);
  });

  it("in a real run every event with a reason has a code, and its sentence is the table's", async () => {
    const c = createCluster({ nodes: 5, seed: 9, network: { dropRate: 0.2 } });
    await c.runFor(3000);
    const withReason = c
      .trace()
      .filter(
        (e): e is Extract<CoreEvent, { why?: Why }> =>
          e.kind === 'timeout' || e.kind === 'term' || e.kind === 'role' || e.kind === 'vote' || e.kind === 'reject',
      );
    expect(withReason.length).toBeGreaterThan(20);
    for (const e of withReason) {
      expect(e.why, JSON.stringify(e)).toBeDefined();
      expect(e.reason).toBe(describeWhy(e.why!));
    }
    expect(new Set(withReason.map((e) => e.why!.code)).size).toBeGreaterThanOrEqual(4);
    await c.destroy();
  });
});
