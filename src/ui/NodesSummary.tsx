/** Every node at a glance (shown where the inspector goes when no node is selected). */
import { memo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { nodeById, selectIds } from '../store';
import { useLab } from './LabContext';
import { ROLE_LETTER, roleWord } from './roles';

/**
 * One node's row: it re-renders only when what it shows changes (a node's
 * snapshot also changes with its timers, which the table does not show).
 */
const SummaryRow = memo(function SummaryRow({ id }: { id: number }) {
  const row = useLab(
    useShallow((s) => {
      const n = nodeById(s.nodes, id);
      return n
        ? {
            role: roleWord(n),
            connected: n.connected,
            term: n.term,
            votedFor: n.votedFor,
            last: n.snapshotIndex + n.log.length,
            commit: n.commitIndex,
          }
        : null;
    }),
  );
  if (!row) return null;
  return (
    <tr>
      <th scope="row">{id}</th>
      <td>
        <span className={`chip role-${row.role}`} aria-hidden="true">
          {ROLE_LETTER[row.role]}
        </span>{' '}
        {row.role}
        {!row.connected && <span className="unplugged-text"> unplugged</span>}
      </td>
      <td>{row.term}</td>
      <td>{row.votedFor === 0 ? '–' : row.votedFor}</td>
      <td>{row.last}</td>
      <td>{row.commit}</td>
    </tr>
  );
});

export function NodesSummary() {
  const ids = useLab(selectIds);
  return (
    <table className="summary-table">
      <caption>Every node at a glance</caption>
      <thead>
        <tr>
          <th scope="col">node</th>
          <th scope="col">role</th>
          <th scope="col">term</th>
          <th scope="col">vote</th>
          <th scope="col">log</th>
          <th scope="col">commit</th>
        </tr>
      </thead>
      <tbody>
        {ids.map((id) => (
          <SummaryRow key={id} id={id} />
        ))}
      </tbody>
    </table>
  );
}
