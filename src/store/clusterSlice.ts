/**
 * The cluster slice: the live cluster, what the view shows of it (copied in
 * by flush() after every call), and the user's actions on it. Actions never
 * throw: a refusal or a failure becomes a notice in the panel it came from
 * (and nothing is half-applied).
 */
import type { NodeId } from '../raft';
import { attachSafetyMonitor, type Cluster, type NetworkOptions, type SafetyViolation } from '../sim';
import { makeCluster, type ClusterConfig, type LabStorage } from './clusterFactory';
import { showCommand } from './narrate';
import { ClusterFeed, EMPTY_NARRATION, type NarrationBuffers } from './feed';
import { isolateGroups, minorityMajorityGroups } from './partitions';
import { entryAt, linkMatrix, liveLeader, snapshotNodes } from './snapshot';
import type { HistoryFrame, LinkMatrix, NetworkDraft, NodeSnapshot, Notice, NoticeArea, PendingCommand } from './types';
import { HISTORY_LIMIT } from './defaults';
import { checkNetworkDraft, parseClusterSize, parseCommand, parseSeed, parseSnapshotThreshold } from './validate';
import type { LabGet, LabSet, LabState } from './labTypes';

export interface ClusterSlice {
  /** The running cluster (replaced by resetCluster). */
  readonly cluster: Cluster;
  /** Its size and seed. */
  readonly config: ClusterConfig;
  /** Increases with every reset. */
  readonly generation: number;
  /** One snapshot per node, index = id − 1. */
  readonly nodes: readonly NodeSnapshot[];
  readonly links: LinkMatrix;
  /** The network settings in force. */
  readonly network: Required<NetworkOptions>;
  /** Virtual ms at the last flush (coarse; animation reads the driver's clock). */
  readonly nowMs: number;
  /**
   * The live safety monitor (src/sim/safety.ts): Figure 3's properties,
   * checked after every event. `first` is the first violation seen, if any.
   */
  readonly safety: { readonly violations: number; readonly first: SafetyViolation | null };
  /** How many history frames are kept (the slider's range). */
  readonly historySize: number;
  /**
   * The history frame on show, or null when showing the live cluster. While
   * reviewing, `nodes`, `links` and `nowMs` are that frame's and the live
   * cluster is paused; any action on the cluster returns to live first.
   */
  readonly review: number | null;
  readonly reviewFrame: HistoryFrame | null;
  /** Frame `i` of the history (0 = oldest kept). */
  historyFrame(i: number): HistoryFrame | undefined;
  /** Shows history frame `i` (pausing playback); out-of-range values change nothing. */
  reviewAt(i: number): void;
  /** Back to the live cluster. */
  leaveReview(): void;
  readonly narration: NarrationBuffers;
  /** The last submitted command, followed until it commits. */
  readonly pending: PendingCommand | null;
  readonly notices: Readonly<Partial<Record<NoticeArea, Notice>>>;

  /**
   * Advances virtual time by `ms` (the driver calls it every frame). With
   * `sync: false` the store is not updated (the driver syncs at its own pace).
   */
  advance(ms: number, options?: { sync?: boolean }): Promise<void>;
  /** Processes the next event only; false if nothing is scheduled. */
  stepOnce(): Promise<boolean>;
  /** Sends a command to the live leader with the highest term; true if a leader took it. */
  submitCommand(text: string): Promise<boolean>;
  crash(id: NodeId): Promise<void>;
  restart(id: NodeId): Promise<void>;
  /** Fires the node's election timer now. */
  timeoutNode(id: NodeId): Promise<void>;
  /** Unplugs the node's cable. */
  disconnect(id: NodeId): void;
  /** Plugs it back in. */
  reconnect(id: NodeId): void;
  /** Cuts both directions of the link a–b if either is up, restores both otherwise. */
  toggleLink(a: NodeId, b: NodeId): void;
  setLink(from: NodeId, to: NodeId, up: boolean): void;
  isolateLeader(): void;
  splitMinorityMajority(): void;
  /** Every link up and every cable plugged in. */
  healAll(): void;
  /** Drops one in-flight message (a click on its glyph). */
  dropMessage(id: number): void;
  /** Applies the whole draft, or nothing (with a notice saying why); true if applied. */
  applyNetwork(draft: NetworkDraft): boolean;
  /**
   * A fresh cluster of this size, seed and compaction threshold (kept as it
   * is if omitted); nothing changes if any of them is invalid. Resets run one
   * at a time, each destroying the cluster it replaces (and the lab storage
   * wiping its disks); one asked for while another runs waits, and if several
   * wait, only the latest runs and they all resolve with its outcome.
   */
  resetCluster(sizeText: string, seedText: string, snapshotText?: string): Promise<boolean>;
  notify(area: NoticeArea, tone: Notice['tone'], text: string): void;
  clearNotice(area: NoticeArea): void;
  /**
   * Copies the cluster's current state into the store now; with
   * `onlyIfChanged`, only if an event happened since the last copy.
   */
  sync(onlyIfChanged?: boolean): void;
}

/** A "Reset cluster" waiting its turn, with everyone waiting for its outcome. */
interface ReplaceRequest {
  readonly nodes: number;
  readonly seed: number;
  /** Undefined: keep the threshold in force when the reset runs. */
  readonly snapshotThreshold: number | undefined;
  readonly waiters: readonly ((done: boolean) => void)[];
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A command's fate, from what the nodes now hold (§5.3: committed once a majority stores it). */
function followPending(p: PendingCommand | null, nodes: readonly NodeSnapshot[]): PendingCommand | null {
  if (!p || p.state !== 'waiting') return p;
  for (const n of nodes) {
    if (n.commitIndex < p.index) continue;
    if (p.index <= n.snapshotIndex) return { ...p, state: 'committed' };
    const e = entryAt(n, p.index);
    if (e) return { ...p, state: e.term === p.term ? 'committed' : 'lost' };
  }
  return p;
}

export function createClusterSlice(
  set: LabSet,
  get: LabGet,
  config: ClusterConfig,
  network: Required<NetworkOptions>,
  storage: LabStorage | null = null,
): ClusterSlice {
  const cluster = makeCluster(config, network);
  let feed = new ClusterFeed(cluster);
  const watch = (c: Cluster) =>
    attachSafetyMonitor(c, {
      onViolation: (v) =>
        set((s) => (s.cluster === c ? { safety: { violations: s.safety.violations + 1, first: s.safety.first ?? v } } : {})),
    });
  let monitor = watch(cluster);
  let noticeSeq = 0;

  // The history: what the store showed at successive virtual times, for "go back".
  let frames: HistoryFrame[] = [];
  const record = (s: LabState): void => {
    const last = frames[frames.length - 1];
    if (last && last.at === s.nowMs && last.nodes === s.nodes && last.links === s.links) return;
    const frame: HistoryFrame = { at: s.nowMs, nodes: s.nodes, links: s.links, inFlight: s.cluster.inFlight() };
    if (last && last.at === s.nowMs) frames[frames.length - 1] = frame;
    else frames.push(frame);
    if (frames.length > HISTORY_LIMIT) frames.shift();
    set({ historySize: frames.length });
  };
  const leave = (): void => {
    if (get().review === null) return;
    set({ review: null, reviewFrame: null });
    flush();
  };

  const notify = (area: NoticeArea, tone: Notice['tone'], text: string): void => {
    noticeSeq += 1;
    set((s) => ({ notices: { ...s.notices, [area]: { tone, text, seq: noticeSeq } } }));
  };

  /** Copies the cluster's state into the store (one set() for everything). */
  const flush = (): void => {
    if (get().review !== null) return; // showing the past: the live state waits
    const s = get();
    const c = s.cluster;
    const nodes = snapshotNodes(c, s.nodes);
    const pending = followPending(s.pending, nodes);
    set({
      nodes,
      links: linkMatrix(c, s.links),
      network: c.network(),
      nowMs: c.now(),
      narration: feed.drainInto(s.narration),
      pending,
    });
    record(get());
    if (pending !== s.pending && pending) {
      const what = `“${showCommand(pending.command)}” (index ${pending.index}, term ${pending.term})`;
      if (pending.state === 'committed') {
        notify('command', 'success', `${what} is committed: a majority stores it, so it will never be lost.`);
      } else if (pending.state === 'lost') {
        notify('command', 'error', `${what} was replaced by a newer leader's entry before it was committed. Submit it again.`);
      }
    }
  };

  /** Runs a cluster call, then flushes; a failure becomes a notice. Ignores results of a replaced cluster. */
  const run = async <T>(area: NoticeArea, call: (c: Cluster) => T | Promise<T>, sync = true): Promise<T | undefined> => {
    leave();
    const c = get().cluster;
    try {
      const result = await call(c);
      if (sync && get().cluster === c) flush();
      return result;
    } catch (err) {
      if (get().cluster === c) {
        flush();
        notify(area, 'error', errorText(err));
      }
      return undefined;
    }
  };

  /** The synchronous cluster calls (cables, links, network): applied at once. */
  const runNow = (area: NoticeArea, call: (c: Cluster) => void): boolean => {
    leave();
    try {
      call(get().cluster);
      flush();
      return true;
    } catch (err) {
      notify(area, 'error', errorText(err));
      return false;
    }
  };

  const leaderId = (): NodeId | undefined => liveLeader(get().nodes)?.id;

  // Replacing the cluster takes several awaits (wiping disks, stopping the
  // old workers). Two replacements that overlapped would both read the same
  // old cluster and both destroy it, leaking the other's new cluster and its
  // disks (issue 7: a double click on "Reset cluster"). So they run one at a
  // time, each replacing the cluster in the store when it starts; requests
  // made meanwhile wait, coalesced into the latest.
  let replacing = false;
  let queued: ReplaceRequest | null = null;

  const drainReplacements = async (): Promise<void> => {
    replacing = true;
    while (queued) {
      const request = queued;
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
      next = makeCluster(nextConfig, old.network);
    } catch (err) {
      notify('cluster', 'error', `${errorText(err)} The cluster was not reset.`);
      return false;
    }
    // The awaits above let other actions run, but none replaces the cluster: `old` is still current.
    const current = get();
    feed.dispose();
    feed = new ClusterFeed(next);
    monitor.detach();
    monitor = watch(next);
    frames = [];
    const selected = current.selectedNode;
    set({
      cluster: next,
      config: nextConfig,
      generation: current.generation + 1,
      nodes: [],
      links: [],
      narration: EMPTY_NARRATION,
      safety: { violations: 0, first: null },
      review: null,
      reviewFrame: null,
      historySize: 0,
      pending: null,
      notices: {},
      selectedNode: selected !== null && selected <= nextConfig.nodes ? selected : null,
    });
    flush();
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

  const slice: ClusterSlice = {
    cluster,
    config,
    generation: 0,
    nodes: [],
    links: [],
    network: cluster.network(),
    nowMs: 0,
    narration: EMPTY_NARRATION,
    pending: null,
    notices: {},

    async advance(ms, options) {
      await run('app', (c) => c.runFor(ms), options?.sync ?? true);
    },

    safety: { violations: 0, first: null },
    historySize: 0,
    review: null,
    reviewFrame: null,
    historyFrame: (i) => frames[i],
    reviewAt(i) {
      const frame = Number.isInteger(i) ? frames[i] : undefined;
      if (!frame) return;
      set({ playing: false, review: i, reviewFrame: frame, nodes: frame.nodes, links: frame.links, nowMs: frame.at });
    },
    leaveReview: leave,

    async stepOnce() {
      const done = await run('app', (c) => c.step());
      if (done === false) notify('app', 'info', 'Nothing is scheduled: every node is down and no message is in flight.');
      return done === true;
    },

    async submitCommand(text) {
      const checked = parseCommand(text);
      if (!checked.ok) {
        notify('command', 'error', checked.error);
        return false;
      }
      const leader = liveLeader(get().nodes);
      if (!leader) {
        notify('command', 'error', 'No leader right now, so there is no one to send it to. Wait for an election to finish (a node marked L), then submit again.');
        return false;
      }
      const result = await run('command', (c) => c.start(leader.id, checked.value));
      if (!result) return false;
      if (!result.isLeader) {
        notify('command', 'error', `Node ${leader.id} is no longer the leader, so it refused the command. Try again in a moment.`);
        return false;
      }
      set({ pending: { command: checked.value, index: result.index, term: result.term, leader: leader.id, state: 'waiting' } });
      notify(
        'command',
        'info',
        `Sent “${checked.value}” to leader node ${leader.id}: it is entry ${result.index} in term ${result.term}, uncommitted until a majority stores it.`,
      );
      flush(); // a one-node cluster commits at once
      return true;
    },

    async crash(id) {
      await run('node', (c) => c.crash(id));
    },

    async restart(id) {
      await run('node', (c) => c.restart(id));
    },

    async timeoutNode(id) {
      const node = get().nodes[id - 1];
      if (node && node.alive && node.role === 'leader') {
        notify('node', 'info', `Node ${id} is the leader: it has no election timer to fire.`);
        return;
      }
      await run('node', (c) => c.timeout(id));
    },

    disconnect(id) {
      runNow('node', (c) => c.disconnect(id));
    },

    reconnect(id) {
      runNow('node', (c) => c.connect(id));
    },

    toggleLink(a, b) {
      const links = get().links;
      const anyUp = (links[a]?.[b] ?? true) || (links[b]?.[a] ?? true);
      runNow('network', (c) => {
        c.setLink(a, b, !anyUp);
        c.setLink(b, a, !anyUp);
      });
    },

    setLink(from, to, up) {
      runNow('network', (c) => c.setLink(from, to, up));
    },

    isolateLeader() {
      const groups = isolateGroups(get().cluster.ids, leaderId());
      if (!groups.ok) return notify('network', 'error', groups.error);
      const [[leader], others] = groups.value as [[NodeId], NodeId[]];
      if (runNow('network', (c) => c.partition(groups.value))) {
        notify('network', 'info', `Leader node ${leader} is cut off from nodes ${others.join(', ')}. Watch the others elect a new leader.`);
      }
    },

    splitMinorityMajority() {
      const groups = minorityMajorityGroups(get().cluster.ids, leaderId());
      if (!groups.ok) return notify('network', 'error', groups.error);
      const [minority, majority] = groups.value as [NodeId[], NodeId[]];
      if (runNow('network', (c) => c.partition(groups.value))) {
        notify(
          'network',
          'info',
          `Split: minority {${minority.join(', ')}} | majority {${majority.join(', ')}}. Only the majority can elect a leader and commit.`,
        );
      }
    },

    healAll() {
      const ok = runNow('network', (c) => {
        c.heal();
        for (const id of c.ids) if (!c.connected(id)) c.connect(id);
      });
      if (ok) notify('network', 'success', 'Healed: every link is up and every cable plugged in.');
    },

    dropMessage(id) {
      let dropped = false;
      runNow('app', (c) => {
        dropped = c.dropMessage(id);
      });
      if (!dropped) notify('app', 'info', 'That message had already arrived.');
    },

    applyNetwork(draft) {
      const checked = checkNetworkDraft(draft);
      if (!checked.ok) {
        notify('network', 'error', checked.error);
        return false;
      }
      const d = checked.value;
      const applied = runNow('network', (c) =>
        c.setNetwork({ delayMs: [d.delayMinMs, d.delayMaxMs], dropRate: d.dropRate, duplicateRate: d.duplicateRate }),
      );
      if (applied) get().clearNotice('network');
      return applied;
    },

    resetCluster(sizeText, seedText, snapshotText) {
      const size = parseClusterSize(sizeText);
      const seed = parseSeed(seedText);
      const threshold = snapshotText === undefined ? null : parseSnapshotThreshold(snapshotText);
      const errors = [size, seed, threshold].flatMap((c) => (c === null || c.ok ? [] : [c.error]));
      if (!size.ok || !seed.ok || (threshold !== null && !threshold.ok)) {
        notify('cluster', 'error', `${errors.join(' ')} The cluster was not reset.`);
        return Promise.resolve(false);
      }
      return new Promise<boolean>((resolve) => {
        // Coalesce: a newer request replaces one still waiting, and both callers get its outcome.
        queued = {
          nodes: size.value,
          seed: seed.value,
          snapshotThreshold: threshold?.value,
          waiters: [...(queued?.waiters ?? []), resolve],
        };
        if (!replacing) void drainReplacements();
      });
    },

    notify,

    sync(onlyIfChanged = false) {
      if (!onlyIfChanged || feed.dirty) flush();
    },

    clearNotice(area) {
      set((s) => {
        if (!s.notices[area]) return s;
        const notices = { ...s.notices };
        delete notices[area];
        return { notices };
      });
    },
  };
  return slice;
}
