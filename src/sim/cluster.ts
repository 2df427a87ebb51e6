/**
 * The headless cluster: n Raft nodes, one virtual clock, one seeded PRNG, one
 * event queue and a faulty network. Every due event — a message delivery or
 * a node's timer — is processed in (time, sequence) order, so the same seed
 * and the same calls give the same history.
 */
import { deepFreeze, MAX_COMMAND_LENGTH, type NodeId } from '../raft';
import { Network } from './network';
import { createRandom, type Random } from './prng';
import { InlineRuntime, nodeSeed, storedView, type NodeOutput, type NodeRuntime, type NodeSettings } from './runtime';
import { Scheduler, type Call, type QueueItem } from './scheduler';
import { MemoryStorage } from './storage';
import type {
  Cluster,
  ClusterAction,
  ClusterEvent,
  ClusterStats,
  DiskSummary,
  InFlightMessage,
  NetworkOptions,
  NodeView,
  StartResult,
} from './types';

export { TRACE_LIMIT } from './event-log';
export { DEFAULT_NETWORK, resolveOptions, type ResolvedOptions } from './options';
import { EventLog } from './event-log';
import type { ResolvedOptions } from './options';
import { checkInteger, describe, mergeNetwork, readNetworkOptions } from './validate';

/** Creates a runtime for one node life; the worker transport supplies its own. */
export type RuntimeFactory = (settings: NodeSettings, disk: MemoryStorage) => NodeRuntime;

interface NodeSlot {
  readonly id: NodeId;
  /** The stored state: the inline node's disk, or the mirror of a worker's IndexedDB. */
  readonly disk: MemoryStorage;
  runtime: NodeRuntime | null;
  incarnation: number;
  /** Virtual ms of the queued timer item, Infinity if none. */
  timerAt: number;
  timerGen: number;
  readonly applied: { index: number; command: string }[];
  /** A frozen copy of `applied`, handed out until the next apply. */
  appliedCopy: readonly { index: number; command: string }[] | null;
}

export class SimCluster implements Cluster {
  readonly ids: readonly NodeId[];
  private readonly options: ResolvedOptions;
  private readonly makeRuntime: RuntimeFactory;
  private readonly random: Random;
  private readonly sched: Scheduler;
  private readonly net: Network;
  private readonly slots: NodeSlot[] = [];
  private readonly log = new EventLog();
  private tail: Promise<unknown> = Promise.resolve();
  private destroyed = false;
  private destroying: Promise<void> | null = null;
  private readonly actionLog: ClusterAction[] = [];

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
        dispatch: (item) => this.dispatch(item),
        complete: (item, call) => this.complete(item, call),
        lookaheadMs: () => this.lookaheadMs(),
      },
      pipelined,
    );
    this.makeRuntime = makeRuntime;
    this.random = createRandom(options.seed);
    this.ids = Array.from({ length: options.nodes }, (_, i) => i + 1);
    this.net = new Network(this.ids.length, deepFreeze(structuredClone(options.network)), this.random, {
      emit: (e) => this.emit(e),
      schedule: (d) => this.sched.queue.push(d),
      now: () => this.clock,
    });
    for (const id of this.ids) {
      this.slots[id] = {
        id,
        disk: new MemoryStorage(),
        runtime: null,
        incarnation: 0,
        timerAt: Infinity,
        timerGen: 0,
        applied: [],
        appliedCopy: null,
      };
    }
  }

  /**
   * Boots every node (the first life of each); called once by createCluster.
   * Runtimes start in parallel but their outputs are taken in id order, so
   * the history does not depend on which worker answers first. Later calls
   * wait for the boot to finish.
   */
  boot(): void {
    const outputs = this.ids.map((id) => this.launch(this.slot(id)));
    if (outputs.every((o) => !(o instanceof Promise))) {
      outputs.forEach((o, i) => this.absorbBoot(this.slot(this.ids[i]!), o as NodeOutput));
      return;
    }
    this.tail = (async () => {
      for (let i = 0; i < outputs.length; i++) {
        const slot = this.slot(this.ids[i]!);
        try {
          this.absorbBoot(slot, await outputs[i]!);
        } catch (err) {
          await this.fail(slot, err);
        }
      }
    })();
  }

  /** Takes a first life's boot output, reporting what it recovered from a non-empty disk. */
  private absorbBoot(slot: NodeSlot, out: NodeOutput): void {
    const disk = diskSummary(slot.disk);
    if (disk.term > 0 || disk.lastIndex > 0) this.emit({ kind: 'recover', at: this.clock, node: slot.id, ...disk });
    this.absorbNow(slot, out);
  }

  // ------------------------------------------------------------ reading

  // Everything returned is frozen or a copy: nothing outside can reach the
  // cluster's or a node's internals (editing a returned log entry must not
  // change what followers receive or what a restarted node re-applies).

  now(): number {
    this.guard();
    return this.clock;
  }

  node(id: NodeId): NodeView {
    this.guard();
    const slot = this.slot(this.checkId('id', id));
    return deepFreeze(slot.runtime ? slot.runtime.view() : storedView(id, slot.disk));
  }

  applied(id: NodeId): readonly { index: number; command: string }[] {
    this.guard();
    const slot = this.slot(this.checkId('id', id));
    slot.appliedCopy ??= Object.freeze(slot.applied.slice());
    return slot.appliedCopy;
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

  private record(action: ClusterAction): void {
    this.actionLog.push(deepFreeze(action));
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

  /**
   * First half of handling an item: decide whether it reaches a node and, if
   * so, hand it over (the node starts working). Emits nothing.
   */
  private dispatch(item: QueueItem): Call {
    if (item.kind === 'timer') {
      const slot = this.slot(item.node);
      if (item.gen !== slot.timerGen || !slot.runtime) return null;
      slot.timerAt = Infinity;
      return slot.runtime.tick(item.at);
    }
    if (item.cancelled) return null;
    const runtime = this.slot(item.to).runtime;
    if (!runtime || this.net.fate(item, true) !== null) return null;
    return runtime.deliver(item.payload, item.at);
  }

  /** Second half, in queue order: emit what happened and take the node's output. */
  private complete(item: QueueItem, call: Call): boolean | Promise<void> {
    if (item.kind === 'timer') {
      return call === null ? false : this.absorb(this.slot(item.node), call);
    }
    if (item.cancelled) return false; // dropped meanwhile (its receiver crashed)
    const slot = this.slot(item.to);
    if (call === null) {
      this.net.drop(item, this.net.fate(item, slot.runtime !== null) ?? 'receiver crashed');
      return true;
    }
    this.net.delivered(item);
    this.emit({ kind: 'deliver', at: this.clock, message: item.public });
    return this.absorb(slot, call);
  }

  /**
   * Takes a node's output: persist (mirror) first, then events, then release
   * its messages to the network, then re-arm its timer.
   */
  private absorb(slot: NodeSlot, out: NodeOutput | Promise<NodeOutput>): true | Promise<void> {
    if (out instanceof Promise) {
      return out.then(
        (o) => this.absorbSafely(slot, o),
        (err: unknown) => this.fail(slot, err),
      );
    }
    const r = this.absorbSafely(slot, out);
    return r instanceof Promise ? r : true;
  }

  /**
   * Takes an output, or — if it cannot be taken (persist ops that do not fit
   * the disk) — fails the node, so a bad output never wedges the run.
   */
  private absorbSafely(slot: NodeSlot, out: NodeOutput): void | Promise<void> {
    try {
      this.absorbNow(slot, out);
    } catch (err) {
      return this.fail(slot, err);
    }
  }

  private absorbNow(slot: NodeSlot, out: NodeOutput): void {
    const { ready } = out;
    if (!slot.runtime) return; // crashed while the output was on its way
    if (ready.persist.length > 0) {
      slot.disk.apply(ready.persist); // all or nothing: throws before any change
      this.emit({ kind: 'persist', at: this.clock, node: slot.id, ...diskSummary(slot.disk) });
    }
    for (const e of ready.events) {
      if (e.kind === 'apply') {
        slot.applied.push(Object.freeze({ index: e.index, command: e.command }));
        slot.appliedCopy = null;
      }
      this.emit(e);
    }
    for (const m of ready.messages) this.net.send(m);
    this.arm(slot, out.deadline);
  }

  /**
   * Keeps exactly one live timer item per node, at the node's own next
   * deadline: when the deadline moves (earlier or later) the queued item goes
   * stale and a new one is queued. A node is therefore never ticked before
   * its deadline. That matters for the windowed dispatch: a tick at a stale
   * time would answer with the real deadline, which may fall inside the
   * look-ahead window after events already handed out, and run out of order
   * (virtual time going back). Every deadline a node sets is at least the
   * minimum heartbeat or election timeout ahead of the input that set it
   * (§5.2), which is what the look-ahead relies on.
   */
  private arm(slot: NodeSlot, deadline: number): void {
    if (deadline === slot.timerAt) return;
    slot.timerAt = deadline;
    slot.timerGen += 1;
    if (deadline === Infinity) return;
    this.sched.queue.push({ kind: 'timer', at: Math.max(deadline, this.clock), seq: 0, node: slot.id, gen: slot.timerGen });
  }

  /** A runtime that failed (a worker that threw or stopped answering) is a crashed node. */
  private fail(slot: NodeSlot, err: unknown): void | Promise<void> {
    const message = err instanceof Error ? err.message : String(err);
    this.emit({ kind: 'error', at: this.clock, node: slot.id, message });
    if (slot.runtime) return this.kill(slot, `it failed: ${message}`);
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
        const slot = this.slot(id);
        this.record({ at: this.clock, kind: 'start', id, command });
        const refused = (): StartResult => ({ index: -1, term: slot.disk.currentTerm, isLeader: false });
        if (!slot.runtime) return refused();
        const out = slot.runtime.propose(command, this.clock);
        if (out instanceof Promise) {
          return out.then(
            async (o) => {
              await this.absorbSafely(slot, o);
              return slot.runtime ? o.result : refused();
            },
            async (err: unknown) => {
              // The node failed while taking the command: it is crashed, and
              // the command was not taken (like Start() on a dead server).
              await this.fail(slot, err);
              return refused();
            },
          );
        }
        const r = this.absorbSafely(slot, out);
        if (r instanceof Promise) return r.then(refused);
        return slot.runtime ? out.result : refused();
      },
    );
  }

  timeout(id: NodeId): Promise<void> {
    return this.serial(
      () => this.checkId('id', id),
      async () => {
        const slot = this.slot(id);
        this.record({ at: this.clock, kind: 'timeout', id });
        if (!slot.runtime) return;
        const r = this.absorb(slot, slot.runtime.timeout(this.clock));
        if (r !== true) await r;
      },
    );
  }

  crash(id: NodeId): Promise<void> {
    return this.serial(
      () => this.checkId('id', id),
      async () => {
        const slot = this.slot(id);
        this.record({ at: this.clock, kind: 'crash', id });
        if (slot.runtime) await this.kill(slot, 'crashed by the user');
      },
    );
  }

  restart(id: NodeId): Promise<void> {
    return this.serial(
      () => this.checkId('id', id),
      async () => {
        const slot = this.slot(id);
        this.record({ at: this.clock, kind: 'restart', id });
        if (slot.runtime) await this.kill(slot, 'restarted by the user');
        const r = this.bootNode(slot);
        if (r) await r;
      },
    );
  }

  private bootNode(slot: NodeSlot): void | Promise<void> {
    const r = this.absorb(slot, this.launch(slot));
    return r === true ? undefined : r;
  }

  /** Starts a new life of the node: a fresh runtime recovering from its disk. */
  private launch(slot: NodeSlot): NodeOutput | Promise<NodeOutput> {
    slot.incarnation += 1;
    const o = this.options;
    const runtime = this.makeRuntime(
      {
        id: slot.id,
        nodes: this.ids,
        electionTimeoutMs: o.electionTimeoutMs,
        heartbeatMs: o.heartbeatMs,
        snapshotThreshold: o.snapshotThreshold,
        leaderNoop: o.leaderNoop,
        seed: nodeSeed(o.seed, slot.id, slot.incarnation),
        storageKey: o.storageKey,
      },
      slot.disk,
    );
    slot.runtime = runtime;
    runtime.onFault?.((reason) => {
      if (slot.runtime === runtime) void this.fail(slot, new Error(reason));
    });
    if (slot.incarnation > 1) this.emit({ kind: 'restart', at: this.clock, node: slot.id });
    return runtime.boot(this.clock);
  }

  private kill(slot: NodeSlot, reason: string): void | Promise<void> {
    const runtime = slot.runtime;
    if (!runtime) return;
    slot.runtime = null;
    slot.timerGen += 1; // its queued timer is now stale
    slot.timerAt = Infinity;
    this.emit({ kind: 'crash', at: this.clock, node: slot.id, reason });
    // In-flight messages to it are lost with it.
    this.net.dropTo(slot.id, 'receiver crashed');
    return runtime.terminate();
  }

  disconnect(id: NodeId): void {
    this.guard();
    this.net.setPlugged(this.checkId('id', id), false);
    this.record({ at: this.clock, kind: 'disconnect', id });
    this.emit({ kind: 'network', at: this.clock, action: `unplugged node ${id}` });
  }

  connect(id: NodeId): void {
    this.guard();
    this.net.setPlugged(this.checkId('id', id), true);
    this.record({ at: this.clock, kind: 'connect', id });
    this.emit({ kind: 'network', at: this.clock, action: `plugged node ${id} back in` });
  }

  setLink(from: NodeId, to: NodeId, up: boolean): void {
    this.guard();
    this.checkId('from', from);
    this.checkId('to', to);
    if (typeof up !== 'boolean') throw new Error(`up must be a boolean, got ${describe(up)}`);
    this.net.setLink(from, to, up);
    this.record({ at: this.clock, kind: 'setLink', from, to, up });
    this.emit({ kind: 'network', at: this.clock, action: `link ${from}→${to} ${up ? 'up' : 'down'}` });
  }

  partition(groups: NodeId[][]): void {
    this.guard();
    if (!Array.isArray(groups)) throw new Error(`groups must be an array of arrays of node ids, got ${describe(groups)}`);
    const groupOf = new Map<NodeId, number>();
    groups.forEach((group, g) => {
      if (!Array.isArray(group)) throw new Error(`groups[${g}] must be an array of node ids, got ${describe(group)}`);
      for (const id of group) {
        this.checkId(`groups[${g}]`, id);
        if (groupOf.has(id)) throw new Error(`groups: node ${id} appears in more than one group`);
        groupOf.set(id, g);
      }
    });
    this.record({ at: this.clock, kind: 'partition', groups: groups.map((g) => g.slice()) });
    for (const a of this.ids) {
      for (const b of this.ids) {
        if (a === b) continue;
        const ga = groupOf.get(a);
        this.net.setLink(a, b, ga !== undefined && ga === groupOf.get(b));
      }
    }
    this.emit({ kind: 'network', at: this.clock, action: `partition ${groups.map((g) => `{${g.join(',')}}`).join(' | ')}` });
  }

  heal(): void {
    this.guard();
    for (const a of this.ids) for (const b of this.ids) if (a !== b) this.net.setLink(a, b, true);
    this.record({ at: this.clock, kind: 'heal' });
    this.emit({ kind: 'network', at: this.clock, action: 'healed every link' });
  }

  setNetwork(opts: NetworkOptions): void {
    this.guard();
    // Read every field once into a plain copy (a getter that throws or
    // changes between reads cannot make what is applied differ from what is
    // recorded), validate it whole, then apply and record that same copy.
    const copy = readNetworkOptions(opts, 'opts');
    this.net.options = deepFreeze(mergeNetwork(this.net.options, copy, 'opts'));
    this.record({ at: this.clock, kind: 'setNetwork', opts: copy });
    this.emit({ kind: 'network', at: this.clock, action: `network settings ${JSON.stringify(copy)}` });
  }

  dropMessage(id: number): boolean {
    this.guard();
    checkInteger('id', id, 0);
    if (!this.net.onWire(id)) return false;
    this.record({ at: this.clock, kind: 'dropMessage', id });
    return this.net.dropById(id, 'by user');
  }

  /** Stops everything; afterwards every other method throws "cluster has been destroyed". Idempotent. */
  destroy(): Promise<void> {
    if (this.destroying) return this.destroying;
    this.destroying = this.serial(null, async () => {
      const pending: Promise<void>[] = [];
      for (const id of this.ids) {
        const slot = this.slot(id);
        const r = slot.runtime?.terminate();
        if (r) pending.push(r);
        slot.runtime = null;
      }
      await Promise.all(pending);
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
    const result = this.tail.then(() => {
      this.guard();
      return fn();
    });
    this.tail = result.catch(() => undefined);
    return result;
  }

  private guard(): void {
    if (this.destroyed) throw new Error('cluster has been destroyed');
  }

  private checkId(name: string, id: unknown): NodeId {
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 1 || id > this.ids.length) {
      throw new Error(`${name} must be a node id in 1..${this.ids.length}, got ${describe(id)}`);
    }
    return id;
  }

  private slot(id: NodeId): NodeSlot {
    const slot = this.slots[id];
    if (!slot) throw new Error(`id must be a node id in 1..${this.ids.length}, got ${id}`);
    return slot;
  }
}

function diskSummary(d: MemoryStorage): DiskSummary {
  const snapshotIndex = d.storedSnapshot?.lastIncludedIndex ?? 0;
  return { term: d.currentTerm, votedFor: d.vote, lastIndex: d.lastIndex, snapshotIndex };
}

const inlineFactory: RuntimeFactory = (settings, disk) => new InlineRuntime(settings, disk);

