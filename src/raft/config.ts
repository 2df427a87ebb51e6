/**
 * A node's configuration: who it is, who the cluster is, and its timing
 * (§5.2). The membership it describes is fixed for a node's life here;
 * single-server membership changes (§4.1 of Ongaro's thesis) will extend it.
 */
import { isFaultName, type FaultName } from './faults';
import { majority } from './quorum';
import type { NodeId } from './types';

export interface RaftConfig {
  /** This node's id. */
  readonly id: NodeId;
  /** Every node of the cluster, this one included. */
  readonly nodes: readonly NodeId[];
  /** Election timeout range in virtual ms, drawn uniformly (§5.2). */
  readonly electionTimeoutMs: readonly [number, number];
  /** Interval between a leader's heartbeats, virtual ms (§5.2). */
  readonly heartbeatMs: number;
  /** Compact once the log holds more than this many entries past the snapshot (§7). 0: never. */
  readonly snapshotThreshold?: number;
  /** Append a no-op entry on election (§8). Off by default so indexes match the MIT lab. */
  readonly leaderNoop?: boolean;
  /** Most entries in one AppendEntries. */
  readonly maxEntriesPerMessage?: number;
  /** Seeded uniform random in [0, 1); the only source of randomness. */
  readonly random: () => number;
  /**
   * Lab bug switches (faults.ts): each breaks one rule of the paper on
   * purpose. Default none: a correct Raft.
   */
  readonly faults?: readonly FaultName[];
}

/** A configuration with its derived values filled in. */
export interface ResolvedConfig extends RaftConfig {
  /** Every other node. */
  readonly peers: readonly NodeId[];
  /** Votes (or replicas) that make a majority of `nodes` (§5.2, §5.3). */
  readonly quorum: number;
  readonly snapshotThreshold: number;
  readonly leaderNoop: boolean;
  readonly maxEntriesPerMessage: number;
  /** The bug switches that are on (faults.ts); empty for a correct Raft. */
  readonly faultSet: ReadonlySet<FaultName>;
}

export function resolveConfig(config: RaftConfig): ResolvedConfig {
  for (const f of config.faults ?? []) if (!isFaultName(f)) throw new Error(`unknown fault ${JSON.stringify(f)}`);
  return {
    ...config,
    peers: config.nodes.filter((n) => n !== config.id),
    quorum: majority(config.nodes.length),
    snapshotThreshold: config.snapshotThreshold ?? 0,
    leaderNoop: config.leaderNoop ?? false,
    maxEntriesPerMessage: config.maxEntriesPerMessage ?? 64,
    faultSet: new Set(config.faults ?? []),
  };
}
