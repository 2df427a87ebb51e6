/**
 * The space-time diagram's arrows as data: one path per message kind,
 * reply or request, and state (delivered, in flight, dropped), the crosses
 * at drops and the "2×" at duplicates. The same drawing is painted on the
 * canvas and written into the exported SVG, so the two cannot differ.
 *
 * Why a canvas: measured in Chromium with 10,000 messages in view, SVG
 * paths cost the browser's style, layout and paint some 160 ms a frame;
 * the canvas draws them in a few ms. The SVG over it keeps what is
 * interactive (the message and mark buttons) and what is text.
 */
import type { SpaceTimeMessage } from '../store';
import type { GlyphKind } from './messageGlyphs';
import {
  arrowOf,
  arrowPath,
  crossPath,
  isReply,
  kindOf,
  stateOf,
  type Arrow,
  type ArrowState,
  type SpaceTimePalette,
  type TimeView,
} from './spaceTimeLayout';

export interface ArrowGroup {
  readonly kind: GlyphKind;
  readonly reply: boolean;
  readonly state: ArrowState;
  /** Every arrow of the group as x1, y1, x2, y2 in turn, screen px. */
  readonly lines: readonly number[];
  /** How many arrows it draws. */
  readonly count: number;
  /** Are arrowheads drawn (delivered messages, unless too many are in view to see them)? */
  readonly heads: boolean;
}

export interface Drawing {
  readonly groups: readonly ArrowGroup[];
  /** The crosses at drops: x, y in turn. */
  readonly crosses: readonly number[];
  /** Where each duplicate's "2×" goes: x, y in turn. */
  readonly duplicates: readonly number[];
  /** Each message's arrow, in the order given (for its button). */
  readonly arrows: readonly Arrow[];
  /** The selected message's path data, if it is in view. */
  readonly selected: string | null;
  /** Arrows drawn (after merging those on the same pixels). */
  readonly drawn: number;
}

/** Past this many messages in view, delivered arrows lose their heads (too dense to see them; half the drawing). */
export const HEADS_LIMIT = 2000;

/** Past this many arrows drawn, the canvas strokes every line 1 px wide (see paintDrawing). */
export const DENSE_LIMIT = 300;

const GROUP_KEYS: readonly GlyphKind[] = ['vote', 'append', 'heartbeat', 'snapshot'];
const STATES: readonly ArrowState[] = ['delivered', 'flight', 'dropped'];

/**
 * The drawing of `messages` (those in view) under `view` at `nowMs`. Zoomed
 * far out many arrows land on the same pixels: each is drawn once. Numbers,
 * not path strings: the canvas draws from them directly, and only the
 * export writes path data.
 */
export function drawingOf(messages: readonly SpaceTimeMessage[], view: TimeView, nowMs: number, selectedMessage: number | null): Drawing {
  const heads = messages.length <= HEADS_LIMIT;
  const groups = new Map<number, { kind: GlyphKind; reply: boolean; state: ArrowState; lines: number[] }>();
  const crosses: number[] = [];
  const duplicates: number[] = [];
  const seen = new Set<number>();
  let selected: string | null = null;
  let drawn = 0;
  const arrows = messages.map((m) => {
    const a = arrowOf(m, view, nowMs);
    const state = stateOf(m);
    const kind = kindOf(m);
    const reply = isReply(m);
    const group = (GROUP_KEYS.indexOf(kind) * 2 + (reply ? 1 : 0)) * 3 + STATES.indexOf(state);
    // The arrow's pixels as one number (group < 24, x < 2^15 px wide, y < 2^10 px tall): a key for "drawn already".
    const pixels =
      ((group * 32768 + (Math.round(a.x1) & 32767)) * 1024 + (Math.round(a.y1) & 1023)) * 32768 * 1024 +
      ((Math.round(a.x2) & 32767) * 1024 + (Math.round(a.y2) & 1023));
    if (m.id === selectedMessage) selected = arrowPath(a, state === 'delivered');
    if (seen.has(pixels)) return a;
    seen.add(pixels);
    let g = groups.get(group);
    if (!g) groups.set(group, (g = { kind, reply, state, lines: [] }));
    g.lines.push(a.x1, a.y1, a.x2, a.y2);
    drawn += 1;
    if (state === 'dropped') crosses.push(a.x2, a.y2);
    if (m.duplicate) duplicates.push(a.x2, a.y2);
    return a;
  });
  return {
    groups: [...groups.values()].map((g) => ({ ...g, count: g.lines.length / 4, heads: heads && g.state === 'delivered' })),
    crosses,
    duplicates,
    arrows,
    selected,
    drawn,
  };
}

/** How a group is stroked: the type's colour as on the ring, requests bolder than replies, dashed in flight. */
export function groupStroke(g: Pick<ArrowGroup, 'kind' | 'reply' | 'state'>, palette: SpaceTimePalette) {
  return { colour: palette.message[g.kind], width: g.reply ? 1 : 1.75, dash: g.state === 'flight' ? [4, 3] : null };
}

/** The group's path data (for the export; the canvas draws from the numbers). */
export function groupPath(g: ArrowGroup): string {
  let d = '';
  for (let i = 0; i < g.lines.length; i += 4) {
    d += arrowPath({ x1: g.lines[i]!, y1: g.lines[i + 1]!, x2: g.lines[i + 2]!, y2: g.lines[i + 3]! }, g.heads);
  }
  return d;
}

function crossesPath(crosses: readonly number[]): string {
  let d = '';
  for (let i = 0; i < crosses.length; i += 2) d += crossPath(crosses[i]!, crosses[i + 1]!);
  return d;
}

/** Arrowhead half-angle and length, as arrowPath draws them. */
const HEAD = { size: 5, spread: 0.45 };

/** Paints the drawing, shifted `shift` px to the right, on a canvas of `width` × `height` CSS px at `scale` device px per CSS px. */
export function paintDrawing(
  ctx: CanvasRenderingContext2D,
  drawing: Drawing,
  palette: SpaceTimePalette,
  width: number,
  height: number,
  scale: number,
  shift = 0,
): void {
  ctx.setTransform(scale, 0, 0, scale, 0, 0);
  ctx.clearRect(0, 0, width, height);
  ctx.translate(shift, 0);
  // Each arrow is stroked on its own: Skia (Chromium's rasteriser) strokes one path of many overlapping
  // lines far slower than the same lines one by one — measured in software rendering, 1,200 arrows cost
  // ≈ 20 ms as one path and ≈ 9 ms one by one, dashed ≈ 160 ms and ≈ 60 ms. Past DENSE_LIMIT arrows every
  // line is 1 px with square ends (the rasteriser's fast path: ≈ 2 ms, dashed ≈ 6 ms), when they are too
  // many to tell a bold line from a thin one anyway (docs/performance.md).
  const dense = drawing.drawn > DENSE_LIMIT;
  ctx.lineCap = dense ? 'butt' : 'round';
  ctx.lineJoin = dense ? 'miter' : 'round';
  for (const g of drawing.groups) {
    const { colour, width: lineWidth, dash } = groupStroke(g, palette);
    ctx.strokeStyle = colour;
    ctx.lineWidth = dense ? 1 : lineWidth;
    ctx.setLineDash(dash ?? []);
    const l = g.lines;
    for (let i = 0; i < l.length; i += 4) {
      const x1 = l[i]!;
      const y1 = l[i + 1]!;
      const x2 = l[i + 2]!;
      const y2 = l[i + 3]!;
      ctx.beginPath();
      ctx.moveTo(x1, y1);
      ctx.lineTo(x2, y2);
      if (g.heads) {
        const angle = Math.atan2(y2 - y1, x2 - x1) + Math.PI;
        ctx.moveTo(x2 + HEAD.size * Math.cos(angle - HEAD.spread), y2 + HEAD.size * Math.sin(angle - HEAD.spread));
        ctx.lineTo(x2, y2);
        ctx.lineTo(x2 + HEAD.size * Math.cos(angle + HEAD.spread), y2 + HEAD.size * Math.sin(angle + HEAD.spread));
      }
      ctx.stroke();
    }
  }
  ctx.setLineDash([]);
  const c = drawing.crosses;
  if (c.length > 0) {
    ctx.strokeStyle = palette.drop;
    ctx.lineWidth = 2;
    ctx.beginPath();
    for (let i = 0; i < c.length; i += 2) {
      const x = c[i]!;
      const y = c[i + 1]!;
      ctx.moveTo(x - 4, y - 4);
      ctx.lineTo(x + 4, y + 4);
      ctx.moveTo(x - 4, y + 4);
      ctx.lineTo(x + 4, y - 4);
    }
    ctx.stroke();
  }
  const dup = drawing.duplicates;
  if (dup.length > 0) {
    ctx.fillStyle = palette.text;
    ctx.font = "700 9px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
    for (let i = 0; i < dup.length; i += 2) ctx.fillText('2×', dup[i]! + 4, dup[i + 1]! - 4);
  }
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** The drawing as SVG elements (for the export), the same paths the canvas strokes, shifted `shift` px. */
export function drawingSvg(doc: Document, drawing: Drawing, palette: SpaceTimePalette, shift = 0): SVGGElement {
  const g = doc.createElementNS(SVG_NS, 'g');
  g.setAttribute('transform', `translate(${shift} 0)`);
  const path = (d: string, attributes: Record<string, string>) => {
    const p = doc.createElementNS(SVG_NS, 'path');
    p.setAttribute('d', d);
    p.setAttribute('fill', 'none');
    for (const [k, v] of Object.entries(attributes)) p.setAttribute(k, v);
    g.appendChild(p);
  };
  for (const group of drawing.groups) {
    const { colour, width, dash } = groupStroke(group, palette);
    path(groupPath(group), {
      stroke: colour,
      'stroke-width': String(width),
      'stroke-linecap': 'round',
      ...(dash ? { 'stroke-dasharray': dash.join(' ') } : {}),
    });
  }
  if (drawing.crosses.length > 0) path(crossesPath(drawing.crosses), { stroke: palette.drop, 'stroke-width': '2' });
  for (let i = 0; i < drawing.duplicates.length; i += 2) {
    const x = drawing.duplicates[i]!;
    const y = drawing.duplicates[i + 1]!;
    const t = doc.createElementNS(SVG_NS, 'text');
    t.setAttribute('x', String(x + 4));
    t.setAttribute('y', String(y - 4));
    t.setAttribute('font-size', '9');
    t.setAttribute('font-weight', '700');
    t.setAttribute('fill', palette.text);
    t.textContent = '2×';
    g.appendChild(t);
  }
  return g;
}
