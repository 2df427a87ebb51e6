/**
 * The glyph vocabulary of messages in flight, in one place: which glyph a
 * message gets, each glyph's outline as SVG path data (centred at (0, 0), in
 * view units) and the mark inside it. The canvas (MessageCanvas, through
 * `new Path2D(d)`) and the SVG glyphs (MessageGlyph, the legend) draw from
 * this table, so the two cannot drift apart. The type shows by shape and
 * colour — RequestVote ●, AppendEntries ■ with its entry count, heartbeat ◆,
 * InstallSnapshot ⬢ — replies are hollow with ✓ (granted or success) or ✕,
 * and a network duplicate is ringed with dashes.
 */
import type { Message } from '../store';

export type GlyphKind = 'vote' | 'append' | 'heartbeat' | 'snapshot';

export interface GlyphInfo {
  readonly kind: GlyphKind;
  readonly reply: boolean;
  /** A reply's outcome (null for requests and snapshot replies). */
  readonly ok: boolean | null;
  /** Entries carried by an AppendEntries. */
  readonly count: number;
}

export function glyphOf(m: Message): GlyphInfo {
  switch (m.type) {
    case 'RequestVote':
      return { kind: 'vote', reply: false, ok: null, count: 0 };
    case 'RequestVoteReply':
      return { kind: 'vote', reply: true, ok: m.voteGranted, count: 0 };
    case 'AppendEntries':
      return m.entries.length === 0
        ? { kind: 'heartbeat', reply: false, ok: null, count: 0 }
        : { kind: 'append', reply: false, ok: null, count: m.entries.length };
    case 'AppendEntriesReply':
      return { kind: 'append', reply: true, ok: m.success, count: 0 };
    case 'InstallSnapshot':
      return { kind: 'snapshot', reply: false, ok: null, count: 0 };
    case 'InstallSnapshotReply':
      return { kind: 'snapshot', reply: true, ok: true, count: 0 };
    // Election messages beyond Figure 2 (thesis §9.6, §3.10) share the vote glyph; the tooltip names the type.
    case 'PreVote':
    case 'TimeoutNow':
      return { kind: 'vote', reply: false, ok: null, count: 0 };
    case 'PreVoteReply':
      return { kind: 'vote', reply: true, ok: m.voteGranted, count: 0 };
  }
}

/** A circle of radius `r` as path data (two arcs, starting at (r, 0)). */
function circle(r: number): string {
  return `M${r} 0A${r} ${r} 0 1 1 ${-r} 0A${r} ${r} 0 1 1 ${r} 0Z`;
}

/** A regular hexagon with a vertex pointing down, its vertices `r` from the centre. */
function hexagon(r: number): string {
  const points = Array.from({ length: 6 }, (_, i) => {
    const a = (Math.PI / 3) * i + Math.PI / 6;
    return `${(r * Math.cos(a)).toFixed(2)} ${(r * Math.sin(a)).toFixed(2)}`;
  });
  return `M${points.join('L')}Z`;
}

/** Each glyph's outline, SVG path data centred at (0, 0), view units. */
export const GLYPH_PATHS: Readonly<Record<GlyphKind, string>> = {
  vote: circle(8.5),
  append: 'M-8 -8H8V8H-8Z',
  heartbeat: 'M0 -8.5L8.5 0L0 8.5L-8.5 0Z',
  snapshot: hexagon(9.5),
};

/** The dashed ring around a network duplicate. */
export const DUPLICATE_RING_PATH = circle(12.5);

/** How far below the centre a mark's text sits, view units (optical centring). */
export const MARK_DY = 0.5;

/** The mark inside a glyph: a reply's ✓ or ✕, the entry count of an AppendEntries (9+ past nine), or none. */
export interface GlyphMark {
  readonly text: string;
  readonly tone: 'ok' | 'no' | 'count';
}

export function glyphMark({ reply, ok, count }: GlyphInfo): GlyphMark | null {
  if (reply) return ok === null ? null : { text: ok ? '✓' : '✕', tone: ok ? 'ok' : 'no' };
  return count > 0 ? { text: count > 9 ? '9+' : String(count), tone: 'count' } : null;
}
