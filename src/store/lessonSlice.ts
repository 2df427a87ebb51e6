/**
 * The lesson slice (issue 11, "Guided lessons"): plays a lesson of
 * src/store/lessons on the store's cluster. A step is a moment of the
 * lesson's scripted run. Next takes the live cluster from the step on show
 * to the next one by running the step's actions on it (exactly what the
 * headless tests run); Back, or Next after the run has left the script
 * (Explore from here, Play, any action), rebuilds the wanted step's moment
 * on a fresh cluster (the lesson's options and this lab's transport, disks
 * and bug switches) through `replaceCluster`, so the moment is exact and the
 * timeline holds the whole lesson run. Calls queue: a click while a step is
 * being played waits its turn.
 */
import { createCluster, type Cluster, type FaultName } from '../sim';
import { CLUSTER_TRANSPORT, extensionFields, timingFields } from './clusterFactory';
import { DEFAULT_ELECTION_TIMEOUT_MS, DEFAULT_HEARTBEAT_MS, DEFAULT_LEADER_NOOP } from './defaults';
import type { LabGet, LabSet } from './labTypes';
import { lessonById, liveLeaderOf, playStep, stepWith, type Lesson } from './lessons';
import { errorText } from './noticesSlice';

/** A prediction's outcome, shown at the step after the question. */
export interface LessonReveal {
  /** The node the student picked, or null if they did not. */
  readonly chosen: number | null;
  /** What the run did: the leader then (null: none). */
  readonly actual: number | null;
}

/** The lesson on show. */
export interface LessonProgress {
  readonly id: string;
  readonly title: string;
  /** 0-based index of the step on show. */
  readonly step: number;
  readonly steps: number;
  readonly stepTitle: string;
  /** The caption for this run (a bug switch on may change it). */
  readonly caption: string;
  /** The question of this step, if any, with the node picked so far. */
  readonly question: { readonly text: string; readonly choices: readonly number[]; readonly chosen: number | null } | null;
  /** The answer to the previous step's question. */
  readonly reveal: LessonReveal | null;
  /** A step is being played or rebuilt. */
  readonly busy: boolean;
  /** The student left the script (Explore from here): the run plays freely; Back or Next returns into the lesson. */
  readonly exploring: boolean;
  /** The bug switches the lesson's run was made with. */
  readonly faults: readonly FaultName[];
}

export interface LessonSlice {
  /** The lesson on show, or null. */
  readonly lesson: LessonProgress | null;
  /**
   * Opens a lesson at its first step (a fresh cluster, paused). False if
   * there is no such lesson or it could not start. With `embed`, the page
   * takes the embed layout (the ring, playback and the lesson).
   */
  openLesson(id: string, options?: { readonly embed?: boolean }): Promise<boolean>;
  /** The next step's moment (nothing on the last step). */
  lessonNext(): Promise<void>;
  /** The previous step's moment; while exploring, back to the moment of the step explored from. */
  lessonBack(): Promise<void>;
  /** Leaves the script: the run plays on freely from the step on show. */
  exploreFromHere(): void;
  /** Picks a node for the step's question (answered by the run at Next). */
  predictLesson(choice: number): void;
  /** Closes the lesson; the cluster stays as it is. */
  closeLesson(): void;
}

/** Where the live cluster stood when a step was reached: if it still stands there, Next can play on from it. */
interface Mark {
  readonly cluster: Cluster;
  readonly after: number;
  readonly at: number;
}

export function createLessonSlice(set: LabSet, get: LabGet): LessonSlice {
  let lesson: Lesson | null = null;
  let faults: readonly FaultName[] = [];
  let mark: Mark | null = null;
  let chosen: number | null = null;
  let queue: Promise<unknown> = Promise.resolve();

  const progress = (step: number, extra: Partial<LessonProgress> = {}): LessonProgress => {
    const l = lesson!;
    const s = l.steps[step]!;
    const predict = s.predict;
    return {
      id: l.id,
      title: l.title,
      step,
      steps: l.steps.length,
      stepTitle: s.title,
      caption: stepWith(s, faults).caption,
      question: predict ? { text: predict.question, choices: predict.choices, chosen: null } : null,
      reveal: null,
      busy: false,
      exploring: false,
      faults,
      ...extra,
    };
  };

  const enqueue = <T>(task: () => Promise<T>): Promise<T> => {
    const run = queue.then(task, task);
    queue = run.catch(() => undefined);
    return run;
  };

  const markHere = (): void => {
    const c = get().cluster;
    mark = { cluster: c, after: c.processed(), at: c.now() };
  };

  const standsAtMark = (): boolean => {
    const s = get();
    return (
      mark !== null &&
      s.review === null &&
      s.cluster === mark.cluster &&
      s.cluster.processed() === mark.after &&
      s.cluster.now() === mark.at
    );
  };

  /** The bug switches in force in the lab (the Break Raft switches), which the lesson's run is made with. */
  const labFaults = (): readonly FaultName[] => (get().config as { faults?: readonly FaultName[] }).faults ?? [];

  /** A fresh cluster at step `target`'s moment, put in the store (paused). */
  const rebuild = async (target: number): Promise<boolean> => {
    const l = lesson!;
    // The switches in force now (one may have been turned since the lesson opened): the run is made with them.
    faults = labFaults();
    const done = await get().replaceCluster(
      async (config) => {
        const c = createCluster({
          ...l.options,
          transport: config.transport ?? CLUSTER_TRANSPORT,
          ...(config.storageKey ? { storageKey: config.storageKey } : {}),
          ...(faults.length > 0 ? { faults } : {}),
        });
        try {
          for (let i = 0; i <= target; i++) await playStep(c, l.steps[i]!);
        } catch (err) {
          await c.destroy().catch(() => undefined);
          throw err;
        }
        return c;
      },
      `Lesson “${l.title}”: step ${target + 1} of ${l.steps.length}.`,
    );
    if (done) {
      // The lab's settings say what the lesson's cluster is (the Cluster panel, the address bar, a later Reset).
      const { electionTimeoutMs: _e, heartbeatMs: _h, leaderNoop: _n, preVote: _p, checkQuorum: _q, ...c } = get().config;
      const o = l.options;
      set({
        config: {
          ...c,
          nodes: o.nodes,
          seed: o.seed ?? c.seed,
          snapshotThreshold: o.snapshotThreshold ?? 0,
          ...timingFields({
            electionTimeoutMs: o.electionTimeoutMs ?? DEFAULT_ELECTION_TIMEOUT_MS,
            heartbeatMs: o.heartbeatMs ?? DEFAULT_HEARTBEAT_MS,
            leaderNoop: o.leaderNoop ?? DEFAULT_LEADER_NOOP,
          }),
          ...extensionFields(o),
        },
      });
      markHere();
    }
    return done;
  };

  const fail = (err: unknown): void => {
    get().notify('app', 'error', `The lesson could not go on: ${errorText(err)}`);
  };

  /** Shows step `target`, playing it on from the live cluster when it stands at the step before, else rebuilding it. */
  const goTo = async (target: number): Promise<void> => {
    const current = get().lesson;
    if (!lesson || !current || target < 0 || target >= lesson.steps.length) return;
    const from = current.step;
    const question = lesson.steps[from]?.predict;
    const picked = chosen;
    set({ lesson: { ...current, busy: true }, playing: false });
    try {
      let ok: boolean;
      if (target === from + 1 && !current.exploring && standsAtMark()) {
        const c = get().cluster;
        await c.runUntil(() => true, 0); // waits for any call still running (a worker's advance)
        await playStep(c, lesson.steps[target]!);
        get().sync();
        markHere();
        ok = true;
      } else {
        ok = await rebuild(target);
      }
      if (!ok) {
        set({ lesson: { ...current, busy: false } });
        return;
      }
      chosen = null;
      const reveal = question && target === from + 1 ? { chosen: picked, actual: liveLeaderOf(get().cluster)?.id ?? null } : null;
      set({ lesson: progress(target, { reveal }), playing: false });
    } catch (err) {
      fail(err);
      set({ lesson: { ...current, busy: false } });
    }
  };

  return {
    lesson: null,

    openLesson(id, options) {
      const found = lessonById(id);
      if (options?.embed) set({ embed: true });
      if (!found) {
        get().notify('app', 'error', `There is no lesson "${id.slice(0, 40)}".`);
        return Promise.resolve(false);
      }
      return enqueue(async () => {
        lesson = found;
        faults = labFaults();
        chosen = null;
        mark = null;
        get().setPlaying(false);
        set({ lesson: progress(0, { busy: true }) });
        const ok = await rebuild(0).catch((err: unknown) => {
          fail(err);
          return false;
        });
        if (!ok) {
          lesson = null;
          set({ lesson: null });
          return false;
        }
        set({ lesson: progress(0), playing: false });
        return true;
      });
    },

    lessonNext() {
      return enqueue(async () => {
        const l = get().lesson;
        if (l) await goTo(l.step + 1);
      });
    },

    lessonBack() {
      return enqueue(async () => {
        const l = get().lesson;
        if (!l) return;
        await goTo(l.exploring ? l.step : l.step - 1);
      });
    },

    exploreFromHere() {
      const l = get().lesson;
      if (!l || l.busy) return;
      set({ lesson: { ...l, exploring: true, question: null, reveal: null } });
      get().leaveReview();
      get().setPlaying(true);
    },

    predictLesson(choice) {
      const l = get().lesson;
      if (!l?.question || !l.question.choices.includes(choice)) return;
      chosen = choice;
      set({ lesson: { ...l, question: { ...l.question, chosen: choice } } });
    },

    closeLesson() {
      lesson = null;
      mark = null;
      chosen = null;
      set({ lesson: null });
    },
  };
}

/** Module-level selector for the view. */
export const selectLesson = (s: LessonSlice) => s.lesson;
