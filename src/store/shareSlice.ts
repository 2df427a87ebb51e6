/**
 * The share slice (issue 10, "Share, embed, save"): the run on show as a
 * link, as a file, and back. A run is the cluster's options, the seed, the
 * action log and the moment on show (src/store/runCodec.ts); the engine is
 * deterministic, so opening a run replays its actions on a fresh cluster to
 * that exact moment and shows it paused.
 *
 * Opening replays the run on a cluster that is not yet the store's, and puts
 * it in the store only once it stands at the moment: nothing (the driver's
 * frames, a click) can interleave a call with the replay, and a run that
 * fails to replay leaves the current one as it was (on the worker transport
 * it is first rehearsed inline, so the tab's disks are replaced only for a run
 * that replays). The price: the Events
 * list, the space-time diagram and the safety monitor follow the run from
 * the moment on show, not from its start.
 */
import { replayActions, type Cluster, type ClusterOptions } from '../sim';
import { extensionFields, makeCluster, timingFields, type ClusterConfig, type LabStorage } from './clusterFactory';
import { DEFAULT_ELECTION_TIMEOUT_MS, DEFAULT_HEARTBEAT_MS, DEFAULT_LEADER_NOOP } from './defaults';
import { isLabFaultName } from './faultsSlice';
import type { LabGet, LabSet, OnNewCluster } from './labTypes';
import { errorText } from './noticesSlice';
import {
  hashWithoutRun,
  hashWithRun,
  isEmbedHash,
  makeRun,
  readRunFromHash,
  runFromFile,
  runToFile,
  RUN_HASH_PARAM,
  type Run,
} from './runCodec';

/** What the last Share produced, for the view to show beside the link. */
export interface SharedMoment {
  /** The full link (the page's address with the run in its hash). */
  readonly url: string;
  /** Virtual ms of the moment on show. */
  readonly at: number;
  /** Events taken before it. */
  readonly after: number;
  /** Actions in the run. */
  readonly actions: number;
  /** True when the past was on show: the link holds that moment, and the run up to it (later actions left out). */
  readonly wasReviewing: boolean;
}

export interface ShareSlice {
  /** The embed layout: no chrome but the cluster view and playback (the link's `embed=1`, read at start-up). */
  readonly embed: boolean;
  /**
   * The address-bar hash of the shared run on show (written by Share, or the
   * link that opened it), or null: the app then writes the plain settings
   * hash. A new cluster (Reset, an imported file) clears it.
   */
  readonly shareHash: string | null;
  /** True while a run is being opened (replayed on a fresh cluster). */
  readonly openingRun: boolean;
  /** The last link Share produced, or null. */
  readonly shared: SharedMoment | null;
  /**
   * Pauses, waits for any advance in progress, and returns the link to this
   * run at the moment on show: live, `{ after: processed(), at: now() }`
   * and the whole action log; reviewing the past on the timeline, that
   * moment and the actions up to it (the run as "Continue from here" would cut it). A run too big for a link (over
   * MAX_RUN_BYTES) gives a notice and null, and nothing else changes.
   */
  shareLink(): Promise<string | null>;
  /** Pauses and returns the run as a file's text; null (with a notice) if it is too big. */
  exportRunFile(): string | null;
  /** The file name an exported run is saved under: raft-lab-run-<seed>.json. */
  runFileName(): string;
  /**
   * Opens a run file's text: replaces the cluster by a fresh one made from
   * the run and replays it to its moment, paused. A bad file gives a notice
   * naming what is wrong, and the current run is left untouched. True if
   * opened.
   */
  importRun(text: string): Promise<boolean>;
  /**
   * Opens the run in a page hash (`#…&run=…`, start-up): at once pauses and
   * takes the embed flag; then decodes and opens it like importRun. Null when
   * the hash holds no run (nothing changes); false when it cannot be opened
   * (a notice "This link cannot be opened: …"; playing again, the shared hash
   * cleared).
   */
  openRunLink(hash: string): Promise<boolean | null>;
  /** A refusal the view found itself (a file too big to read): a notice, nothing else. */
  refuseRun(message: string): void;
}

/** Virtual ms as the user reads it: "12.345 s". */
function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(3)} s`;
}

/** The lab config that makes the run's cluster (the engine's defaults and the lab's are the same, src/store/defaults.ts). */
function configOfRun(run: Run, transport: ClusterConfig['transport']): ClusterConfig {
  const o = run.options;
  return {
    nodes: o.nodes,
    seed: run.seed,
    snapshotThreshold: o.snapshotThreshold ?? 0,
    ...timingFields({
      electionTimeoutMs: o.electionTimeoutMs ?? DEFAULT_ELECTION_TIMEOUT_MS,
      heartbeatMs: o.heartbeatMs ?? DEFAULT_HEARTBEAT_MS,
      leaderNoop: o.leaderNoop ?? DEFAULT_LEADER_NOOP,
    }),
    ...extensionFields(o),
    // The bug switches it was made with (issue 11); names this lab does not know are left out.
    ...(run.faults && run.faults.some(isLabFaultName) ? { faults: run.faults.filter(isLabFaultName) } : {}),
    ...(transport ? { transport } : {}),
  };
}

/**
 * @param onNewCluster every concern's part in taking up a new cluster (as
 *   "Reset cluster" applies it).
 * @param storage the tab's disks when nodes run in workers, else null.
 */
export function createShareSlice(
  set: LabSet,
  get: LabGet,
  onNewCluster: OnNewCluster,
  storage: LabStorage | null,
): { slice: ShareSlice; onNewCluster: OnNewCluster } {
  const notify = (tone: 'info' | 'success' | 'error', text: string) => get().notify('cluster', tone, text);

  /** The run of the live cluster at its current position: the options it was made with (resolved by the engine, the network as at creation), its actions, where it stands. */
  /**
   * The run up to the moment on show: live, the whole log at { processed(), now() };
   * reviewing the past (the timeline), the log cut at that moment, at its position.
   */
  const currentRun = (moment: { after: number; at: number } | null): Run => {
    const c = get().cluster;
    const { transport: _transport, storageKey: _storageKey, snapshotThreshold, ...created } = c.creationOptions();
    const options: ClusterOptions = { ...created, ...(Number.isFinite(snapshotThreshold) ? { snapshotThreshold } : {}) };
    // A run made with bug switches on says so in its link (issue 11); a teacher's captions up to the moment go with it.
    const until = moment ?? { after: c.processed(), at: c.now() };
    const flags = { faults: get().config.faults ?? [], captions: get().captions.filter((cap) => cap.after <= until.after) };
    if (moment)
      return makeRun(
        options,
        c.actions().filter((a) => (a.after ?? 0) <= moment.after),
        moment,
        flags,
      );
    return makeRun(options, c.actions(), until, flags);
  };

  /** Pauses and waits until no call is running on the cluster (a worker advance answers later); the moment on show stays. */
  const settle = async (): Promise<void> => {
    const s = get();
    s.setPlaying(false);
    // runUntil with a predicate that holds at once runs nothing: it only waits its turn behind the calls before it.
    await s.cluster.runUntil(() => true, 0);
    get().sync();
  };

  let opening = false;

  /** Replays `run` on a throwaway inline cluster; throws as the replay would. */
  const rehearse = async (run: Run, config: ClusterConfig): Promise<void> => {
    const trial = makeCluster({ ...config, transport: 'inline' }, run.options.network ?? {});
    try {
      await replayActions(trial, run.actions);
      await trial.runToPosition(run.moment.after, run.moment.at);
    } finally {
      await trial.destroy().catch(() => undefined);
    }
  };

  /** Replays `run` on a fresh cluster and puts it in the store, paused at the run's moment. Never throws. */
  const openRun = async (run: Run, source: 'link' | 'file', hash: string | null): Promise<boolean> => {
    const cannot = `This ${source} cannot be opened`;
    if (opening) {
      notify('error', `${cannot}: another run is still being opened. The current run is unchanged.`);
      return false;
    }
    opening = true;
    set({ openingRun: true, playing: false });
    const old = get();
    let config = configOfRun(run, old.config.transport);
    let next: Cluster | null = null;
    let wipeReplaced: (() => Promise<void>) | null = null;
    let startedMs: number;
    try {
      startedMs = performance.now();
      // With the tab's disks, first a rehearsal on the inline engine (same history, a few times faster): a run that
      // cannot be replayed is refused before the tab's disks are replaced, which cannot be undone.
      if (storage) await rehearse(run, config);
      if (storage) {
        const disks = await storage.reset(config);
        config = { ...config, storageKey: disks.storageKey };
        wipeReplaced = disks.wipeReplaced;
      }
      next = makeCluster(config, run.options.network ?? {});
      await replayActions(next, run.actions);
      await next.runToPosition(run.moment.after, run.moment.at);
    } catch (err) {
      await next?.destroy().catch(() => undefined);
      notify('error', `${cannot}: replaying it failed (${errorText(err)}). The current run is unchanged.`);
      opening = false;
      set({ openingRun: false });
      return false;
    }
    const replayedMs = performance.now() - startedMs;
    opening = false;
    if (get().cluster !== old.cluster) {
      // "Reset cluster" ran meanwhile: its cluster stays.
      await next.destroy().catch(() => undefined);
      set({ openingRun: false });
      notify('error', `${cannot}: the cluster was reset while it was being opened.`);
      return false;
    }
    set({ ...onNewCluster(next, config, get()), playing: false, openingRun: false, shareHash: hash });
    get().sync();
    // A captioned run ("your own lesson") plays its captions, from the first.
    if (run.captions && run.captions.length > 0) await get().loadCaptions(run.captions.filter((cap) => cap.after <= run.moment.after));
    const n = run.actions.length;
    notify(
      'success',
      `Opened a shared run: ${config.nodes} node${config.nodes === 1 ? '' : 's'}, seed ${config.seed}, ${n} action${n === 1 ? '' : 's'}, paused at ${seconds(run.moment.at)} (replayed in ${(replayedMs / 1000).toFixed(1)} s of wall time). Play to go on from there.`,
    );
    try {
      await old.cluster.destroy();
    } catch (err) {
      get().notify('app', 'error', `Could not stop the old cluster: ${errorText(err)}`);
    }
    try {
      await wipeReplaced?.();
    } catch (err) {
      get().notify('app', 'error', `Could not delete the old cluster's disks: ${errorText(err)}`);
    }
    return true;
  };

  const slice: ShareSlice = {
    embed: false,
    shareHash: null,
    openingRun: false,
    shared: null,

    async shareLink() {
      if (get().trace) {
        notify('error', 'This is an imported trace: a share link is off (a link replays Raft Lab runs; share the trace file itself).');
        return null;
      }
      await settle();
      // The moment on show: the timeline's, once rebuilt (a seek still running: the live moment).
      const frame = get().review !== null ? get().reviewFrame : null;
      const wasReviewing = frame !== null;
      const run = currentRun(frame && { after: frame.after, at: frame.at });
      const loc = typeof location === 'undefined' ? null : location;
      const base = loc ? loc.href.replace(/#.*$/, '') : '';
      try {
        const hash = await hashWithRun(hashWithoutRun(loc?.hash ?? ''), run);
        const url = `${base}${hash}`;
        set({
          shareHash: hash,
          shared: { url, at: run.moment.at, after: run.moment.after, actions: run.actions.length, wasReviewing },
        });
        return url;
      } catch (err) {
        notify('error', errorText(err));
        return null;
      }
    },

    exportRunFile() {
      get().setPlaying(false);
      try {
        // The moment on show, as Share does (the timeline's moment when reviewing the past).
        const frame = get().review !== null ? get().reviewFrame : null;
        return runToFile(currentRun(frame && { after: frame.after, at: frame.at }));
      } catch (err) {
        notify('error', errorText(err));
        return null;
      }
    },

    runFileName: () => `raft-lab-run-${get().config.seed}.json`,

    async importRun(text) {
      const result = runFromFile(text);
      if (!result.ok) {
        notify('error', `${result.error} The current run is unchanged.`);
        return false;
      }
      return openRun(result.run, 'file', null);
    },

    async openRunLink(hash) {
      if (!new URLSearchParams(hash.replace(/^#/, '')).has(RUN_HASH_PARAM)) return null;
      set({ playing: false, embed: isEmbedHash(hash), shareHash: hash });
      const result = await readRunFromHash(hash);
      if (result === null) return null;
      if (!result.ok) {
        set({ shareHash: null, playing: true });
        notify('error', `${result.error} A fresh cluster runs instead.`);
        return false;
      }
      const opened = await openRun(result.run, 'link', hash);
      if (!opened) set({ shareHash: null, playing: true });
      return opened;
    },

    refuseRun(message) {
      notify('error', `${message} The current run is unchanged.`);
    },
  };

  return {
    slice,
    onNewCluster: () => ({ shareHash: null, shared: null }),
  };
}

/** Module-level selectors for the view. */
export const selectEmbed = (s: ShareSlice) => s.embed;
export const selectShareHash = (s: ShareSlice) => s.shareHash;
export const selectOpeningRun = (s: ShareSlice) => s.openingRun;
export const selectShared = (s: ShareSlice) => s.shared;
