/** The engine's ISO text of a time (src/sim/rows.ts `iso`) remembers its last answers: never a stale one. */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { iso } from '../../src/sim/rows.js';

it('gives the ISO text of each time, whatever came before', () => {
  const time = fc.integer({ min: -8.64e15, max: 8.64e15 });
  fc.assert(
    fc.property(fc.array(fc.oneof(time, fc.constantFrom(0, 1, 1767582000000))), (times) => {
      for (const ms of times) expect(iso(ms)).toBe(new Date(ms).toISOString());
    }),
  );
});
