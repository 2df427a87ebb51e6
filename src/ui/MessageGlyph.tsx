/**
 * The glyph vocabulary of messages in flight (drawn on the canvas by
 * MessageCanvas, and as SVG in the legend), centred at (0, 0): the type by shape
 * and colour (RequestVote ●, AppendEntries ■ with its entry count,
 * heartbeat ◆, InstallSnapshot ⬢); replies hollow, with ✓ (granted or
 * success) or ✕; a network duplicate ringed with dashes.
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
  }
}

const HEXAGON = Array.from({ length: 6 }, (_, i) => {
  const a = (Math.PI / 3) * i + Math.PI / 6;
  return `${(9.5 * Math.cos(a)).toFixed(2)},${(9.5 * Math.sin(a)).toFixed(2)}`;
}).join(' ');

/** Just the shape (no position): used on the ring and in the legend. */
export function GlyphShape({ kind, reply, ok, count }: GlyphInfo) {
  const cls = `glyph glyph-${kind}${reply ? ' is-reply' : ''}`;
  let shape;
  switch (kind) {
    case 'vote':
      shape = <circle className={cls} r={8.5} />;
      break;
    case 'append':
      shape = <rect className={cls} x={-8} y={-8} width={16} height={16} rx={2} />;
      break;
    case 'heartbeat':
      shape = <path className={cls} d="M0 -8.5L8.5 0L0 8.5L-8.5 0Z" />;
      break;
    case 'snapshot':
      shape = <polygon className={cls} points={HEXAGON} />;
      break;
  }
  return (
    <>
      {shape}
      {reply && ok !== null && (
        <text className={`glyph-mark ${ok ? 'is-ok' : 'is-no'}`} y={0.5}>
          {ok ? '✓' : '✕'}
        </text>
      )}
      {!reply && count > 0 && (
        <text className="glyph-count" y={0.5}>
          {count > 9 ? '9+' : count}
        </text>
      )}
    </>
  );
}
