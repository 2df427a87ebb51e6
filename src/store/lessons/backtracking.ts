/** Lesson 5: divergent logs repaired by backtracking nextIndex (§5.3, Figure 7). */
import type { Lesson } from './types';

export const backtrackingLesson: Lesson = {
  id: 'backtracking',
  title: 'Divergent logs repaired by backtracking',
  summary:
    'A cut-off leader piles up entries nobody else has; the next leader finds where their logs agree by stepping nextIndex back, then overwrites the rest.',
  options: { nodes: 5, seed: 5, electionTimeoutMs: [10000, 20000], heartbeatMs: 50, network: { delayMs: [5, 5] } },
  steps: [
    {
      title: 'Agreement on entry 1',
      caption:
        'Node 1 leads term 1 and a=1 is committed on every node. The election timeouts are long here: elections happen only when the lesson times a node out.',
      actions: [
        { kind: 'timeout', id: 1 },
        { kind: 'runUntil', until: { kind: 'leader', id: 1 }, maxMs: 100 },
        { kind: 'start', id: 1, command: 'a=1' },
        { kind: 'runUntil', until: { kind: 'commit', ids: [1, 2, 3, 4, 5], index: 1 }, maxMs: 300 },
      ],
      expect: [{ kind: 'commit', ids: [1, 2, 3, 4, 5], index: 1 }],
    },
    {
      title: 'A leader alone',
      caption:
        'Node 1’s cable was unplugged. Still leader in its own eyes, it took x1, x2 and x3: entries 2–4 of term 1, in its log only, never committed.',
      actions: [
        { kind: 'disconnect', id: 1 },
        { kind: 'start', id: 1, command: 'x1=1' },
        { kind: 'start', id: 1, command: 'x2=1' },
        { kind: 'start', id: 1, command: 'x3=1' },
        { kind: 'run', ms: 30 },
      ],
      expect: [
        { kind: 'lastIndex', ids: [1], index: 4 },
        { kind: 'lastIndex', ids: [2, 3, 4, 5], index: 1 },
      ],
    },
    {
      title: 'Another history',
      caption:
        'Node 2 was timed out: it won term 2 with the votes of 3, 4 and 5 and committed y1 and y2 as entries 2 and 3 — of term 2. Entries 2 and 3 now differ between node 1 and the rest.',
      actions: [
        { kind: 'timeout', id: 2 },
        { kind: 'runUntil', until: { kind: 'leader', id: 2 }, maxMs: 100 },
        { kind: 'start', id: 2, command: 'y1=2' },
        { kind: 'start', id: 2, command: 'y2=2' },
        { kind: 'runUntil', until: { kind: 'commit', ids: [2, 3, 4, 5], index: 3 }, maxMs: 300 },
      ],
      expect: [
        { kind: 'leader', id: 2, term: 2 },
        { kind: 'commit', ids: [2, 3, 4, 5], index: 3 },
        { kind: 'lastIndex', ids: [1], index: 4 },
      ],
    },
    {
      title: 'Back on the network',
      caption:
        'Node 1 was plugged back in. The first AppendEntries of term 2 made it step down to follower. Node 2 sends it entries from nextIndex on, with prevLogIndex/prevLogTerm of the entry just before: while node 1’s entry there has another term, node 1 rejects, and node 2 steps nextIndex back and tries again (§5.3).',
      actions: [
        { kind: 'connect', id: 1 },
        { kind: 'runUntil', until: { kind: 'role', id: 1, role: 'follower' }, maxMs: 200 },
      ],
      expect: [
        { kind: 'role', id: 1, role: 'follower' },
        { kind: 'term', id: 1, term: 2, exact: true },
      ],
    },
    {
      title: 'Repaired',
      caption:
        'The logs agreed at entry 1 (a=1, term 1). From there node 1 deleted its conflicting x1–x3 and took y1 and y2 from the leader: every log is now the leader’s (Log Matching, §5.3), and nothing committed was lost.',
      actions: [
        {
          kind: 'runUntil',
          until: {
            kind: 'all',
            of: [
              { kind: 'matchIndex', leader: 2, follower: 1, index: 3 },
              { kind: 'commit', ids: [1], index: 3 },
            ],
          },
          maxMs: 1000,
        },
      ],
      expect: [
        { kind: 'lastIndex', ids: [1, 2, 3, 4, 5], index: 3 },
        { kind: 'hasCommand', ids: [1], command: 'x1=1', present: false },
        { kind: 'applied', ids: [1], key: 'y2', value: '2' },
      ],
    },
  ],
};
