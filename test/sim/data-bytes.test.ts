/**
 * A server's data size (its `dataBytes`, which sizes its recovery points and times its jobs) is
 * the bytes of its current files, however they were written: by the API, by the seeded workload
 * (the same few paths every tick), to an empty file, after an import into another simulator and
 * after the same simulator imports an earlier state of itself. The engine
 * keeps each path's newest size in memory between writes (src/sim/servers.ts), so this checks
 * the kept sizes never drift from the files.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/sim/contract.js';
import { createSimulator } from '../../src/sim/index.js';
import { createMain, TENANT } from './support/world.js';

type Step =
  | { kind: 'write'; path: string; content: string }
  | { kind: 'workload'; writesPerMinute: number; minutes: number }
  | { kind: 'reimport' }
  | { kind: 'save' }
  | { kind: 'rewind' };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('write' as const),
    // The workload writes workload/file-0.txt … file-7.txt: the API writes some of those too.
    path: fc.constantFrom('etc/app.conf', 'data/orders.csv', 'workload/file-1.txt', 'workload/file-5.txt'),
    content: fc.oneof(fc.constant(''), fc.string({ unit: 'grapheme', maxLength: 40 })),
  }),
  fc.record({
    kind: fc.constant('workload' as const),
    writesPerMinute: fc.constantFrom(0, 0.3, 2),
    minutes: fc.integer({ min: 1, max: 90 }),
  }),
  fc.constant({ kind: 'reimport' as const }),
  fc.constant({ kind: 'save' as const }),
  fc.constant({ kind: 'rewind' as const }),
);

function expectSizeOfFiles(sim: Simulator, serverId: string): void {
  const files = sim.listFiles(TENANT, serverId);
  const server = sim.exportState().servers.find((s) => s.id === serverId)!;
  expect(server.dataBytes).toBe(files.reduce((sum, file) => sum + file.sizeBytes, 0));
}

describe('a server’s data size', () => {
  it('is the bytes of its current files after API writes, workload ticks, an import and a rewind', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 12 }), (steps) => {
        let sim = createSimulator({ seed: 3 });
        const main = createMain(sim);
        let saved = sim.exportState();
        for (const s of steps) {
          if (s.kind === 'write') sim.writeFile(TENANT, main.id, s.path, s.content);
          else if (s.kind === 'workload') {
            sim.setWorkload(TENANT, main.id, s.writesPerMinute);
            sim.advance(`${s.minutes}m`);
          } else if (s.kind === 'save') saved = sim.exportState();
          // The same simulator goes back to an earlier state: what it kept of the files must go too.
          else if (s.kind === 'rewind') sim.importState(saved);
          else {
            const next = createSimulator({ seed: 5 });
            next.importState(sim.exportState());
            sim = next;
          }
          expectSizeOfFiles(sim, main.id);
        }
      }),
      { numRuns: 60 },
    );
  });
});
