/**
 * A node's settings: who it is, the configuration it starts from, its timing
 * (§5.2) and the optional extensions (PreVote, CheckQuorum). The
 * configuration in force later comes from the log (configuration.ts, thesis
 * §4.1); `nodes` is only where it starts.
 */
import { isFaultName, type FaultName } from './faults';
import type { Configuration, NodeId } from './types';

export interface RaftConfig {
  /** This node's id. */
  readonly id: NodeId;
  /**
   * The voters of the initial configuration, this one included for a
   * founding member; empty for a server added later (thesis §4.2.1: it
   * learns the configuration from the leader's log).
   */
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
  /** Thesis §9.6: ask for pre-votes before raising the term. Default false. */
  readonly preVote?: boolean;
  /** Thesis §6.2 and §4.2.3: leaders step down without a majority; followers keep a leader lease. Default false. */
  readonly checkQuorum?: boolean;
}

/** A configuration with its derived values filled in. */
export interface ResolvedConfig extends RaftConfig {
  /** The configuration before any configuration entry: `nodes` as voters, no learners. */
  readonly initial: Configuration;
  readonly snapshotThreshold: number;
  readonly leaderNoop: boolean;
  readonly maxEntriesPerMessage: number;
  readonly preVote: boolean;
  readonly checkQuorum: boolean;
  /** The bug switches that are on (faults.ts); empty for a correct Raft. */
  readonly faultSet: ReadonlySet<FaultName>;
}

export function resolveConfig(config: RaftConfig): ResolvedConfig {
  for (const f of config.faults ?? []) if (!isFaultName(f)) throw new Error(`unknown fault ${JSON.stringify(f)}`);
  return {
    ...config,
    initial: { voters: [...config.nodes].sort((a, b) => a - b), learners: [] },
    snapshotThreshold: config.snapshotThreshold ?? 0,
    leaderNoop: config.leaderNoop ?? false,
    maxEntriesPerMessage: config.maxEntriesPerMessage ?? 64,
    preVote: config.preVote ?? false,
    checkQuorum: config.checkQuorum ?? false,
    faultSet: new Set(config.faults ?? []),
  };
}
