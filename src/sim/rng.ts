/**
 * The simulator's one source of randomness: a seeded sfc32 generator whose whole state is four
 * uint32 values, so the engine can persist it with the rest of the state and a resumed run draws
 * exactly the numbers an uninterrupted one would have drawn.
 */
import { DrError } from './errors.js';

/** sfc32's state `[a, b, c, d]`, each a uint32: plain JSON. */
export type RngState = [number, number, number, number];

export interface Rng {
  /** A float in [0, 1) with 32 bits of randomness. */
  next(): number;
  /** An integer in [0, maxExclusive). */
  int(maxExclusive: number): number;
  /** One of `items`, uniformly. */
  pick<T>(items: readonly T[]): T;
  /** `${prefix}-` and 10 characters of [a-z0-9], e.g. `drp-k3m9x2q7ab`. */
  id(prefix: string): string;
  /** A copy of the current state; `createRng(seed, state)` continues from it. */
  state(): RngState;
}

const UINT32_RANGE = 0x1_0000_0000;

// 32 symbols, so each draws exactly 5 bits; drops l, o, 0 and 1, which read alike.
const ID_ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';
const ID_CODES = Array.from(ID_ALPHABET, (symbol) => symbol.charCodeAt(0));
/** The symbol of bits `shift`..`shift + 4` of `bits`. */
const symbol = (bits: number, shift: number): number => ID_CODES[(bits >>> shift) & 31] as number;

/** splitmix32: spreads a small seed (1, 2, 3...) over all of sfc32's state bits. */
function splitmix32(seed: number): () => number {
  let s = seed | 0;
  return () => {
    s = (s + 0x9e3779b9) | 0;
    let t = s ^ (s >>> 16);
    t = Math.imul(t, 0x21f0aaad);
    t ^= t >>> 15;
    t = Math.imul(t, 0x735a2d97);
    return (t ^ (t >>> 15)) >>> 0;
  };
}

function seedState(seed: number): RngState {
  if (!Number.isSafeInteger(seed)) {
    throw new DrError('VALIDATION_FAILED', `The seed must be an integer, e.g. 1 or 42; got ${seed}.`, {
      value: seed,
    });
  }
  // Folds the high bits in so seeds above 2^32 do not collide with small ones.
  const high = Math.floor(seed / UINT32_RANGE);
  const mix = splitmix32((seed >>> 0) ^ Math.imul(high >>> 0, 0x85ebca6b));
  return [mix(), mix(), mix(), mix()];
}

/** True for an `RngState` as `state()` returns it (the engine reads it back from storage). */
export function isRngState(value: unknown): value is RngState {
  return (
    Array.isArray(value) &&
    value.length === 4 &&
    value.every((v) => Number.isInteger(v) && v >= 0 && v < UINT32_RANGE)
  );
}

/**
 * A generator seeded with `seed`, or resumed from `state` (a value `state()` returned; the seed is
 * then ignored).
 *
 * @example
 * const rng = createRng(7);
 * const saved = rng.state();
 * const a = rng.next();
 * createRng(7, saved).next() === a; // true
 */
export function createRng(seed: number, state?: RngState): Rng {
  if (state !== undefined && !isRngState(state)) {
    throw new DrError('VALIDATION_FAILED', 'The rng state must be an array of 4 integers in [0, 2^32).', {
      value: state,
    });
  }
  let [a, b, c, d] = state ?? seedState(seed);

  // sfc32 (Chris Doty-Humphrey's Small Fast Chaotic PRNG), as in PractRand.
  const nextUint32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };

  const int = (maxExclusive: number): number => {
    if (!Number.isInteger(maxExclusive) || maxExclusive < 1 || maxExclusive > UINT32_RANGE) {
      throw new RangeError(`int(maxExclusive) needs an integer in [1, 2^32]; got ${maxExclusive}`);
    }
    return Math.floor((nextUint32() / UINT32_RANGE) * maxExclusive);
  };

  if (state === undefined) {
    // The first outputs of a freshly seeded sfc32 are still correlated with the seed.
    for (let i = 0; i < 12; i++) nextUint32();
  }

  return {
    next: () => nextUint32() / UINT32_RANGE,
    int,
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new RangeError('pick() needs at least one item');
      return items[int(items.length)] as T;
    },
    id(prefix: string): string {
      // 6 symbols from the first 30 bits of one draw, 4 from a second: 50 bits in all, low bits
      // first. One string made at once: appending a symbol at a time made ten strings per id, and
      // every pair makes an id on every tick.
      const x = nextUint32();
      const y = nextUint32();
      return `${prefix}-${String.fromCharCode(
        symbol(x, 0),
        symbol(x, 5),
        symbol(x, 10),
        symbol(x, 15),
        symbol(x, 20),
        symbol(x, 25),
        symbol(y, 0),
        symbol(y, 5),
        symbol(y, 10),
        symbol(y, 15),
      )}`;
    },
    state: () => [a >>> 0, b >>> 0, c >>> 0, d >>> 0],
  };
}
