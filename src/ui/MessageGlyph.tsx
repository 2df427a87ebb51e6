/**
 * A message glyph as SVG, centred at (0, 0) (the legend's icons), drawn
 * from the same path table as the canvas (messageGlyphs.ts); the colours
 * come from the stylesheet's .glyph-* classes.
 */
import { GLYPH_PATHS, MARK_DY, glyphMark, type GlyphInfo } from './messageGlyphs';

const MARK_CLASS = { ok: 'glyph-mark is-ok', no: 'glyph-mark is-no', count: 'glyph-count' } as const;

/** Just the shape and its mark (no position). */
export function GlyphShape(info: GlyphInfo) {
  const mark = glyphMark(info);
  return (
    <>
      <path className={`glyph glyph-${info.kind}${info.reply ? ' is-reply' : ''}`} d={GLYPH_PATHS[info.kind]} />
      {mark && (
        <text className={MARK_CLASS[mark.tone]} y={MARK_DY}>
          {mark.text}
        </text>
      )}
    </>
  );
}
