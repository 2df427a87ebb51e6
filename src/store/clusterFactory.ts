/**
 * The one place the lab makes a cluster. In the browser the app runs every
 * node in its own Web Worker with its disk in IndexedDB (src/main.tsx sets
 * `transport: 'worker'` and a storage key); tests and environments without
 * workers use the inline transport, the default here.
 */
import { createCluster, type Cluster, type NetworkOptions, type ResumedMembership } from '../sim';
import { DEFAULT_ELECTION_TIMEOUT_MS, DEFAULT_HEARTBEAT_MS, DEFAULT_LEADER_NOOP } from './defaults';
import type { LabFaultName } from './faultsSlice';

/** Where the UI's nodes run unless the lab is told otherwise. */
export const CLUSTER_TRANSPORT: 'inline' | 'worker' = 'inline';

export interface ClusterConfig {
  /** Cluster size; node ids are 1..nodes. */
  readonly nodes: number;
  /** Same seed + same actions ⇒ same history. */
  readonly seed: number;
  /** Compact a log holding more than this many entries past its snapshot (§7); 0 = never. */
  readonly snapshotThreshold: number;
  /** Election timeouts are drawn from this [min, max] range, virtual ms (§5.2, §5.6); absent: the default (timingOf). */
  readonly electionTimeoutMs?: readonly [number, number];
  /** A leader's heartbeat interval, virtual ms; below electionTimeoutMs[0] (§5.6); absent: the default. */
  readonly heartbeatMs?: number;
  /** A new leader appends a no-op entry of its term at once (§8), so earlier entries commit without waiting for a command; absent: off. */
  readonly leaderNoop?: boolean;
  /** Thesis §9.6 PreVote: a node asks for pre-votes before raising its term (issue 13); absent: off. */
  readonly preVote?: boolean;
  /** Thesis §6.2 CheckQuorum: a leader that hears from no majority for an election timeout steps down (issue 13); absent: off. */
  readonly checkQuorum?: boolean;
  /** Bug switches on (issue 11): faults the core commits on purpose; absent or empty: a correct Raft. */
  readonly faults?: readonly LabFaultName[];
  /** Where the nodes run (default CLUSTER_TRANSPORT). */
  readonly transport?: 'inline' | 'worker';
  /** Worker transport: names the IndexedDB disks; the same key resumes them. */
  readonly storageKey?: string;
  /** Resuming those disks after a reload: the nodes the cluster had then, added ones included (createCluster's `membership`). */
  readonly membership?: ResumedMembership;
}

/**
 * The lab's disks, when nodes run in workers: which ones this tab owns, and
 * how to wipe them and get fresh ones ("Reset cluster").
 */
export interface LabStorage {
  readonly storageKey: string;
  /** True when the cluster was resumed from disks left by an earlier page load. */
  readonly resumed: boolean;
  /**
   * Takes fresh disks for `next` and makes them the tab's. The disks they
   * replace are wiped by `wipeReplaced`, to be called only once the cluster
   * running on them is destroyed: a worker still booting would otherwise
   * create its database again after the delete, and it would never go away.
   */
  reset(next: { nodes: number; seed: number }): Promise<{ storageKey: string; wipeReplaced: () => Promise<void> }>;
  /** When resumed: the membership the cluster had when the page went away, or null for the founding nodes. */
  readonly membership?: ResumedMembership | null;
  /** Records the membership of the cluster on `storageKey` (if those are still the tab's disks), for the next reload. */
  noteMembership?(storageKey: string, membership: ResumedMembership): void;
}

/** Makes the lab's cluster; throws (naming the bad option) before anything is built. */
export function makeCluster(config: ClusterConfig, network: NetworkOptions): Cluster {
  return createCluster({
    nodes: config.nodes,
    seed: config.seed,
    transport: config.transport ?? CLUSTER_TRANSPORT,
    ...(config.storageKey ? { storageKey: config.storageKey } : {}),
    ...(config.membership ? { membership: config.membership } : {}),
    network,
    snapshotThreshold: config.snapshotThreshold,
    ...timingOptions(config),
    ...(config.faults && config.faults.length > 0 ? { faults: config.faults } : {}),
    ...extensionFields(config),
  });
}

/** The two switches beyond Figure 2 (issue 13), each present only when on. */
export interface Extensions {
  readonly preVote?: boolean;
  readonly checkQuorum?: boolean;
}

/**
 * The config fields of PreVote (thesis §9.6) and CheckQuorum (thesis §6.2),
 * only those that are on (so a default config, a link and a run stay as
 * they were before the switches existed).
 */
export function extensionFields(x: Extensions): Pick<ClusterConfig, 'preVote' | 'checkQuorum'> {
  return { ...(x.preVote === true ? { preVote: true } : {}), ...(x.checkQuorum === true ? { checkQuorum: true } : {}) };
}

/** The config's timing with the defaults filled in. */
export function timingOf(config: ClusterConfig): {
  electionTimeoutMs: readonly [number, number];
  heartbeatMs: number;
  leaderNoop: boolean;
} {
  return {
    electionTimeoutMs: config.electionTimeoutMs ?? DEFAULT_ELECTION_TIMEOUT_MS,
    heartbeatMs: config.heartbeatMs ?? DEFAULT_HEARTBEAT_MS,
    leaderNoop: config.leaderNoop ?? DEFAULT_LEADER_NOOP,
  };
}

/**
 * The timing fields of a config, only those that differ from the defaults
 * (so a default config stays { nodes, seed, snapshotThreshold }).
 */
export function timingFields(timing: {
  electionTimeoutMs: readonly [number, number];
  heartbeatMs: number;
  leaderNoop: boolean;
}): Pick<ClusterConfig, 'electionTimeoutMs' | 'heartbeatMs' | 'leaderNoop'> {
  const [min, max] = timing.electionTimeoutMs;
  return {
    ...(min !== DEFAULT_ELECTION_TIMEOUT_MS[0] || max !== DEFAULT_ELECTION_TIMEOUT_MS[1] ? { electionTimeoutMs: [min, max] as const } : {}),
    ...(timing.heartbeatMs !== DEFAULT_HEARTBEAT_MS ? { heartbeatMs: timing.heartbeatMs } : {}),
    ...(timing.leaderNoop !== DEFAULT_LEADER_NOOP ? { leaderNoop: timing.leaderNoop } : {}),
  };
}

function timingOptions(config: ClusterConfig): { electionTimeoutMs: [number, number]; heartbeatMs: number; leaderNoop: boolean } {
  const t = timingOf(config);
  return { electionTimeoutMs: [t.electionTimeoutMs[0], t.electionTimeoutMs[1]], heartbeatMs: t.heartbeatMs, leaderNoop: t.leaderNoop };
}
