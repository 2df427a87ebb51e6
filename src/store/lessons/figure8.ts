/**
 * Lesson 6: the paper's Figure 8 (§5.4.2), on the engine exactly as
 * test/scripts/figure8-not-committed.txt scripts it (terms are the figure's
 * minus one: our first term is 1). With the "commit earlier term" bug switch
 * on, the same script ends with a committed entry overwritten.
 */
import type { Lesson } from './types';

const FAULT = 'commit-earlier-term' as const;

export const figure8Lesson: Lesson = {
  id: 'figure8',
  title: 'Figure 8: why only current-term entries commit by counting',
  summary:
    'An entry stored on a majority can still be overwritten if it is from an earlier term — the rule of §5.4.2, and what breaks without it.',
  options: { nodes: 5, seed: 1, electionTimeoutMs: [10000, 20000], heartbeatMs: 50, network: { delayMs: [5, 5] } },
  steps: [
    {
      title: 'The start',
      caption:
        'Node 1 led term 1 and a=1 (entry 1) is committed everywhere. The election timeouts are long: every election in this lesson is one the script starts. To see the other half, turn on the bug switch “Commit entries of an earlier term by counting replicas” (Break Raft) and open this lesson again.',
      actions: [
        { kind: 'timeout', id: 1 },
        { kind: 'run', ms: 11 },
        { kind: 'start', id: 1, command: 'a=1' },
        { kind: 'run', ms: 60 },
      ],
      expect: [{ kind: 'commit', ids: [1, 2, 3, 4, 5], index: 1 }],
    },
    {
      title: '(a) Term 2 reaches one follower',
      caption:
        'Node 1 rebooted and won term 2. Cut off with node 2, it took b=2 as entry 2 of term 2 and copied it to node 2 only. Not on a majority: uncommitted.',
      actions: [
        { kind: 'crash', id: 1 },
        { kind: 'restart', id: 1 },
        { kind: 'timeout', id: 1 },
        { kind: 'run', ms: 11 },
        {
          kind: 'partition',
          groups: [
            [1, 2],
            [3, 4, 5],
          ],
        },
        { kind: 'start', id: 1, command: 'b=2' },
        { kind: 'run', ms: 30 },
      ],
      expect: [
        { kind: 'hasCommand', ids: [1, 2], command: 'b=2' },
        { kind: 'hasCommand', ids: [3, 4, 5], command: 'b=2', present: false },
      ],
    },
    {
      title: '(b) Term 3 writes elsewhere',
      caption:
        'Node 1 crashed. Node 5 won term 3 with the votes of 3 and 4, took c=3 as its own entry 2 (term 3), reached nobody, and crashed too.',
      actions: [
        { kind: 'crash', id: 1 },
        { kind: 'timeout', id: 5 },
        { kind: 'run', ms: 11 },
        { kind: 'partition', groups: [[5], [1, 2, 3, 4]] },
        { kind: 'start', id: 5, command: 'c=3' },
        { kind: 'run', ms: 30 },
        { kind: 'crash', id: 5 },
      ],
      expect: [
        { kind: 'hasCommand', ids: [5], command: 'c=3' },
        { kind: 'alive', id: 5, alive: false },
      ],
    },
    {
      title: '(c) On a majority, yet not committed',
      caption:
        'Node 1 came back and won term 4 (its first try, term 3, failed: 3 and 4 had voted for 5). It copied b=2 to nodes 3 and 4: entry 2 is now on four of five nodes. Yet node 1 does not commit it: b=2 is of term 2, not the current term 4, and Raft never commits an earlier term’s entry by counting replicas (§5.4.2).',
      actions: [
        { kind: 'restart', id: 1 },
        { kind: 'heal' },
        { kind: 'timeout', id: 1 },
        { kind: 'run', ms: 11 },
        { kind: 'timeout', id: 1 },
        { kind: 'run', ms: 11 },
        { kind: 'run', ms: 120 },
      ],
      expect: [
        { kind: 'leader', id: 1, term: 4 },
        { kind: 'hasCommand', ids: [1, 2, 3, 4], command: 'b=2' },
        { kind: 'commit', ids: [1], index: 0, exact: true },
      ],
      withFault: [
        {
          fault: FAULT,
          caption:
            'Node 1 came back and won term 4 and copied b=2 to nodes 3 and 4: on four of five nodes. With the rule switched off it counted the replicas and committed b=2 — an entry of term 2 — and the followers applied it. This is the mistake §5.4.2 forbids.',
          expect: [
            { kind: 'leader', id: 1, term: 4 },
            { kind: 'commit', ids: [1], index: 2 },
          ],
        },
      ],
    },
    {
      title: '(d) Overwritten — safely',
      caption:
        'Node 1 crashed. Node 5 came back and won term 5: its last entry (term 3) is newer than the others’ (term 2), so they voted for it (§5.4.1). It overwrote entry 2 everywhere with c=3 and committed d=5 with it. b=2 is gone — and that is safe, because it was never committed: no state machine ever applied it. The safety monitor shows every property holding.',
      actions: [
        { kind: 'crash', id: 1 },
        { kind: 'restart', id: 5 },
        { kind: 'timeout', id: 5 },
        { kind: 'run', ms: 11 },
        { kind: 'timeout', id: 5 },
        { kind: 'run', ms: 11 },
        { kind: 'start', id: 5, command: 'd=5' },
        { kind: 'run', ms: 120 },
      ],
      expect: [
        { kind: 'leader', id: 5, term: 5 },
        { kind: 'commit', ids: [2, 3, 4, 5], index: 3 },
        { kind: 'hasCommand', ids: [2, 3, 4, 5], command: 'b=2', present: false },
        { kind: 'applied', ids: [2, 3, 4, 5], key: 'c', value: '3' },
      ],
      withFault: [
        {
          fault: FAULT,
          caption:
            'Node 1 crashed; node 5 came back and won term 5 (its last entry, term 3, is newer) — a leader without the committed b=2: the monitor reports Leader Completeness violated. It overwrote entry 2 with c=3 and committed it: nodes 2, 3 and 4 had applied b=2 at index 2, node 5 applied c=3 there. Different commands at the same index: State Machine Safety violated. That is what the current-term rule prevents.',
          expect: [
            { kind: 'leader', id: 5, term: 5 },
            { kind: 'applied', ids: [2, 3, 4], key: 'b', value: '2' },
            { kind: 'applied', ids: [5], key: 'c', value: '3' },
            { kind: 'commit', ids: [5], index: 3 },
          ],
        },
      ],
    },
  ],
};
