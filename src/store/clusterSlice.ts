/**
 * The cluster slice: the live cluster and what the view shows of it, copied
 * in by flush() after every call and every frame that had events, with
 * structural sharing (snapshot.ts). The cluster object is the store's own:
 * the view reads these fields through selectors and acts through the
 * slices' actions, never calling the cluster itself.
 */
import type { NodeId } from '../raft';
import type { Cluster, InFlightMessage, NetworkOptions } from '../sim';
import { TraceCluster } from '../trace';
import { clusterCalls } from './calls';
import { makeCluster, type ClusterConfig } from './clusterFactory';
import { ClusterFeed, EMPTY_NARRATION, type NarrationBuffers } from './feed';
import type { FlushFollower, LabGet, LabSet, LabState, OnNewCluster } from './labTypes';
import { linkMatrix, snapshotNodes } from './snapshot';
import type { LinkMatrix, NarrationLine, NodeSnapshot } from './types';

export interface ClusterSlice {
  /**
   * The running cluster (replaced by resetCluster). For the store's actions,
   * tests and the devtools console; the view never touches it.
   */
  readonly cluster: Cluster;
  /** Its size and seed. */
  readonly config: ClusterConfig;
  /** Its node ids now, in order: 1..size at creation; Add node adds, a committed removal takes away (issue 13). */
  readonly ids: readonly NodeId[];
  /**
   * Every id the cluster has had, 1..the highest: the space-time diagram
   * keeps a lane for a removed node (its history stays), and one appears
   * for an added node.
   */
  readonly everIds: readonly NodeId[];
  /** Increases with every reset. */
  readonly generation: number;
  /** One snapshot per node of `ids`, in the same order (index = id − 1 until a node is removed: use nodeById). */
  readonly nodes: readonly NodeSnapshot[];
  readonly links: LinkMatrix;
  /** The network settings in force. */
  readonly network: Required<NetworkOptions>;
  /** Virtual ms at the last flush (coarse; animation reads the driver's clock). */
  readonly nowMs: number;
  readonly narration: NarrationBuffers;
  /**
   * The live cluster's messages in flight, read now: they change with every
   * event, faster than the store is synced, so per-frame readers (the
   * canvas, the In flight list) call this from the driver's frame listener
   * instead of rendering from state. A fresh array on every call.
   */
  inFlight(): readonly InFlightMessage[];
  /**
   * Advances virtual time by `ms` (the driver calls it every frame). With
   * `sync: false` the store is not updated (the driver syncs at its own pace).
   * With `budgetMs`, an inline cluster (which runs on this thread) stops
   * after the first event that ends past that much wall time, its clock at
   * that event: the caller carries the rest over (the history is the same,
   * only cut at another point). A worker cluster runs the whole span (its
   * nodes work on their own threads).
   */
  advance(ms: number, options?: { sync?: boolean; budgetMs?: number }): Promise<void>;
  /** Processes the next event only; false if nothing is scheduled. */
  stepOnce(): Promise<boolean>;
  /**
   * What the last Step did: the virtual time it reached and the narration
   * lines its event produced (any category, shown or filtered out), so the
   * view can say so beside the button; null before any step.
   */
  readonly lastStep: { readonly at: number; readonly lines: readonly NarrationLine[] } | null;
  /**
   * Copies the cluster's current state into the store now; with
   * `onlyIfChanged`, only if an event happened since the last copy.
   */
  sync(onlyIfChanged?: boolean): void;
}

const inline = new WeakMap<Cluster, boolean>();
/** Does `c` run its nodes on this thread (the inline transport)? */
function runsInline(c: Cluster): boolean {
  let v = inline.get(c);
  if (v === undefined) inline.set(c, (v = c.creationOptions().transport === 'inline'));
  return v;
}

function sameIds(a: readonly NodeId[], b: readonly NodeId[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}

/** The highest id of `ids` (0 if none). */
function highest(ids: readonly NodeId[]): number {
  return ids.length === 0 ? 0 : Math.max(...ids);
}

/** 1..n. */
function upTo(n: number): NodeId[] {
  return Array.from({ length: n }, (_, i) => i + 1);
}

function newestSeq(narration: NarrationBuffers): number {
  let newest = -1;
  for (const lines of Object.values(narration)) newest = Math.max(newest, lines[lines.length - 1]?.seq ?? -1);
  return newest;
}

/**
 * @param followers concerns that follow every flush, in order (the history
 *   records the new state, the pending command learns its fate).
 */
export function createClusterSlice(
  set: LabSet,
  get: LabGet,
  config: ClusterConfig,
  network: Required<NetworkOptions>,
  followers: readonly FlushFollower[],
): { slice: ClusterSlice; onNewCluster: OnNewCluster } {
  const cluster = makeCluster(config, network);
  let feed = new ClusterFeed(cluster);
  const { run, notify } = clusterCalls(get);

  /** Copies the cluster's state into the store (one set() for everything). */
  const flush = (): void => {
    if (get().review !== null) return; // showing the past: the live state waits
    const before = get();
    const c = before.cluster;
    const nodes = snapshotNodes(c, before.nodes);
    const ids = sameIds(before.ids, c.ids) ? before.ids : c.ids.slice();
    // A node whose removal committed has left the cluster: it can no longer be selected or sent to.
    const gone = (id: NodeId | 'leader' | null) => typeof id === 'number' && !ids.includes(id);
    let derived: Partial<LabState> = {};
    for (const f of followers) if (f.derive) derived = { ...derived, ...f.derive(before, nodes) };
    set({
      nodes,
      ids,
      ...(highest(ids) > before.everIds.length ? { everIds: upTo(highest(ids)) } : {}),
      ...(gone(before.selectedNode) ? { selectedNode: null } : {}),
      ...(gone(before.commandTarget) ? { commandTarget: 'leader' as const } : {}),
      links: linkMatrix(c, before.links),
      network: c.network(),
      nowMs: c.now(),
      narration: feed.drainInto(before.narration),
      ...derived,
    });
    const after = get();
    for (const f of followers) f.after?.(before, after);
  };

  const slice: ClusterSlice = {
    cluster,
    config,
    ids: cluster.ids.slice(),
    everIds: upTo(highest(cluster.ids)),
    generation: 0,
    nodes: [],
    links: [],
    network: cluster.network(),
    nowMs: 0,
    narration: EMPTY_NARRATION,

    inFlight: () => get().cluster.inFlight(),

    async advance(ms, options) {
      const budget = options?.budgetMs;
      await run(
        'app',
        (c) => {
          if (budget === undefined || !runsInline(c)) return c.runFor(ms);
          // The budget starts with the run (after the first event), not when it is queued behind other calls.
          let deadline = -1;
          const spent = () => {
            const t = performance.now();
            if (deadline < 0) deadline = t + budget;
            return t >= deadline;
          };
          return c.runUntil(spent, ms).then(() => undefined);
        },
        options?.sync ?? true,
      );
    },

    lastStep: null,

    async stepOnce() {
      const newestBefore = newestSeq(get().narration);
      const done = await run('app', (c) => c.step());
      const lines = Object.values(get().narration)
        .flat()
        .filter((l) => l.seq > newestBefore)
        .sort((a, b) => a.seq - b.seq);
      set({ lastStep: { at: get().cluster.now(), lines } });
      if (done === false)
        notify(
          'app',
          'info',
          get().cluster instanceof TraceCluster
            ? 'The trace has ended: every event in it has been shown.'
            : 'Nothing is scheduled: every node is down and no message is in flight.',
        );
      return done === true;
    },

    sync(onlyIfChanged = false) {
      if (!onlyIfChanged || feed.dirty) flush();
    },
  };

  return {
    slice,
    onNewCluster(next, nextConfig, current) {
      feed.dispose();
      feed = new ClusterFeed(next);
      return {
        cluster: next,
        config: nextConfig,
        ids: next.ids.slice(),
        everIds: upTo(highest(next.ids)),
        generation: current.generation + 1,
        nodes: [],
        links: [],
        narration: EMPTY_NARRATION,
        lastStep: null,
      };
    },
  };
}
