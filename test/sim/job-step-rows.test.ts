/**
 * A job's steps are stored as arrays of values, their words as numbers and their times after the
 * job's creation (src/sim/rows.ts, `stepsText`): reading them back must give every step with the
 * same keys, order and values, whatever the step holds; and steps stored the way drsim stored
 * them before (absolute times, every word spelt out) still read back as they were written.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stepsFromText, stepsText } from '../../src/sim/rows.js';
import { STORED_WORDS } from '../../src/sim/stored-words.js';
import { stepsTextV1 } from './support/rows-v1.js';

const time = fc.oneof(
  fc.constant(null),
  fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
  fc.string(),
  fc.constantFrom('2026-01-05T03:00:00Z', '2026-01-05T03:00:00.000+00:00', '+002026-01-05T03:00:00.000Z'),
);
const text = fc.oneof(fc.string(), fc.constantFrom(...STORED_WORDS), fc.constantFrom('0', '12', '~'));
const step = fc.record({
  name: text,
  status: fc.oneof(fc.constantFrom('PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'SKIPPED'), text),
  startedAt: time,
  endedAt: time,
  log: fc.array(text),
  durationMs: fc.oneof(fc.constant(0), fc.integer({ min: 0 }), fc.double()),
});
const odd = fc.oneof(
  step.map((s) => ({ ...s, failWith: { code: 'INJECTED_FAULT', message: 'x' } })),
  step.map(({ log, ...s }) => ({ log, ...s })),
  step.map((s) => ({ ...s, name: 3 })),
  step.map((s) => ({ ...s, log: [1, 'x'] })),
  fc.object().map((o) => o as object),
);
const createdMs = fc.oneof(
  fc.date({ noInvalidDate: true }).map((date) => date.getTime()),
  fc.constant(Number.NaN),
);

describe('stored job steps', () => {
  it('read back with the same keys, order and values', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(step, odd)), createdMs, (steps, created) => {
        const back = stepsFromText(stepsText(steps, created), created);
        expect(back).toEqual(JSON.parse(JSON.stringify(steps)));
        expect(JSON.stringify(back)).toBe(JSON.stringify(steps));
      }),
    );
  });

  it('steps stored before the words read back as they were written', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(step, odd)), createdMs, (steps, created) => {
        const back = stepsFromText(stepsTextV1(steps), created);
        expect(JSON.stringify(back)).toBe(JSON.stringify(steps));
      }),
    );
    const v1 = '[["stop replication","SUCCEEDED",1767582000000,1767582000000,["status is now PAUSED"],0]]';
    expect(stepsFromText(v1, 1767582000000)).toEqual([
      {
        name: 'stop replication',
        status: 'SUCCEEDED',
        startedAt: '2026-01-05T03:00:00.000Z',
        endedAt: '2026-01-05T03:00:00.000Z',
        log: ['status is now PAUSED'],
        durationMs: 0,
      },
    ]);
  });

  it("a stop's step takes a fifth of the bytes of the arrays before", () => {
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
    const created = Date.parse('2026-01-05T03:00:00.000Z');
    expect(stepsText(steps, created).length).toBeLessThan(stepsTextV1(steps).length * 0.25);
  });
});
