/**
 * One node's log: a list named "Log of node N", entries placed in columns by
 * index so the rows line up; the snapshot prefix drawn as one block. Re-renders
 * only when this node's log, commit/applied indexes or the leader's log change.
 */
import { memo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { liveLeader } from '../store';
import { useLab } from './LabContext';
import { LogEntryItem } from './LogEntryItem';
import { ROLE_LETTER, roleWord } from './roles';

export const LogRow = memo(function LogRow({ id }: { id: number }) {
  const node = useLab(
    useShallow((s) => {
      const n = s.nodes[id - 1];
      return {
        log: n?.log ?? [],
        commitIndex: n?.commitIndex ?? 0,
        lastApplied: n?.lastApplied ?? 0,
        snapshotIndex: n?.snapshotIndex ?? 0,
        snapshotTerm: n?.snapshotTerm ?? 0,
        role: n ? roleWord(n) : 'follower',
      };
    }),
  );
  const leader = useLab(
    useShallow((s) => {
      const l = liveLeader(s.nodes);
      return { leaderId: l?.id ?? 0, leaderLog: l?.log, leaderSnapshot: l?.snapshotIndex ?? 0 };
    }),
  );
  const { log, commitIndex, lastApplied, snapshotIndex, snapshotTerm, role } = node;
  const compare = leader.leaderLog !== undefined && leader.leaderId !== id;
  const conflicts = (index: number, term: number): boolean => {
    if (!compare || index <= leader.leaderSnapshot) return false;
    const theirs = leader.leaderLog![index - leader.leaderSnapshot - 1];
    return !theirs || theirs.term !== term;
  };
  return (
    <div className={`log-row role-${role}`}>
      <div className="log-label">
        <span className={`chip role-${role}`} aria-hidden="true">
          {ROLE_LETTER[role]}
        </span>
        <span className="log-node">Node {id}</span>
        <span className="log-indexes">
          commit {commitIndex} · applied {lastApplied}
        </span>
      </div>
      <div className="log-track">
        {snapshotIndex > 0 && (
          <div
            className="log-snapshot"
            style={{ width: `calc(${snapshotIndex} * var(--cell))` }}
            title={`Snapshot of entries 1–${snapshotIndex} (last term ${snapshotTerm})`}
          >
            <span>
              snapshot 1–{snapshotIndex} · t{snapshotTerm}
            </span>
          </div>
        )}
        <ol className="log-list" aria-label={`Log of node ${id}`}>
          {log.map((e) => (
            <LogEntryItem
              key={e.index}
              entry={e}
              committed={e.index <= commitIndex}
              applied={e.index <= lastApplied}
              conflict={conflicts(e.index, e.term)}
              commitPoint={e.index === commitIndex}
              appliedPoint={e.index === lastApplied}
            />
          ))}
        </ol>
        {log.length === 0 && snapshotIndex === 0 && <span className="log-empty">empty log</span>}
      </div>
    </div>
  );
});
