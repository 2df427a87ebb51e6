/**
 * The lab's bug switches (issue 11): named faults that each break one rule
 * of the paper on purpose, so a class can watch the safety monitor catch
 * the consequence. Off by default; a correct Raft has none of them. Each is
 * checked in the core at exactly the rule it breaks, marked
 * `// FAULT (lab bug switch)` there.
 */

/** Every fault, in a fixed order (option lists are normalized to it). */
export const FAULT_NAMES = [
  /** §5.4.1 broken: grant a vote without checking that the candidate's log is at least as up-to-date. */
  'vote-without-log-check',
  /** §5.4.2 broken: a leader commits an entry of an earlier term by counting its replicas (Figure 8). */
  'commit-earlier-term',
  /** §5.2 broken: grant a second vote in the same term, to a different candidate. */
  'double-vote',
  /** §5.2 / Figure 2 broken: votedFor is not persisted, so a restarted node forgets its vote. */
  'forget-vote-on-restart',
  /** §5.3 broken: on a conflicting entry, keep it instead of truncating the log. */
  'keep-conflicting-entries',
] as const;

/** One bug switch. */
export type FaultName = (typeof FAULT_NAMES)[number];

/** Is `name` one of FAULT_NAMES? */
export function isFaultName(name: unknown): name is FaultName {
  return typeof name === 'string' && (FAULT_NAMES as readonly string[]).includes(name);
}
