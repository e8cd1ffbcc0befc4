// The engine's incremental retention must give exactly what the full rules give, whenever it
// claims to apply: same deletions (ids and reasons) and the same tags for the new point.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyRetention, applyRetentionFast } from '../../src/sim/retention.js';

const QUARTER = 15 * 60 * 1000;
const START = Date.parse('2026-01-03T00:00:00.000Z');

describe('applyRetentionFast', () => {
  it('agrees with applyRetention on random schedules with gaps and restarts', () => {
    let applied = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.constantFrom('UTC', 'Asia/Ho_Chi_Minh', 'America/New_York', 'Asia/Kolkata'),
        fc.array(
          fc.oneof(
            { weight: 20, arbitrary: fc.constant(1) },
            fc.integer({ min: 2, max: 200 }),
            fc.constant(0),
          ),
          {
            minLength: 50,
            maxLength: 1200,
          },
        ),
        (intervalHours, timeZone, steps) => {
          let points: { id: string; createdAtMs: number }[] = [];
          let now = START;
          steps.forEach((step, index) => {
            if (step === 0) {
              points = []; // a restart deletes every point
              return;
            }
            now += step * QUARTER;
            const id = `p${index}`;
            points.push({ id, createdAtMs: now });
            const input = { points, newPointId: id, nowMs: now, intervalHours, timeZone };
            const full = applyRetention(input);
            const fast = applyRetentionFast(input);
            if (fast) {
              applied++;
              expect(fast.deleted).toEqual(full.deleted);
              expect(fast.newPointTags).toEqual(full.tags[id]);
            }
            const gone = new Set(full.deleted.map((d) => d.id));
            points = points.filter((p) => !gone.has(p.id));
          });
        },
      ),
      { numRuns: 60 },
    );
    // The fast path must actually be exercised, or this test proves nothing.
    expect(applied).toBeGreaterThan(1000);
  });

  it('agrees on a list kept in place, as the engine keeps it, with intervals changing between points', () => {
    // The fast path remembers what it checked of a list between calls (retention.ts, CHECKED):
    // here the list is one array, deleted points spliced out of it, emptied in place on restarts.
    let skipped = 0;
    fc.assert(
      fc.property(
        fc.constantFrom('UTC', 'Asia/Ho_Chi_Minh', 'America/New_York', 'Europe/London'),
        fc.integer({ min: 0, max: 400 }),
        fc.array(
          fc.oneof(
            { weight: 30, arbitrary: fc.constant<Step>({ quarters: 1 }) },
            {
              weight: 3,
              arbitrary: fc.integer({ min: 2, max: 200 }).map((quarters): Step => ({ quarters })),
            },
            { weight: 2, arbitrary: fc.integer({ min: 1, max: 12 }).map((interval): Step => ({ interval })) },
            { weight: 1, arbitrary: fc.constant<Step>({ restart: true }) },
          ),
          { minLength: 50, maxLength: 1500 },
        ),
        (timeZone, startDays, steps) => {
          const points: { id: string; createdAtMs: number }[] = [];
          // Some runs start just before the zones' 2026 spring and autumn clock changes.
          let now = START + startDays * 24 * 3_600_000;
          let intervalHours = 1;
          steps.forEach((step, index) => {
            if ('restart' in step) {
              points.length = 0;
              return;
            }
            if ('interval' in step) {
              intervalHours = step.interval;
              return;
            }
            now += step.quarters * QUARTER;
            const id = `p${index}`;
            points.push({ id, createdAtMs: now });
            const input = { points: [...points], newPointId: id, nowMs: now, intervalHours, timeZone };
            const full = applyRetention(input);
            const fast = applyRetentionFast({ ...input, points });
            if (fast) {
              expect(fast.deleted).toEqual(full.deleted);
              expect(fast.newPointTags).toEqual(full.tags[id]);
            } else skipped++;
            const gone = new Set(full.deleted.map((d) => d.id));
            for (let i = points.length - 1; i >= 0; i--) if (gone.has(points[i]!.id)) points.splice(i, 1);
          });
        },
      ),
      { numRuns: 80 },
    );
    expect(skipped).toBeGreaterThan(0);
  });
});

type Step = { quarters: number } | { interval: number } | { restart: true };
