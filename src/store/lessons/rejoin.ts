/**
 * Lessons 9 and 10: a disruptive rejoin, without and with PreVote (thesis
 * §9.6). A node cut off from the others keeps timing out; without PreVote
 * each timeout raises its term, and when it comes back that term unseats a
 * healthy leader. With PreVote it only asks "would you vote for me?" — its
 * term stays — and comes back quietly as a follower.
 */
import type { Lesson, LessonStep } from './types';

const OPTIONS = {
  nodes: 5,
  seed: 3,
  electionTimeoutMs: [150, 300] as [number, number],
  heartbeatMs: 50,
  network: { delayMs: [5, 5] as [number, number] },
};

const LEADER: LessonStep = {
  title: 'A leader of term 1',
  caption: 'Node 1 timed out first and won term 1 with a majority of votes (§5.2). Every node is in term 1.',
  actions: [
    { kind: 'timeout', id: 1 },
    { kind: 'runUntil', until: { kind: 'leader', id: 1 }, maxMs: 200 },
  ],
  expect: [{ kind: 'leader', id: 1, term: 1 }],
};

export const rejoinLesson: Lesson = {
  id: 'rejoin',
  title: 'A disruptive rejoin (without PreVote)',
  summary: 'A node cut off for two seconds raises its term again and again; when it rejoins, that term unseats a healthy leader.',
  options: OPTIONS,
  steps: [
    LEADER,
    {
      title: 'Node 3 is cut off',
      caption:
        'Node 3’s cable was unplugged for two seconds. It hears no heartbeats, so its election timer fires again and again: each time it becomes a candidate for a new term (§5.2) that nobody hears. Meanwhile the others committed x=1 without it, so its log is behind.',
      actions: [
        { kind: 'disconnect', id: 3 },
        { kind: 'start', id: 'leader', command: 'x=1' },
        { kind: 'run', ms: 2000 },
      ],
      expect: [
        { kind: 'leader', id: 1, term: 1 },
        { kind: 'term', id: 3, term: 5 },
        { kind: 'commit', ids: [1, 2, 4, 5], index: 1 },
      ],
    },
    {
      title: 'Node 3 rejoins and unseats the leader',
      caption:
        'Plugged back in, node 3 asks for votes in its high term. The leader sees the newer term and steps down (§5.1) — although it was healthy and nothing was wrong. The cluster has no leader for a while.',
      actions: [
        { kind: 'connect', id: 3 },
        { kind: 'runUntil', until: { kind: 'noLeader' }, maxMs: 300 },
      ],
      expect: [{ kind: 'noLeader' }, { kind: 'term', id: 1, term: 5 }],
    },
    {
      title: 'A needless election',
      caption:
        'Node 3 cannot win: its log lacks x=1, so the others refuse it their votes (§5.4.1). One of them wins instead, in a term far above 1. The leader lost its place for nothing: PreVote (thesis §9.6) prevents exactly this — see the next lesson.',
      actions: [{ kind: 'runUntil', until: { kind: 'leader', term: 5, among: [1, 2, 4, 5] }, maxMs: 3000 }],
      expect: [{ kind: 'leader', term: 5, among: [1, 2, 4, 5] }],
    },
  ],
};

export const rejoinPreVoteLesson: Lesson = {
  id: 'rejoin-prevote',
  title: 'A quiet rejoin with PreVote',
  summary: 'With PreVote on, the cut-off node asks for pre-votes without raising its term, and rejoins as a follower: the leader stays.',
  options: { ...OPTIONS, preVote: true },
  steps: [
    { ...LEADER, caption: `${LEADER.caption} PreVote is on (thesis §9.6).` },
    {
      title: 'Node 3 is cut off, but its term stays',
      caption:
        'Node 3’s cable was unplugged for two seconds. Its timer still fires, but with PreVote it first asks “would you vote for me in term 2?” (PreVote, its term unchanged). Nobody answers, so it never starts a real election: it is still in term 1. The others committed x=1 without it.',
      actions: [
        { kind: 'disconnect', id: 3 },
        { kind: 'start', id: 'leader', command: 'x=1' },
        { kind: 'run', ms: 2000 },
      ],
      expect: [
        { kind: 'leader', id: 1, term: 1 },
        { kind: 'term', id: 3, term: 1, exact: true },
        { kind: 'commit', ids: [1, 2, 4, 5], index: 1 },
      ],
    },
    {
      title: 'Node 3 rejoins quietly',
      caption:
        'Plugged back in, node 3 hears the leader’s heartbeat of term 1 and follows it; the leader catches its log up. Its pre-votes would have been refused anyway (its log is behind, §5.4.1). No term was raised, no election held: the leader of term 1 leads on (thesis §9.6).',
      actions: [
        { kind: 'connect', id: 3 },
        { kind: 'run', ms: 600 },
      ],
      expect: [
        { kind: 'leader', id: 1, term: 1 },
        { kind: 'term', id: 1, term: 1, exact: true },
        { kind: 'term', id: 3, term: 1, exact: true },
        { kind: 'commit', ids: [3], index: 1 },
      ],
    },
  ],
};
