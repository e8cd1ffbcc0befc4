/**
 * The rows of points not written yet (src/sim/pending-points.ts) behave as the Map by id they
 * replaced: over random adds, drops (of waiting and of written points), finds and flushes, the
 * same rows are written in the same order, and `size` and `find` agree with the Map.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PointOwner, PointRef } from '../../src/sim/context.js';
import { PendingPoints } from '../../src/sim/pending-points.js';

const op = fc.oneof(
  { arbitrary: fc.constant({ kind: 'add' as const }), weight: 6 },
  { arbitrary: fc.nat({ max: 4000 }).map((back) => ({ kind: 'drop' as const, back })), weight: 5 },
  { arbitrary: fc.nat({ max: 4000 }).map((back) => ({ kind: 'find' as const, back })), weight: 1 },
  { arbitrary: fc.constant({ kind: 'flush' as const }), weight: 1 },
);

describe('points not written yet', () => {
  it('are written as a Map by id would write them', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 3000 }), (ops) => {
        const pending = new PendingPoints();
        const model = new Map<string, PointRef>();
        const owner: PointOwner = { id: 'pair', tenant: 'tenant' };
        const refs: PointRef[] = [];
        const written: string[] = [];
        const expected: string[] = [];
        for (const o of ops) {
          if (o.kind === 'add') {
            const id = `rp-${refs.length}`;
            const ref: PointRef = {
              id,
              createdAtMs: refs.length,
              tags: '[]',
              dataVersion: 0,
              pending: undefined,
              sizeBytes: 0,
              corrupt: 0,
            };
            refs.push(ref);
            pending.add(ref, owner);
            model.set(id, ref);
          } else if (o.kind === 'drop' && refs.length > 0) {
            const ref = refs[Math.max(0, refs.length - 1 - o.back)] as PointRef;
            expect(pending.drop(ref)).toBe(model.delete(ref.id));
          } else if (o.kind === 'find' && refs.length > 0) {
            const id = (refs[Math.max(0, refs.length - 1 - o.back)] as PointRef).id;
            expect(pending.find(id)).toBe(model.get(id));
          } else if (o.kind === 'flush') {
            pending.flush((ref, of) => {
              expect(of).toBe(owner);
              written.push(ref.id);
            });
            for (const ref of model.values()) expected.push(ref.id);
            model.clear();
          }
          expect(pending.size).toBe(model.size);
        }
        const order: string[] = [];
        pending.forEach((ref) => {
          order.push(ref.id);
        });
        expect(order).toEqual([...model.keys()]);
        expect(written).toEqual(expected);
      }),
      { numRuns: 60 },
    );
  });
});
