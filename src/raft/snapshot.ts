/**
 * Log compaction (§7): a node snapshots what it has applied once its log
 * grows past the threshold, and a follower installs a leader's snapshot
 * (Figure 13, receiver side; sending it is replication's).
 */
import { configOfLog, refreshConfig } from './configuration';
import type { NodeState } from './state';
import type { InstallSnapshot, InstallSnapshotReply, Snapshot } from './types';

/** §7: once the log holds more than snapshotThreshold entries, snapshot what is applied. */
export function maybeCompact(s: NodeState): void {
  const threshold = s.config.snapshotThreshold;
  if (threshold <= 0 || s.log.length <= threshold) return;
  if (s.lastApplied <= s.log.snapshotIndex) return;
  const lastIncludedIndex = s.lastApplied;
  const lastIncludedTerm = s.termAt(lastIncludedIndex);
  // Thesis §5.1.1: the snapshot keeps the latest configuration as of its last
  // included index (only once there has been a change: before, the initial one).
  const inForce = configOfLog(s.log, s.config.initial, lastIncludedIndex);
  const snapshot: Snapshot =
    inForce.index > 0
      ? { lastIncludedIndex, lastIncludedTerm, data: s.sm.snapshot(), config: inForce.config }
      : { lastIncludedIndex, lastIncludedTerm, data: s.sm.snapshot() };
  s.log.setSnapshot(snapshot, true);
  s.persist({ kind: 'snapshot', snapshot, discardLog: false });
  s.emit({ at: s.now, kind: 'snapshot', node: s.id, lastIncludedIndex, lastIncludedTerm, reason: 'compacted' });
}

/** Figure 13, InstallSnapshot RPC, receiver implementation (the whole snapshot in one chunk). */
export function handleInstallSnapshot(s: NodeState, m: InstallSnapshot, now: number): void {
  const reply: InstallSnapshotReply = {
    type: 'InstallSnapshotReply',
    from: s.id,
    to: m.from,
    term: s.currentTerm,
    lastIncludedIndex: m.snapshot.lastIncludedIndex,
  };
  // Figure 13, receiver 1: reply immediately if term < currentTerm. The
  // reply acknowledges nothing (index 0): it carries this node's newer term,
  // which a later leader of that very term must not read as an ack of its own.
  if (m.term < s.currentTerm) {
    s.send({ ...reply, lastIncludedIndex: 0 });
    return;
  }
  if (s.role === 'leader') return; // Impossible by Election Safety.
  if (s.role === 'candidate') {
    s.roles.becomeFollower(m.term, m.from, now, { code: 'heard-from-leader', leader: m.from, term: m.term });
  }
  s.leader = m.from;
  s.preCandidate = false;
  s.leaderContactAt = now; // thesis §9.6, §4.2.3: the leader lease starts now
  s.resetElectionTimer(now);
  const snap = m.snapshot;
  if (snap.lastIncludedIndex > s.commitIndex) {
    // Figure 13, receiver 6–7: keep the entries after the snapshot if the
    // log has its last entry; otherwise discard the whole log.
    const keep = s.termAt(snap.lastIncludedIndex) === snap.lastIncludedTerm;
    s.log.setSnapshot(snap, keep);
    // Figure 13, receiver 8: reset the state machine using the snapshot.
    s.sm.restore(snap.data);
    s.commitIndex = snap.lastIncludedIndex;
    s.lastApplied = snap.lastIncludedIndex;
    s.persist({ kind: 'snapshot', snapshot: snap, discardLog: !keep });
    refreshConfig(s); // the snapshot's configuration, unless a kept entry holds a later one (§4.1)
    s.emit({
      at: s.now,
      kind: 'snapshot',
      node: s.id,
      lastIncludedIndex: snap.lastIncludedIndex,
      lastIncludedTerm: snap.lastIncludedTerm,
      reason: 'installed',
    });
    s.emit({ at: s.now, kind: 'commit', node: s.id, term: s.currentTerm, commitIndex: s.commitIndex });
  }
  // Otherwise the node already has everything the snapshot holds, committed.
  s.send(reply);
}
