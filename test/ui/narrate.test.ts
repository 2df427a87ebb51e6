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
