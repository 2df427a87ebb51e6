/**
 * A split at a glance (issue 9): while the network is partitioned, each group
 * of nodes that can talk to each other both ways is shaded, with a label
 * saying whether it holds a majority — only a majority can elect a leader
 * and commit (§5.2, §5.3). Nothing is drawn while every node reaches every
 * other.
 */
import { memo } from 'react';
import { nodeById, selectVoters } from '../store';
import { useShallow } from 'zustand/react/shallow';
import { groupOutline, partitionGroups, type RingLayout } from './geometry';
import { useLab } from './LabContext';

export const PartitionShading = memo(function PartitionShading({ ids, layout }: { ids: readonly number[]; layout: RingLayout }) {
  // The groups as a string key, so a heartbeat does not re-render the shading.
  const key = useLab(
    useShallow((s) => {
      const plugged = (id: number) => nodeById(s.nodes, id)?.connected ?? true;
      const talks = (a: number, b: number) => plugged(a) && plugged(b) && (s.links[a]?.[b] ?? true) && (s.links[b]?.[a] ?? true);
      return partitionGroups(ids, talks)
        .map((g) => g.join(','))
        .join('|');
    }),
  );
  // A majority of the voters in force (thesis §4.1): a learner on one side does not make it a majority.
  const voters = useLab(selectVoters);
  const groups = key.split('|').map((g) => g.split(',').map(Number));
  if (groups.length < 2) return null;
  const majority = Math.floor(voters.length / 2) + 1;
  const pad = layout.nodeRadius + 12;
  return (
    <g className="partition-shading" aria-hidden="true">
      {groups.map((group, i) => {
        const centres = group.map((id) => layout.centres[id - 1]!);
        // The label sits inside the ring, between the group's middle and the ring's centre, clear of the node names outside.
        const mid = { x: centres.reduce((t, p) => t + p.x, 0) / centres.length, y: centres.reduce((t, p) => t + p.y, 0) / centres.length };
        const at = { x: layout.centre.x + (mid.x - layout.centre.x) * 0.45, y: layout.centre.y + (mid.y - layout.centre.y) * 0.45 };
        const voting = group.filter((id) => voters.includes(id)).length;
        const holds = voting >= majority;
        const label = `${holds ? 'majority' : 'minority'} ${voting}/${voters.length}`;
        return (
          <g key={group.join(',')} className={`partition-group group-c${i % 3}${holds ? ' is-majority' : ' is-minority'}`}>
            <path d={groupOutline(centres)} strokeWidth={2 * pad} />
            <text x={at.x} y={at.y + 4} className="partition-label">
              {label}
            </text>
          </g>
        );
      })}
    </g>
  );
});
