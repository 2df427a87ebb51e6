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
import { selectMembership, selectNode, selectQuorum } from '../store';
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
}

export const NodeGlyph = memo(function NodeGlyph({ id, centre, label, radius }: Props) {
  const lab = useLabApi();
  const node = useLab(selectNode(id));
  const selected = useLab((s) => s.selectedNode === id);
  const membership = useLab(selectMembership(id));
  const voterQuorum = useLab(selectQuorum);
  if (!node) return null;
  const role = roleWord(node);
  // A majority of the voters in force (thesis §4.1); without a configuration, of the ring.
  const quorum = node.config?.voters.length ? Math.floor(node.config.voters.length / 2) + 1 : voterQuorum;
  const preVoting = node.alive && node.preCandidate === true;
  const handingTo = node.alive && node.role === 'leader' ? (node.transferee ?? 0) : 0;
  const sub =
    role === 'crashed'
      ? 'crashed'
      : role === 'candidate'
        ? `${node.votes.length} of ${quorum} votes`
        : preVoting
          ? `pre-vote ${node.term + 1}`
          : handingTo !== 0
            ? `→ node ${handingTo}`
            : node.votedFor === 0
              ? 'no vote'
              : `voted ${node.votedFor}`;
  const tag = membership === 'learner' ? 'learner' : membership === 'leaving' ? 'leaving' : !node.connected ? 'unplugged' : null;
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
        aria-label={nodeName(id, node, membership)}
        aria-pressed={selected}
        className={`node ${roleClass}${selected ? ' is-selected' : ''}${node.connected ? '' : ' is-unplugged'}${membership === 'voter' ? '' : ` is-${membership}`}${preVoting ? ' is-pre-candidate' : ''}`}
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
        {preVoting && (
          // Top left, over the timer ring (the role badge is top right): clear of the term in the middle.
          <g className="pre-vote-badge" transform={`translate(${-radius * 0.98} ${-radius * 0.98})`}>
            <rect x={-19} y={-8} width={38} height={16} rx={8} />
            <text y={1}>pre-vote</text>
          </g>
        )}
        {tag && (
          <text
            className={`${tag === 'unplugged' ? 'unplugged' : 'membership'}-tag`}
            x={label.x - centre.x}
            y={label.y - centre.y + 13}
            style={{ textAnchor: label.anchor }}
          >
            {tag === 'unplugged' || node.connected ? tag : `${tag}, unplugged`}
          </text>
        )}
      </g>
    </>
  );
});
