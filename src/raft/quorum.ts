/** Majorities (§5.2 elections, §5.3 commitment): the one place that counts them. */

/** How many of `voters` make a majority. */
export function majority(voters: number): number {
  return Math.floor(voters / 2) + 1;
}

/**
 * The highest index replicated on at least `quorum` of the servers whose
 * match indexes are given (the leader's own last index included): §5.3, "a
 * log entry is committed once the leader that created the entry has
 * replicated it on a majority of the servers". The caller still applies
 * §5.4.2's current-term rule.
 */
export function committedIndex(matchIndexes: readonly number[], quorum: number): number {
  const sorted = matchIndexes.slice().sort((a, b) => b - a);
  return sorted[quorum - 1] ?? 0;
}
