/**
 * Which runs to make: each scenario once per seed (`--repeat N` derives N seeds from the base
 * seed), then the share of this CI job (`--shard K/N`): run i goes to shard (i mod N) + 1 of the
 * list sorted by file, which every job computes alike.
 */
import { deriveSeed } from './prng.js';
import type { Scenario } from './scenario.js';

export interface RunUnit {
  scenario: Scenario;
  seed: number;
  /** 0-based index among the repeats of this scenario. */
  repeat: number;
}

export interface Shard {
  index: number;
  count: number;
}

export function parseShard(text: string): Shard | null {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!match) return null;
  const index = Number(match[1]);
  const count = Number(match[2]);
  return count >= 1 && index >= 1 && index <= count ? { index, count } : null;
}

export function planRuns(
  scenarios: readonly Scenario[],
  options: { seed?: number; repeat?: number; shard?: Shard } = {},
): RunUnit[] {
  const repeat = options.repeat ?? 1;
  const units = [...scenarios]
    .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))
    .flatMap((scenario) => {
      const base = options.seed ?? scenario.seed;
      return Array.from({ length: repeat }, (_, i) => ({ scenario, seed: deriveSeed(base, i), repeat: i }));
    });
  const { shard } = options;
  return shard ? units.filter((_, i) => i % shard.count === shard.index - 1) : units;
}
