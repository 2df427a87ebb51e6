/**
 * The playback driver: advances virtual time on requestAnimationFrame at the
 * chosen speed, and tells per-frame listeners (message glyphs, timer arcs,
 * the clock) the virtual time to draw, outside React renders.
 *
 * The cluster only runs whole virtual milliseconds (every delay and timeout
 * is whole, so nothing happens in between); the fraction left over is
 * carried to the next frame and added to the displayed time, which keeps
 * slow speeds smooth. Calls never overlap: while one advance is running
 * (a worker transport answers asynchronously) time accumulates for the next.
 */
import { MAX_FRAME_WALL_MS } from './defaults';
import type { LabStore } from './labTypes';

export type FrameListener = (nowMs: number) => void;

/**
 * Above this speed the store is synced at most every SYNC_INTERVAL_MS of wall
 * time (events are many; logs and narration need not redraw 60 times a
 * second). Glyphs and timer arcs still move every frame.
 */
const THROTTLE_ABOVE_SPEED = 0.2;
const SYNC_INTERVAL_MS = 50;

/**
 * Wall ms of a frame the inline engine may take (it runs on this thread): the
 * rest of the frame is for drawing. Time it could not run is carried to the
 * next frame, within the backlog bound, and the real rate says so.
 */
export const ENGINE_BUDGET_MS = 8;

/** The real rate is virtual ms advanced per wall ms over the last RATE_WINDOW_MS of play. */
const RATE_WINDOW_MS = 2000;
/** Wall ms between updates of realRate() (a moving average redrawn every frame would only flicker). */
const RATE_UPDATE_MS = 500;
/** A gap between frames longer than this is a hidden tab, not a slow run: measuring starts again. */
const RATE_GAP_MS = 1000;

/** One measurement point: the cluster's clock at a frame. */
interface RateSample {
  readonly wallMs: number;
  readonly virtualMs: number;
}

/** The most virtual time carried to the next frame: a transport slower than the clock must not build an endless backlog. */
function backlogCap(speed: number): number {
  return Math.max(1, speed * MAX_FRAME_WALL_MS);
}

export class Driver {
  private carryMs = 0;
  private busy = false;
  /** Virtual ms the advance in progress will reach, and on which cluster. */
  private targetMs = 0;
  private targetCluster: unknown = null;
  private lastWallMs: number | null = null;
  private lastSyncWallMs = -Infinity;
  private handle: number | null = null;
  /** The cluster whose booted state the store has shown (see showBooted). */
  private shownBooted: unknown = null;
  private running = false;
  private readonly listeners = new Set<FrameListener>();
  /** The clock at recent frames while playing at one speed on one cluster (oldest first). */
  private samples: RateSample[] = [];
  private sampledCluster: unknown = null;
  private sampledSpeed = 0;
  private rate: number | null = null;
  private rateAtWallMs = -Infinity;

  /**
   * @param mode 'raf': frames come from requestAnimationFrame once start()ed;
   *   'manual': the caller calls frame(wallMs) (tests).
   */
  constructor(
    private readonly store: LabStore,
    readonly mode: 'raf' | 'manual' = 'raf',
  ) {}

  /** Starts the frame loop (idempotent). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.lastWallMs = null;
    if (this.mode === 'raf') this.schedule();
  }

  /** Stops the frame loop (idempotent); the cluster keeps its state. */
  stop(): void {
    this.running = false;
    if (this.handle !== null) {
      if (typeof cancelAnimationFrame === 'function') cancelAnimationFrame(this.handle);
      else clearTimeout(this.handle);
    }
    this.handle = null;
  }

  private schedule(): void {
    if (typeof requestAnimationFrame === 'function') this.handle = requestAnimationFrame(this.loop);
    else this.handle = setTimeout(() => this.loop(performance.now()), 16) as unknown as number;
  }

  private readonly loop = (wallMs: number): void => {
    if (!this.running) return;
    this.frame(wallMs);
    this.schedule();
  };

  /** One frame at wall time `wallMs`: advance if playing, then notify listeners. */
  frame(wallMs: number): void {
    const gapMs = this.lastWallMs === null ? 0 : wallMs - this.lastWallMs;
    const elapsed = this.lastWallMs === null ? 0 : Math.min(Math.max(wallMs - this.lastWallMs, 0), MAX_FRAME_WALL_MS);
    this.lastWallMs = wallMs;
    const s = this.store.getState();
    if (s.playing && s.review !== null) s.leaveReview(); // Play returns to live
    this.showBooted();
    if (s.playing) {
      this.carryMs += elapsed * s.speed;
      if (!this.busy && this.carryMs >= 1) {
        const whole = Math.floor(this.carryMs);
        this.carryMs -= whole;
        this.busy = true;
        const cluster = s.cluster;
        this.targetMs = cluster.now() + whole;
        this.targetCluster = cluster;
        void s.advance(whole, { sync: false, budgetMs: ENGINE_BUDGET_MS }).finally(() => {
          this.busy = false;
          // Cut short by the budget: the time not run yet is run next (the backlog bound below applies).
          const st = this.store.getState();
          if (st.cluster === cluster)
            this.carryMs = Math.min(this.carryMs + Math.max(0, this.targetMs - cluster.now()), backlogCap(st.speed));
          // The store is synced in the next frame, not here: at most one store update per frame.
        });
      }
      // A transport slower than the clock must not build an endless backlog.
      this.carryMs = Math.min(this.carryMs, backlogCap(s.speed));
    }
    this.sampleRate(wallMs, gapMs);
    this.syncIfDue(wallMs);
    this.emit();
  }

  /**
   * Shows a new cluster as soon as its nodes have booted, playing or not. A
   * worker node's timers are known only once its worker answered, and the
   * boot is no event, so without this the store would keep the pre-boot
   * snapshot (no election timers: the ring looks frozen) until the first
   * timeout. advance(0) waits for the boot, runs nothing, and syncs (a failure
   * becomes a notice, like any advance's).
   */
  private showBooted(): void {
    const s = this.store.getState();
    if (this.shownBooted === s.cluster || s.review !== null) return;
    this.shownBooted = s.cluster;
    // The cluster runs calls in order, so a frame's advance may follow at once.
    void s.advance(0);
  }

  /** Keeps the clock at this frame for realRate(); starts over whenever the rate asked for changes. */
  private sampleRate(wallMs: number, gapMs: number): void {
    const s = this.store.getState();
    if (!s.playing || s.review !== null || s.cluster !== this.sampledCluster || s.speed !== this.sampledSpeed || gapMs > RATE_GAP_MS) {
      this.samples = [];
      this.sampledCluster = s.cluster;
      this.sampledSpeed = s.speed;
      this.rate = null;
      if (!s.playing || s.review !== null) return;
    }
    this.samples.push({ wallMs, virtualMs: s.cluster.now() });
    while (this.samples.length > 2 && wallMs - this.samples[1]!.wallMs >= RATE_WINDOW_MS) this.samples.shift();
    if (wallMs - this.rateAtWallMs < RATE_UPDATE_MS) return;
    const first = this.samples[0]!;
    const spanMs = wallMs - first.wallMs;
    this.rate = spanMs >= RATE_WINDOW_MS ? (s.cluster.now() - first.virtualMs) / spanMs : null;
    if (this.rate !== null) this.rateAtWallMs = wallMs;
  }

  /**
   * The measured rate: virtual ms the cluster advanced per wall ms over the
   * last RATE_WINDOW_MS of play at the current speed, or null until a whole
   * window has been measured (paused, reviewing, just started, speed or
   * cluster just changed); updated every RATE_UPDATE_MS. Below the chosen speed when the transport (or
   * the page) cannot keep up: the driver drops the backlog rather than let
   * it grow, so that time is never run.
   */
  realRate(): number | null {
    return this.rate;
  }

  private syncIfDue(wallMs: number): void {
    const s = this.store.getState();
    if (s.speed <= THROTTLE_ABOVE_SPEED || wallMs - this.lastSyncWallMs >= SYNC_INTERVAL_MS) {
      s.sync(true);
      this.lastSyncWallMs = wallMs;
    }
  }

  /** The virtual time to draw: the cluster's clock plus the carried fraction. */
  displayNow(): number {
    const frame = this.store.getState().reviewFrame;
    if (frame) return frame.at; // showing the past
    const cluster = this.store.getState().cluster;
    const now = cluster.now();
    const base = this.busy && this.targetCluster === cluster ? Math.max(now, this.targetMs) : now;
    return base + Math.min(this.carryMs, 0.999);
  }

  /** Pauses and processes exactly the next event (the Step button). */
  async step(): Promise<void> {
    const s = this.store.getState();
    if (s.review !== null) {
      // In the past, Step moves forward one event on the timeline, then back to live.
      if (s.review + 1 < s.historySize - 1) await s.reviewAt(s.review + 1);
      else s.leaveReview();
      this.emit();
      return;
    }
    s.setPlaying(false);
    this.carryMs = 0;
    await s.stepOnce();
    this.emit();
  }

  /** Goes one event back on the timeline (from live: to the moment before the last event); resolves once on show. */
  async back(): Promise<void> {
    const s = this.store.getState();
    const target = (s.review ?? s.historySize - 1) - 1;
    if (target >= 0) await s.reviewAt(target);
    this.emit();
  }

  /** Calls `listener` with the virtual time on every frame; returns the unsubscribe. */
  onFrame(listener: FrameListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Notifies the listeners now (after a change made while paused). */
  emit(): void {
    const now = this.displayNow();
    for (const listener of this.listeners) listener(now);
  }
}
