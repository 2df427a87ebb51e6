// The fuzzer's random fault schedules, shared by test/fuzz.test.ts (safety
// and nothing lost, on either transport) and test/equivalence.test.ts (the
// worker transport's history is exactly the inline one). See fuzz.test.ts for
// how to run and replay them.
import { KvStateMachine } from '../../src/raft';
import {
  attachSafetyMonitor,
  createCluster,
  createRandom,
  deriveSeed,
  type Cluster,
  type ClusterOptions,
  type NetworkOptions,
} from '../../src/sim';

type Random = () => number;

export const DEFAULT_SCHEDULES = 200;
/** Random actions per schedule (runFor included): ~25 virtual s; 200 schedules take ~3 s here. */
export const STEPS_PER_SCHEDULE = envInteger('FUZZ_STEPS') ?? 400;
const RELIABLE: NetworkOptions = { delayMs: [1, 10], dropRate: 0, duplicateRate: 0, longDelayRate: 0 };

export function replayCommand(seed: number, file = 'test/fuzz.test.ts'): string {
  return `FUZZ_SEED=${seed} npx vitest run ${file}`;
}

export function envInteger(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got ${JSON.stringify(raw)}`);
  return n;
}

export function seedsToRun(): number[] {
  const one = envInteger('FUZZ_SEED');
  if (one !== undefined) return [one];
  const count = envInteger('FUZZ_SCHEDULES') ?? DEFAULT_SCHEDULES;
  return Array.from({ length: count }, (_, i) => i + 1);
}

// ------------------------------------------------------------- randomness

function int(rng: Random, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1));
}

function pick<T>(rng: Random, items: readonly T[]): T {
  const item = items[Math.floor(rng() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

function chance(rng: Random, p: number): boolean {
  return rng() < p;
}

function shuffled<T>(rng: Random, items: readonly T[]): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function randomNetwork(rng: Random): NetworkOptions {
  const minDelay = int(rng, 0, 5);
  return {
    delayMs: [minDelay, minDelay + pick(rng, [5, 10, 26, 60])],
    dropRate: pick(rng, [0, 0, 0.05, 0.1, 0.2, 0.4]),
    duplicateRate: pick(rng, [0, 0, 0.05, 0.2]),
    longDelayRate: pick(rng, [0, 0, 0.02, 0.1]),
    longDelayMs: pick(rng, [
      [200, 2200],
      [50, 600],
    ] as [number, number][]),
  };
}

function randomOptions(rng: Random, seed: number): ClusterOptions {
  const fast = chance(rng, 0.3);
  return {
    nodes: pick(rng, [3, 5, 7]),
    seed,
    // Tight timeouts (relative to delays) mean many more elections and split votes.
    ...(fast ? { electionTimeoutMs: [60, 120] as [number, number], heartbeatMs: 20 } : {}),
    network: randomNetwork(rng),
    ...(chance(rng, 0.5) ? { snapshotThreshold: int(rng, 2, 12) } : {}),
    leaderNoop: chance(rng, 0.4),
  };
}

// ---------------------------------------------------- what was committed

/**
 * The test's own record of what was committed, independent of the monitor:
 * every entry a node applied (a leader applies what it commits in the same
 * step), the highest commitIndex announced, and how far each node has
 * applied in its present life (or is covered by a snapshot). Also counts
 * what the schedule exercised.
 */
export class CommitRecord {
  readonly commandAt = new Map<number, string>();
  highestCommit = 0;
  readonly appliedThrough = new Map<number, number>();
  problem: string | null = null;
  readonly exercised = { elections: 0, truncations: 0, snapshotsInstalled: 0, compactions: 0, crashes: 0, duplicates: 0, drops: 0 };

  /** Events seen (each one checked by the safety monitor too). */
  events = 0;

  constructor(cluster: Cluster) {
    cluster.subscribe((e) => {
      this.events += 1;
      switch (e.kind) {
        case 'apply': {
          const known = this.commandAt.get(e.index);
          if (known === undefined) this.commandAt.set(e.index, e.command);
          else if (known !== e.command)
            this.problem ??= `node ${e.node} applied ${JSON.stringify(e.command)} at index ${e.index}, another node ${JSON.stringify(known)}`;
          this.appliedThrough.set(e.node, e.index);
          break;
        }
        case 'commit':
          this.highestCommit = Math.max(this.highestCommit, e.commitIndex);
          break;
        case 'snapshot':
          this.appliedThrough.set(e.node, e.lastIncludedIndex);
          if (e.reason === 'installed') this.exercised.snapshotsInstalled += 1;
          if (e.reason === 'compacted') this.exercised.compactions += 1;
          break;
        case 'restart':
          this.appliedThrough.set(e.node, 0);
          break;
        case 'role':
          if (e.role === 'leader') this.exercised.elections += 1;
          break;
        case 'append':
          if (e.truncatedFrom !== null) this.exercised.truncations += 1;
          break;
        case 'crash':
          this.exercised.crashes += 1;
          break;
        case 'duplicate':
          this.exercised.duplicates += 1;
          break;
        case 'drop':
          this.exercised.drops += 1;
          break;
        default:
          break;
      }
    });
  }
}

// ------------------------------------------------------------- a schedule

/** A live leader whose term no live node has passed (not a deposed leader that has not heard yet). */
export function currentLeader(cluster: Cluster): number | null {
  const views = cluster.ids.map((id) => cluster.node(id)).filter((v) => v.alive);
  const highest = Math.max(...views.map((v) => v.term));
  return views.find((v) => v.role === 'leader' && v.term === highest)?.id ?? null;
}

export function liveLeader(cluster: Cluster): number | null {
  let best: number | null = null;
  let bestTerm = -1;
  for (const id of cluster.ids) {
    const v = cluster.node(id);
    if (v.alive && v.role === 'leader' && v.term > bestTerm) {
      best = id;
      bestTerm = v.term;
    }
  }
  return best;
}

/** The command proposed once everything is healed, and where it went. */
export interface Final {
  readonly index: number;
  readonly term: number;
  readonly command: string;
}

function sortedJson(kv: Readonly<Record<string, string>>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(kv).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
}

export class Schedule {
  readonly rng: Random;
  readonly options: ClusterOptions;
  readonly cluster: Cluster;
  readonly record: CommitRecord;
  readonly monitor: ReturnType<typeof attachSafetyMonitor>;
  /** What was done, for the failure message. */
  readonly actions: string[] = [];
  private commandCount = 0;
  /** Liveness once everything is healed: virtual ms until a leader, and until a new command is applied everywhere. */
  leaderAfterHealMs: number | null = null;
  appliedAfterHealMs: number | null = null;

  /**
   * `transport` picks where the nodes run; the schedule itself depends only
   * on the seed. `extensions` (issue 13) adds PreVote and CheckQuorum at
   * random and membership changes and leadership transfers among the
   * actions; without it the schedules are those they always were.
   */
  constructor(
    readonly seed: number,
    readonly transport: 'inline' | 'worker' = 'inline',
    readonly extensions = false,
  ) {
    this.rng = createRandom(deriveSeed(seed, 0xf022));
    const base = randomOptions(this.rng, seed);
    const extra = extensions ? { preVote: chance(this.rng, 0.5), checkQuorum: chance(this.rng, 0.5) } : {};
    this.options = { ...base, ...extra, transport };
    this.cluster = createCluster(this.options);
    this.monitor = attachSafetyMonitor(this.cluster, { throwOnViolation: true });
    this.record = new CommitRecord(this.cluster);
    this.cluster.subscribe((e) => {
      if (e.kind === 'removed') this.removed.add(e.node);
    });
  }

  /** Nodes whose removal committed (thesis §4.1): they left `ids`. */
  private readonly removed = new Set<number>();

  note(action: string): void {
    this.actions.push(`${this.cluster.now()}ms ${action}`);
  }

  command(): string {
    this.commandCount += 1;
    // Mostly key=value writes over a few keys (so the kv state is a real
    // check), some commands that leave the map unchanged.
    return chance(this.rng, 0.8) ? `k${int(this.rng, 1, 4)}=${this.commandCount}` : `read${this.commandCount}`;
  }

  anyNode(): number {
    return pick(this.rng, this.cluster.ids);
  }

  /** One random action, chosen by weight; returns when it is done. */
  async randomAction(): Promise<void> {
    const actions = this.extensions ? ACTIONS_WITH_EXTENSIONS : ACTIONS;
    let roll = this.rng() * (this.extensions ? TOTAL_WEIGHT_WITH_EXTENSIONS : TOTAL_WEIGHT);
    for (const [weight, action] of actions) {
      roll -= weight;
      if (roll < 0) {
        try {
          await action(this);
        } catch (err) {
          // An action picked a node, waited, and the node's removal committed
          // meanwhile: the cluster rightly refuses the id (it left `ids`).
          // Only that refusal, and only for a node seen removed, is the harness's.
          const got = /^id must be a node id in .*, got (\d+)$/.exec(err instanceof Error ? err.message : '');
          if (!got || !this.removed.has(Number(got[1]))) throw err;
          this.note(`refused: node ${got[1]} was removed meanwhile`);
        }
        return;
      }
    }
  }

  /**
   * The nodes that must converge: the members of the newest leader's
   * configuration (thesis §4.1). A node added whose change was lost with its
   * leader (it never reached a log) is in `ids` but in no configuration.
   */
  members(): number[] {
    const leader = liveLeader(this.cluster);
    if (leader === null) return [...this.cluster.ids];
    const { voters, learners } = this.cluster.node(leader).config;
    return this.cluster.ids.filter((id) => voters.includes(id) || learners.includes(id));
  }

  /**
   * currentLeader among the members only: a node removed by an entry not yet
   * committed is still running, may have campaigned to a high term, and is
   * rightly ignored (thesis §4.2.3); its term says nothing about the leader.
   */
  memberLeader(): number | null {
    const members = new Set(this.members());
    const views = this.cluster.ids
      .filter((id) => members.has(id))
      .map((id) => this.cluster.node(id))
      .filter((v) => v.alive);
    const highest = Math.max(...views.map((v) => v.term));
    return views.find((v) => v.role === 'leader' && v.term === highest)?.id ?? null;
  }

  /** Runs a membership call; the refusals the API documents are fine, anything else is not. */
  async tolerate(what: string, call: () => Promise<unknown>): Promise<void> {
    try {
      const r = await call();
      this.note(`${what} → ${JSON.stringify(r)}`);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (!/no live leader|still uncommitted|handing leadership|is not in leader|last voter/.test(message)) throw err;
      this.note(`${what} refused: ${message}`);
    }
  }

  /** Proposes `count` commands at node `id` (no time passes), one after the other. */
  async propose(id: number, count: number): Promise<void> {
    const cmds = Array.from({ length: count }, () => this.command());
    this.note(`start ${id} ${cmds.join(' ')}`);
    for (const cmd of cmds) await this.cluster.start(id, cmd);
  }

  leaderOrAny(): number {
    return liveLeader(this.cluster) ?? this.anyNode();
  }

  /**
   * Heals everything and waits for the cluster to agree. Without a no-op, a
   * new leader commits earlier terms' entries only together with one of its
   * own (§5.4.2, Figure 8), so a final command is proposed.
   */
  async settle(): Promise<Final> {
    const { cluster, rng } = this;
    cluster.setNetwork(RELIABLE);
    cluster.heal();
    for (const id of cluster.ids) cluster.connect(id);
    const restartAll = chance(rng, 0.5);
    this.note(`settle: reliable network, heal, connect all, restart ${restartAll ? 'all' : 'crashed'}`);
    for (const id of cluster.ids) {
      if (restartAll || !cluster.node(id).alive) await cluster.restart(id);
    }
    const healedAt = cluster.now();
    for (let attempt = 1; attempt <= 5; attempt++) {
      // Long-delayed messages may still arrive for up to 2.2 s: they must do no harm.
      const leaderNow = () => (this.extensions ? this.memberLeader() : currentLeader(cluster));
      if (!(await cluster.runUntil(() => leaderNow() !== null, 5000))) continue;
      this.leaderAfterHealMs ??= cluster.now() - healedAt;
      const leader = leaderNow()!;
      const command = `final=${this.seed}.${attempt}`;
      const final = await cluster.start(leader, command);
      this.note(`start ${leader} ${command} → index ${final.index} term ${final.term}`);
      if (!final.isLeader) {
        // Refused (a leader handing over, §3.10, takes no commands): let the handover finish.
        await cluster.runFor(500);
        continue;
      }
      const everyoneApplied = () =>
        this.record.commandAt.get(final.index) === command &&
        this.members().every((id) => (this.record.appliedThrough.get(id) ?? 0) >= final.index);
      if (!(await cluster.runUntil(everyoneApplied, 5000))) continue;
      this.appliedAfterHealMs = cluster.now() - healedAt;
      // Let the last heartbeats settle commitIndex everywhere.
      if (await cluster.runUntil(() => this.converged(final.index), 2000)) return { ...final, command };
    }
    const views = cluster.ids.map((id) => {
      const v = cluster.node(id);
      return `node ${id}: ${v.alive ? v.role : 'crashed'} term ${v.term} commit ${v.commitIndex} applied ${v.lastApplied} last ${v.snapshotIndex + v.log.length}`;
    });
    throw new Error(`the healed cluster did not converge within 5 attempts (liveness):\n    ${views.join('\n    ')}`);
  }

  private converged(finalIndex: number): boolean {
    let last = -1;
    const leader = liveLeader(this.cluster);
    // With membership changes: the configuration settled too (no learner left, nothing pending).
    if (
      this.extensions &&
      (leader === null || this.cluster.node(leader).configChangePending || this.cluster.node(leader).config.learners.length > 0)
    ) {
      return false;
    }
    for (const id of this.members()) {
      const v = this.cluster.node(id);
      const lastIndex = v.snapshotIndex + v.log.length;
      if (!v.alive || v.commitIndex !== lastIndex || v.lastApplied !== lastIndex || lastIndex < finalIndex) return false;
      if (last >= 0 && lastIndex !== last) return false;
      last = lastIndex;
    }
    return true;
  }

  /** Every command ever committed is applied on every node at its index (or is in its snapshot); all agree. */
  checkNothingLost(final: Final): void {
    const { cluster, record } = this;
    if (record.problem) throw new Error(record.problem);
    const first = cluster.node(this.members()[0]!);
    const lastIndex = first.snapshotIndex + first.log.length;
    if (record.highestCommit > lastIndex) {
      throw new Error(
        `index ${record.highestCommit} was committed, but the converged logs end at ${lastIndex}: committed entries were lost`,
      );
    }
    if (record.commandAt.get(final.index) !== final.command) {
      throw new Error(`the final command ${final.command} is not at index ${final.index}: found ${record.commandAt.get(final.index)}`);
    }
    const expectedKv = new KvStateMachine();
    for (let i = 1; i <= lastIndex; i++) {
      const command = record.commandAt.get(i);
      if (command === undefined) throw new Error(`index ${i} is committed (≤ ${lastIndex}) but no node ever applied it`);
      expectedKv.apply(command);
    }
    const expected = sortedJson(expectedKv.snapshot());
    for (const id of this.members()) {
      const v = cluster.node(id);
      const appliedAt = new Map<number, string>();
      for (const a of cluster.applied(id)) {
        if (a.command !== record.commandAt.get(a.index)) {
          throw new Error(
            `node ${id} applied ${JSON.stringify(a.command)} at index ${a.index}, but ${JSON.stringify(record.commandAt.get(a.index))} was committed there`,
          );
        }
        appliedAt.set(a.index, a.command);
      }
      for (let i = v.snapshotIndex + 1; i <= lastIndex; i++) {
        if (!appliedAt.has(i)) throw new Error(`node ${id} never applied committed index ${i} (its snapshot ends at ${v.snapshotIndex})`);
      }
      for (const entry of v.log) {
        if (entry.command !== record.commandAt.get(entry.index)) {
          throw new Error(
            `node ${id}'s log has ${JSON.stringify(entry.command)} at index ${entry.index}, but ${JSON.stringify(record.commandAt.get(entry.index))} was committed there`,
          );
        }
      }
      const kv = sortedJson(v.kv);
      if (kv !== expected) throw new Error(`node ${id}'s key-value state ${kv} differs from the committed commands' ${expected}`);
    }
  }

  /** The last core and lifecycle events, for a replayed failure. */
  recentEvents(count: number): string[] {
    const wanted = new Set(['role', 'append', 'commit', 'apply', 'snapshot', 'crash', 'restart', 'network']);
    return this.cluster
      .trace()
      .filter((e) => wanted.has(e.kind))
      .slice(-count)
      .map((e) => JSON.stringify(e));
  }
}

/**
 * The random actions and their weights: mostly time passing and client
 * commands at the leader, so that much gets committed between the faults.
 */
const ACTIONS: readonly (readonly [number, (s: Schedule) => Promise<void> | void])[] = [
  [
    30,
    (s) => {
      const ms = pick(s.rng, [int(s.rng, 1, 30), int(s.rng, 30, 200), int(s.rng, 200, 800)]);
      s.note(`runFor ${ms}`);
      return s.cluster.runFor(ms);
    },
  ],
  [24, (s) => s.propose(s.leaderOrAny(), int(s.rng, 1, 6))],
  [4, (s) => s.propose(s.anyNode(), 1)],
  [
    3,
    (s) => {
      // Overlapping calls, not awaited in between (the UI does this).
      const id = s.leaderOrAny();
      const cmds = [s.command(), s.command(), s.command()];
      const ms = int(s.rng, 0, 20);
      s.note(`overlapping: start ${id} ${cmds[0]}; start ${id} ${cmds[1]}; runFor ${ms}; start ${id} ${cmds[2]}`);
      return Promise.all([
        s.cluster.start(id, cmds[0]!),
        s.cluster.start(id, cmds[1]!),
        s.cluster.runFor(ms),
        s.cluster.start(id, cmds[2]!),
      ]).then(() => undefined);
    },
  ],
  [
    4,
    async (s) => {
      // Figure 8's recipe: a leader takes commands, replicates them partly, and
      // is cut off or crashes; a later leader must overwrite exactly those.
      const leader = liveLeader(s.cluster);
      if (leader === null) return;
      await s.propose(leader, int(s.rng, 1, 4));
      const ms = int(s.rng, 0, 8);
      s.note(`runFor ${ms}`);
      await s.cluster.runFor(ms);
      if (chance(s.rng, 0.5)) {
        s.note(`crash ${leader}`);
        await s.cluster.crash(leader);
      } else {
        s.note(`disconnect ${leader}`);
        s.cluster.disconnect(leader);
      }
    },
  ],
  [
    4,
    (s) => {
      const id = chance(s.rng, 0.5) ? s.leaderOrAny() : s.anyNode();
      s.note(`crash ${id}`);
      return s.cluster.crash(id);
    },
  ],
  [
    6,
    (s) => {
      const crashed = s.cluster.ids.filter((id) => !s.cluster.node(id).alive);
      const id = crashed.length > 0 && chance(s.rng, 0.8) ? pick(s.rng, crashed) : s.anyNode();
      s.note(`restart ${id}`);
      return s.cluster.restart(id);
    },
  ],
  [
    3,
    (s) => {
      const id = chance(s.rng, 0.5) ? s.leaderOrAny() : s.anyNode();
      s.note(`disconnect ${id}`);
      s.cluster.disconnect(id);
    },
  ],
  [
    4,
    (s) => {
      const id = s.anyNode();
      s.note(`connect ${id}`);
      s.cluster.connect(id);
    },
  ],
  [
    3,
    (s) => {
      const order = shuffled(s.rng, s.cluster.ids);
      const cut = int(s.rng, 1, Math.max(1, order.length - 1));
      const groups = [order.slice(0, cut), order.slice(cut)];
      if (groups[1]!.length > 1 && chance(s.rng, 0.3)) groups[1]!.pop(); // an unlisted node is cut off from all
      s.note(`partition ${JSON.stringify(groups)}`);
      s.cluster.partition(groups);
    },
  ],
  [
    4,
    (s) => {
      s.note('heal');
      s.cluster.heal();
    },
  ],
  [
    4,
    (s) => {
      const from = s.anyNode();
      const others = s.cluster.ids.filter((id) => id !== from);
      if (others.length === 0) return;
      const to = pick(s.rng, others);
      const up = chance(s.rng, 0.5);
      s.note(`setLink ${from}->${to} ${up ? 'up' : 'down'}`);
      s.cluster.setLink(from, to, up);
    },
  ],
  [
    6,
    (s) => {
      const id = s.anyNode();
      s.note(`timeout ${id}`);
      return s.cluster.timeout(id);
    },
  ],
  [
    3,
    async (s) => {
      // Election churn: candidates at once while a voter restarts mid-election
      // (a vote must survive the restart, §5.2 and Figure 2's stable votedFor).
      const [a, b, voter] = shuffled(s.rng, s.cluster.ids);
      s.note(`timeout ${a}`);
      await s.cluster.timeout(a!);
      if (b !== undefined && chance(s.rng, 0.5)) {
        s.note(`timeout ${b}`);
        await s.cluster.timeout(b);
      }
      const ms = int(s.rng, 0, 15);
      s.note(`runFor ${ms}`);
      await s.cluster.runFor(ms);
      if (voter !== undefined) {
        s.note(`restart ${voter}`);
        await s.cluster.restart(voter);
      }
    },
  ],
  [
    3,
    async (s) => {
      // A calm spell, so that the cluster makes progress between the storms.
      s.cluster.heal();
      for (const id of s.cluster.ids) s.cluster.connect(id);
      const ms = int(s.rng, 200, 1000);
      s.note(`heal, connect all, restart crashed, runFor ${ms}`);
      for (const id of s.cluster.ids) if (!s.cluster.node(id).alive) await s.cluster.restart(id);
      await s.cluster.runFor(ms);
    },
  ],
  [
    2,
    (s) => {
      const opts = randomNetwork(s.rng);
      s.note(`setNetwork ${JSON.stringify(opts)}`);
      s.cluster.setNetwork(opts);
    },
  ],
  [
    1,
    (s) => {
      // The presenter's controls: every election timer at once (a split vote) or spread out.
      s.note('alignTimers');
      return s.cluster.alignTimers();
    },
  ],
  [
    1,
    (s) => {
      s.note('spreadTimers');
      return s.cluster.spreadTimers();
    },
  ],
  [
    2,
    (s) => {
      const inFlight = s.cluster.inFlight();
      if (inFlight.length === 0) return;
      const m = pick(s.rng, inFlight);
      s.note(`dropMessage ${m.id} (${m.type} ${m.from}->${m.to})`);
      s.cluster.dropMessage(m.id);
    },
  ],
];
const TOTAL_WEIGHT = ACTIONS.reduce((sum, [weight]) => sum + weight, 0);

/**
 * Issue 13's actions (thesis §4.1 membership changes, §3.10 transfers),
 * mixed in with the faults above: clusters grow and shrink between 2 and 9
 * nodes while crashing, partitioned and lossy.
 */
const EXTENSION_ACTIONS: readonly (readonly [number, (s: Schedule) => Promise<void> | void])[] = [
  [
    4,
    (s) => {
      if (s.cluster.ids.length >= 9) return;
      return s.tolerate('addNode', () => s.cluster.addNode());
    },
  ],
  [
    4,
    (s) => {
      if (s.cluster.ids.length <= 2) return;
      const id = s.anyNode();
      return s.tolerate(`removeNode ${id}`, () => s.cluster.removeNode(id));
    },
  ],
  [
    3,
    (s) => {
      const from = s.leaderOrAny();
      const others = s.cluster.ids.filter((id) => id !== from);
      if (others.length === 0) return;
      const to = pick(s.rng, others);
      return s.tolerate(`transferLeadership ${from}->${to}`, () => s.cluster.transferLeadership(from, to));
    },
  ],
];
const ACTIONS_WITH_EXTENSIONS = [...ACTIONS, ...EXTENSION_ACTIONS];
const TOTAL_WEIGHT_WITH_EXTENSIONS = ACTIONS_WITH_EXTENSIONS.reduce((sum, [w]) => sum + w, 0);
