/**
 * Bounded history: events older than the retention that no checker needs are pruned as time
 * passes, so the log stays the same size however long the simulation runs, and the checkers
 * still pass on what is kept.
 */
import { describe, expect, it } from 'vitest';
import { createSimulator } from '../../src/sim/index.js';
import { attachMain, createMain, DAY_MS, expectChecksPass, pointOnTheHour, TENANT } from './support/world.js';

describe('history retention', () => {
  it('keeps the event log bounded, the checkers passing, and what a job names', () => {
    const sim = createSimulator({ seed: 4, historyRetentionDays: 5 });
    const main = createMain(sim, 'web-01');
    sim.setWorkload(TENANT, main.id, 1);
    const pair = attachMain(sim, main.id);
    sim.act(TENANT, pair.id, { action: 'startReplication', shadowName: 'web-01-dr', intervalHours: 1 });
    sim.advance('2d');
    const point = pointOnTheHour(sim, pair.id);
    const test = sim.act(TENANT, pair.id, {
      action: 'testFailover',
      testServerName: 'web-01-test',
      recoveryPointId: point.id,
    });
    sim.advance('1h');
    expect(sim.getJob(TENANT, test.id).status).toBe('SUCCEEDED');
    sim.act(TENANT, pair.id, { action: 'cleanTestEnvironment' });

    sim.advance('20d');
    const early = sim.exportState().events.length;
    sim.advance('40d');
    const state = sim.exportState();
    expect(state.events.length, 'the log grew with time').toBeLessThan(early * 1.15);

    const cutoff = Date.parse(sim.clock().now) - 6 * DAY_MS;
    const old = state.events.filter((e) => Date.parse(e.at) < cutoff);
    const oldKinds = new Set(old.map((e) => e.kind));
    for (const kind of ['file.written', 'fault.fired', 'server.power'])
      expect(oldKinds.has(kind as never)).toBe(false);
    // What the checkers need stays: the attachment, transitions, jobs, the point a job named.
    expect(oldKinds).toContain('pair.attached');
    expect(oldKinds).toContain('pair.transition');
    expect(oldKinds).toContain('job.created');
    const created = old.filter((e) => e.kind === 'recoveryPoint.created').map((e) => e.data.recoveryPointId);
    expect(created).toContain(point.id);
    // Points retention deleted before the cutoff left (almost) no trace: only those a job or a
    // statechart named when the pruning passed are kept.
    expect(old.filter((e) => e.kind === 'recoveryPoint.deleted').length).toBeLessThan(5);
    expectChecksPass(sim, 'after pruning');
  });

  it('refuses a retention that is not a whole number of days from 1', () => {
    expect(() => createSimulator({ historyRetentionDays: 0 })).toThrow(/historyRetentionDays/);
    expect(() => createSimulator({ historyRetentionDays: 1.5 })).toThrow(/historyRetentionDays/);
  });
});
