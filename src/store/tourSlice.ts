/**
 * "Your own lesson" (issue 11): a teacher captions moments of any run on the
 * timeline, then shares it — the link carries the captions (runCodec) — and
 * opening it plays the captions like a lesson: each step is its moment of the
 * run, shown exactly by the timeline, with its caption; Back and Next move
 * between them. The captions belong to the run on show: a reset drops them,
 * a fork keeps those up to the fork.
 */
import type { LabGet, LabSet, OnNewCluster } from './labTypes';
import { MAX_CAPTION_LENGTH, MAX_CAPTIONS, type RunCaption } from './runSchema';

export interface TourSlice {
  /** The captions on this run, in order of their moments. */
  readonly captions: readonly RunCaption[];
  /** The caption being played (its index), or null when not playing them. */
  readonly tour: number | null;
  /** Captions the moment on show (the timeline's, or now); false, with a notice, if the text is empty, too long or one too many. */
  addCaption(text: string): boolean;
  removeCaption(index: number): void;
  /** Replaces the captions (a shared run's) and plays them from the first. */
  loadCaptions(captions: readonly RunCaption[]): Promise<void>;
  /** Plays the captions from the first (nothing if there are none). */
  startTour(): Promise<void>;
  /** The next / previous caption's moment; nothing past either end. */
  tourNext(): Promise<void>;
  tourBack(): Promise<void>;
  /** Stops playing the captions (the moment on show stays). */
  closeTour(): void;
}

const byPosition = (a: RunCaption, b: RunCaption) => a.after - b.after || a.at - b.at;

export function createTourSlice(set: LabSet, get: LabGet): { slice: TourSlice; onNewCluster: OnNewCluster } {
  /** Shows caption `i`: the timeline at its moment (or live, if that is now). */
  const show = async (i: number): Promise<void> => {
    const caption = get().captions[i];
    if (!caption) return;
    set({ tour: i });
    const s = get();
    if (caption.after < s.historySize - 1) await s.reviewAt(caption.after);
    else s.leaveReview();
  };

  const slice: TourSlice = {
    captions: [],
    tour: null,
    addCaption(text) {
      const s = get();
      const trimmed = typeof text === 'string' ? text.trim() : '';
      if (trimmed === '') {
        s.notify('app', 'error', 'Write the caption first: what should the class notice at this moment?');
        return false;
      }
      if (trimmed.length > MAX_CAPTION_LENGTH) {
        s.notify('app', 'error', `A caption is at most ${MAX_CAPTION_LENGTH} characters; this one has ${trimmed.length}.`);
        return false;
      }
      if (s.captions.length >= MAX_CAPTIONS) {
        s.notify('app', 'error', `A run holds at most ${MAX_CAPTIONS} captions.`);
        return false;
      }
      const frame = s.review !== null ? s.reviewFrame : null;
      const moment = frame ? { after: frame.after, at: frame.at } : { after: s.cluster.processed(), at: s.cluster.now() };
      const captions = [...s.captions.filter((c) => c.after !== moment.after), { ...moment, text: trimmed }].sort(byPosition);
      set({ captions });
      s.notify(
        'app',
        'success',
        `Caption ${captions.findIndex((c) => c.after === moment.after) + 1} of ${captions.length} added: Share carries them.`,
      );
      return true;
    },
    removeCaption(index) {
      const captions = get().captions.filter((_, i) => i !== index);
      set({ captions, tour: null });
    },
    async loadCaptions(captions) {
      set({ captions: [...captions].sort(byPosition), tour: null });
      await slice.startTour();
    },
    async startTour() {
      if (get().captions.length > 0) await show(0);
    },
    async tourNext() {
      const t = get().tour;
      if (t !== null && t + 1 < get().captions.length) await show(t + 1);
    },
    async tourBack() {
      const t = get().tour;
      if (t !== null && t > 0) await show(t - 1);
    },
    closeTour() {
      set({ tour: null });
    },
  };
  return {
    slice,
    // A new cluster: the captions up to where it stands (a fork keeps those up to the fork; a fresh cluster none).
    onNewCluster: (next, _config, current) => ({
      captions: next.processed() > 0 ? current.captions.filter((c) => c.after <= next.processed()) : [],
      tour: null,
    }),
  };
}

export const selectCaptions = (s: TourSlice) => s.captions;
export const selectTour = (s: TourSlice) => s.tour;
