// @vitest-environment jsdom
// Narration: one readable sentence per event kind, with the engine's reason.
import { describe, expect, it } from 'vitest';
import type { ClusterEvent, InFlightMessage } from '../../src/sim';
import { narrate } from '../../src/store/narrate';

const heartbeat: InFlightMessage = {
  id: 7,
  from: 1,
  to: 2,
  type: 'AppendEntries',
  sentAt: 10,
  deliverAt: 30,
  duplicate: false,
  payload: { type: 'AppendEntries', from: 1, to: 2, term: 3, prevLogIndex: 0, prevLogTerm: 0, entries: [], leaderCommit: 0 },
};

const cases: [ClusterEvent, string | null][] = [
  [
    { kind: 'timeout', at: 1, node: 3, term: 4, reason: 'its election timer ran out' },
    'Node 3 timed out and started an election for term 4',
  ],
  [{ kind: 'term', at: 1, node: 3, term: 4, reason: 'its election timer ran out' }, null],
  [{ kind: 'role', at: 1, node: 3, role: 'candidate', term: 4, reason: 'its election timer ran out' }, null],
  [
    { kind: 'role', at: 1, node: 3, role: 'leader', term: 4, reason: 'it won the election with votes from 1, 3, 4' },
    'Node 3 became leader for term 4: it won the election with votes from 1, 3, 4',
  ],
  [
    { kind: 'vote', at: 1, node: 2, term: 4, candidate: 3, granted: false, reason: 'it already voted for node 1 in term 4' },
    'Node 2 refused its vote to node 3 in term 4: it already voted for node 1 in term 4',
  ],
  [
    { kind: 'reject', at: 1, node: 2, term: 4, leader: 1, reason: 'it has no entry at index 7' },
    'Node 2 rejected AppendEntries from node 1: it has no entry at index 7',
  ],
  [
    {
      kind: 'append',
      at: 1,
      node: 2,
      term: 4,
      fromIndex: 5,
      entries: [
        { index: 5, term: 4, command: 'x=1' },
        { index: 6, term: 4, command: '' },
      ],
      truncatedFrom: 5,
    },
    'Node 2 appended entries 5–6, after deleting its conflicting entries from index 5',
  ],
  [{ kind: 'commit', at: 1, node: 2, term: 4, commitIndex: 6 }, 'Node 2 committed up to index 6'],
  [{ kind: 'apply', at: 1, node: 2, index: 6, term: 4, command: '' }, 'Node 2 applied entry 6 (no-op) to its key–value store'],
  [
    { kind: 'snapshot', at: 1, node: 2, lastIncludedIndex: 9, lastIncludedTerm: 4, reason: 'installed' },
    "Node 2 installed the leader's snapshot up to index 9 (term 4)",
  ],
  [{ kind: 'send', at: 1, message: heartbeat }, 'Node 1 sent a heartbeat (AppendEntries) to node 2'],
  [{ kind: 'drop', at: 1, message: heartbeat, reason: 'by user' }, 'AppendEntries 1 → 2 was dropped by you'],
  [
    { kind: 'crash', at: 1, node: 4, reason: 'crashed by the user' },
    'Node 4 crashed: its volatile state is gone, its disk (term, vote, log) survives',
  ],
  [{ kind: 'restart', at: 1, node: 4 }, 'Node 4 restarted from its disk as a follower'],
  [
    { kind: 'network', at: 1, action: 'network settings {"delayMs":[5,30],"dropRate":0.1}', settings: { delayMs: [5, 30], dropRate: 0.1 } },
    'Network: settings now delay 5–30 ms, drop 10 %',
  ],
  [{ kind: 'error', at: 1, node: 2, message: 'worker did not answer' }, 'Error at node 2: worker did not answer'],
];

describe('narrate', () => {
  it.each(cases)('%# %j', (event, text) => {
    expect(narrate(event)?.text ?? null).toBe(text);
  });
});

/** Issue 13's events: each worded with its thesis section where it states a rule. */
const beyondFigure2: [ClusterEvent, string][] = [
  [
    { kind: 'preCampaign', at: 1, node: 3, term: 5, reason: 'its election timer ran out' },
    'Node 3 timed out and asked for pre-votes for term 5, its own term unchanged (PreVote, thesis §9.6)',
  ],
  [
    { kind: 'preVote', at: 1, node: 2, term: 5, candidate: 3, granted: true, reason: "the candidate's log is at least as up to date" },
    "Node 2 would vote for node 3 in term 5 (pre-vote granted, nothing changed on its disk): the candidate's log is at least as up to date",
  ],
  [
    {
      kind: 'preVote',
      at: 1,
      node: 2,
      term: 5,
      candidate: 3,
      granted: false,
      why: { code: 'leader-lease', leader: 1, sinceMs: 40 },
      reason: 'it heard from leader 1 only 40 ms ago, less than the shortest election timeout',
    },
    'Node 2 would not vote for node 3 in term 5 (pre-vote denied): it heard from leader 1 only 40 ms ago, less than the shortest election timeout',
  ],
  [
    {
      kind: 'config',
      at: 1,
      node: 1,
      term: 2,
      index: 7,
      config: { voters: [1, 2, 3], learners: [4] },
      committed: false,
      inForce: true,
      reason: '',
    },
    'Node 1 now uses the configuration of entry 7 (voters 1, 2, 3; learner 4), in force as soon as it is in the log (thesis §4.1)',
  ],
  [
    {
      kind: 'config',
      at: 1,
      node: 1,
      term: 2,
      index: 8,
      config: { voters: [1, 2, 3, 4], learners: [] },
      committed: true,
      inForce: false,
      reason: '',
    },
    'Node 1: the configuration of entry 8 (voters 1, 2, 3, 4) is committed (thesis §4.1)',
  ],
  [
    { kind: 'transfer', at: 1, node: 1, term: 2, to: 3, phase: 'started', reason: '' },
    'Node 1 began handing leadership to node 3: it takes no new commands and catches node 3 up (thesis §3.10)',
  ],
  [
    { kind: 'transfer', at: 1, node: 1, term: 2, to: 3, phase: 'abandoned', reason: '' },
    'Node 1 gave up handing leadership to node 3: no election within an election timeout; it takes commands again (thesis §3.10)',
  ],
  [
    { kind: 'added', at: 1, node: 6 },
    'Node 6 was added with an empty disk: the leader will catch it up as a learner, then make it a voter (thesis §4.2.1)',
  ],
  [
    { kind: 'removed', at: 1, node: 2, index: 9 },
    'Node 2 was removed: entry 9, which takes it out of the configuration, is committed, so it was shut down (thesis §4.1)',
  ],
];

describe('narrate, beyond Figure 2 (issue 13)', () => {
  it.each(beyondFigure2)('%# %j', (event, text) => {
    expect(narrate(event)?.text).toBe(text);
  });

  it('puts pre-votes and transfers with the elections, configurations with replication, added and removed nodes with faults', () => {
    expect(beyondFigure2.map(([e]) => `${e.kind}:${narrate(e)?.category}`)).toEqual([
      'preCampaign:election',
      'preVote:election',
      'preVote:election',
      'config:replication',
      'config:replication',
      'transfer:election',
      'transfer:election',
      'added:fault',
      'removed:fault',
    ]);
  });
});
