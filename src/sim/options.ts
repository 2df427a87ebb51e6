/** The cluster's options: validated and defaulted before anything is built. */
import { FAULT_NAMES, type FaultName } from '../raft';
import type { NetworkOptions, ResolvedClusterOptions } from './types';
import { checkInteger, checkRange, describe, mergeNetwork, nearest, readNetworkOptions, readOnce } from './validate';

export const DEFAULT_NETWORK: Required<NetworkOptions> = {
  delayMs: [1, 10],
  dropRate: 0,
  duplicateRate: 0,
  longDelayRate: 0,
  longDelayMs: [200, 2200],
};

/** Every option createCluster knows (src/sim/types.ts, ClusterOptions). */
export const OPTION_KEYS = [
  'nodes',
  'seed',
  'transport',
  'electionTimeoutMs',
  'heartbeatMs',
  'network',
  'snapshotThreshold',
  'leaderNoop',
  'storageKey',
  'faults',
  'preVote',
  'checkQuorum',
] as const;

/** Validated, defaulted options: the public ResolvedClusterOptions (Cluster.creationOptions() returns them). */
export type ResolvedOptions = ResolvedClusterOptions;

/** Checks every option before anything is built; throws naming the bad one. */
export function resolveOptions(opts: unknown): ResolvedOptions {
  if (typeof opts !== 'object' || opts === null || Array.isArray(opts)) {
    throw new Error(`options must be an object, got ${describe(opts)}`);
  }
  // Each option is read once, into a plain copy, and unknown keys are
  // refused by name (a typo such as snapshotTreshold must not be ignored).
  const o = readOnce(opts as Record<string, unknown>, OPTION_KEYS, 'options');
  const nodes = checkInteger('nodes', o.nodes, 1, 99);
  const seed = o.seed === undefined ? 1 : checkInteger('seed', o.seed, 0, 0xffffffff);
  const transport = o.transport ?? 'inline';
  if (transport !== 'inline' && transport !== 'worker') {
    throw new Error(`transport must be 'inline' or 'worker', got ${describe(transport)}`);
  }
  const electionTimeoutMs =
    o.electionTimeoutMs === undefined ? ([150, 300] as [number, number]) : checkRange('electionTimeoutMs', o.electionTimeoutMs, 1);
  const heartbeatMs = o.heartbeatMs === undefined ? 50 : checkInteger('heartbeatMs', o.heartbeatMs, 1);
  if (heartbeatMs >= electionTimeoutMs[0]) {
    // §5.6: "broadcastTime ≪ electionTimeout": with heartbeats no more often
    // than the shortest election timeout, followers time out under a healthy
    // leader and the cluster never settles.
    throw new Error(
      `heartbeatMs (${heartbeatMs}) must be less than the shortest election timeout electionTimeoutMs[0] (${electionTimeoutMs[0]}) (§5.6: broadcastTime ≪ electionTimeout)`,
    );
  }
  const snapshotThreshold = o.snapshotThreshold === undefined ? 0 : checkInteger('snapshotThreshold', o.snapshotThreshold, 0);
  if (o.leaderNoop !== undefined && typeof o.leaderNoop !== 'boolean') {
    throw new Error(`leaderNoop must be a boolean, got ${describe(o.leaderNoop)}`);
  }
  for (const key of ['preVote', 'checkQuorum'] as const) {
    if (o[key] !== undefined && typeof o[key] !== 'boolean') throw new Error(`${key} must be a boolean, got ${describe(o[key])}`);
  }
  const network = mergeNetwork(DEFAULT_NETWORK, o.network === undefined ? undefined : readNetworkOptions(o.network, 'network'));
  if (o.storageKey !== undefined && (typeof o.storageKey !== 'string' || !/^[\w.-]{1,64}$/.test(o.storageKey))) {
    throw new Error(`storageKey must be 1–64 letters, digits, '_', '.' or '-', got ${describe(o.storageKey)}`);
  }
  return {
    nodes,
    seed,
    transport,
    electionTimeoutMs,
    heartbeatMs,
    network,
    snapshotThreshold,
    leaderNoop: o.leaderNoop === true,
    storageKey: typeof o.storageKey === 'string' ? o.storageKey : '',
    faults: o.faults === undefined ? [] : checkFaults(o.faults),
    preVote: o.preVote === true,
    checkQuorum: o.checkQuorum === true,
  };
}

/**
 * The bug switches asked for, checked by name (a misspelt switch must not
 * leave Raft silently correct), without repeats, in FAULT_NAMES order — so
 * two runs with the same switches have equal options.
 */
export function checkFaults(value: unknown, name = 'faults'): FaultName[] {
  if (!Array.isArray(value)) throw new Error(`${name} must be an array of fault names, got ${describe(value)}`);
  const asked = new Set<string>();
  value.forEach((f: unknown, i) => {
    if (typeof f !== 'string' || !(FAULT_NAMES as readonly string[]).includes(f)) {
      const near = typeof f === 'string' ? nearest(f, FAULT_NAMES, 8) : null;
      throw new Error(
        `${name}[${i}] is not a fault: ${describe(f)}${near ? ` (did you mean ${near}?)` : ''}; known: ${FAULT_NAMES.join(', ')}`,
      );
    }
    asked.add(f);
  });
  return FAULT_NAMES.filter((f) => asked.has(f));
}
