/** Lesson 2: log replication and commit (§5.3). */
import type { Lesson } from './types';

export const replicationLesson: Lesson = {
  id: 'replication',
  title: 'Log replication and commit',
  summary: 'A command goes into the leader’s log, out to the followers, and is committed once a majority stores it.',
  options: { nodes: 5, seed: 1, electionTimeoutMs: [10000, 20000], heartbeatMs: 50, network: { delayMs: [5, 5] } },
  steps: [
    {
      title: 'A leader',
      caption:
        'Node 1 timed out first and won the election: it is the leader of term 1. Only the leader takes commands from clients (§5.1). The election timeouts are long in this lesson, so nothing else happens by itself.',
      actions: [
        { kind: 'timeout', id: 1 },
        { kind: 'runUntil', until: { kind: 'leader', id: 1 }, maxMs: 100 },
      ],
      expect: [{ kind: 'leader', id: 1, term: 1 }],
    },
    {
      title: 'The leader appends',
      caption:
        'A client sent x=1 to the leader. It appended the command to its own log as entry 1 of term 1 (dashed: not committed yet). Nothing is applied until the entry is committed (§5.3).',
      actions: [{ kind: 'start', id: 1, command: 'x=1' }],
      expect: [
        { kind: 'lastIndex', ids: [1], index: 1 },
        { kind: 'lastIndex', ids: [2, 3, 4, 5], index: 0 },
        { kind: 'commit', ids: [1], index: 0, exact: true },
      ],
    },
    {
      title: 'Followers store it',
      caption:
        'The next AppendEntries (■) carried the entry; every follower checked that its log matches the leader’s just before it (prevLogIndex 0) and appended it. Their acknowledgements are on the way back: still nothing is committed.',
      actions: [{ kind: 'runUntil', until: { kind: 'lastIndex', ids: [2, 3, 4, 5], index: 1 }, maxMs: 200 }],
      expect: [
        { kind: 'lastIndex', ids: [1, 2, 3, 4, 5], index: 1 },
        { kind: 'commit', ids: [1, 2, 3, 4, 5], index: 0, exact: true },
      ],
    },
    {
      title: 'Committed by a majority',
      caption:
        'Once a majority (the leader and two followers) had stored entry 1 — an entry of its own term — the leader committed it and applied x=1 to its state machine (§5.3, §5.4.2). The followers do not know yet.',
      actions: [{ kind: 'runUntil', until: { kind: 'commit', ids: [1], index: 1 }, maxMs: 200 }],
      expect: [
        { kind: 'commit', ids: [1], index: 1, exact: true },
        { kind: 'applied', ids: [1], key: 'x', value: '1' },
        { kind: 'commit', ids: [2, 3, 4, 5], index: 0, exact: true },
      ],
    },
    {
      title: 'Followers learn the commit',
      caption:
        'The next AppendEntries carried leaderCommit = 1, so every follower committed and applied entry 1 too (§5.3): all five state machines hold x=1.',
      actions: [{ kind: 'runUntil', until: { kind: 'commit', ids: [2, 3, 4, 5], index: 1 }, maxMs: 200 }],
      expect: [
        { kind: 'commit', ids: [1, 2, 3, 4, 5], index: 1 },
        { kind: 'applied', ids: [1, 2, 3, 4, 5], key: 'x', value: '1' },
      ],
    },
  ],
};
