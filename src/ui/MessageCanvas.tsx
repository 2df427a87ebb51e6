/**
 * Messages in flight, drawn every frame on a canvas that sits between the
 * links and the nodes (hundreds of moving SVG elements cost a frame each
 * in layout and paint; one canvas does not). Each glyph is placed by virtual
 * time between sentAt and deliverAt, its shape and colour telling the type
 * (RequestVote ●, AppendEntries ■ with its entry count, heartbeat ◆,
 * InstallSnapshot ⬢; replies hollow with ✓ or ✕; network duplicates ringed),
 * its outline a Path2D of the shared path table (messageGlyphs.ts). The list
 * is read from the store each frame (messagesOnShow), never rendered from.
 * Hover shows a message's fields; a click drops it. The canvas is decorative
 * for assistive technology: the "In flight" tab lists the same messages,
 * each with a Drop button.
 */
import { useEffect, useRef } from 'react';
import { messagesOnShow, selectReducedMotion, selectTheme, type InFlightMessage } from '../store';
import { lane, progress, VIEW_HEIGHT, VIEW_WIDTH, type RingLayout } from './geometry';
import { useFrame, useLab, useLabApi } from './LabContext';
import { LANE_OFFSET } from './LinkLine';
import { DUPLICATE_RING_PATH, GLYPH_PATHS, MARK_DY, glyphMark, glyphOf, type GlyphKind } from './messageGlyphs';

/** The message under the pointer, in the cluster view's pixel coordinates. */
export interface Hover {
  readonly id: number;
  readonly x: number;
  readonly y: number;
  /** Width of the cluster view, to keep the tooltip inside it. */
  readonly width: number;
}

/** A message and where it is now, in view (viewBox) coordinates. */
export interface Placed {
  readonly message: InFlightMessage;
  readonly x: number;
  readonly y: number;
}

/** Pointer slack around a glyph, view units. */
export const HIT_RADIUS = 14;
/** …and never less than this on screen, px: a ≥ 28 px target, so a click on a moving message lands (issue 9). */
export const HIT_RADIUS_PX = 14;

/** Each directed pair's lane, per layout (a frame places every message on one: no need to redo the geometry). */
const lanes = new WeakMap<RingLayout, Map<number, ReturnType<typeof lane> | null>>();
function laneOf(layout: RingLayout, from: number, to: number): ReturnType<typeof lane> | null {
  let byPair = lanes.get(layout);
  if (!byPair) lanes.set(layout, (byPair = new Map<number, ReturnType<typeof lane> | null>()));
  const key = from * 1024 + to;
  let l = byPair.get(key);
  if (l === undefined) {
    const a = layout.centres[from - 1];
    const b = layout.centres[to - 1];
    l = a && b ? lane(a, b, layout.nodeRadius + 10, LANE_OFFSET) : null;
    byPair.set(key, l);
  }
  return l;
}

/** Where every message is at virtual time `now`. */
export function placeMessages(list: readonly InFlightMessage[], layout: RingLayout, now: number, reducedMotion: boolean): Placed[] {
  const out: Placed[] = [];
  for (const message of list) {
    const path = laneOf(layout, message.from, message.to);
    if (!path) continue;
    const t = progress(now, message.sentAt, message.deliverAt, reducedMotion);
    out.push({ message, x: path.from.x + (path.to.x - path.from.x) * t, y: path.from.y + (path.to.y - path.from.y) * t });
  }
  return out;
}

/** The topmost (last drawn) message within `radius` of (x, y), view units (default HIT_RADIUS). */
export function messageAt(placed: readonly Placed[], x: number, y: number, radius = HIT_RADIUS): InFlightMessage | null {
  for (let i = placed.length - 1; i >= 0; i--) {
    const p = placed[i]!;
    if ((p.x - x) ** 2 + (p.y - y) ** 2 <= radius ** 2) return p.message;
  }
  return null;
}

/** The hit radius in view units at this scale: HIT_RADIUS, or HIT_RADIUS_PX on screen when the view is drawn small. */
export function hitRadius(scale: number): number {
  return Math.max(HIT_RADIUS, HIT_RADIUS_PX / scale);
}

/** The viewBox → pixel mapping of an SVG with preserveAspectRatio "xMidYMid meet" (default: the 560 × 420 view). */
export function viewTransform(
  width: number,
  height: number,
  view: { width: number; height: number } = { width: VIEW_WIDTH, height: VIEW_HEIGHT },
): { scale: number; ox: number; oy: number } {
  const scale = Math.max(1e-6, Math.min(width / view.width, height / view.height));
  return { scale, ox: (width - view.width * scale) / 2, oy: (height - view.height * scale) / 2 };
}

interface Palette {
  vote: string;
  append: string;
  heartbeat: string;
  snapshot: string;
  panel: string;
  text: string;
  ok: string;
  no: string;
}

function palette(el: Element): Palette {
  const css = getComputedStyle(el);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return {
    vote: v('--msg-vote', '#e69f00'),
    append: v('--msg-append', '#0072b2'),
    heartbeat: v('--msg-heartbeat', '#56b4e9'),
    snapshot: v('--msg-snapshot', '#cc79a7'),
    panel: v('--panel', '#fff'),
    text: v('--text', '#111'),
    ok: v('--ok', '#009e73'),
    no: v('--no', '#d55e00'),
  };
}

/** The glyph outlines as canvas paths, made once from the shared table (and only where there is a canvas). */
let shapes: { readonly glyphs: Readonly<Record<GlyphKind, Path2D>>; readonly ring: Path2D } | null = null;
function canvasShapes(): NonNullable<typeof shapes> {
  shapes ??= {
    glyphs: Object.fromEntries(Object.entries(GLYPH_PATHS).map(([kind, d]) => [kind, new Path2D(d)])) as Record<GlyphKind, Path2D>,
    ring: new Path2D(DUPLICATE_RING_PATH),
  };
  return shapes;
}

/** Radius of the ring drawn around the message selected in the space-time diagram, view units. */
const SELECTED_RING = 13;

/** Half the side of a glyph's sprite, view units: the selected ring and its stroke fit. */
const SPRITE_HALF = SELECTED_RING + 2;

/** How one message looks: everything that decides its pixels (and so its sprite). */
interface Look {
  readonly kind: GlyphKind;
  readonly reply: boolean;
  readonly mark: ReturnType<typeof glyphMark>;
  readonly hovered: boolean;
  readonly selected: boolean;
  readonly duplicate: boolean;
}

const KIND_CODE: Readonly<Record<GlyphKind, number>> = { vote: 0, append: 1, heartbeat: 2, snapshot: 3 };

/** Each look's code, worked out once per look object. */
const codes = new WeakMap<Look, number>();

/** A look as one small number (its sprite's key): kind, reply, mark, hovered, selected, duplicate. */
function lookCode(l: Look): number {
  // A count is 1–9, or "9+" (10); ✓ 11, ✕ 12.
  const mark = l.mark === null ? 0 : l.mark.tone === 'count' ? Number(l.mark.text) || 10 : l.mark.tone === 'ok' ? 11 : 12;
  return KIND_CODE[l.kind] | (l.reply ? 4 : 0) | (mark << 3) | (l.hovered ? 128 : 0) | (l.selected ? 256 : 0) | (l.duplicate ? 512 : 0);
}

/** Paints one glyph centred at (0, 0) in view units (the context's transform maps them to pixels). */
function paintGlyph(ctx: CanvasRenderingContext2D, look: Look, colours: Palette): void {
  const { glyphs, ring } = canvasShapes();
  const colour = colours[look.kind];
  const shape = glyphs[look.kind];
  ctx.lineWidth = 2;
  ctx.fillStyle = look.reply ? colours.panel : colour;
  ctx.fill(shape);
  ctx.strokeStyle = look.hovered ? colours.text : colour;
  ctx.stroke(shape);
  if (look.mark) {
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.font = '800 11px system-ui, sans-serif';
    ctx.fillStyle = look.mark.tone === 'count' ? '#fff' : colours[look.mark.tone];
    ctx.fillText(look.mark.text, 0, MARK_DY);
  }
  if (look.selected) {
    // Selected in the space-time diagram: ringed here too.
    ctx.lineWidth = 3;
    ctx.strokeStyle = colours.text;
    ctx.beginPath();
    ctx.arc(0, 0, SELECTED_RING, 0, 2 * Math.PI);
    ctx.stroke();
  }
  if (look.duplicate) {
    ctx.setLineDash([2, 2]);
    ctx.lineWidth = 1.2;
    ctx.strokeStyle = colours.text;
    ctx.stroke(ring);
    ctx.setLineDash([]);
  }
}

/**
 * Each distinct look painted once into a small canvas (a sprite) at the
 * current pixel scale, then stamped at every message's place. Software
 * rendering (a Chromebook, headless Chromium) rasterises paths and text
 * slowly: 600 glyphs as vector paths cost ≈ 35 ms a frame there, 600 stamps
 * of a few dozen sprites a fraction of that (docs/performance.md).
 */
class GlyphSprites {
  private readonly sprites = new Map<number, HTMLCanvasElement | null>();
  private pxPerUnit = 0;
  private colours: Palette | null = null;

  /** Side of every sprite, px, at the scale of the last get(). */
  side = 0;

  /** The sprite of `look`, or null where there is no canvas to paint it on. */
  get(look: Look, pxPerUnit: number, colours: Palette): HTMLCanvasElement | null {
    if (pxPerUnit !== this.pxPerUnit || colours !== this.colours) {
      this.sprites.clear();
      this.pxPerUnit = pxPerUnit;
      this.colours = colours;
      this.side = Math.ceil(2 * SPRITE_HALF * pxPerUnit);
    }
    const key = codes.get(look) ?? codes.set(look, lookCode(look)).get(look)!;
    let sprite = this.sprites.get(key);
    if (sprite === undefined) {
      sprite = document.createElement('canvas');
      sprite.width = sprite.height = this.side;
      const ctx = sprite.getContext('2d');
      if (ctx) {
        ctx.setTransform(pxPerUnit, 0, 0, pxPerUnit, this.side / 2, this.side / 2);
        paintGlyph(ctx, look, colours);
      } else sprite = null;
      this.sprites.set(key, sprite);
    }
    return sprite;
  }
}

/**
 * Draws every placed message: view unit (x, y) is pixel (ox + x·scale)·dpr.
 * Stamps land on whole pixels, so they are copied, not resampled.
 */
function draw(
  ctx: CanvasRenderingContext2D,
  sprites: GlyphSprites,
  placed: readonly Placed[],
  colours: Palette,
  map: { scale: number; ox: number; oy: number; dpr: number },
  hoveredId: number | null,
  selectedId: number | null,
): void {
  const pxPerUnit = map.scale * map.dpr;
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  for (const { message, x, y } of placed) {
    const hovered = message.id === hoveredId;
    const selected = message.id === selectedId;
    // Almost every message is neither hovered nor selected: its look is worked out once in its life.
    let look = hovered || selected ? undefined : plainLooks.get(message);
    if (!look) {
      const g = glyphOf(message.payload);
      look = { kind: g.kind, reply: g.reply, mark: glyphMark(g), hovered, selected, duplicate: message.duplicate };
      if (!hovered && !selected) plainLooks.set(message, look);
    }
    const sprite = sprites.get(look, pxPerUnit, colours);
    if (!sprite) continue;
    const half = sprites.side / 2;
    ctx.drawImage(sprite, Math.round((map.ox + x * map.scale) * map.dpr - half), Math.round((map.oy + y * map.scale) * map.dpr - half));
  }
}

/** Each message's look when neither hovered nor selected (messages are immutable, so it never changes). */
const plainLooks = new WeakMap<InFlightMessage, Look>();

interface Props {
  layout: RingLayout;
  hoveredId: number | null;
  onHover: (hover: Hover | null) => void;
}

export function MessageCanvas({ layout, hoveredId, onHover }: Props) {
  const lab = useLabApi();
  const reducedMotion = useLab(selectReducedMotion);
  const theme = useLab(selectTheme);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  // The colours come from CSS variables: read them when the theme changes, not every frame.
  const colours = useRef<Palette | null>(null);
  useEffect(() => {
    colours.current = null;
  }, [theme]);
  const placed = useRef<Placed[]>([]);
  const sprites = useRef<GlyphSprites | null>(null);
  const hovered = useRef(hoveredId);
  hovered.current = hoveredId;
  const onHoverRef = useRef(onHover);
  onHoverRef.current = onHover;

  // The canvas's CSS size, followed by a ResizeObserver (its callback runs after layout, when reading it is free):
  // read in the frame listener it would force a layout whenever a React commit outside the frame dirtied the page.
  const boxSize = useRef<{ width: number; height: number } | null>(null);
  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => {
      boxSize.current = { width: canvas.clientWidth, height: canvas.clientHeight };
    });
    observer.observe(canvas);
    return () => {
      observer.disconnect();
      boxSize.current = null;
    };
  }, []);

  useFrame((now) => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const list = messagesOnShow(lab.store.getState());
    placed.current = placeMessages(list, layout, now, reducedMotion);
    if (canvas.dataset.count !== String(list.length)) canvas.dataset.count = String(list.length);
    if (hovered.current !== null && !list.some((m) => m.id === hovered.current)) onHoverRef.current(null);
    const ctx = canvas.getContext?.('2d', { willReadFrequently: true });
    if (!ctx) return; // jsdom, or a browser without canvas: the In flight list still works
    const dpr = window.devicePixelRatio || 1;
    // Until the observer's first report (and without one: jsdom), measured here.
    const { width, height } = boxSize.current ?? { width: canvas.clientWidth, height: canvas.clientHeight };
    if (canvas.width !== Math.round(width * dpr) || canvas.height !== Math.round(height * dpr)) {
      canvas.width = Math.round(width * dpr);
      canvas.height = Math.round(height * dpr);
    }
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    colours.current ??= palette(canvas);
    sprites.current ??= new GlyphSprites();
    const map = { ...viewTransform(width, height, layout), dpr };
    draw(ctx, sprites.current, placed.current, colours.current, map, hovered.current, lab.store.getState().selectedMessage);
  });

  const layoutRef = useRef(layout);
  layoutRef.current = layout;

  // Pointer handling on the whole cluster view: a message under the pointer
  // wins over the link beneath it (capture phase).
  useEffect(() => {
    const canvas = canvasRef.current;
    const view = canvas?.parentElement;
    if (!canvas || !view) return;
    const hit = (e: MouseEvent): { message: InFlightMessage | null; px: number; py: number; width: number } => {
      const box = view.getBoundingClientRect();
      const px = e.clientX - box.left;
      const py = e.clientY - box.top;
      const { scale, ox, oy } = viewTransform(box.width, box.height, layoutRef.current);
      return { message: messageAt(placed.current, (px - ox) / scale, (py - oy) / scale, hitRadius(scale)), px, py, width: box.width };
    };
    // The message under the pointer when the button went down: it may have moved on by the click, which still means it.
    let pressed: { id: number; x: number; y: number } | null = null;
    // Controls drawn over the view (the timer buttons) keep their clicks.
    const onControl = (e: Event) => e.target instanceof Element && e.target.closest('button, a, input, select') !== null;
    const down = (e: PointerEvent) => {
      if (onControl(e)) return;
      const h = hit(e);
      pressed = h.message ? { id: h.message.id, x: e.clientX, y: e.clientY } : null;
    };
    let shownId: number | null = null; // what this handler last reported (renders may lag)
    const move = (e: PointerEvent) => {
      const h = hit(e);
      view.classList.toggle('is-over-message', h.message !== null);
      if (h.message) {
        shownId = h.message.id;
        onHoverRef.current({ id: h.message.id, x: h.px, y: h.py, width: h.width });
      } else if (shownId !== null || hovered.current !== null) {
        shownId = null;
        onHoverRef.current(null);
      }
    };
    const leave = () => {
      view.classList.remove('is-over-message');
      onHoverRef.current(null);
    };
    const click = (e: MouseEvent) => {
      if (onControl(e)) return;
      const h = hit(e);
      const wasPressed =
        pressed && Math.hypot(e.clientX - pressed.x, e.clientY - pressed.y) < 8
          ? messagesOnShow(lab.store.getState()).find((m) => m.id === pressed!.id)
          : undefined;
      pressed = null;
      const target = wasPressed ?? h.message;
      if (target && e.shiftKey) {
        // Shift+click: select it (the space-time diagram shows it), in the past too.
        e.stopPropagation();
        e.preventDefault();
        lab.store.getState().selectMessage(target.id);
        return;
      }
      if (!target || lab.store.getState().review !== null) return; // the past cannot be changed
      e.stopPropagation();
      e.preventDefault();
      onHoverRef.current(null);
      lab.store.getState().dropMessage(target.id);
    };
    view.addEventListener('pointerdown', down, true);
    view.addEventListener('pointermove', move);
    view.addEventListener('pointerleave', leave);
    view.addEventListener('click', click, true);
    return () => {
      view.removeEventListener('pointerdown', down, true);
      view.removeEventListener('pointermove', move);
      view.removeEventListener('pointerleave', leave);
      view.removeEventListener('click', click, true);
    };
  }, [lab]);

  return <canvas ref={canvasRef} className="message-canvas" aria-hidden="true" data-count="0" />;
}
