/** Lesson 3: the leader crashes and a new one is elected (§5.2, §5.4.1). */
import type { Lesson } from './types';

export const crashLesson: Lesson = {
  id: 'crash',
  title: 'Leader crash and re-election',
  summary:
    'The leader dies; the followers notice the silence, elect a new leader with every committed entry, and the old one rejoins as a follower.',
  options: { nodes: 5, seed: 2, electionTimeoutMs: [150, 300], heartbeatMs: 50, network: { delayMs: [5, 5] } },
  steps: [
    {
      title: 'A leader with a committed entry',
      caption: 'Node 1 leads term 1, and the command x=1 is committed on every node (solid in every log).',
      actions: [
        { kind: 'timeout', id: 1 },
        { kind: 'runUntil', until: { kind: 'leader', id: 1 }, maxMs: 100 },
        { kind: 'start', id: 1, command: 'x=1' },
        { kind: 'runUntil', until: { kind: 'commit', ids: [1, 2, 3, 4, 5], index: 1 }, maxMs: 300 },
      ],
      expect: [
        { kind: 'leader', id: 1, term: 1 },
        { kind: 'commit', ids: [1, 2, 3, 4, 5], index: 1 },
      ],
    },
    {
      title: 'The leader crashes',
      caption:
        'Node 1 crashed (✕). Its heartbeats stop; the followers’ election timers keep running down. Its log is on its disk, but it can do nothing now.',
      actions: [{ kind: 'crash', id: 1 }],
      expect: [{ kind: 'alive', id: 1, alive: false }, { kind: 'noLeader' }],
      predict: { question: 'Which node will become the next leader?', reveal: 'leader', choices: [2, 3, 4, 5] },
    },
    {
      title: 'A new leader',
      caption:
        'The first follower whose timer ran out campaigned for term 2 and won a majority of the four live nodes (3 of 5 is still a majority of the cluster). It holds x=1: a candidate missing a committed entry could not have won (§5.4.1, Leader Completeness).',
      actions: [{ kind: 'runUntil', until: { kind: 'leader', term: 2 }, maxMs: 2000 }],
      expect: [
        { kind: 'leader', term: 2, among: [2, 3, 4, 5] },
        { kind: 'hasCommand', ids: [2, 3, 4, 5], command: 'x=1' },
      ],
    },
    {
      title: 'Work goes on',
      caption: 'The new leader took y=2 and committed it with the three other live nodes.',
      actions: [
        { kind: 'start', id: 'leader', command: 'y=2' },
        { kind: 'runUntil', until: { kind: 'commit', ids: [2, 3, 4, 5], index: 2 }, maxMs: 400 },
      ],
      expect: [
        { kind: 'commit', ids: [2, 3, 4, 5], index: 2 },
        { kind: 'applied', ids: [2, 3, 4, 5], key: 'y', value: '2' },
      ],
    },
    {
      title: 'The old leader comes back',
      caption:
        'Node 1 restarted from its disk (term 1, x=1) as a follower. The first message from the leader of term 2 showed it a higher term; it adopted it and received y=2 (§5.1, §5.3).',
      actions: [
        { kind: 'restart', id: 1 },
        { kind: 'runUntil', until: { kind: 'commit', ids: [1], index: 2 }, maxMs: 1000 },
      ],
      expect: [
        { kind: 'role', id: 1, role: 'follower' },
        { kind: 'term', id: 1, term: 2 },
        { kind: 'applied', ids: [1], key: 'y', value: '2' },
      ],
    },
  ],
};
