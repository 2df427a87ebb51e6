/** Lesson 8: log compaction and InstallSnapshot (§7). */
import type { Lesson } from './types';

export const snapshotsLesson: Lesson = {
  id: 'snapshots',
  title: 'Snapshots and InstallSnapshot',
  summary: 'Logs are compacted into snapshots; a follower too far behind gets the leader’s snapshot instead of entries it no longer has.',
  options: { nodes: 5, seed: 8, electionTimeoutMs: [10000, 20000], heartbeatMs: 50, network: { delayMs: [5, 5] }, snapshotThreshold: 3 },
  steps: [
    {
      title: 'A leader, a follower cut off',
      caption:
        'Node 1 leads term 1. Node 5’s cable is unplugged. Each node compacts its log once it holds more than 3 entries past its snapshot (snapshotThreshold 3).',
      actions: [
        { kind: 'timeout', id: 1 },
        { kind: 'runUntil', until: { kind: 'leader', id: 1 }, maxMs: 100 },
        { kind: 'disconnect', id: 5 },
      ],
      expect: [{ kind: 'leader', id: 1, term: 1 }],
    },
    {
      title: 'Compaction',
      caption:
        'Six commands were committed on nodes 1–4. Applied entries were folded into a snapshot — the key–value state plus the index and term of the last entry it covers — and dropped from the log (§7).',
      actions: [
        ...['a=1', 'b=2', 'c=3', 'd=4', 'e=5', 'f=6'].map((command) => ({ kind: 'start' as const, id: 1, command })),
        { kind: 'runUntil', until: { kind: 'commit', ids: [1, 2, 3, 4], index: 6 }, maxMs: 500 },
        { kind: 'run', ms: 100 },
      ],
      expect: [
        { kind: 'commit', ids: [1, 2, 3, 4], index: 6 },
        { kind: 'snapshot', ids: [1], index: 4 },
        { kind: 'lastIndex', ids: [5], index: 0 },
      ],
    },
    {
      title: 'InstallSnapshot',
      caption:
        'Node 5 came back with an empty log. The entries it needs are gone from the leader’s log, so the leader sent its snapshot instead (InstallSnapshot, ⬢): node 5 took the state whole, then the entries after it (§7).',
      actions: [
        { kind: 'connect', id: 5 },
        {
          kind: 'runUntil',
          until: {
            kind: 'all',
            of: [
              { kind: 'snapshot', ids: [5], index: 4 },
              { kind: 'commit', ids: [5], index: 6 },
            ],
          },
          maxMs: 1000,
        },
      ],
      expect: [
        { kind: 'snapshot', ids: [5], index: 4 },
        { kind: 'applied', ids: [5], key: 'a', value: '1' },
        { kind: 'applied', ids: [5], key: 'f', value: '6' },
      ],
    },
  ],
};
