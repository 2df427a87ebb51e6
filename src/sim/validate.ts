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
  const known = new Set(['delayMs', 'dropRate', 'duplicateRate', 'longDelayRate', 'longDelayMs']);
  for (const key of Object.keys(o)) {
    if (!known.has(key)) throw new Error(`${prefix}.${key} is not a network option`);
  }
  return {
    delayMs: o.delayMs === undefined ? base.delayMs : checkRange(`${prefix}.delayMs`, o.delayMs, 0),
    dropRate: o.dropRate === undefined ? base.dropRate : checkRate(`${prefix}.dropRate`, o.dropRate),
    duplicateRate:
      o.duplicateRate === undefined ? base.duplicateRate : checkRate(`${prefix}.duplicateRate`, o.duplicateRate),
    longDelayRate:
      o.longDelayRate === undefined ? base.longDelayRate : checkRate(`${prefix}.longDelayRate`, o.longDelayRate),
    longDelayMs: o.longDelayMs === undefined ? base.longDelayMs : checkRange(`${prefix}.longDelayMs`, o.longDelayMs, 0),
  };
}

export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(describe).join(', ')}]`;
  if (value === null || typeof value !== 'object') return String(value);
  return 'an object';
}
