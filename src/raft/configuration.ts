/**
 * Cluster membership changes, one server at a time (Ongaro's thesis §4.1,
 * §4.2): the configuration in force at a node, configuration entries in the
 * log, a leader's single-server changes, learners that catch up before they
 * vote, and a leader that steps down once its own removal is committed.
 *
 * The rules, with their sections:
 * - §4.1: "a server always uses the latest configuration in its log,
 *   regardless of whether the entry is committed". So the configuration
 *   changes on append, and goes back to an earlier one when a truncation
 *   removes the entry that held it.
 * - §4.1: only single-server changes, and "a leader does not begin another
 *   change until the previous one is committed".
 * - The 2015 fix to single-server changes (Ongaro, raft-dev, "bug in
 *   single-server membership changes", 10 July 2015; thesis errata): "a
 *   leader may not append a new configuration entry until it has committed
 *   an entry from its current term". Without it, two changes made by leaders
 *   of different terms can each reach a majority of a different
 *   configuration and two leaders be elected in one term. A leader asked
 *   for a change before then appends a no-op and holds the change until the
 *   no-op commits.
 * - §4.2.1: a new server joins as a non-voting learner, so it cannot stall
 *   commitment while it is empty; the leader promotes it by a second
 *   configuration entry once it has caught up (its matchIndex has reached
 *   the leader's commitIndex).
 * - §4.2.2: a leader removed from the configuration keeps leading (it
 *   replicates, but does not count itself in majorities) until the entry is
 *   committed, then steps down.
 * - §5.1.1 (thesis §5.1: snapshots): a snapshot keeps the latest
 *   configuration as of its last included index.
 */
import type { RaftLog } from './log';
import { Progress } from './progress';
import type { NodeState } from './state';
import type { ConfChange, Configuration, Entry, NodeId, Snapshot } from './types';

export type { ConfChange, Configuration } from './types';

/** Is `id` a voter of `c`? */
export function isVoter(c: Configuration, id: NodeId): boolean {
  return c.voters.includes(id);
}

/** Voters and learners: everyone a leader replicates to (besides itself). */
export function members(c: Configuration): NodeId[] {
  return [...c.voters, ...c.learners].sort((a, b) => a - b);
}

/** The configuration after one single-server change (thesis §4.1). */
export function applyChange(c: Configuration, change: ConfChange): Configuration {
  const id = change.node;
  const voters = c.voters.filter((v) => v !== id);
  const learners = c.learners.filter((l) => l !== id);
  if (change.kind === 'addLearner') learners.push(id);
  if (change.kind === 'promote') voters.push(id);
  return { voters: voters.sort((a, b) => a - b), learners: learners.sort((a, b) => a - b) };
}

/**
 * Why `change` cannot be made to `c`, or null if it can: a single-server
 * change that means something (thesis §4.1), never leaving no voter.
 */
export function changeRefusal(c: Configuration, change: ConfChange): string | null {
  const id = change.node;
  const inIt = isVoter(c, id) || c.learners.includes(id);
  switch (change.kind) {
    case 'addLearner':
      return inIt ? `node ${id} is already a member` : null;
    case 'promote':
      return c.learners.includes(id) ? null : `node ${id} is not a learner`;
    case 'remove':
      if (!inIt) return `node ${id} is not a member`;
      if (isVoter(c, id) && c.voters.length === 1) return `node ${id} is the last voter`;
      return null;
  }
}

/** The latest configuration held in `log` at or below `upTo`, else the snapshot's, else `initial`. */
export function configOfLog(log: RaftLog, initial: Configuration, upTo = log.lastIndex): { config: Configuration; index: number } {
  for (let i = Math.min(upTo, log.lastIndex); i > log.snapshotIndex; i--) {
    const e = log.at(i);
    if (e.config) return { config: e.config, index: i };
  }
  return { config: log.snapshot?.config ?? initial, index: log.snapshot?.config ? log.snapshotIndex : 0 };
}

/** The same for a log given as plain data (a disk, a view): latest configuration entry, else the snapshot's, else `initial`. */
export function configOfEntries(entries: readonly Entry[], snapshot: Snapshot | null, initial: Configuration): Configuration {
  for (let i = entries.length - 1; i >= 0; i--) {
    const c = entries[i]!.config;
    if (c) return c;
  }
  return snapshot?.config ?? initial;
}

/**
 * Thesis §4.2.2: "a server that is not part of its own latest configuration
 * should still start new elections, as it might still be needed until the
 * Cnew entry is committed (as in Figure 4.6). It does not count its own vote
 * in elections unless it is part of its latest configuration." So: a voter
 * campaigns; so does a server removed by an entry not yet committed, if it
 * was a voter before it. A learner, or a server that knows no configuration
 * yet, never does (§4.2.1).
 */
export function mayCampaign(s: NodeState): boolean {
  if (s.isVoter) return true;
  if (s.confIndex <= s.commitIndex || s.conf.learners.includes(s.id)) return false;
  return isVoter(configOfLog(s.log, s.config.initial, s.confIndex - 1).config, s.id);
}

function describeConfig(c: Configuration): string {
  const learners = c.learners.length > 0 ? `, learners ${c.learners.join(', ')}` : '';
  return `voters ${c.voters.join(', ')}${learners}`;
}

/**
 * Puts the configuration of the log back in force (§4.1: the latest in the
 * log): after an append, a truncation, a snapshot. Emits a 'config' event
 * when it changed, and a leader starts or stops tracking members.
 */
export function refreshConfig(s: NodeState): void {
  const { config, index } = configOfLog(s.log, s.config.initial);
  if (index === s.confIndex && config === s.conf) return;
  const changed = !sameConfig(config, s.conf);
  s.setConf(config, index);
  if (!changed) return;
  s.emit({
    at: s.now,
    kind: 'config',
    node: s.id,
    term: s.currentTerm,
    index,
    config,
    committed: index <= s.commitIndex,
    inForce: true,
    reason: `its configuration is now ${describeConfig(config)} (§4.1: the latest in its log, committed or not)`,
  });
  if (s.role === 'leader') trackMembers(s);
  // The target left the voters: nothing to hand over to (thesis §3.10).
  if (s.transferee !== 0 && !isVoter(config, s.transferee)) s.abandonTransfer('is no longer a voter');
}

function sameConfig(a: Configuration, b: Configuration): boolean {
  return a.voters.join() === b.voters.join() && a.learners.join() === b.learners.join();
}

/** A leader keeps a Progress for every member but itself (Figure 2, "reinitialized after election" — and on each change). */
export function trackMembers(s: NodeState): void {
  const next = s.lastIndex + 1;
  for (const peer of s.peers) if (!s.progress.has(peer)) s.progress.set(peer, new Progress(next));
  for (const peer of [...s.progress.keys()]) if (!s.peers.includes(peer)) s.progress.delete(peer);
}

/** A configuration change is appended but not committed, or waiting for the leader's first commit of its term. */
export function changePending(s: NodeState): boolean {
  return s.confIndex > s.commitIndex || s.pendingChange !== null;
}

/**
 * A leader takes a single-server change (thesis §4.1). Returns why it was
 * refused, or null: appended now, or — the 2015 fix — held until an entry
 * of this term commits (a no-op is appended if there is none).
 */
export function proposeChange(s: NodeState, change: ConfChange, append: (command: string, config?: Configuration) => void): string | null {
  if (s.role !== 'leader') return `node ${s.id} is not the leader`;
  if (s.transferee !== 0) return `node ${s.id} is handing leadership to node ${s.transferee}`;
  if (changePending(s)) return 'a configuration change is still uncommitted (§4.1: one at a time)';
  const refusal = changeRefusal(s.conf, change);
  if (refusal) return refusal;
  if (s.termAt(s.commitIndex) !== s.currentTerm) {
    // The 2015 fix: no configuration entry before an entry of this term is committed.
    s.pendingChange = change;
    if (s.log.lastTerm !== s.currentTerm) append('');
    return null;
  }
  append('', applyChange(s.conf, change));
  return null;
}

/**
 * After a leader's commitIndex moved: append a held change once an entry of
 * this term is committed; step down once its own removal is committed
 * (§4.2.2); promote a learner that has caught up (§4.2.1).
 */
export function afterLeaderCommit(s: NodeState, append: (command: string, config?: Configuration) => void): void {
  if (s.role !== 'leader') return;
  if (s.confIndex <= s.commitIndex && !isVoter(s.conf, s.id)) {
    // §4.2.2: "the leader steps down (returns to follower state) once the Cnew entry is committed."
    s.roles.becomeFollower(s.currentTerm, 0, s.now, { code: 'removed-from-config', index: s.confIndex });
    return;
  }
  if (s.pendingChange && s.termAt(s.commitIndex) === s.currentTerm) {
    const change = s.pendingChange;
    s.pendingChange = null;
    if (changeRefusal(s.conf, change) === null) append('', applyChange(s.conf, change));
    return;
  }
  maybePromote(s, append);
}

/** §4.2.1: a learner whose log has caught up with what the leader has committed becomes a voter, by one more change. */
export function maybePromote(s: NodeState, append: (command: string, config?: Configuration) => void): void {
  if (s.role !== 'leader' || changePending(s) || s.transferee !== 0) return;
  if (s.termAt(s.commitIndex) !== s.currentTerm) return; // the 2015 fix (see proposeChange)
  for (const learner of s.conf.learners) {
    const pr = s.progress.get(learner);
    if (pr && pr.matchIndex >= s.commitIndex) {
      append('', applyChange(s.conf, { kind: 'promote', node: learner }));
      return;
    }
  }
}

export { describeConfig };
