/**
 * One log entry: index, term (and its colour) and command. Committed entries
 * are solid; uncommitted ones pale with a dashed outline. The entry at the
 * commit index carries the commit bar, the one at lastApplied the applied
 * dot; an entry that disagrees with the leader's log is outlined red with ≠.
 * Hovering or focusing an entry shows its whole command. A configuration
 * entry (thesis §4.1) is an entry kind of its own: ⚙ and what it changes
 * ("⚙ +6 learner", "⚙ 6 voter", "⚙ −3"), or its voters.
 */
import { memo } from 'react';
import { describeConfig, showCommand, type Configuration, type Entry } from '../store';
import { termClass } from './geometry';

interface Props {
  entry: Entry;
  committed: boolean;
  applied: boolean;
  conflict: boolean;
  commitPoint: boolean;
  appliedPoint: boolean;
  /** The configuration before this entry (the log's previous configuration entry), to word a configuration entry as a change. */
  prevConfig?: Configuration | undefined;
  /** In the list's tab order (one entry per list is: the others are reached with the arrow keys). */
  tabbable?: boolean;
}

/** A configuration entry's cell text: the change from `prev` when known (single-server changes), else its voters. */
export function configCell(config: Configuration, prev: Configuration | undefined): string {
  if (prev) {
    const added = config.learners.filter((n) => !prev.learners.includes(n) && !prev.voters.includes(n));
    const promoted = config.voters.filter((n) => !prev.voters.includes(n));
    const removed = [...prev.voters, ...prev.learners].filter((n) => !config.voters.includes(n) && !config.learners.includes(n));
    const parts = [...added.map((n) => `+${n} learner`), ...promoted.map((n) => `${n} voter`), ...removed.map((n) => `−${n}`)];
    if (parts.length > 0) return `⚙ ${parts.join(' ')}`;
  }
  return `⚙ voters ${config.voters.join(',')}${config.learners.length ? ` +${config.learners.join(',')} learner` : ''}`;
}

export function entryLabel(entry: Entry, committed: boolean, applied: boolean, conflict: boolean): string {
  return [
    `Index ${entry.index}`,
    `term ${entry.term}`,
    entry.config ? `configuration entry: ${describeConfig(entry.config)}` : `command ${showCommand(entry.command)}`,
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
  prevConfig,
  tabbable,
}: Props) {
  const config = entry.config;
  const label = entryLabel(entry, committed, applied, conflict);
  const cls = [
    'log-entry',
    termClass(entry.term),
    committed ? 'is-committed' : 'is-uncommitted',
    conflict ? 'is-conflict' : '',
    config ? 'is-config' : '',
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
      <span className={`entry-cmd${config ? ' is-config' : entry.command === '' ? ' is-noop' : ''}`} aria-hidden="true">
        {config ? configCell(config, prevConfig) : showCommand(entry.command)}
      </span>
      {/* The whole command on hover or focus, over the cells beside it (the cell may cut it). */}
      {(config || entry.command !== '') && (
        <span className="entry-full" aria-hidden="true">
          {config ? `configuration: ${describeConfig(config)}` : showCommand(entry.command)}
        </span>
      )}
    </li>
  );
});
