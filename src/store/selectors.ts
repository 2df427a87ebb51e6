/**
 * Module-level selectors: stable functions, so components re-render only
 * when what they select changes. Per-node selectors are made once per id.
 * At the end, the per-frame reads, which are not selectors.
 */
import type { NodeId } from '../raft';
import type { InFlightMessage } from '../sim';
import type { LabState } from './labTypes';
import { liveLeader, nodeById } from './snapshot';
import type { NodeSnapshot } from './types';

export const selectNodes = (s: LabState) => s.nodes;
export const selectIds = (s: LabState) => s.ids;
/** Every id the cluster has had, 1..the highest (the space-time diagram's lanes). */
export const selectEverIds = (s: LabState) => s.everIds;
export const selectLinks = (s: LabState) => s.links;
export const selectNetwork = (s: LabState) => s.network;
export const selectConfig = (s: LabState) => s.config;
export const selectGeneration = (s: LabState) => s.generation;
export const selectSelectedNode = (s: LabState) => s.selectedNode;
export const selectPlaying = (s: LabState) => s.playing;
export const selectSpeed = (s: LabState) => s.speed;
/** Above this speed, views that nobody can read at every sync (the Events list, the space-time diagram out of sight) calm down. */
export const CALM_ABOVE_SPEED = 1;
/** Playing faster than CALM_ABOVE_SPEED. */
export const selectFast = (s: LabState) => s.playing && s.speed > CALM_ABOVE_SPEED;
export const selectTheme = (s: LabState) => s.theme;
export const selectPresenter = (s: LabState) => s.presenter;
export const selectReducedMotion = (s: LabState) => s.reducedMotion;
export const selectHelpOpen = (s: LabState) => s.helpOpen;
export const selectNarration = (s: LabState) => s.narration;
export const selectNarrationFilter = (s: LabState) => s.narrationFilter;
export const selectPending = (s: LabState) => s.pending;
export const selectCommandTarget = (s: LabState) => s.commandTarget;
export const selectNowMs = (s: LabState) => s.nowMs;
export const selectSafety = (s: LabState) => s.safety;
export const selectHistorySize = (s: LabState) => s.historySize;
export const selectReview = (s: LabState) => s.review;
/** The Client panel's note on show: the history frame's while reviewing, else the live one. */
export const selectCommandNoticeOnShow = (s: LabState) => (s.reviewFrame ? s.reviewFrame.commandNotice : (s.notices.command ?? null));
/** Virtual ms of the history frame on show, or null when live. */
export const selectReviewAt = (s: LabState) => s.reviewFrame?.at ?? null;
export const selectLeader = (s: LabState): NodeSnapshot | undefined => liveLeader(s.nodes);
/**
 * The live leader's id and term, or undefined: the same object for as long
 * as they stay the same (the leader's snapshot changes with every append and
 * commit), for views that show only who leads.
 */
let leaderMark: { readonly id: NodeId; readonly term: number } | undefined;
export const selectLeaderMark = (s: LabState): { readonly id: NodeId; readonly term: number } | undefined => {
  const l = liveLeader(s.nodes);
  if (!l) return (leaderMark = undefined);
  if (leaderMark?.id !== l.id || leaderMark.term !== l.term) leaderMark = { id: l.id, term: l.term };
  return leaderMark;
};
/** The largest last index over all logs (how wide the log panel is). */
export const selectMaxIndex = (s: LabState) => s.nodes.reduce((m, n) => Math.max(m, n.snapshotIndex + n.log.length), 0);

const nodeSelectors = new Map<NodeId, (s: LabState) => NodeSnapshot | undefined>();
/** The selector of one node's snapshot (the same function for the same id). */
export function selectNode(id: NodeId): (s: LabState) => NodeSnapshot | undefined {
  let sel = nodeSelectors.get(id);
  if (!sel) {
    sel = (s) => nodeById(s.nodes, id);
    nodeSelectors.set(id, sel);
  }
  return sel;
}

/**
 * A node's place in the configuration (thesis §4.1): a voter, a learner
 * catching up (thesis §4.2.1), or leaving (its removal is appended but not
 * yet committed, so it is still running).
 */
export type Membership = 'voter' | 'learner' | 'leaving';

/**
 * The configuration the view goes by: the live leader's (highest term) —
 * it decides what is replicated — else, with no leader, none (each node
 * then shows its own).
 */
function leaderConfig(s: LabState) {
  return liveLeader(s.nodes)?.config;
}

/** Node `id`'s membership, from the leader's configuration if there is a leader, else from its own. */
export function membershipOf(s: LabState, id: NodeId): Membership {
  const own = nodeById(s.nodes, id)?.config;
  const config = leaderConfig(s) ?? own;
  if (!config) return 'voter';
  if (config.learners.includes(id)) return 'learner';
  if (config.voters.includes(id)) return 'voter';
  // Not in it: a node just added (the leader has not appended its entry yet, or it has heard of no
  // configuration), or one whose removal is in the leader's log.
  if (!own || own.voters.length === 0 || own.learners.includes(id)) return 'learner';
  return 'leaving';
}

const membershipSelectors = new Map<NodeId, (s: LabState) => Membership>();
/** The selector of one node's membership (the same function for the same id). */
export function selectMembership(id: NodeId): (s: LabState) => Membership {
  let sel = membershipSelectors.get(id);
  if (!sel) {
    sel = (s) => membershipOf(s, id);
    membershipSelectors.set(id, sel);
  }
  return sel;
}

/** How many votes make a majority now: of the voters of the leader's configuration, else of every node. */
export const selectQuorum = (s: LabState): number => {
  const voters = leaderConfig(s)?.voters.length ?? s.ids.length;
  return Math.floor(Math.max(1, voters) / 2) + 1;
};

/** The voters of the live leader's configuration (every node when there is no leader). */
export const selectVoters = (s: LabState): readonly NodeId[] => leaderConfig(s)?.voters ?? s.ids;

const noticeSelectors = new Map<string, (s: LabState) => LabState['notices'][keyof LabState['notices']]>();
/** The selector of one panel's notice. */
export function selectNotice(area: keyof LabState['notices']) {
  let sel = noticeSelectors.get(area);
  if (!sel) {
    sel = (s) => s.notices[area];
    noticeSelectors.set(area, sel);
  }
  return sel;
}

/**
 * The messages in flight on show: the history frame's while reviewing, else
 * the live cluster's. A per-frame read for the canvas (call it from a frame
 * listener or a handler with getState()); never pass it to useLab, since it
 * returns a fresh array on every call.
 */
export function messagesOnShow(s: LabState): readonly InFlightMessage[] {
  return s.reviewFrame ? s.reviewFrame.inFlight : s.inFlight();
}
