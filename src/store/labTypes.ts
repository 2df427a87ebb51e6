/**
 * The lab store's whole state — one typed slice per concern, combined by
 * createLab() — and the two seams between the slices that are not state:
 * following each flush of the cluster into the store, and taking up a new
 * cluster on "Reset cluster".
 */
import type { StoreApi } from 'zustand/vanilla';
import type { Cluster } from '../sim';
import type { ClusterConfig } from './clusterFactory';
import type { ClusterSlice } from './clusterSlice';
import type { CommandSlice } from './commandSlice';
import type { ExplainSlice } from './explainSlice';
import type { FaultsSlice } from './faultsSlice';
import type { HistorySlice } from './historySlice';
import type { LessonSlice } from './lessonSlice';
import type { MembershipSlice } from './membershipSlice';
import type { TourSlice } from './tourSlice';
import type { TraceSlice } from './traceSlice';
import type { NetworkSlice } from './networkSlice';
import type { NodeActionsSlice } from './nodeSlice';
import type { NoticesSlice } from './noticesSlice';
import type { ResetSlice } from './resetSlice';
import type { SafetySlice } from './safetySlice';
import type { SelectionSlice } from './selectionSlice';
import type { SettingsSlice } from './settingsSlice';
import type { ShareSlice } from './shareSlice';
import type { SpaceTimeSlice } from './spaceTimeSlice';
import type { WhySlice } from './whySlice';
import type { NodeSnapshot } from './types';

export type LabState = ClusterSlice &
  HistorySlice &
  CommandSlice &
  ExplainSlice &
  NoticesSlice &
  SafetySlice &
  ResetSlice &
  NodeActionsSlice &
  MembershipSlice &
  NetworkSlice &
  SelectionSlice &
  SettingsSlice &
  SpaceTimeSlice &
  LessonSlice &
  ShareSlice &
  TourSlice &
  WhySlice &
  FaultsSlice &
  TraceSlice;
export type LabStore = StoreApi<LabState>;
export type LabSet = LabStore['setState'];
export type LabGet = LabStore['getState'];

/** A concern that follows every flush (the cluster's state copied into the store). */
export interface FlushFollower {
  /** State derived from the fresh node snapshots, applied in the flush's own update. */
  derive?(before: LabState, nodes: readonly NodeSnapshot[]): Partial<LabState>;
  /** Runs after that update, with the state before and after it. */
  after?(before: LabState, after: LabState): void;
}

/**
 * A concern's part in replacing the cluster: it lets go of what it kept of
 * the old cluster, takes up `next` (made from `config`), and returns its
 * fresh state. The reset applies every concern's part in one update.
 */
export type OnNewCluster = (next: Cluster, config: ClusterConfig, current: LabState) => Partial<LabState>;
