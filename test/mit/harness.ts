/**
 * The MIT 6.5840 Raft tester (raft/config.go) ported to Raft Lab's headless
 * cluster, in virtual time: the lab's helpers keep their names, arguments and
 * failure messages, so each test in test/mit reads like its Go original.
 *
 * Differences from the lab, all deliberate:
 * - node ids are 1..n; `peer(leader, k)` is the lab's `(leader + k) % servers`;
 * - `crash1` / `start1` are `crash` / `restart`; a crashed node keeps its
 *   cable plugged (the lab's crash1 also disconnects), which is equivalent
 *   because a crashed node neither sends nor receives, and "connected"
 *   servers below are those both plugged in and alive;
 * - every sleep is virtual (see threads.ts), every random choice comes from
 *   a PRNG seeded by the test's seed, so a failure replays exactly;
 * - RPCs are counted as requests sent (RequestVote, AppendEntries,
 *   InstallSnapshot), the lab's per-server RPC count.
 */
import { expect } from 'vitest';
import { createCluster, createRandom, deriveSeed, DEFAULT_NETWORK, type Cluster, type NetworkOptions } from '../../src/sim';
import { ApplyChecker } from './apply-checker';
import { VirtualThreads, type Thread } from './threads';

export type { Thread };

/** The lab's RaftElectionTimeout: the time a new leader must be elected within, virtual ms. */
export const RAFT_ELECTION_TIMEOUT_MS = 1000;

/** The lab's unreliable network: 10% of messages lost, 0–26 ms delays. */
export const UNRELIABLE_NETWORK: NetworkOptions = { dropRate: 0.1, delayMs: [0, 26] };

/**
 * The lab's long reordering holds back 600/900 of replies by 200 + rand(1 +
 * rand(2000)) ms; replies are about half the messages, so a third of all
 * messages here, uniformly 200–2200 ms.
 */
export const LONG_REORDERING: NetworkOptions = { longDelayRate: 1 / 3, longDelayMs: [200, 2200] };

/** The lab's SnapShotInterval: its applier snapshots every 10 entries; here nodes compact past 10. */
export const SNAPSHOT_INTERVAL = 10;

/**
 * The lab's MAXLOGSIZE is 2000 bytes of persisted Raft state, some 50 of its
 * gob-encoded entries; we bound the entries kept after the snapshot. (A
 * compacting node keeps at most SNAPSHOT_INTERVAL applied entries plus the
 * unapplied ones; without compaction, snapcommon grows logs past 300.)
 */
export const MAX_LOG_ENTRIES = 50;

const REQUEST_TYPES = ['RequestVote', 'AppendEntries', 'InstallSnapshot'] as const;

export interface ConfigOptions {
  servers: number;
  seed: number;
  /** Start on the lab's unreliable network. */
  unreliable?: boolean;
  /** Compact logs every SNAPSHOT_INTERVAL entries (the lab's applierSnap, 3D). */
  snapshot?: boolean;
}

/** The lab's `config`: a cluster plus the tester's view of it. */
export class Config {
  readonly cluster: Cluster;
  readonly servers: number;
  readonly seed: number;
  readonly checker: ApplyChecker;
  private readonly threads: VirtualThreads;
  private readonly random: () => number;
  private commands = 0;
  /**
   * Liveness and snapshot index per node, kept from the event stream: the
   * hot loops (clients polling, one() picking a server) ask for these
   * constantly, and node(id) copies the whole log and kv each time.
   */
  private readonly down = new Set<number>();
  private readonly snapshotIndexOf = new Map<number, number>();

  constructor(opts: ConfigOptions) {
    this.servers = opts.servers;
    this.seed = opts.seed;
    this.cluster = createCluster({
      nodes: opts.servers,
      seed: opts.seed,
      ...(opts.unreliable ? { network: UNRELIABLE_NETWORK } : {}),
      ...(opts.snapshot ? { snapshotThreshold: SNAPSHOT_INTERVAL } : {}),
    });
    this.checker = new ApplyChecker(this.cluster);
    this.cluster.subscribe((e) => {
      if (e.kind === 'crash') this.down.add(e.node);
      else if (e.kind === 'restart') this.down.delete(e.node);
      else if (e.kind === 'snapshot') this.snapshotIndexOf.set(e.node, e.lastIncludedIndex);
    });
    this.threads = new VirtualThreads(this.cluster);
    // The tester's own randomness (which server to disconnect, how long to
    // sleep) is seeded too, apart from the cluster's.
    this.random = createRandom(deriveSeed(opts.seed, 65840));
  }

  get ids(): readonly number[] {
    return this.cluster.ids;
  }

  // ------------------------------------------------------ randomness

  /** A uniform integer in [0, n): the lab's `rand.Int() % n`. */
  randInt(n: number): number {
    return Math.floor(this.random() * n);
  }

  /** The lab's `rand.Int()` as a command: `c<k>=<random>`, a fresh key each time so a snapshot's kv can vouch for it. */
  randomCommand(): string {
    this.commands += 1;
    return `c${this.commands}=${this.randInt(1_000_000_000)}`;
  }

  /** The lab's `randstring(n)`: n random letters. */
  randString(n: number): string {
    const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
    let s = '';
    for (let i = 0; i < n; i++) s += letters[this.randInt(letters.length)];
    return s;
  }

  /** The lab's `(server + k) % servers`, for ids 1..n. */
  peer(server: number, k: number): number {
    return ((server - 1 + k) % this.servers) + 1;
  }

  // ------------------------------------------------ time and threads

  sleep(ms: number): Promise<void> {
    return this.threads.sleep(ms);
  }

  go(body: () => Promise<void>): Thread {
    return this.threads.go(body);
  }

  join(thread: Thread): Promise<void> {
    return this.threads.join(thread);
  }

  // ---------------------------------------------- faults, lab names

  /** The lab's connected[i]: plugged in and alive. */
  connected(id: number): boolean {
    return this.cluster.connected(id) && this.alive(id);
  }

  alive(id: number): boolean {
    return !this.down.has(id);
  }

  disconnect(id: number): void {
    this.cluster.disconnect(id);
  }

  connect(id: number): void {
    this.cluster.connect(id);
  }

  crash1(id: number): Promise<void> {
    return this.cluster.crash(id);
  }

  /** Restarts the node from its disk (crashing it first if alive). */
  start1(id: number): Promise<void> {
    return this.cluster.restart(id);
  }

  setUnreliable(unreliable: boolean): void {
    const { dropRate, delayMs } = DEFAULT_NETWORK;
    this.cluster.setNetwork(unreliable ? UNRELIABLE_NETWORK : { dropRate, delayMs });
  }

  setLongReordering(on: boolean): void {
    this.cluster.setNetwork(on ? LONG_REORDERING : { longDelayRate: 0 });
  }

  // ------------------------------------------------------- checks

  /** Fails the test, naming the seed. */
  fail(message: string): never {
    throw new Error(`${message} (seed ${this.seed})`);
  }

  /** The lab's GetState(): term and whether the node believes it leads. */
  getState(id: number): { term: number; isLeader: boolean } {
    const view = this.cluster.node(id);
    return { term: view.term, isLeader: view.alive && view.role === 'leader' };
  }

  /** Polls for up to ten times ~500 ms until connected servers have exactly one leader in the newest term with a leader. */
  async checkOneLeader(): Promise<number> {
    for (let iters = 0; iters < 10; iters++) {
      await this.sleep(450 + this.randInt(100));
      const leaders = new Map<number, number[]>();
      for (const id of this.ids) {
        if (!this.connected(id)) continue;
        const { term, isLeader } = this.getState(id);
        if (isLeader) leaders.set(term, [...(leaders.get(term) ?? []), id]);
      }
      let lastTermWithLeader = -1;
      for (const [term, ids] of leaders) {
        // §5.2, Election Safety: at most one leader per term.
        if (ids.length > 1) this.fail(`term ${term} has ${ids.length} (>1) leaders`);
        lastTermWithLeader = Math.max(lastTermWithLeader, term);
      }
      const found = leaders.get(lastTermWithLeader);
      if (found) return found[0]!;
    }
    return this.fail('expected one leader, got none');
  }

  /** Every connected server has the same term; returns it. */
  checkTerms(): number {
    let term = -1;
    for (const id of this.ids) {
      if (!this.connected(id)) continue;
      const xterm = this.getState(id).term;
      if (term === -1) term = xterm;
      else if (term !== xterm) this.fail('servers disagree on term');
    }
    return term;
  }

  checkNoLeader(): void {
    for (const id of this.ids) {
      if (this.connected(id) && this.getState(id).isLeader) {
        this.fail(`expected no leader among connected servers, but ${id} claims to be leader`);
      }
    }
  }

  /**
   * How many servers think `index` is committed (have applied it, or hold a
   * snapshot covering it), and with which command; fails if they disagree.
   * A snapshot's claim is checked against the node's kv where the command
   * is a `key=value` whose key no later applied command sets.
   */
  nCommitted(index: number): { count: number; command: string | undefined } {
    this.checker.check();
    let count = 0;
    let command: string | undefined;
    for (const id of this.ids) {
      let cmd1 = this.checker.appliedAt(id, index);
      if (cmd1 === undefined) {
        if ((this.snapshotIndexOf.get(id) ?? 0) < index) continue;
        const view = this.cluster.node(id);
        expect(view.snapshotIndex, `server ${id}'s snapshot index`).toBeGreaterThanOrEqual(index);
        cmd1 = this.checker.commandAt(index);
        if (cmd1 === undefined) this.fail(`server ${id}'s snapshot covers index ${index}, which no server applied`);
        this.checkSnapshotHolds(id, index, cmd1, view.kv);
      }
      if (count > 0 && command !== cmd1) {
        this.fail(`committed values do not match: index ${index}, ${command}, ${cmd1}`);
      }
      count += 1;
      command = cmd1;
    }
    return { count, command };
  }

  private checkSnapshotHolds(id: number, index: number, command: string, kv: Readonly<Record<string, string>>): void {
    const eq = command.indexOf('=');
    if (eq <= 0) return; // not a key=value command: the state machine ignored it
    const key = command.slice(0, eq);
    if (this.checker.lastSetAt(key) > index) return; // overwritten since: the kv cannot vouch for it
    if (kv[key] !== command.slice(eq + 1)) {
      this.fail(`server ${id}'s snapshot covers index ${index} (${command}) but its kv has ${key}=${kv[key]}`);
    }
  }

  /**
   * The lab's one(): submits `cmd` to whichever connected server leads (trying
   * each in turn), and waits up to 2 s for `expectedServers` to commit it at
   * that index; with `retry`, tries again until 10 s have passed.
   */
  async one(cmd: string, expectedServers: number, retry: boolean): Promise<number> {
    const t0 = this.cluster.now();
    let starts = 0;
    while (this.cluster.now() - t0 < 10_000) {
      let index = -1;
      for (let si = 0; si < this.servers; si++) {
        starts = (starts % this.servers) + 1;
        if (!this.connected(starts)) continue;
        const r = await this.cluster.start(starts, cmd);
        if (r.isLeader) {
          index = r.index;
          break;
        }
      }
      if (index !== -1) {
        // Somebody claimed to be the leader and to have submitted our command.
        const t1 = this.cluster.now();
        while (this.cluster.now() - t1 < 2_000) {
          const { count, command } = this.nCommitted(index);
          if (count > 0 && count >= expectedServers && command === cmd) return index;
          await this.sleep(20);
        }
        if (!retry) this.fail(`one(${cmd}) failed to reach agreement`);
      } else {
        await this.sleep(50);
      }
    }
    return this.fail(`one(${cmd}) failed to reach agreement`);
  }

  /**
   * The lab's wait(): until `n` servers commit `index`, backing off from 10 ms
   * to ~1 s; returns null (the lab's -1) if any live server's term passes
   * `startTerm` (when startTerm > -1) before then.
   */
  async wait(index: number, n: number, startTerm: number): Promise<string | null> {
    let to = 10;
    for (let iters = 0; iters < 30; iters++) {
      if (this.nCommitted(index).count >= n) break;
      await this.sleep(to);
      if (to < 1000) to *= 2;
      if (startTerm > -1) {
        for (const id of this.ids) {
          // Someone has moved on; we can no longer guarantee that we'll "win".
          if (this.alive(id) && this.getState(id).term > startTerm) return null;
        }
      }
    }
    const { count, command } = this.nCommitted(index);
    if (count < n) this.fail(`only ${count} decided for index ${index}; wanted ${n}`);
    return command ?? null;
  }

  // ------------------------------------------------- counters

  /** RPCs (requests) sent so far, every server together. */
  rpcTotal(): number {
    const byType = this.cluster.stats().byType;
    return REQUEST_TYPES.reduce((sum, type) => sum + (byType[type] ?? 0), 0);
  }

  /** Bytes of every message sent so far (JSON size). */
  bytesTotal(): number {
    return this.cluster.stats().bytes;
  }

  /** The lab's LogSize(): the most entries any server (alive or on disk) keeps after its snapshot. */
  logSize(): number {
    return Math.max(...this.ids.map((id) => this.cluster.node(id).log.length));
  }

  /** Stops watching and tears the cluster down. */
  async cleanup(): Promise<void> {
    this.checker.stop();
    await this.cluster.destroy();
  }
}

/**
 * Runs one lab test body against a fresh config and tears it down; a failure
 * names the seed and how to replay the test alone.
 */
export async function withConfig(opts: ConfigOptions, body: (cfg: Config) => Promise<void>): Promise<void> {
  const cfg = new Config(opts);
  try {
    await body(cfg);
    cfg.checker.check();
  } catch (err) {
    const { currentTestName, testPath } = expect.getState();
    const file = testPath ? testPath.slice(testPath.indexOf('test/mit/')) : 'test/mit';
    // vitest matches -t against the names joined by spaces; the lab name (before ':') is enough.
    const name = (currentTestName ?? '').split(' > ').join(' ').replace(/:.*$/, '');
    const replay = `replay: npx vitest run ${file} -t "${name}"`;
    if (err instanceof Error) {
      err.message = `${err.message}\n${replay}`;
      throw err;
    }
    throw new Error(`${String(err)}\n${replay}`, { cause: err });
  } finally {
    await cfg.cleanup();
  }
}
