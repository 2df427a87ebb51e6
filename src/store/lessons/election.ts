/** Lesson 1: leader election (§5.2), with a split vote first. */
import type { Lesson } from './types';

export const electionLesson: Lesson = {
  id: 'election',
  title: 'Leader election and a split vote',
  summary: 'Followers time out, campaign and vote; when they all time out at once nobody wins, and random timeouts break the tie.',
  options: { nodes: 5, seed: 3, electionTimeoutMs: [150, 300], heartbeatMs: 50, network: { delayMs: [5, 5] } },
  steps: [
    {
      title: 'Five followers',
      caption:
        'Every node starts as a follower in term 0 and waits for a leader. Each has an election timer (the arc round it), drawn at random between 150 and 300 ms: the first to fire starts an election (§5.2). Next, we make them all fire at once.',
      actions: [],
      expect: [{ kind: 'noLeader' }, { kind: 'term', id: 1, term: 0, exact: true }],
    },
    {
      title: 'A split vote',
      caption:
        'All five timers were set to fire at the same moment (Align timers). Every node became a candidate for term 1 and voted for itself, so each refused the others: a vote is given once per term (§5.2). No candidate can gather 3 of 5 votes — a split vote.',
      actions: [
        { kind: 'alignTimers' },
        { kind: 'runUntil', until: { kind: 'candidates', count: 5 }, maxMs: 400 },
        { kind: 'run', ms: 20 },
      ],
      expect: [{ kind: 'noLeader' }, { kind: 'candidates', count: 5 }, { kind: 'term', id: 3, term: 1, exact: true }],
      predict: {
        question: 'Each candidate now waits a new random timeout before trying again. Which node will win the next election?',
        reveal: 'leader',
        choices: [1, 2, 3, 4, 5],
      },
    },
    {
      title: 'Random timeouts break the tie',
      caption:
        "One candidate's new timeout ran out first: it started term 2, asked the others for their votes, and they — still without a vote in term 2 and with logs no more up to date than its own (§5.4.1) — granted them. With a majority it is the leader of term 2 (§5.2).",
      actions: [{ kind: 'runUntil', until: { kind: 'leader' }, maxMs: 2000 }],
      expect: [{ kind: 'leader', term: 2 }],
    },
    {
      title: 'Heartbeats hold the leadership',
      caption:
        "The leader sends empty AppendEntries (heartbeats, ◆) every 50 ms. Each one resets the followers' election timers, so as long as it keeps sending no one else times out (§5.2).",
      actions: [{ kind: 'run', ms: 600 }],
      expect: [{ kind: 'leader', term: 2 }],
    },
  ],
};
