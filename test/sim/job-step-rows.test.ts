/**
 * A job's steps are stored as arrays of values (src/sim/rows.ts, `stepsText`): reading them back
 * must give every step with the same keys, order and values, whatever the step holds.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stepsFromText, stepsText } from '../../src/sim/rows.js';

const time = fc.oneof(
  fc.constant(null),
  fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
  fc.string(),
  fc.constantFrom('2026-01-05T03:00:00Z', '2026-01-05T03:00:00.000+00:00', '+002026-01-05T03:00:00.000Z'),
);
const step = fc.record({
  name: fc.string(),
  status: fc.constantFrom('PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'SKIPPED'),
  startedAt: time,
  endedAt: time,
  log: fc.array(fc.string()),
  durationMs: fc.integer({ min: 0 }),
});
const odd = fc.oneof(
  step.map((s) => ({ ...s, failWith: { code: 'INJECTED_FAULT', message: 'x' } })),
  step.map(({ log, ...s }) => ({ log, ...s })),
  fc.object().map((o) => o as object),
);

describe('stored job steps', () => {
  it('read back with the same keys, order and values', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(step, odd)), (steps) => {
        const back = stepsFromText(stepsText(steps));
        expect(back).toEqual(JSON.parse(JSON.stringify(steps)));
        expect(JSON.stringify(back)).toBe(JSON.stringify(steps));
      }),
    );
  });

  it('a usual step takes about half the bytes', () => {
    const steps = [
      {
        name: 'stop replication',
        status: 'SUCCEEDED',
        startedAt: '2026-01-05T03:00:00.000Z',
        endedAt: '2026-01-05T03:00:00.000Z',
        log: ['status is now PAUSED'],
        durationMs: 0,
      },
    ];
    expect(stepsText(steps).length).toBeLessThan(JSON.stringify(steps).length * 0.55);
  });
});
