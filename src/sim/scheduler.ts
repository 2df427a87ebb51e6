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
}

export class Scheduler {
  readonly queue = new EventQueue<QueueItem>();
  /** Virtual ms; only moves forward. */
  clock = 0;

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
      return true;
    }
  }

  /**
   * Processes every item due up to `limit`, then sets the clock to `limit`.
   * Stops early, at that item's time, once `pred` holds.
   */
  runTo(limit: number, pred: (() => boolean) | null): boolean | Promise<boolean> {
    if (pred === null && this.pipelined) return this.runWindowed(limit);
    for (;;) {
      const next = this.queue.peek();
      if (!next || next.at > limit) break;
      this.queue.pop();
      this.clock = next.at;
      const done = this.process(next);
      if (done === false) continue;
      if (done !== true) return done.then(() => this.afterAsync(limit, pred));
      if (pred && pred()) return true;
    }
    this.clock = limit;
    return false;
  }

  private afterAsync(limit: number, pred: (() => boolean) | null): boolean | Promise<boolean> {
    if (pred && pred()) return true;
    return this.runTo(limit, pred);
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
   * An item for node X at time t may start once X has no earlier item still
   * being handled and t < base + lookahead, where base is the time of the
   * earliest item not yet taken and lookahead the least time any output can
   * schedule something ahead. Nothing an unfinished item produces can then
   * precede or change it, so taking outputs in order replays the sequential
   * run exactly. (Timers keep to this because a node is ticked only at its
   * real deadline — see SimCluster.arm.)
   */
  private async runWindowed(limit: number): Promise<boolean> {
    const lookahead = this.host.lookaheadMs();
    const started: { item: QueueItem; call: Call; node: NodeId }[] = [];
    const busy = new Set<NodeId>();
    for (;;) {
      const head = started[0]?.item.at ?? this.queue.peek()?.at;
      if (head === undefined) break;
      for (;;) {
        const next = this.queue.peek();
        if (!next || next.at > limit || (next.at !== head && next.at >= head + lookahead)) break;
        const node = next.kind === 'timer' ? next.node : next.to;
        if (busy.has(node)) break; // keep queue order: wait for that node
        this.queue.pop();
        busy.add(node);
        const call = this.host.dispatch(next);
        // Its failure is handled in order by complete(); until then it must
        // not count as an unhandled rejection.
        if (call instanceof Promise) call.catch(() => undefined);
        started.push({ item: next, call, node });
      }
      const first = started.shift();
      if (!first) break; // nothing due before the limit
      this.clock = first.item.at;
      const done = this.host.complete(first.item, first.call);
      if (done !== true && done !== false) await done;
      busy.delete(first.node);
    }
    this.clock = limit;
    return false;
  }
}
