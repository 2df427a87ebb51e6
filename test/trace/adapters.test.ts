// The adapters on the hand-written fixture traces (test/fixtures/traces/),
// field by field: each is a pure function from text to Raft Lab trace events.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  detectFormat,
  etcdToTrace,
  importTrace,
  parsePairs,
  raftLabToTrace,
  studentToTrace,
  TraceCluster,
  type LocatedEvent,
} from '../../src/trace';

const fixture = (name: string): string => readFileSync(`test/fixtures/traces/${name}`, 'utf8');
const strip = (events: readonly LocatedEvent[]) => events.map(({ line: _line, ...rest }) => rest);

describe('etcd-io/raft TLA+ trace (etcd-election.ndjson)', () => {
  const { events, problems, lines } = etcdToTrace(fixture('etcd-election.ndjson'));

  it('reads every line', () => {
    expect(problems).toEqual([]);
    expect(lines).toBe(42);
  });

  it('InitState: term, vote, role, voters, the bootstrap log of three entries and its commit', () => {
    const first = events.filter((e) => e.line === 1);
    expect(strip(first)).toEqual(
      [
        { t: 0, node: '1', kind: 'state', term: 1, role: undefined, voters: ['1', '2', '3'], reason: 'etcd InitState' },
        {
          t: 0,
          node: '1',
          kind: 'append',
          index: 1,
          entries: [
            { term: 1, command: '' },
            { term: 1, command: '' },
            { term: 1, command: '' },
          ],
        },
        { t: 0, node: '1', kind: 'commit', commitIndex: 3 },
      ].map((e) => Object.fromEntries(Object.entries(e).filter(([, v]) => v !== undefined))),
    );
  });

  it('BecomeCandidate: the new term and the self-vote, in ms from the first line (ts in µs)', () => {
    const e = events.find((x) => x.line === 4)!;
    expect(e).toMatchObject({ t: 1, node: '1', kind: 'state', term: 2, vote: '1', role: 'candidate' });
  });

  it('MsgVote is a RequestVote with lastLogIndex/lastLogTerm from index/logTerm', () => {
    const send = events.find((x) => x.line === 5)!;
    expect(send).toMatchObject({
      kind: 'send',
      node: '1',
      to: '2',
      msg: { type: 'RequestVote', term: 2, lastLogIndex: 3, lastLogTerm: 1 },
    });
  });

  it('a sent MsgVoteResp is the vote, then the reply', () => {
    const l = events.filter((x) => x.line === 9);
    expect(l.map((e) => e.kind)).toEqual(['state', 'vote', 'send']);
    expect(l[1]).toMatchObject({ node: '2', kind: 'vote', term: 2, candidate: '1', granted: true });
    expect(l[2]).toMatchObject({ kind: 'send', to: '1', msg: { type: 'RequestVoteReply', term: 2, voteGranted: true } });
  });

  it("BecomeLeader's empty entry has the leader's term", () => {
    const e = events.filter((x) => x.line === 14);
    expect(e).toEqual([
      expect.objectContaining({ kind: 'state', role: 'leader' }),
      expect.objectContaining({ kind: 'append', index: 4, entries: [{ term: 2, command: '' }] }),
    ]);
  });

  it("MsgApp carries the leader's entries after prevLogIndex; the follower appends what it accepted", () => {
    const send = events.find((x) => x.line === 15)!;
    expect(send).toMatchObject({
      kind: 'send',
      msg: { type: 'AppendEntries', term: 2, prevLogIndex: 3, prevLogTerm: 1, entries: [{ term: 2, command: '' }], leaderCommit: 3 },
    });
    const recv = events.filter((x) => x.line === 18);
    expect(recv.map((e) => e.kind)).toEqual(['receive', 'append']);
    expect(recv[1]).toMatchObject({ node: '2', index: 4, entries: [{ term: 2 }] });
  });

  it('MsgAppResp: success and matchIndex from index; MsgHeartbeat: an AppendEntries without entries', () => {
    expect(events.find((x) => x.line === 19 && x.kind === 'send')).toMatchObject({
      msg: { type: 'AppendEntriesReply', success: true, matchIndex: 4 },
    });
    expect(events.find((x) => x.line === 35 && x.kind === 'send')).toMatchObject({
      msg: { type: 'AppendEntries', entries: [], leaderCommit: 5 },
    });
  });

  it('Commit moves commitIndex', () => {
    expect(events.find((x) => x.line === 23)).toMatchObject({ kind: 'commit', node: '1', commitIndex: 4 });
  });

  it('played to the end: one leader, every log holds five entries of terms 1,1,1,2,2, all committed', () => {
    const cluster = new TraceCluster(importTrace(fixture('etcd-election.ndjson')));
    while (cluster.stepSync());
    expect(cluster.ids).toEqual([1, 2, 3]);
    for (const id of cluster.ids) {
      const v = cluster.node(id);
      expect(v.log.map((e) => e.term)).toEqual([1, 1, 1, 2, 2]);
      expect(v.commitIndex).toBe(5);
      expect(v.term).toBe(2);
      expect(v.votedFor).toBe(1);
      expect(v.role).toBe(id === 1 ? 'leader' : 'follower');
    }
  });

  it('a line of another logger is skipped; a malformed one is reported', () => {
    const text = '{"tag":"debug","msg":"hello"}\n{"tag":"trace","ts":5,"event":{"name":"Commit"}}\nnot json\n';
    const r = etcdToTrace(text);
    expect(r.events).toEqual([]);
    expect(r.problems.map((p) => p.line)).toEqual([2, 3]);
    expect(r.problems[0]!.reason).toMatch(/nid/);
    expect(r.problems[1]!.reason).toMatch(/not JSON/);
  });
});

describe('student DPrintf lines (student-lab.log)', () => {
  const { events, problems } = studentToTrace(fixture('student-lab.log'));

  it('skips the other prints, reads every RL line', () => {
    expect(problems).toEqual([]);
    const rl = fixture('student-lab.log')
      .split('\n')
      .filter((l) => / RL /.test(l)).length;
    expect(events.length).toBe(rl);
  });

  it('the MIT time prefix is the time, relative to the first line; the topic word is ignored', () => {
    expect(events[0]).toMatchObject({ t: 0, node: '0', kind: 'state', term: 0, vote: null, role: 'follower', commitIndex: 0 });
    expect(events.find((e) => e.line === 6)).toMatchObject({ t: 303, kind: 'state', term: 1, vote: '0', role: 'candidate' });
  });

  it('send: an RPC with Figure 2 field names', () => {
    expect(events.find((e) => e.line === 7)).toMatchObject({
      kind: 'send',
      node: '0',
      to: '1',
      msg: { type: 'RequestVote', term: 1, lastLogIndex: 0, lastLogTerm: 0 },
    });
    expect(events.find((e) => e.line === 33)).toMatchObject({
      kind: 'send',
      msg: { type: 'AppendEntries', term: 1, prevLogIndex: 0, prevLogTerm: 0, entries: 1, leaderCommit: 0 },
    });
  });

  it('recv, vote with its why, append with a quoted command, commit, apply, crash, restart', () => {
    expect(events.find((e) => e.line === 9)).toMatchObject({ kind: 'receive', node: '1', from: '0' });
    expect(events.find((e) => e.line === 11)).toMatchObject({
      kind: 'vote',
      candidate: '0',
      term: 1,
      granted: true,
      reason: "S0's log is at least as up-to-date",
    });
    expect(events.find((e) => e.line === 32)).toMatchObject({ kind: 'append', index: 1, entries: [{ term: 1, command: 'x=1' }] });
    expect(events.find((e) => e.line === 39)).toMatchObject({ kind: 'commit', commitIndex: 1 });
    expect(events.find((e) => e.line === 40)).toMatchObject({ kind: 'apply', index: 1, term: 1, command: 'x=1' });
    expect(events.find((e) => e.line === 62)).toMatchObject({ kind: 'crash', node: '2' });
    expect(events.find((e) => e.line === 63)).toMatchObject({ kind: 'restart', node: '2' });
  });

  it('node names from 0 are shifted, and the import says so', () => {
    const trace = importTrace(fixture('student-lab.log'));
    expect(trace.names.ids).toEqual([1, 2, 3]);
    expect(trace.names.idOf('0')).toBe(1);
    expect(trace.names.nameOf(3)).toBe('2');
    expect(trace.names.note).toMatch(/from 0/);
  });

  it("Go's log time, a t= override, and key=value parsing", () => {
    const r = studentToTrace(
      '2026/12/02 14:55:01.100000 RL node=1 ev=crash\n2026/12/02 14:55:01.350000 RL node=1 ev=restart\nRL t=900 node=1 ev=commit commit=2\n',
    );
    expect(r.events.map((e) => e.t)).toEqual([0, 250, 900]);
    expect(parsePairs('a=1 b="x y" c="q\\"uote"')).toEqual(
      new Map([
        ['a', '1'],
        ['b', 'x y'],
        ['c', 'q"uote'],
      ]),
    );
    expect(parsePairs('a=1 b')).toMatch(/expected key=value/);
    expect(parsePairs('a=1 a=2')).toMatch(/twice/);
  });

  it('bad lines: each with its line number and reason; the good ones still read', () => {
    const r = studentToTrace(fixture('student-bad-lines.log'));
    expect(r.problems.map((p) => [p.line, p.reason])).toEqual([
      [2, 'term=x is not a whole number'],
      [3, 'missing node='],
      [5, 'granted=maybe is not true or false'],
      [6, expect.stringMatching(/^ev=explode is not one of state, send/)],
      [8, expect.stringMatching(/^role: .*"boss"/)],
      [9, 'unterminated quoted value for cmd'],
    ]);
    expect(r.events.map((e) => e.line)).toEqual([1, 4, 7]);
  });
});

describe("Raft Lab's own format", () => {
  it('reads the meta line and checks each event against the schema', () => {
    const r = raftLabToTrace(fixture('raftlab-divergent.ndjson'));
    expect(r.problems).toEqual([]);
    expect(r.meta).toMatchObject({ kind: 'meta', nodes: ['1', '2', '3'] });
    expect(r.events[0]).toEqual({ t: 0, node: '1', kind: 'state', term: 1, vote: '1', role: 'candidate', line: 2 });
  });

  it('reports a wrong field with its path, a misplaced meta line, and non-JSON', () => {
    const text = [
      '{"t":0,"node":"1","kind":"state","term":1}',
      '{"kind":"meta"}',
      '{"t":1,"node":"1","kind":"send","to":"2","msg":{"type":"AppendEntries","term":"one"}}',
      '{"t":1,"node":"1","kind":"teleport"}',
      '{"t":-1,"node":"1","kind":"crash"}',
      '{oops',
    ].join('\n');
    const r = raftLabToTrace(text);
    expect(r.problems.map((p) => p.line)).toEqual([2, 3, 4, 5, 6]);
    expect(r.problems[0]!.reason).toBe('a meta line must be the first line');
    expect(r.problems[1]!.reason).toMatch(/^msg\.term: /);
    expect(r.problems[2]!.reason).toMatch(/kind/);
    expect(r.problems[3]!.reason).toMatch(/^t: /);
    expect(r.problems[4]!.reason).toMatch(/not JSON/);
  });
});

describe('format detection', () => {
  it.each([
    ['etcd-election.ndjson', 'etcd'],
    ['etcd-old-term-commit.ndjson', 'etcd'],
    ['student-lab.log', 'student'],
    ['student-double-vote.log', 'student'],
    ['raftlab-divergent.ndjson', 'raftlab'],
  ] as const)('%s is %s', (file, format) => {
    expect(detectFormat(fixture(file))).toBe(format);
    expect(importTrace(fixture(file)).format).toBe(format);
  });

  it('refuses what is none of them, naming the formats', () => {
    expect(detectFormat('hello\nworld\n')).toBeNull();
    expect(() => importTrace('hello\nworld\n')).toThrow(/etcd, student or raftlab/);
  });
});
