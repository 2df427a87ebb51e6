/**
 * Goroutines in virtual time. The MIT tester's test bodies and clients are
 * goroutines that call time.Sleep; here they are async functions that await
 * `sleep(ms)`. The cluster's clock only moves when every thread is parked
 * (asleep or joining), and then only up to the earliest wake-up, so threads
 * interleave exactly as a deterministic scheduler would run them: same seed,
 * same history. Sleepers that wake at the same virtual ms resume one at a
 * time, in the order they went to sleep.
 */
import type { Cluster } from '../../src/sim';

interface Sleeper {
  readonly at: number;
  readonly order: number;
  readonly wake: () => void;
  readonly abort: (err: Error) => void;
}

/** A spawned thread; `join` it to wait for it and see its failure. */
export interface Thread {
  readonly done: boolean;
}

interface ThreadState extends Thread {
  done: boolean;
  error: Error | null;
  joiners: (() => void)[];
}

export class VirtualThreads {
  /** Threads neither asleep nor joining; the test body counts as one. */
  private running = 1;
  private sleepers: Sleeper[] = [];
  private order = 0;
  /** A failure while advancing the cluster (e.g. a safety checker's); every later sleep rethrows it. */
  private failure: Error | null = null;

  constructor(private readonly cluster: Cluster) {}

  /** The calling thread sleeps `ms` virtual ms (the lab's time.Sleep). */
  sleep(ms: number): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((wake, abort) => {
      this.sleepers.push({ at: this.cluster.now() + ms, order: this.order++, wake, abort });
      this.park();
    });
  }

  /** Starts `body` as a new thread (the lab's `go`). */
  go(body: () => Promise<void>): Thread {
    const state: ThreadState = { done: false, error: null, joiners: [] };
    this.running += 1;
    body().then(
      () => this.finish(state, null),
      (err: unknown) => this.finish(state, err instanceof Error ? err : new Error(String(err))),
    );
    return state;
  }

  /** The calling thread waits until `thread` ends; rejects with the thread's failure. */
  join(thread: Thread): Promise<void> {
    const state = thread as ThreadState;
    const settle = (resolve: () => void, reject: (err: Error) => void): void => {
      if (state.error) reject(state.error);
      else resolve();
    };
    if (state.done) return new Promise(settle);
    return new Promise((resolve, reject) => {
      state.joiners.push(() => settle(resolve, reject));
      this.park();
    });
  }

  private finish(state: ThreadState, error: Error | null): void {
    state.done = true;
    state.error = error;
    // The thread's slot passes to its joiners: they run next, before time moves.
    this.running += state.joiners.length - 1;
    for (const resume of state.joiners.splice(0)) resume();
    if (this.running === 0) void this.advance();
  }

  private park(): void {
    this.running -= 1;
    if (this.running === 0) void this.advance();
  }

  /** Every thread is parked: run the cluster to the earliest wake-up and resume that sleeper. */
  private async advance(): Promise<void> {
    this.sleepers.sort((a, b) => a.at - b.at || a.order - b.order);
    const next = this.sleepers.shift();
    if (!next) return; // only joiners left, on threads that can no longer finish: nothing to run
    try {
      const ms = next.at - this.cluster.now();
      if (ms > 0) await this.cluster.runFor(ms);
    } catch (err) {
      this.failure = err instanceof Error ? err : new Error(String(err));
      const aborted = [next, ...this.sleepers.splice(0)];
      this.running += aborted.length; // each resumes, to throw
      for (const s of aborted) s.abort(this.failure);
      return;
    }
    this.running += 1;
    next.wake();
  }
}
