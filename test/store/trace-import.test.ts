// Importing a trace into the lab's store (issue 14, "Import in the app"):
// the store shows a read-only TraceCluster only once the import succeeded,
// every action refuses with the imported-trace message, stepping folds the
// trace's state into the views, the whole-trace monitor's violations carry
// a position the timeline jumps to, and Close trace returns to a live run.
// The import runs inline here (no module workers in Node); the browser spec
// runs it in the worker.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createLab, type Lab } from '../../src/store';
import { TraceCluster } from '../../src/trace';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/traces/${name}`, import.meta.url), 'utf8');
const fileOf = (text: string, name: string) => ({ kind: 'file' as const, file: new Blob([text]), name });

function lab(): Lab {
  return createLab({ nodes: 5, seed: 3, playing: false, clock: 'manual', traceImport: 'inline' });
}

/** Waits until the whole-trace check has answered. */
async function checked(l: Lab): Promise<void> {
  for (let i = 0; i < 500 && l.store.getState().traceCheck?.state === 'checking'; i++) await new Promise((r) => setTimeout(r, 5));
}

describe('importing a trace into the store', () => {
  it('puts the store in imported mode only once the import succeeded, with the summary', async () => {
    const l = lab();
    await l.store.getState().advance(500);
    const live = l.store.getState().cluster;
    const pending = l.store.getState().importTrace(fileOf(fixture('etcd-election.ndjson'), 'etcd-election.ndjson'));
    // While it reads, the live run is on show and untouched.
    expect(l.store.getState().cluster).toBe(live);
    expect(l.store.getState().traceImport?.source).toBe('etcd-election.ndjson');
    expect(await pending).toBe(true);
    const s = l.store.getState();
    expect(s.cluster).toBeInstanceOf(TraceCluster);
    expect(s.trace).toMatchObject({ source: 'etcd-election.ndjson', format: 'etcd', nodes: 3, problemCount: 0 });
    expect(s.trace!.events).toBe((s.cluster as TraceCluster).length);
    expect(s.ids).toEqual([1, 2, 3]);
    expect(s.traceImport).toBeNull();
    expect(s.playing).toBe(false);
    expect(s.historySize).toBe(1);
  });

  it('refuses every action with the imported-trace message, in the trace notice', async () => {
    const l = lab();
    await l.store.getState().importTrace(fileOf(fixture('etcd-election.ndjson'), 'e.ndjson'));
    const s = () => l.store.getState();
    await s().crash(1);
    expect(s().notices.trace?.text).toMatch(/^This is an imported trace: crashing a node is off/);
    s().disconnect(2);
    expect(s().notices.trace?.text).toMatch(/unplugging a node is off/);
    await s().submitCommand('x=1');
    await s().alignTimers();
    expect(s().notices.trace?.text).toMatch(/aligning timers is off/);
    expect(await s().shareLink()).toBeNull();
    expect(s().nodes.every((n) => n.alive && n.connected)).toBe(true);
  });

  it('stepping shows node state from the trace (etcd: node 1 elected in term 2)', async () => {
    const l = lab();
    await l.store.getState().importTrace(fileOf(fixture('etcd-election.ndjson'), 'e.ndjson'));
    const s = () => l.store.getState();
    expect(s().nodes.map((n) => n.term)).toEqual([0, 0, 0]);
    while (await s().stepOnce()) if (s().nodes[0]!.role === 'leader') break;
    expect(s().nodes[0]).toMatchObject({ role: 'leader', term: 2 });
    expect(s().historySize).toBe(s().cluster.processed() + 1);
    // The narration is worded from the trace.
    expect(Object.values(s().narration).flat().length).toBeGreaterThan(0);
  });

  it('a failing import leaves the previous run untouched, with the reason and the bad lines', async () => {
    const l = lab();
    await l.store.getState().advance(800);
    const before = l.store.getState();
    const ok = await l.store.getState().importTrace(fileOf('hello\nthis is not a trace\n', 'notes.txt'));
    expect(ok).toBe(false);
    const after = l.store.getState();
    expect(after.cluster).toBe(before.cluster);
    expect(after.nodes).toBe(before.nodes);
    expect(after.trace).toBeNull();
    expect(after.notices.trace?.text).toMatch(/^notes\.txt was not imported: Could not tell what kind of trace this is/);
    expect(after.notices.trace?.text).toMatch(/The run on show goes on as it was\.$/);
    // The live run goes on.
    await l.store.getState().advance(200);
    expect(l.store.getState().nowMs).toBe(1000);

    // Too many bad lines: the import stops with TraceImportError's message, and lists them.
    const bad = Array.from({ length: 150 }, (_, i) => `00001${i} VOTE S1 RL node=1 ev=explode`).join('\n');
    expect(await l.store.getState().importTrace(fileOf(`000001 TIMR S0 RL node=0 ev=state term=1\n${bad}\n`, 'bad.log'))).toBe(false);
    const f = l.store.getState().traceFailure!;
    expect(f.message).toMatch(/^Import stopped at line \d+: more than 100 lines could not be read/);
    expect(f.problems).toHaveLength(20);
    expect(f.problemCount).toBe(101);
    expect(l.store.getState().cluster).toBe(before.cluster);
  });

  it('lists the bad lines of an import that went on past them', async () => {
    const l = lab();
    expect(await l.store.getState().importTrace(fileOf(fixture('student-bad-lines.log'), 'bad-lines.log'))).toBe(true);
    const t = l.store.getState().trace!;
    expect(t.problemCount).toBeGreaterThan(3);
    expect(t.problems[0]).toMatchObject({ line: 2 });
    expect(t.problems[0]!.reason).toMatch(/term/);
  });

  it('reports the planted double vote; the jump seeks to just after the offending event', async () => {
    const l = lab();
    await l.store.getState().importTrace(fileOf(fixture('student-double-vote.log'), 'double.log'));
    await checked(l);
    const check = l.store.getState().traceCheck;
    expect(check?.state).toBe('done');
    if (check?.state !== 'done') return;
    const vote = check.violations.find((v) => v.property === 'One Vote Per Term')!;
    expect(vote).toMatchObject({ node: '2', line: 17 });
    // Ahead of the playback: the trace is played on to it.
    await l.store.getState().showTraceMoment(vote.position);
    const s = () => l.store.getState();
    expect(s().cluster.processed()).toBe(vote.position);
    expect((s().cluster as TraceCluster).eventAt(vote.position - 1)!.line).toBe(17);
    // Node S2 (id 3) has just voted for S1 (id 2) in term 3, after voting for S0.
    expect(s().nodes.find((n) => n.id === 3)).toMatchObject({ term: 3, votedFor: 2 });
    // Behind the playback: the timeline's past.
    await s().stepOnce();
    await s().stepOnce();
    await s().showTraceMoment(vote.position);
    expect(s().review).toBe(vote.position);
    expect(s().reviewFrame?.after).toBe(vote.position);
    expect(s().nodes.find((n) => n.id === 3)).toMatchObject({ term: 3, votedFor: 2 });
  });

  it('a clean trace checks safe; going back on the timeline rebuilds the moment from the trace', async () => {
    const l = lab();
    await l.store.getState().importTrace(fileOf(fixture('student-lab.log'), 'lab.log'));
    await checked(l);
    expect(l.store.getState().traceCheck).toMatchObject({ state: 'done', count: 0 });
    const s = () => l.store.getState();
    const seen: (readonly unknown[])[] = [];
    for (let i = 0; i < 25; i++) {
      seen.push(s().nodes.map((n) => [n.role, n.term, n.votedFor, n.commitIndex, n.log.length]));
      await s().stepOnce();
    }
    for (const i of [24, 3, 17, 0, 10]) {
      await s().reviewAt(i);
      expect(s().review).toBe(i);
      expect(
        s().nodes.map((n) => [n.role, n.term, n.votedFor, n.commitIndex, n.log.length]),
        `after ${i} events`,
      ).toEqual(seen[i]);
    }
    expect(await s().continueFromHere()).toBe(false);
    expect(s().notices.trace?.text).toMatch(/Continue from here is off/);
  });

  it('Close trace returns to a fresh live run with the settings in force before', async () => {
    const l = lab();
    await l.store.getState().importTrace(fileOf(fixture('etcd-election.ndjson'), 'e.ndjson'));
    expect(await l.store.getState().closeTrace()).toBe(true);
    const s = l.store.getState();
    expect(s.cluster).not.toBeInstanceOf(TraceCluster);
    expect(s.trace).toBeNull();
    expect(s.traceCheck).toBeNull();
    expect(s.ids).toEqual([1, 2, 3, 4, 5]);
    expect(s.config.seed).toBe(3);
    await s.advance(2000);
    expect(l.store.getState().nodes.some((n) => n.role === 'leader')).toBe(true);
  });

  it('refuses ?trace= from another origin', async () => {
    const l = lab();
    (globalThis as { location?: unknown }).location = { href: 'http://localhost:4173/index.html', origin: 'http://localhost:4173' };
    try {
      expect(await l.store.getState().importTraceUrl('https://example.com/trace.ndjson')).toBe(false);
      expect(l.store.getState().notices.trace?.text).toMatch(
        /only from this site \(http:\/\/localhost:4173\); https:\/\/example\.com is another origin/,
      );
      expect(l.store.getState().traceImport).toBeNull();
    } finally {
      delete (globalThis as { location?: unknown }).location;
    }
  });

  it('Download trace: the live run exports to Raft Lab NDJSON that imports back, node for node', async () => {
    const l = lab();
    await l.store.getState().advance(1500);
    const text = l.store.getState().exportTrace()!;
    expect(text.split('\n')[0]).toMatch(/"kind":"meta"/);
    // Then the founding configuration, so a re-import counts majorities as the run did (§4.1).
    const voters = text
      .split('\n')
      .slice(1, 6)
      .map((line) => JSON.parse(line) as { node: string; voters?: string[] });
    expect(voters.map((v) => [v.node, v.voters])).toEqual(['1', '2', '3', '4', '5'].map((n) => [n, ['1', '2', '3', '4', '5']]));
    const nodesThen = l.store.getState().nodes.map((n) => [n.role, n.term, n.votedFor, n.log.length]);
    await l.store.getState().importTrace(fileOf(text, 'raft-lab-trace.ndjson'));
    const s = () => l.store.getState();
    expect(s().trace?.format).toBe('raftlab');
    expect(s().exportTrace()).toBeNull();
    await s().showTraceMoment((s().cluster as TraceCluster).length);
    expect(s().nodes.map((n) => [n.role, n.term, n.votedFor, n.log.length])).toEqual(nodesThen);
  });
});
