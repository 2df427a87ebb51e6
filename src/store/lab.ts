/**
 * The lab: one zustand store of typed slices, one concern each, made by a
 * factory, plus the driver that plays it. The UI receives a Lab through
 * context; tests make their own with a manual clock.
 */
import { createStore } from 'zustand/vanilla';
import { extensionFields, timingFields, type ClusterConfig, type LabStorage } from './clusterFactory';
import { createClusterSlice } from './clusterSlice';
import { createCommandSlice } from './commandSlice';
import { createExplainSlice } from './explainSlice';
import {
  DEFAULT_ELECTION_TIMEOUT_MS,
  DEFAULT_HEARTBEAT_MS,
  DEFAULT_NODES,
  DEFAULT_SEED,
  DEFAULT_SNAPSHOT_THRESHOLD,
  UI_NETWORK,
} from './defaults';
import { Driver } from './driver';
import { createFaultsSlice, parseFaults } from './faultsSlice';
import { createHistorySlice } from './historySlice';
import { createLessonSlice } from './lessonSlice';
import type { FlushFollower, LabState, LabStore, OnNewCluster } from './labTypes';
import { createMembershipSlice } from './membershipSlice';
import { createNetworkSlice } from './networkSlice';
import { createNodeActionsSlice } from './nodeSlice';
import { createNoticesSlice } from './noticesSlice';
import { createResetSlice } from './resetSlice';
import { createSafetySlice } from './safetySlice';
import { createSelectionSlice } from './selectionSlice';
import { createSettingsSlice, type SettingsInit } from './settingsSlice';
import { createShareSlice } from './shareSlice';
import { createTourSlice } from './tourSlice';
import { createTraceSlice } from './traceSlice';
import type { ImportTransport } from '../trace/import-client';
import { createSpaceTimeSlice } from './spaceTimeSlice';
import { createWhySlice } from './whySlice';
import { parseClusterSize, parseSeed, parseSnapshotThreshold, parseTiming } from './validate';

export interface LabOptions extends SettingsInit {
  /** Cluster size (text or number, as from a URL); invalid values fall back to the default with a notice. */
  nodes?: number | string;
  seed?: number | string;
  /** Compaction threshold (§7); 0 = never. */
  snapshotThreshold?: number | string;
  /** Election timeout range as "min-max" ms (text, as from a URL); invalid falls back to the default with a notice. */
  electionTimeout?: string;
  /** Heartbeat interval, ms (text or number). */
  heartbeat?: number | string;
  /** The leader no-op (§8): true, or "1" from a URL. */
  leaderNoop?: boolean | string;
  /** Thesis §9.6 PreVote: true, or "1" from a URL. */
  preVote?: boolean | string;
  /** Thesis §6.2 CheckQuorum: true, or "1" from a URL. */
  checkQuorum?: boolean | string;
  /** Bug switches on, as "commit-earlier-term,double-vote" (a URL's faults=); unknown names are refused with a notice. */
  faults?: string;
  /** 'raf' (default) or 'manual' (tests call driver.frame). */
  clock?: 'raf' | 'manual';
  /** Where nodes run; default 'inline'. The app uses 'worker' with `storage`. */
  transport?: 'inline' | 'worker';
  /** The tab's IndexedDB disks (worker transport). */
  storage?: LabStorage;
  /** Where trace imports run: 'auto' (default: a worker where there is one, else on the page). */
  traceImport?: ImportTransport;
}

export interface Lab {
  readonly store: LabStore;
  readonly driver: Driver;
}

/** A switch from code or a URL: true, "1" or "true". */
function isOn(value: boolean | string | undefined): boolean {
  return value === true || value === '1' || value === 'true';
}

export function createLab(options: LabOptions = {}): Lab {
  const problems: string[] = [];
  const size = parseClusterSize(String(options.nodes ?? DEFAULT_NODES));
  const seed = parseSeed(String(options.seed ?? DEFAULT_SEED));
  if (!size.ok) problems.push(size.error);
  const threshold = parseSnapshotThreshold(String(options.snapshotThreshold ?? DEFAULT_SNAPSHOT_THRESHOLD));
  if (!seed.ok) problems.push(seed.error);
  if (!threshold.ok) problems.push(threshold.error);
  const [electionMin, electionMax] = (options.electionTimeout ?? DEFAULT_ELECTION_TIMEOUT_MS.join('-')).split('-');
  const timing = parseTiming({
    electionMinText: electionMin ?? '',
    electionMaxText: electionMax ?? '',
    heartbeatText: String(options.heartbeat ?? DEFAULT_HEARTBEAT_MS),
  });
  if (!timing.ok) problems.push(`${timing.error} Using the default timing.`);
  const faults = parseFaults(options.faults ?? '');
  if (faults.error) problems.push(faults.error);
  const config: ClusterConfig = {
    nodes: size.ok ? size.value : DEFAULT_NODES,
    seed: seed.ok ? seed.value : DEFAULT_SEED,
    snapshotThreshold: threshold.ok ? threshold.value : DEFAULT_SNAPSHOT_THRESHOLD,
    ...timingFields({
      electionTimeoutMs: timing.ok ? timing.value.electionTimeoutMs : DEFAULT_ELECTION_TIMEOUT_MS,
      heartbeatMs: timing.ok ? timing.value.heartbeatMs : DEFAULT_HEARTBEAT_MS,
      leaderNoop: isOn(options.leaderNoop),
    }),
    ...extensionFields({ preVote: isOn(options.preVote), checkQuorum: isOn(options.checkQuorum) }),
    ...(faults.value.length > 0 ? { faults: faults.value } : {}),
    ...(options.transport ? { transport: options.transport } : {}),
    ...(options.storage ? { storageKey: options.storage.storageKey } : {}),
    ...(options.storage?.resumed && options.storage.membership ? { membership: options.storage.membership } : {}),
  };

  const store = createStore<LabState>()((set, get) => {
    const history = createHistorySlice(set, get);
    const command = createCommandSlice(set, get);
    const explain = createExplainSlice(options.storage?.resumed === true);
    // After each flush the history records first, then the command learns its fate, then what needs explaining.
    const followers: FlushFollower[] = [history.follower, command.follower, explain.follower];
    const cluster = createClusterSlice(set, get, config, UI_NETWORK, followers);
    // The diagram's record subscribes to the cluster the slice made; it publishes its version last in each flush.
    const spaceTime = createSpaceTimeSlice(set, get, cluster.slice.cluster);
    followers.push(spaceTime.follower);
    const safety = createSafetySlice(set, cluster.slice.cluster);
    const why = createWhySlice(cluster.slice.cluster, set, get);
    followers.push(why.follower);
    const notices = createNoticesSlice(set);
    const selection = createSelectionSlice(set, get);
    // Opening a shared run replaces the cluster as a reset does (onNewCluster is called only after the store is made).
    const share = createShareSlice(set, get, (...args) => onNewCluster(...args), options.storage ?? null);
    // Their parts in a reset, applied together; the feed subscribes to the new cluster before the monitor, as at creation.
    const tour = createTourSlice(set, get);
    // Imported traces (issue 14): after the notices (which a new cluster clears), so its state is the last word.
    const trace = createTraceSlice(set, get, options.traceImport ?? 'auto');
    followers.push(trace.follower);
    const concerns = [cluster, safety, history, command, explain, notices, selection, spaceTime, share, why, tour, trace];
    const onNewCluster: OnNewCluster = (next, nextConfig, current) =>
      Object.assign({}, ...concerns.map((c) => c.onNewCluster(next, nextConfig, current))) as Partial<LabState>;
    return {
      ...cluster.slice,
      ...history.slice,
      ...command.slice,
      ...explain.slice,
      ...safety.slice,
      ...notices.slice,
      ...selection.slice,
      ...spaceTime.slice,
      ...share.slice,
      ...tour.slice,
      ...why.slice,
      ...trace.slice,
      ...createFaultsSlice(get),
      ...createResetSlice(set, get, onNewCluster, options.storage ?? null),
      ...createLessonSlice(set, get),
      ...createNodeActionsSlice(get),
      ...createMembershipSlice(get),
      ...createNetworkSlice(get),
      ...createSettingsSlice(set, get, options),
    };
  });
  const state = store.getState();
  state.sync();
  if (options.storage?.noteMembership) keepMembership(store, options.storage);
  if (problems.length > 0) {
    state.notify('cluster', 'error', `${problems.join(' ')} Using ${config.nodes} nodes, seed ${config.seed}.`);
  } else if (options.storage?.resumed) {
    state.notify(
      'cluster',
      'info',
      `Resumed this tab's cluster from disk (IndexedDB): every node is back with its term, vote, log and snapshot; what was only in memory — roles, commit indexes, messages in flight — is gone, as after a power cut. "Reset cluster" wipes the disks.`,
    );
  }
  return { store, driver: new Driver(store, options.clock ?? 'raf') };
}

/**
 * Saves the live cluster's membership whenever it changes (addNode, a
 * committed removal), so a reload of the tab brings back the same nodes
 * (issue 13; src/worker/session.ts). Only for a cluster on the tab's disks.
 */
function keepMembership(store: LabStore, storage: LabStorage): void {
  store.subscribe((s, prev) => {
    if (s.ids === prev.ids && s.everIds === prev.everIds) return;
    // The cluster on the tab's disks, not an imported trace or a fork's rehearsal.
    const made = s.cluster.creationOptions();
    const key = made.storageKey;
    if (made.transport !== 'worker' || !key || key !== storage.storageKey) return;
    const highest = Math.max(s.everIds.length, ...s.ids);
    if (highest === made.nodes && s.ids.length === made.nodes) return; // the founders, unchanged
    storage.noteMembership?.(key, { highest, current: [...s.ids] });
  });
}
