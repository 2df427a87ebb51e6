/**
 * The lab: one zustand store of typed slices (cluster, selection, settings)
 * made by a factory, plus the driver that plays it. The UI receives a Lab
 * through context; tests make their own with a manual clock.
 */
import { createStore } from 'zustand/vanilla';
import { createClusterSlice } from './clusterSlice';
import type { ClusterConfig, LabStorage } from './clusterFactory';
import { DEFAULT_NODES, DEFAULT_SEED, DEFAULT_SNAPSHOT_THRESHOLD, UI_NETWORK } from './defaults';
import { Driver } from './driver';
import type { LabState, LabStore } from './labTypes';
import { createSelectionSlice } from './selectionSlice';
import { createSettingsSlice, type SettingsInit } from './settingsSlice';
import { parseClusterSize, parseSeed, parseSnapshotThreshold } from './validate';

export interface LabOptions extends SettingsInit {
  /** Cluster size (text or number, as from a URL); invalid values fall back to the default with a notice. */
  nodes?: number | string;
  seed?: number | string;
  /** Compaction threshold (§7); 0 = never. */
  snapshotThreshold?: number | string;
  /** 'raf' (default) or 'manual' (tests call driver.frame). */
  clock?: 'raf' | 'manual';
  /** Where nodes run; default 'inline'. The app uses 'worker' with `storage`. */
  transport?: 'inline' | 'worker';
  /** The tab's IndexedDB disks (worker transport). */
  storage?: LabStorage;
}

export interface Lab {
  readonly store: LabStore;
  readonly driver: Driver;
}

export function createLab(options: LabOptions = {}): Lab {
  const problems: string[] = [];
  const size = parseClusterSize(String(options.nodes ?? DEFAULT_NODES));
  const seed = parseSeed(String(options.seed ?? DEFAULT_SEED));
  if (!size.ok) problems.push(size.error);
  const threshold = parseSnapshotThreshold(String(options.snapshotThreshold ?? DEFAULT_SNAPSHOT_THRESHOLD));
  if (!seed.ok) problems.push(seed.error);
  if (!threshold.ok) problems.push(threshold.error);
  const config: ClusterConfig = {
    nodes: size.ok ? size.value : DEFAULT_NODES,
    seed: seed.ok ? seed.value : DEFAULT_SEED,
    snapshotThreshold: threshold.ok ? threshold.value : DEFAULT_SNAPSHOT_THRESHOLD,
    ...(options.transport ? { transport: options.transport } : {}),
    ...(options.storage ? { storageKey: options.storage.storageKey } : {}),
  };

  const store = createStore<LabState>()((set, get) => ({
    ...createClusterSlice(set, get, config, UI_NETWORK, options.storage ?? null),
    ...createSelectionSlice(set, get),
    ...createSettingsSlice(set, options),
  }));
  const state = store.getState();
  state.sync();
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
