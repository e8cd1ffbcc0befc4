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
});
