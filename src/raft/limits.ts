/**
 * Bounds on every number and string that crosses a trust boundary (a worker's
 * postMessage, a disk read back after a reload, a public API call). Within
 * them, arithmetic on terms and indexes stays exact: `term + 1` of any
 * accepted term is still a safe integer, so a forged huge term cannot freeze
 * elections (§5.1: terms only ever grow, by one per election).
 */

/** The largest term a node accepts from a message or a disk (2^40 ≈ 1.1e12). */
export const MAX_TERM = 2 ** 40;

/** The largest log index a node accepts from a message or a disk (2^40). */
export const MAX_INDEX = 2 ** 40;

/** The longest client command, in UTF-16 code units (JavaScript string length). */
export const MAX_COMMAND_LENGTH = 16 * 1024;

/** Whether `v` is an integer in 0..max (a term, an index, a node id). */
export function isBoundedInt(v: unknown, max: number): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= max;
}
