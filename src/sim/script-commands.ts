/**
 * The commands of scenario scripts (the language is described in
 * src/sim/script.ts): a ScriptSession holds one cluster, its safety monitor
 * and its narrator, and runs one command at a time, returning what it prints.
 */
import type { FaultName, NodeId } from '../raft';
import { attachSafetyMonitor, type SafetyMonitor, type SafetyViolation } from './safety';
import { committedLine, entryText, logLine, Narrator, NARRATIONS, progressLines, statusLine, type Narration } from './script-narrate';
import type { Cluster, ClusterOptions, NetworkOptions, StartResult } from './types';

/** Makes the cluster of a script (createCluster, or a test's stand-in). */
export type ClusterMaker = (options: ClusterOptions) => Cluster;

/**
 * Livelock bounds. A run loop that could spin forever stops at these and
 * fails with "livelock: ..." instead of hanging its caller.
 */
export const LIMITS = {
  /** Events processed without the virtual clock moving (a zero-delay loop). */
  eventsAtOneInstant: 50_000,
  /** Events one `run` or `stabilize` may process. */
  eventsPerCommand: 5_000_000,
  /** Virtual ms `stabilize` may take to empty the network, unless it says `max=`. */
  stabilizeMs: 10_000,
};

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

function number(word: string | undefined, what: string): number {
  const n = Number(word);
  if (word === undefined || word === '' || !Number.isFinite(n)) throw new Error(`expected ${what}, got ${word ?? 'nothing'}`);
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
  // faults=a,b (checked by name by createCluster)
  if (args.has('faults'))
    opts.faults = args
      .get('faults')!
      .split(',')
      .filter((f) => f !== '') as FaultName[];
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

/** `run` and `stabilize` options: a narration word and, for stabilize, `max=MS`. */
function runOptions(words: string[], narration: Narration): { narration: Narration; maxMs: number } {
  let maxMs = LIMITS.stabilizeMs;
  for (const w of words) {
    if ((NARRATIONS as readonly string[]).includes(w)) narration = w as Narration;
    else if (w.startsWith('max=')) maxMs = number(w.slice(4), 'max=<virtual ms>');
    else throw new Error(`unknown option ${w} (expected ${NARRATIONS.join(', ')} or max=<virtual ms>)`);
  }
  return { narration, maxMs };
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
      const found = c.node(id(rest[0])).log.map(entryText).join(' ');
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

/** What one command did: the lines it printed, and a failed expectation if any. */
export interface CommandResult {
  output: string[];
  failure: string | null;
}

/** One script's cluster and everything that watches it. */
export class ScriptSession {
  private current: Cluster | null = null;
  private monitor: SafetyMonitor | null = null;
  private readonly narrator = new Narrator();
  private lastStart: StartResult | null = null;
  /** Per node, per life (a restart begins a new one): what it applied, as `index@term:command`. */
  private readonly lives = new Map<NodeId, string[][]>();

  constructor(
    private readonly make: ClusterMaker,
    /** Called, synchronously, for each safety violation as the monitor finds it. */
    private readonly onViolation: (v: SafetyViolation) => void,
  ) {}

  /** The script's cluster (a default 3-node one if no `cluster` line came first). */
  get cluster(): Cluster {
    if (!this.current) this.create({ nodes: 3 });
    return this.current!;
  }

  /** Runs one command (already split into words); throws on a bad command or a livelock. */
  async execute(cmd: string, words: string[]): Promise<CommandResult> {
    this.narrator.level = 'events';
    this.narrator.take();
    let failure: string | null = null;
    let report: string[] = [];
    try {
      if (cmd === 'cluster') {
        if (this.current) throw new Error('only one cluster line is allowed, and only before any other command');
        this.create(clusterOptions(words));
      } else if (cmd === 'expect') {
        const found = check(this.cluster, words, this.lastStart);
        if (found !== null) failure = `expected ${words.join(' ')}, found ${found}`;
      } else {
        report = await this.act(this.cluster, cmd, words);
      }
    } finally {
      this.narrator.level = 'events';
    }
    return { output: [...this.narrator.take(), ...report], failure };
  }

  private create(options: ClusterOptions): void {
    const c = this.make(options);
    this.current = c;
    for (const node of c.ids) this.lives.set(node, [[]]);
    c.subscribe((e) => {
      this.narrator.observe(e);
      if (e.kind === 'restart') this.lives.get(e.node)?.push([]);
      else if (e.kind === 'apply') this.lives.get(e.node)?.at(-1)?.push(entryText(e));
      else if (e.kind === 'snapshot' && e.reason !== 'compacted') {
        this.lives.get(e.node)?.at(-1)?.push(`[${e.lastIncludedIndex}@${e.lastIncludedTerm}]`);
      }
    });
    this.monitor = attachSafetyMonitor(c, { onViolation: this.onViolation });
  }

  /** An action or a state command; returns the lines it prints after the narration. */
  private async act(c: Cluster, cmd: string | undefined, words: string[]): Promise<string[]> {
    switch (cmd) {
      case 'run': {
        const opts = runOptions(words.slice(1), 'events');
        this.narrator.level = opts.narration;
        await guardedRun(c, number(words[0], 'virtual ms to run'));
        return [];
      }
      case 'stabilize': {
        const opts = runOptions(words, 'verbose');
        this.narrator.level = opts.narration;
        this.narrator.onTheWire(c.inFlight());
        await stabilize(c, opts.maxMs);
        return [];
      }
      case 'timeout':
        await c.timeout(id(words[0]));
        return [];
      case 'start': {
        const r = await c.start(id(words[0]), words.slice(1).join(' '));
        this.lastStart = r;
        return [
          r.isLeader ? `started at index ${r.index} in term ${r.term}` : `refused: not the leader (index ${r.index}, term ${r.term})`,
        ];
      }
      case 'crash':
        await c.crash(id(words[0]));
        return [];
      case 'restart':
        await c.restart(id(words[0]));
        return [];
      case 'disconnect':
        c.disconnect(id(words[0]));
        return [];
      case 'connect':
        c.connect(id(words[0]));
        return [];
      case 'heal':
        c.heal();
        return [];
      case 'partition':
        c.partition(
          words
            .join(' ')
            .split('|')
            .map((g) => g.split(',').map((w) => id(w.trim()))),
        );
        return [];
      case 'link': {
        const m = /^(\d+)->(\d+)$/.exec(words[0] ?? '');
        if (!m || (words[1] !== 'up' && words[1] !== 'down')) throw new Error('expected: link A->B up|down');
        c.setLink(Number(m[1]), Number(m[2]), words[1] === 'up');
        return [];
      }
      case 'network':
        c.setNetwork(networkOptions(words));
        return [];
      case 'status':
        return this.nodes(c, words).map((n) => statusLine(c.node(n), c.connected(n)));
      case 'log':
        return this.nodes(c, words).map((n) => (words.length === 1 ? logLine(c.node(n)) : `n${n}: ${logLine(c.node(n))}`));
      case 'progress':
        return progressLines(c.node(id(words[0])));
      case 'applied':
        return this.nodes(c, words).flatMap((n) =>
          this.lives.get(n)!.map((life, i) => `n${n} life ${i + 1}: ${life.join(' ') || '(nothing)'}`),
        );
      case 'committed': {
        const m = this.monitor!;
        return [committedLine(m.commitIndex, (i) => m.committed(i))];
      }
      default:
        throw new Error(`unknown command ${cmd ?? ''}`);
    }
  }

  /** The node ids a command names, or every node if it names none. */
  private nodes(c: Cluster, words: string[]): NodeId[] {
    if (words.length === 0) return [...c.ids];
    return words.map((w) => {
      const n = id(w);
      if (!c.ids.includes(n)) throw new Error(`no node ${n} (ids are ${c.ids[0]}..${c.ids.at(-1)})`);
      return n;
    });
  }
}

/** Counts the events of one run loop and says when it has spun too long. */
class SpinGuard {
  private events = 0;
  private atInstant = 0;
  private instant: number;

  constructor(
    private readonly c: Cluster,
    private readonly what: string,
  ) {
    this.instant = c.now();
  }

  /** Call after each event; throws "livelock: ..." past a bound. */
  tick(): string | null {
    this.events += 1;
    const now = this.c.now();
    if (now === this.instant) this.atInstant += 1;
    else {
      this.instant = now;
      this.atInstant = 0;
    }
    if (this.atInstant >= LIMITS.eventsAtOneInstant) {
      return `livelock: ${this.what} processed ${this.atInstant} events at virtual time ${now} without the clock moving`;
    }
    if (this.events >= LIMITS.eventsPerCommand) return `livelock: ${this.what} processed ${this.events} events without finishing`;
    return null;
  }
}

/** `run MS`: runFor, except that a loop which never lets time pass fails instead of hanging. */
async function guardedRun(c: Cluster, ms: number): Promise<void> {
  const guard = new SpinGuard(c, `run ${ms}`);
  let livelock: string | null = null;
  // runUntil with a predicate that never holds is runFor, event for event.
  await c.runUntil(() => (livelock = guard.tick()) !== null, ms);
  if (livelock !== null) throw new Error(livelock);
}

/**
 * `stabilize`: processes events until no message is in flight (then nothing
 * can change until a timer fires). Fails with "livelock: ..." if the network
 * is not empty within `maxMs` virtual ms, e.g. when heartbeats are sent more
 * often than the network delivers them.
 */
async function stabilize(c: Cluster, maxMs: number): Promise<void> {
  const startedAt = c.now();
  const guard = new SpinGuard(c, 'stabilize');
  for (;;) {
    const inFlight = c.inFlight();
    if (inFlight.length === 0) return;
    if (c.now() - startedAt >= maxMs) {
      const some = inFlight
        .slice(0, 3)
        .map((m) => `n${m.from}->n${m.to} ${m.type} due t=${m.deliverAt}`)
        .join(', ');
      throw new Error(
        `livelock: stabilize found ${inFlight.length} message(s) still in flight after ${c.now() - startedAt} virtual ms (bound max=${maxMs}): ${some}${inFlight.length > 3 ? ', …' : ''}`,
      );
    }
    if (!(await c.step())) return;
    const livelock = guard.tick();
    if (livelock !== null) throw new Error(livelock);
  }
}
