/**
 * The cluster drawing, three layers with one coordinate system: links (SVG),
 * messages in flight (canvas), nodes (SVG), on a ring laid out by
 * geometry.ts. React owns every element; D3 only computes.
 */
import { useEffect, useMemo, useRef, useState, type RefObject } from 'react';
import { selectIds, selectImported, selectPresenter, selectReview } from '../store';
import { ringLayoutOf, type RingLayout } from './geometry';
import { useLab, useLabApi } from './LabContext';
import { Legend } from './Legend';
import { LinkLine } from './LinkLine';
import { MessageCanvas, viewTransform, type Hover } from './MessageCanvas';
import { MembershipControls } from './MembershipControls';
import { MessageTooltip, type Circle } from './MessageTooltip';
import { NodeGlyph } from './NodeGlyph';
import { PartitionShading } from './PartitionShading';
import { PastBar } from './PastBar';
import { StepStatus } from './StepStatus';
import { TimerControls } from './TimerControls';

/** The element's size in px, followed while `active` (null until measured, or when inactive). */
function useBoxSize(ref: RefObject<HTMLElement | null>, active: boolean): { width: number; height: number } | null {
  const [size, setSize] = useState<{ width: number; height: number } | null>(null);
  useEffect(() => {
    const el = ref.current;
    if (!active || !el) {
      setSize(null);
      return;
    }
    const measure = () => {
      const width = Math.round(el.clientWidth);
      const height = Math.round(el.clientHeight);
      setSize((s) => (width > 0 && height > 0 && (s?.width !== width || s?.height !== height) ? { width, height } : s));
    };
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, [ref, active]);
  return size;
}

/** Nodes' circles (with their timer ring) in the drawing's pixels. */
function nodeCircles(layout: RingLayout, el: HTMLElement | null, ids: readonly number[]): Circle[] {
  if (!el) return [];
  const { scale, ox, oy } = viewTransform(el.clientWidth, el.clientHeight, layout);
  return ids.flatMap((id) => {
    const c = layout.centres[id - 1];
    return c ? [{ x: ox + c.x * scale, y: oy + c.y * scale, r: (layout.nodeRadius + 12) * scale }] : [];
  });
}

export function ClusterView() {
  const lab = useLabApi();
  const ids = useLab(selectIds);
  const presenter = useLab(selectPresenter);
  const review = useLab(selectReview);
  const imported = useLab(selectImported);
  // Presenter mode lays the ring out in the drawing's own pixels (an ellipse that fills it), so text keeps its size.
  const view = useRef<HTMLDivElement>(null);
  const size = useBoxSize(view, presenter);
  const layout = useMemo(() => (presenter && size ? ringLayoutOf(ids, size) : ringLayoutOf(ids)), [ids, presenter, size]);
  const [hover, setHover] = useState<Hover | null>(null);
  // With "Pause while inspecting", the run holds still while a message's tooltip is open.
  const hovering = hover !== null;
  useEffect(() => {
    if (!hovering) return;
    lab.store.getState().holdPlayback('tooltip', true);
    return () => lab.store.getState().holdPlayback('tooltip', false);
  }, [lab, hovering]);
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
      <div className="cluster-view" ref={view}>
        <svg
          className="layer-links"
          viewBox={`0 0 ${layout.width} ${layout.height}`}
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
          viewBox={`0 0 ${layout.width} ${layout.height}`}
          preserveAspectRatio="xMidYMid meet"
          role="group"
          aria-label="Nodes of the cluster"
        >
          <g className="nodes">
            {ids.map((id) => (
              <NodeGlyph key={id} id={id} centre={layout.centres[id - 1]!} label={layout.labels[id - 1]!} radius={layout.nodeRadius} />
            ))}
          </g>
        </svg>
        {hover && hovered && (
          <MessageTooltip
            message={hovered}
            x={hover.x}
            y={hover.y}
            width={hover.width}
            height={view.current?.clientHeight}
            avoid={nodeCircles(layout, view.current, [hovered.from, hovered.to])}
          />
        )}
      </div>
      {/* In the past, the timeline's controls take the timer controls' place (same row: nothing moves). */}
      {review !== null ? <PastBar /> : imported ? null : <TimerControls />}
      {!imported && <MembershipControls />}
      <Legend />
      <StepStatus />
      <p className="cluster-hint">
        {imported
          ? 'An imported trace, read-only: click a node to inspect it; links and messages follow the trace. Press ? for keys.'
          : 'Click a node to inspect it, a link to cut or restore it, a moving message to drop it. Press ? for keys.'}
      </p>
    </section>
  );
}
