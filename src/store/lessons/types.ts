/**
 * Guided lessons as data (issue 11): a lesson is the options of a fresh
 * cluster and a list of steps; each step is what to do to reach its moment
 * (cluster actions, runs of virtual time, "run until" conditions), the
 * caption shown there, and the outcome it expects (checked by
 * test/store/lessons.test.ts, and never assumed by the player).
 */
import type { ClusterOptions, FaultName, NetworkOptions } from '../../sim';

/** A node by id, or "the leader": the live leader with the highest term when the action runs (as the Command box picks it). */
export type NodeRef = number | 'leader';

/** Something that holds, or not, of the cluster now. */
export type LessonCondition =
  /** A live leader (this one, of this term or later, among these nodes, if given). */
  | { readonly kind: 'leader'; readonly id?: number; readonly term?: number; readonly among?: readonly number[] }
  /** No live node is a leader. */
  | { readonly kind: 'noLeader' }
  /** At least `count` live candidates. */
  | { readonly kind: 'candidates'; readonly count: number }
  | { readonly kind: 'role'; readonly id: number; readonly role: 'follower' | 'candidate' | 'leader' }
  | { readonly kind: 'alive'; readonly id: number; readonly alive: boolean }
  /** The node's term is at least `term` (exactly, with `exact`). */
  | { readonly kind: 'term'; readonly id: number; readonly term: number; readonly exact?: boolean }
  /** The node's commitIndex is at least `index` (exactly, with `exact`); ids: every listed node. */
  | { readonly kind: 'commit'; readonly ids: readonly number[]; readonly index: number; readonly exact?: boolean }
  /** The node's log (snapshot included) holds this command, or, with `present: false`, does not. */
  | { readonly kind: 'hasCommand'; readonly ids: readonly number[]; readonly command: string; readonly present?: boolean }
  /** The node's last log index (snapshot included) is exactly this. */
  | { readonly kind: 'lastIndex'; readonly ids: readonly number[]; readonly index: number }
  /** The node has applied `key` = `value` to its key–value state. */
  | { readonly kind: 'applied'; readonly ids: readonly number[]; readonly key: string; readonly value: string }
  /** The node's snapshot covers at least `index`. */
  | { readonly kind: 'snapshot'; readonly ids: readonly number[]; readonly index: number }
  /** The leader's matchIndex for `follower` is at least `index`. */
  | { readonly kind: 'matchIndex'; readonly leader: number; readonly follower: number; readonly index: number }
  /** Every one holds. */
  | { readonly kind: 'all'; readonly of: readonly LessonCondition[] };

/** One thing a step does. Cluster actions are recorded in the run's action log like the user's own. */
export type LessonAction =
  | { readonly kind: 'timeout' | 'crash' | 'restart' | 'disconnect' | 'connect'; readonly id: NodeRef }
  | { readonly kind: 'start'; readonly id: NodeRef; readonly command: string }
  | { readonly kind: 'partition'; readonly groups: readonly (readonly number[])[] }
  | { readonly kind: 'heal' | 'alignTimers' | 'spreadTimers' }
  | { readonly kind: 'setNetwork'; readonly opts: NetworkOptions }
  /** Advance virtual time by `ms`. */
  | { readonly kind: 'run'; readonly ms: number }
  /** Run until `until` holds (checked after every event), at most `maxMs`; not holding by then is the step's failure. */
  | { readonly kind: 'runUntil'; readonly until: LessonCondition; readonly maxMs: number };

/** Predict-then-reveal: a question asked at a step, answered by the run at the next one. */
export interface LessonPrediction {
  readonly question: string;
  /** 'leader': the choices are nodes, and the answer is the leader after the next step. */
  readonly reveal: 'leader';
  /** The nodes offered. */
  readonly choices: readonly number[];
}

/** A caption that replaces the step's own when the run is made with a bug switch on. */
export interface FaultCaption {
  readonly fault: FaultName;
  readonly caption: string;
  /** The outcome expected instead, with that switch on. */
  readonly expect?: readonly LessonCondition[];
}

export interface LessonStep {
  /** A short heading for the step. */
  readonly title: string;
  /** What to say at this step's moment (plain words, the paper's section). */
  readonly caption: string;
  /** What takes the run from the previous step's moment to this one (the first step's: from a fresh cluster). */
  readonly actions: readonly LessonAction[];
  /** What holds at this step's moment (tested headlessly; the player shows the caption whatever happens). */
  readonly expect: readonly LessonCondition[];
  readonly predict?: LessonPrediction;
  /** Captions (and outcomes) for a run made with a bug switch on. */
  readonly withFault?: readonly FaultCaption[];
}

export interface Lesson {
  /** For `?lesson=<id>`. */
  readonly id: string;
  readonly title: string;
  /** One sentence: what it shows. */
  readonly summary: string;
  /** The fresh cluster it starts from (transport and disks are the lab's; the bug switches are the lab's). */
  readonly options: Omit<ClusterOptions, 'transport' | 'storageKey' | 'faults'>;
  readonly steps: readonly LessonStep[];
}
