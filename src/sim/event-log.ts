/**
 * The cluster's event stream: every event goes to the subscribers and into a
 * ring buffer of the most recent TRACE_LIMIT events (`trace()`).
 */
import { describe } from './validate';
import type { ClusterEvent } from './types';

/** How many recent events `trace()` keeps. */
export const TRACE_LIMIT = 50_000;

export class EventLog {
  private readonly listeners = new Set<(e: ClusterEvent) => void>();
  private readonly ring: ClusterEvent[] = [];
  private head = 0;
  private listenerError: unknown = null;

  subscribe(listener: (e: ClusterEvent) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  emit(e: ClusterEvent): void {
    if (this.ring.length < TRACE_LIMIT) this.ring.push(e);
    else {
      this.ring[this.head] = e;
      this.head = (this.head + 1) % TRACE_LIMIT;
    }
    for (const listener of this.listeners) {
      try {
        listener(e);
      } catch (err) {
        // A listener's error must not leave the cluster half-way through an
        // event: remember it; the cluster rethrows once the event is done.
        this.listenerError ??= err;
      }
    }
  }

  /** Throws the first error a listener threw since the last call, if any. */
  rethrow(): void {
    const err = this.listenerError;
    if (err !== null) {
      this.listenerError = null;
      throw err instanceof Error ? err : new Error(describe(err));
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
