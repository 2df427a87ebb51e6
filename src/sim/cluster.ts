/**
 * The headless cluster: n Raft nodes, one virtual clock, one seeded PRNG, one
 * event queue and a faulty network. Every due event — a message delivery or
 * a node's timer — is processed in (time, sequence) order, so the same seed
 * and the same calls give the same history.
 */
import { deepFreeze, MAX_COMMAND_LENGTH, type ConfChange, type NodeId } from '../raft';
import { BetweenEvents } from './between';
import { loadCluster, saveCluster, type ClusterCheckpoint, type SimParts } from './checkpoint';
import { Network } from './network';
import { NetworkActions } from './network-actions';
import { describeIds, Nodes, type RuntimeFactory } from './nodes';
import { createRandom } from './prng';
import { InlineRuntime } from './runtime';
import { Scheduler } from './scheduler';
import { alignedTimeouts, setElectionTimers, spreadTimeouts } from './timer-controls';
import type {
  ActionBody,
  Cluster,
  ClusterAction,
  ClusterEvent,
  ClusterStats,
  InFlightMessage,
  NetworkOptions,
  NodeView,
  ResolvedClusterOptions,
  ResumedMembership,
  StartResult,
} from './types';

export { TRACE_LIMIT } from './event-log';
export { DEFAULT_NETWORK, resolveOptions, type ResolvedOptions } from './options';
import { EventLog } from './event-log';
import type { ResolvedOptions } from './options';
import { checkInteger, describe } from './validate';

export type { RuntimeFactory } from './nodes';

export class SimCluster implements Cluster {
  private readonly options: ResolvedOptions;
  private readonly sched: Scheduler;
  private readonly net: Network;
  private readonly nodes: Nodes;
  private readonly log = new EventLog();
  private tail: Promise<unknown> = Promise.resolve();
  private destroyed = false;
  private destroying: Promise<void> | null = null;
  private readonly actionLog: ClusterAction[] = [];
  /** Synchronous actions wait here while the cluster is working (see between.ts). */
  private readonly betweenEvents = new BetweenEvents(() => !this.destroyed);
  /** The user's network actions (network-actions.ts). */
  private readonly cables: NetworkActions;

  constructor(
    options: ResolvedOptions,
    makeRuntime: RuntimeFactory = inlineFactory,
    private readonly onDestroy: (() => Promise<void>) | null = null,
    /** Nodes answer asynchronously (workers): run independent events concurrently. */
    pipelined = false,
  ) {
    this.options = options;
    this.sched = new Scheduler(
      {
        dispatch: (item) => this.nodes.dispatch(item),
        complete: (item, call) => this.nodes.complete(item, call),
        lookaheadMs: () => this.lookaheadMs(),
        quiesce: () => this.betweenEvents.quiesce(),
        hasDeferred: () => this.betweenEvents.waiting,
      },
      pipelined,
    );
    const founders = Array.from({ length: options.nodes }, (_, i) => i + 1);
    this.net = new Network(founders.length, deepFreeze(structuredClone(options.network)), createRandom(options.seed), {
      emit: (e) => this.emit(e),
      schedule: (d) => this.sched.queue.push(d),
      now: () => this.clock,
    });
    this.nodes = new Nodes(founders, options, makeRuntime, this.net, this.sched, (e) => this.emit(e));
    this.cables = new NetworkActions(() => this.nodes.everIds, this.net, {
      checkId: (name, id) => this.checkId(name, id),
      between: (apply) => this.between(apply),
      record: (body) => this.record(body),
      emit: (e) => this.emit(e),
      now: () => this.clock,
    });
  }

  /**
   * Before boot: the membership a stored cluster had (createCluster's
   * `membership`). Every id up to `highest` gets a slot, those not in
   * `current` marked removed; the added ones in `current` are joining — a
   * committed configuration without them does not shut them down until one
   * with them has committed (thesis §4.1: their own log tells them the rest).
   */
  resumeMembership(m: ResumedMembership): void {
    const joining = m.current.filter((id) => id > this.options.nodes);
    this.nodes.loadMembership(m.highest, { current: m.current, joining, confSeen: 0 });
  }

  /**
   * Boots every node (the first life of each); called once by createCluster.
   * Runtimes start in parallel but their outputs are taken in id order, so
   * the history does not depend on which worker answers first. Later calls
   * wait for the boot to finish.
   */
  boot(): void {
    const r = this.nodes.bootAll();
    if (!r) return;
    this.betweenEvents.enter();
    this.tail = r.finally(() => this.betweenEvents.leave());
  }

  // ------------------------------------------------------------ reading

  /** The nodes now, in id order (frozen): it changes with addNode and committed removals. */
  get ids(): readonly NodeId[] {
    return this.nodes.ids;
  }

  // Everything returned is frozen or a copy: nothing outside can reach the
  // cluster's or a node's internals (editing a returned log entry must not
  // change what followers receive or what a restarted node re-applies).

  now(): number {
    this.guard();
    return this.clock;
  }

  node(id: NodeId): NodeView {
    this.guard();
    return this.nodes.view(this.checkId('id', id));
  }

  applied(id: NodeId): readonly { index: number; command: string }[] {
    this.guard();
    return this.nodes.applied(this.checkId('id', id));
  }

  inFlight(): readonly InFlightMessage[] {
    this.guard();
    return this.net.inFlight();
  }

  subscribe(listener: (e: ClusterEvent) => void): () => void {
    this.guard();
    if (typeof listener !== 'function') throw new Error(`listener must be a function, got ${describe(listener)}`);
    return this.log.subscribe(listener);
  }

  trace(): readonly ClusterEvent[] {
    this.guard();
    return this.log.trace();
  }

  stats(): ClusterStats {
    this.guard();
    return this.net.stats();
  }

  actions(): readonly ClusterAction[] {
    this.guard();
    return Object.freeze(this.actionLog.slice());
  }

  creationOptions(): ResolvedClusterOptions {
    this.guard();
    const o = this.options;
    return deepFreeze({ ...o, electionTimeoutMs: [...o.electionTimeoutMs], network: { ...o.network }, faults: [...o.faults] });
  }

  /**
   * The whole simulation now, as immutable structured-clonable data
   * (checkpoint.ts); restoreCluster builds a cluster that continues exactly
   * as this one would. Inline transport only; not while a call is working
   * (await it first).
   */
  checkpoint(): ClusterCheckpoint {
    this.guard();
    if (this.betweenEvents.busy) throw new Error('checkpoint() was called while a call is working: await it first');
    return saveCluster(this.parts());
  }

  /**
   * restoreCluster's: puts a checked checkpoint into this fresh, unbooted
   * cluster. Inline nodes resume at once; nodes that run elsewhere (workers)
   * are re-created and resumed before any later call runs.
   */
  load(cp: ClusterCheckpoint, nodesElsewhere: boolean): void {
    loadCluster(cp, this.parts(), nodesElsewhere);
    if (!nodesElsewhere) return;
    this.betweenEvents.enter();
    this.tail = this.nodes.resumeAll(cp.nodes).finally(() => this.betweenEvents.leave());
  }

  private parts(): SimParts {
    return { options: this.options, sched: this.sched, net: this.net, nodes: this.nodes, log: this.log, actions: this.actionLog };
  }

  processed(): number {
    this.guard();
    return this.sched.processed;
  }

  /** Stamps the action with where it takes effect: now, after the events taken so far. */
  private record(body: ActionBody): void {
    this.actionLog.push(deepFreeze({ at: this.clock, after: this.sched.processed, ...body }));
  }

  network(): Required<NetworkOptions> {
    this.guard();
    return this.net.options;
  }

  linkUp(from: NodeId, to: NodeId): boolean {
    this.guard();
    return this.net.linkUp(this.checkId('from', from), this.checkId('to', to));
  }

  connected(id: NodeId): boolean {
    this.guard();
    return this.net.plugged(this.checkId('id', id));
  }

  // -------------------------------------------------------------- time

  runFor(ms: number): Promise<void> {
    return this.serial(
      () => {
        if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
          throw new Error(`ms must be a finite number >= 0, got ${describe(ms)}`);
        }
      },
      async () => {
        await this.sched.runTo(this.clock + ms, null);
      },
    );
  }

  runUntil(pred: () => boolean, maxMs: number): Promise<boolean> {
    return this.serial(
      () => {
        if (typeof pred !== 'function') throw new Error(`pred must be a function, got ${describe(pred)}`);
        if (typeof maxMs !== 'number' || !Number.isFinite(maxMs) || maxMs < 0) {
          throw new Error(`maxMs must be a finite number >= 0, got ${describe(maxMs)}`);
        }
      },
      () => {
        if (pred()) return true;
        return this.sched.runTo(this.clock + maxMs, pred);
      },
    );
  }

  step(): Promise<boolean> {
    return this.serial(null, () => this.sched.step());
  }

  runToPosition(after: number, at: number): Promise<void> {
    return this.serial(
      () => {
        checkInteger('after', after, 0);
        if (typeof at !== 'number' || !Number.isFinite(at) || at < 0) {
          throw new Error(`at must be a finite number >= 0, got ${describe(at)}`);
        }
      },
      () => this.sched.runToPosition(after, at),
    );
  }

  /** The clock: virtual ms since creation (the scheduler's). */
  private get clock(): number {
    return this.sched.clock;
  }

  private lookaheadMs(): number {
    const n = this.net.options;
    const o = this.options;
    let min = Math.min(n.delayMs[0], o.heartbeatMs, o.electionTimeoutMs[0]);
    if (n.longDelayRate > 0) min = Math.min(min, n.longDelayMs[0]);
    return min;
  }

  // ------------------------------------------------------------ actions

  start(id: NodeId, command: string): Promise<StartResult> {
    return this.serial(
      () => {
        this.checkId('id', id);
        if (typeof command !== 'string') throw new Error(`command must be a string, got ${describe(command)}`);
        if (command.length > MAX_COMMAND_LENGTH) {
          throw new Error(`command must be at most ${MAX_COMMAND_LENGTH} UTF-16 code units long, got ${command.length}`);
        }
      },
      () => {
        this.record({ kind: 'start', id, command });
        return this.nodes.propose(this.nodes.slot(id), command);
      },
    );
  }

  timeout(id: NodeId): Promise<void> {
    return this.serial(
      () => this.checkId('id', id),
      async () => {
        this.record({ kind: 'timeout', id });
        await this.nodes.timeout(this.nodes.slot(id));
      },
    );
  }

  alignTimers(): Promise<void> {
    return this.serial(null, () => {
      this.record({ kind: 'alignTimers' });
      return setElectionTimers(this.nodes, alignedTimeouts(this.options.electionTimeoutMs));
    });
  }

  spreadTimers(): Promise<void> {
    return this.serial(null, () => {
      this.record({ kind: 'spreadTimers' });
      return setElectionTimers(this.nodes, spreadTimeouts(this.options.electionTimeoutMs));
    });
  }

  crash(id: NodeId): Promise<void> {
    return this.serial(
      () => this.checkId('id', id),
      async () => {
        this.record({ kind: 'crash', id });
        await this.nodes.kill(this.nodes.slot(id), 'crashed by the user', 'user');
      },
    );
  }

  restart(id: NodeId): Promise<void> {
    return this.serial(
      () => this.checkId('id', id),
      async () => {
        const slot = this.nodes.slot(id);
        this.record({ kind: 'restart', id });
        await this.nodes.kill(slot, 'restarted by the user', 'restart');
        await this.nodes.boot(slot);
      },
    );
  }

  transferLeadership(from: NodeId, to: NodeId): Promise<boolean> {
    return this.serial(
      () => {
        this.checkId('from', from);
        this.checkId('to', to);
      },
      async () => {
        const leader = this.nodes.view(from);
        // Thesis §3.10: only a live leader can hand over, and only to another voter.
        if (!leader.alive || leader.role !== 'leader' || to === from || !leader.config.voters.includes(to)) return false;
        this.record({ kind: 'transferLeadership', from, to });
        return this.nodes.transfer(this.nodes.slot(from), to);
      },
    );
  }

  addNode(): Promise<number> {
    return this.serial(null, async () => {
      const leader = this.leaderForChange('addNode');
      this.record({ kind: 'addNode', id: this.nodes.everIds.length + 1 });
      const slot = await this.nodes.add();
      await this.askLeader(leader, { kind: 'addLearner', node: slot.id });
      return slot.id;
    });
  }

  removeNode(id: NodeId): Promise<void> {
    return this.serial(
      () => this.checkId('id', id),
      async () => {
        const leader = this.leaderForChange('removeNode');
        const { voters, learners } = this.nodes.view(leader).config;
        if (!voters.includes(id) && !learners.includes(id)) {
          throw new Error(
            `removeNode: node ${id} is not in leader ${leader}'s configuration (voters ${voters.join(', ')}${learners.length ? `, learners ${learners.join(', ')}` : ''})`,
          );
        }
        if (voters.length === 1 && voters[0] === id) throw new Error(`removeNode: node ${id} is the last voter`);
        this.record({ kind: 'removeNode', id });
        await this.askLeader(leader, { kind: 'remove', node: id });
      },
    );
  }

  /**
   * The live leader with the highest term, which a configuration change
   * goes to; throws, naming `what`, if there is none, if it has a change
   * still uncommitted (thesis §4.1: one at a time) or is handing over.
   */
  private leaderForChange(what: string): NodeId {
    let best: { id: NodeId; term: number } | null = null;
    for (const id of this.nodes.ids) {
      const v = this.nodes.view(id);
      if (v.alive && v.role === 'leader' && (!best || v.term > best.term)) best = { id, term: v.term };
    }
    if (!best) throw new Error(`${what}: there is no live leader to ask (wait for an election)`);
    const v = this.nodes.view(best.id);
    if (v.configChangePending) {
      throw new Error(`${what}: leader ${best.id} has a configuration change still uncommitted (§4.1: one change at a time)`);
    }
    if (v.transferee !== 0) throw new Error(`${what}: leader ${best.id} is handing leadership to node ${v.transferee}`);
    return best.id;
  }

  /** Hands the change to the leader; a refusal now (it failed meanwhile) is reported as an error event. */
  private async askLeader(leader: NodeId, change: ConfChange): Promise<void> {
    const refusal = await this.nodes.confChange(this.nodes.slot(leader), change);
    if (refusal !== null)
      this.emit({ kind: 'error', at: this.clock, node: leader, message: `leader ${leader} refused the change: ${refusal}` });
  }

  disconnect(id: NodeId): void {
    this.guard();
    this.cables.disconnect(this.checkId('id', id));
  }

  connect(id: NodeId): void {
    this.guard();
    this.cables.connect(this.checkId('id', id));
  }

  setLink(from: NodeId, to: NodeId, up: boolean): void {
    this.guard();
    this.cables.setLink(this.checkId('from', from), this.checkId('to', to), up);
  }

  partition(groups: NodeId[][]): void {
    this.guard();
    this.cables.partition(groups);
  }

  heal(): void {
    this.guard();
    this.cables.heal();
  }

  setNetwork(opts: NetworkOptions): void {
    this.guard();
    this.cables.setNetwork(opts);
  }

  dropMessage(id: number): boolean {
    this.guard();
    return this.cables.dropMessage(id);
  }

  /** Stops everything; afterwards every other method throws "cluster has been destroyed". Idempotent. */
  destroy(): Promise<void> {
    if (this.destroying) return this.destroying;
    this.destroying = this.serial(null, async () => {
      await this.nodes.terminateAll();
      if (this.onDestroy) await this.onDestroy();
      this.sched.queue.clear();
      this.log.clear();
      this.destroyed = true;
    });
    return this.destroying;
  }

  // ------------------------------------------------------------ plumbing

  private emit(e: ClusterEvent): void {
    this.log.emit(e);
  }

  /** A synchronous action: now, or at the next point between events (between.ts). */
  private between(apply: () => void): void {
    this.betweenEvents.run(apply);
  }

  /**
   * Runs `check` now (so bad arguments reject at once, changing nothing),
   * then `fn` after every earlier call has finished: overlapping calls apply
   * in call order.
   */
  private serial<T>(check: (() => unknown) | null, fn: () => T | Promise<T>): Promise<T> {
    try {
      this.guard();
      check?.();
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    const result = this.tail.then(async () => {
      this.guard();
      this.betweenEvents.enter();
      try {
        return await fn();
      } finally {
        this.betweenEvents.leave();
      }
    });
    this.tail = result.catch(() => undefined);
    return result;
  }

  private guard(): void {
    if (this.destroyed) throw new Error('cluster has been destroyed');
  }

  private checkId(name: string, id: unknown): NodeId {
    if (typeof id !== 'number' || !Number.isInteger(id) || !this.nodes.has(id)) {
      throw new Error(`${name} must be a node id in ${describeIds(this.nodes.ids)}, got ${describe(id)}`);
    }
    return id;
  }
}

const inlineFactory: RuntimeFactory = (settings, disk) => new InlineRuntime(settings, disk);
