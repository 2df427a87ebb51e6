// Scenario scripts (test/scripts/*.txt) with golden output: each command may
// be followed by `----` and what it must print (see src/sim/script.ts for the
// language). After an intended change of output, regenerate the blocks with
//   REWRITE=1 npx vitest run test/scripts.test.ts
// and read the diff before committing it.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCluster, runScript, type Cluster, type ClusterEvent, type ScriptFailure } from '../src/sim';

const dir = join(import.meta.dirname, 'scripts');
const files = readdirSync(dir).filter((f) => f.endsWith('.txt'));
const REWRITE = Boolean(process.env.REWRITE);

const clusters: Cluster[] = [];
afterEach(async () => {
  await Promise.all(clusters.splice(0).map((c) => c.destroy()));
});

/** runScript, its cluster destroyed after the test. */
async function run(text: string, options?: Parameters<typeof runScript>[1]): Promise<Awaited<ReturnType<typeof runScript>>> {
  const result = await runScript(text, options);
  clusters.push(result.cluster);
  return result;
}

function report(failures: readonly ScriptFailure[]): string {
  return failures.map((f) => `line ${f.line}: ${f.text}\n    ${f.message.replace(/\n/g, '\n    ')}`).join('\n');
}

describe('scenario scripts', () => {
  it('has scripts to run', () => {
    expect(files.length).toBeGreaterThanOrEqual(6);
  });

  it.each(files)('%s', async (file) => {
    const path = join(dir, file);
    const text = readFileSync(path, 'utf8');
    const { failures, rewritten } = await run(text, { rewrite: REWRITE });
    if (REWRITE && rewritten !== text) writeFileSync(path, rewritten);
    const hint = failures.some((f) => f.message.startsWith('output differs'))
      ? '\n(if the new output is right: REWRITE=1 npx vitest run test/scripts.test.ts, then read the diff)'
      : '';
    expect(report(failures) + hint).toBe('');
    // Every command that prints something has its block: nothing goes unchecked.
    if (!REWRITE) expect(rewritten).toBe(text);
  });
});

describe('the script runner', () => {
  const ELECTION = 'cluster nodes=3 seed=1 election=10000-20000 delay=5-5\ntimeout 1\nrun 11\n';

  it('reports a failing expectation with its line and what was found', async () => {
    const { failures } = await run('cluster nodes=3 election=10000-20000\ntimeout 1\nrun 30\nexpect leader 2 term 1\nbogus 1');
    expect(failures).toEqual([
      { line: 4, text: 'expect leader 2 term 1', message: 'expected leader 2 term 1, found node 1 term 1' },
      { line: 5, text: 'bogus 1', message: 'unknown command bogus' },
    ]);
  });

  it('runs a script without blocks as before: expectations checked, output not', async () => {
    const { failures, rewritten } = await run(`${ELECTION}expect leader 1 term 1\nstatus 1\nexpect leader 2\n`);
    expect(failures).toEqual([{ line: 6, text: 'expect leader 2', message: 'expected leader 2, found node 1 term 1' }]);
    // ...and the rewrite shows what each command printed.
    expect(rewritten).toContain('status 1\n----\nn1 leader    term=1 vote=1 commit=0 applied=0 last=0\n\nexpect leader 2\n');
  });

  it('fails a command whose output differs from its block, with a diff naming the line', async () => {
    const text = `${ELECTION}status 1 2  # after the election\n----\nn1 leader    term=1 vote=1 commit=0 applied=0 last=0\nn2 follower  term=2 vote=1 commit=0 applied=0 last=0\n\nexpect leader 1\n`;
    const { failures } = await run(text);
    expect(failures).toEqual([
      {
        line: 4,
        text: 'status 1 2',
        message: [
          'output differs from the expected block (- expected, + actual):',
          '  n1 leader    term=1 vote=1 commit=0 applied=0 last=0',
          '- n2 follower  term=2 vote=1 commit=0 applied=0 last=0',
          '+ n2 follower  term=1 vote=1 commit=0 applied=0 last=0',
        ].join('\n'),
      },
    ]);
  });

  it('rewrite: blocks get the actual output, everything else is kept, and the result passes', async () => {
    const text = [
      '# a comment',
      'cluster nodes=3 seed=1 election=10000-20000 delay=5-5',
      '',
      'timeout 1     # blocks are added where a command prints',
      'partition 1,2 | 3',
      'status 3',
      '----',
      'a stale line',
      '',
      'run 11',
      '----',
      '',
      'expect leader 1 term 1',
      'log 1',
    ].join('\n');
    const first = await run(text, { rewrite: true });
    expect(first.failures).toEqual([]);
    expect(first.rewritten).toBe(
      [
        '# a comment',
        'cluster nodes=3 seed=1 election=10000-20000 delay=5-5',
        '',
        'timeout 1     # blocks are added where a command prints',
        '----',
        't=0 n1 times out and campaigns for term 1 (it was told to time out)',
        '',
        'partition 1,2 | 3',
        'status 3',
        '----',
        'n3 follower  term=0 vote=0 commit=0 applied=0 last=0',
        '',
        'run 11',
        '----',
        't=5 n2 term 1 (it saw term 1 from node 1)',
        't=5 n2 votes for n1 in term 1 (the candidate is up to date)',
        't=10 n1 becomes leader of term 1 (it won the election with votes from 1, 2)',
        '',
        'expect leader 1 term 1',
        'log 1',
        '----',
        '|',
      ].join('\n'),
    );
    // Without the flag the same text fails where the blocks are stale...
    expect((await run(text)).failures.map((f) => f.line)).toEqual([6, 10]);
    // ...and the rewritten text passes and rewrites to itself.
    const second = await run(first.rewritten);
    expect(second.failures).toEqual([]);
    expect(second.rewritten).toBe(first.rewritten);
  });

  it('is deterministic: the same script prints the same output', async () => {
    const text = `cluster nodes=5 seed=7 delay=1-10\nnetwork drop=0.1 dup=0.1\nrun 3000\nstatus\nstabilize\nlog\n`;
    const a = await run(text);
    const b = await run(text);
    expect(a.rewritten).toBe(b.rewritten);
    expect(a.rewritten).toContain('becomes leader');
  });

  it('refuses a block with no command above it', async () => {
    const { failures } = await run('cluster nodes=3\n\n----\nrun 1\n');
    expect(failures).toEqual([{ line: 3, text: '----', message: '---- must come right after a command' }]);
  });

  it('stabilize stops once nothing is in flight', async () => {
    const { failures, cluster } = await run(`${ELECTION}start 1 x=1\nstabilize\n`);
    expect(failures).toEqual([]);
    expect(cluster.inFlight()).toEqual([]);
    expect(cluster.node(1).commitIndex).toBe(1);
  });

  it('stabilize fails with "livelock" when heartbeats keep the network busy', async () => {
    // Heartbeats every 50 ms, each taking 60 ms: the network is never empty.
    const { failures } = await run(
      'cluster nodes=3 seed=1 election=1000-2000 heartbeat=50 delay=60-60\ntimeout 1\nstabilize quiet max=2000\nexpect leader 1',
    );
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ line: 3, text: 'stabilize quiet max=2000' });
    expect(failures[0]!.message).toMatch(
      /^livelock: stabilize found \d+ message\(s\) still in flight after 20\d\d virtual ms \(bound max=2000\): n\d->n\d /,
    );
  });

  // A stand-in cluster whose clock never moves while events keep coming: what a
  // zero-delay message loop would look like.
  function frozen(options: Parameters<typeof createCluster>[0]): Cluster {
    const real = createCluster(options);
    return new Proxy(real, {
      get(target, prop, receiver) {
        if (prop === 'runUntil') {
          return (pred: () => boolean) => {
            while (!pred()) continue;
            return Promise.resolve(true);
          };
        }
        if (prop === 'step') return () => Promise.resolve(true);
        if (prop === 'inFlight') return () => [{ id: 1, from: 1, to: 2, type: 'AppendEntries', sentAt: 0, deliverAt: 0 }];
        const value = Reflect.get(target, prop, receiver) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  }

  it('run and stabilize fail with "livelock" instead of spinning when the clock stands still', async () => {
    const { failures } = await run('cluster nodes=3\nrun 100\nstabilize quiet\nstatus 1', { makeCluster: frozen });
    expect(failures).toEqual([
      { line: 2, text: 'run 100', message: 'livelock: run 100 processed 50000 events at virtual time 0 without the clock moving' },
      {
        line: 3,
        text: 'stabilize quiet',
        message: 'livelock: stabilize processed 50000 events at virtual time 0 without the clock moving',
      },
    ]);
  });

  // A cluster whose `heal` also forges an event: node 2 applies, at index 1, a
  // command other than the one node 1 committed there.
  function forging(options: Parameters<typeof createCluster>[0]): Cluster {
    const real = createCluster(options);
    const listeners: ((e: ClusterEvent) => void)[] = [];
    return new Proxy(real, {
      get(target, prop, receiver) {
        if (prop === 'subscribe') {
          return (listener: (e: ClusterEvent) => void) => {
            listeners.push(listener);
            return target.subscribe(listener);
          };
        }
        if (prop === 'heal') {
          return () => {
            target.heal();
            const forged: ClusterEvent = { kind: 'apply', at: target.now(), node: 2, index: 1, term: 1, command: 'x=2' };
            for (const l of listeners) l(forged);
          };
        }
        const value = Reflect.get(target, prop, receiver) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  }

  it('attaches the safety monitor: a violation fails the command during which it happened', async () => {
    const text = `${ELECTION}start 1 x=1\nrun 30\nheal\nexpect commit 1 1\n`;
    expect((await run(text)).failures).toEqual([]);
    const { failures } = await run(text, { makeCluster: forging });
    expect(failures).toEqual([
      {
        line: 6,
        text: 'heal',
        message: expect.stringMatching(
          /^safety violation at t=41, node 2: State Machine Safety \(§5\.4\.3\) violated: node 2 applied 1@t1 "x=2"/,
        ) as unknown,
      },
    ]);
  });
});
