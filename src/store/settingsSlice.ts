/**
 * The settings slice: playback, speed, theme, presenter mode, motion, help,
 * narration filter, and the optional pause while inspecting (a presenter's
 * aid: the run holds still while a node's inspector or a message's tooltip is
 * open, and goes on when it closes).
 */
import { DEFAULT_SPEED, SPEEDS, nearestSpeedIndex } from './defaults';
import type { LabGet, LabSet } from './labTypes';
import type { NarrationCategory, Theme } from './types';

export interface NarrationFilter {
  readonly categories: Readonly<Record<NarrationCategory, boolean>>;
  /** Only lines about this node; 0 for all. */
  readonly node: number;
}

export interface SettingsSlice {
  /** Is virtual time advancing by itself? */
  readonly playing: boolean;
  /** Virtual ms per wall ms (one of SPEEDS). */
  readonly speed: number;
  readonly theme: Theme;
  /** Large type for a projector. */
  readonly presenter: boolean;
  /** Messages jump between a few positions instead of gliding. */
  readonly reducedMotion: boolean;
  /** Is the keyboard-shortcuts overlay open? */
  readonly helpOpen: boolean;
  readonly narrationFilter: NarrationFilter;
  /** Pause while a node's inspector or a message's tooltip is open (off by default). */
  readonly pauseWhileInspecting: boolean;

  setPlaying(playing: boolean): void;
  togglePlaying(): void;
  /** Picks the ladder speed nearest to `speed`. */
  setSpeed(speed: number): void;
  /** One step up (+1) or down (−1) the speed ladder. */
  nudgeSpeed(direction: 1 | -1): void;
  setTheme(theme: Theme): void;
  setPresenter(on: boolean): void;
  setReducedMotion(on: boolean): void;
  setHelpOpen(open: boolean): void;
  setNarrationCategory(category: NarrationCategory, shown: boolean): void;
  setNarrationNode(node: number): void;
  setPauseWhileInspecting(on: boolean): void;
  /**
   * The inspector or a tooltip opened (held) or closed. With pauseWhileInspecting,
   * the first hold pauses a playing run and the last release plays it again —
   * unless the user pressed Play or Pause meanwhile (then their choice stands).
   */
  holdPlayback(reason: 'inspector' | 'tooltip', held: boolean): void;
}

export interface SettingsInit {
  playing?: boolean;
  speed?: number;
  theme?: Theme;
  presenter?: boolean;
  reducedMotion?: boolean;
}

/** Elections, replication and faults by default; the per-message and disk lines are many. */
const DEFAULT_CATEGORIES: Record<NarrationCategory, boolean> = {
  election: true,
  replication: true,
  fault: true,
  message: false,
  storage: false,
};

export function createSettingsSlice(set: LabSet, get: LabGet, init: SettingsInit): SettingsSlice {
  const holds = new Set<'inspector' | 'tooltip'>();
  /** Did a hold pause the run (so its release plays it again)? */
  let pausedByHold = false;
  return {
    playing: init.playing ?? true,
    speed: SPEEDS[nearestSpeedIndex(init.speed ?? DEFAULT_SPEED)]!,
    theme: init.theme ?? 'light',
    presenter: init.presenter ?? false,
    reducedMotion: init.reducedMotion ?? false,
    helpOpen: false,
    narrationFilter: { categories: DEFAULT_CATEGORIES, node: 0 },
    pauseWhileInspecting: false,

    setPlaying: (playing) => {
      pausedByHold = false;
      set({ playing });
    },
    togglePlaying: () => {
      pausedByHold = false;
      set((s) => ({ playing: !s.playing }));
    },
    setPauseWhileInspecting: (on) => {
      set({ pauseWhileInspecting: on === true });
      // Switched on with the inspector already open: hold now.
      if (on && holds.size > 0 && get().playing) {
        pausedByHold = true;
        set({ playing: false });
      }
    },
    holdPlayback: (reason, held) => {
      const before = holds.size;
      if (held) holds.add(reason);
      else holds.delete(reason);
      if (!get().pauseWhileInspecting) return;
      if (before === 0 && holds.size > 0 && get().playing) {
        pausedByHold = true;
        set({ playing: false });
      } else if (before > 0 && holds.size === 0 && pausedByHold && get().review === null) {
        pausedByHold = false;
        set({ playing: true });
      }
    },
    setSpeed: (speed) => {
      if (typeof speed === 'number' && Number.isFinite(speed) && speed > 0) set({ speed: SPEEDS[nearestSpeedIndex(speed)]! });
    },
    nudgeSpeed: (direction) =>
      set((s) => {
        const i = Math.min(SPEEDS.length - 1, Math.max(0, nearestSpeedIndex(s.speed) + direction));
        return { speed: SPEEDS[i]! };
      }),
    setTheme: (theme) => set({ theme }),
    setPresenter: (presenter) => set({ presenter }),
    setReducedMotion: (reducedMotion) => set({ reducedMotion }),
    setHelpOpen: (helpOpen) => set({ helpOpen }),
    setNarrationCategory: (category, shown) =>
      set((s) => ({
        narrationFilter: { ...s.narrationFilter, categories: { ...s.narrationFilter.categories, [category]: shown } },
      })),
    setNarrationNode: (node) => set((s) => ({ narrationFilter: { ...s.narrationFilter, node } })),
  };
}
