/**
 * The headless cluster API (a contract: see README.md, "Headless API").
 */
export { createCluster, restoreCluster, type RestoreOptions } from './create';
export { CHECKPOINT_FORMAT, type ClusterCheckpoint } from './checkpoint';
export { RunReplayer, type RunReplayerOptions, type SeekTarget } from './replayer';
export { runScript, diffLines, type ScriptFailure, type ScriptOptions, type ScriptResult } from './script';

export type {
  Cluster,
  ActionBody,
  ActionPosition,
  ClusterAction,
  ClusterEvent,
  ClusterOptions,
  ResolvedClusterOptions,
  ResumedMembership,
  ClusterStats,
  DiskSummary,
  DropReason,
  FaultName,
  InFlightMessage,
  NetworkEvent,
  NetworkOptions,
  NodeView,
  StartResult,
} from './types';
export { FAULT_NAMES } from '../raft';
export { TRACE_LIMIT, DEFAULT_NETWORK, SimCluster, resolveOptions, type RuntimeFactory } from './cluster';
export { registerTransport, type Transport, type TransportFactory } from './transports';
export { MemoryStorage, EMPTY_STATE, type Storage } from './storage';
export { createRandom, deriveSeed, type SeededRandom } from './prng';
export { replayActions, applyAction } from './replay';
export type { NodeRuntime, NodeOutput, NodeSettings, ProposeOutput, InlineNodeSave, TransferOutput, ConfChangeOutput } from './runtime';
export { InlineRuntime, storedView, nodeSeed, raftConfig } from './runtime';
export { nodeView, volatileOf, type VolatileState } from './view';
export * from './safety';
