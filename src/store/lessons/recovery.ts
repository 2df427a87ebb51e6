/** Lesson 7: every node crashes and recovers from its disk (§5.1, Figure 2's persistent state). */
import type { Lesson } from './types';

const ALL = [1, 2, 3, 4, 5];

export const recoveryLesson: Lesson = {
  id: 'recovery',
  title: 'Every node crashes and recovers from disk',
  summary:
    'A power cut takes down the whole cluster; each node comes back with its term, vote and log, and the commit index is learned again.',
  options: { nodes: 5, seed: 7, electionTimeoutMs: [150, 300], heartbeatMs: 50, network: { delayMs: [5, 5] } },
  steps: [
    {
      title: 'Two committed entries',
      caption: 'Node 1 leads term 1; a=1 and b=2 are committed and applied on every node.',
      actions: [
        { kind: 'timeout', id: 1 },
        { kind: 'runUntil', until: { kind: 'leader', id: 1 }, maxMs: 100 },
        { kind: 'start', id: 1, command: 'a=1' },
        { kind: 'start', id: 1, command: 'b=2' },
        { kind: 'runUntil', until: { kind: 'commit', ids: ALL, index: 2 }, maxMs: 300 },
      ],
      expect: [
        { kind: 'commit', ids: ALL, index: 2 },
        { kind: 'applied', ids: ALL, key: 'b', value: '2' },
      ],
    },
    {
      title: 'Power cut',
      caption:
        'Every node crashed. What was only in memory — roles, commitIndex, lastApplied, nextIndex — is gone; what Figure 2 says to persist — currentTerm, votedFor and the log — is on each disk.',
      actions: ALL.map((id) => ({ kind: 'crash' as const, id })),
      expect: ALL.map((id) => ({ kind: 'alive' as const, id, alive: false })),
    },
    {
      title: 'Back from disk',
      caption:
        'Every node restarted from its disk as a follower: term 1 and both entries are back, but each commitIndex starts at 0 — a node cannot know what was committed until a leader tells it.',
      actions: ALL.map((id) => ({ kind: 'restart' as const, id })),
      expect: [
        { kind: 'noLeader' },
        { kind: 'lastIndex', ids: ALL, index: 2 },
        { kind: 'commit', ids: ALL, index: 0, exact: true },
        { kind: 'term', id: 3, term: 1, exact: true },
      ],
      predict: { question: 'Which node will be elected first after the restart?', reveal: 'leader', choices: ALL },
    },
    {
      title: 'A new leader',
      caption:
        'A node timed out and won term 2 (a node that had voted in term 1 remembers it: its vote was on disk). The new leader does not commit a=1 and b=2 by counting replicas: they are of term 1, an earlier term (§5.4.2).',
      actions: [{ kind: 'runUntil', until: { kind: 'leader', term: 2 }, maxMs: 2000 }],
      expect: [
        { kind: 'leader', term: 2 },
        { kind: 'lastIndex', ids: ALL, index: 2 },
      ],
    },
    {
      title: 'Committed again',
      caption:
        'A client sent c=3. Once this entry of the current term was on a majority, the leader committed it — and with it everything before it (§5.4.2). Every node applied a=1, b=2 and c=3 again from its log.',
      actions: [
        { kind: 'start', id: 'leader', command: 'c=3' },
        { kind: 'runUntil', until: { kind: 'commit', ids: ALL, index: 3 }, maxMs: 500 },
      ],
      expect: [
        { kind: 'commit', ids: ALL, index: 3 },
        { kind: 'applied', ids: ALL, key: 'a', value: '1' },
        { kind: 'applied', ids: ALL, key: 'c', value: '3' },
      ],
    },
  ],
};
