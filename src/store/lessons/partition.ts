/** Lesson 4: a network partition and a stale leader (§5.3, §5.4). */
import type { Lesson } from './types';

export const partitionLesson: Lesson = {
  id: 'partition',
  title: 'Network partition and a stale leader',
  summary:
    'A leader cut off in a minority keeps taking commands it can never commit; on heal it steps down and its uncommitted entries are discarded.',
  options: { nodes: 5, seed: 4, electionTimeoutMs: [150, 300], heartbeatMs: 50, network: { delayMs: [5, 5] } },
  steps: [
    {
      title: 'A leader and a committed entry',
      caption: 'Node 1 leads term 1; a=1 is committed everywhere.',
      actions: [
        { kind: 'timeout', id: 1 },
        { kind: 'runUntil', until: { kind: 'leader', id: 1 }, maxMs: 100 },
        { kind: 'start', id: 1, command: 'a=1' },
        { kind: 'runUntil', until: { kind: 'commit', ids: [1, 2, 3, 4, 5], index: 1 }, maxMs: 300 },
      ],
      expect: [
        { kind: 'leader', id: 1, term: 1 },
        { kind: 'commit', ids: [1, 2, 3, 4, 5], index: 1 },
      ],
    },
    {
      title: 'The network splits',
      caption:
        'The network split into {1, 2} and {3, 4, 5}. Node 1 still believes it leads, and a client sent it b=2: it appended it and replicated it to node 2 — but 2 of 5 is not a majority, so b=2 stays uncommitted (dashed).',
      actions: [
        {
          kind: 'partition',
          groups: [
            [1, 2],
            [3, 4, 5],
          ],
        },
        { kind: 'start', id: 1, command: 'b=2' },
        { kind: 'run', ms: 60 },
      ],
      expect: [
        { kind: 'role', id: 1, role: 'leader' },
        { kind: 'hasCommand', ids: [1, 2], command: 'b=2' },
        { kind: 'commit', ids: [1], index: 1, exact: true },
      ],
      predict: { question: 'Which node will lead the majority side?', reveal: 'leader', choices: [3, 4, 5] },
    },
    {
      title: 'The majority elects a leader',
      caption:
        'Nodes 3, 4 and 5 heard nothing from node 1: one of them timed out and won term 2 with three votes. Node 1 is now a stale leader of term 1 — it cannot know, and it still cannot commit.',
      actions: [{ kind: 'runUntil', until: { kind: 'leader', term: 2, among: [3, 4, 5] }, maxMs: 2000 }],
      expect: [
        { kind: 'leader', term: 2, among: [3, 4, 5] },
        { kind: 'role', id: 1, role: 'leader' },
        { kind: 'commit', ids: [1], index: 1, exact: true },
      ],
    },
    {
      title: 'The majority commits',
      caption: 'The new leader took c=3 and committed it on the majority side as entry 2 — the same index node 1 used for b=2.',
      actions: [
        { kind: 'start', id: 'leader', command: 'c=3' },
        { kind: 'runUntil', until: { kind: 'commit', ids: [3, 4, 5], index: 2 }, maxMs: 400 },
      ],
      expect: [
        { kind: 'commit', ids: [3, 4, 5], index: 2 },
        { kind: 'hasCommand', ids: [3, 4, 5], command: 'c=3' },
        { kind: 'commit', ids: [1], index: 1, exact: true },
      ],
    },
    {
      title: 'Heal: the stale leader steps down',
      caption:
        'The network healed. Node 1 saw term 2, stepped down to follower (§5.1), and the new leader’s AppendEntries replaced its uncommitted b=2 with the committed c=3 on nodes 1 and 2 (§5.3). b=2 was never committed, so losing it breaks no promise: the client was never told it succeeded.',
      actions: [
        { kind: 'heal' },
        {
          kind: 'runUntil',
          until: {
            kind: 'all',
            of: [
              { kind: 'role', id: 1, role: 'follower' },
              { kind: 'commit', ids: [1, 2], index: 2 },
            ],
          },
          maxMs: 1000,
        },
      ],
      expect: [
        { kind: 'role', id: 1, role: 'follower' },
        { kind: 'hasCommand', ids: [1, 2], command: 'b=2', present: false },
        { kind: 'hasCommand', ids: [1, 2], command: 'c=3' },
        { kind: 'commit', ids: [1, 2, 3, 4, 5], index: 2 },
      ],
    },
  ],
};
