/**
 * The cluster's event stream: every event goes to the subscribers and into a
 * ring buffer of the most recent TRACE_LIMIT events (`trace()`).
 */
import { deepFreeze } from '../raft';
import { describe } from './validate';
import type { ClusterEvent } from './types';

/** How many recent events `trace()` keeps. */
export const TRACE_LIMIT = 50_000;

export class EventLog {
  private readonly listeners = new Set<(e: ClusterEvent) => void>();
  private readonly ring: ClusterEvent[] = [];
  private head = 0;
  /** Listener failures waiting to be reported as `error` events (after the event that caused them). */
  private readonly failures: string[] = [];
  private reporting = false;
  /** Events recorded since the run began (a resumed run starts from its checkpoint's count). */
  count = 0;

  subscribe(listener: (e: ClusterEvent) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /**
   * Records `e` and hands it to every listener. A listener that throws is
   * reported — on the console and as an `error` event right after this one —
   * and never stops or desynchronises the cluster: the event is already part
   * of the history, and the run goes on (nothing half-done to roll back).
   */
  emit(e: ClusterEvent): void {
    this.record(e);
    for (const listener of this.listeners) {
      try {
        listener(e);
      } catch (err) {
        const message = `a subscriber threw on a ${e.kind} event at ${e.at} ms: ${err instanceof Error ? err.message : describe(err)}`;
        console.error(`raft-lab: ${message}`, err);
        // A listener that also throws on the report of its own failure is
        // only logged: reporting must not loop.
        if (!this.reporting) this.failures.push(message);
      }
    }
    if (this.reporting || this.failures.length === 0) return;
    this.reporting = true;
    try {
      for (let m = this.failures.shift(); m !== undefined; m = this.failures.shift()) {
        this.emit({ kind: 'error', at: e.at, node: null, message: m });
      }
    } finally {
      this.reporting = false;
    }
  }

  private record(e: ClusterEvent): void {
    deepFreeze(e); // the trace is history: no one may rewrite it
    this.count += 1;
    if (this.ring.length < TRACE_LIMIT) this.ring.push(e);
    else {
      this.ring[this.head] = e;
      this.head = (this.head + 1) % TRACE_LIMIT;
    }
  }

  /** The most recent events, oldest first. */
  trace(): readonly ClusterEvent[] {
    if (this.ring.length < TRACE_LIMIT) return this.ring.slice();
    return [...this.ring.slice(this.head), ...this.ring.slice(0, this.head)];
  }

  clear(): void {
    this.listeners.clear();
  }
}
