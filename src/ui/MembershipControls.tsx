/**
 * Membership changes under the ring (issue 13; thesis §4.1, §4.2.1): Add node
 * (a new node, the next id, joins as a learner and becomes a voter once
 * caught up) and Remove node (the node chosen, by default the selected one).
 * The engine refuses what cannot be done now — no live leader, a change not
 * yet committed, the last voter — and the refusal shows here, nothing changed.
 */
import { useId, useState } from 'react';
import { selectIds, selectSelectedNode } from '../store';
import { useLab, useLabApi } from './LabContext';
import { NoticeLine } from './NoticeLine';
import { NodeOptions } from './NodeOptions';

export function MembershipControls() {
  const lab = useLabApi();
  const ids = useLab(selectIds);
  const selected = useLab(selectSelectedNode);
  // A node picked in the list counts until the selection on the ring changes (then the selected node is offered).
  const [choice, setChoice] = useState<{ readonly id: number; readonly under: number | null } | null>(null);
  const picked = choice && choice.under === selected && ids.includes(choice.id) ? choice.id : null;
  const target = picked ?? (selected !== null && ids.includes(selected) ? selected : (ids[ids.length - 1] ?? null));
  const id = useId();
  const s = () => lab.store.getState();
  return (
    <div className="membership-controls">
      <div className="presets" role="group" aria-label="Membership">
        <span className="timer-controls-label" aria-hidden="true">
          Membership
        </span>
        <button
          type="button"
          className="btn"
          onClick={() => void s().addNode()}
          title="A new node with an empty disk joins as a learner, then becomes a voter once caught up (thesis §4.2.1)"
        >
          Add node
        </button>
        <label htmlFor={`${id}-remove`} className="membership-label">
          Node to remove
        </label>
        <select
          id={`${id}-remove`}
          value={target ?? ''}
          onChange={(e) => setChoice({ id: Number(e.currentTarget.value), under: selected })}
          className="select-node"
        >
          <NodeOptions ids={ids} />
        </select>
        <button
          type="button"
          className="btn"
          disabled={target === null}
          onClick={() => {
            if (target !== null) void s().removeNode(target);
          }}
          title="The leader appends a configuration without it; once committed, the node is shut down (thesis §4.1)"
        >
          Remove node
        </button>
      </div>
      <NoticeLine area="membership" />
    </div>
  );
}
