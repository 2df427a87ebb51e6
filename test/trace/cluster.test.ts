// The read-only TraceCluster, rule by rule: how trace events fold into each
// node's Figure 2 state, and that every action refuses.
import { describe, expect, it } from 'vitest';
import type { Cluster } from '../../src/sim';
import { checkTrace, etcdToTrace, importTrace, ImportedTraceError, TraceCluster } from '../../src/trace';

const ndjson = (events: object[]): string => events.map((e) => JSON.stringify(e)).join('\n');
const played = (events: object[]): TraceCluster => {
  const c = new TraceCluster(importTrace(ndjson(events)));
  while (c.stepSync());
  return c;
};
const entry = (term: number, command: string) => ({ term, command });

describe('append: Figure 2, AppendEntries receiver rules 3–4', () => {
  it('an entry already held with the same term is kept, and so is what follows it', () => {
    const c = played([
      { t: 0, node: '1', kind: 'append', index: 1, entries: [entry(1, 'a'), entry(1, 'b'), entry(1, 'c')] },
      { t: 1, node: '1', kind: 'append', index: 1, entries: [entry(1, 'a')] },
    ]);
    expect(c.node(1).log.map((e) => e.command)).toEqual(['a', 'b', 'c']);
  });

  it('a conflicting entry is deleted with all that follow, then the new one written', () => {
    const c = played([
      { t: 0, node: '1', kind: 'append', index: 1, entries: [entry(1, 'a'), entry(1, 'b'), entry(1, 'c')] },
      { t: 1, node: '1', kind: 'append', index: 2, entries: [entry(2, 'x')] },
    ]);
    expect(c.node(1).log.map((e) => `${e.index}@${e.term}${e.command}`)).toEqual(['1@1a', '2@2x']);
    const append = c.trace().filter((e) => e.kind === 'append');
    expect(append[1]).toMatchObject({ fromIndex: 2, truncatedFrom: 2 });
  });
});

describe('state', () => {
  it('a new term without a vote clears the vote (Figure 2: votedFor is per term)', () => {
    const c = played([
      { t: 0, node: '1', kind: 'state', term: 2, vote: '2' },
      { t: 1, node: '1', kind: 'state', term: 3 },
    ]);
    expect(c.node(1)).toMatchObject({ term: 3, votedFor: 0 });
  });

  it('the leader a follower knows: the sender of an AppendEntries of its term or newer', () => {
    const ae = { type: 'AppendEntries', term: 2, prevLogIndex: 0, prevLogTerm: 0, entries: [], leaderCommit: 0 };
    const c = played([
      { t: 0, node: '2', kind: 'state', term: 2 },
      { t: 1, node: '2', kind: 'receive', from: '1', msg: ae },
      { t: 2, node: '2', kind: 'receive', from: '3', msg: { ...ae, term: 1 } },
    ]);
    expect(c.node(2).leader).toBe(1);
  });

  it('crash and restart: volatile state starts over from the snapshot', () => {
    const c = played([
      { t: 0, node: '1', kind: 'append', index: 1, entries: [entry(1, 'a'), entry(1, 'b')] },
      { t: 1, node: '1', kind: 'commit', commitIndex: 2 },
      { t: 2, node: '1', kind: 'snapshot', index: 1, term: 1 },
      { t: 3, node: '1', kind: 'crash' },
    ]);
    expect(c.node(1)).toMatchObject({ alive: false, commitIndex: 1, lastApplied: 1, snapshotIndex: 1 });
    expect(c.node(1).log.map((e) => e.index)).toEqual([2]);
  });
});

describe('elections are judged only where the trace shows the votes', () => {
  it('no vote events and no replies: a leader is not reported for lacking a majority', () => {
    const report = checkTrace(
      importTrace(
        ndjson([
          { t: 0, node: '2', kind: 'state', term: 0 },
          { t: 0, node: '3', kind: 'state', term: 0 },
          { t: 0, node: '1', kind: 'state', term: 1, vote: '1', role: 'candidate' },
          { t: 1, node: '1', kind: 'state', role: 'leader' },
        ]),
      ),
    );
    expect(report.violations).toEqual([]);
  });

  it('with vote events: a leader without a majority is reported', () => {
    const report = checkTrace(
      importTrace(
        ndjson([
          { t: 0, node: '1', kind: 'state', term: 1, vote: '1', role: 'candidate' },
          { t: 0, node: '2', kind: 'vote', term: 1, candidate: '1', granted: false },
          { t: 0, node: '3', kind: 'state', term: 0 },
          { t: 1, node: '1', kind: 'state', role: 'leader' },
        ]),
      ),
    );
    expect(report.violations.map((v) => v.property)).toEqual(['Election Safety']);
  });

  it('without vote events, a granted RequestVoteReply sent is the vote: two in one term are a double vote', () => {
    const reply = (to: string) => ({ t: 1, node: '3', kind: 'send', to, msg: { type: 'RequestVoteReply', term: 4, voteGranted: true } });
    const report = checkTrace(importTrace(ndjson([reply('1'), reply('2')])));
    expect(report.violations.map((v) => [v.property, v.line])).toEqual([['One Vote Per Term', 2]]);
  });
});

describe('etcd: a follower appends only what it accepts (Figure 2, receiver rule 2)', () => {
  const line = (ts: number, name: string, nid: string, log: number, msg?: object) =>
    JSON.stringify({
      tag: 'trace',
      ts,
      event: {
        name,
        nid,
        state: { term: 1, vote: '0', commit: 0 },
        role: nid === '1' ? 'StateLeader' : 'StateFollower',
        log,
        ...(msg ? { msg } : {}),
      },
    });
  const app = { type: 'MsgApp', term: 1, from: '1', to: '2', entries: 1, logTerm: 1, index: 2, commit: 0 };

  it('a MsgApp whose prevLogIndex the follower lacks adds nothing', () => {
    const text = [line(0, 'InitState', '1', 3), line(0, 'InitState', '2', 1), line(1, 'ReceiveAppendEntriesRequest', '2', 1, app)].join(
      '\n',
    );
    const events = etcdToTrace(text).events;
    expect(events.filter((e) => e.node === '2' && e.kind === 'append').map((e) => e.line)).toEqual([2]);
  });

  it('one it holds, it takes', () => {
    const text = [line(0, 'InitState', '1', 3), line(0, 'InitState', '2', 2), line(1, 'ReceiveAppendEntriesRequest', '2', 2, app)].join(
      '\n',
    );
    const appended = etcdToTrace(text).events.filter((e) => e.node === '2' && e.kind === 'append');
    expect(appended.map((e) => e.line)).toEqual([2, 3]);
    expect(appended[1]).toMatchObject({ index: 3, entries: [{ term: 1 }] });
  });
});

describe('read-only', () => {
  it('every action refuses with the same message, and nothing changes', async () => {
    // Through the Cluster interface, as the store calls it.
    const c: Cluster = new TraceCluster(importTrace(ndjson([{ t: 0, node: '1', kind: 'state', term: 1 }])));
    await expect(c.start(1, 'x')).rejects.toThrow(ImportedTraceError);
    await expect(c.crash(1)).rejects.toThrow(/This is an imported trace: crashing a node is off/);
    await expect(c.addNode()).rejects.toThrow(ImportedTraceError);
    expect(() => c.partition([[1]])).toThrow(/partitioning is off/);
    expect(() => c.setNetwork({ dropRate: 0.5 })).toThrow(ImportedTraceError);
    expect(() => c.dropMessage(1)).toThrow(ImportedTraceError);
    expect(() => c.checkpoint()).toThrow(ImportedTraceError);
    expect(c.processed()).toBe(0);
    expect(c.actions()).toEqual([]);
    expect(() => c.node(9)).toThrow(/id must be a node id in 1, got 9/);
  });

  it('runFor plays the events due; runToPosition seeks; runFor refuses a negative time', async () => {
    const c = new TraceCluster(
      importTrace(
        ndjson([
          { t: 0, node: '1', kind: 'state', term: 1 },
          { t: 10, node: '1', kind: 'state', term: 2 },
          { t: 20, node: '1', kind: 'state', term: 3 },
        ]),
      ),
    );
    await c.runFor(15);
    expect([c.processed(), c.now(), c.node(1).term]).toEqual([2, 15, 2]);
    await c.runToPosition(3, 20);
    expect(c.node(1).term).toBe(3);
    await expect(c.runFor(-1)).rejects.toThrow(RangeError);
    expect(await c.step()).toBe(false);
  });
});
