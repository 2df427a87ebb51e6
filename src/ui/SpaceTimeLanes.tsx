/**
 * The space-time diagram's lanes: a line per node in the SVG, and the lane
 * labels "Node N" as buttons beside it (HTML, so they are ordinary
 * controls) that select the node, as its button on the ring does.
 */
import { memo } from 'react';
import { laneY, type SpaceTimePalette } from './spaceTimeLayout';

export const SpaceTimeLaneLines = memo(function SpaceTimeLaneLines({
  ids,
  width,
  selectedNode,
  palette,
}: {
  ids: readonly number[];
  width: number;
  selectedNode: number | null;
  palette: SpaceTimePalette;
}) {
  return (
    <g data-st="lanes" aria-hidden="true">
      {ids.map((id) => (
        <line
          key={id}
          data-lane={id}
          x1={0}
          x2={width}
          y1={laneY(id)}
          y2={laneY(id)}
          stroke={id === selectedNode ? palette.focus : palette.lane}
          strokeWidth={id === selectedNode ? 2 : 1}
        />
      ))}
    </g>
  );
});

export const SpaceTimeLaneLabels = memo(function SpaceTimeLaneLabels({
  ids,
  present,
  selectedNode,
  onSelect,
}: {
  ids: readonly number[];
  /** The nodes in the cluster now; a lane of another (removed, issue 13) is labelled as such, not a button. */
  present: readonly number[];
  selectedNode: number | null;
  onSelect: (id: number) => void;
}) {
  return (
    <div className="st-labels">
      {ids.map((id) =>
        !present.includes(id) ? (
          <span key={id} className="st-lane-label is-removed" style={{ top: laneY(id) }} title={`Node ${id} was removed from the cluster`}>
            {`Node ${id}`}
            <span className="visually-hidden"> (removed)</span>
          </span>
        ) : (
          <button
            key={id}
            type="button"
            className="st-lane-label"
            style={{ top: laneY(id) }}
            aria-pressed={id === selectedNode}
            onClick={() => onSelect(id)}
          >
            {`Node ${id}`}
          </button>
        ),
      )}
    </div>
  );
});
