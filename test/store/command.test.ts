// The command box's check (issue 7): length in characters a reader sees, not
// UTF-16 units; no invisible character that could make the logs show
// something other than what was typed; and the logs reveal any that arrive
// another way.
import { describe, expect, it } from 'vitest';
import { MAX_COMMAND_LENGTH as CORE_MAX_COMMAND_UNITS } from '../../src/raft';
import { MAX_COMMAND_CODE_UNITS, MAX_COMMAND_LENGTH, parseCommand, showCommand } from '../../src/store';

const accepted = (text: string) => {
  const checked = parseCommand(text);
  expect(checked, `accepts ${JSON.stringify(text)}`).toEqual({ ok: true, value: text.trim() });
};
const refusal = (text: string): string => {
  const checked = parseCommand(text);
  if (checked.ok) throw new Error(`accepted ${JSON.stringify(text)}`);
  return checked.error;
};

describe('command length counts characters, not UTF-16 units', () => {
  it('accepts 40 emoji (80 UTF-16 units) as 40 characters and refuses 41', () => {
    expect(MAX_COMMAND_LENGTH).toBe(40);
    const forty = '😀'.repeat(40);
    expect(forty.length).toBe(80);
    accepted(forty);
    expect(refusal('😀'.repeat(41))).toBe('That command is 41 characters long; keep it to 40 or fewer.');
  });

  it('counts an emoji with a skin tone, a family (joined by ZWJ) and an accented letter as one character each', () => {
    accepted('👍🏽'.repeat(40));
    accepted('👨‍👩‍👧'.repeat(40));
    accepted('e\u0301'.repeat(40));
    expect(refusal('👍🏽'.repeat(41))).toMatch(/41 characters long/);
    expect(refusal('k'.repeat(41))).toMatch(/41 characters long/);
  });

  it('refuses a command short in characters but long in UTF-16 units (stacked accents), inside the core’s bound', () => {
    expect(MAX_COMMAND_CODE_UNITS).toBeLessThanOrEqual(CORE_MAX_COMMAND_UNITS);
    accepted('👩🏽‍❤️‍💋‍👨🏻'.repeat(40)); // 15 units each
    const stacked = `a${'\u0301'.repeat(20)}`.repeat(40); // 40 characters, 840 units
    expect(refusal(stacked)).toBe(
      `That command is too big: its 40 characters are built from 840 UTF-16 code units (stacked accents add up); a command can hold at most ${MAX_COMMAND_CODE_UNITS}.`,
    );
  });
});

describe('a command cannot hide characters', () => {
  it('refuses RIGHT-TO-LEFT OVERRIDE, naming it and saying why', () => {
    expect(refusal('x=\u202E1')).toBe(
      'A command cannot contain the invisible character U+202E (RIGHT-TO-LEFT OVERRIDE); it can make text display differently from what was typed.',
    );
  });

  it.each([
    ['2028', 'LINE SEPARATOR'],
    ['2029', 'PARAGRAPH SEPARATOR'],
    ['202A', 'LEFT-TO-RIGHT EMBEDDING'],
    ['202B', 'RIGHT-TO-LEFT EMBEDDING'],
    ['202C', 'POP DIRECTIONAL FORMATTING'],
    ['202D', 'LEFT-TO-RIGHT OVERRIDE'],
    ['2066', 'LEFT-TO-RIGHT ISOLATE'],
    ['2067', 'RIGHT-TO-LEFT ISOLATE'],
    ['2068', 'FIRST STRONG ISOLATE'],
    ['2069', 'POP DIRECTIONAL ISOLATE'],
    ['200E', 'LEFT-TO-RIGHT MARK'],
    ['200F', 'RIGHT-TO-LEFT MARK'],
    ['061C', 'ARABIC LETTER MARK'],
    ['200B', 'ZERO WIDTH SPACE'],
    ['200C', 'ZERO WIDTH NON-JOINER'],
    ['2060', 'WORD JOINER'],
    ['FEFF', 'ZERO WIDTH NO-BREAK SPACE'],
    ['00AD', 'SOFT HYPHEN'],
    ['E0041', 'a tag character'],
    ['0600', 'a format character'],
  ])('refuses U+%s inside a command, by code and name (%s)', (hex, name) => {
    expect(refusal(`x=1${String.fromCodePoint(parseInt(hex, 16))}y=2`)).toBe(
      `A command cannot contain the invisible character U+${hex} (${name}); it can make text display differently from what was typed.`,
    );
  });

  it('refuses a zero width joiner that joins no emoji, and a lone surrogate', () => {
    expect(refusal('a\u200Db')).toMatch(/U\+200D \(ZERO WIDTH JOINER\)/);
    expect(refusal('😀\u200D')).toMatch(/U\+200D/);
    expect(refusal('x=\uD83D')).toMatch(/U\+D83D \(half of a surrogate pair\)/);
  });

  it('still refuses control characters, C1 ones included', () => {
    expect(refusal('x=1\ty=2')).toMatch(/control characters/);
    expect(refusal('x=1\u0085y=2')).toMatch(/control characters/);
  });

  it('accepts ordinary text in any script', () => {
    for (const text of ['x=1', 'name=Zoë', 'שלום=עולם', 'مرحبا=1', '键=值', 'flag=🏳️‍🌈', 'a b  c']) accepted(text);
  });
});

describe('the logs show what is stored', () => {
  it('reveals invisible characters that came another way (the headless API, a disk) as ⟨U+XXXX⟩', () => {
    expect(showCommand('x=\u202E1')).toBe('x=⟨U+202E⟩1');
    expect(showCommand('a\u200Bb\u2028c')).toBe('a⟨U+200B⟩b⟨U+2028⟩c');
    expect(showCommand('👨‍👩‍👧=1')).toBe('👨‍👩‍👧=1');
    expect(showCommand('')).toBe('no-op');
  });
});
