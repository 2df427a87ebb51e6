/**
 * Seeded pseudo-random numbers: the only randomness in a simulation. Same
 * seed, same sequence, in Node, in the browser and inside a worker.
 */

/** A PRNG: returns uniform floats in [0, 1). */
export type Random = () => number;

/** A PRNG whose whole state can be read and set again (checkpoints). */
export interface SeededRandom extends Random {
  /** The generator's whole state, a 32-bit integer: setState(state()) later resumes the same sequence. */
  state(): number;
  setState(state: number): void;
}

/** mulberry32: small, fast, 32-bit state; good enough for scheduling noise. */
export function createRandom(seed: number): SeededRandom {
  let state = seed >>> 0;
  const next = (() => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }) as SeededRandom;
  next.state = () => state;
  next.setState = (s: number) => {
    state = s >>> 0;
  };
  return next;
}

/** Mixes several integers into one 32-bit seed (splitmix-style finalizer). */
export function deriveSeed(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    h = Math.imul(h ^ (part >>> 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

/** A uniform integer in [min, max], both inclusive. */
export function randomInt(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}
