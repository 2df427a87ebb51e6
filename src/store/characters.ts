/**
 * Characters of what the user types, as a reader sees them. JavaScript's
 * `length` counts UTF-16 code units, so an emoji counts twice; and some
 * characters cannot be seen at all — bidirectional controls reorder the text
 * around them (U+202E shows "x=1" typed as "1=x"), zero-width ones hide in
 * it — so the view would show something other than what was typed.
 */

/** Unicode's names of the invisible characters one is likely to meet (the rest are named by category). */
const NAMES: ReadonlyMap<number, string> = new Map([
  [0x00ad, 'SOFT HYPHEN'],
  [0x061c, 'ARABIC LETTER MARK'],
  [0x180e, 'MONGOLIAN VOWEL SEPARATOR'],
  [0x200b, 'ZERO WIDTH SPACE'],
  [0x200c, 'ZERO WIDTH NON-JOINER'],
  [0x200d, 'ZERO WIDTH JOINER'],
  [0x200e, 'LEFT-TO-RIGHT MARK'],
  [0x200f, 'RIGHT-TO-LEFT MARK'],
  [0x2028, 'LINE SEPARATOR'],
  [0x2029, 'PARAGRAPH SEPARATOR'],
  [0x202a, 'LEFT-TO-RIGHT EMBEDDING'],
  [0x202b, 'RIGHT-TO-LEFT EMBEDDING'],
  [0x202c, 'POP DIRECTIONAL FORMATTING'],
  [0x202d, 'LEFT-TO-RIGHT OVERRIDE'],
  [0x202e, 'RIGHT-TO-LEFT OVERRIDE'],
  [0x2060, 'WORD JOINER'],
  [0x2061, 'FUNCTION APPLICATION'],
  [0x2062, 'INVISIBLE TIMES'],
  [0x2063, 'INVISIBLE SEPARATOR'],
  [0x2064, 'INVISIBLE PLUS'],
  [0x2066, 'LEFT-TO-RIGHT ISOLATE'],
  [0x2067, 'RIGHT-TO-LEFT ISOLATE'],
  [0x2068, 'FIRST STRONG ISOLATE'],
  [0x2069, 'POP DIRECTIONAL ISOLATE'],
  [0xfeff, 'ZERO WIDTH NO-BREAK SPACE'],
]);

/**
 * Controls (Cc), format characters (Cf), line and paragraph separators (Zl,
 * Zp) and lone surrogates (Cs): none shows as itself.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;
const PICTOGRAPH = /\p{Extended_Pictographic}/u;
/** What may sit between a pictograph and a joiner: emoji presentation selector, skin tones. */
const EMOJI_MODIFIER = /^(?:\uFE0F|[\u{1F3FB}-\u{1F3FF}])$/u;
const ZERO_WIDTH_JOINER = 0x200d;

/** "U+202E". */
export function codePointLabel(codePoint: number): string {
  return `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** The character's Unicode name where known, its kind otherwise. */
export function characterName(codePoint: number): string {
  const name = NAMES.get(codePoint);
  if (name) return name;
  if (codePoint >= 0xe0020 && codePoint <= 0xe007f) return 'a tag character';
  if (codePoint >= 0xd800 && codePoint <= 0xdfff) return 'half of a surrogate pair';
  if (codePoint < 0x20 || (codePoint >= 0x7f && codePoint <= 0x9f)) return 'a control character';
  return 'a format character';
}

/**
 * A zero width joiner that glues two pictographs into one emoji
 * (👨‍👩‍👧 is man, ZWJ, woman, ZWJ, girl) shows as that emoji: it is allowed.
 */
function joinsEmoji(points: readonly string[], i: number): boolean {
  let before = i - 1;
  while (before >= 0 && EMOJI_MODIFIER.test(points[before]!)) before -= 1;
  const after = points[i + 1];
  return before >= 0 && PICTOGRAPH.test(points[before]!) && after !== undefined && PICTOGRAPH.test(after);
}

/** The first character of `text` that would not show as itself, or null if every one does. */
export function firstInvisible(text: string): number | null {
  const points = [...text];
  for (let i = 0; i < points.length; i++) {
    const ch = points[i]!;
    if (!INVISIBLE.test(ch)) continue;
    const codePoint = ch.codePointAt(0)!;
    if (codePoint === ZERO_WIDTH_JOINER && joinsEmoji(points, i)) continue;
    return codePoint;
  }
  return null;
}

const graphemes =
  typeof Intl !== 'undefined' && typeof Intl.Segmenter === 'function' ? new Intl.Segmenter(undefined, { granularity: 'grapheme' }) : null;

/**
 * How many characters a reader sees: grapheme clusters (👍🏽 and é written
 * as e + ◌́ are one each), or code points where Intl.Segmenter is missing.
 */
export function characterCount(text: string): number {
  return graphemes ? Array.from(graphemes.segment(text)).length : [...text].length;
}

/**
 * `text` with every invisible character shown as ⟨U+XXXX⟩: for commands that
 * did not come through the command box (the headless API, a disk), so the
 * view never shows something other than what is stored.
 */
export function revealInvisible(text: string): string {
  if (firstInvisible(text) === null) return text;
  const points = [...text];
  return points
    .map((ch, i) => {
      const codePoint = ch.codePointAt(0)!;
      if (!INVISIBLE.test(ch) || (codePoint === ZERO_WIDTH_JOINER && joinsEmoji(points, i))) return ch;
      return `⟨${codePointLabel(codePoint)}⟩`;
    })
    .join('');
}
