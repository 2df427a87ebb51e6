/**
 * The history slice ("go back"): what the store showed at successive virtual
 * times, recorded after every flush, and the frame on show while reviewing.
 * It replays what was recorded (up to HISTORY_LIMIT frames); it does not
 * fork the run from the past.
 */
import { HISTORY_LIMIT } from './defaults';
import type { FlushFollower, LabGet, LabSet, LabState, OnNewCluster } from './labTypes';
import type { HistoryFrame } from './types';

export interface HistorySlice {
  /** How many history frames are kept (the slider's range). */
  readonly historySize: number;
  /**
   * The history frame on show, or null when showing the live cluster. While
   * reviewing, `nodes`, `links` and `nowMs` are that frame's and the live
   * cluster is paused; any action on the cluster returns to live first.
   */
  readonly review: number | null;
  readonly reviewFrame: HistoryFrame | null;
  /** Frame `i` of the history (0 = oldest kept). */
  historyFrame(i: number): HistoryFrame | undefined;
  /** Shows history frame `i` (pausing playback); out-of-range values change nothing. */
  reviewAt(i: number): void;
  /**
   * Back to the live cluster. With `resume` (the Live button), playing again
   * if it was playing when the review began; otherwise (an action, Step past
   * the end) paused, as the review left it.
   */
  leaveReview(options?: { resume?: boolean }): void;
}

const LIVE = { historySize: 0, review: null, reviewFrame: null } as const;

export function createHistorySlice(set: LabSet, get: LabGet): { slice: HistorySlice; follower: FlushFollower; onNewCluster: OnNewCluster } {
  let frames: HistoryFrame[] = [];
  /** Was the run playing when the review began? */
  let playingBefore = false;

  /** Keeps what the store shows now as a frame (one per virtual time: a later flush at the same time replaces it). */
  const record = (s: LabState): void => {
    const last = frames[frames.length - 1];
    // The Client note as it stood then. A command's fate is announced just after the flush that decides it,
    // so the frame of that very moment still shows the earlier note; the next frame has it.
    const commandNotice = s.notices.command ?? null;
    if (last && last.at === s.nowMs && last.nodes === s.nodes && last.links === s.links && last.commandNotice === commandNotice) return;
    const frame: HistoryFrame = { at: s.nowMs, nodes: s.nodes, links: s.links, inFlight: s.inFlight(), commandNotice };
    if (last && last.at === s.nowMs) frames[frames.length - 1] = frame;
    else frames.push(frame);
    if (frames.length > HISTORY_LIMIT) frames.shift();
    set({ historySize: frames.length });
  };

  const slice: HistorySlice = {
    ...LIVE,
    historyFrame: (i) => frames[i],
    reviewAt(i) {
      const frame = Number.isInteger(i) ? frames[i] : undefined;
      if (!frame) return;
      if (get().review === null) playingBefore = get().playing;
      set({ playing: false, review: i, reviewFrame: frame, nodes: frame.nodes, links: frame.links, nowMs: frame.at });
    },
    leaveReview(options) {
      if (get().review === null) return;
      set({ review: null, reviewFrame: null, ...(options?.resume && playingBefore ? { playing: true } : {}) });
      get().sync();
    },
  };
  return {
    slice,
    follower: { after: (_before, after) => record(after) },
    onNewCluster: () => {
      frames = [];
      playingBefore = false;
      return LIVE;
    },
  };
}
