/**
 * Pair rows are kept across requests (src/sim/pairs.ts, `ctx.pairRows`): whatever happens —
 * actions accepted and refused, time passing with outages, imports, resets, snapshots restored,
 * a transaction that saved a pair and then failed — every kept row is the row the database
 * holds, and a pair read through them is the pair the database holds.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { USER_ACTIONS } from '../../src/machine/index.js';
import type { Engine } from '../../src/sim/engine.js';
import { createSimulator } from '../../src/sim/index.js';
import { loadPair, savePair } from '../../src/sim/pairs.js';
import { pairFromRow } from '../../src/sim/rows.js';
import { engineOf } from '../../src/sim/simulator.js';
import { attachMain, createMain, requestFor, START, TENANT } from './support/world.js';

const op = fc.oneof(
  fc.record({ kind: fc.constant('act' as const), pair: fc.nat(2), action: fc.constantFrom(...USER_ACTIONS) }),
  fc.record({ kind: fc.constant('read' as const), pair: fc.nat(2) }),
  fc.record({ kind: fc.constant('advance' as const), minutes: fc.integer({ min: 1, max: 300 }) }),
  fc.record({ kind: fc.constant('outage' as const), pair: fc.nat(2), down: fc.boolean() }),
  fc.record({ kind: fc.constant('progression' as const), mode: fc.constantFrom('clock', 'immediate') }),
  fc.constant({ kind: 'reimport' as const }),
  fc.constant({ kind: 'snapshot' as const }),
  fc.constant({ kind: 'restore' as const }),
  fc.constant({ kind: 'reset' as const }),
  fc.record({ kind: fc.constant('failedSave' as const), pair: fc.nat(2) }),
);

function expectInStep(e: Engine, pairIds: string[]): void {
  for (const [id, row] of e.ctx.pairRows) expect(row).toEqual(e.st.pairById.get(id));
  for (const id of pairIds) {
    const stored = e.st.pairById.get(id);
    if (!stored) continue;
    expect(loadPair(e, TENANT, id)).toEqual(pairFromRow(stored));
  }
}

describe('kept pair rows', () => {
  it('are always the rows the database holds', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 25 }), (ops) => {
        const sim = createSimulator({ seed: 5 });
        const e = engineOf(sim)!;
        try {
          const mains: string[] = [];
          const pairIds: string[] = [];
          for (let i = 0; i < 3; i++) {
            const main = createMain(sim, `web-0${i}`);
            mains.push(main.id);
            const pair = attachMain(sim, main.id);
            pairIds.push(pair.id);
            sim.act(TENANT, pair.id, { ...START, shadowName: `web-0${i}-dr` });
          }
          sim.advance('1h');
          let snapshot = false;
          for (const o of ops) {
            try {
              if (o.kind === 'act') sim.act(TENANT, pairIds[o.pair]!, requestFor(o.action));
              else if (o.kind === 'read') sim.getPair(TENANT, pairIds[o.pair]!);
              else if (o.kind === 'advance') sim.advance(`${o.minutes}m`);
              else if (o.kind === 'outage')
                o.down ? sim.failServer(TENANT, mains[o.pair]!) : sim.recoverServer(TENANT, mains[o.pair]!);
              else if (o.kind === 'progression') sim.setProgression('default', o.mode);
              else if (o.kind === 'reimport') sim.importState(sim.exportState());
              else if (o.kind === 'snapshot') {
                sim.saveSnapshot('s', { overwrite: true });
                snapshot = true;
              } else if (o.kind === 'restore') {
                if (snapshot) sim.restoreSnapshot('s');
              } else if (o.kind === 'reset') sim.resetTenant(TENANT);
              else if (o.kind === 'failedSave') {
                const id = pairIds[o.pair]!;
                if (!e.st.pairById.get(id)) continue;
                expect(() =>
                  e.ctx.mutate(() => {
                    const pair = loadPair(e, TENANT, id);
                    pair.status = pair.status === 'PAUSED' ? 'REPLICATING' : 'PAUSED';
                    pair.currentJobId = 'job-never';
                    savePair(e, pair);
                    expect(loadPair(e, TENANT, id).currentJobId).toBe('job-never');
                    throw new Error('rolled back');
                  }),
                ).toThrow('rolled back');
              }
            } catch (error) {
              if ((error as { name?: string }).name !== 'DrError') throw error;
            }
            expectInStep(e, pairIds);
          }
        } finally {
          sim.close();
        }
      }),
      { numRuns: 60 },
    );
  });
});
