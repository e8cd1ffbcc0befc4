// Durations: what parses, what is refused (and how), the display form and "… ago".
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDuration, parseAgo, parseDuration } from '../../src/sim/duration.js';
import { DrError } from '../../src/sim/errors.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

function refusal(value: unknown): DrError {
  try {
    parseDuration(value as number | string);
  } catch (error) {
    if (error instanceof DrError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(value)} to be refused`);
}

describe('parseDuration', () => {
  it.each([
    [0, 0],
    [1500, 1500],
    [0.4, 0],
    [2.5, 3],
    ['500ms', 500],
    ['90s', 90 * S],
    ['15m', 15 * M],
    ['2h', 2 * H],
    ['1d', D],
    ['1w', 7 * D],
    ['1h30m', H + 30 * M],
    ['1h 30m', H + 30 * M],
    ['  2d4h  ', 2 * D + 4 * H],
    ['1m500ms', M + 500],
    ['1.5h', 90 * M],
    ['0s', 0],
  ] as const)('%j is %d ms', (input, ms) => {
    expect(parseDuration(input)).toBe(ms);
  });

  it.each([
    -1,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    '',
    '   ',
    '15',
    '-5m',
    '5x',
    '1H',
    'h',
    '30m1h',
    '1h1h',
    '1h30',
    '10 minutes',
    '99999999999999999w',
  ])('refuses %j with VALIDATION_FAILED and a hint', (input) => {
    const error = refusal(input);
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.message).toContain('such as');
    expect(error.details).toEqual({ value: input });
  });

  it('refuses values that are neither numbers nor strings', () => {
    for (const value of [null, undefined, {}, ['1h'], true])
      expect(refusal(value).code).toBe('VALIDATION_FAILED');
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [500, '500ms'],
    [90 * S, '1m30s'],
    [H + 30 * M, '1h30m'],
    [7 * D, '7d'],
    [30 * D + 4 * H + 1, '30d4h1ms'],
    [-15 * M, '-15m'],
  ])('%d ms is %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('round-trips with parseDuration for every whole number of ms', () => {
    fc.assert(
      fc.property(fc.nat({ max: Number.MAX_SAFE_INTEGER }), (ms) => {
        expect(parseDuration(formatDuration(ms))).toBe(ms);
      }),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(fc.nat({ max: 60 * D }), (ms) => {
        expect(parseDuration(formatDuration(ms))).toBe(ms);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('parseAgo', () => {
  it('reads "<duration> ago"', () => {
    expect(parseAgo('30m ago')).toBe(30 * M);
    expect(parseAgo('  1h30m   ago ')).toBe(H + 30 * M);
    expect(parseAgo('1d 2h ago')).toBe(D + 2 * H);
  });

  it('returns null for other forms', () => {
    for (const text of ['2026-01-05T00:00:00Z', '30m', 'ago', ' ago', 'agony', '30m agoo', '30m from now']) {
      expect(parseAgo(text)).toBeNull();
    }
  });

  it('throws on "ago" with a duration it cannot read', () => {
    expect(() => parseAgo('3x ago')).toThrow(DrError);
  });
});
