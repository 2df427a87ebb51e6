/**
 * The cluster drawing, three layers with one coordinate system: links (SVG),
 * messages in flight (canvas), nodes (SVG), on a ring laid out by
 * geometry.ts. React owns every element; D3 only computes.
 */
import { useMemo, useState } from 'react';
import { selectIds } from '../store';
import { VIEW_HEIGHT, VIEW_WIDTH, ringLayout } from './geometry';
import { useLab, useLabApi } from './LabContext';
import { Legend } from './Legend';
import { LinkLine } from './LinkLine';
import { MessageCanvas, type Hover } from './MessageCanvas';
import { MessageTooltip } from './MessageTooltip';
import { NodeGlyph } from './NodeGlyph';
import { PartitionShading } from './PartitionShading';
import { StepStatus } from './StepStatus';

export function ClusterView() {
  const lab = useLabApi();
  const ids = useLab(selectIds);
  const layout = useMemo(() => ringLayout(ids.length), [ids.length]);
  const [hover, setHover] = useState<Hover | null>(null);
  const pairs = useMemo(() => ids.flatMap((a) => ids.filter((b) => b > a).map((b) => [a, b] as const)), [ids]);
  const hovered = hover
    ? lab.store
        .getState()
        .inFlight()
        .find((m) => m.id === hover.id)
    : undefined;

  return (
    <section className="panel cluster-panel" aria-labelledby="cluster-title">
      {/* Not "Cluster": the settings panel is that region (axe: landmark-unique). */}
      <h2 id="cluster-title" className="visually-hidden">
        Cluster drawing
      </h2>
      <div className="cluster-view">
        <svg
          className="layer-links"
          viewBox={`0 0 ${VIEW_WIDTH} ${VIEW_HEIGHT}`}
          preserveAspectRatio="xMidYMid meet"
          role="group"
          aria-label="Links between the nodes"
        >
          <PartitionShading ids={ids} layout={layout} />
          <g className="links">
            {pairs.map(([a, b]) => (
              <LinkLine key={`${a}-${b}`} a={a} b={b} ca={layout.centres[a - 1]!} cb={layout.centres[b - 1]!} radius={layout.nodeRadius} />
            ))}
          </g>
        </svg>
        <MessageCanvas layout={layout} onHover={setHover} hoveredId={hover?.id ?? null} />
        <svg
          className="layer-nodes"
          viewBox={`0 0 ${VIEW_WIDTH} ${VIEW_HEIGHT}`}
          preserveAspectRatio="xMidYMid meet"
          role="group"
          aria-label="Nodes of the cluster"
        >
          <g className="nodes">
            {ids.map((id) => (
              <NodeGlyph
                key={id}
                id={id}
                centre={layout.centres[id - 1]!}
                label={layout.labels[id - 1]!}
                radius={layout.nodeRadius}
                clusterSize={ids.length}
              />
            ))}
          </g>
        </svg>
        {hover && hovered && <MessageTooltip message={hovered} x={hover.x} y={hover.y} width={hover.width} />}
      </div>
      <Legend />
      <StepStatus />
      <p className="cluster-hint">
        Click a node to inspect it, a link to cut or restore it, a moving message to drop it. Press ? for keys.
      </p>
    </section>
  );
}
