/**
 * The history slice — the timeline (issue 10, "Time travel"): any moment of
 * the whole run, exactly. A run is its creation options and its action log,
 * so the moment after `i` events is rebuilt by replaying the inline engine
 * from the nearest earlier checkpoint (RunReplayer); the live cluster (either
 * transport) is never touched. Positions go from 0 (before the first event)
 * to the live cluster's processed() count. "Continue from here" forks the
 * run: the action log is cut at the moment on show and a new live cluster
 * carries on from it, exactly as replaying the cut log would.
 */
import { RunReplayer, restoreCluster, type Cluster } from '../sim';
import { TraceCluster } from '../trace';
import { TraceSeeker } from './traceSeek';
import { HISTORY_NOTICE_LIMIT } from './defaults';
import type { FlushFollower, LabGet, LabSet, OnNewCluster } from './labTypes';
import { errorText } from './noticesSlice';
import { linkMatrix, snapshotNodes } from './snapshot';
import type { HistoryFrame, Notice } from './types';

export interface HistorySlice {
  /** Positions on the timeline: 0 … historySize − 1 events processed, the last being the live cluster's. */
  readonly historySize: number;
  /**
   * The position on show (events processed), or null when showing the live
   * cluster. While reviewing, `nodes`, `links` and `nowMs` are that moment's
   * and the live cluster is paused; any action on the cluster returns to live first.
   */
  readonly review: number | null;
  /** The moment on show, once rebuilt (a seek takes a few ms; until then the previous one stays). */
  readonly reviewFrame: HistoryFrame | null;
  /** A seek is being computed. */
  readonly seeking: boolean;
  /**
   * Shows the moment after `i` events (pausing playback); resolves once it
   * is on show. Out-of-range or non-integer values change nothing; a seek
   * asked for while another runs replaces it (only the latest is shown).
   */
  reviewAt(i: number): Promise<void>;
  /**
   * Back to the live cluster. With `resume` (the Live button), playing again
   * if it was playing when the review began; otherwise (an action, Step past
   * the end) paused, as the review left it.
   */
  leaveReview(options?: { resume?: boolean }): void;
  /**
   * "Continue from here": the run forks at the moment on show — actions after
   * it are dropped, and a new live cluster (same transport) continues from
   * it, paused. True if it did; false (with a notice) otherwise.
   */
  continueFromHere(): Promise<boolean>;
}

const LIVE = { review: null, reviewFrame: null, seeking: false } as const;

/** Are these the ids of these nodes, in order? */
function sameIdList(ids: readonly number[], nodes: readonly { readonly id: number }[]): boolean {
  return ids.length === nodes.length && nodes.every((n, i) => n.id === ids[i]);
}

/** Virtual ms as the clock shows them ("3.250 s"). */
const formatMs = (ms: number): string => `${(ms / 1000).toFixed(3)} s`;

export function createHistorySlice(set: LabSet, get: LabGet): { slice: HistorySlice; follower: FlushFollower; onNewCluster: OnNewCluster } {
  /** Was the run playing when the review began? */
  let playingBefore = false;
  /** The Client note's changes over virtual time (what the note said at any moment). */
  let notices: { at: number; notice: Notice | null }[] = [];
  /** The live cluster's replayer, made at the first seek. */
  let replayer: { cluster: Cluster; replayer: RunReplayer } | null = null;
  /** The latest seek asked for. */
  let wanted: number | null = null;

  const noticeAt = (at: number): Notice | null => {
    let shown: Notice | null = null;
    for (const n of notices) {
      if (n.at > at) break;
      shown = n.notice;
    }
    return shown;
  };

  const replayerFor = (cluster: Cluster): RunReplayer => {
    if (replayer?.cluster !== cluster) replayer = { cluster, replayer: new RunReplayer(cluster.creationOptions(), cluster.actions()) };
    replayer.replayer.setActions(cluster.actions());
    return replayer.replayer;
  };

  /** An imported trace's seeker (issue 14): no engine to replay, the trace played again from its start. */
  let traceSeeker: { cluster: TraceCluster; seeker: TraceSeeker } | null = null;
  const traceSeekerFor = (cluster: TraceCluster): TraceSeeker => {
    if (traceSeeker?.cluster !== cluster) traceSeeker = { cluster, seeker: new TraceSeeker(cluster) };
    return traceSeeker.seeker;
  };

  /** The replayer's seeks, one at a time (they share its frontier cluster): the background warm-up and the user's. */
  let queue: Promise<unknown> = Promise.resolve();
  const seekOn = (live: Cluster, target: { after: number }): Promise<Cluster> => {
    const next = queue.then(() =>
      live instanceof TraceCluster ? traceSeekerFor(live).seek(target.after) : replayerFor(live).seek(target),
    );
    queue = next.catch(() => undefined);
    return next;
  };

  /** The moment after `after` events, rebuilt (the caller destroys `past`). */
  const frameAt = async (live: Cluster, after: number): Promise<{ frame: HistoryFrame; past: Cluster }> => {
    const past = await seekOn(live, { after });
    const s = get();
    const frame: HistoryFrame = {
      at: past.now(),
      after,
      nodes: snapshotNodes(past, s.nodes),
      links: linkMatrix(past, s.links),
      inFlight: past.inFlight(),
      commandNotice: noticeAt(past.now()),
    };
    return { frame, past };
  };

  /**
   * While paused, the replayer catches up with the run in the background (its
   * first pass over a 10-minute run takes ≈0.5 s), so the first jump on the
   * timeline is as quick as the others. Once per pause, after a short wait.
   */
  let warming: ReturnType<typeof setTimeout> | null = null;
  const warmUp = (): void => {
    if (warming !== null || typeof setTimeout === 'undefined') return;
    const live = get().cluster;
    warming = setTimeout(() => {
      const s = get();
      // An imported trace's seeker needs no warming (it keeps its own frontier).
      if (s.cluster !== live || s.playing || s.review !== null || draining || live instanceof TraceCluster) {
        warming = null;
        return;
      }
      let end: number;
      try {
        end = live.processed();
      } catch {
        warming = null; // destroyed meanwhile (a reset, a test): nothing to catch up with
        return;
      }
      void seekOn(live, { after: end })
        .then((c) => c.destroy())
        .catch(() => undefined) // a seek that fails here fails again, with its message, when the user seeks
        .finally(() => {
          warming = null;
        });
    }, 400);
  };

  /** Runs the wanted seeks one at a time, the latest winning; the promise of the running drain. */
  let draining: Promise<void> | null = null;
  const drainSeeks = async (): Promise<void> => {
    while (wanted !== null) {
      const target = wanted;
      wanted = null;
      const live = get().cluster;
      try {
        const { frame, past } = await frameAt(live, target);
        // A trace seeker's cluster is its own (the frontier of the next seek).
        if (!(past instanceof TraceCluster)) void past.destroy();
        // Shown only if still wanted: not left meanwhile, not replaced by a newer seek or another cluster.
        if (wanted === null && get().review === target && get().cluster === live) {
          // The nodes of then: a node added later is not drawn yet, one removed since is (issue 13).
          const ids = sameIdList(get().ids, frame.nodes) ? get().ids : frame.nodes.map((n) => n.id);
          set({ reviewFrame: frame, nodes: frame.nodes, ids, links: frame.links, nowMs: frame.at, seeking: false });
        }
      } catch (err) {
        if (get().cluster === live) {
          set({ seeking: false });
          get().notify('app', 'error', `Could not rebuild that moment: ${errorText(err)}`);
        }
      }
    }
  };

  const slice: HistorySlice = {
    historySize: 1,
    ...LIVE,
    reviewAt(i) {
      const s = get();
      if (!Number.isInteger(i) || i < 0 || i >= s.historySize) return Promise.resolve();
      if (s.review === null) playingBefore = s.playing;
      set({ playing: false, review: i, seeking: true });
      wanted = i;
      draining ??= drainSeeks().finally(() => {
        draining = null;
      });
      return draining;
    },
    leaveReview(options) {
      if (get().review === null) return;
      wanted = null;
      set({ ...LIVE, ...(options?.resume && playingBefore ? { playing: true } : {}) });
      get().sync();
    },
    async continueFromHere() {
      const s = get();
      if (s.review === null) {
        s.notify('app', 'info', 'Continue from here works on a moment of the past: go back on the timeline first.');
        return false;
      }
      const position = s.review;
      const live = s.cluster;
      if (live instanceof TraceCluster) {
        s.notify('trace', 'info', 'This is an imported trace: Continue from here is off (there is no engine to go on with).');
        return false;
      }
      const dropped = live.actions().filter((a) => (a.after ?? 0) > position).length;
      const done = await s.replaceCluster(
        async (config) => {
          // The rebuilt moment (inline, restored from the nearest checkpoint and replayed to the spot).
          const past = await seekOn(live, { after: position });
          if (config.transport !== 'worker') return past;
          // Workers: each node re-created in a new worker from that moment's checkpoint, its disk (fresh, this
          // config's) written with the durable state and its core resumed with the volatile state — exactly where
          // the inline moment stands, and the same future (the worker transport gives the inline history).
          const next = restoreCluster(past.checkpoint(), {
            transport: 'worker',
            ...(config.storageKey ? { storageKey: config.storageKey } : {}),
          });
          void past.destroy();
          try {
            // Calls wait for the workers to resume; this one moves nothing (the position it is at), so once it
            // resolves the nodes' views are the resumed ones.
            await next.runToPosition(next.processed(), next.now());
          } catch (err) {
            await next.destroy();
            throw err;
          }
          return next;
        },
        `Continued from ${formatMs(get().reviewFrame?.at ?? 0)} (after ${position} events): the run forks here${
          dropped > 0 ? `; ${dropped} later action${dropped === 1 ? ' was' : 's were'} dropped` : ''
        }. Press Play to go on.`,
      );
      return done;
    },
  };

  return {
    slice,
    follower: {
      // In the flush's own update: a second set() would run every subscriber's selector again, every sync.
      derive: (before) => {
        const size = before.cluster.processed() + 1;
        return size === before.historySize ? {} : { historySize: size };
      },
      after: (_before, after) => {
        if (!after.playing && after.review === null) warmUp();
        const notice = after.notices.command ?? null;
        const last = notices[notices.length - 1];
        if (!last || last.notice !== notice) {
          notices.push({ at: after.nowMs, notice });
          if (notices.length > HISTORY_NOTICE_LIMIT) notices.shift();
        }
      },
    },
    onNewCluster: (next) => {
      notices = [];
      playingBefore = false;
      wanted = null;
      replayer = null;
      traceSeeker = null;
      queue = Promise.resolve();
      if (warming !== null) clearTimeout(warming);
      warming = null;
      return { ...LIVE, historySize: next.processed() + 1 };
    },
  };
}
