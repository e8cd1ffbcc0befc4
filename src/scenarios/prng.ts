/**
 * The scenario runner's own randomness (chaos steps, `--repeat` seeds): mulberry32 seeded from
 * the scenario's seed. It is separate from the engine's generator so that what a chaos step
 * chooses never depends on what the engine drew, and never on Math.random.
 */

export interface Prng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max]. */
  between(min: number, max: number): number;
  /** One of `items`, uniformly; `items` must not be empty. */
  pick<T>(items: readonly T[]): T;
  /** True with probability `p`. */
  chance(p: number): boolean;
}

/**
 * The largest seed a scenario run accepts (2^32 − 1). Every seed from 0 to this one gives its
 * own run: the engine's, the chaos steps' and HTTP chaos's generators are each seeded by a
 * one-to-one function of it, which larger numbers could not keep.
 */
export const MAX_SEED = 0xffff_ffff;

/** Spreads a seed and a salt over 32 bits (splitmix32's finaliser). */
function mix(seed: number, salt: number): number {
  let t = (Math.floor(seed / 0x1_0000_0000) ^ seed ^ Math.imul(salt + 1, 0x9e3779b9)) | 0;
  t = Math.imul(t ^ (t >>> 16), 0x21f0aaad);
  t = Math.imul(t ^ (t >>> 15), 0x735a2d97);
  return (t ^ (t >>> 15)) >>> 0;
}

/** A generator for `seed`; `salt` gives independent streams (e.g. one per chaos step). */
export function createPrng(seed: number, salt = 0): Prng {
  let state = mix(seed, salt);
  const next = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 0x1_0000_0000;
  };
  return {
    next,
    between: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T,
    chance: (p) => next() < p,
  };
}

/**
 * The seed of run `index` of `--repeat`: run 0 keeps the base seed, so `--repeat 1` is a plain
 * run; the others are spread out but printed, so any of them replays with `--seed`.
 */
export function deriveSeed(base: number, index: number): number {
  return index === 0 ? base : mix(base, index) % 1_000_000_000;
}
