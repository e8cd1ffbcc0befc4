/**
 * Retention: the documented examples, the age and count limits, time zones, and a property test
 * that replays random replication schedules through `applyRetention` and through a small
 * reference model written here in a different style (whole-list filters over plain calendar
 * fields from fixed UTC offsets, no Intl, no day numbers), comparing what each keeps and why.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DrError } from '../../src/sim/errors.js';
import {
  applyRetention,
  dayStartMs,
  RETENTION_MAX_POINTS,
  timeZoneOffsetMs,
  validateTimeZone,
  wallFromParts,
  wallFromText,
  zoneFormat,
} from '../../src/sim/retention.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const TICK = 15 * MINUTE;

type Reason = 'interval' | 'daily' | 'weekly' | 'age' | 'count';
type Tag = 'interval' | 'daily' | 'weekly';

const at = (iso: string): number => Date.parse(iso);
const iso = (ms: number): string => new Date(ms).toISOString();

/** A schedule: points made at given times, and restarts that delete every point. */
type ScheduleEvent = { kind: 'point'; atMs: number } | { kind: 'restart' };

interface Outcome {
  /** Ids (ISO creation times, unique within a run) of the points left, oldest first. */
  kept: string[];
  reasons: Map<string, Reason>;
  tags: Record<string, Tag[]>;
  /**
   * Every deletion as `event index: id reason`, by event and then id: equal logs mean equal lists
   * after every event.
   */
  log: string[];
}

/** Runs a schedule through applyRetention as the engine would. */
function runRetention(events: readonly ScheduleEvent[], intervalHours: number, timeZone: string): Outcome {
  let points: { id: string; createdAtMs: number }[] = [];
  const reasons = new Map<string, Reason>();
  let tags: Record<string, Tag[]> = {};
  const log: string[] = [];
  for (const [step, event] of events.entries()) {
    if (event.kind === 'restart') {
      points = [];
      tags = {};
      continue;
    }
    const id = iso(event.atMs);
    points.push({ id, createdAtMs: event.atMs });
    const result = applyRetention({ points, newPointId: id, nowMs: event.atMs, intervalHours, timeZone });
    const gone = new Set<string>();
    for (const { id: goneId, reason } of result.deleted) {
      reasons.set(goneId, reason);
      gone.add(goneId);
      log.push(`${step}: ${goneId} ${reason}`);
    }
    points = points.filter((p) => !gone.has(p.id));
    tags = result.tags;
    if (points.length > RETENTION_MAX_POINTS) throw new Error(`${points.length} points after ${id}`);
    if (!points.some((p) => p.id === id)) throw new Error(`the new point ${id} was deleted`);
  }
  return { kept: points.map((p) => p.id), reasons, tags, log: byEvent(log) };
}

/** Orders a deletion log by event index, then by line (one event's deletions may come in any order). */
function byEvent(log: string[]): string[] {
  const index = (line: string) => Number(line.slice(0, line.indexOf(':')));
  return [...log].sort((a, b) => index(a) - index(b) || a.localeCompare(b));
}

const ticks = (fromIso: string, toIso: string, stepMs = TICK): ScheduleEvent[] => {
  const events: ScheduleEvent[] = [];
  for (let t = at(fromIso); t <= at(toIso); t += stepMs) events.push({ kind: 'point', atMs: t });
  return events;
};

const point = (isoTime: string) => ({ id: isoTime, createdAtMs: at(isoTime) });

// ---------------------------------------------------------------- reference model

/** Zones with one fixed offset all year, so the model can do without Intl. Minutes east of UTC. */
const FIXED_OFFSET_ZONES: Record<string, number> = {
  UTC: 0,
  'Asia/Ho_Chi_Minh': 7 * 60,
  'Asia/Kolkata': 5 * 60 + 30,
  'Asia/Kathmandu': 5 * 60 + 45,
  'Pacific/Honolulu': -10 * 60,
  'America/Sao_Paulo': -3 * 60,
};

interface ModelPoint {
  id: string;
  atMs: number;
  hour: number;
  minute: number;
  secondMs: number;
  /** UTC midnight of the local date: a key for "same local day". */
  dateKey: number;
  /** 0 = Sunday. */
  weekday: number;
  /** dateKey of the Sunday that starts the point's week. */
  weekKey: number;
}

function modelPoint(atMs: number, offsetMinutes: number): ModelPoint {
  const local = new Date(atMs + offsetMinutes * MINUTE);
  const dateKey = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate());
  const weekday = local.getUTCDay();
  return {
    id: iso(atMs),
    atMs,
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    secondMs: local.getUTCSeconds() * 1000 + local.getUTCMilliseconds(),
    dateKey,
    weekday,
    weekKey: dateKey - weekday * DAY,
  };
}

const isMidnight = (p: ModelPoint) => p.hour === 0 && p.minute === 0 && p.secondMs === 0;
const onInterval = (p: ModelPoint, hours: number) =>
  p.minute === 0 && p.secondMs === 0 && p.hour % hours === 0;

function dailyPointOf(points: readonly ModelPoint[], dateKey: number): ModelPoint | undefined {
  const sameDay = points.filter((p) => p.dateKey === dateKey);
  return sameDay.find(isMidnight) ?? [...sameDay].sort((a, b) => a.atMs - b.atMs)[0];
}

function weeklyPointOf(points: readonly ModelPoint[], weekKey: number): ModelPoint | undefined {
  const days = points.filter((p) => p.weekKey === weekKey).map((p) => p.dateKey);
  return days.length === 0 ? undefined : dailyPointOf(points, Math.min(...days));
}

/** The rules as the reference doc states them, one whole-list filter each. */
function referenceModel(
  events: readonly ScheduleEvent[],
  intervalHours: number,
  offsetMinutes: number,
): Outcome {
  let points: ModelPoint[] = [];
  const reasons = new Map<string, Reason>();
  const log: string[] = [];
  let step = 0;
  const keep = (reason: Reason, test: (p: ModelPoint) => boolean) => {
    const kept: ModelPoint[] = [];
    for (const p of points) {
      if (test(p)) {
        kept.push(p);
      } else {
        reasons.set(p.id, reason);
        log.push(`${step}: ${p.id} ${reason}`);
      }
    }
    points = kept;
  };
  for (; step < events.length; step++) {
    const event = events[step]!;
    if (event.kind === 'restart') {
      points = [];
      continue;
    }
    const now = modelPoint(event.atMs, offsetMinutes);
    points.push(now);
    keep('interval', (p) => p === now || onInterval(p, intervalHours));
    if (isMidnight(now)) {
      const before = points;
      keep('daily', (p) => now.dateKey - p.dateKey < 2 * DAY || p === dailyPointOf(before, p.dateKey));
      if (now.weekday === 0) {
        const afterDaily = points;
        keep(
          'weekly',
          (p) => now.weekKey - p.weekKey < 14 * DAY || p === weeklyPointOf(afterDaily, p.weekKey),
        );
      }
    }
    keep('age', (p) => p.atMs >= now.atMs - 30 * DAY);
    const newestFirst = [...points].sort((a, b) => b.atMs - a.atMs);
    const cut = new Set(newestFirst.slice(63));
    keep('count', (p) => !cut.has(p));
  }
  const tags: Record<string, Tag[]> = {};
  for (const p of points) {
    const pointTags: Tag[] = [];
    if (onInterval(p, intervalHours)) pointTags.push('interval');
    if (dailyPointOf(points, p.dateKey) === p) pointTags.push('daily');
    if (weeklyPointOf(points, p.weekKey) === p) pointTags.push('weekly');
    tags[p.id] = pointTags;
  }
  return { kept: points.map((p) => p.id), reasons, tags, log: byEvent(log) };
}

// ---------------------------------------------------------------- random schedules

interface Segment {
  kind: 'run' | 'pause' | 'restart';
  ticks: number;
  /** After a restart, the full copy may end off the 15-minute grid: its first point's minute. */
  offGridMinute: number | null;
}
interface Schedule {
  intervalHours: number;
  timeZone: string;
  startDay: number;
  startTick: number;
  totalTicks: number;
  segments: Segment[];
}

const segmentArb: fc.Arbitrary<Segment> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('run' as const),
      ticks: fc.integer({ min: 1, max: 12 * 96 }),
      offGridMinute: fc.constant(null),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('pause' as const),
      ticks: fc.integer({ min: 1, max: 3 * 96 }),
      offGridMinute: fc.constant(null),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('restart' as const),
      ticks: fc.constant(1),
      offGridMinute: fc.option(fc.integer({ min: 1, max: 14 })),
    }),
  },
);

const scheduleArb: fc.Arbitrary<Schedule> = fc.record({
  intervalHours: fc.integer({ min: 1, max: 12 }),
  timeZone: fc.constantFrom(...Object.keys(FIXED_OFFSET_ZONES)),
  startDay: fc.integer({ min: 0, max: 365 }),
  startTick: fc.integer({ min: 0, max: 95 }),
  totalTicks: fc.integer({ min: 2 * 7 * 96, max: 6 * 7 * 96 }),
  segments: fc.array(segmentArb, { minLength: 1, maxLength: 10 }),
});

/** The schedule's events: segments in turn, over and over, until `totalTicks` 15-minute ticks passed. */
function eventsOf(schedule: Schedule): ScheduleEvent[] {
  const events: ScheduleEvent[] = [];
  let tick = 0;
  const t0 = at('2026-01-01T00:00:00Z') + schedule.startDay * DAY + schedule.startTick * TICK;
  for (let s = 0; tick < schedule.totalTicks; s = (s + 1) % schedule.segments.length) {
    const segment = schedule.segments[s]!;
    if (segment.kind === 'restart') {
      events.push({ kind: 'restart' });
      if (segment.offGridMinute !== null)
        events.push({ kind: 'point', atMs: t0 + tick * TICK + segment.offGridMinute * MINUTE });
      tick += 1;
      continue;
    }
    for (let i = 0; i < segment.ticks && tick < schedule.totalTicks; i++, tick++) {
      if (segment.kind === 'run') events.push({ kind: 'point', atMs: t0 + tick * TICK });
    }
  }
  return events;
}

const sorted = (tags: Record<string, Tag[]>) =>
  Object.fromEntries(Object.entries(tags).sort(([a], [b]) => a.localeCompare(b)));

describe('applyRetention against the reference model', () => {
  it('keeps and deletes the same points for the same reasons, with the same tags', () => {
    const seenReasons = new Set<Reason>();
    // Fixed schedules that make every rule fire, whatever the random ones do. A long run at 1 h that
    // misses every third local midnight, leaving more than 63 points:
    const everyRule: Schedule = {
      intervalHours: 1,
      timeZone: 'Asia/Ho_Chi_Minh',
      startDay: 3,
      startTick: 68, // 17:00 UTC, local midnight
      totalTicks: 6 * 7 * 96,
      // Every third local midnight is missed, leaving three whole days: more than 63 points.
      segments: [
        { kind: 'run', ticks: 3 * 96 - 1, offGridMinute: null },
        { kind: 'pause', ticks: 2, offGridMinute: null },
      ],
    };
    // Three weeks at 12 h from Sunday 4 January, then 25 January's midnight missed: the next Sunday
    // must prune both weeks before last.
    const missedSunday: Schedule = {
      intervalHours: 12,
      timeZone: 'UTC',
      startDay: 3,
      startTick: 0,
      totalTicks: 5 * 7 * 96,
      segments: [
        { kind: 'run', ticks: 3 * 7 * 96 - 1, offGridMinute: null },
        { kind: 'pause', ticks: 2, offGridMinute: null },
      ],
    };
    fc.assert(
      fc.property(scheduleArb, (schedule) => {
        const events = eventsOf(schedule);
        const actual = runRetention(events, schedule.intervalHours, schedule.timeZone);
        const expected = referenceModel(
          events,
          schedule.intervalHours,
          FIXED_OFFSET_ZONES[schedule.timeZone]!,
        );
        // The first deletion that differs, with the event that made it, reads better than the whole log.
        const first = actual.log.findIndex((line, i) => line !== expected.log[i]);
        expect(actual.log[first]).toEqual(expected.log[first]);
        expect(actual.log).toEqual(expected.log);
        expect(actual.kept).toEqual(expected.kept);
        expect(Object.fromEntries(actual.reasons)).toEqual(Object.fromEntries(expected.reasons));
        expect(sorted(actual.tags)).toEqual(sorted(expected.tags));
        for (const reason of actual.reasons.values()) seenReasons.add(reason);
      }),
      { numRuns: 30, examples: [[everyRule], [missedSunday]] },
    );
    expect([...seenReasons].sort()).toEqual(['age', 'count', 'daily', 'interval', 'weekly']);
  });
});

// ---------------------------------------------------------------- documented examples

describe('interval rule', () => {
  it('deletes 03:45 when 04:00 is made with a 4 h interval, and keeps 04:00', () => {
    const points = [point('2026-01-05T03:45:00Z'), point('2026-01-05T04:00:00Z')];
    const result = applyRetention({
      points,
      newPointId: '2026-01-05T04:00:00Z',
      nowMs: at('2026-01-05T04:00:00Z'),
      intervalHours: 4,
      timeZone: 'UTC',
    });
    expect(result.deleted).toEqual([{ id: '2026-01-05T03:45:00Z', reason: 'interval' }]);
    // Alone in its day and week, 04:00 is also their daily and weekly point.
    expect(result.tags).toEqual({ '2026-01-05T04:00:00Z': ['interval', 'daily', 'weekly'] });
  });

  it('returns the same deletions with onlyNewTags, and tags for the new point alone', () => {
    const points = ['2026-01-05T00:00:00Z', '2026-01-05T03:45:00Z', '2026-01-05T04:00:00Z'].map(point);
    const input = {
      points,
      newPointId: '2026-01-05T04:00:00Z',
      nowMs: at('2026-01-05T04:00:00Z'),
      intervalHours: 4,
      timeZone: 'UTC',
    };
    const full = applyRetention(input);
    const onlyNew = applyRetention({ ...input, onlyNewTags: true });
    expect(onlyNew.deleted).toEqual(full.deleted);
    expect(onlyNew.tags).toEqual({ '2026-01-05T04:00:00Z': ['interval'] });
    expect(full.tags).toEqual({
      '2026-01-05T00:00:00Z': ['interval', 'daily', 'weekly'],
      '2026-01-05T04:00:00Z': ['interval'],
    });
  });

  it('keeps the newest point even when it is off the interval, until the next one', () => {
    const first = applyRetention({
      points: [point('2026-01-05T04:00:00Z'), point('2026-01-05T05:00:00Z')],
      newPointId: '2026-01-05T05:00:00Z',
      nowMs: at('2026-01-05T05:00:00Z'),
      intervalHours: 4,
      timeZone: 'UTC',
    });
    expect(first.deleted).toEqual([]);
    expect(first.tags['2026-01-05T05:00:00Z']).toEqual([]);
    const outcome = runRetention(ticks('2026-01-05T04:00:00Z', '2026-01-05T05:15:00Z'), 4, 'UTC');
    expect(outcome.kept).toEqual(['2026-01-05T04:00:00.000Z', '2026-01-05T05:15:00.000Z']);
    expect(outcome.reasons.get('2026-01-05T05:00:00.000Z')).toBe('interval');
  });

  it('leaves 0:00, 4:00, 8:00 of a morning at 4 h, and deletes an off-grid first point', () => {
    const events: ScheduleEvent[] = [
      { kind: 'point', atMs: at('2026-01-05T00:07:31Z') },
      ...ticks('2026-01-05T00:15:00Z', '2026-01-05T08:00:00Z'),
    ];
    const outcome = runRetention(events, 4, 'UTC');
    expect(outcome.kept).toEqual(['2026-01-05T04:00:00.000Z', '2026-01-05T08:00:00.000Z']);
    expect(outcome.reasons.get('2026-01-05T00:07:31.000Z')).toBe('interval');
    expect(outcome.tags).toEqual({
      '2026-01-05T04:00:00.000Z': ['interval', 'daily', 'weekly'],
      '2026-01-05T08:00:00.000Z': ['interval'],
    });
  });
});

describe('daily and weekly rules', () => {
  it('at 00:00 keeps days n and n-1 whole and only the daily point of day n-2', () => {
    const outcome = runRetention(ticks('2026-01-05T00:00:00Z', '2026-01-07T00:00:00Z'), 6, 'UTC');
    expect(outcome.kept).toEqual([
      '2026-01-05T00:00:00.000Z',
      '2026-01-06T00:00:00.000Z',
      '2026-01-06T06:00:00.000Z',
      '2026-01-06T12:00:00.000Z',
      '2026-01-06T18:00:00.000Z',
      '2026-01-07T00:00:00.000Z',
    ]);
    expect(outcome.reasons.get('2026-01-05T06:00:00.000Z')).toBe('daily');
    expect(outcome.reasons.get('2026-01-05T18:00:00.000Z')).toBe('daily');
    // Before the 00:00 point of the 7th, the 5th was still whole.
    const before = runRetention(ticks('2026-01-05T00:00:00Z', '2026-01-06T23:45:00Z'), 6, 'UTC');
    expect(before.kept.filter((id) => id.startsWith('2026-01-05'))).toHaveLength(4);
  });

  it('takes the earliest point as the daily point of a day without a 00:00 point', () => {
    const outcome = runRetention(ticks('2026-01-05T09:00:00Z', '2026-01-08T00:00:00Z'), 3, 'UTC');
    expect(outcome.kept.filter((id) => id < '2026-01-06')).toEqual(['2026-01-05T09:00:00.000Z']);
    expect(outcome.tags['2026-01-05T09:00:00.000Z']).toEqual(['interval', 'daily', 'weekly']);
  });

  it('does not prune while no 00:00 point is made, then catches up at the next one', () => {
    const events = [
      ...ticks('2026-01-05T00:00:00Z', '2026-01-06T23:45:00Z'),
      ...ticks('2026-01-07T00:15:00Z', '2026-01-07T23:45:00Z'), // paused over midnight
    ];
    const paused = runRetention(events, 12, 'UTC');
    expect(paused.kept).toHaveLength(6);
    const resumed = runRetention(
      [...events, ...ticks('2026-01-08T00:00:00Z', '2026-01-08T00:00:00Z')],
      12,
      'UTC',
    );
    expect(resumed.kept).toEqual([
      '2026-01-05T00:00:00.000Z',
      '2026-01-06T00:00:00.000Z',
      '2026-01-07T12:00:00.000Z',
      '2026-01-08T00:00:00.000Z',
    ]);
    expect(resumed.reasons.get('2026-01-06T12:00:00.000Z')).toBe('daily');
  });

  it('on Sunday 00:00 deletes the daily points of the week before last but its weekly point', () => {
    // Sunday 4 January to Sunday 25 January 2026 at 12 h: two points a day.
    const day = (d: number, hour = '00') => `2026-01-${String(d).padStart(2, '0')}T${hour}:00:00.000Z`;
    const days = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => day(from + i));
    const saturday = runRetention(ticks(day(4), day(24, '12'), 12 * HOUR), 12, 'UTC');
    // Before 25 January: week 4–10 was reduced to its weekly point on the 18th; week 11–17 keeps its dailies.
    expect(saturday.kept.filter((id) => id < day(18))).toEqual([day(4), ...days(11, 17)]);

    const sunday = runRetention(ticks(day(4), day(25), 12 * HOUR), 12, 'UTC');
    // The 25th starts week n, so week n-2 is 11–17 January: only Sunday the 11th is left.
    expect(sunday.kept).toEqual([day(4), day(11), ...days(18, 24), day(24, '12'), day(25)]);
    for (let d = 12; d <= 17; d++) expect(sunday.reasons.get(day(d))).toBe('weekly');
    for (let d = 5; d <= 10; d++) expect(sunday.reasons.get(day(d))).toBe('weekly');
    expect(sunday.reasons.get(day(11, '12'))).toBe('daily');
    expect(sunday.tags[day(4)]).toEqual(['interval', 'daily', 'weekly']);
    expect(sunday.tags[day(18)]).toEqual(['interval', 'daily', 'weekly']);
    expect(sunday.tags[day(19)]).toEqual(['interval', 'daily']);
    expect(sunday.tags[day(24, '12')]).toEqual(['interval']);
    expect(sunday.tags[day(25)]).toEqual(['interval', 'daily', 'weekly']);
  });
});

describe('age and count limits', () => {
  it('deletes points older than 30 days and keeps one exactly 30 days old', () => {
    const now = '2026-02-04T01:00:00.000Z';
    const result = applyRetention({
      points: ['2026-01-04T23:00:00.000Z', '2026-01-05T01:00:00.000Z', '2026-02-03T00:00:00.000Z', now].map(
        point,
      ),
      newPointId: now,
      nowMs: at(now),
      intervalHours: 1,
      timeZone: 'UTC',
    });
    expect(result.deleted).toEqual([{ id: '2026-01-04T23:00:00.000Z', reason: 'age' }]);
    expect(Object.keys(result.tags)).toEqual(['2026-01-05T01:00:00.000Z', '2026-02-03T00:00:00.000Z', now]);
  });

  it('makes the 64th point delete the oldest', () => {
    const points = Array.from({ length: 64 }, (_, i) => point(iso(at('2026-01-05T00:00:00Z') + i * HOUR)));
    const newest = points[63]!;
    expect(newest.id).toBe('2026-01-07T15:00:00.000Z');
    const result = applyRetention({
      points,
      newPointId: newest.id,
      nowMs: newest.createdAtMs,
      intervalHours: 1,
      timeZone: 'UTC',
    });
    expect(result.deleted).toEqual([{ id: '2026-01-05T00:00:00.000Z', reason: 'count' }]);
    expect(Object.keys(result.tags)).toHaveLength(63);
    // The next day's daily point takes over.
    expect(result.tags['2026-01-05T01:00:00.000Z']).toEqual(['interval', 'daily', 'weekly']);
    const sixtyThree = applyRetention({
      points: points.slice(1),
      newPointId: newest.id,
      nowMs: newest.createdAtMs,
      intervalHours: 1,
      timeZone: 'UTC',
    });
    expect(sixtyThree.deleted).toEqual([]);
  });

  it('holds at most 63 points when a paused midnight leaves three whole days at 1 h', () => {
    const events = [
      ...ticks('2026-01-04T00:00:00Z', '2026-01-24T23:00:00Z', HOUR),
      ...ticks('2026-01-25T01:00:00Z', '2026-01-25T23:00:00Z', HOUR), // no 00:00 point on the 25th
    ];
    const outcome = runRetention(events, 1, 'UTC');
    const byCount = [...outcome.reasons].filter(([, reason]) => reason === 'count').map(([id]) => id);
    // 3 × 24 hourly points of the 23rd to the 25th, minus the missing 00:00, plus dailies and weeklies.
    expect(outcome.kept).toHaveLength(RETENTION_MAX_POINTS);
    expect(byCount.length).toBeGreaterThan(0);
    // The oldest went first: everything the count limit deleted is older than everything kept.
    expect(byCount.every((id) => id < outcome.kept[0]!)).toBe(true);
  });
});

describe('time zones', () => {
  it('Asia/Ho_Chi_Minh (UTC+7) moves the day and interval boundaries to 17:00 UTC', () => {
    const events = ticks('2026-01-05T15:45:00Z', '2026-01-07T17:00:00Z');
    const vietnam = runRetention(events, 4, 'Asia/Ho_Chi_Minh');
    const utc = runRetention(events, 4, 'UTC');
    // Local 00:00 on 6 January is 17:00 UTC on the 5th; 16:00 UTC is 23:00 local, off the interval.
    expect(vietnam.kept[0]).toBe('2026-01-05T17:00:00.000Z');
    expect(vietnam.reasons.get('2026-01-05T16:00:00.000Z')).toBe('interval');
    expect(vietnam.tags['2026-01-05T17:00:00.000Z']).toEqual(['interval', 'daily', 'weekly']);
    // The daily run at 17:00 UTC on the 7th (local 00:00 of the 8th) pruned local 6 January.
    expect(vietnam.reasons.get('2026-01-05T21:00:00.000Z')).toBe('daily');
    expect(utc.kept[0]).toBe('2026-01-05T16:00:00.000Z');
    expect(utc.reasons.get('2026-01-05T17:00:00.000Z')).toBe('interval');
  });

  it('reads the wall clock on DST days: 04:00 is on a 4 h interval after spring-forward', () => {
    // Europe/Berlin, 29 March 2026: 02:00 CET becomes 03:00 CEST at 01:00 UTC.
    const outcome = runRetention(ticks('2026-03-28T23:00:00Z', '2026-03-29T06:00:00Z'), 4, 'Europe/Berlin');
    expect(outcome.kept).toEqual([
      '2026-03-28T23:00:00.000Z',
      '2026-03-29T02:00:00.000Z',
      '2026-03-29T06:00:00.000Z',
    ]);
  });

  it('starts a day whose midnight does not exist at its first instant, and runs the daily rule there', () => {
    // America/Santiago, 6 September 2026: 00:00 -04 becomes 01:00 -03 at 04:00 UTC.
    expect(iso(dayStartMs(at('2026-09-06T12:00:00Z'), 'America/Santiago'))).toBe('2026-09-06T04:00:00.000Z');
    const outcome = runRetention(
      ticks('2026-09-04T04:00:00Z', '2026-09-06T04:00:00Z', HOUR),
      1,
      'America/Santiago',
    );
    expect(outcome.reasons.get('2026-09-04T05:00:00.000Z')).toBe('daily');
    expect(outcome.kept.filter((id) => id < '2026-09-05T04:00:00.000Z')).toEqual([
      '2026-09-04T04:00:00.000Z',
    ]);
  });

  it('dayStartMs and timeZoneOffsetMs agree with known instants', () => {
    expect(iso(dayStartMs(at('2026-01-05T03:00:00Z'), 'Asia/Ho_Chi_Minh'))).toBe('2026-01-04T17:00:00.000Z');
    expect(iso(dayStartMs(at('2026-01-05T00:00:00Z'), 'UTC'))).toBe('2026-01-05T00:00:00.000Z');
    expect(iso(dayStartMs(at('2026-03-29T12:00:00Z'), 'Europe/Berlin'))).toBe('2026-03-28T23:00:00.000Z');
    expect(iso(dayStartMs(at('2026-10-25T12:00:00Z'), 'Europe/Berlin'))).toBe('2026-10-24T22:00:00.000Z');
    expect(timeZoneOffsetMs(at('2026-01-05T00:00:00Z'), 'Asia/Kathmandu')).toBe(5 * HOUR + 45 * MINUTE);
    expect(timeZoneOffsetMs(at('2026-07-01T00:00:00Z'), 'America/New_York')).toBe(-4 * HOUR);
  });

  it('timeZoneOffsetMs matches Intl’s own offset name at any instant, DST changes included', () => {
    const zones = [
      'Europe/Berlin',
      'America/New_York',
      'America/Santiago',
      'Australia/Lord_Howe',
      'Asia/Kathmandu',
    ];
    const named = new Map(
      zones.map((z) => [z, new Intl.DateTimeFormat('en-US', { timeZone: z, timeZoneName: 'longOffset' })]),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.integer({ min: at('2024-01-01T00:00:00Z'), max: at('2030-01-01T00:00:00Z') }),
        (zone, ms) => {
          const name = named
            .get(zone)!
            .formatToParts(ms)
            .find((p) => p.type === 'timeZoneName')!.value;
          const m = /GMT(?:([+-])(\d{2}):(\d{2}))?/.exec(name)!;
          const expected =
            m[1] === undefined ? 0 : (m[1] === '-' ? -1 : 1) * (Number(m[2]) * HOUR + Number(m[3]) * MINUTE);
          expect(timeZoneOffsetMs(ms, zone)).toBe(expected);
          const start = dayStartMs(ms, zone);
          expect(start).toBeLessThanOrEqual(ms);
          expect(ms - start).toBeLessThan(25 * HOUR);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('reads a formatter’s text as its parts, from 1970 to 9999, and no other text', () => {
    const zones = ['UTC', 'Asia/Ho_Chi_Minh', 'America/St_Johns', 'Pacific/Kiritimati', 'Pacific/Pago_Pago'];
    const formats = zones.map(zoneFormat);
    fc.assert(
      fc.property(
        fc.constantFrom(...formats),
        fc.oneof(
          fc.integer({ min: 0, max: at('9999-12-31T23:59:59.999Z') }),
          fc.constantFrom(0, at('9999-12-31T23:59:59.999Z')),
        ),
        (format, ms) => {
          expect(wallFromText(format.format(ms))).toBe(wallFromParts(format.formatToParts(ms)));
        },
      ),
      { numRuns: 2000 },
    );
    for (const text of [
      '',
      '1/2/2026',
      '1/2/2026, 13:05',
      '1/2/2026, 13:05:07 PM',
      '1/2/2026 13:05:07',
      '١/٢/٢٠٢٦, ١٣:٠٥:٠٧',
    ]) {
      expect(wallFromText(text)).toBeNull();
    }
  });

  it('refuses an unknown time zone with VALIDATION_FAILED', () => {
    expect(validateTimeZone('Asia/Ho_Chi_Minh')).toBe('Asia/Ho_Chi_Minh');
    for (const zone of ['Mars/Olympus', '', 42]) {
      expect(() => validateTimeZone(zone)).toThrow(DrError);
    }
    expect(() =>
      applyRetention({
        points: [point('2026-01-05T00:00:00Z')],
        newPointId: '2026-01-05T00:00:00Z',
        nowMs: at('2026-01-05T00:00:00Z'),
        intervalHours: 1,
        timeZone: 'Nowhere/Else',
      }),
    ).toThrow(DrError);
  });
});
