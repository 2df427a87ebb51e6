/** Data types of the lab's store (everything here is plain and immutable once in the store). */
import type { NodeId } from '../raft';
import type { InFlightMessage, NodeView } from '../sim';

/** One node as the view shows it: the cluster's NodeView plus its cable. */
export interface NodeSnapshot extends NodeView {
  /** Is its network cable plugged in? */
  readonly connected: boolean;
}

/** links[from][to]: is the directed link up? (Index 0 unused; cables not considered.) */
export type LinkMatrix = readonly (readonly boolean[])[];

/** What the lab showed at one virtual time: a step of the history slider. */
export interface HistoryFrame {
  /** Virtual ms. */
  readonly at: number;
  /** Events processed before it (its position on the timeline). */
  readonly after: number;
  readonly nodes: readonly NodeSnapshot[];
  readonly links: LinkMatrix;
  readonly inFlight: readonly InFlightMessage[];
  /** The Client panel's note then (null: none yet). */
  readonly commandNotice: Notice | null;
}

/** What a narration line is about; the panel filters by it. */
export type NarrationCategory = 'election' | 'replication' | 'message' | 'storage' | 'fault';

export const NARRATION_CATEGORIES: readonly NarrationCategory[] = ['election', 'replication', 'fault', 'message', 'storage'];

/** One readable line per cluster event. */
export interface NarrationLine {
  /** Increasing across categories: the order events happened in. */
  readonly seq: number;
  /** Virtual ms. */
  readonly at: number;
  readonly category: NarrationCategory;
  /** The node it is about (a message's sender), or null. */
  readonly node: NodeId | null;
  readonly text: string;
}

/** Where a notice is shown: each panel shows its own. */
export type NoticeArea = 'command' | 'cluster' | 'network' | 'node' | 'timers' | 'membership' | 'transfer' | 'app' | 'trace';

/** A message for the user: the result of an action, or why it was refused. */
export interface Notice {
  readonly tone: 'info' | 'success' | 'error';
  readonly text: string;
  /** Increases with every notice, so repeating the same text still announces it. */
  readonly seq: number;
}

/** The last command submitted, followed until it is committed or overwritten. */
export interface PendingCommand {
  readonly command: string;
  readonly index: number;
  readonly term: number;
  readonly leader: NodeId;
  readonly state: 'waiting' | 'committed' | 'lost';
}

/** The network sliders' values, as the user set them (rates 0..1). */
export interface NetworkDraft {
  readonly delayMinMs: number;
  readonly delayMaxMs: number;
  readonly dropRate: number;
  readonly duplicateRate: number;
}

export type Theme = 'light' | 'dark';
