/**
 * Recovery point retention: which of a pair's points the documented rules delete right after a new
 * point is made, and why. Pure, and called after every point of every pair, so it keeps no
 * per-call Intl objects and stays linear in the number of points.
 *
 * The rules (reference doc, "Periodic replication" and "Retention"), applied in this order; a
 * point deleted by one rule is reported with that rule's reason only:
 * 1. interval: every point except the new one whose local time of day is not a multiple of the
 *    interval is deleted.
 * 2. daily, when the new point is the first instant of its local day (normally 00:00): on every
 *    day from n-2 back only the day's daily point survives.
 * 3. weekly, when that daily moment is a Sunday: in every week from n-2 back only the week's
 *    weekly point survives.
 * 4. age: points made more than 30 days (30 × 24 h) before now are deleted.
 * 5. count: while more than 63 points remain, the oldest is deleted.
 *
 * Choices where the documentation is silent (the reference model in
 * test/sim/retention.test.ts makes the same ones):
 * - Local times come from the pair's IANA time zone. Time of day is the wall-clock reading
 *   (hours, minutes, seconds), so with a 4 h interval 04:00 is kept on a DST day even though only
 *   3 h have passed since midnight.
 * - Only the newest point escapes the interval rule. Incrementally only the point made before it
 *   can be unaligned, but checking them all keeps the function correct for any input.
 * - Daily and weekly retention run only when a point is made at the start of a local day. If
 *   replication was paused or broken at that moment, nothing is pruned until the next day's
 *   00:00 point, which then prunes every day from n-2 back (and, on a Sunday, every week from n-2
 *   back, not only week n-2): the same result as if the missed runs had happened, just later.
 * - A zone whose clocks skip 00:00 (e.g. America/Santiago in September) starts that day at the
 *   first instant that exists (01:00); a point made then counts as the day's 00:00 point for the
 *   trigger, though the interval rule still reads its wall clock (01:00).
 * - The daily point of a day is its surviving 00:00 point, or else its earliest surviving point.
 *   It is chosen among the points that exist when the rule runs: if the 00:00 point was deleted
 *   (by the count limit, say), the next one of that day takes its place.
 * - Weeks start on Sunday 00:00 local time. A week's weekly point is the daily point of its
 *   earliest day with points.
 * - "More than 30 days": a point exactly 30 days old is kept.
 * - Tags: `interval` on every aligned point, `daily` on each day's daily point and `weekly` on
 *   each week's weekly point, including today's and this week's.
 */
import type { RetentionFn, RetentionInput } from './contract.js';
import { DrError } from './errors.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Nothing older than this is kept. */
export const RETENTION_MAX_AGE_MS = 30 * DAY_MS;
/** At most this many points per pair. */
export const RETENTION_MAX_POINTS = 63;

type Reason = 'interval' | 'daily' | 'weekly' | 'age' | 'count';
/** A pinned point (in use) is marked so that no rule deletes it; it is reported as kept. */
type Mark = Reason | 'pinned';
type Tag = 'interval' | 'daily' | 'weekly';
type RetentionResult = ReturnType<RetentionFn>;

// ---------------------------------------------------------------- time zones

/**
 * A zone's UTC offset at any instant, from one Intl formatter. Offsets are cached per UTC hour:
 * an hour whose two ends agree has one offset throughout (no zone changes its offset twice within
 * an hour); an hour in which a change happens is computed per instant.
 */
/** How far back `uniformOffsetMs` grows a run: the age rule keeps 30 days of points. */
const MAX_RUN_HOURS = 32 * 24;

/** A zone's formatter whose text `wallFromText` reads (M/D/YYYY, HH:MM:SS). */
export const zoneFormat = (timeZone: string): Intl.DateTimeFormat =>
  new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });

class ZoneOffsets {
  readonly #format: Intl.DateTimeFormat | null;
  readonly #byHour = new Map<number, number>();
  /**
   * A run of consecutive uniform hours [#runFrom, #runTo) with one offset, grown one hour at a
   * time from the cache: retention reads the offset of every point of a pair after every point,
   * and those are almost always inside the run, so most reads are two comparisons.
   */
  #runFrom = 0;
  #runTo = 0;
  #runOffset = 0;

  constructor(timeZone: string) {
    this.#format = timeZone === 'UTC' ? null : zoneFormat(timeZone);
  }

  offsetMs(ms: number): number {
    if (this.#format === null) return 0;
    const hour = Math.floor(ms / HOUR_MS);
    if (hour >= this.#runFrom && hour < this.#runTo) return this.#runOffset;
    const cached = this.#byHour.get(hour);
    if (cached !== undefined && !Number.isNaN(cached)) {
      this.#extendRun(hour, cached);
      return cached;
    }
    if (cached === undefined) {
      // The next hour's start stands for this hour's end: an offset that changes at that instant
      // only makes this hour computed per instant. Each hour start is formatted once.
      const start = this.#atHourStart(hour);
      const end = this.#atHourStart(hour + 1);
      // Bounded: a few years of simulated hours per zone.
      if (this.#byHour.size >= 100_000) {
        this.#byHour.clear();
        this.#hourStarts.clear();
      }
      this.#byHour.set(hour, start === end ? start : Number.NaN);
      if (start === end) {
        this.#extendRun(hour, start);
        return start;
      }
    }
    return this.#exact(ms);
  }

  /**
   * The one offset of every instant in [fromMs, toMs], or null when no uniform run holds them
   * all. The run is grown back to `fromMs` hour by hour (each hour formatted once per zone), so
   * retention can add one offset to all of a pair's points instead of reading each one's.
   */
  uniformOffsetMs(fromMs: number, toMs: number): number | null {
    if (this.#format === null) return 0;
    const fromHour = Math.floor(fromMs / HOUR_MS);
    const toHour = Math.floor(toMs / HOUR_MS);
    if (fromHour < toHour - MAX_RUN_HOURS) return null;
    this.offsetMs(toMs);
    if (toHour < this.#runFrom || toHour >= this.#runTo) return null;
    while (fromHour < this.#runFrom) {
      const before = this.#runFrom;
      this.offsetMs((before - 1) * HOUR_MS);
      if (this.#runFrom === before) return null;
    }
    return this.#runOffset;
  }

  /**
   * `hour` is uniform at `offset`: it extends the run when adjacent with the same offset; a later
   * hour starts a new run (time moves forward, and a pair's points are read oldest first, so the
   * run settles on the newest hours); an earlier one leaves the run as it is.
   */
  #extendRun(hour: number, offset: number): void {
    const empty = this.#runTo === this.#runFrom;
    if (!empty && offset === this.#runOffset && hour === this.#runTo) this.#runTo++;
    else if (!empty && offset === this.#runOffset && hour === this.#runFrom - 1) this.#runFrom--;
    else if (empty || hour >= this.#runTo) {
      this.#runFrom = hour;
      this.#runTo = hour + 1;
      this.#runOffset = offset;
    }
  }

  readonly #hourStarts = new Map<number, number>();
  #atHourStart(hour: number): number {
    let offset = this.#hourStarts.get(hour);
    if (offset === undefined) {
      offset = this.#exact(hour * HOUR_MS);
      this.#hourStarts.set(hour, offset);
    }
    return offset;
  }

  /**
   * The offset at `ms` from the zone's wall clock there. `format` and reading its text costs about a
   * third of `formatToParts`, which makes an object per field: a year of one pair formats each of
   * its 8,760 simulated hours once, and this was ~10 % of that year's run (docs/performance.md).
   * The text comes from the same pattern as the parts; any other shape falls back to the parts.
   */
  #exact(ms: number): number {
    const format = this.#format as Intl.DateTimeFormat;
    const wall = wallFromText(format.format(ms)) ?? wallFromParts(format.formatToParts(ms));
    return wall - Math.floor(ms / 1000) * 1000;
  }
}

/** UTC milliseconds of a wall-clock reading (`Date.UTC` would move years 0–99 to 1900–1999). */
function wallMs(year: number, month: number, day: number, hour: number, minute: number, second: number) {
  const wall = new Date(0);
  wall.setUTCFullYear(year, month - 1, day);
  wall.setUTCHours(hour, minute, second, 0);
  return wall.getTime();
}

/** The fields in the order of the en-US numeric pattern `M/D/Y, HH:MM:SS`, and what follows each. */
const TEXT_SEPARATORS = ['/', '/', ', ', ':', ':', ''];
const fields = [0, 0, 0, 0, 0, 0];

/**
 * The reading of a formatter's `M/D/Y, HH:MM:SS` text (digits 0–9 only); null for any other text.
 * @internal
 */
export function wallFromText(text: string): number | null {
  let at = 0;
  for (let f = 0; f < 6; f++) {
    let value = 0;
    const start = at;
    for (let c = text.charCodeAt(at); c >= 48 && c <= 57; c = text.charCodeAt(++at))
      value = value * 10 + c - 48;
    if (at === start || at - start > 6) return null;
    fields[f] = value;
    const separator = TEXT_SEPARATORS[f]!;
    if (!text.startsWith(separator, at)) return null;
    at += separator.length;
  }
  if (at !== text.length) return null;
  return wallMs(fields[2]!, fields[0]!, fields[1]!, fields[3]!, fields[4]!, fields[5]!);
}

/** @internal */
export function wallFromParts(parts: Intl.DateTimeFormatPart[]): number {
  let year = 0;
  let month = 0;
  let day = 0;
  let hour = 0;
  let minute = 0;
  let second = 0;
  for (const part of parts) {
    switch (part.type) {
      case 'year':
        year = Number(part.value);
        break;
      case 'month':
        month = Number(part.value);
        break;
      case 'day':
        day = Number(part.value);
        break;
      case 'hour':
        hour = Number(part.value);
        break;
      case 'minute':
        minute = Number(part.value);
        break;
      case 'second':
        second = Number(part.value);
        break;
    }
  }
  return wallMs(year, month, day, hour, minute, second);
}

const zones = new Map<string, ZoneOffsets>();

function zoneOf(timeZone: string): ZoneOffsets {
  let zone = zones.get(timeZone);
  if (zone === undefined) {
    try {
      zone = new ZoneOffsets(timeZone);
    } catch {
      throw new DrError(
        'VALIDATION_FAILED',
        `Unknown time zone ${JSON.stringify(timeZone)}; write an IANA name such as UTC, Asia/Ho_Chi_Minh or Europe/Berlin.`,
        { field: 'timeZone', value: timeZone },
      );
    }
    zones.set(timeZone, zone);
  }
  return zone;
}

/**
 * The zone of a world that names none: the service is operated in Vietnam and its console shows
 * local time, so its "00:00" and "Sunday" are Vietnam's (docs/decisions, time zone).
 */
export const DEFAULT_TIME_ZONE = 'Asia/Ho_Chi_Minh';

/** Returns `timeZone` if Intl knows it; throws DrError VALIDATION_FAILED otherwise. */
export function validateTimeZone(timeZone: unknown): string {
  if (typeof timeZone !== 'string' || timeZone === '') {
    throw new DrError('VALIDATION_FAILED', 'timeZone must be an IANA name such as UTC or Asia/Ho_Chi_Minh.', {
      field: 'timeZone',
      value: timeZone,
    });
  }
  // The default needs no check, and building a formatter is the first use of ICU's time zone
  // data (~30 ms): a world using the zone pays it, not every start (docs/performance.md).
  if (timeZone !== DEFAULT_TIME_ZONE) zoneOf(timeZone);
  return timeZone;
}

/** Local time minus UTC at `ms`, in ms (`Asia/Ho_Chi_Minh`: 7 h). */
export function timeZoneOffsetMs(ms: number, timeZone: string): number {
  return zoneOf(timeZone).offsetMs(ms);
}

/** The local calendar day containing `ms`, as days since 1970-01-01. */
function localDay(zone: ZoneOffsets, ms: number): number {
  return Math.floor((ms + zone.offsetMs(ms)) / DAY_MS);
}

/**
 * The UTC instant at which the local day containing `ms` began: its 00:00, or the first instant
 * that exists when the clocks skipped midnight.
 *
 * @example dayStartMs(Date.parse('2026-01-05T03:00:00Z'), 'Asia/Ho_Chi_Minh') // 2026-01-04T17:00:00Z
 */
export function dayStartMs(ms: number, timeZone: string): number {
  const zone = zoneOf(timeZone);
  const day = localDay(zone, ms);
  const localMidnight = day * DAY_MS;
  const guess = localMidnight - zone.offsetMs(localMidnight - zone.offsetMs(ms));
  if (localDay(zone, guess) === day && localDay(zone, guess - 1) < day) return guess;
  // Midnight did not exist (or the offsets disagree): find the day's first instant by bisection.
  let before = ms - 2 * DAY_MS;
  let inDay = ms;
  while (inDay - before > 1) {
    const mid = Math.floor((before + inDay) / 2);
    if (localDay(zone, mid) >= day) inDay = mid;
    else before = mid;
  }
  return inDay;
}

// ---------------------------------------------------------------- retention

// The tag lists a point can have, indexed by interval + 2 × daily + 4 × weekly (weekly implies
// daily). Shared and frozen, so a call allocates no tag arrays.
const TAG_SETS: readonly Tag[][] = [
  [],
  ['interval'],
  ['daily'],
  ['interval', 'daily'],
  [],
  [],
  ['daily', 'weekly'],
  ['interval', 'daily', 'weekly'],
].map((tags) => Object.freeze(tags) as Tag[]);

// Scratch space reused across calls (this runs after every point of every pair). Days and weeks
// are indexed from the oldest point's, so choosing daily and weekly points needs no Map.
let dayOf = new Float64Array(128);
let timeOfDay = new Float64Array(128);
/** 1 when the point's time of day is a multiple of the interval. */
let onInterval = new Uint8Array(128);
const reasonOf: (Mark | null)[] = [];
let dailyByDay = new Int32Array(64);
let weeklyByWeek = new Int32Array(16);
let firstDay = 0;
let dayCount = 0;
let firstWeek = 0;
let weekCount = 0;

function weekOfDay(day: number): number {
  // 1970-01-01 was a Thursday: day + 4 is a multiple of 7 on Sundays, so weeks start on Sunday.
  return Math.floor((day + 4) / 7);
}

/**
 * Fills `dailyByDay` with each day's daily point (an index into the points, -1 for none) among
 * the points not yet deleted, for days ≤ `lastDay`: the day's 00:00 point, else its earliest.
 */
function chooseDailyPoints(points: RetentionInput['points'], lastDay: number): void {
  dailyByDay.fill(-1, 0, dayCount);
  for (let i = 0; i < points.length; i++) {
    const day = dayOf[i]!;
    if ((reasonOf[i] !== null && reasonOf[i] !== 'pinned') || day > lastDay) continue;
    const chosen = dailyByDay[day - firstDay]!;
    if (chosen < 0 || isBetterDaily(points, i, chosen)) dailyByDay[day - firstDay] = i;
  }
}

function isBetterDaily(points: RetentionInput['points'], i: number, chosen: number): boolean {
  const midnight = timeOfDay[i] === 0;
  if (midnight !== (timeOfDay[chosen] === 0)) return midnight;
  return points[i]!.createdAtMs < points[chosen]!.createdAtMs;
}

/** Fills `weeklyByWeek` with each week's weekly point (or -1): the daily point of its earliest day. */
function chooseWeeklyPoints(): void {
  weeklyByWeek.fill(-1, 0, weekCount);
  for (let d = 0; d < dayCount; d++) {
    const daily = dailyByDay[d]!;
    const w = weekOfDay(firstDay + d) - firstWeek;
    if (daily >= 0 && weeklyByWeek[w]! < 0) weeklyByWeek[w] = daily;
  }
}

/**
 * The documented retention rules, run right after the point `newPointId` was made at `nowMs`.
 * See the top of this module for the rules and the choices made where the documentation is silent.
 * `points` must come oldest first (the count rule deletes from the front). With `onlyNewTags`,
 * `tags` holds the new point's tags alone (the deletions are the same). The tag arrays in the
 * result are shared and frozen: copy one before changing it.
 *
 * @example
 * // 4 h interval: making 04:00 deletes 03:45, which is not on the interval.
 * applyRetention({ points: [p0345, p0400], newPointId: p0400.id, nowMs: p0400.createdAtMs, intervalHours: 4, timeZone: 'UTC' })
 * // → { deleted: [{ id: p0345.id, reason: 'interval' }], tags: { [p0400.id]: ['interval', 'daily', 'weekly'] } }
 */
export const applyRetention: RetentionFn = (input) => {
  const { deleted, tags } = retentionRules(input);
  return { deleted, tags: Object.fromEntries(tags) };
};

/** `applyRetention`'s answer with the tags by id in a Map, in the points' order. */
type RetentionRules = Omit<RetentionResult, 'tags'> & { tags: Map<string, Tag[]> };

/**
 * `applyRetention` for the engine: the tags in a Map. An object keyed by ids never seen before,
 * 30–60 of them a call, took a new hidden class per key added; that was two thirds of a call
 * (docs/performance.md, "A year of one pair, seventh round").
 */
export function retentionRules(input: RetentionInput): RetentionRules {
  const { points, newPointId, nowMs, intervalHours, timeZone } = input;
  const pinned = input.pinned !== undefined && input.pinned.size > 0 ? input.pinned : null;
  if (!(intervalHours > 0 && Number.isFinite(intervalHours))) {
    throw new RangeError(`applyRetention: intervalHours must be > 0; got ${intervalHours}`);
  }
  const zone = zoneOf(timeZone);
  const intervalMs = intervalHours * HOUR_MS;
  const count = points.length;
  if (dayOf.length < count) {
    dayOf = new Float64Array(count * 2);
    timeOfDay = new Float64Array(count * 2);
    onInterval = new Uint8Array(count * 2);
  }
  reasonOf.length = 0;

  let newIndex = -1;
  let lastDay = Number.NEGATIVE_INFINITY;
  firstDay = Number.POSITIVE_INFINITY;
  for (let i = 0; i < count; i++) {
    const point = points[i]!;
    const local = point.createdAtMs + zone.offsetMs(point.createdAtMs);
    const day = Math.floor(local / DAY_MS);
    dayOf[i] = day;
    const time = local - day * DAY_MS;
    timeOfDay[i] = time;
    onInterval[i] = time % intervalMs === 0 ? 1 : 0;
    reasonOf.push(null);
    if (day < firstDay) firstDay = day;
    if (day > lastDay) lastDay = day;
    if (point.id === newPointId) newIndex = i;
    // A point in use is never deleted: it keeps no reason, so every rule below passes it by.
    if (pinned?.has(point.id)) reasonOf[i] = 'pinned';
  }
  if (newIndex < 0) throw new Error(`applyRetention: the new point ${newPointId} is not among the points`);
  dayCount = lastDay - firstDay + 1;
  firstWeek = weekOfDay(firstDay);
  weekCount = weekOfDay(lastDay) - firstWeek + 1;
  if (dailyByDay.length < dayCount) dailyByDay = new Int32Array(dayCount * 2);
  if (weeklyByWeek.length < weekCount) weeklyByWeek = new Int32Array(weekCount * 2);

  // 1. interval
  for (let i = 0; i < count; i++) {
    if (i !== newIndex && onInterval[i] === 0 && reasonOf[i] === null) reasonOf[i] = 'interval';
  }

  const today = localDay(zone, nowMs);
  if (localDay(zone, nowMs - 1) < today) {
    // 2. daily: from day n-2 back, only each day's daily point.
    chooseDailyPoints(points, today - 2);
    for (let i = 0; i < count; i++) {
      const day = dayOf[i]!;
      if (reasonOf[i] === null && day <= today - 2 && dailyByDay[day - firstDay] !== i) reasonOf[i] = 'daily';
    }
    // 3. weekly, on Sundays: from week n-2 back, only each week's weekly point.
    const thisWeek = weekOfDay(today);
    if (weekOfDay(today - 1) < thisWeek) {
      chooseWeeklyPoints();
      for (let i = 0; i < count; i++) {
        const week = weekOfDay(dayOf[i]!);
        if (reasonOf[i] === null && week <= thisWeek - 2 && weeklyByWeek[week - firstWeek] !== i) {
          reasonOf[i] = 'weekly';
        }
      }
    }
  }

  // 4. age
  const oldestKeptMs = nowMs - RETENTION_MAX_AGE_MS;
  let remaining = 0;
  for (let i = 0; i < count; i++) {
    if (reasonOf[i] === 'pinned') remaining++;
    if (reasonOf[i] !== null) continue;
    if (points[i]!.createdAtMs < oldestKeptMs) reasonOf[i] = 'age';
    else remaining++;
  }

  // 5. count: the points come oldest first.
  for (let i = 0; i < count && remaining > RETENTION_MAX_POINTS; i++) {
    if (reasonOf[i] === null) {
      reasonOf[i] = 'count';
      remaining--;
    }
  }

  // Tags of the survivors.
  chooseDailyPoints(points, lastDay);
  chooseWeeklyPoints();
  const result: RetentionRules = { deleted: [], tags: new Map() };
  for (let i = 0; i < count; i++) {
    const id = points[i]!.id;
    const reason = reasonOf[i];
    if (reason && reason !== 'pinned') {
      result.deleted.push({ id, reason });
      continue;
    }
    if (input.onlyNewTags && i !== newIndex) continue;
    const day = dayOf[i]!;
    let tagSet = onInterval[i]!;
    if (dailyByDay[day - firstDay] === i) {
      tagSet += 2;
      if (weeklyByWeek[weekOfDay(day) - firstWeek] === i) tagSet += 4;
    }
    result.tags.set(id, TAG_SETS[tagSet]!);
  }
  return result;
}

/**
 * The same answer as `applyRetention` with `onlyNewTags`, computed incrementally for the common
 * case — the new point is not the first of its local day and neither the age nor the count
 * rule applies — or null when that case does not hold (call `applyRetention` then). In that
 * case only the interval rule deletes, and the new point's tags follow from the points of its
 * own day and week (`newPointTags`). test/sim/retention-fast.test.ts checks it against `applyRetention`.
 */
export function applyRetentionFast(input: RetentionInput): FastRetention | null {
  if (input.pinned !== undefined && input.pinned.size > 0) return null;
  return retentionFast(input.points, input.newPointId, input.nowMs, input.intervalHours, input.timeZone);
}

type FastRetention = {
  deleted: readonly RetentionResult['deleted'][number][];
  newPointTags: readonly string[];
};

/**
 * What the last fast call on a list (the array: the engine changes a pair's list only in place,
 * pushing new points and removing deleted ones) left true of it: every point before `newest` is on
 * the interval `intervalMs` read at the zone offset `offset`, since the call deleted the others.
 * Removing points keeps that true, and a later point (taken by the full rules) is no longer
 * `newest`.
 */
interface CheckedList {
  newest: RetentionInput['points'][number];
  offset: number;
  intervalMs: number;
}
const CHECKED = new WeakMap<RetentionInput['points'], CheckedList>();

/**
 * `applyRetentionFast` for a pair with no pinned points, its input as arguments: the tick calls it
 * for every pair, and an input object made per call only to be taken apart here was garbage.
 * The caller deletes what it returns from `points` in place (the engine does) or makes a new list.
 */
export function retentionFast(
  points: RetentionInput['points'],
  newPointId: string,
  nowMs: number,
  intervalHours: number,
  timeZone: string,
): FastRetention | null {
  const count = points.length;
  const newest = points[count - 1];
  if (!newest || newest.id !== newPointId || newest.createdAtMs !== nowMs) return null;
  if (count > RETENTION_MAX_POINTS || points[0]!.createdAtMs < nowMs - RETENTION_MAX_AGE_MS) return null;
  const zone = zoneOf(timeZone);
  const today = localDay(zone, nowMs);
  if (localDay(zone, nowMs - 1) < today) return null;
  const intervalMs = intervalHours * HOUR_MS;
  const week = weekOfDay(today);
  // Made on the first deletion (`[]` and a push allocate room for 17 entries, on every tick).
  let deleted: RetentionResult['deleted'] | null = null;
  let sameDay = false;
  let sameWeek = false;
  // Points come oldest first; one offset for all of them when the zone kept it from the first to now.
  const fromMs = points[0]!.createdAtMs;
  const offset = zone.uniformOffsetMs(fromMs, nowMs);
  // A list checked by the last call at this offset and interval: only the point before the new
  // one can be off the interval, and the one before that (on it, kept) stands for the older ones'
  // day and week, which never exceed its own (points are oldest first, local time grows with
  // one offset). Reading every point's time was two thirds of this function with 30 days of
  // points kept (cache misses over every pair's list, every tick).
  const checked = offset === null ? undefined : CHECKED.get(points);
  const first =
    checked !== undefined &&
    count >= 3 &&
    checked.newest === points[count - 2] &&
    checked.offset === offset &&
    checked.intervalMs === intervalMs
      ? count - 3
      : 0;
  for (let i = first; i < count - 1; i++) {
    const point = points[i]!;
    const ms = point.createdAtMs;
    const local = offset !== null && ms >= fromMs && ms <= nowMs ? ms + offset : ms + zone.offsetMs(ms);
    const day = Math.floor(local / DAY_MS);
    if ((local - day * DAY_MS) % intervalMs !== 0) {
      if (deleted === null) deleted = [{ id: point.id, reason: 'interval' }];
      else deleted.push({ id: point.id, reason: 'interval' });
      continue;
    }
    if (day === today) sameDay = true;
    if (weekOfDay(day) === week) sameWeek = true;
  }
  const local = nowMs + zone.offsetMs(nowMs);
  let tagSet = (local - today * DAY_MS) % intervalMs === 0 ? 1 : 0;
  if (!sameDay) {
    tagSet += 2;
    if (!sameWeek) tagSet += 4;
  }
  if (offset !== null) {
    if (checked === undefined) CHECKED.set(points, { newest, offset, intervalMs });
    else {
      checked.newest = newest;
      checked.offset = offset;
      checked.intervalMs = intervalMs;
    }
  }
  // The new point's tags alone, not `tags: { [id]: … }`: an object keyed by a new id on every
  // tick gave V8 a new hidden class each time, two thirds of this function's cost.
  return { deleted: deleted ?? NOTHING_DELETED, newPointTags: TAG_SETS[tagSet]! };
}

const NOTHING_DELETED: FastRetention['deleted'] = Object.freeze([]);
