/**
 * Durations as people write them (`90s`, `15m`, `1h30m`, `2w`) and as the API accepts them (a
 * number of milliseconds), turned into milliseconds; and back into the short form for display.
 */
import { DrError } from './errors.js';

const UNIT_MS = {
  w: 7 * 86_400_000,
  d: 86_400_000,
  h: 3_600_000,
  m: 60_000,
  s: 1_000,
  ms: 1,
} as const;
type Unit = keyof typeof UNIT_MS;

// Largest first; `formatDuration` leaves out weeks because `30d` reads better than `4w2d`.
const UNIT_ORDER: readonly Unit[] = ['w', 'd', 'h', 'm', 's', 'ms'];
const FORMAT_UNITS: readonly Unit[] = ['d', 'h', 'm', 's', 'ms'];

// `ms` before `m` so that `500ms` is not read as 500 minutes and a stray `s`.
const SEGMENT = /(\d+(?:\.\d+)?)\s*(ms|w|d|h|m|s)/y;
const HINT = 'write a number of milliseconds or a duration such as 500ms, 90s, 15m, 2h, 1d, 1w or 1h30m';

function invalid(value: unknown, why: string): DrError {
  return new DrError(
    'VALIDATION_FAILED',
    `Invalid duration ${JSON.stringify(value) ?? String(value)}: ${why}; ${HINT}.`,
    {
      value,
    },
  );
}

/**
 * Milliseconds from a number of milliseconds or a string of number-and-unit segments, largest unit
 * first (`1h30m`, `1d 12h`, `1.5h`). Fractions of a millisecond are rounded: simulated time counts
 * whole milliseconds. Throws DrError VALIDATION_FAILED on anything else.
 */
export function parseDuration(d: number | string): number {
  if (typeof d === 'number') {
    if (!Number.isFinite(d) || d < 0) throw invalid(d, 'it must be a finite number ≥ 0');
    return checkSafe(d, Math.round(d));
  }
  if (typeof d !== 'string') throw invalid(d, 'it must be a number or a string');
  const text = d.trim();
  if (text === '') throw invalid(d, 'it is empty');
  if (text.startsWith('-')) throw invalid(d, 'it is negative');
  if (/^\d+(\.\d+)?$/.test(text)) throw invalid(d, 'it has no unit (is it ms, s or m?)');

  let total = 0;
  let lastRank = -1;
  SEGMENT.lastIndex = 0;
  while (SEGMENT.lastIndex < text.length) {
    const match = SEGMENT.exec(text);
    if (match === null) throw invalid(d, `cannot read it from "${text.slice(SEGMENT.lastIndex)}"`);
    const unit = match[2] as Unit;
    const rank = UNIT_ORDER.indexOf(unit);
    if (rank <= lastRank) throw invalid(d, `units must go from largest to smallest, each once (${unit})`);
    lastRank = rank;
    total += Number(match[1]) * UNIT_MS[unit];
    // Spaces may separate segments (`1h 30m`).
    while (text[SEGMENT.lastIndex] === ' ') SEGMENT.lastIndex++;
  }
  return checkSafe(d, Math.round(total));
}

function checkSafe(value: unknown, ms: number): number {
  if (!Number.isSafeInteger(ms)) throw invalid(value, 'it is too long');
  return ms;
}

/**
 * The short form of `ms`: `1h30m`, `2d4h`, `1m500ms`, and `0s` for zero. Rounds to whole
 * milliseconds; `parseDuration(formatDuration(x)) === x` for every whole x ≥ 0.
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) throw new RangeError(`formatDuration needs a finite number; got ${ms}`);
  let rest = Math.round(Math.abs(ms));
  if (rest === 0) return '0s';
  let out = ms < 0 ? '-' : '';
  for (const unit of FORMAT_UNITS) {
    const size = UNIT_MS[unit];
    const count = Math.floor(rest / size);
    if (count > 0) {
      out += `${count}${unit}`;
      rest -= count * size;
    }
  }
  return out;
}

/**
 * The duration in `30m ago` / `1h30m ago`, in ms; null when `text` is not of that form (so the
 * caller can try it as an ISO time). A text of that form with a bad duration throws, so that
 * `3x ago` gets a message about durations rather than about ISO times.
 */
export function parseAgo(text: string): number | null {
  const match = /^\s*(\S.*?)\s+ago\s*$/.exec(text);
  if (match === null) return null;
  return parseDuration(match[1] as string);
}
