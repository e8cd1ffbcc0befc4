/**
 * Billing reconciles a pair's meters only when a server row or the account changed since it last
 * did (accounts.ts, `settled`). The property: whatever happened, the open meters are what the
 * servers bill now, so reconciling every pair again (an account change that changes no price)
 * changes no charge — had a change been missed, this reconcile would close or open meters.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { attachMain, createMain, newSim, requestFor, TENANT } from './support/world.js';

const step = fc.oneof(
  fc.record({ kind: fc.constant('advance' as const), minutes: fc.integer({ min: 1, max: 180 }) }),
  fc.record({
    kind: fc.constant('act' as const),
    action: fc.constantFrom(
      'startReplication' as const,
      'stopReplication' as const,
      'resumeReplication' as const,
      'testFailover' as const,
      'cleanTestEnvironment' as const,
      'detach' as const,
    ),
  }),
  fc.record({
    kind: fc.constant('server' as const),
    which: fc.constantFrom('main' as const, 'shadow' as const, 'test' as const),
    change: fc.constantFrom('start' as const, 'stop' as const, 'fail' as const, 'recover' as const),
  }),
  fc.record({ kind: fc.constant('volume' as const), sizeGb: fc.integer({ min: 1, max: 200 }) }),
  fc.record({ kind: fc.constant('rates' as const), serverHour: fc.integer({ min: 0, max: 5000 }) }),
  fc.record({ kind: fc.constant('create' as const) }),
);

describe('billing', () => {
  it('keeps every pair’s open meters what its servers bill, whatever changed', () => {
    fc.assert(
      fc.property(
        fc.array(step, { minLength: 1, maxLength: 16 }),
        fc.boolean(),
        fc.constantFrom('clock', 'immediate'),
        (steps, prepaid, progression) => {
          const sim = newSim();
          try {
            sim.setProgression('default', progression as 'clock' | 'immediate');
            if (prepaid) sim.setAccount(TENANT, { mode: 'prepaid', creditBalance: 1e9 });
            const main = createMain(sim, 'web-01');
            const pairs = [attachMain(sim, main.id).id];
            for (const s of steps) {
              const pairId = pairs[pairs.length - 1] as string;
              try {
                if (s.kind === 'advance') sim.advance(s.minutes * 60_000);
                else if (s.kind === 'act') {
                  sim.act(TENANT, pairId, requestFor(s.action));
                } else if (s.kind === 'server') {
                  const pair = sim.getPair(TENANT, pairId);
                  const server =
                    s.which === 'main'
                      ? pair.mainServer
                      : s.which === 'shadow'
                        ? pair.shadowServer
                        : pair.testFailover?.testServer;
                  if (server) {
                    if (s.change === 'start') sim.startServer(TENANT, server.id);
                    else if (s.change === 'stop') sim.stopServer(TENANT, server.id);
                    else if (s.change === 'fail') sim.failServer(TENANT, server.id);
                    else sim.recoverServer(TENANT, server.id);
                  }
                } else if (s.kind === 'volume') {
                  const shadow = sim.getPair(TENANT, pairId).shadowServer;
                  if (shadow) sim.addVolume(TENANT, shadow.id, { type: 'NVMe', sizeGb: s.sizeGb });
                } else if (s.kind === 'rates')
                  sim.setAccount(TENANT, { rates: { serverHour: s.serverHour } });
                else {
                  const server = createMain(sim, `web-${pairs.length + 1}`);
                  pairs.push(attachMain(sim, server.id).id);
                }
              } catch (error) {
                // A refusal (a state that does not allow it) changes nothing; anything else is a bug.
                if (typeof (error as { code?: unknown }).code !== 'string') throw error;
              }
              const charges = JSON.stringify(sim.exportState().charges);
              sim.setAccount(TENANT, { rates: {} });
              expect(JSON.stringify(sim.exportState().charges)).toBe(charges);
            }
          } finally {
            sim.close();
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
