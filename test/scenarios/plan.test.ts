/** `--repeat` seeds and `--shard` splits are pure functions of the inputs: every CI job agrees. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseShard, planRuns } from '../../src/scenarios/plan.js';
import { createPrng, deriveSeed } from '../../src/scenarios/prng.js';
import type { Scenario } from '../../src/scenarios/scenario.js';

const fake = (file: string, seed: number): Scenario => ({
  file,
  name: file,
  seed,
  tags: [],
  setup: {},
  setupLine: 1,
  steps: [],
});
const library = [
  'c.scenario.yaml',
  'a.scenario.yaml',
  'b/x.scenario.yaml',
  'b/y.scenario.yaml',
  'd.scenario.yaml',
].map((f, i) => fake(f, i + 1));
const key = (u: { scenario: Scenario; seed: number }) => `${u.scenario.file}#${u.seed}`;

describe('--repeat', () => {
  it('run 0 keeps the seed; the others are derived, distinct and stable', () => {
    const units = planRuns([fake('a.scenario.yaml', 42)], { repeat: 5 });
    expect(units.map((u) => u.seed)[0]).toBe(42);
    expect(new Set(units.map((u) => u.seed)).size).toBe(5);
    expect(planRuns([fake('a.scenario.yaml', 42)], { repeat: 5 })).toEqual(units);
    expect(units.map((u) => u.seed)).toEqual([0, 1, 2, 3, 4].map((i) => deriveSeed(42, i)));
  });

  it('--seed replaces the base seed of every scenario', () => {
    expect(planRuns(library, { seed: 9 }).map((u) => u.seed)).toEqual([9, 9, 9, 9, 9]);
  });
});

describe('--shard', () => {
  it('reads K/N', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    for (const bad of ['0/4', '5/4', '1/0', 'x', '1-2']) expect(parseShard(bad)).toBeNull();
  });

  it('the shards of any split are disjoint, cover every run and do not depend on the input order', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 1, max: 4 }),
        fc.shuffledSubarray(library, { minLength: 1 }),
        (count, repeat, chosen) => {
          const all = planRuns(chosen, { repeat }).map(key);
          const shards = Array.from({ length: count }, (_, i) =>
            planRuns(chosen, { repeat, shard: { index: i + 1, count } }).map(key),
          );
          expect(shards.flat().sort()).toEqual([...all].sort());
          expect(new Set(shards.flat()).size).toBe(all.length);
          const reversed = planRuns([...chosen].reverse(), { repeat, shard: { index: 1, count } }).map(key);
          expect(reversed).toEqual(shards[0]);
        },
      ),
    );
  });
});

describe('the scenario PRNG', () => {
  it('is a pure function of seed and salt', () => {
    const draw = (seed: number, salt: number) => {
      const rng = createPrng(seed, salt);
      return Array.from({ length: 5 }, () => rng.next());
    };
    expect(draw(1, 0)).toEqual(draw(1, 0));
    expect(draw(1, 0)).not.toEqual(draw(2, 0));
    expect(draw(1, 0)).not.toEqual(draw(1, 1));
    const rng = createPrng(3);
    for (let i = 0; i < 1000; i++) {
      const n = rng.between(2, 5);
      expect(n >= 2 && n <= 5 && Number.isInteger(n)).toBe(true);
    }
  });
});
