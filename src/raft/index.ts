/** The pure Raft core: see README.md in this folder for how to drive it. */
export { RaftNode, type RaftConfig, type CoreVolatile, Progress, type ProgressState } from './node';
export type { ProgressRecord } from './progress';
export { KvStateMachine } from './kv';
export * from './types';
export { deepFreeze } from './freeze';
export { LogWindow, entryOfView, lastIndexOfView, type LogBase } from './log-window';
export { MAX_TERM, MAX_INDEX, MAX_COMMAND_LENGTH, isBoundedInt } from './limits';
export { describeWhy, WHY_CODES, type Why, type WhyCode } from './reasons';
export { FAULT_NAMES, isFaultName, type FaultName } from './faults';
export { configOfEntries, applyChange, changeRefusal, isVoter, members } from './configuration';
