/**
 * Scenario scripts: a cluster driven by lines that read like a lab notebook
 * (in the spirit of etcd-io/raft's testdata/*.txt). Used by the scenario
 * tests and, later, by guided lessons.
 *
 *   cluster nodes=3 seed=1 election=10000-20000 heartbeat=50 snapshot=0 noop=false delay=1-10
 *   timeout 1                 fire node 1's election timer
 *   run 100                   advance 100 virtual ms
 *   start 1 x=1               propose at node 1
 *   crash 2 | restart 2 | disconnect 2 | connect 2
 *   partition 1,2 | 3         cut links between groups
 *   link 1->2 down | link 1->2 up
 *   heal
 *   network drop=0.1 dup=0.05 delay=0-26
 *   expect leader 1 term 2    exactly one live leader with the highest term: node 1, term 2
 *   expect no-leader
 *   expect role 3 follower | expect term 3 2 | expect vote 3 1 | expect commit 3 2
 *   expect log 3 1@1:x=1 2@2:y=2     node 3's whole log (index@term:command)
 *   expect applied 3 x=1 y=2         commands node 3 applied, in order
 *   expect started 2                 the last `start` returned index 2 (or -1)
 *
 * Blank lines and `#` comments are ignored. A failing `expect` reports its
 * line number, the line, and what was found instead.
 */
import { createCluster } from './create';
import type { Cluster, ClusterOptions, NetworkOptions, StartResult } from './types';

export interface ScriptFailure {
  line: number;
  text: string;
  message: string;
}

export interface ScriptResult {
  failures: ScriptFailure[];
  cluster: Cluster;
}

function parseRange(v: string, what: string): [number, number] {
  const m = /^(\d+)-(\d+)$/.exec(v);
  if (!m) throw new Error(`${what} must look like 150-300, got ${v}`);
  return [Number(m[1]), Number(m[2])];
}

function parseArgs(words: string[]): Map<string, string> {
  const args = new Map<string, string>();
  for (const w of words) {
    const eq = w.indexOf('=');
    if (eq <= 0) throw new Error(`expected key=value, got ${w}`);
    args.set(w.slice(0, eq), w.slice(eq + 1));
  }
  return args;
}

function id(word: string | undefined): number {
  const n = Number(word);
  if (!Number.isInteger(n)) throw new Error(`expected a node id, got ${word ?? 'nothing'}`);
  return n;
}

function clusterOptions(words: string[]): ClusterOptions {
  const args = parseArgs(words);
  const opts: ClusterOptions = { nodes: Number(args.get('nodes') ?? 3) };
  if (args.has('seed')) opts.seed = Number(args.get('seed'));
  if (args.has('election')) opts.electionTimeoutMs = parseRange(args.get('election')!, 'election');
  if (args.has('heartbeat')) opts.heartbeatMs = Number(args.get('heartbeat'));
  if (args.has('snapshot')) opts.snapshotThreshold = Number(args.get('snapshot'));
  if (args.has('noop')) opts.leaderNoop = args.get('noop') === 'true';
  if (args.has('delay')) opts.network = { delayMs: parseRange(args.get('delay')!, 'delay') };
  return opts;
}

function networkOptions(words: string[]): NetworkOptions {
  const args = parseArgs(words);
  const opts: NetworkOptions = {};
  for (const [k, v] of args) {
    if (k === 'drop') opts.dropRate = Number(v);
    else if (k === 'dup') opts.duplicateRate = Number(v);
    else if (k === 'delay') opts.delayMs = parseRange(v, 'delay');
    else if (k === 'long') opts.longDelayRate = Number(v);
    else throw new Error(`unknown network setting ${k}`);
  }
  return opts;
}

/** Checks one `expect` line; returns what was found if it does not hold. */
function check(c: Cluster, words: string[], lastStart: StartResult | null): string | null {
  const [what, ...rest] = words;
  const live = c.ids.map((i) => c.node(i)).filter((n) => n.alive);
  switch (what) {
    case 'leader': {
      const want = id(rest[0]);
      const term = rest[1] === 'term' ? Number(rest[2]) : null;
      const top = Math.max(...live.filter((n) => n.role === 'leader').map((n) => n.term));
      const leaders = live.filter((n) => n.role === 'leader' && n.term === top);
      const found = leaders.map((n) => `node ${n.id} term ${n.term}`).join(', ') || 'no leader';
      if (leaders.length !== 1 || leaders[0]!.id !== want || (term !== null && leaders[0]!.term !== term)) return found;
      return null;
    }
    case 'no-leader': {
      const leaders = live.filter((n) => n.role === 'leader');
      return leaders.length === 0 ? null : leaders.map((n) => `node ${n.id} leads term ${n.term}`).join(', ');
    }
    case 'role': {
      const n = c.node(id(rest[0]));
      const role = n.alive ? n.role : 'crashed';
      return role === rest[1] ? null : role;
    }
    case 'term':
      return String(c.node(id(rest[0])).term) === rest[1] ? null : String(c.node(id(rest[0])).term);
    case 'vote':
      return String(c.node(id(rest[0])).votedFor) === rest[1] ? null : String(c.node(id(rest[0])).votedFor);
    case 'commit':
      return String(c.node(id(rest[0])).commitIndex) === rest[1] ? null : String(c.node(id(rest[0])).commitIndex);
    case 'log': {
      const found = c
        .node(id(rest[0]))
        .log.map((e) => `${e.index}@${e.term}:${e.command}`)
        .join(' ');
      return found === rest.slice(1).join(' ') ? null : found || '(empty)';
    }
    case 'applied': {
      const found = c
        .applied(id(rest[0]))
        .map((a) => a.command)
        .join(' ');
      return found === rest.slice(1).join(' ') ? null : found || '(nothing)';
    }
    case 'started':
      return lastStart && String(lastStart.index) === rest[0] ? null : JSON.stringify(lastStart);
    default:
      throw new Error(`unknown expectation ${what ?? ''}`);
  }
}

/** Runs a script; resolves with every failed expectation (empty when it passes). */
export async function runScript(text: string): Promise<ScriptResult> {
  const failures: ScriptFailure[] = [];
  let cluster: Cluster | null = null;
  let lastStart: StartResult | null = null;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/#.*/, '').trim();
    if (!line) continue;
    const [cmd, ...words] = line.split(/\s+/);
    const fail = (message: string) => failures.push({ line: i + 1, text: line, message });
    try {
      if (cmd === 'cluster') {
        if (cluster) throw new Error('only one cluster line is allowed');
        cluster = createCluster(clusterOptions(words));
        continue;
      }
      cluster ??= createCluster({ nodes: 3 });
      const c: Cluster = cluster;
      switch (cmd) {
        case 'run':
          await c.runFor(Number(words[0]));
          break;
        case 'timeout':
          await c.timeout(id(words[0]));
          break;
        case 'start':
          lastStart = await c.start(id(words[0]), words.slice(1).join(' '));
          break;
        case 'crash':
          await c.crash(id(words[0]));
          break;
        case 'restart':
          await c.restart(id(words[0]));
          break;
        case 'disconnect':
          c.disconnect(id(words[0]));
          break;
        case 'connect':
          c.connect(id(words[0]));
          break;
        case 'heal':
          c.heal();
          break;
        case 'partition':
          c.partition(
            words
              .join(' ')
              .split('|')
              .map((g) => g.split(',').map((w) => id(w.trim()))),
          );
          break;
        case 'link': {
          const m = /^(\d+)->(\d+)$/.exec(words[0] ?? '');
          if (!m || (words[1] !== 'up' && words[1] !== 'down')) throw new Error('expected: link A->B up|down');
          c.setLink(Number(m[1]), Number(m[2]), words[1] === 'up');
          break;
        }
        case 'network':
          c.setNetwork(networkOptions(words));
          break;
        case 'expect': {
          const found = check(c, words, lastStart);
          if (found !== null) fail(`expected ${words.join(' ')}, found ${found}`);
          break;
        }
        default:
          throw new Error(`unknown command ${cmd ?? ''}`);
      }
    } catch (err) {
      fail(err instanceof Error ? err.message : String(err));
    }
  }
  return { failures, cluster: cluster ?? createCluster({ nodes: 3 }) };
}
