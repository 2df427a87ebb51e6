// `npx raft-lab-check`: the exit codes and what it prints, through the real
// bin script (node + tsx), and main() in-process for the argument errors.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/trace/cli';

const BIN = 'bin/raft-lab-check.mjs';
const fx = (name: string): string => `test/fixtures/traces/${name}`;

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

async function inProcess(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const status = await main(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { status, out: out.join('\n'), err: err.join('\n') };
}

describe('raft-lab-check (the bin)', () => {
  it('a clean trace: one summary line, exit 0', () => {
    const r = run(fx('etcd-election.ndjson'));
    expect(r.status).toBe(0);
    expect(r.out.trim().split('\n')).toEqual([
      'etcd-election.ndjson: safe — 60 events, 3 nodes, 2 terms, entries committed through index 5, 16 messages; no violation (etcd format)',
    ]);
  });

  it('the planted double vote: the first violation with file:line, exit 1', () => {
    const r = run(fx('student-double-vote.log'));
    expect(r.status).toBe(1);
    const lines = r.out.trim().split('\n');
    expect(lines[0]).toMatch(
      /^student-double-vote\.log:17: One Vote Per Term \(Figure 2, §5\.2\) violated: node 3 voted for node 1 and then for node 2 in term 3/,
    );
    expect(lines[1]).toBe('student-double-vote.log: 1 more violation (--all lists them)');
    expect(r.err).toMatch(/numbers its nodes from 0/);
  });

  it('--all lists every violation; --format names the format', () => {
    const r = run('--all', '--format', 'student', fx('student-double-vote.log'));
    expect(r.status).toBe(1);
    expect(
      r.out
        .trim()
        .split('\n')
        .map((l) => l.split(': ')[0]),
    ).toEqual(['student-double-vote.log:17', 'student-double-vote.log:23']);
  });

  it.each([
    ['etcd-old-term-commit.ndjson', /:24: Current-Term Commit/],
    ['raftlab-divergent.ndjson', /:20: State Machine Safety/],
  ])('%s: exit 1', (file, pattern) => {
    const r = run(fx(file));
    expect(r.status).toBe(1);
    expect(r.out).toMatch(pattern);
  });

  it('bad lines are reported on stderr with their numbers and skipped', () => {
    const r = run(fx('student-bad-lines.log'));
    expect(r.status).toBe(0);
    expect(r.err).toMatch(/student-bad-lines\.log:2: skipped: term=x is not a whole number/);
    expect(r.out).toMatch(/6 bad lines skipped/);
  });

  it('what cannot be read: exit 2 with the reason', () => {
    const dir = mkdtempSync(join(tmpdir(), 'raft-lab-check-'));
    const junk = join(dir, 'junk.txt');
    writeFileSync(junk, 'hello\nworld\n');
    const unknown = run(junk);
    expect(unknown.status).toBe(2);
    expect(unknown.err).toMatch(/Could not tell what kind of trace/);
    const missing = run(join(dir, 'missing.ndjson'));
    expect(missing.status).toBe(2);
    expect(missing.err).toMatch(/cannot read .*ENOENT/);
    const many = join(dir, 'many.ndjson');
    writeFileSync(many, `${JSON.stringify({ t: 0, node: '1', kind: 'crash' })}\n${'{"t":1}\n'.repeat(150)}`);
    const stopped = run(many);
    expect(stopped.status).toBe(2);
    expect(stopped.err).toMatch(/Import stopped at line 102: more than 100 lines could not be read/);
  });

  it('reads stdin as "-"', () => {
    const out = execFileSync(process.execPath, [BIN, '-'], { input: `{"t":0,"node":"a","kind":"crash"}\n`, encoding: 'utf8' });
    expect(out).toMatch(/^stdin: safe — 1 event, 1 node/);
  });
});

describe('raft-lab-check arguments', () => {
  it.each([
    [[], /no trace file given/],
    [['--format'], /--format needs a value/],
    [['--format', 'raft'], /Unknown trace format "raft": use one of raftlab, etcd, student/],
    [['--colour', 'x'], /unknown option --colour/],
    [['a', 'b'], /one trace file at a time/],
  ])('%j: exit 2', async (args, message) => {
    const r = await inProcess(...args);
    expect(r.status).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err).toMatch(/Usage: raft-lab-check/);
  });

  it('--help: exit 0', async () => {
    const r = await inProcess('--help');
    expect(r.status).toBe(0);
    expect(r.out).toMatch(/Exit status: 0 safe, 1 a violation, 2 the trace could not be read/);
  });
});
