/**
 * The space-time diagram's math: the time scale under the zoom transform,
 * lane positions, each message's arrow as path data, the axis ticks, the
 * accessible sentences, and the colours. The diagram draws with these
 * colours as SVG attributes (not CSS classes) so that the exported SVG is
 * standalone; they are the stylesheet's palette (styles.css), light and dark.
 */
import { scaleLinear } from 'd3-scale';
import type { SpaceTimeMessage } from '../store';
import type { GlyphKind } from './messageGlyphs';

/** Height of the time axis above the lanes, px. */
export const AXIS_HEIGHT = 22;
/** Height of one node's lane, px. */
export const LANE_HEIGHT = 24;
/** Room under the last lane, px. */
export const BOTTOM_PAD = 6;
/** While following, "now" sits this far from the right edge, px. */
export const FOLLOW_PAD = 24;
/** Width of the lane labels' column in the exported SVG, px. */
export const EXPORT_LABEL_WIDTH = 64;
/** Zoom limits, px per virtual ms: 0.002 shows 500 s in 1000 px, 20 shows 50 ms. */
export const MIN_PX_PER_MS = 0.002;
export const MAX_PX_PER_MS = 20;
/** At first the diagram shows about this much virtual time (a 5-node cluster's heartbeats and replies: some 160 messages). */
export const INITIAL_SPAN_MS = 1000;
/** Past this many messages in view the arrows are drawn but not each made clickable (zoom in to select one). */
export const HIT_LIMIT = 600;
/** Past this many marks in view they are drawn as ticks without labels. */
export const MARK_LABEL_LIMIT = 400;

/** The zoom transform along time: screen x = t·k + x (t in virtual ms). */
export interface TimeView {
  /** px per virtual ms. */
  readonly k: number;
  /** px. */
  readonly x: number;
}

export function xOf(view: TimeView, t: number): number {
  return t * view.k + view.x;
}

/** The virtual time range [from, to] shown in `width` px. */
export function visibleRange(view: TimeView, width: number): [number, number] {
  return [-view.x / view.k, (width - view.x) / view.k];
}

/** The view that puts virtual time `t` at screen x `atPx`, keeping the zoom. */
export function viewWith(k: number, t: number, atPx: number): TimeView {
  return { k, x: atPx - t * k };
}

/** The view zoomed by `factor` about screen x `aboutPx`. */
export function zoomedBy(view: TimeView, factor: number, aboutPx: number): TimeView {
  const k = Math.min(MAX_PX_PER_MS, Math.max(MIN_PX_PER_MS, view.k * factor));
  return { k, x: aboutPx - (aboutPx - view.x) * (k / view.k) };
}

/** The centre of node `node`'s lane, px from the top. */
export function laneY(node: number): number {
  return AXIS_HEIGHT + (node - 1) * LANE_HEIGHT + LANE_HEIGHT / 2;
}

export function diagramHeight(lanes: number): number {
  return AXIS_HEIGHT + lanes * LANE_HEIGHT + BOTTOM_PAD;
}

/** Axis ticks over [from, to] with their labels ("250 ms", "1.5 s"). */
export function timeTicks(from: number, to: number, width: number): { t: number; label: string }[] {
  const ticks = scaleLinear()
    .domain([Math.max(0, from), Math.max(0, to)])
    .ticks(Math.max(2, Math.floor(width / 90)));
  const step = ticks.length > 1 ? ticks[1]! - ticks[0]! : 1;
  return ticks.map((t) => ({ t, label: formatMs(t, step) }));
}

function formatMs(t: number, step: number): string {
  if (step < 1000 && t < 10_000) return `${t} ms`;
  const digits = step >= 1000 ? 0 : step >= 100 ? 1 : 2;
  return `${(t / 1000).toFixed(digits)} s`;
}

/** A message's glyph kind, as on the ring (messageGlyphs.glyphOf): replies take their request's kind. */
export function kindOf(m: Pick<SpaceTimeMessage, 'type' | 'entries'>): GlyphKind {
  switch (m.type) {
    case 'RequestVote':
    case 'RequestVoteReply':
    case 'PreVote':
    case 'PreVoteReply':
    case 'TimeoutNow':
      return 'vote';
    case 'AppendEntries':
      return m.entries === 0 ? 'heartbeat' : 'append';
    case 'AppendEntriesReply':
      return 'append';
    case 'InstallSnapshot':
    case 'InstallSnapshotReply':
      return 'snapshot';
  }
}

export function isReply(m: Pick<SpaceTimeMessage, 'type'>): boolean {
  return m.type.endsWith('Reply');
}

export type ArrowState = 'delivered' | 'flight' | 'dropped';

export function stateOf(m: SpaceTimeMessage): ArrowState {
  return m.deliveredAt !== null ? 'delivered' : m.dropped ? 'dropped' : 'flight';
}

/** An arrow in screen px: from the send to where it ends (delivery, drop, or now). */
export interface Arrow {
  readonly x1: number;
  readonly y1: number;
  readonly x2: number;
  readonly y2: number;
}

/** How far toward the receiver a message dropped at its send is drawn, as a fraction of the lane gap. */
const STUB = 0.3;

/**
 * Where a message's arrow goes. A delivered one reaches the receiver's lane
 * at its delivery; one in flight or dropped on the way stops where the ring
 * would show it then (the fraction of its trip done), at `nowMs` or its
 * drop; one dropped as it was sent (lost, a cut link) is a short stub.
 */
export function arrowOf(m: SpaceTimeMessage, view: TimeView, nowMs: number): Arrow {
  const x1 = xOf(view, m.sentAt);
  const y1 = laneY(m.from);
  const y2full = laneY(m.to);
  if (m.deliveredAt !== null) return { x1, y1, x2: xOf(view, m.deliveredAt), y2: y2full };
  const end = m.droppedAt ?? nowMs;
  const trip = m.dueAt - m.sentAt;
  const f = trip > 0 ? Math.min(1, Math.max(0, (end - m.sentAt) / trip)) : STUB;
  return { x1, y1, x2: xOf(view, end), y2: y1 + (y2full - y1) * (trip > 0 ? f : STUB) };
}

const r = (v: number) => Math.round(v * 10) / 10;

/** Path data of the arrow's line and, for a delivered message, its head. */
export function arrowPath(a: Arrow, head: boolean): string {
  let d = `M${r(a.x1)} ${r(a.y1)}L${r(a.x2)} ${r(a.y2)}`;
  if (head) {
    const angle = Math.atan2(a.y2 - a.y1, a.x2 - a.x1);
    const size = 5;
    const left = angle + Math.PI - 0.45;
    const right = angle + Math.PI + 0.45;
    d += `M${r(a.x2 + size * Math.cos(left))} ${r(a.y2 + size * Math.sin(left))}L${r(a.x2)} ${r(a.y2)}L${r(a.x2 + size * Math.cos(right))} ${r(a.y2 + size * Math.sin(right))}`;
  }
  return d;
}

/** Path data of the cross at a dropped message's end. */
export function crossPath(x: number, y: number, size = 4): string {
  return `M${r(x - size)} ${r(y - size)}L${r(x + size)} ${r(y + size)}M${r(x - size)} ${r(y + size)}L${r(x + size)} ${r(y - size)}`;
}

function ms(t: number): string {
  return `${Math.round(t)} ms`;
}

/**
 * The message's sentence: "AppendEntries from node 1 to node 2, sent at 120
 * ms, received at 126 ms". "Received", not "delivered": a button name must
 * not contain the name of another button on the page, and "delivered"
 * contains "Live" (Playwright's getByRole matches names by substring).
 */
export function describeArrow(m: SpaceTimeMessage): string {
  const fate =
    m.deliveredAt !== null
      ? `received at ${ms(m.deliveredAt)}`
      : m.dropped && m.droppedAt !== null
        ? `dropped at ${ms(m.droppedAt)}${m.dropReason ? ` (${m.dropReason})` : ''}`
        : 'in flight';
  const extra = [
    m.type === 'AppendEntries' ? (m.entries === 0 ? 'heartbeat' : `${m.entries} ${m.entries === 1 ? 'entry' : 'entries'}`) : null,
    m.ok === null ? null : m.type === 'RequestVoteReply' ? (m.ok ? 'vote granted' : 'vote refused') : m.ok ? 'success' : 'failure',
    m.duplicate ? 'a network duplicate' : null,
  ].filter((s) => s !== null);
  return `${m.type} from node ${m.from} to node ${m.to}, sent at ${ms(m.sentAt)}, ${fate}${extra.length ? `, ${extra.join(', ')}` : ''}`;
}

/** The diagram's colours; text colours are at least 4.5:1 on `background`. */
export interface SpaceTimePalette {
  readonly background: string;
  readonly text: string;
  readonly muted: string;
  readonly lane: string;
  readonly focus: string;
  readonly message: Readonly<Record<GlyphKind, string>>;
  /** A drop's cross (a stroke). */
  readonly drop: string;
  /** Crash marks (text). */
  readonly noText: string;
  /** Restart and commit marks (text). */
  readonly okText: string;
  readonly role: Readonly<Record<'leader' | 'candidate' | 'follower', { fill: string; text: string }>>;
}

const MESSAGE_COLOURS = { vote: '#e69f00', append: '#0072b2', heartbeat: '#56b4e9', snapshot: '#cc79a7' } as const;

export const SPACE_TIME_PALETTES: Readonly<Record<'light' | 'dark', SpaceTimePalette>> = {
  light: {
    background: '#ffffff',
    text: '#1b1f24',
    muted: '#5a6572',
    lane: '#d3d9e0',
    focus: '#0a66c2',
    message: MESSAGE_COLOURS,
    drop: '#d55e00',
    noText: '#b34700',
    okText: '#007a5a',
    role: {
      leader: { fill: '#0072b2', text: '#ffffff' },
      candidate: { fill: '#e69f00', text: '#1b1f24' },
      follower: { fill: '#e4e9ef', text: '#1b1f24' },
    },
  },
  dark: {
    background: '#1a1e24',
    text: '#e6e9ed',
    muted: '#9ba6b2',
    lane: '#333a43',
    focus: '#56b4e9',
    message: MESSAGE_COLOURS,
    drop: '#d55e00',
    noText: '#ff9a5a',
    okText: '#3fcf9f',
    role: {
      leader: { fill: '#0072b2', text: '#ffffff' },
      candidate: { fill: '#e69f00', text: '#1b1f24' },
      follower: { fill: '#39424e', text: '#e6e9ed' },
    },
  },
};
