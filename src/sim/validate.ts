/**
 * Argument checks for the public API. Each throws an Error whose message
 * names the argument, before anything is changed (nothing half-applied).
 */
import type { NetworkOptions } from './types';

export function checkInteger(name: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in ${min}..${max}`;
    throw new Error(`${name} must be an integer ${range}, got ${describe(value)}`);
  }
  return value;
}

export function checkNumber(name: string, value: unknown, min: number, max = Infinity): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    const range = max === Infinity ? `>= ${min}` : `in ${min}..${max}`;
    throw new Error(`${name} must be a finite number ${range}, got ${describe(value)}`);
  }
  return value;
}

export function checkRange(name: string, value: unknown, min: number): [number, number] {
  if (!Array.isArray(value) || value.length !== 2) {
    throw new Error(`${name} must be a [min, max] pair, got ${describe(value)}`);
  }
  const lo = checkNumber(`${name}[0]`, value[0], min);
  const hi = checkNumber(`${name}[1]`, value[1], min);
  if (lo > hi) throw new Error(`${name} must have min <= max, got [${lo}, ${hi}]`);
  return [lo, hi];
}

export function checkRate(name: string, value: unknown): number {
  return checkNumber(name, value, 0, 1);
}

/** Validates network options and merges them over `base`; throws before changing anything. */
export function mergeNetwork(base: Required<NetworkOptions>, opts: unknown, prefix = 'network'): Required<NetworkOptions> {
  if (opts === undefined) return base;
  if (typeof opts !== 'object' || opts === null || Array.isArray(opts)) {
    throw new Error(`${prefix} must be an object, got ${describe(opts)}`);
  }
  const o = opts as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!(NETWORK_KEYS as readonly string[]).includes(key)) throw new Error(`${prefix}.${key} is not a network option`);
  }
  return {
    delayMs: o.delayMs === undefined ? base.delayMs : checkRange(`${prefix}.delayMs`, o.delayMs, 0),
    dropRate: o.dropRate === undefined ? base.dropRate : checkRate(`${prefix}.dropRate`, o.dropRate),
    duplicateRate: o.duplicateRate === undefined ? base.duplicateRate : checkRate(`${prefix}.duplicateRate`, o.duplicateRate),
    longDelayRate: o.longDelayRate === undefined ? base.longDelayRate : checkRate(`${prefix}.longDelayRate`, o.longDelayRate),
    longDelayMs: o.longDelayMs === undefined ? base.longDelayMs : checkRange(`${prefix}.longDelayMs`, o.longDelayMs, 0),
  };
}

const NETWORK_KEYS = ['delayMs', 'dropRate', 'duplicateRate', 'longDelayRate', 'longDelayMs'] as const;

/**
 * Reads each own property of `obj` exactly once into a plain object,
 * refusing keys not in `known` (naming the key, and the likely one meant) and
 * reporting a getter that throws as a bad argument. Arrays are copied, so a
 * caller's later change cannot show through.
 */
export function readOnce(obj: Record<string, unknown>, known: readonly string[], name: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let keys: string[];
  try {
    keys = Object.keys(obj);
  } catch (err) {
    throw new Error(`${name} could not be read: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  for (const key of keys) {
    if (!known.includes(key)) {
      const near = nearest(key, known);
      throw new Error(`${name}.${key} is not a known option${near ? ` (did you mean ${near}?)` : ''}; known: ${known.join(', ')}`);
    }
    let value: unknown;
    try {
      value = obj[key];
    } catch (err) {
      throw new Error(`${name}.${key} could not be read: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    out[key] = Array.isArray(value) ? value.slice() : value;
  }
  return out;
}

/** A plain, read-once copy of network options (validated by mergeNetwork). */
export function readNetworkOptions(opts: unknown, name: string): Record<string, unknown> {
  if (typeof opts !== 'object' || opts === null || Array.isArray(opts)) {
    throw new Error(`${name} must be an object, got ${describe(opts)}`);
  }
  return readOnce(opts as Record<string, unknown>, NETWORK_KEYS, name);
}

/** The known key closest to `key` (edit distance <= maxDistance, default 3), or null. */
export function nearest(key: string, known: readonly string[], maxDistance = 3): string | null {
  let best: string | null = null;
  let bestDistance = maxDistance + 1;
  for (const k of known) {
    const d = editDistance(key.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}

export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(describe).join(', ')}]`;
  if (value === null || typeof value !== 'object') return String(value);
  return 'an object';
}
