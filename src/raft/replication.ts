/**
 * Log replication (§5.3) and commitment (§5.3, §5.4.2): the leader appends
 * commands, sends AppendEntries (or, when the entries were compacted away,
 * InstallSnapshot, §7) under the one-outstanding-message flow control of
 * progress.ts, and handles their replies; followers check and append. Also
 * leadership transfer (thesis §3.10), which is replication to one follower
 * followed by TimeoutNow. Majorities are of the voters in force (§4.1);
 * learners are replicated to but never counted.
 */
import { afterLeaderCommit, maybePromote, refreshConfig } from './configuration';
import { committedIndex } from './quorum';
import { describeWhy, type Why } from './reasons';
import { maybeCompact } from './snapshot';
import type { Progress } from './progress';
import type { NodeState } from './state';
import {
  type AppendEntries,
  type AppendEntriesReply,
  type Configuration,
  type Entry,
  type InstallSnapshotReply,
  type NodeId,
  type TimeoutNow,
} from './types';

const EMPTY: readonly Entry[] = [];

/**
 * §5.3: "the leader appends the command to its log as a new entry". With
 * `config`, a configuration entry (thesis §4.1), in force at once.
 */
export function appendOwn(s: NodeState, command: string, config?: Configuration): Entry {
  const entry: Entry = config
    ? { index: s.lastIndex + 1, term: s.currentTerm, command, config }
    : { index: s.lastIndex + 1, term: s.currentTerm, command };
  s.log.append(entry);
  s.persist({ kind: 'entries', fromIndex: entry.index, entries: [entry] });
  s.emit({ at: s.now, kind: 'append', node: s.id, term: s.currentTerm, fromIndex: entry.index, entries: [entry], truncatedFrom: null });
  if (config) refreshConfig(s);
  return entry;
}

/** A leader's own entry, sent at once to whoever is idle (a configuration change's entries too). */
export function appendAndReplicate(s: NodeState, command: string, config?: Configuration): void {
  appendOwn(s, command, config);
  replicateToIdle(s);
  maybeCommit(s);
}

/** The log changed on a follower: put back in force the configuration it now holds, if that can have changed (§4.1). */
function logChanged(s: NodeState, fresh: readonly Entry[], truncatedFrom: number | null): void {
  if ((truncatedFrom !== null && truncatedFrom <= s.confIndex) || fresh.some((e) => e.config)) refreshConfig(s);
}

/** Sends new entries to every follower that has no message outstanding (the others get them with its answer). */
export function replicateToIdle(s: NodeState): void {
  for (const peer of s.peers) {
    const pr = s.progress.get(peer);
    if (pr && !pr.isPaused()) sendAppend(s, peer, pr);
  }
}

/** §5.2: heartbeats "to maintain their authority"; also the retry of anything presumed lost. */
export function broadcastHeartbeat(s: NodeState): void {
  const now = s.now;
  for (const peer of s.peers) {
    const pr = s.progress.get(peer);
    if (!pr) continue;
    if (pr.sentWithin(now, s.config.heartbeatMs)) {
      // News is on its way: a bare heartbeat at the known match point. It
      // keeps the follower's timer and commitIndex fresh and, since the
      // follower is known to hold that entry, is never refused for a gap.
      if (pr.matchIndex >= s.log.snapshotIndex) sendAppendAt(s, peer, pr.matchIndex, EMPTY);
    } else {
      // Nothing outstanding, or no answer for a whole heartbeat interval
      // (presumed lost): (re)send everything from nextIndex, or probe.
      sendAppend(s, peer, pr);
    }
  }
}

/**
 * Sends the entries from nextIndex on (none: a probe at nextIndex - 1), or
 * the snapshot if they were compacted away (§7), and marks it outstanding.
 */
export function sendAppend(s: NodeState, peer: NodeId, pr: Progress): void {
  if (pr.nextIndex <= s.log.snapshotIndex) {
    sendSnapshot(s, peer, pr);
    return;
  }
  const prevLogIndex = pr.nextIndex - 1;
  const entries = s.log.slice(pr.nextIndex, s.config.maxEntriesPerMessage);
  sendAppendAt(s, peer, prevLogIndex, entries);
  pr.sentEntries(s.now, prevLogIndex + entries.length);
}

function sendAppendAt(s: NodeState, peer: NodeId, prevLogIndex: number, entries: readonly Entry[]): void {
  const msg: AppendEntries = {
    type: 'AppendEntries',
    from: s.id,
    to: peer,
    term: s.currentTerm,
    prevLogIndex,
    prevLogTerm: s.termAt(prevLogIndex),
    entries,
    leaderCommit: s.commitIndex,
  };
  s.send(msg);
}

/** Figure 13: the leader "sends InstallSnapshot RPCs to followers that are too far behind" (one chunk). */
function sendSnapshot(s: NodeState, peer: NodeId, pr: Progress): void {
  const snapshot = s.log.snapshot;
  if (!snapshot) return;
  pr.sentSnapshot(s.now, snapshot.lastIncludedIndex);
  s.send({ type: 'InstallSnapshot', from: s.id, to: peer, term: s.currentTerm, snapshot });
}

/** Figure 2, AppendEntries RPC, receiver implementation. */
export function handleAppendEntries(s: NodeState, m: AppendEntries, now: number): void {
  if (m.term < s.currentTerm) {
    // Figure 2, AppendEntries receiver 1: reply false if term < currentTerm.
    rejectAppend(s, m, { code: 'stale-term', ours: s.currentTerm, theirs: m.term }, 0, 0);
    return;
  }
  if (s.role === 'leader') return; // Impossible by Election Safety (§5.2): ignore.
  if (s.role === 'candidate') {
    // §5.2: a candidate that hears from a leader of its term steps down.
    s.roles.becomeFollower(m.term, m.from, now, { code: 'heard-from-leader', leader: m.from, term: m.term });
  }
  s.leader = m.from;
  s.preCandidate = false;
  s.leaderContactAt = now; // thesis §9.6, §4.2.3: the leader lease starts now
  // Figure 2, rules for followers: AppendEntries from the current leader resets the timer.
  s.resetElectionTimer(now);

  let prevLogIndex = m.prevLogIndex;
  let entries = m.entries;
  const snapIndex = s.log.snapshotIndex;
  if (prevLogIndex < snapIndex) {
    // The prefix up to the snapshot is committed, so it matches the leader's
    // log (§5.4.3, Leader Completeness): skip the entries it covers.
    const skip = snapIndex - prevLogIndex;
    if (skip >= entries.length) {
      acceptAppend(s, m, prevLogIndex + entries.length);
      return;
    }
    entries = entries.slice(skip);
    prevLogIndex = snapIndex;
  } else if (prevLogIndex > s.lastIndex) {
    // Figure 2, AppendEntries receiver 2 (log doesn't contain prevLogIndex).
    rejectAppend(s, m, { code: 'no-entry-at-prev', prevLogIndex }, s.lastIndex + 1, 0);
    return;
  } else {
    const localTerm = s.termAt(prevLogIndex);
    if (localTerm !== m.prevLogTerm) {
      // Figure 2, receiver 2 (term mismatch); §5.3 fast backtracking hint:
      // the conflicting term and the first index this node stores for it.
      const first = s.log.firstIndexOfTermAt(prevLogIndex);
      rejectAppend(s, m, { code: 'prev-term-mismatch', prevLogIndex, localTerm, prevLogTerm: m.prevLogTerm }, first, localTerm);
      return;
    }
  }

  // Figure 2, receiver 3 and 4: delete only on conflict, append what is new.
  let appendFrom = -1;
  let truncatedFrom: number | null = null;
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    if (entry.index > s.lastIndex) {
      appendFrom = i;
      break;
    }
    if (s.termAt(entry.index) !== entry.term) {
      if (s.config.faultSet.has('keep-conflicting-entries')) {
        // FAULT (lab bug switch): 'keep-conflicting-entries' breaks §5.3 (Figure
        // 2, receiver 3: "delete the existing entry and all that follow it") —
        // the follower keeps its own entry here, skips the leader's, and still
        // acknowledges the index: its log now differs from the leader's below
        // entries they share (Log Matching), and it may commit and apply its
        // own entry where the others apply the leader's (State Machine Safety).
        entries = keptConflicting(s, entries, i);
        break;
      }
      if (entry.index <= s.commitIndex && s.config.faultSet.size === 0) {
        throw new Error(`node ${s.id}: refusing to truncate committed entry ${entry.index} (safety violated)`);
      }
      // With a bug switch on, a leader can lack entries this node committed
      // (that is what the switches demonstrate): the node does what Raft
      // without this guard would do — overwrite them — and the safety
      // monitor reports it, instead of the node stopping (below, its commit
      // and apply counters are kept within the shortened log).
      truncatedFrom = entry.index;
      s.log.truncateFrom(entry.index);
      appendFrom = i;
      break;
    }
  }
  if (appendFrom >= 0) {
    const fresh = appendFrom === 0 ? entries : entries.slice(appendFrom);
    for (const entry of fresh) s.log.append(entry);
    const fromIndex = fresh[0]!.index;
    s.persist({ kind: 'entries', fromIndex, entries: fresh });
    s.emit({ at: s.now, kind: 'append', node: s.id, term: s.currentTerm, fromIndex, entries: fresh, truncatedFrom });
    logChanged(s, fresh, truncatedFrom);
  }
  if (s.commitIndex > s.lastIndex) {
    // Only with a bug switch on (a committed entry was overwritten above).
    // The applied commands stay applied: a state machine cannot un-apply.
    s.commitIndex = s.lastIndex;
    s.lastApplied = Math.min(s.lastApplied, s.lastIndex);
  }
  const lastNewIndex = prevLogIndex + entries.length;
  // Figure 2, receiver 5: commitIndex = min(leaderCommit, index of last new entry).
  if (m.leaderCommit > s.commitIndex) {
    const newCommit = Math.min(m.leaderCommit, lastNewIndex);
    if (newCommit > s.commitIndex) advanceCommit(s, newCommit);
  }
  acceptAppend(s, m, lastNewIndex);
}

/**
 * 'keep-conflicting-entries' (the lab bug switch above): of `entries`, whose
 * `i`-th conflicts with this node's log, the part this node will say it
 * holds. It keeps its own entries where the two overlap, then takes the
 * leader's beyond its log — but only while their terms do not fall below
 * its last term: a log's terms never decrease (§5.1, §5.3), and even this
 * broken node keeps a log that could be written to disk (the rest of the
 * message is dropped and acknowledged no further).
 */
function keptConflicting(s: NodeState, entries: readonly Entry[], i: number): readonly Entry[] {
  let end = i;
  while (end < entries.length && entries[end]!.index <= s.lastIndex) end++;
  let lastTerm = s.lastTerm;
  const fresh: Entry[] = [];
  for (; end < entries.length && entries[end]!.term >= lastTerm; end++) {
    fresh.push(entries[end]!);
    lastTerm = entries[end]!.term;
  }
  if (fresh.length > 0) {
    const fromIndex = fresh[0]!.index;
    for (const entry of fresh) s.log.append(entry);
    s.persist({ kind: 'entries', fromIndex, entries: fresh });
    s.emit({ at: s.now, kind: 'append', node: s.id, term: s.currentTerm, fromIndex, entries: fresh, truncatedFrom: null });
    logChanged(s, fresh, null);
  }
  return entries.slice(0, end);
}

function acceptAppend(s: NodeState, m: AppendEntries, matchIndex: number): void {
  s.send({
    type: 'AppendEntriesReply',
    from: s.id,
    to: m.from,
    term: s.currentTerm,
    success: true,
    prevLogIndex: m.prevLogIndex,
    matchIndex,
    conflictIndex: 0,
    conflictTerm: 0,
  });
}

function rejectAppend(s: NodeState, m: AppendEntries, why: Why, conflictIndex: number, conflictTerm: number): void {
  s.emit({ at: s.now, kind: 'reject', node: s.id, term: s.currentTerm, leader: m.from, why, reason: describeWhy(why) });
  s.send({
    type: 'AppendEntriesReply',
    from: s.id,
    to: m.from,
    term: s.currentTerm,
    success: false,
    prevLogIndex: m.prevLogIndex,
    matchIndex: 0,
    conflictIndex,
    conflictTerm,
  });
}

/** The leader takes a follower's answer to an AppendEntries. */
export function handleAppendEntriesReply(s: NodeState, m: AppendEntriesReply): void {
  if (s.role !== 'leader' || m.term !== s.currentTerm) return; // stale
  const pr = s.progress.get(m.from);
  if (!pr) return;
  if (m.success) {
    acknowledged(s, m.from, pr, m.matchIndex);
    return;
  }
  // A refusal for a stale term (conflictIndex 0) answered an older leader's
  // request, not ours.
  if (m.conflictIndex === 0) return;
  // §5.3 fast backtracking: skip the whole conflicting term in one round trip.
  let next = m.conflictIndex;
  if (m.conflictTerm > 0) {
    const last = s.log.lastIndexOfTerm(m.conflictTerm);
    if (last > 0) next = last + 1;
  }
  if (pr.maybeDecrTo(m.prevLogIndex, next, s.lastIndex)) sendAppend(s, m.from, pr);
}

/** The leader takes a follower's answer to an InstallSnapshot (Figure 13). */
export function handleInstallSnapshotReply(s: NodeState, m: InstallSnapshotReply): void {
  if (s.role !== 'leader' || m.term !== s.currentTerm) return;
  const pr = s.progress.get(m.from);
  if (!pr) return;
  acknowledged(s, m.from, pr, m.lastIncludedIndex);
}

/** A follower holds everything through `index`: maybe commit, and send what it still lacks. */
function acknowledged(s: NodeState, peer: NodeId, pr: Progress, index: number): void {
  const moved = pr.maybeUpdate(index);
  maybeCommit(s);
  if (s.role !== 'leader') return; // its own removal committed: it stepped down (§4.2.2)
  if (!pr.isPaused() && pr.nextIndex <= s.lastIndex) sendAppend(s, peer, pr);
  // Thesis §3.10: once the target holds the whole log, tell it to campaign.
  if (moved && peer === s.transferee && pr.matchIndex === s.lastIndex) sendTimeoutNow(s, peer);
  // §4.2.1: a learner that has caught up is promoted.
  if (moved && s.conf.learners.includes(peer)) maybePromote(s, (c, conf) => appendAndReplicate(s, c, conf));
}

/**
 * §5.3 and §5.4.2 (Figure 8): commit the highest N replicated on a majority,
 * but only if log[N].term == currentTerm; earlier entries commit with it.
 */
export function maybeCommit(s: NodeState): void {
  // §4.1: a majority of the voters in force; a leader that is not one of
  // them (its removal is pending, §4.2.2) does not count itself.
  const matches: number[] = s.isVoter ? [s.lastIndex] : [];
  for (const [peer, pr] of s.progress) if (s.voter(peer)) matches.push(pr.matchIndex);
  const n = committedIndex(matches, s.quorum);
  // FAULT (lab bug switch): 'commit-earlier-term' breaks §5.4.2 — it commits
  // an entry of an earlier term by counting replicas, which a later leader
  // may still overwrite (Figure 8 (d)): State Machine Safety, Leader Completeness.
  const countsEarlierTerms = s.config.faultSet.has('commit-earlier-term');
  if (n > s.commitIndex && (s.termAt(n) === s.currentTerm || countsEarlierTerms)) advanceCommit(s, n);
}

function advanceCommit(s: NodeState, index: number): void {
  s.commitIndex = index;
  s.emit({ at: s.now, kind: 'commit', node: s.id, term: s.currentTerm, commitIndex: index });
  // Figure 2, all servers: "If commitIndex > lastApplied: increment
  // lastApplied, apply log[lastApplied] to state machine" — in order, once.
  while (s.lastApplied < s.commitIndex) {
    s.lastApplied += 1;
    const entry = s.log.at(s.lastApplied);
    s.sm.apply(entry.command); // a configuration entry's command is '': it changes no key
    s.emit({ at: s.now, kind: 'apply', node: s.id, index: entry.index, term: entry.term, command: entry.command });
    if (entry.config) {
      s.emit({
        at: s.now,
        kind: 'config',
        node: s.id,
        term: s.currentTerm,
        index: entry.index,
        config: entry.config,
        committed: true,
        inForce: false,
        reason: `the configuration of entry ${entry.index} is committed`,
      });
    }
  }
  maybeCompact(s);
  if (s.role === 'leader') afterLeaderCommit(s, (c, conf) => appendAndReplicate(s, c, conf));
}

// ------------------------------------------------- leadership transfer (§3.10)

/**
 * Thesis §3.10: "the prior leader stops accepting new client requests",
 * brings the target's log up to date, then sends it TimeoutNow. If no
 * election happens within an election timeout, the transfer is abandoned and
 * the leader takes requests again. Returns false (and changes nothing) if
 * this node is not a leader or `to` is not another voter.
 */
export function startTransfer(s: NodeState, to: NodeId, now: number): boolean {
  if (s.role !== 'leader' || to === s.id || !s.voter(to)) return false;
  s.transferee = to;
  s.transferDeadlineMs = now + s.config.electionTimeoutMs[1];
  s.emitTransfer(to, 'started', `it stops taking commands and hands leadership to node ${to} (§3.10)`);
  const pr = s.progress.get(to);
  if (!pr) return true;
  if (pr.matchIndex === s.lastIndex) sendTimeoutNow(s, to);
  else if (!pr.isPaused()) sendAppend(s, to, pr);
  return true;
}

function sendTimeoutNow(s: NodeState, to: NodeId): void {
  s.emitTransfer(to, 'timeoutNow', `node ${to} holds its whole log, so it tells it to start an election now (§3.10)`);
  const m: TimeoutNow = { type: 'TimeoutNow', from: s.id, to, term: s.currentTerm };
  s.send(m);
}

/** Thesis §3.10: TimeoutNow from the leader of this term — a voter starts an election at once (no pre-vote). */
export function handleTimeoutNow(s: NodeState, m: TimeoutNow, now: number): void {
  if (m.term !== s.currentTerm || s.role === 'leader' || !s.isVoter) return;
  s.roles.campaign(now, { code: 'timeout-now', from: m.from }, true);
}
