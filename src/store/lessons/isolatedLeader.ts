/**
 * Lessons 11 and 12: an isolated leader, without and with CheckQuorum
 * (thesis §6.2). Cut off from every follower, a leader of plain Raft goes on
 * believing it leads — clients that reach it wait forever. With CheckQuorum
 * it notices that no majority has answered for an election timeout and
 * steps down by itself.
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
  title: 'A leader and a committed entry',
  caption: 'Node 1 leads term 1, and a=1 is committed on every node.',
  actions: [
    { kind: 'timeout', id: 1 },
    { kind: 'runUntil', until: { kind: 'leader', id: 1 }, maxMs: 200 },
    { kind: 'start', id: 1, command: 'a=1' },
    { kind: 'runUntil', until: { kind: 'commit', ids: [1, 2, 3, 4, 5], index: 1 }, maxMs: 300 },
  ],
  expect: [
    { kind: 'leader', id: 1, term: 1 },
    { kind: 'commit', ids: [1, 2, 3, 4, 5], index: 1 },
  ],
};

const ISOLATE = { kind: 'partition', groups: [[1], [2, 3, 4, 5]] } as const;

export const isolatedLeaderLesson: Lesson = {
  id: 'isolated-leader',
  title: 'An isolated leader (without CheckQuorum)',
  summary: 'A leader cut off from every follower keeps believing it leads, even after the others elected a new leader.',
  options: OPTIONS,
  steps: [
    LEADER,
    {
      title: 'The leader is cut off',
      caption:
        'The network isolated node 1. The other four heard no heartbeat, one timed out and won term 2 (§5.2). Node 1 has heard nothing either — but nothing in Figure 2 makes a leader step down on silence: it still believes it leads term 1.',
      actions: [ISOLATE, { kind: 'runUntil', until: { kind: 'leader', term: 2, among: [2, 3, 4, 5] }, maxMs: 2000 }],
      expect: [
        { kind: 'leader', term: 2, among: [2, 3, 4, 5] },
        { kind: 'role', id: 1, role: 'leader' },
      ],
    },
    {
      title: 'Still a leader, a second later',
      caption:
        'A second later node 1 still leads term 1. A client that reaches it is stuck: b=2 can never commit, since no majority answers. Only a message of a newer term will tell it (§5.1). CheckQuorum (thesis §6.2) makes it step down by itself — see the next lesson.',
      actions: [
        { kind: 'start', id: 1, command: 'b=2' },
        { kind: 'run', ms: 1000 },
      ],
      expect: [
        { kind: 'role', id: 1, role: 'leader' },
        { kind: 'term', id: 1, term: 1, exact: true },
        { kind: 'commit', ids: [1], index: 1, exact: true },
      ],
    },
  ],
};

export const isolatedLeaderCheckQuorumLesson: Lesson = {
  id: 'isolated-leader-checkquorum',
  title: 'An isolated leader steps down (CheckQuorum)',
  summary: 'With CheckQuorum on, a leader that hears from no majority for an election timeout steps down by itself.',
  options: { ...OPTIONS, checkQuorum: true },
  steps: [
    { ...LEADER, caption: `${LEADER.caption} CheckQuorum is on (thesis §6.2).` },
    {
      title: 'The leader notices it is alone',
      caption:
        'The network isolated node 1. With CheckQuorum, a leader counts who answered it: after an election timeout with no answer from a majority, node 1 stepped down to follower by itself (thesis §6.2), still in term 1 — so clients can look for the real leader.',
      actions: [ISOLATE, { kind: 'runUntil', until: { kind: 'role', id: 1, role: 'follower' }, maxMs: 1000 }],
      expect: [
        { kind: 'role', id: 1, role: 'follower' },
        { kind: 'term', id: 1, term: 1, exact: true },
      ],
    },
    {
      title: 'The majority elects a leader',
      caption:
        'The other four elected a leader of term 2 (§5.2). There is one leader, on the side that holds a majority; node 1 waits as a follower until the network heals.',
      actions: [{ kind: 'runUntil', until: { kind: 'leader', term: 2, among: [2, 3, 4, 5] }, maxMs: 2000 }],
      expect: [
        { kind: 'leader', term: 2, among: [2, 3, 4, 5] },
        { kind: 'role', id: 1, role: 'follower' },
      ],
    },
  ],
};
