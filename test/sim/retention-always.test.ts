/**
 * Issue #12 items 3–5: the shadow is created powered off; "nothing older than 30 days" holds
 * whatever the status (age-out on every tick; stopping deletes nothing); a recovery point in
 * use is pinned until it is no longer in use, and the pinning shows in the point's view.
 */
import { describe, expect, it } from 'vitest';
import {
  actAndWait,
  allEvents,
  attachMain,
  checkedSims,
  createMain,
  DAY_MS,
  nowMs,
  pointsOf,
  protectedPair,
  TENANT,
  waitForJob,
} from './support/world.js';

const makeSim = checkedSims();

describe('the shadow server', () => {
  it('is created powered off and is never powered on by replication', () => {
    const sim = makeSim();
    const pair = attachMain(sim, createMain(sim).id);
    const job = sim.act(TENANT, pair.id, {
      action: 'startReplication',
      shadowName: 'web-01-dr',
      intervalHours: 1,
    });
    sim.advance('2m'); // the 'create shadow' step has ended
    const shadowId = sim.getPair(TENANT, pair.id).shadowServer?.id;
    expect(shadowId).toBeDefined();
    expect(sim.getServer(TENANT, shadowId!).powerState).toBe('STOPPED');
    waitForJob(sim, job.id);
    const powered = allEvents(sim, { kinds: ['server.power'] }).filter((e) => e.data.serverId === shadowId);
    expect(powered).toEqual([]);
  });
});

describe('the 30-day maximum', () => {
  it('holds while replication is stopped: a 40-day pause leaves no point older than 30 days', () => {
    const sim = makeSim();
    const { pair } = protectedPair(sim, { intervalHours: 4 });
    sim.advance('1d');
    const before = pointsOf(sim, pair.id).map((p) => p.id);
    actAndWait(sim, pair.id, { action: 'stopReplication' });
    // Stopping deletes nothing.
    expect(pointsOf(sim, pair.id).map((p) => p.id)).toEqual(before);
    sim.advance('40d');
    expect(sim.getPair(TENANT, pair.id).status).toBe('PAUSED');
    const oldest = nowMs(sim) - 30 * DAY_MS;
    const left = pointsOf(sim, pair.id);
    expect(left.every((p) => Date.parse(p.createdAt) >= oldest)).toBe(true);
    expect(left).toEqual([]);
    const reasons = allEvents(sim, { pairId: pair.id, kinds: ['recoveryPoint.deleted'] })
      .filter((e) => before.includes(e.data.recoveryPointId as string))
      .map((e) => e.data.reason);
    expect(new Set(reasons)).toEqual(new Set(['age']));
  });

  it('ages points out on the tick they pass 30 days, not all at once after Resume', () => {
    const sim = makeSim();
    const { pair } = protectedPair(sim, { intervalHours: 12 });
    sim.advance('2d');
    actAndWait(sim, pair.id, { action: 'stopReplication' });
    const points = pointsOf(sim, pair.id);
    const newest = Date.parse(points[0]!.createdAt);
    const oldest = Date.parse(points.at(-1)!.createdAt);
    sim.advanceTo(new Date(oldest + 30 * DAY_MS + 15 * 60_000).toISOString());
    const left = pointsOf(sim, pair.id);
    expect(left.length).toBeGreaterThan(0);
    expect(left.length).toBeLessThan(points.length);
    sim.advanceTo(new Date(newest + 30 * DAY_MS + 15 * 60_000).toISOString());
    expect(pointsOf(sim, pair.id)).toEqual([]);
  });
});

describe('points in use are pinned', () => {
  it('keeps a point off the interval while a test restores from it and the test server runs from it', () => {
    const sim = makeSim();
    const { pair } = protectedPair(sim, { intervalHours: 4 });
    sim.advanceTo('2026-01-05T01:15:00.000Z');
    const point = pointsOf(sim, pair.id)[0]!;
    expect(point.createdAt).toBe('2026-01-05T01:15:00.000Z');
    expect(point.tags).not.toContain('interval');
    expect(point).toMatchObject({ pinned: false, pinnedBy: [] });
    sim.setProgression('testFailover', 'manual');
    const job = sim.act(TENANT, pair.id, {
      action: 'testFailover',
      testServerName: 'web-01-test',
      recoveryPointId: point.id,
    });
    sim.advance('1h'); // four ticks, each of which would delete a point off the interval
    expect(pointsOf(sim, pair.id).find((p) => p.id === point.id)).toMatchObject({
      pinned: true,
      pinnedBy: ['restore'],
    });
    sim.setProgression('testFailover', 'clock');
    const done = waitForJob(sim, job.id);
    expect(done.status).toBe('SUCCEEDED');
    sim.advance('6h');
    expect(pointsOf(sim, pair.id).find((p) => p.id === point.id)).toMatchObject({
      pinned: true,
      pinnedBy: ['test-server'],
    });
    actAndWait(sim, pair.id, { action: 'cleanTestEnvironment' });
    sim.advance('15m');
    expect(pointsOf(sim, pair.id).some((p) => p.id === point.id)).toBe(false);
  });

  it('keeps the point the failover server runs from past 30 days, until commit', () => {
    const sim = makeSim();
    const { pair } = protectedPair(sim, { intervalHours: 1 });
    sim.advance('1h');
    const point = pointsOf(sim, pair.id)[0]!;
    actAndWait(sim, pair.id, { action: 'failover', recoveryPointId: point.id });
    sim.advance('31d');
    const left = pointsOf(sim, pair.id);
    expect(left.map((p) => p.id)).toEqual([point.id]);
    expect(left[0]).toMatchObject({ pinned: true, pinnedBy: ['failover-server'] });
  });
});
