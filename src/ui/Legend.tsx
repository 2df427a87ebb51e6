/** What the shapes and colours on the ring mean. */
import { GlyphShape } from './MessageGlyph';
import type { GlyphInfo } from './messageGlyphs';

const GLYPHS: [string, GlyphInfo][] = [
  ['RequestVote', { kind: 'vote', reply: false, ok: null, count: 0 }],
  ['AppendEntries', { kind: 'append', reply: false, ok: null, count: 1 }],
  ['heartbeat', { kind: 'heartbeat', reply: false, ok: null, count: 0 }],
  ['InstallSnapshot', { kind: 'snapshot', reply: false, ok: null, count: 0 }],
  ['reply ✓/✕', { kind: 'vote', reply: true, ok: true, count: 0 }],
];

function Icon({ info }: { info: GlyphInfo }) {
  return (
    <svg viewBox="-11 -11 22 22" width="17" height="17" aria-hidden="true">
      <GlyphShape {...info} />
    </svg>
  );
}

export function Legend() {
  return (
    <div className="legend" aria-label="Legend">
      <span className="legend-item">
        <span className="chip role-leader">L</span> leader
      </span>
      <span className="legend-item">
        <span className="chip role-candidate">C</span> candidate
      </span>
      <span className="legend-item">
        <span className="chip role-follower">F</span> follower
      </span>
      <span className="legend-item">
        <span className="chip role-crashed">✕</span> crashed
      </span>
      <span className="legend-sep" aria-hidden="true" />
      {GLYPHS.map(([label, info]) => (
        <span className="legend-item" key={label}>
          <Icon info={info} /> {label}
        </span>
      ))}
      <span className="legend-sep" aria-hidden="true" />
      <span className="legend-item">
        <svg viewBox="0 0 22 8" width="22" height="8" aria-hidden="true">
          <line className="timer-legend" x1="1" y1="4" x2="21" y2="4" />
        </svg>
        election timer
      </span>
      <span className="legend-item">
        <svg viewBox="0 0 22 8" width="22" height="8" aria-hidden="true">
          <line className="link-line is-cut" x1="1" y1="4" x2="21" y2="4" />
        </svg>
        cut link
      </span>
    </div>
  );
}
