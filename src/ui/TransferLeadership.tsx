/**
 * The inspector's "Transfer leadership to…" (issue 13, thesis §3.10): offered
 * for a live leader, to another voter of its configuration. The leader stops
 * taking commands, catches the target up and sends it TimeoutNow; if no
 * election follows within an election timeout it gives up and leads on.
 */
import { useId, useState } from 'react';
import type { NodeSnapshot } from '../store';
import { useLabApi } from './LabContext';

export function TransferLeadership({ node }: { node: NodeSnapshot }) {
  const lab = useLabApi();
  const id = useId();
  const leading = node.alive && node.role === 'leader';
  const voters = (node.config?.voters ?? []).filter((v) => v !== node.id);
  const [chosen, setChosen] = useState<number | null>(null);
  const target = chosen !== null && voters.includes(chosen) ? chosen : (voters[0] ?? null);
  const busy = leading && (node.transferee ?? 0) !== 0;
  const enabled = leading && target !== null && !busy;
  return (
    <div className="transfer-leadership" role="group" aria-label={`Transfer leadership from node ${node.id}`}>
      <label htmlFor={`${id}-to`}>Transfer leadership to</label>
      <select
        id={`${id}-to`}
        value={target ?? ''}
        disabled={!leading || voters.length === 0}
        onChange={(e) => setChosen(Number(e.currentTarget.value))}
        className="select-node"
      >
        {voters.map((v) => (
          <option key={v} value={v}>
            Node {v}
          </option>
        ))}
      </select>
      <button
        type="button"
        className="btn"
        disabled={!enabled}
        onClick={() => {
          if (target !== null) void lab.store.getState().transferLeadership(node.id, target);
        }}
        aria-label={target === null ? 'Transfer leadership' : `Transfer leadership to node ${target}`}
        title="Thesis §3.10: catch the target up, then tell it to time out now"
      >
        Transfer
      </button>
      <span className="hint transfer-hint">
        {!leading
          ? 'Only a live leader can hand leadership over (thesis §3.10).'
          : busy
            ? `Handing leadership to node ${node.transferee}: no new commands until it wins or the transfer is abandoned.`
            : voters.length === 0
              ? 'No other voter to hand leadership to.'
              : 'Catches the target up, then tells it to start an election now (thesis §3.10).'}
      </span>
    </div>
  );
}
