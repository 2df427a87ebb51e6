/**
 * The space-time diagram (issue 10): one lane per node, virtual time along
 * the lanes, every message an arrow from its send to its delivery (dashed
 * while in flight, a cross where dropped, "2×" on a duplicate), and marks
 * for role and term changes, commits, crashes and restarts. It follows the
 * live run (now at the right edge) until the user pans; "Follow" returns.
 * d3-zoom computes the pan and zoom (spaceTimeZoom.ts), React renders, and
 * only what overlaps the visible time range is drawn (the store's record
 * answers by binary search). The store feeds it: the record's version
 * changes once per flush.
 */
import { useCallback, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import {
  selectEverIds,
  selectFast,
  selectIds,
  selectNowMs,
  selectReviewAt,
  selectSelectedMark,
  selectSelectedMessage,
  selectSelectedNode,
  selectSpaceTimeVersion,
  selectTheme,
} from '../store';
import { useLab, useLabApi } from './LabContext';
import { SpaceTimeArrows } from './SpaceTimeArrows';
import { SpaceTimeAxis } from './SpaceTimeAxis';
import { SpaceTimeCanvas } from './SpaceTimeCanvas';
import { drawingOf } from './spaceTimeDrawing';
import { downloadSvg, standaloneSvg } from './spaceTimeExport';
import { SpaceTimeLaneLabels, SpaceTimeLaneLines } from './SpaceTimeLanes';
import {
  describeArrow,
  diagramHeight,
  FOLLOW_PAD,
  HIT_LIMIT,
  INITIAL_SPAN_MS,
  SPACE_TIME_PALETTES,
  viewWith,
  visibleRange,
  zoomedBy,
  type TimeView,
} from './spaceTimeLayout';
import { SpaceTimeMarks } from './SpaceTimeMarks';
import { useTimeZoom } from './spaceTimeZoom';
import { CALM_HOLD_MS, useHeld, useOnScreen } from './useOnScreen';
import './spaceTime.css';

/** Width before the first measurement (and in jsdom, which lays nothing out), px. */
const DEFAULT_WIDTH = 800;
/** While reviewing the past and following, the cursor sits this far across. */
const CURSOR_AT = 0.75;
const ZOOM_STEP = 1.5;
/** How far the view moves before the arrows' and marks' origin moves with it, px. */
const ORIGIN_STEP = 2048;
const PAN_STEP = 0.2;

/** Where the view goes while following: `anchorMs` at `atPx`, never showing time before 0 at the left. */
function followView(k: number, anchorMs: number, atPx: number): TimeView {
  const v = viewWith(k, anchorMs, atPx);
  return v.x > 0 ? { k, x: 0 } : v;
}

export interface SpaceTimeDiagramProps {
  /** The moment on show, virtual ms; default: the history review's (null while live). */
  cursorMs?: number | null;
  /** Receives the exported SVG text instead of downloading it (tests, embedding). */
  onExportSvg?: (svg: string) => void;
}

export function SpaceTimeDiagram({ cursorMs, onExportSvg }: SpaceTimeDiagramProps) {
  const lab = useLabApi();
  const plotRef = useRef<HTMLDivElement>(null);
  // Scrolled out of sight, the canvas is not painted (the browser would rasterise it anyway); it is when back.
  // Everything else — the message and mark buttons, the status line — follows the run wherever it is.
  const onScreen = useOnScreen(plotRef);
  // Out of sight while the run plays fast, it follows the run twice a second (as the Events list does at speed):
  // its buttons and status line still tell the live state, but most store syncs no longer rebuild them (a
  // few hundred arrows' attributes and labels each time, in the frame that synced: docs/performance.md).
  const calm = useLab(selectFast) && !onScreen;
  const liveVersion = useLab(selectSpaceTimeVersion);
  const liveNow = useLab(selectNowMs);
  const moment = useMemo(() => ({ version: liveVersion, storeNow: liveNow }), [liveVersion, liveNow]);
  const { version, storeNow } = useHeld(moment, calm ? CALM_HOLD_MS : 0);
  // A lane for every node the cluster has had (a removed node's history stays on show, issue 13).
  const ids = useLab(selectEverIds);
  const present = useLab(selectIds);
  const reviewAt = useLab(selectReviewAt);
  const theme = useLab(selectTheme);
  const selectedMessage = useLab(selectSelectedMessage);
  const selectedMark = useLab(selectSelectedMark);
  const selectedNode = useLab(selectSelectedNode);
  const record = lab.store.getState().spaceTime();
  const palette = SPACE_TIME_PALETTES[theme === 'dark' ? 'dark' : 'light'];
  // While the store shows the past its nowMs is that moment's; the record still holds the live run up to its latest event.
  const latestMs = useMemo(() => record.latestMs, [record, version]); // eslint-disable-line react-hooks/exhaustive-deps -- the record is mutable; version says when it changed
  const nowMs = Math.max(storeNow, latestMs);
  const cursor = cursorMs !== undefined ? cursorMs : reviewAt;

  const svgRef = useRef<SVGSVGElement>(null);
  const backRef = useRef<SVGSVGElement>(null);
  const [width, setWidth] = useState(DEFAULT_WIDTH);
  const height = diagramHeight(ids.length);
  const [chosen, setView] = useState<TimeView>({ k: DEFAULT_WIDTH / INITIAL_SPAN_MS, x: 0 });
  const [following, setFollowing] = useState(true);
  const size = useRef<[number, number]>([width, height]);
  size.current = [width, height];

  useLayoutEffect(() => {
    const el = plotRef.current;
    if (!el) return;
    const measure = () => {
      if (el.clientWidth > 0) setWidth(el.clientWidth);
    };
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const onView = useCallback((v: TimeView, source: string | null) => {
    setView(v);
    // A wheel zoom keeps following (the view re-anchors on now); a drag pans away.
    if (source !== null && source !== 'wheel') setFollowing(false);
  }, []);
  const { applyView, syncView } = useTimeZoom(svgRef, onView, () => size.current);

  const anchorMs = cursor ?? nowMs;
  const anchorPx = cursor !== null ? width * CURSOR_AT : width - FOLLOW_PAD;
  // While following, the view on show is derived in the render (the chosen zoom, anchored on now or the cursor),
  // so a new moment costs one render; d3-zoom's own transform is brought up to date without an event.
  const view = useMemo(() => (following ? followView(chosen.k, anchorMs, anchorPx) : chosen), [following, chosen, anchorMs, anchorPx]);
  useLayoutEffect(() => {
    if (following) syncView(view);
  }, [following, view, syncView]);

  // The same object while the view stays put, so the memoised axis skips a sync that moved nothing.
  const range = useMemo(() => visibleRange(view, width), [view, width]);
  const [from, to] = range;
  // `version` says when the record changed (it is mutable): recompute the window then, or when the view moves.
  const messages = useMemo(() => record.messagesIn(from, to, nowMs), [record, from, to, nowMs, version]); // eslint-disable-line react-hooks/exhaustive-deps
  const marks = useMemo(() => record.marksIn(from, to), [record, from, to, version]); // eslint-disable-line react-hooks/exhaustive-deps
  // Arrows and marks are placed against an origin that moves in steps of ORIGIN_STEP px, and shifted to the
  // view as a whole: while the view follows the run, their coordinates stay put and React rewrites one transform,
  // not every element's position (and the numbers stay small enough for the browser's float32 geometry).
  const origin = Math.round(view.x / ORIGIN_STEP) * ORIGIN_STEP;
  const shift = view.x - origin;
  const placed = useMemo(() => ({ k: view.k, x: origin }), [view.k, origin]);
  const drawing = useMemo(() => drawingOf(messages, placed, nowMs, selectedMessage), [messages, placed, nowMs, selectedMessage]);

  const selectMessage = useCallback((id: number) => lab.store.getState().selectMessage(id), [lab]);
  const selectMark = useCallback((id: number) => lab.store.getState().selectMark(id), [lab]);
  const selectNode = useCallback((id: number) => lab.store.getState().selectNode(id), [lab]);

  // While following, zoom straight to where following puts the view (one render, not a zoom and then a re-anchoring).
  const zoomBy = (factor: number) => applyView(zoomedBy(view, factor, following ? anchorPx : width / 2));
  const panBy = (fraction: number) => {
    setFollowing(false);
    applyView({ k: view.k, x: view.x - fraction * width });
  };

  const onKeyDown = (e: KeyboardEvent<HTMLElement>) => {
    if (e.target !== e.currentTarget) return; // a control inside has the key
    if (e.key === 'ArrowLeft') panBy(-PAN_STEP);
    else if (e.key === 'ArrowRight') panBy(PAN_STEP);
    else if (e.key === '+' || e.key === '=') zoomBy(ZOOM_STEP);
    else if (e.key === '-' || e.key === '_' || e.key === '−') zoomBy(1 / ZOOM_STEP);
    else if (e.key === 'End') setFollowing(true);
    else if (e.key === 'Home') {
      setFollowing(false);
      applyView({ k: view.k, x: 0 });
    } else return;
    e.preventDefault(); // not also a page shortcut (← is history, + is speed)
    e.stopPropagation();
  };

  const exportSvg = () => {
    const front = svgRef.current;
    const back = backRef.current;
    if (!front || !back) return;
    const text = standaloneSvg(
      { back, front },
      { drawing, shift },
      ids,
      palette,
      `Raft Lab space-time diagram, ${Math.round(Math.max(0, from))}–${Math.round(to)} ms`,
    );
    if (onExportSvg) onExportSvg(text);
    else downloadSvg(text, 'raft-lab-space-time.svg');
  };

  const selected = selectedMessage === null ? undefined : record.message(selectedMessage);
  // A message selected elsewhere (the ring, the In flight list) that is out of view: bring it to the middle.
  const selectedSentAt = selected?.sentAt ?? null;
  useLayoutEffect(() => {
    if (selectedSentAt === null || (selectedSentAt >= from && selectedSentAt <= to)) return;
    setFollowing(false);
    applyView(viewWith(view.k, selectedSentAt, width / 2));
  }, [selectedMessage]); // eslint-disable-line react-hooks/exhaustive-deps -- only when the selection changes
  const selectedMarkInfo = selectedMark === null ? undefined : marks.find((m) => m.id === selectedMark);
  const status = selected
    ? describeArrow(selected)
    : selectedMarkInfo
      ? `${selectedMarkInfo.description}, at ${Math.round(selectedMarkInfo.at)} ms`
      : `${messages.length} ${messages.length === 1 ? 'message' : 'messages'} in view${messages.length > HIT_LIMIT ? ' (zoom in to select one)' : ''}`;

  return (
    <section
      className="panel space-time"
      aria-label="Space-time diagram"
      tabIndex={0}
      onKeyDown={onKeyDown}
      aria-describedby="space-time-keys"
    >
      <div className="panel-head st-head">
        <h2>Space-time</h2>
        <p className="st-status" data-st="status">
          {status}
        </p>
        <div className="st-tools">
          {!following && (
            <button type="button" className="btn btn-small" onClick={() => setFollowing(true)}>
              Follow
            </button>
          )}
          <button type="button" className="btn btn-small" onClick={() => zoomBy(ZOOM_STEP)}>
            Zoom in
          </button>
          <button type="button" className="btn btn-small" onClick={() => zoomBy(1 / ZOOM_STEP)}>
            Zoom out
          </button>
          <button type="button" className="btn btn-small" onClick={exportSvg}>
            Export SVG
          </button>
        </div>
      </div>
      <p id="space-time-keys" className="visually-hidden">
        Arrow keys pan, plus and minus zoom, End follows the run; Tab reaches the messages in view, where arrow keys move between them and
        Enter selects one.
      </p>
      <div className="st-body">
        <SpaceTimeLaneLabels ids={ids} present={present} selectedNode={selectedNode} onSelect={selectNode} />
        <div className="st-plot" ref={plotRef} style={{ height }}>
          <svg ref={backRef} className="st-layer" width={width} height={height} aria-hidden="true">
            <SpaceTimeLaneLines ids={ids} width={width} selectedNode={selectedNode} palette={palette} />
            <SpaceTimeAxis view={view} range={range} width={width} height={height} nowMs={nowMs} cursorMs={cursor} palette={palette} />
          </svg>
          <SpaceTimeCanvas drawing={drawing} shift={shift} width={width} height={height} palette={palette} paint={onScreen} />
          <svg ref={svgRef} className="st-layer st-svg" width={width} height={height} data-following={following}>
            <g data-st="placed" transform={`translate(${shift} 0)`}>
              <SpaceTimeArrows
                messages={messages}
                drawing={drawing}
                selectedMessage={selectedMessage}
                palette={palette}
                onSelect={selectMessage}
              />
              <SpaceTimeMarks marks={marks} view={placed} selectedMark={selectedMark} palette={palette} onSelect={selectMark} />
            </g>
          </svg>
        </div>
      </div>
    </section>
  );
}
