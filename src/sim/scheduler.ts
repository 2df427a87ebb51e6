/**
 * The scheduler: one virtual clock and one event queue, and the loops that
 * take due items in (time, sequence) order — sequentially, or, when nodes
 * answer asynchronously (workers), with a conservative parallel window that
 * gives exactly the same history. What an item does is the cluster's
 * business (`SchedulerHost`); when it happens is decided here alone.
 */
import type { NodeId } from '../raft';
import { EventQueue, type Scheduled } from './heap';
import type { Delivery } from './network';
import type { NodeOutput } from './runtime';

/** A node's election or heartbeat timer, due at the node's own deadline. */
export interface TimerItem extends Scheduled {
  readonly kind: 'timer';
  readonly node: NodeId;
  /** Stale once the node's timer generation moves on (re-armed, crashed). */
  readonly gen: number;
}

export type QueueItem = Delivery | TimerItem;

/** What a node was handed: its output (now or later), or null if the item reached no node. */
export type Call = NodeOutput | Promise<NodeOutput> | null;

export interface SchedulerHost {
  /**
   * First half of an item: decide whether it reaches a node and, if so, hand
   * it over (the node starts working). Emits nothing, changes nothing the
   * other items depend on.
   */
  dispatch(item: QueueItem): Call;
  /**
   * Second half, strictly in queue order: emit what happened and take the
   * node's output. true: done; false: the item was stale (not an event); a
   * promise: done when it settles (it never rejects).
   */
  complete(item: QueueItem, call: Call): boolean | Promise<void>;
  /**
   * The least virtual time any output can schedule something ahead of the
   * input that caused it (the minimum message delay, heartbeat and election
   * timeout): the width of the parallel window.
   */
  lookaheadMs(): number;
  /**
   * Called at every point where no node holds an item (between events):
   * the cluster applies the synchronous actions that arrived while one did,
   * so every action sits exactly between two events.
   */
  quiesce(): void;
  /** True while such actions wait: the windowed loop hands out no more items until they are applied. */
  hasDeferred(): boolean;
}

export class Scheduler {
  readonly queue = new EventQueue<QueueItem>();
  /** Virtual ms; only moves forward. */
  clock = 0;
  /**
   * Events taken since creation: items that reached a node or were dropped
   * on arrival (a stale timer or an already cancelled message is not one).
   * With the clock it is the exact position of anything done between two
   * events: what `ClusterAction.after` records.
   */
  processed = 0;
  /**
   * Whether a node takes several items in one batch (NodeRuntime.batching);
   * set by Nodes, which owns the runtimes. None does until told.
   */
  batches: (node: NodeId) => boolean = () => false;

  constructor(
    private readonly host: SchedulerHost,
    /** Nodes answer asynchronously (workers): run independent items concurrently. */
    private readonly pipelined: boolean,
  ) {}

  /** Handles the next item that is an event; false if there is none. */
  async step(): Promise<boolean> {
    for (;;) {
      const item = this.queue.pop();
      if (!item) return false;
      this.clock = Math.max(this.clock, item.at);
      const done = this.process(item);
      if (done === false) continue; // stale timer or cancelled message: not an event
      if (done !== true) await done;
      this.taken();
      return true;
    }
  }

  /**
   * Processes every item due up to `limit`, then sets the clock to `limit`.
   * Stops early, at that item's time, once `pred` holds. `exclusive`: only
   * items due strictly before `limit`, and the clock is left where the last
   * one put it (the first half of `runToPosition`).
   */
  runTo(limit: number, pred: (() => boolean) | null, exclusive = false): boolean | Promise<boolean> {
    if (pred === null && this.pipelined) return this.runWindowed(limit, exclusive);
    for (;;) {
      const next = this.queue.peek();
      if (!next || next.at > limit || (exclusive && next.at >= limit)) break;
      this.queue.pop();
      this.clock = Math.max(this.clock, next.at);
      const done = this.process(next);
      if (done === false) continue;
      if (done !== true) return done.then(() => this.afterAsync(limit, pred, exclusive));
      this.taken();
      if (pred && pred()) return true;
    }
    if (!exclusive) this.clock = Math.max(this.clock, limit);
    return false;
  }

  private afterAsync(limit: number, pred: (() => boolean) | null, exclusive: boolean): boolean | Promise<boolean> {
    this.taken();
    if (pred && pred()) return true;
    return this.runTo(limit, pred, exclusive);
  }

  /**
   * Brings the run to an exact position: every event due before `at`, then
   * single events until exactly `after` have been taken since creation, then
   * the clock to `at` — where a recorded action was taken (between two
   * events, even two due in the same millisecond). Throws if the run cannot
   * be at that position (it is already past it, or the queue disagrees: a
   * recording made with other options or another seed).
   */
  async runToPosition(after: number, at: number): Promise<void> {
    const where = `position (after ${after} events, at ${at} ms)`;
    if (this.processed > after || this.clock > at) {
      throw new Error(`cannot run to ${where}: the run is already at ${this.processed} events, ${this.clock} ms`);
    }
    if (this.processed < after) await this.runTo(at, null, true);
    while (this.processed < after) {
      const next = this.queue.peek();
      if (!next || next.at > at) {
        throw new Error(
          `cannot run to ${where}: after ${this.processed} events ${next ? `the next is due at ${next.at} ms` : 'nothing is queued'} (recorded with other options or another seed?)`,
        );
      }
      await this.step();
    }
    if (this.processed !== after) {
      throw new Error(`cannot run to ${where}: events due before ${at} ms took the run to ${this.processed} events`);
    }
    this.clock = Math.max(this.clock, at);
  }

  /** One more event taken; the point after it is between events. */
  private taken(): void {
    this.processed += 1;
    this.host.quiesce();
  }

  private process(item: QueueItem): boolean | Promise<void> {
    return this.host.complete(item, this.host.dispatch(item));
  }

  /**
   * The same history as runTo, faster when nodes are asynchronous (workers):
   * items that cannot influence each other are handed to their nodes
   * before the earlier ones are done, and their outputs are then taken
   * strictly in queue order (a conservative parallel simulation).
   *
   * The window: an item at time t may start once t < base + lookahead, where
   * base is the time of the earliest item not yet taken and lookahead the
   * least time any output can schedule something ahead (the minimum message
   * delay, heartbeat and election timeout, §5.2). Nothing an unfinished item
   * produces can then precede or change it, so taking outputs in order
   * replays the sequential run exactly. (Timers keep to this because a node
   * is ticked only at its real deadline — see Nodes.arm.)
   *
   * Per node, items are handed out in one pass over the queue, in queue
   * order, and stop at the first item that may not start:
   * - a node still holding items from an earlier pass is busy: hand-out
   *   stops there (so nothing overtakes it in queue order);
   * - within a pass a node may get several items (one batch, one message to
   *   its worker) if it batches: any number of deliveries, but a timer only
   *   as its FIRST item. The only thing an earlier item's output can change
   *   about a later item of the same node, inside the window, is that
   *   node's own timer: the output re-arms it (Nodes.arm bumps the timer
   *   generation), which makes a queued timer item stale — dispatch checks
   *   the generation and would have skipped it. A delivery's dispatch reads
   *   only its own cancelled flag, the link and whether the receiver is
   *   running, which no output changes except by crashing that very node;
   *   and then the crash drops every message on its way to the node
   *   (Network.dropTo), so the later deliveries of the batch end exactly as
   *   unbatched (cancelled, not events; Nodes.complete). A timer after
   *   items already in the forming batch therefore ends the pass.
   * Actions (crash, partition, …) are applied only where no node holds an
   * item (quiesce); while one waits, nothing more is handed out.
   */
  private async runWindowed(limit: number, exclusive: boolean): Promise<boolean> {
    const lookahead = this.host.lookaheadMs();
    const started: { item: QueueItem; call: Call; node: NodeId }[] = [];
    /** Items handed out and not yet taken, per node. */
    const holding = new Map<NodeId, number>();
    /** Nodes handed an item in the present pass (their batch is still forming). */
    const pass = new Set<NodeId>();
    for (;;) {
      if (started.length === 0) this.host.quiesce();
      const head = started[0]?.item.at ?? this.queue.peek()?.at;
      if (head === undefined) break;
      pass.clear();
      for (;;) {
        // Actions wait for a point where no node holds an item: hand out no more.
        if (this.host.hasDeferred()) break;
        const next = this.queue.peek();
        if (!next || next.at > limit || (exclusive && next.at >= limit)) break;
        if (next.at !== head && next.at >= head + lookahead) break;
        const node = next.kind === 'timer' ? next.node : next.to;
        if (holding.has(node)) {
          // Keep queue order: wait for that node, unless this joins its forming batch.
          if (!pass.has(node) || next.kind === 'timer' || !this.batches(node)) break;
        }
        this.queue.pop();
        holding.set(node, (holding.get(node) ?? 0) + 1);
        pass.add(node);
        const call = this.host.dispatch(next);
        // Its failure is handled in order by complete(); until then it must
        // not count as an unhandled rejection.
        if (call instanceof Promise) call.catch(() => undefined);
        started.push({ item: next, call, node });
      }
      const first = started.shift();
      if (!first) break; // nothing due before the limit
      this.clock = Math.max(this.clock, first.item.at);
      const done = this.host.complete(first.item, first.call);
      if (done !== true && done !== false) await done;
      if (done !== false) this.processed += 1;
      const left = holding.get(first.node)! - 1;
      if (left === 0) holding.delete(first.node);
      else holding.set(first.node, left);
    }
    if (!exclusive) this.clock = Math.max(this.clock, limit);
    return false;
  }
}
