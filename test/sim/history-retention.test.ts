/**
 * Bounded history: events, ended jobs and superseded file versions older than the retention
 * that nothing kept needs are pruned as time passes, so the database stays the same size however
 * long the simulation runs, the checkers still pass on what is kept, and nothing a client reads
 * (servers, files, recovery points and their files, pairs) differs from a run that prunes nothing.
 */

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/sim/contract.js';
import { createSimulator, createWorlds } from '../../src/sim/index.js';
import {
  allPages,
  attachMain,
  createMain,
  DAY_MS,
  expectChecksPass,
  pointOnTheHour,
  pointsOf,
  TENANT,
} from './support/world.js';

/** A pair replicating hourly, its main server writing a file a minute, one test failover done. */
function busyWorld(historyRetentionDays: number) {
  const sim = createSimulator({ seed: 4, historyRetentionDays });
  const main = createMain(sim, 'web-01');
  sim.setWorkload(TENANT, main.id, 1);
  const pair = attachMain(sim, main.id);
  sim.act(TENANT, pair.id, { action: 'startReplication', shadowName: 'web-01-dr', intervalHours: 1 });
  sim.advance('2d');
  const point = pointOnTheHour(sim, pair.id);
  const test = sim.act(
    TENANT,
    pair.id,
    { action: 'testFailover', testServerName: 'web-01-test', recoveryPointId: point.id },
    { idempotencyKey: 'test-1' },
  );
  sim.advance('1h');
  expect(sim.getJob(TENANT, test.id).status).toBe('SUCCEEDED');
  const clean = sim.act(TENANT, pair.id, { action: 'cleanTestEnvironment' });
  sim.advance('1h');
  return { sim, main, pair, point, test, clean };
}

/** Everything a client can read of the world: what pruning must never change. */
function whatClientsRead(sim: Simulator, pairId: string) {
  const servers = allPages((page) => sim.listServers(TENANT, page));
  return {
    clock: sim.clock(),
    pair: sim.getPair(TENANT, pairId),
    servers,
    files: servers.map((s) => sim.listFiles(TENANT, s.id)),
    points: pointsOf(sim, pairId).map((p) => [p, sim.recoveryPointFiles(TENANT, pairId, p.id)]),
  };
}

describe('history retention', () => {
  it('keeps a job, its key and the point it named while the job is within the retention', () => {
    const { sim, point, test } = busyWorld(5);
    sim.advance('4d');
    const state = sim.exportState();
    expect(state.jobs.map((j) => j.id)).toContain(test.id);
    expect(state.idempotency.map((i) => i.jobId)).toContain(test.id);
    const created = state.events.filter((e) => e.kind === 'recoveryPoint.created');
    expect(created.map((e) => e.data.recoveryPointId)).toContain(point.id);
    expectChecksPass(sim, 'within the retention');
  });

  it('prunes old events, ended jobs with their keys and step events, and superseded file versions', () => {
    const { sim, main, pair, test, clean } = busyWorld(5);
    sim.advance('20d');
    const early = sim.exportState();
    sim.advance('40d');
    const state = sim.exportState();
    expect(state.events.length, 'the log grew with time').toBeLessThan(early.events.length * 1.15);

    const cutoff = Date.parse(sim.clock().now) - 6 * DAY_MS;
    const old = state.events.filter((e) => Date.parse(e.at) < cutoff);
    const oldKinds = new Set(old.map((e) => e.kind));
    for (const kind of ['file.written', 'fault.fired', 'server.power'])
      expect(oldKinds.has(kind as never)).toBe(false);
    // What the checkers need stays: the attachment, transitions, jobs, the point a job named.
    expect(oldKinds).toContain('pair.attached');
    expect(oldKinds).toContain('pair.transition');
    expect(oldKinds).toContain('job.created');
    // Points retention deleted before the cutoff left (almost) no trace: only those a job or a
    // statechart named when the pruning passed are kept.
    expect(old.filter((e) => e.kind === 'recoveryPoint.deleted').length).toBeLessThan(5);
    expect(state.jobs.map((j) => j.id)).not.toContain(test.id);
    expect(state.jobs.map((j) => j.id)).not.toContain(clean.id);
    expect(state.idempotency).toEqual([]);
    expect(state.events.filter((e) => e.kind === 'job.step' && e.data.jobId === test.id)).toEqual([]);
    // Creation and end stay (the checkers replay them with the transitions).
    const ofJob = state.events.filter((e) => e.data.jobId === test.id && e.kind.startsWith('job.'));
    expect(ofJob.map((e) => e.kind)).toEqual(['job.created', 'job.ended']);
    // A file a minute: about 6 days of versions stay (plus what the stored points captured).
    const versions = state.files.filter((f) => f.serverId === main.id).length;
    expect(versions).toBeLessThan(early.files.filter((f) => f.serverId === main.id).length * 1.15);
    expect(versions).toBeLessThan(7 * 1440 + pointsOf(sim, pair.id).length);
    expect(sim.getPair(TENANT, pair.id).status).toBe('REPLICATING');
    expectChecksPass(sim, 'after pruning jobs and files');
  });

  it('changes nothing a client reads: the same calls with and without pruning read the same', () => {
    const pruned = busyWorld(1);
    const kept = busyWorld(36_600);
    for (const { sim, pair } of [pruned, kept]) {
      sim.advance('12d');
      // A restore after the pruning reads a point's files from the kept versions.
      const point = pointsOf(sim, pair.id)[3]!;
      const job = sim.act(TENANT, pair.id, {
        action: 'testFailover',
        testServerName: 'web-01-test-2',
        recoveryPointId: point.id,
      });
      sim.advance('1h');
      expect(sim.getJob(TENANT, job.id).status).toBe('SUCCEEDED');
      sim.advance('3d');
    }
    expect(whatClientsRead(pruned.sim, pruned.pair.id)).toEqual(whatClientsRead(kept.sim, kept.pair.id));
    const prunedState = pruned.sim.exportState();
    const keptState = kept.sim.exportState();
    expect(prunedState.files.length).toBeLessThan(keptState.files.length / 5);
    expect(prunedState.jobs.length).toBeLessThan(keptState.jobs.length);
    expectChecksPass(pruned.sim, 'pruned');
    expectChecksPass(kept.sim, 'kept');
  });

  it('prunes at the same moments however an advance is sliced', () => {
    const whole = busyWorld(1);
    whole.sim.advance('3d');
    const target = whole.sim.clock().now;
    const expected = JSON.stringify(whole.sim.exportState());
    // Slices of one item stop on the target with its tick fired and the day's pruning still owed.
    fc.assert(
      fc.property(fc.oneof(fc.constant(1), fc.integer({ min: 2, max: 120 })), (work) => {
        const sliced = busyWorld(1);
        let slices = 0;
        while (!sliced.sim.advanceSlice(target, work).done) slices++;
        expect(slices).toBeGreaterThan(0);
        expect(JSON.stringify(sliced.sim.exportState())).toBe(expected);
      }),
      { numRuns: 4 },
    );
  });

  it('applies a server-wide retention to every world it opens, an existing one included', () => {
    const db = join(mkdtempSync(join(tmpdir(), 'drsim-retention-')), 'server.db');
    const first = createWorlds({ db });
    first.get('acme').advance('1h');
    expect(first.exportWorld('acme').settings.historyRetentionDays).toBeUndefined();
    first.close();
    const second = createWorlds({ db, historyRetentionDays: 3 });
    try {
      expect(second.exportWorld('acme').settings.historyRetentionDays).toBe(3);
      expect(second.get('globex').exportState().settings.historyRetentionDays).toBe(3);
    } finally {
      second.close();
    }
  });

  it('refuses a retention that is not a whole number of days from 1', () => {
    expect(() => createSimulator({ historyRetentionDays: 0 })).toThrow(/historyRetentionDays/);
    expect(() => createSimulator({ historyRetentionDays: 1.5 })).toThrow(/historyRetentionDays/);
  });
});
