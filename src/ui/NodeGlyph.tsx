/**
 * One node on the ring: a button named "Node N, role, term T". Role by
 * colour, letter and outline; the term; its vote (or a candidate's votes);
 * the election-timer arc; a crashed or unplugged look.
 *
 * The name says in words what the drawing shows. The button's only text is
 * its visible label "Node N", which the name starts with (WCAG 2.5.3 Label
 * in Name: a speech user says what they see); the term, vote, role letter
 * and "unplugged" are drawn by a sibling over it, hidden from assistive
 * technology.
 */
import { memo, type KeyboardEvent } from 'react';
import { selectNode } from '../store';
import type { Label, Point } from './geometry';
import { useLab, useLabApi } from './LabContext';
import { ROLE_LETTER, nodeName, roleWord } from './roles';
import { keyboardFocused } from './shortcuts';
import { TimerArc } from './TimerArc';

interface Props {
  id: number;
  centre: Point;
  label: Label;
  radius: number;
  clusterSize: number;
}

export const NodeGlyph = memo(function NodeGlyph({ id, centre, label, radius, clusterSize }: Props) {
  const lab = useLabApi();
  const node = useLab(selectNode(id));
  const selected = useLab((s) => s.selectedNode === id);
  if (!node) return null;
  const role = roleWord(node);
  const quorum = Math.floor(clusterSize / 2) + 1;
  const sub =
    role === 'crashed'
      ? 'crashed'
      : role === 'candidate'
        ? `${node.votes.length} of ${quorum} votes`
        : node.votedFor === 0
          ? 'no vote'
          : `voted ${node.votedFor}`;
  // Pressing a node selects it (it stays pressed); Esc or the inspector's × deselects.
  const select = () => lab.store.getState().selectNode(id);
  const onKeyDown = (e: KeyboardEvent) => {
    // Space after a mouse click is left to the page (play/pause), as for buttons.
    if (e.key === 'Enter' || (e.key === ' ' && keyboardFocused())) {
      e.preventDefault();
      select();
    }
  };
  const badge = { x: radius * 0.74, y: -radius * 0.74 };
  const at = `translate(${centre.x} ${centre.y})`;
  const roleClass = `role-${role}`;
  return (
    <>
      <g
        role="button"
        tabIndex={0}
        aria-label={nodeName(id, node)}
        aria-pressed={selected}
        className={`node ${roleClass}${selected ? ' is-selected' : ''}${node.connected ? '' : ' is-unplugged'}`}
        transform={at}
        onClick={select}
        onKeyDown={onKeyDown}
      >
        <circle className="node-halo" r={radius + 15} />
        <circle className="timer-track" r={radius + 7} />
        <TimerArc
          deadline={node.electionDeadline}
          timeout={node.electionTimeout}
          active={node.alive && node.role !== 'leader'}
          innerRadius={radius + 4}
          outerRadius={radius + 10}
        />
        {role === 'leader' && <circle className="leader-ring" r={radius + 7} />}
        <circle className="node-body" r={radius} />
        {role === 'crashed' && <path className="crash-cross" d={`M${-radius * 0.5} ${-radius * 0.5}L${radius * 0.5} ${radius * 0.5}`} />}
        <text className="node-label" x={label.x - centre.x} y={label.y - centre.y} style={{ textAnchor: label.anchor }}>
          {`Node ${id}`}
        </text>
      </g>
      {/* What the name says in words, drawn: a sibling painted over the button, hidden from assistive technology. */}
      <g className={`node-face ${roleClass}`} transform={at} aria-hidden="true">
        <text className="node-caption" y={-radius * 0.42}>
          term
        </text>
        <text className="node-term" y={radius * 0.16}>
          {node.term}
        </text>
        <text className="node-sub" y={radius * 0.58}>
          {sub}
        </text>
        <g className="role-badge" transform={`translate(${badge.x} ${badge.y})`}>
          <circle r={Math.max(10, radius * 0.3)} />
          <text y={1}>{ROLE_LETTER[role]}</text>
        </g>
        {!node.connected && (
          <text className="unplugged-tag" x={label.x - centre.x} y={label.y - centre.y + 13} style={{ textAnchor: label.anchor }}>
            unplugged
          </text>
        )}
      </g>
    </>
  );
});
