/** The lab's store layer: state, actions, the driver and selectors (no React). */
export { createLab, type Lab, type LabOptions } from './lab';
export type { LabState, LabStore } from './labTypes';
export { Driver, type FrameListener } from './driver';
export { CLUSTER_TRANSPORT, timingOf, type ClusterConfig, type LabStorage } from './clusterFactory';
export { openDiskSession, workersAvailable, type DiskSession } from './diskSession';
export * from './defaults';
export * from './selectors';
export * from './types';
export { entryAt, indexOfNode, lastIndex, liveLeader, nodeById } from './snapshot';
export { selectCommitUnknown, selectDiscarded, DISCARDED_SHOWN_MS, type Discarded } from './explainSlice';
export { describeConfig, describeMessage, showCommand, showEntry } from './narrate';
export { characterCount } from './characters';
export {
  parseClusterSize,
  parseSeed,
  parseSnapshotThreshold,
  parseTiming,
  parseCommand,
  checkNetworkDraft,
  type TimingDraft,
} from './validate';
export type { NarrationFilter } from './settingsSlice';
export {
  SPACE_TIME_MARK_LIMIT,
  SPACE_TIME_MESSAGE_LIMIT,
  SpaceTimeRecord,
  endOf,
  type SpaceTimeMark,
  type SpaceTimeMarkKind,
  type SpaceTimeMessage,
} from './spaceTime';
export { selectSelectedMark, selectSelectedMessage, selectSpaceTimeVersion } from './spaceTimeSlice';
export type { NarrationBuffers } from './feed';
export type { SharedMoment } from './shareSlice';
export { selectEmbed, selectOpeningRun, selectShared, selectShareHash } from './shareSlice';
export { EMBED_HASH_PARAM, MAX_RUN_BYTES } from './runCodec';
export { selectLesson, type LessonProgress, type LessonReveal } from './lessonSlice';
export { LESSONS } from './lessons';
export { selectCaptions, selectTour } from './tourSlice';
export { FIGURE3_PROPERTIES, selectSafetyBreaks, type SafetyBreak } from './safetySlice';
export {
  TRACE_PROBLEMS_SHOWN,
  selectImported,
  selectTrace,
  selectTraceCheck,
  selectTraceFailure,
  selectTraceFormat,
  selectTraceImport,
  type TraceCheck,
  type TraceFailure,
  type TraceImportState,
  type TraceInfo,
} from './traceSlice';
export { TRACE_FORMATS, type TraceFormatName, type TraceProblem, type TraceViolation } from '../trace';
export type { ImportSource } from '../trace/import-protocol';
export { FAULTS, LAB_FAULT_NAMES, parseFaults, selectFaults, type FaultInfo, type LabFaultName } from './faultsSlice';
export { explainSelection, selectWhyVersion, type WhyLine } from './whySlice';
export { STATE_WORDING, WHY_WORDING, wordWhy, type WhyWording } from './whyWording';
/** The engine's types the view needs, so src/ui depends on the store alone. */
export type { InFlightMessage, NetworkOptions, SafetyProperty, SafetyViolation } from '../sim';
export type { Configuration, Entry, Message } from '../raft';
