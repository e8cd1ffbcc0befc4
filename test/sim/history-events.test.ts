/**
 * History retention's event pass (src/sim/history-events.ts) reads a day of rows as arrays and
 * deletes in one statement; it must keep exactly the rows the event-by-event pass kept (the
 * reference in support/history-events-reference.ts): same rows, seqs, kinds and data, the same
 * cursor and the same creations carried to the next pass, over random histories of packed and
 * plain point events, an action's packed job events, events no checker reads, named points,
 * times out of order and seq gaps.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pruneEventRows } from '../../src/sim/history-events.js';
import { PACKED_EVENTS, PACKED_JOB_EVENTS } from '../../src/sim/rows.js';
import { openStore } from '../../src/sim/store.js';
import { referencePruneEvents } from './support/history-events-reference.js';

const HOUR_MS = 3_600_000;
const POINTS = ['rp-1', 'rp-2', 'rp-3', 'rp-4', 'rp-5', 'rp-6'];
const REASONS = ['interval', 'daily', 'weekly', 'age', 'count', 'pairDeleted', 'manual'];
const pointId = fc.oneof(fc.constantFrom(...POINTS), fc.constant(7));
const point = fc.record({ recoveryPointId: pointId, dataVersion: fc.nat(5) });
const deletion = fc.record({ recoveryPointId: pointId, reason: fc.constantFrom(...REASONS) });

type Event =
  | { kind: 'recoveryPoint.created'; data: unknown }
  | { kind: 'recoveryPoint.deleted'; data: unknown }
  | { kind: typeof PACKED_EVENTS; data: [unknown, unknown] }
  | { kind: string; data: unknown };

const event: fc.Arbitrary<Event> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant(PACKED_EVENTS), data: fc.tuple(point, deletion) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('recoveryPoint.created'), data: point }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('recoveryPoint.deleted'), data: deletion }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constantFrom('file.written', 'server.power', 'clock.advanced', 'fault.fired'),
      data: fc.constant({ path: 'a' }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constantFrom('pair.transition', 'job.created', 'job.step'),
      data: point,
    }),
  },
  // An action's job.created, pair.transition and job.ended in one row (rows.ts PACKED_JOB_EVENTS).
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant(PACKED_JOB_EVENTS),
      data: fc.constant([
        'job-1',
        'STOP',
        {},
        'STOP',
        'REPLICATING',
        'STOPPED',
        'NONE',
        'NONE',
        null,
        'SUCCEEDED',
        null,
      ]),
    }),
  },
);

const history = fc.array(
  fc.record({
    event,
    pairId: fc.constantFrom(null, 'pair-1', 'pair-2'),
    gap: fc.oneof(
      { weight: 4, arbitrary: fc.constant(0) },
      { weight: 1, arbitrary: fc.integer({ min: 1, max: 2 }) },
    ),
    // Mostly forward in time; now and then backwards (an imported history can be in any order).
    stepMs: fc.oneof(
      { weight: 9, arbitrary: fc.integer({ min: 0, max: 12 * HOUR_MS }) },
      { weight: 1, arbitrary: fc.integer({ min: -6 * HOUR_MS, max: 0 }) },
    ),
  }),
  { maxLength: 60 },
);

const passes = fc.array(
  fc.record({
    stepMs: fc.integer({ min: 0, max: 36 * HOUR_MS }),
    named: fc.subarray(POINTS),
    reloaded: fc.boolean(),
  }),
  { minLength: 1, maxLength: 8 },
);

function storeWith(rows: (string | number | null)[][]) {
  const store = openStore(':memory:');
  const insert = store.db.prepare(
    'INSERT INTO events (seq, at_ms, tenant, pair_id, kind, data) VALUES (?, ?, ?, ?, ?, ?)',
  );
  for (const row of rows) insert.run(...row);
  return store;
}

const everyRow = (store: ReturnType<typeof openStore>) =>
  store.db.prepare('SELECT * FROM events ORDER BY seq').raw().all();

describe('history retention of events', () => {
  it('keeps exactly the rows, cursor and carried creations of the event-by-event pass', () => {
    fc.assert(
      fc.property(history, passes, (entries, plan) => {
        const rows: (string | number | null)[][] = [];
        let seq = 0;
        let atMs = 1000 * HOUR_MS;
        for (const { event: e, pairId, gap, stepMs } of entries) {
          atMs = Math.max(0, atMs + stepMs);
          seq += 1 + gap;
          // A packed row is keyed by its last event's seq; its other events' seqs have no row.
          if (e.kind === PACKED_EVENTS) seq++;
          if (e.kind === PACKED_JOB_EVENTS) seq += 2;
          rows.push([seq, atMs, 't', pairId, e.kind, JSON.stringify(e.data)]);
        }
        const fast = storeWith(rows);
        const reference = storeWith(rows);
        let cutoffMs = 1000 * HOUR_MS;
        let fastState: {
          cursor: number;
          carried?: Map<string, number> | undefined;
          ownRows?: Set<number> | undefined;
        } = { cursor: 0 };
        let referenceState: typeof fastState = { cursor: 0 };
        for (const { stepMs, named, reloaded } of plan) {
          cutoffMs += stepMs;
          const pass = (state: typeof fastState) => ({
            cutoffMs,
            cursor: state.cursor,
            carried: reloaded ? undefined : state.carried,
            ownRows: reloaded ? undefined : state.ownRows,
            named: () => new Set(named),
          });
          const fastPass = pruneEventRows(fast.db, pass(fastState));
          const referencePass = referencePruneEvents(reference.db, pass(referenceState));
          expect(fastPass === null).toBe(referencePass === null);
          expect(fastPass?.cursor).toBe(referencePass?.cursor);
          expect([...(fastPass?.carried ?? [])]).toEqual([...(referencePass?.carried ?? [])]);
          expect(everyRow(fast)).toEqual(everyRow(reference));
          fastState = fastPass ?? { cursor: fastState.cursor };
          referenceState = referencePass ?? { cursor: referenceState.cursor };
        }
        fast.close();
        reference.close();
      }),
      { numRuns: 300 },
    );
  });
});
