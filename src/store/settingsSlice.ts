/** The settings slice: playback, speed, theme, presenter mode, motion, help, narration filter. */
import { DEFAULT_SPEED, SPEEDS, nearestSpeedIndex } from './defaults';
import type { LabSet } from './labTypes';
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

export function createSettingsSlice(set: LabSet, init: SettingsInit): SettingsSlice {
  return {
    playing: init.playing ?? true,
    speed: SPEEDS[nearestSpeedIndex(init.speed ?? DEFAULT_SPEED)]!,
    theme: init.theme ?? 'light',
    presenter: init.presenter ?? false,
    reducedMotion: init.reducedMotion ?? false,
    helpOpen: false,
    narrationFilter: { categories: DEFAULT_CATEGORIES, node: 0 },

    setPlaying: (playing) => set({ playing }),
    togglePlaying: () => set((s) => ({ playing: !s.playing })),
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
