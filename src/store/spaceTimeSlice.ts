/**
 * The space-time slice: the diagram's record of messages and marks
 * (spaceTime.ts), kept from the live cluster's events, and what is selected
 * in it. Batched: events append to the mutable record, and the store learns
 * only its version number, once per flush (a follower of the cluster slice),
 * so a burst of events is one update, as for the narration. A reset clears
 * it; a fork (Continue from here) keeps the run up to the fork.
 */
import type { Cluster } from '../sim';
import type { FlushFollower, LabGet, LabSet, LabState, OnNewCluster } from './labTypes';
import { SpaceTimeRecord } from './spaceTime';

export interface SpaceTimeSlice {
  /** The record's version at the last flush: the diagram re-reads the record when it changes. */
  readonly spaceTimeVersion: number;
  /**
   * The record itself (mutable, outside the state: read it when the version
   * changes, never store what it returns in React state).
   */
  spaceTime(): SpaceTimeRecord;
  /** The message selected in the diagram (its network id), or null. The ring and narration can follow it. */
  readonly selectedMessage: number | null;
  /** Selects a message by id (null: none); ids the record does not hold are ignored. */
  selectMessage(id: number | null): void;
  /** The lane mark selected in the diagram (its id), or null. */
  readonly selectedMark: number | null;
  /** Selects a mark by id (null: none) and the node it is on. */
  selectMark(id: number | null): void;
}

export function createSpaceTimeSlice(
  set: LabSet,
  get: LabGet,
  cluster: Cluster,
): { slice: SpaceTimeSlice; follower: FlushFollower; onNewCluster: OnNewCluster } {
  const record = new SpaceTimeRecord();
  let unsubscribe = cluster.subscribe((e) => record.add(e));
  return {
    slice: {
      spaceTimeVersion: record.version,
      spaceTime: () => record,
      selectedMessage: null,
      selectMessage(id) {
        if (id === null || record.message(id)) set({ selectedMessage: id, selectedMark: null });
      },
      selectedMark: null,
      selectMark(id) {
        if (id === null) {
          set({ selectedMark: null });
          return;
        }
        const mark = record.marks.find((m) => m.id === id);
        if (!mark) return;
        set({ selectedMark: id, selectedMessage: null });
        get().selectNode(mark.node);
      },
    },
    follower: {
      derive: (before: LabState) => (before.spaceTimeVersion === record.version ? {} : { spaceTimeVersion: record.version }),
    },
    onNewCluster(next) {
      unsubscribe();
      // A new cluster that starts later than time 0 continues this run from that moment (Continue from here):
      // the diagram keeps the run up to there. Any other (a reset, a reload) starts afresh.
      if (next.now() > 0) record.keepUntil(next.now(), new Set(next.inFlight().map((m) => m.id)));
      else record.clear();
      unsubscribe = next.subscribe((e) => record.add(e));
      return { spaceTimeVersion: record.version, selectedMessage: null, selectedMark: null };
    },
  };
}

/** The record's version (re-read the record with `spaceTime()` when it changes). */
export const selectSpaceTimeVersion = (s: LabState) => s.spaceTimeVersion;
/** The message selected in the diagram (network id), or null. */
export const selectSelectedMessage = (s: LabState) => s.selectedMessage;
/** The lane mark selected in the diagram, or null. */
export const selectSelectedMark = (s: LabState) => s.selectedMark;
