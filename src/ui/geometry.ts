/**
 * The view's math, and the only module that imports D3: scales, arc paths
 * and interpolation. React renders what these compute (visx style).
 */
import { interpolateNumber } from 'd3-interpolate';
import { scaleLinear } from 'd3-scale';
import { arc } from 'd3-shape';

export interface Point {
  readonly x: number;
  readonly y: number;
}

/** The cluster drawing's coordinate system (the SVG viewBox). */
export const VIEW_WIDTH = 560;
export const VIEW_HEIGHT = 420;

/** Node radius by cluster size: big for few nodes, smaller for nine. */
const nodeRadiusScale = scaleLinear().domain([1, 5, 9]).range([46, 40, 31]).clamp(true);

export interface Label extends Point {
  readonly anchor: 'start' | 'middle' | 'end';
}

export interface RingLayout {
  /** The coordinate system (the SVG viewBox) the layout is in. */
  readonly width: number;
  readonly height: number;
  readonly nodeRadius: number;
  /** Centre of each node, index = id − 1. */
  readonly centres: readonly Point[];
  /** Where each node's name label goes (outside the ring). */
  readonly labels: readonly Label[];
  readonly centre: Point;
}

/** Where each node's name label goes: radially outside the ring, anchored away from the node. */
function labelFor(n: number, at: Point, dx: number, dy: number, nodeRadius: number): Label {
  if (n === 1) return { x: at.x, y: at.y - nodeRadius - 17, anchor: 'middle' };
  const side = Math.abs(dx) > 0.35;
  const d = nodeRadius + (side ? 17 : 14);
  return {
    x: at.x + dx * d,
    y: at.y + dy * d + (dy > 0.35 ? 14 : dy < -0.35 ? (side ? 8 : -8) : 8),
    anchor: dx > 0.35 ? 'start' : dx < -0.35 ? 'end' : 'middle',
  };
}

/**
 * Nodes on a ring, node 1 at the top, clockwise, in the 560 × 420 view.
 * With `size` (presenter mode: the drawing's own size in px, so one unit is
 * one pixel and text keeps its CSS size), the ring is an ellipse that fills
 * that box, nodes as large as fit, spaced evenly along it.
 */
export function ringLayout(n: number, size?: { width: number; height: number }): RingLayout {
  if (size) return fittedLayout(n, size.width, size.height);
  const nodeRadius = nodeRadiusScale(n);
  const centre = { x: VIEW_WIDTH / 2, y: VIEW_HEIGHT / 2 + 4 };
  const ringRadius = n === 1 ? 0 : Math.min(VIEW_WIDTH, VIEW_HEIGHT) / 2 - nodeRadius - 30;
  const centres: Point[] = [];
  const labels: Label[] = [];
  for (let i = 0; i < n; i++) {
    const angle = -Math.PI / 2 + (2 * Math.PI * i) / n;
    const dx = Math.cos(angle);
    const dy = Math.sin(angle);
    const at = { x: centre.x + ringRadius * dx, y: centre.y + ringRadius * dy };
    centres.push(at);
    labels.push(labelFor(n, at, dx, dy, nodeRadius));
  }
  return { width: VIEW_WIDTH, height: VIEW_HEIGHT, nodeRadius, centres, labels, centre };
}

/**
 * The ring of the nodes `ids` (in order): as ringLayout(ids.length), with
 * `centres` and `labels` indexed by id − 1 even when ids are not 1..n (a
 * node added or removed, issue 13; the slots of ids not in the cluster are
 * empty).
 */
export function ringLayoutOf(ids: readonly number[], size?: { width: number; height: number }): RingLayout {
  const base = ringLayout(ids.length, size);
  if (ids.every((id, i) => id === i + 1)) return base;
  const centres: Point[] = [];
  const labels: Label[] = [];
  ids.forEach((id, i) => {
    centres[id - 1] = base.centres[i]!;
    labels[id - 1] = base.labels[i]!;
  });
  return { ...base, centres, labels };
}

/** Presenter node radius, px, by cluster size (before fitting). */
const presenterRadiusScale = scaleLinear().domain([1, 5, 9]).range([66, 60, 46]).clamp(true);
/** Room outside the ring for the node names: beside it and above/below it, px. */
const LABEL_ROOM_X = 86;
const LABEL_ROOM_Y = 34;

/** `n` points evenly spaced by arc length on an ellipse, the first at the top, clockwise. */
export function ellipsePoints(n: number, rx: number, ry: number): { dx: number; dy: number; x: number; y: number }[] {
  const samples = 720;
  const cumulative = [0];
  let prev = { x: 0, y: -ry };
  for (let k = 1; k <= samples; k++) {
    const a = -Math.PI / 2 + (2 * Math.PI * k) / samples;
    const p = { x: rx * Math.cos(a), y: ry * Math.sin(a) };
    cumulative.push(cumulative[k - 1]! + Math.hypot(p.x - prev.x, p.y - prev.y));
    prev = p;
  }
  const total = cumulative[samples]!;
  const out: { dx: number; dy: number; x: number; y: number }[] = [];
  let k = 0;
  for (let i = 0; i < n; i++) {
    const want = (total * i) / n;
    while (k < samples && cumulative[k + 1]! < want) k++;
    const a = -Math.PI / 2 + (2 * Math.PI * k) / samples;
    out.push({ dx: Math.cos(a), dy: Math.sin(a), x: rx * Math.cos(a), y: ry * Math.sin(a) });
  }
  return out;
}

function fittedLayout(n: number, width: number, height: number): RingLayout {
  const w = Math.max(200, width);
  const h = Math.max(160, height);
  const centre = { x: w / 2, y: h / 2 + 4 };
  let nodeRadius = presenterRadiusScale(n);
  let points: ReturnType<typeof ellipsePoints> = [];
  // Shrink the nodes until the ring fits the box and neighbours (with their timer rings) do not touch.
  for (; nodeRadius > 18; nodeRadius -= 2) {
    const rx = Math.max(0, w / 2 - nodeRadius - LABEL_ROOM_X);
    const ry = Math.max(0, h / 2 - nodeRadius - LABEL_ROOM_Y);
    if (n === 1) {
      points = [{ dx: 0, dy: -1, x: 0, y: 0 }];
      break;
    }
    if (ry < nodeRadius * 1.5) continue; // flatter than that, the nodes crowd the ring's middle
    points = ellipsePoints(n, rx, ry);
    const gap = Math.min(...points.map((p, i) => Math.hypot(p.x - points[(i + 1) % n]!.x, p.y - points[(i + 1) % n]!.y)));
    if (gap >= 2 * (nodeRadius + 14)) break;
  }
  if (points.length !== n)
    points = ellipsePoints(n, Math.max(0, w / 2 - nodeRadius - LABEL_ROOM_X), Math.max(0, h / 2 - nodeRadius - LABEL_ROOM_Y));
  const centres = points.map((p) => ({ x: centre.x + p.x, y: centre.y + p.y }));
  const labels = points.map((p, i) => labelFor(n, centres[i]!, p.dx, p.dy, nodeRadius));
  return { width: w, height: h, nodeRadius, centres, labels, centre };
}

/** The path a message from `a` to `b` travels: edge to edge, shifted sideways to its own lane. */
export function lane(a: Point, b: Point, radius: number, offset: number): { from: Point; to: Point } {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len = Math.hypot(dx, dy) || 1;
  const ux = dx / len;
  const uy = dy / len;
  // Perpendicular to the right of the direction of travel.
  const px = -uy * offset;
  const py = ux * offset;
  return {
    from: { x: a.x + ux * (radius + 3) + px, y: a.y + uy * (radius + 3) + py },
    to: { x: b.x - ux * (radius + 3) + px, y: b.y - uy * (radius + 3) + py },
  };
}

/** The point a fraction `t` (0..1) along the segment. */
export function along(from: Point, to: Point, t: number): Point {
  return { x: interpolateNumber(from.x, to.x)(t), y: interpolateNumber(from.y, to.y)(t) };
}

/**
 * How far a message has travelled: 0 when sent, 1 when due. With reduced
 * motion it jumps between three positions instead of gliding.
 */
export function progress(nowMs: number, sentAt: number, deliverAt: number, reducedMotion: boolean): number {
  const span = deliverAt - sentAt;
  const t = span <= 0 ? 1 : Math.min(1, Math.max(0, (nowMs - sentAt) / span));
  if (!reducedMotion) return t;
  return t < 1 / 3 ? 1 / 6 : t < 2 / 3 ? 1 / 2 : 5 / 6;
}

const arcPath = arc<{ innerRadius: number; outerRadius: number; startAngle: number; endAngle: number }>();

/** The election-timer arc: `fraction` of a full circle, clockwise from the top. */
export function timerArc(fraction: number, innerRadius: number, outerRadius: number): string {
  const f = Math.min(1, Math.max(0, fraction));
  if (f <= 0) return '';
  return arcPath({ innerRadius, outerRadius, startAngle: 0, endAngle: f * 2 * Math.PI }) ?? '';
}

/** Time left on an election timer as a fraction of its length. */
export function timerFraction(nowMs: number, deadline: number, timeout: number, reducedMotion: boolean): number {
  if (!Number.isFinite(deadline) || timeout <= 0) return 0;
  const f = Math.min(1, Math.max(0, (deadline - nowMs) / timeout));
  return reducedMotion ? Math.ceil(f * 8) / 8 : f;
}

/** Term colours cycle through this many colour-blind-safe classes (the term is also printed). */
export const TERM_COLOURS = 8;
export function termClass(term: number): string {
  return `term-c${((term % TERM_COLOURS) + TERM_COLOURS) % TERM_COLOURS}`;
}

/**
 * The groups of nodes that can talk to each other both ways (connected
 * components of the two-way links), each in id order; one group when
 * nothing is partitioned.
 */
export function partitionGroups(ids: readonly number[], talks: (a: number, b: number) => boolean): number[][] {
  const seen = new Set<number>();
  const groups: number[][] = [];
  for (const start of ids) {
    if (seen.has(start)) continue;
    const group: number[] = [];
    const queue = [start];
    seen.add(start);
    while (queue.length > 0) {
      const a = queue.shift()!;
      group.push(a);
      for (const b of ids) {
        if (!seen.has(b) && talks(a, b)) {
          seen.add(b);
          queue.push(b);
        }
      }
    }
    groups.push(group.sort((x, y) => x - y));
  }
  return groups;
}

/**
 * The outline of a group's shading: the polygon through its nodes' centres
 * (in ring order, so convex), drawn with a round, wide stroke of `pad` around
 * each node. A single node is a point (a round dot once stroked).
 */
export function groupOutline(centres: readonly Point[]): string {
  if (centres.length === 0) return '';
  const [first, ...rest] = centres;
  return `M${first!.x},${first!.y}${rest.map((p) => `L${p.x},${p.y}`).join('')}${rest.length === 0 ? `L${first!.x + 0.01},${first!.y}` : ''}Z`;
}
