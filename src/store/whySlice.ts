/**
 * The why slice: what the Why panel explains. It keeps, from the live
 * cluster's events, the last WHY_LIMIT events that carry a reason code
 * (`why`: timeouts, role and term changes, votes, rejected AppendEntries),
 * in a mutable record outside the state (as the space-time record), and
 * publishes its version once per flush. `explainSelection` words, for what
 * is selected (a space-time mark, or a node of the ring or the Events list),
 * the rules behind it from the one table in whyWording.ts.
 */
import type { NodeId, Why } from '../raft';
import type { Cluster, ClusterEvent } from '../sim';
import type { FlushFollower, LabGet, LabSet, LabState, OnNewCluster } from './labTypes';
import { membershipOf } from './selectors';
import { nodeById } from './snapshot';
import { STATE_WORDING, wordWhy, type WhyEventKind, type WhyWording } from './whyWording';

/** How many reasoned events are kept (the oldest forgotten first). */
export const WHY_LIMIT = 5000;
/** How many of a node's latest reasons the panel shows when a node (not a moment) is selected. */
export const WHY_LATEST = 4;

/** One event with its reason code. */
export interface ReasonedEvent {
  readonly at: number;
  readonly node: NodeId;
  readonly kind: WhyEventKind;
  readonly term: number;
  readonly why: Why;
}

/** One line of the Why panel. */
export interface WhyLine extends WhyWording {
  /** Virtual ms of what it explains. */
  readonly at: number;
  readonly node: NodeId;
}

export interface WhySlice {
  /** The reasoned-event record's version at the last flush. */
  readonly whyVersion: number;
  /** The reasoned events kept, oldest first (mutable, outside the state: read it when the version changes). */
  whyEvents(): readonly ReasonedEvent[];
  /** An Events line chosen for the Why panel (its time and node), or null; it counts while its node stays selected. */
  readonly whyMoment: { readonly at: number; readonly node: NodeId } | null;
  /** Explains what node `node` did at `at` (an Events line); selects the node too. */
  explainMoment(at: number, node: NodeId): void;
}

function reasoned(e: ClusterEvent): ReasonedEvent | null {
  switch (e.kind) {
    case 'timeout':
    case 'role':
    case 'term':
    case 'vote':
    case 'reject':
    case 'preCampaign':
    case 'preVote':
      return e.why ? { at: e.at, node: e.node, kind: e.kind, term: e.term, why: e.why } : null;
    default:
      return null;
  }
}

export function createWhySlice(
  cluster: Cluster,
  set: LabSet,
  get: LabGet,
): { slice: WhySlice; follower: FlushFollower; onNewCluster: OnNewCluster } {
  let events: ReasonedEvent[] = [];
  let version = 0;
  const listen = (c: Cluster) =>
    c.subscribe((e) => {
      const r = reasoned(e);
      if (!r) return;
      events.push(r);
      if (events.length > WHY_LIMIT * 1.25) events = events.slice(events.length - WHY_LIMIT);
      version += 1;
    });
  let unsubscribe = listen(cluster);
  return {
    slice: {
      whyVersion: version,
      whyEvents: () => events,
      whyMoment: null,
      explainMoment(at, node) {
        if (!Number.isFinite(at) || !get().ids.includes(node)) return;
        set({ whyMoment: { at, node } });
        get().selectNode(node);
      },
    },
    follower: { derive: (before: LabState) => (before.whyVersion === version ? {} : { whyVersion: version }) },
    onNewCluster(next) {
      unsubscribe();
      // A fork (Continue from here) keeps the run up to its moment, as the diagram does; a reset starts afresh.
      const from = next.now();
      events = from > 0 ? events.filter((e) => e.at <= from) : [];
      version += 1;
      unsubscribe = listen(next);
      return { whyVersion: version, whyMoment: null };
    },
  };
}

/** The rules behind one reasoned event. */
export function explainEvent(e: ReasonedEvent): WhyLine {
  return { ...wordWhy(e.why, e.kind), at: e.at, node: e.node };
}

/**
 * For a leader: the entries after its commitIndex that are stored on a
 * majority yet not committed because they are of an earlier term (§5.4.2,
 * Figure 8). From the node's own view (matchIndex, log).
 */
export function earlierTermWaiting(s: LabState, id: NodeId): WhyLine[] {
  const n = nodeById(s.nodes, id);
  const match = n?.matchIndex;
  if (!n || !n.alive || n.role !== 'leader' || !match) return [];
  const out: WhyLine[] = [];
  // A majority of the voters of the configuration in force at the leader (thesis §4.1); learners do not count.
  const voters = n.config?.voters.length ? n.config.voters : s.nodes.map((o) => o.id);
  const majority = Math.floor(voters.length / 2) + 1;
  for (const entry of n.log) {
    if (entry.index <= n.commitIndex) continue;
    if (entry.term >= n.term) break; // from here on, entries of its own term: they commit by counting
    const holders = voters.filter((v) => (v === id ? true : (match[v] ?? 0) >= entry.index)).length;
    if (holders >= majority) out.push({ ...STATE_WORDING.earlierTermUncommitted(entry.index, entry.term, n.term), at: s.nowMs, node: id });
  }
  return out;
}

/** What issue 13 adds to a node's state that needs explaining: a learner, a pre-candidate, a leader handing over. */
function nodeStateLines(s: LabState, id: NodeId): WhyLine[] {
  const n = nodeById(s.nodes, id);
  if (!n || !n.alive) return [];
  const out: WhyLine[] = [];
  if (membershipOf(s, id) === 'learner') out.push({ ...STATE_WORDING.learner(), at: s.nowMs, node: id });
  if (n.preCandidate) out.push({ ...STATE_WORDING.preCandidate(n.term + 1), at: s.nowMs, node: id });
  if (n.role === 'leader' && n.transferee) out.push({ ...STATE_WORDING.transferring(n.transferee), at: s.nowMs, node: id });
  return out;
}

/**
 * What the Why panel shows for the current selection: a mark selected in
 * the space-time diagram explains the reasoned events of its node at its
 * moment (or, for a commit, crash or restart mark, the rule behind it); a
 * node alone explains its latest reasons and, for a leader, the entries
 * waiting for an entry of its term. While reviewing the past, as of the
 * moment on show. Null when nothing is selected.
 */
export function explainSelection(s: LabState): { title: string; lines: readonly WhyLine[] } | null {
  // Reviewing the past (the timeline): only what had happened by the moment on show, and the nodes of then.
  const until = s.reviewFrame?.at ?? Infinity;
  const all = s.whyEvents();
  const events = until === Infinity ? all : all.filter((e) => e.at <= until);
  if (s.reviewFrame) s = { ...s, nodes: s.reviewFrame.nodes, nowMs: s.reviewFrame.at };
  if (s.selectedMark !== null) {
    const mark = s.spaceTime().marks.find((m) => m.id === s.selectedMark);
    if (mark) {
      const lines = events.filter((e) => e.at === mark.at && e.node === mark.node).map(explainEvent);
      if (mark.kind === 'commit')
        lines.push({ ...STATE_WORDING.committed(Number(mark.label.slice(1)) || 0), at: mark.at, node: mark.node });
      if (mark.kind === 'crash') lines.push({ ...STATE_WORDING.crashed(), at: mark.at, node: mark.node });
      if (mark.kind === 'restart') lines.push({ ...STATE_WORDING.restarted(), at: mark.at, node: mark.node });
      if (mark.kind === 'config') lines.push({ ...STATE_WORDING.configuration(mark.label.endsWith('✓')), at: mark.at, node: mark.node });
      if (mark.kind === 'transfer')
        lines.push({ ...STATE_WORDING.transferring(Number(mark.label.slice(1)) || 0), at: mark.at, node: mark.node });
      return { title: `Node ${mark.node} at ${mark.at} ms: ${mark.description}`, lines };
    }
  }
  const id = s.selectedNode;
  if (id === null) return null;
  // An Events line chosen (its node still selected): the rules behind what that node did then.
  const moment = s.whyMoment;
  if (moment && moment.node === id) {
    const lines = events.filter((e) => e.at === moment.at && e.node === id).map(explainEvent);
    if (lines.length > 0) return { title: `Node ${id} at ${moment.at} ms`, lines };
  }
  const latest: WhyLine[] = [];
  for (let i = events.length - 1; i >= 0 && latest.length < WHY_LATEST; i--) {
    const e = events[i]!;
    if (e.node === id) latest.push(explainEvent(e));
  }
  return {
    title: `Node ${id}: the rules behind its latest events`,
    lines: [...nodeStateLines(s, id), ...earlierTermWaiting(s, id), ...latest],
  };
}

/** The record's version (re-run explainSelection when it changes). */
export const selectWhyVersion = (s: LabState) => s.whyVersion;
