// The seeded PRNG: reproducible sequences, exact resumption from a saved state, ranges.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DrError } from '../../src/sim/errors.js';
import { createRng, isRngState, type Rng, type RngState } from '../../src/sim/rng.js';

const draws = (rng: Rng, n: number): number[] => Array.from({ length: n }, () => rng.next());

/** sfc32 written again with BigInt arithmetic, to check the 32-bit tricks against. */
function sfc32Reference([a0, b0, c0, d0]: RngState, n: number): number[] {
  const mask = 0xffffffffn;
  let [a, b, c, d] = [a0, b0, c0, d0].map(BigInt) as [bigint, bigint, bigint, bigint];
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = (a + b + d) & mask;
    d = (d + 1n) & mask;
    a = b ^ (b >> 9n);
    b = (c + (c << 3n)) & mask;
    c = ((c << 21n) | (c >> 11n)) & mask;
    c = (c + t) & mask;
    out.push(Number(t));
  }
  return out;
}

describe('createRng', () => {
  it('gives the same sequence for the same seed and a different one for another seed', () => {
    expect(draws(createRng(42), 50)).toEqual(draws(createRng(42), 50));
    expect(draws(createRng(42), 50)).not.toEqual(draws(createRng(43), 50));
    // Large seeds do not collapse onto their low 32 bits.
    expect(draws(createRng(2 ** 32 + 5), 5)).not.toEqual(draws(createRng(5), 5));
  });

  it('is sfc32: a given state yields the reference outputs', () => {
    const state: RngState = [0xdeadbeef, 0x12345678, 0x9abcdef0, 7];
    const rng = createRng(0, state);
    const expected = sfc32Reference(state, 200);
    expect(draws(rng, 200).map((x) => x * 2 ** 32)).toEqual(expected);
  });

  it('continues identically from a saved state, also after a JSON round trip', () => {
    fc.assert(
      fc.property(fc.integer(), fc.nat({ max: 500 }), (seed, skip) => {
        const rng = createRng(seed);
        draws(rng, skip);
        rng.id('x');
        const saved = JSON.parse(JSON.stringify(rng.state())) as RngState;
        expect(isRngState(saved)).toBe(true);
        const resumed = createRng(seed, saved);
        expect(draws(resumed, 20)).toEqual(draws(rng, 20));
        expect(resumed.state()).toEqual(rng.state());
      }),
      { numRuns: 100 },
    );
  });

  it('state() is a copy, not a live view', () => {
    const rng = createRng(1);
    const before = rng.state();
    const copy = [...before];
    rng.next();
    expect(before).toEqual(copy);
    expect(rng.state()).not.toEqual(before);
  });

  it('refuses a bad seed or state', () => {
    expect(() => createRng(1.5)).toThrow(DrError);
    expect(() => createRng(Number.NaN)).toThrow(DrError);
    expect(() => createRng(1, [1, 2, 3] as unknown as RngState)).toThrow(DrError);
    expect(() => createRng(1, [1, 2, 3, -1])).toThrow(DrError);
    expect(() => createRng(1, [1, 2, 3, 2 ** 32])).toThrow(DrError);
    expect(isRngState([0, 0, 0, 0])).toBe(true);
    expect(isRngState('[0,0,0,0]')).toBe(false);
  });
});

describe('next / int / pick / id', () => {
  it('next() stays in [0, 1) and int(n) in [0, n) for any seed and n', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 2 ** 32 }), (seed, n) => {
        const rng = createRng(seed);
        for (let i = 0; i < 20; i++) {
          const x = rng.next();
          expect(x >= 0 && x < 1).toBe(true);
          const k = rng.int(n);
          expect(Number.isInteger(k) && k >= 0 && k < n).toBe(true);
        }
      }),
    );
  });

  it('int(n) refuses n that is not a whole number ≥ 1', () => {
    const rng = createRng(1);
    for (const n of [0, -1, 1.5, Number.NaN, 2 ** 32 + 1]) expect(() => rng.int(n)).toThrow(RangeError);
  });

  it('spreads int(10) evenly and next() with mean about 1/2', () => {
    const rng = createRng(2026);
    const counts = new Array<number>(10).fill(0);
    const n = 100_000;
    for (let i = 0; i < n; i++) counts[rng.int(10)]! += 1;
    // Chi-squared with 9 degrees of freedom: 27.9 is the 0.1% critical value.
    const chi2 = counts.reduce((sum, c) => sum + (c - n / 10) ** 2 / (n / 10), 0);
    expect(chi2).toBeLessThan(27.9);
    const mean = draws(rng, n).reduce((s, x) => s + x, 0) / n;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.01);
  });

  it('pick() returns members, reaches all of them, and refuses an empty list', () => {
    const rng = createRng(3);
    const items = ['a', 'b', 'c'] as const;
    const seen = new Set(Array.from({ length: 100 }, () => rng.pick(items)));
    expect([...seen].sort()).toEqual(['a', 'b', 'c']);
    expect(() => rng.pick([])).toThrow(RangeError);
  });

  it('id() is the prefix, a dash and 10 of [a-z0-9], reproducible and without repeats', () => {
    const a = createRng(9);
    const b = createRng(9);
    const ids = Array.from({ length: 10_000 }, () => a.id('drp'));
    for (const id of ids) expect(id).toMatch(/^drp-[a-z0-9]{10}$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect(Array.from({ length: 10_000 }, () => b.id('drp'))).toEqual(ids);
  });
});
