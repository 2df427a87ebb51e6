/** Every node at a glance (shown where the inspector goes when no node is selected). */
import { selectNodes } from '../store';
import { useLab } from './LabContext';
import { ROLE_LETTER, roleWord } from './roles';

export function NodesSummary() {
  const nodes = useLab(selectNodes);
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
        {nodes.map((n) => {
          const role = roleWord(n);
          return (
            <tr key={n.id}>
              <th scope="row">{n.id}</th>
              <td>
                <span className={`chip role-${role}`} aria-hidden="true">
                  {ROLE_LETTER[role]}
                </span>{' '}
                {role}
                {!n.connected && <span className="unplugged-text"> unplugged</span>}
              </td>
              <td>{n.term}</td>
              <td>{n.votedFor === 0 ? '–' : n.votedFor}</td>
              <td>{n.snapshotIndex + n.log.length}</td>
              <td>{n.commitIndex}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
