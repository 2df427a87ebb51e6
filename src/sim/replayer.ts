/**
 * Seeking in a run (issue 10, "Time travel"): a run is its options and its
 * action log, so any moment of it can be rebuilt exactly by replaying the
 * inline engine — fast, from the nearest earlier checkpoint. A RunReplayer
 * keeps one inline "frontier" cluster that replays the log forward once,
 * taking a checkpoint every `checkpointEvery` events; a seek restores the
 * checkpoint at or before the target and replays the few events and actions
 * from there. Works for runs of either transport (the worker transport's
 * history is the inline one, test/equivalence.test.ts).
 */
import { restoreCluster } from './create';
import type { ClusterCheckpoint } from './checkpoint';
import { SimCluster, resolveOptions } from './cluster';
import { applyAction } from './replay';
import type { Cluster, ClusterAction, ClusterOptions } from './types';
import { describe } from './validate';

/**
 * A moment of a run: right after `after` events (and every action taken
 * before the next one), or at virtual time `at` (every event due up to it
 * and every action at or before it).
 */
export type SeekTarget = { readonly after: number } | { readonly at: number };

export interface RunReplayerOptions {
  /** Events between checkpoints (default 2,000): a seek replays at most this many. */
  readonly checkpointEvery?: number;
  /**
   * Wall ms a first pass may run before it lets the page breathe (default 8):
   * at the next checkpoint it yields to the event loop, so a long pass (≈0.5 s
   * over a 10-minute run) does not hold a frame. Infinity: never yields.
   */
  readonly sliceMs?: number;
}

/** How far a cluster may run while looking for an event count it cannot reach (the run ended). */
const FAR_MS = 1e9;

export class RunReplayer {
  private readonly options: ClusterOptions;
  private readonly every: number;
  private actionLog: readonly ClusterAction[];
  private readonly frontier: SimCluster;
  /** In position order; the first is the start of the run. */
  private readonly saved: ClusterCheckpoint[] = [];
  private readonly sliceMs: number;
  /** When the current slice of wall time began (set by each seek). */
  private sliceStart: number | null = null;

  /**
   * `options`: the run's (its transport is ignored: replay is inline).
   * `actions`: its action log so far (Cluster.actions()); extend it with
   * setActions as the run goes on. Throws naming a bad argument.
   */
  constructor(options: ClusterOptions, actions: readonly ClusterAction[] = [], opts: RunReplayerOptions = {}) {
    const every = opts.checkpointEvery ?? 2000;
    if (!Number.isSafeInteger(every) || every < 1) throw new Error(`checkpointEvery must be an integer >= 1, got ${describe(every)}`);
    this.every = every;
    const slice = opts.sliceMs ?? 8;
    if (typeof slice !== 'number' || Number.isNaN(slice) || slice < 0)
      throw new Error(`sliceMs must be a number >= 0, got ${describe(slice)}`);
    this.sliceMs = slice;
    this.options = { ...options, transport: 'inline' };
    delete (this.options as { storageKey?: string }).storageKey;
    this.frontier = new SimCluster(resolveOptions(this.options));
    this.frontier.boot();
    this.actionLog = [];
    this.setActions(actions);
    this.saved.push(this.frontier.checkpoint());
  }

  /** The run's action log, grown: it must begin with every action given before. */
  setActions(actions: readonly ClusterAction[]): void {
    if (!Array.isArray(actions)) throw new Error(`actions must be an array of recorded actions, got ${describe(actions)}`);
    const known = this.actionLog;
    for (let i = 0; i < known.length; i++) {
      if (JSON.stringify(actions[i]) !== JSON.stringify(known[i])) {
        throw new Error(`actions must extend the log given before: actions[${i}] differs (a new run needs a new RunReplayer)`);
      }
    }
    const log: readonly ClusterAction[] = actions; // (isArray narrows to any[])
    log.forEach((a, i) => {
      if (a.after === undefined)
        throw new Error(`actions[${i}] (${a.kind} at ${a.at} ms) has no position (after): it cannot be seeked exactly`);
    });
    this.actionLog = actions.slice();
  }

  /** The checkpoints kept so far, in position order (immutable). */
  get checkpoints(): readonly ClusterCheckpoint[] {
    return this.saved.slice();
  }

  /**
   * A fresh inline cluster at exactly `target`, restored from the nearest
   * earlier checkpoint (replaying forward first, once, if the target is
   * past everything replayed so far). The cluster is the caller's: reading
   * it shows that moment; running it forks the run there.
   */
  async seek(target: SeekTarget): Promise<Cluster> {
    const goal = checkTarget(target);
    this.sliceStart = performance.now();
    if (!this.reached(this.frontier, goal)) await this.advance(this.frontier, goal, true);
    let from = this.saved[0]!;
    for (const cp of this.saved) {
      if ('after' in goal ? cp.processed <= goal.after : cp.clock <= goal.at) from = cp;
      else break;
    }
    const cluster = restoreCluster(from);
    await this.advance(cluster, goal, false);
    return cluster;
  }

  /** Once a slice of wall time is spent, yields to the event loop (a frame may be drawn) and starts the next. */
  private async breathe(): Promise<void> {
    if (this.sliceMs === Infinity) return;
    if (this.sliceStart !== null && performance.now() - this.sliceStart < this.sliceMs) return;
    await nextTask();
    this.sliceStart = performance.now();
  }

  /** True if `c` is already at or past the target (no event or action inside it is left). */
  private reached(c: Cluster, goal: SeekTarget): boolean {
    const next = this.actionLog[c.actions().length];
    if ('after' in goal) return c.processed() > goal.after || (c.processed() === goal.after && (!next || next.after! > goal.after));
    return c.now() > goal.at;
  }

  /**
   * Runs `c` forward to `goal`, applying the log's actions at their
   * positions; with `keep`, takes a checkpoint at every multiple of
   * `checkpointEvery` events passed.
   */
  private async advance(c: Cluster, goal: SeekTarget, keep: boolean): Promise<void> {
    let applied = c.actions().length;
    for (;;) {
      const next = this.actionLog[applied];
      const inside = next !== undefined && ('after' in goal ? next.after! <= goal.after : next.at <= goal.at);
      // Where to go now: the next action inside the target, or the target itself.
      const stopAfter = inside ? next.after! : 'after' in goal ? goal.after : Infinity;
      const stopAt = inside ? next.at : 'at' in goal ? goal.at : c.now() + FAR_MS;
      if (keep) {
        for (;;) {
          const boundary = (Math.floor(c.processed() / this.every) + 1) * this.every;
          if (boundary > stopAfter) break;
          await c.runUntil(() => c.processed() >= boundary, stopAt - c.now());
          if (c.processed() < boundary) break; // the time ran out first
          this.saved.push(c.checkpoint());
          await this.breathe();
        }
      }
      if (inside) {
        await c.runToPosition(next.after!, next.at);
        await applyAction(c, next);
        applied += 1;
        continue;
      }
      if ('after' in goal) {
        if (c.processed() < goal.after) await c.runUntil(() => c.processed() >= goal.after, FAR_MS);
      } else {
        await c.runFor(goal.at - c.now()); // also the events due at the very moment
      }
      break;
    }
  }
}

/**
 * Resolves in a later task of the event loop, so the page can draw a frame
 * and take input in between. A MessageChannel message, not a timer: no 4 ms
 * clamp, and test suites that fake timers do not stall a seek.
 */
function nextTask(): Promise<void> {
  if (typeof MessageChannel === 'undefined') return new Promise((resolve) => setTimeout(resolve, 0));
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      port1.close();
      resolve();
    };
    port2.postMessage(null);
  });
}

function checkTarget(target: unknown): SeekTarget {
  if (typeof target !== 'object' || target === null) throw new Error(`target must be { after } or { at }, got ${describe(target)}`);
  const t = target as { after?: unknown; at?: unknown };
  if ('after' in t && 'at' in t) throw new Error('target must be { after } or { at }, not both');
  if ('after' in t) {
    if (typeof t.after !== 'number' || !Number.isSafeInteger(t.after) || t.after < 0) {
      throw new Error(`target.after must be an integer >= 0, got ${describe(t.after)}`);
    }
    return { after: t.after };
  }
  if (typeof t.at !== 'number' || !Number.isFinite(t.at) || t.at < 0)
    throw new Error(`target.at must be a finite number >= 0, got ${describe(t.at)}`);
  return { at: t.at };
}
