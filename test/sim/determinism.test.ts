/**
 * Determinism: one seed and one sequence of calls give one history. A scripted scenario (seeded
 * workload, fault rules with probability triggers, an outage, a test failover, a failover, a
 * change of recovery point, a commit) run twice with the same seed gives byte-identical exported
 * state and event logs; another seed gives other ids. And time has no grain: advancing in one big
 * step or in any chunking of it (property over random cut points, on and off the 15-minute ticks)
 * gives the same state and the same events.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/sim/contract.js';
import { DrError } from '../../src/sim/errors.js';
import type { ActionRequest } from '../../src/sim/types.js';
import {
  allEvents,
  attachMain,
  createMain,
  expectChecksPass,
  HOUR_MS,
  MINUTE_MS,
  newSim,
  pointsOf,
  TENANT,
  TICK_MS,
} from './support/world.js';

interface Run {
  sim: Simulator;
  /** What each call returned or the code it was refused with, in order. */
  transcript: string[];
}

/** Acts and records the outcome instead of throwing, so both runs follow the same script. */
function tryAct(run: Run, pairId: string, request: ActionRequest): void {
  try {
    const job = run.sim.act(TENANT, pairId, request);
    run.transcript.push(`${request.action} → ${job.id} ${job.status}`);
  } catch (error) {
    if (!DrError.is(error)) throw error;
    run.transcript.push(`${request.action} refused ${error.code}`);
  }
}

/** The newest point of the pair on a full hour, or the newest point, or a bogus id. */
function choosePoint(sim: Simulator, pairId: string): string {
  const points = pointsOf(sim, pairId);
  return (points.find((p) => p.createdAt.endsWith(':00:00.000Z')) ?? points[0])?.id ?? 'rp-none';
}

function scenario(seed: number): Run {
  const sim = newSim({ seed });
  const run: Run = { sim, transcript: [] };
  const a = createMain(sim, 'web-01');
  const b = createMain(sim, 'db-01', {
    volumes: [{ type: 'NVMe', iops: 8000, sizeGb: 200, multiAttach: false }],
  });
  sim.setWorkload(TENANT, a.id, 1.5);
  sim.setWorkload(TENANT, b.id, 0.7);
  const pa = attachMain(sim, a.id);
  const pb = attachMain(sim, b.id);
  sim.addFault({
    target: 'replication',
    selector: { pairId: pb.id },
    trigger: { probability: 0.3 },
    effect: { kind: 'stall' },
  });
  sim.addFault({
    target: 'startReplication',
    trigger: { probability: 0.5 },
    effect: { kind: 'delay', duration: '3m' },
  });
  sim.addFault({ target: 'recoveryPoint', trigger: { probability: 0.2 }, effect: { kind: 'corrupt' } });
  const flaky = sim.addFault({
    target: 'testFailover',
    trigger: { probability: 0.5, times: 1 },
    effect: { kind: 'fail' },
  });
  tryAct(run, pa.id, { action: 'startReplication', shadowName: 'web-01-dr', intervalHours: 1 });
  tryAct(run, pb.id, { action: 'startReplication', shadowName: 'db-01-dr', intervalHours: 4 });
  for (let i = 0; i < 6; i++) sim.advance(37 * MINUTE_MS);
  sim.advanceTo('2026-01-05T05:00:00.000Z');
  tryAct(run, pa.id, {
    action: 'testFailover',
    testServerName: 'web-01-test',
    recoveryPointId: choosePoint(sim, pa.id),
  });
  sim.writeFile(TENANT, a.id, 'data/orders.csv', 'id,total\n1,10\n2,20\n');
  sim.advance('50m');
  sim.failServer(TENANT, b.id);
  sim.advance('40m');
  sim.recoverServer(TENANT, b.id);
  sim.removeFault(flaky.id);
  tryAct(run, pa.id, { action: 'cleanTestEnvironment' });
  sim.advance('2h');
  tryAct(run, pa.id, { action: 'failover', recoveryPointId: choosePoint(sim, pa.id) });
  sim.advance('20m');
  const oldest = pointsOf(sim, pa.id).at(-1)?.id ?? 'rp-none';
  tryAct(run, pa.id, { action: 'changeRecoveryPoint', recoveryPointId: oldest });
  sim.advance('20m');
  tryAct(run, pa.id, { action: 'commitFailover', deleteAllRecoveryPoints: false });
  tryAct(run, pb.id, { action: 'stopReplication' });
  sim.advance('3h');
  tryAct(run, pb.id, { action: 'resumeReplication' });
  sim.advance('1d');
  return run;
}

const outcome = (run: Run) => ({
  state: JSON.stringify(run.sim.exportState()),
  events: JSON.stringify(allEvents(run.sim)),
  transcript: run.transcript.join('\n'),
});

describe('same seed, same calls, same history', () => {
  it('the scripted scenario gives byte-identical state, events and outcomes twice', () => {
    const first = scenario(42);
    const second = scenario(42);
    try {
      const one = outcome(first);
      const two = outcome(second);
      expect(two.transcript).toBe(one.transcript);
      expect(two.events === one.events, 'event logs differ').toBe(true);
      expect(two.state === one.state, 'exported states differ').toBe(true);
      // The scenario did what it says: probability faults fired, jobs ran, points were taken.
      const kinds = new Set(first.sim.exportState().events.map((e) => e.kind));
      for (const kind of [
        'fault.fired',
        'job.ended',
        'recoveryPoint.created',
        'recoveryPoint.deleted',
        'server.outage',
      ]) {
        expect(kinds, kind).toContain(kind);
      }
      expect(first.transcript.some((line) => line.startsWith('failover → '))).toBe(true);
      expectChecksPass(first.sim, 'the scenario');
    } finally {
      first.sim.close();
      second.sim.close();
    }
  });

  it('another seed gives other ids (and so another state)', () => {
    const one = scenario(42);
    const two = scenario(43);
    try {
      const ids = (run: Run) => {
        const s = run.sim.exportState();
        return [...s.servers, ...s.pairs, ...s.jobs, ...s.recoveryPoints].map((x) => x.id);
      };
      const mine = new Set(ids(one));
      const theirs = ids(two);
      expect(theirs.length).toBeGreaterThan(0);
      for (const id of theirs) expect(mine.has(id), id).toBe(false);
      expect(outcome(two).state).not.toBe(outcome(one).state);
      expect(two.sim.seed).toBe(43);
    } finally {
      one.sim.close();
      two.sim.close();
    }
  });

  it('ids depend only on the seed and the calls, not on the wall clock or process state', () => {
    const ids = () => {
      const sim = newSim({ seed: 7 });
      try {
        const server = createMain(sim);
        const pair = attachMain(sim, server.id);
        return [server.id, pair.id, sim.addFault({ target: 'detach', effect: { kind: 'fail' } }).id];
      } finally {
        sim.close();
      }
    };
    const first = ids();
    expect(ids()).toEqual(first);
  });
});

describe('advancing in one step or in many gives the same history', () => {
  const TOTAL_MS = 26 * HOUR_MS;

  /** Work in flight at every kind of moment: jobs, ticks, workload, probability faults. */
  function base(seed: number): Simulator {
    const sim = newSim({ seed });
    const a = createMain(sim, 'web-01');
    const b = createMain(sim, 'app-01');
    sim.setWorkload(TENANT, a.id, 2.5);
    // b's Start Replication is delayed past ticks its workload wrote in the same chunk: its steps
    // read b's row, which a tick defers to the chunk's end (ctx.pendingServers).
    sim.setWorkload(TENANT, b.id, 1.3);
    const pa = attachMain(sim, a.id);
    const pb = attachMain(sim, b.id);
    sim.addFault({ target: 'replication', trigger: { probability: 0.25 }, effect: { kind: 'stall' } });
    sim.addFault({
      target: 'startReplication',
      selector: { pairId: pb.id },
      effect: { kind: 'delay', duration: '47m' },
    });
    sim.act(TENANT, pa.id, { action: 'startReplication', shadowName: 'web-01-dr', intervalHours: 2 });
    sim.advance('7m13s');
    sim.act(TENANT, pb.id, { action: 'startReplication', shadowName: 'app-01-dr', intervalHours: 1 });
    return sim;
  }

  const cut = fc.oneof(
    fc.integer({ min: 1, max: TOTAL_MS - 1 }),
    fc.integer({ min: 1, max: TOTAL_MS / TICK_MS - 1 }).map((n) => n * TICK_MS),
    fc.integer({ min: 1, max: TOTAL_MS / MINUTE_MS - 1 }).map((n) => n * MINUTE_MS),
  );

  it('property: any chunking of 26 hours (advance and advanceTo) ends in the same state', () => {
    const whole = base(9);
    whole.advance(TOTAL_MS);
    const expected = outcome({ sim: whole, transcript: [] });
    expect(whole.exportState().recoveryPoints.length).toBeGreaterThan(0);
    whole.close();
    fc.assert(
      fc.property(fc.uniqueArray(cut, { maxLength: 40 }), fc.boolean(), (cuts, absolute) => {
        const sim = base(9);
        try {
          const start = Date.parse(sim.clock().now);
          let at = 0;
          for (const next of [...cuts.sort((x, y) => x - y), TOTAL_MS]) {
            if (absolute) sim.advanceTo(new Date(start + next).toISOString());
            else sim.advance(next - at);
            at = next;
          }
          const got = outcome({ sim, transcript: [] });
          expect(got.events === expected.events, `events differ for cuts ${JSON.stringify(cuts)}`).toBe(true);
          expect(got.state === expected.state, `states differ for cuts ${JSON.stringify(cuts)}`).toBe(true);
        } finally {
          sim.close();
        }
      }),
      { numRuns: 25 },
    );
  });

  // Ticks defer their points to the chunk's commit (decision 0003): a long advance commits once
  // per simulated day, steps of a few hours commit at other instants; the result must not show it.
  it('a 32-day advance in one call and in 7-hour steps end in byte-identical exports', () => {
    const days = 32;
    const whole = base(11);
    whole.advance(`${days}d`);
    const expected = outcome({ sim: whole, transcript: [] });
    // Retention's day, week and age rules all ran: the oldest points are aligned and ≤ 30 days old.
    expect(
      whole.exportState().events.some((e) => e.kind === 'recoveryPoint.deleted' && e.data.reason === 'age'),
    ).toBe(true);
    whole.close();
    const stepped = base(11);
    for (let h = 0; h < days * 24; h += 7) stepped.advance(Math.min(7, days * 24 - h) * HOUR_MS);
    const got = outcome({ sim: stepped, transcript: [] });
    stepped.close();
    expect(got.events === expected.events).toBe(true);
    expect(got.state === expected.state).toBe(true);
  });
});
