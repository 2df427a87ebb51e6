/**
 * One log entry: index, term (and its colour) and command. Committed entries
 * are solid; uncommitted ones pale with a dashed outline. The entry at the
 * commit index carries the commit bar, the one at lastApplied the applied
 * dot; an entry that disagrees with the leader's log is outlined red with ≠.
 * Hovering or focusing an entry shows its whole command.
 */
import { memo } from 'react';
import { showCommand, type Entry } from '../store';
import { termClass } from './geometry';

interface Props {
  entry: Entry;
  committed: boolean;
  applied: boolean;
  conflict: boolean;
  commitPoint: boolean;
  appliedPoint: boolean;
  /** In the list's tab order (one entry per list is: the others are reached with the arrow keys). */
  tabbable?: boolean;
}

export function entryLabel(entry: Entry, committed: boolean, applied: boolean, conflict: boolean): string {
  return [
    `Index ${entry.index}`,
    `term ${entry.term}`,
    `command ${showCommand(entry.command)}`,
    committed ? 'committed' : 'uncommitted',
    ...(applied ? ['applied'] : []),
    ...(conflict ? ['conflicts with the leader’s log'] : []),
  ].join(', ');
}

export const LogEntryItem = memo(function LogEntryItem({
  entry,
  committed,
  applied,
  conflict,
  commitPoint,
  appliedPoint,
  tabbable,
}: Props) {
  const label = entryLabel(entry, committed, applied, conflict);
  const cls = [
    'log-entry',
    termClass(entry.term),
    committed ? 'is-committed' : 'is-uncommitted',
    conflict ? 'is-conflict' : '',
    commitPoint ? 'is-commit-point' : '',
    appliedPoint ? 'is-applied-point' : '',
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <li className={cls} style={{ gridColumnStart: entry.index }} aria-label={label} title={label} tabIndex={tabbable ? 0 : -1}>
      <span className="entry-meta" aria-hidden="true">
        {entry.index}·t{entry.term}
        {conflict && <span className="entry-conflict"> ≠</span>}
      </span>
      <span className={`entry-cmd${entry.command === '' ? ' is-noop' : ''}`} aria-hidden="true">
        {showCommand(entry.command)}
      </span>
      {/* The whole command on hover or focus, over the cells beside it (the cell may cut it). */}
      {entry.command !== '' && (
        <span className="entry-full" aria-hidden="true">
          {showCommand(entry.command)}
        </span>
      )}
    </li>
  );
});
