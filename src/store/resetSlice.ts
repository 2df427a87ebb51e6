/**
 * The reset slice: "Reset cluster" replaces the running cluster with a fresh
 * one (and, with workers, fresh disks), one replacement at a time.
 */
import type { Cluster } from '../sim';
import { clusterCalls } from './calls';
import {
  extensionFields,
  makeCluster,
  timingFields,
  timingOf,
  type ClusterConfig,
  type Extensions,
  type LabStorage,
} from './clusterFactory';
import type { LabFaultName } from './faultsSlice';
import type { LabGet, LabSet, OnNewCluster } from './labTypes';
import { errorText } from './noticesSlice';
import { parseClusterSize, parseSeed, parseSnapshotThreshold, parseTiming, type Timing, type TimingDraft } from './validate';

export interface ResetSlice {
  /**
   * A fresh cluster of this size, seed and compaction threshold (kept as it
   * is if omitted); nothing changes if any of them is invalid. Resets run one
   * at a time, each destroying the cluster it replaces (and the lab storage
   * wiping its disks); one asked for while another runs waits, and if several
   * wait, only the latest runs and they all resolve with its outcome.
   * `timing` (election timeout range, heartbeat, leader no-op) is likewise
   * kept when omitted, and checked with the rest (§5.6); so are `faults` (the bug switches)
   * and, when `timing` leaves them out, PreVote and CheckQuorum.
   */
  resetCluster(
    sizeText: string,
    seedText: string,
    snapshotText?: string,
    timing?: TimingDraft & { leaderNoop: boolean } & Extensions,
    faults?: readonly LabFaultName[],
  ): Promise<boolean>;
  /**
   * Replaces the cluster by the one `make` builds (the timeline's "Continue
   * from here"), in the same queue as resets: `make` gets the config to use
   * (this one's, with fresh disks when nodes run in workers). The replaced
   * cluster is destroyed; on failure nothing changes and `note` is not shown.
   * The new cluster is left paused.
   */
  replaceCluster(make: (config: ClusterConfig) => Promise<Cluster>, note: string): Promise<boolean>;
}

/** A "Reset cluster" waiting its turn, with everyone waiting for its outcome. */
interface ReplaceRequest {
  readonly nodes: number;
  readonly seed: number;
  /** Undefined: keep the threshold in force when the reset runs. */
  readonly snapshotThreshold: number | undefined;
  /** Undefined: keep the timing in force. */
  readonly timing: (Timing & { readonly leaderNoop: boolean } & Extensions) | undefined;
  /** Undefined: keep the bug switches in force. */
  readonly faults?: readonly LabFaultName[];
  readonly waiters: readonly ((done: boolean) => void)[];
  /** A replacement built by the caller (a fork), instead of a fresh cluster of this size and seed. */
  readonly make?: { readonly build: (config: ClusterConfig) => Promise<Cluster>; readonly note: string };
}

/**
 * @param onNewCluster every concern's part in taking up the new cluster
 *   (their fresh state, applied in one update).
 * @param storage the tab's disks when nodes run in workers, else null.
 */
export function createResetSlice(set: LabSet, get: LabGet, onNewCluster: OnNewCluster, storage: LabStorage | null): ResetSlice {
  const { notify } = clusterCalls(get);

  // Replacing the cluster takes several awaits (wiping disks, stopping the
  // old workers). Two replacements that overlapped would both read the same
  // old cluster and both destroy it, leaking the other's new cluster and its
  // disks (issue 7: a double click on "Reset cluster"). So they run one at a
  // time, each replacing the cluster in the store when it starts; requests
  // made meanwhile wait, coalesced into the latest.
  let replacing = false;
  let queued: ReplaceRequest | null = null;
  /** Forks asked for while a reset was waiting: they run after it, in order. */
  const forks: ReplaceRequest[] = [];

  const drainReplacements = async (): Promise<void> => {
    replacing = true;
    while (queued || forks.length > 0) {
      const request = queued ?? forks.shift()!;
      queued = null;
      const done = await replaceCluster(request);
      for (const resolve of request.waiters) resolve(done);
    }
    replacing = false;
  };

  /**
   * Builds the requested cluster, puts it in the store, then destroys the one
   * it replaced and wipes that one's disks. Never throws.
   */
  const replaceCluster = async (request: ReplaceRequest): Promise<boolean> => {
    const old = get();
    let nextConfig: ClusterConfig = {
      nodes: request.nodes,
      seed: request.seed,
      snapshotThreshold: request.snapshotThreshold ?? old.config.snapshotThreshold,
      ...timingFields(request.timing ?? timingOf(old.config)),
      ...extensionFields({
        preVote: request.timing?.preVote ?? old.config.preVote,
        checkQuorum: request.timing?.checkQuorum ?? old.config.checkQuorum,
      }),
      ...faultsField(request.faults ?? old.config.faults),
      ...(old.config.transport ? { transport: old.config.transport } : {}),
    };
    let next: Cluster;
    let wipeReplaced: (() => Promise<void>) | null = null;
    try {
      // Workers: fresh disks; the old ones are wiped once the old workers have stopped.
      if (storage) {
        const disks = await storage.reset(nextConfig);
        nextConfig = { ...nextConfig, storageKey: disks.storageKey };
        wipeReplaced = disks.wipeReplaced;
      }
      next = request.make ? await request.make.build(nextConfig) : makeCluster(nextConfig, old.network);
    } catch (err) {
      if (request.make) notify('app', 'error', `${errorText(err)} The run was not forked.`);
      else notify('cluster', 'error', `${errorText(err)} The cluster was not reset.`);
      await wipeReplaced?.().catch(() => undefined);
      return false;
    }
    // The awaits above let other actions run, but none replaces the cluster: `old` is still current.
    set({ ...onNewCluster(next, nextConfig, get()), ...(request.make ? { playing: false } : {}) });
    get().sync();
    if (request.make) notify('app', 'success', request.make.note);
    else
      notify('cluster', 'success', `New cluster: ${nextConfig.nodes} node${nextConfig.nodes === 1 ? '' : 's'}, seed ${nextConfig.seed}.`);
    try {
      await old.cluster.destroy();
    } catch (err) {
      notify('app', 'error', `Could not stop the old cluster: ${errorText(err)}`);
    }
    try {
      await wipeReplaced?.();
    } catch (err) {
      notify('app', 'error', `Could not delete the old cluster's disks: ${errorText(err)}`);
    }
    return true;
  };

  return {
    replaceCluster(make, note) {
      const c = get().config;
      return new Promise<boolean>((resolve) => {
        // Not coalesced with a waiting reset: a fork asked for runs after it, on its own.
        const waiting = queued;
        const mine: ReplaceRequest = {
          nodes: c.nodes,
          seed: c.seed,
          snapshotThreshold: c.snapshotThreshold,
          timing: undefined,
          waiters: [resolve],
          make: { build: make, note },
        };
        queued = waiting ? waiting : mine;
        if (waiting) forks.push(mine);
        if (!replacing) void drainReplacements();
      });
    },

    resetCluster(sizeText, seedText, snapshotText, timingDraft, faults) {
      const size = parseClusterSize(sizeText);
      const seed = parseSeed(seedText);
      const threshold = snapshotText === undefined ? null : parseSnapshotThreshold(snapshotText);
      const timing = timingDraft === undefined ? null : parseTiming(timingDraft);
      const errors = [size, seed, threshold, timing].flatMap((c) => (c === null || c.ok ? [] : [c.error]));
      if (!size.ok || !seed.ok || (threshold !== null && !threshold.ok) || (timing !== null && !timing.ok)) {
        notify('cluster', 'error', `${errors.join(' ')} The cluster was not reset.`);
        return Promise.resolve(false);
      }
      return new Promise<boolean>((resolve) => {
        // Coalesce: a newer request replaces one still waiting, and both callers get its outcome.
        queued = {
          nodes: size.value,
          seed: seed.value,
          snapshotThreshold: threshold?.value,
          timing:
            timing?.ok && timingDraft
              ? {
                  ...timing.value,
                  leaderNoop: timingDraft.leaderNoop,
                  ...(timingDraft.preVote !== undefined ? { preVote: timingDraft.preVote } : {}),
                  ...(timingDraft.checkQuorum !== undefined ? { checkQuorum: timingDraft.checkQuorum } : {}),
                }
              : undefined,
          ...(faults ? { faults } : {}),
          waiters: [...(queued?.waiters ?? []), resolve],
        };
        if (!replacing) void drainReplacements();
      });
    },
  };
}

/** The config's `faults` field: present only when a switch is on, so a correct run's config is unchanged. */
function faultsField(faults: readonly LabFaultName[] | undefined): Pick<ClusterConfig, 'faults'> {
  return faults && faults.length > 0 ? { faults } : {};
}
