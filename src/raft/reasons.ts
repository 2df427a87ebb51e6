/**
 * Why the core did what it did, as data: a reason code with what it
 * depends on, on every timeout, term, role, vote and reject event (`why`).
 * Views and lessons choose their words from the code; `describeWhy` is the
 * one table of plain wordings (it fills each event's `reason` sentence).
 */
import type { NodeId } from './types';

export type Why =
  /** §5.2: the election timer ran out with no word from a leader. */
  | { readonly code: 'election-timeout' }
  /** The host made the timer fire now (a button, a script). */
  | { readonly code: 'told-to-time-out' }
  /** §5.1: a message carried a newer term. */
  | { readonly code: 'saw-newer-term'; readonly term: number; readonly from: NodeId }
  /** §5.2: a candidate heard from the leader of its term. */
  | { readonly code: 'heard-from-leader'; readonly leader: NodeId; readonly term: number }
  /** §5.2: a majority voted for the candidate. */
  | { readonly code: 'won-election'; readonly voters: readonly NodeId[] }
  /** Figure 2, receiver 1: the request's term is older than this node's. */
  | { readonly code: 'stale-term'; readonly ours: number; readonly theirs: number }
  /** §5.2: one vote per term, first come first served. */
  | { readonly code: 'already-voted'; readonly votedFor: NodeId; readonly term: number }
  /** §5.4.1: this voter's log is more up to date than the candidate's. */
  | {
      readonly code: 'log-more-up-to-date';
      readonly lastIndex: number;
      readonly lastTerm: number;
      readonly candidateLastIndex: number;
      readonly candidateLastTerm: number;
    }
  /** §5.4.1: vote granted. */
  | { readonly code: 'candidate-up-to-date' }
  /** Figure 2, AppendEntries receiver 2: no entry at prevLogIndex. */
  | { readonly code: 'no-entry-at-prev'; readonly prevLogIndex: number }
  /** Figure 2, AppendEntries receiver 2: the entry at prevLogIndex has another term. */
  | { readonly code: 'prev-term-mismatch'; readonly prevLogIndex: number; readonly localTerm: number; readonly prevLogTerm: number }
  /** Thesis §9.6: a majority said they would vote for it, so it starts a real election. */
  | { readonly code: 'won-pre-vote'; readonly voters: readonly NodeId[] }
  /**
   * Thesis §9.6 and §4.2.3: it heard from a leader less than the minimum
   * election timeout ago, so it will not help unseat that leader.
   */
  | { readonly code: 'leader-lease'; readonly leader: NodeId; readonly sinceMs: number }
  /** Thesis §6.2 (CheckQuorum): a leader that heard from no majority for an election timeout steps down. */
  | { readonly code: 'check-quorum'; readonly heard: readonly NodeId[]; readonly needed: number }
  /** Thesis §3.10: its leader handed leadership over with TimeoutNow. */
  | { readonly code: 'timeout-now'; readonly from: NodeId }
  /** Thesis §4.2.2: a leader removed from the configuration steps down once the change is committed. */
  | { readonly code: 'removed-from-config'; readonly index: number };

export type WhyCode = Why['code'];

/** Every code, for checks and exhaustive tests. */
export const WHY_CODES: readonly WhyCode[] = [
  'election-timeout',
  'told-to-time-out',
  'saw-newer-term',
  'heard-from-leader',
  'won-election',
  'stale-term',
  'already-voted',
  'log-more-up-to-date',
  'candidate-up-to-date',
  'no-entry-at-prev',
  'prev-term-mismatch',
  'won-pre-vote',
  'leader-lease',
  'check-quorum',
  'timeout-now',
  'removed-from-config',
];

/** The plain wording of a reason, as the node's own account ("it already voted for node 1 in term 4"). */
export function describeWhy(why: Why): string {
  switch (why.code) {
    case 'election-timeout':
      return 'its election timer ran out';
    case 'told-to-time-out':
      return 'it was told to time out';
    case 'saw-newer-term':
      return `it saw term ${why.term} from node ${why.from}`;
    case 'heard-from-leader':
      return `node ${why.leader} is the leader of term ${why.term}`;
    case 'won-election':
      return `it won the election with votes from ${why.voters.join(', ')}`;
    case 'stale-term':
      return `its term ${why.ours} is newer than ${why.theirs}`;
    case 'already-voted':
      return `it already voted for node ${why.votedFor} in term ${why.term}`;
    case 'log-more-up-to-date':
      return `its log (last ${why.lastIndex}@t${why.lastTerm}) is more up to date than ${why.candidateLastIndex}@t${why.candidateLastTerm}`;
    case 'candidate-up-to-date':
      return 'the candidate is up to date';
    case 'no-entry-at-prev':
      return `it has no entry at index ${why.prevLogIndex}`;
    case 'prev-term-mismatch':
      return `its entry at index ${why.prevLogIndex} has term ${why.localTerm}, not ${why.prevLogTerm}`;
    case 'won-pre-vote':
      return `a majority (${why.voters.join(', ')}) said they would vote for it`;
    case 'leader-lease':
      return `it heard from leader ${why.leader} only ${why.sinceMs} ms ago, less than the shortest election timeout`;
    case 'check-quorum':
      return why.heard.length === 0
        ? `it heard from no follower for a whole election timeout (it needs ${why.needed} servers, itself included)`
        : `in a whole election timeout it heard only from ${why.heard.join(', ')} (it needs ${why.needed} servers, itself included)`;
    case 'timeout-now':
      return `leader ${why.from} handed leadership to it (TimeoutNow)`;
    case 'removed-from-config':
      return `its own removal (entry ${why.index}) is committed`;
  }
}
