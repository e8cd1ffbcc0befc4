/**
 * The documented flows of the Server Disaster Recovery service, one example each, driven through
 * the engine's public API (`createSimulator`): attach and its refusals, start replication, the
 * shadow started by hand, stop/resume, restart, test failover, a main-server outage, failover,
 * change of recovery point, commit (keeping or deleting the points), detach, the progression
 * modes, idempotency keys and tenant isolation. Facts: /work/shared/reference/sdr-service.md.
 * Every test ends by running the invariant checkers.
 */
import { describe, expect, it } from 'vitest';
import { DrError } from '../../src/sim/errors.js';
import {
  actAndWait,
  allEvents,
  attachMain,
  checkedSims,
  createMain,
  DAY_MS,
  expectRefused,
  HOUR_MS,
  lastTickIso,
  MINUTE_MS,
  nowMs,
  OTHER_TENANT,
  PLACEMENT,
  pointOnTheHour,
  pointsOf,
  protectedPair,
  stateJson,
  TENANT,
  TICK_MS,
  thrown,
  waitForJob,
} from './support/world.js';

const makeSim = checkedSims();

const START_STEPS = [
  'create shadow',
  'wait until created',
  'attach volumes',
  'stop shadow',
  'snapshot main',
  'full copy',
  'verify replica',
  'first recovery point',
];

describe('attach', () => {
  it('attaches a main server: ATTACHED, role MAIN, only start or detach allowed', () => {
    const sim = makeSim();
    const main = createMain(sim);
    const pair = attachMain(sim, main.id);
    expect(pair.status).toBe('ATTACHED');
    expect(pair.statusLabel).toBe('Attached');
    expect(pair.shadowPlacement).toEqual(PLACEMENT);
    expect(pair.shadowServer).toBeNull();
    expect([...pair.allowedActions].sort()).toEqual(['detach', 'startReplication']);
    expect(sim.getServer(TENANT, main.id)).toMatchObject({ role: 'MAIN', pairId: pair.id });
    expect(pair.name).toBe(main.name);
  });

  it('refuses an expired main server (SERVER_EXPIRED), also one that expires while we wait', () => {
    const sim = makeSim();
    const expired = createMain(sim, 'old-01', { expiresAt: '2025-12-31T00:00:00.000Z' });
    expect(expired.expired).toBe(true);
    expectRefused(sim, () => attachMain(sim, expired.id), 'SERVER_EXPIRED');

    const soon = createMain(sim, 'soon-01', { expiresAt: '2026-01-05T06:00:00.000Z' });
    expect(soon.expired).toBe(false);
    sim.advance('6h');
    expect(sim.getServer(TENANT, soon.id).expired).toBe(true);
    expectRefused(sim, () => attachMain(sim, soon.id), 'SERVER_EXPIRED');
  });

  it('refuses a main server with a multi-attach volume (MULTI_ATTACH_VOLUME)', () => {
    const sim = makeSim();
    const shared = createMain(sim, 'db-01', {
      volumes: [
        { type: 'SSD', iops: 3000, sizeGb: 40, multiAttach: false },
        { type: 'NVMe', iops: 10000, sizeGb: 100, multiAttach: true },
      ],
    });
    expectRefused(sim, () => attachMain(sim, shared.id), 'MULTI_ATTACH_VOLUME');
  });

  it('refuses a main server already protected (SERVER_ALREADY_PAIRED)', () => {
    const sim = makeSim();
    const main = createMain(sim);
    attachMain(sim, main.id);
    expectRefused(sim, () => attachMain(sim, main.id), 'SERVER_ALREADY_PAIRED');
  });

  it('refuses the shadow of a pair still pairing (SHADOW_STILL_PAIRING), during the start and while replicating', () => {
    const sim = makeSim();
    const main = createMain(sim);
    const pair = attachMain(sim, main.id);
    const job = sim.act(TENANT, pair.id, {
      action: 'startReplication',
      shadowName: 'web-01-dr',
      intervalHours: 1,
    });
    sim.advance('5m');
    const starting = sim.getPair(TENANT, pair.id);
    expect(starting.status).toBe('STARTING_REPLICATION');
    const shadowId = starting.shadowServer!.id;
    expectRefused(sim, () => attachMain(sim, shadowId), 'SHADOW_STILL_PAIRING');
    waitForJob(sim, job.id);
    expect(sim.getPair(TENANT, pair.id).status).toBe('REPLICATING');
    expectRefused(sim, () => attachMain(sim, shadowId), 'SHADOW_STILL_PAIRING');
  });

  it('refuses the shadow of a pair failed over but not committed (FAILOVER_NOT_COMMITTED); after commit it can be protected', () => {
    const sim = makeSim();
    const { pair, shadowId } = protectedPair(sim);
    const point = pointsOf(sim, pair.id)[0]!;
    const failover = sim.act(TENANT, pair.id, { action: 'failover', recoveryPointId: point.id });
    expectRefused(sim, () => attachMain(sim, shadowId), 'FAILOVER_NOT_COMMITTED');
    waitForJob(sim, failover.id);
    expect(sim.getPair(TENANT, pair.id).status).toBe('FAILED_OVER');
    expectRefused(sim, () => attachMain(sim, shadowId), 'FAILOVER_NOT_COMMITTED');
    actAndWait(sim, pair.id, { action: 'commitFailover', deleteAllRecoveryPoints: true });
    const again = attachMain(sim, shadowId);
    expect(again.status).toBe('ATTACHED');
    expect(sim.getServer(TENANT, shadowId)).toMatchObject({ role: 'MAIN', pairId: again.id });
  });

  it('refuses malformed input with VALIDATION_FAILED and an unknown server with SERVER_NOT_FOUND', () => {
    const sim = makeSim();
    const main = createMain(sim);
    expectRefused(
      sim,
      () => sim.attach(TENANT, { mainServerId: main.id, shadow: { region: '', vpcId: 'v', subnetId: 's' } }),
      'VALIDATION_FAILED',
    );
    expectRefused(sim, () => attachMain(sim, 'srv-nope'), 'SERVER_NOT_FOUND');
  });
});

describe('start replication', () => {
  it('creates the shadow powered off in the chosen region, runs the documented steps and reaches REPLICATING with a first point', () => {
    const sim = makeSim();
    const main = createMain(sim);
    const pair = attachMain(sim, main.id);
    const job = sim.act(TENANT, pair.id, {
      action: 'startReplication',
      shadowName: 'web-01-dr',
      intervalHours: 4,
    });
    expect(job.type).toBe('startReplication');
    expect(job.status).toBe('RUNNING');
    expect(job.steps.map((s) => s.name)).toEqual(START_STEPS);
    const starting = sim.getPair(TENANT, pair.id);
    expect(starting.status).toBe('STARTING_REPLICATION');
    expect(starting.statusLabel).toBe('Start Replication');
    expect(starting.allowedActions).not.toContain('failover');
    expectRefused(sim, () => sim.act(TENANT, pair.id, { action: 'stopReplication' }), 'INVALID_STATE');
    expect(pointsOf(sim, pair.id)).toEqual([]);

    const done = waitForJob(sim, job.id);
    expect(done.status).toBe('SUCCEEDED');
    expect(done.steps.every((s) => s.status === 'SUCCEEDED')).toBe(true);
    // ~10-15 simulated minutes for a small server.
    const tookMs = Date.parse(done.endedAt!) - Date.parse(done.createdAt);
    expect(tookMs).toBeGreaterThanOrEqual(10 * MINUTE_MS);
    expect(tookMs).toBeLessThanOrEqual(15 * MINUTE_MS);

    const replicating = sim.getPair(TENANT, pair.id);
    expect(replicating.status).toBe('REPLICATING');
    expect(replicating.statusLabel).toBe('Replicating');
    expect(replicating.replication.intervalHours).toBe(4);
    expect(replicating.replication.error).toBeNull();
    expect(replicating.replication.lastRecoveryPointAt).not.toBeNull();
    expect(replicating.allowedActions).toEqual(
      expect.arrayContaining(['stopReplication', 'failover', 'testFailover']),
    );
    const shadow = sim.getServer(TENANT, replicating.shadowServer!.id);
    expect(shadow).toMatchObject({
      name: 'web-01-dr',
      region: PLACEMENT.region,
      role: 'SHADOW',
      powerState: 'STOPPED',
    });
    expect(shadow.pairId).toBe(pair.id);
    expect(pointsOf(sim, pair.id).length).toBeGreaterThanOrEqual(1);
  });

  it('refuses an interval outside 1 to 12 hours (VALIDATION_FAILED)', () => {
    const sim = makeSim();
    const pair = attachMain(sim, createMain(sim).id);
    for (const intervalHours of [0, 13, 1.5]) {
      expectRefused(
        sim,
        () => sim.act(TENANT, pair.id, { action: 'startReplication', shadowName: 'dr', intervalHours }),
        'VALIDATION_FAILED',
      );
    }
  });

  it('takes a recovery point every 15 minutes at :00, :15, :30 and :45 while replicating', () => {
    const sim = makeSim();
    const { pair } = protectedPair(sim, { intervalHours: 1 });
    const seen = new Set<string>();
    sim.advanceTo('2026-01-05T01:00:00.000Z');
    for (let i = 0; i < 8; i++) {
      sim.advance('15m');
      const newest = pointsOf(sim, pair.id)[0]!;
      expect(newest.createdAt).toBe(sim.clock().now);
      expect(new Date(newest.createdAt).getUTCMinutes() % 15).toBe(0);
      seen.add(newest.id);
    }
    expect(seen.size).toBe(8);
  });

  it('fails when the shadow is started by hand during the start (SHADOW_STARTED_MANUALLY)', () => {
    const sim = makeSim();
    const pair = attachMain(sim, createMain(sim).id);
    const job = sim.act(TENANT, pair.id, {
      action: 'startReplication',
      shadowName: 'web-01-dr',
      intervalHours: 1,
    });
    sim.advance('5m'); // past 'stop shadow', before 'verify replica'
    const shadowId = sim.getPair(TENANT, pair.id).shadowServer!.id;
    expect(sim.getServer(TENANT, shadowId).powerState).toBe('STOPPED');
    sim.startServer(TENANT, shadowId);
    const done = waitForJob(sim, job.id);
    expect(done.status).toBe('FAILED');
    expect(done.error?.code).toBe('SHADOW_STARTED_MANUALLY');
    const failed = sim.getPair(TENANT, pair.id);
    expect(failed.status).toBe('REPLICATION_ERROR');
    expect(failed.statusLabel).toBe('Error');
    expect(failed.replication.error?.code).toBe('SHADOW_STARTED_MANUALLY');
    expect(failed.allowedActions).toContain('restartReplication');
    expect(failed.allowedActions).not.toContain('failover');
  });
});

describe('the shadow started by hand', () => {
  it('breaks replication (REPLICATION_ERROR, SHADOW_STARTED_MANUALLY) until Restart Replication', () => {
    const sim = makeSim();
    const { pair, shadowId } = protectedPair(sim);
    sim.advance('1h');
    const before = pointsOf(sim, pair.id).map((p) => p.id);
    sim.startServer(TENANT, shadowId);
    const broken = sim.getPair(TENANT, pair.id);
    expect(broken.status).toBe('REPLICATION_ERROR');
    expect(broken.replication.error?.code).toBe('SHADOW_STARTED_MANUALLY');
    sim.advance('2h');
    expect(sim.getPair(TENANT, pair.id).status).toBe('REPLICATION_ERROR');
    expect(pointsOf(sim, pair.id).map((p) => p.id)).toEqual(before);
    expect(sim.getPair(TENANT, pair.id).replication.rpoSeconds).toBeGreaterThanOrEqual(2 * 3600);

    actAndWait(sim, pair.id, { action: 'restartReplication' });
    const fixed = sim.getPair(TENANT, pair.id);
    expect(fixed.status).toBe('REPLICATING');
    expect(fixed.replication.error).toBeNull();
    expect(sim.getServer(TENANT, shadowId).powerState).toBe('STOPPED');
  });
});

describe('stop and resume replication', () => {
  it('stops at once (PAUSED, shown as Pending), keeps the points, takes none while paused, and resumes', () => {
    const sim = makeSim();
    const { pair } = protectedPair(sim);
    sim.advance('1h');
    const kept = pointsOf(sim, pair.id).map((p) => p.id);
    const stop = sim.act(TENANT, pair.id, { action: 'stopReplication' });
    expect(stop.status).toBe('SUCCEEDED');
    const paused = sim.getPair(TENANT, pair.id);
    expect(paused.status).toBe('PAUSED');
    expect(paused.statusLabel).toBe('Pending');
    expect(paused.allowedActions).toContain('resumeReplication');
    expectRefused(sim, () => sim.act(TENANT, pair.id, { action: 'stopReplication' }), 'INVALID_STATE');

    sim.advance('3h');
    expect(pointsOf(sim, pair.id).map((p) => p.id)).toEqual(kept);

    const resume = sim.act(TENANT, pair.id, { action: 'resumeReplication' });
    expect(resume.status).toBe('SUCCEEDED');
    expect(sim.getPair(TENANT, pair.id).status).toBe('REPLICATING');
    expectRefused(sim, () => sim.act(TENANT, pair.id, { action: 'resumeReplication' }), 'INVALID_STATE');
    sim.advance('15m');
    const after = pointsOf(sim, pair.id);
    expect(after[0]!.createdAt).toBe(lastTickIso(sim));
    expect(kept).not.toContain(after[0]!.id);
  });
});

describe('restart replication', () => {
  it('deletes every point at once, passes through STARTING_REPLICATION with no failover, then replicates again', () => {
    const sim = makeSim();
    const { pair } = protectedPair(sim);
    sim.advance('3h');
    const old = pointsOf(sim, pair.id).map((p) => p.id);
    expect(old.length).toBeGreaterThan(1);

    const restart = sim.act(TENANT, pair.id, { action: 'restartReplication' });
    expect(pointsOf(sim, pair.id)).toEqual([]);
    const restarting = sim.getPair(TENANT, pair.id);
    expect(restarting.status).toBe('STARTING_REPLICATION');
    expect(restarting.allowedActions).not.toContain('failover');
    expectRefused(sim, () => sim.act(TENANT, pair.id, { action: 'failover', recoveryPointId: old[0]! }), [
      'INVALID_STATE',
      'RECOVERY_POINT_NOT_FOUND',
    ]);
    const deleted = allEvents(sim, { pairId: pair.id, kinds: ['recoveryPoint.deleted'] }).filter(
      (e) => e.data.reason === 'restart',
    );
    expect(deleted.map((e) => e.data.recoveryPointId).sort()).toEqual([...old].sort());

    const done = waitForJob(sim, restart.id);
    expect(done.status).toBe('SUCCEEDED');
    expect(sim.getPair(TENANT, pair.id).status).toBe('REPLICATING');
    const fresh = pointsOf(sim, pair.id);
    expect(fresh.length).toBeGreaterThanOrEqual(1);
    for (const p of fresh) expect(old).not.toContain(p.id);
    expect(sim.getPair(TENANT, pair.id).allowedActions).toContain('failover');
  });

  it('needs the test environment cleaned first', () => {
    const sim = makeSim();
    const { pair } = protectedPair(sim);
    const point = pointOnTheHour(sim, pair.id);
    actAndWait(sim, pair.id, {
      action: 'testFailover',
      testServerName: 'web-01-test',
      recoveryPointId: point.id,
    });
    expect(sim.getPair(TENANT, pair.id).allowedActions).not.toContain('restartReplication');
    expectRefused(sim, () => sim.act(TENANT, pair.id, { action: 'restartReplication' }), 'INVALID_STATE');
    expectRefused(sim, () => sim.act(TENANT, pair.id, { action: 'detach' }), 'INVALID_STATE');
  });
});

describe('test failover', () => {
  it('runs beside replication (points keep coming), can change its point, and cleaning deletes the test server', () => {
    const sim = makeSim();
    const { pair } = protectedPair(sim);
    sim.advance('1h');
    const first = pointsOf(sim, pair.id)[0]!;
    const job = sim.act(TENANT, pair.id, {
      action: 'testFailover',
      testServerName: 'web-01-test',
      recoveryPointId: first.id,
    });
    const processing = sim.getPair(TENANT, pair.id);
    expect(processing.status).toBe('REPLICATING');
    expect(processing.testFailover).toMatchObject({ state: 'PROCESSING', label: 'Processing' });
    expect(processing.allowedActions).not.toContain('failover');

    waitForJob(sim, job.id);
    const ready = sim.getPair(TENANT, pair.id);
    expect(ready.status).toBe('REPLICATING');
    expect(ready.testFailover?.state).toBe('READY');
    expect(ready.testFailover?.recoveryPointId).toBe(first.id);
    const testServerId = ready.testFailover!.testServer!.id;
    expect(sim.getServer(TENANT, testServerId)).toMatchObject({
      role: 'TEST',
      powerState: 'RUNNING',
      name: 'web-01-test',
    });
    expect(ready.allowedActions).toEqual(
      expect.arrayContaining(['changeTestRecoveryPoint', 'cleanTestEnvironment']),
    );

    // Replication goes on during a test.
    const during = pointsOf(sim, pair.id)[0]!;
    sim.advance('1h');
    const later = pointsOf(sim, pair.id)[0]!;
    expect(later.id).not.toBe(during.id);
    expect(later.createdAt).toBe(lastTickIso(sim));

    actAndWait(sim, pair.id, { action: 'changeTestRecoveryPoint', recoveryPointId: later.id });
    const changed = sim.getPair(TENANT, pair.id);
    expect(changed.testFailover).toMatchObject({ state: 'READY', recoveryPointId: later.id });
    expect(changed.testFailover?.testServer?.id).toBe(testServerId);

    const clean = sim.act(TENANT, pair.id, { action: 'cleanTestEnvironment' });
    expect(sim.getPair(TENANT, pair.id).testFailover?.state).toBe('CLEANING');
    waitForJob(sim, clean.id);
    const cleaned = sim.getPair(TENANT, pair.id);
    expect(cleaned.testFailover).toBeNull();
    expect(cleaned.status).toBe('REPLICATING');
    expect((thrown(() => sim.getServer(TENANT, testServerId)) as DrError).code).toBe('SERVER_NOT_FOUND');
  });

  // A regression found here (since fixed; engine-regressions.test.ts pins it too): retention
  // deleted the point a running test failover was restoring from (the first point, off the
  // interval, goes at the next tick), and the restore step threw RECOVERY_POINT_NOT_FOUND out of
  // `advance`, which rolled back and wedged the clock for good. `advance` must never throw for
  // work the engine scheduled: either retention keeps the point or the job fails.
  it('a point deleted by retention while a test restores from it does not wedge the clock', () => {
    const sim = makeSim();
    const { pair } = protectedPair(sim); // ends at 00:14, the first point was taken at 00:13:41
    const first = pointsOf(sim, pair.id)[0]!;
    const job = sim.act(TENANT, pair.id, {
      action: 'testFailover',
      testServerName: 'web-01-test',
      recoveryPointId: first.id,
    });
    const target = nowMs(sim) + HOUR_MS;
    expect(() => sim.advance('1h')).not.toThrow();
    expect(nowMs(sim)).toBe(target);
    const ended = sim.getJob(TENANT, job.id);
    expect(ended.status).not.toBe('RUNNING');
    if (ended.status === 'FAILED') expect(ended.error?.code).toBe('RECOVERY_POINT_NOT_FOUND');
    expect(sim.getPair(TENANT, pair.id).status).toBe('REPLICATING');
  });

  it('refuses a test server name outside 5-50 letters, digits, _ or - (VALIDATION_FAILED)', () => {
    const sim = makeSim();
    const { pair } = protectedPair(sim);
    const point = pointsOf(sim, pair.id)[0]!;
    for (const testServerName of ['abcd', 'has space', 'x'.repeat(51), 'dots.not.ok']) {
      expectRefused(
        sim,
        () => sim.act(TENANT, pair.id, { action: 'testFailover', testServerName, recoveryPointId: point.id }),
        'VALIDATION_FAILED',
      );
    }
  });

  it('a failover while a test is ready cleans the test environment first', () => {
    const sim = makeSim();
    const { pair } = protectedPair(sim);
    const point = pointOnTheHour(sim, pair.id);
    actAndWait(sim, pair.id, {
      action: 'testFailover',
      testServerName: 'web-01-test',
      recoveryPointId: point.id,
    });
    const testServerId = sim.getPair(TENANT, pair.id).testFailover!.testServer!.id;
    const failover = actAndWait(sim, pair.id, { action: 'failover', recoveryPointId: point.id });
    expect(failover.steps[0]).toMatchObject({ name: 'clean test environment', status: 'SUCCEEDED' });
    expect((thrown(() => sim.getServer(TENANT, testServerId)) as DrError).code).toBe('SERVER_NOT_FOUND');
    expect(sim.getPair(TENANT, pair.id)).toMatchObject({ status: 'FAILED_OVER', testFailover: null });
  });
});

describe('a main server outage', () => {
  it('turns replication to Error (MAIN_SERVER_DOWN), the RPO grows, failover stays possible, recovery resumes it', () => {
    const sim = makeSim();
    const { pair, mainId } = protectedPair(sim);
    sim.advance('1h');
    const before = pointsOf(sim, pair.id).map((p) => p.id);
    sim.failServer(TENANT, mainId);
    expect(sim.getServer(TENANT, mainId).powerState).toBe('DOWN');
    const down = sim.getPair(TENANT, pair.id);
    expect(down.status).toBe('REPLICATION_ERROR');
    expect(down.replication.error?.code).toBe('MAIN_SERVER_DOWN');
    expect(down.allowedActions).toContain('failover');

    const rpo = down.replication.rpoSeconds!;
    sim.advance('2h');
    const later = sim.getPair(TENANT, pair.id);
    expect(later.status).toBe('REPLICATION_ERROR');
    expect(later.replication.rpoSeconds).toBe(rpo + 2 * 3600);
    expect(pointsOf(sim, pair.id).map((p) => p.id)).toEqual(before);

    sim.recoverServer(TENANT, mainId);
    expect(sim.getServer(TENANT, mainId).powerState).toBe('RUNNING');
    const recovered = sim.getPair(TENANT, pair.id);
    expect(recovered.status).toBe('REPLICATING');
    expect(recovered.replication.error).toBeNull();
    sim.advance('15m');
    expect(pointsOf(sim, pair.id)[0]!.createdAt).toBe(lastTickIso(sim));
  });

  // Engine bug (found by model.test.ts, open): with the main down (Error, MAIN_SERVER_DOWN) and
  // then the shadow started by hand, recovering the main leaves the pair in Error still saying
  // MAIN_SERVER_DOWN though the main runs; stopping the shadow then brings it back to REPLICATING
  // by itself, skipping the Restart Replication a shadow started by hand requires. Correct: the
  // details name the cause that remains, and only a restart recovers. Fails until fixed.
  it('an outage, then the shadow started by hand: the Error then names the shadow, and only a restart recovers', () => {
    const sim = makeSim();
    const { pair, mainId, shadowId } = protectedPair(sim);
    sim.advance('1h');
    sim.failServer(TENANT, mainId);
    sim.startServer(TENANT, shadowId);
    sim.recoverServer(TENANT, mainId);
    const broken = sim.getPair(TENANT, pair.id);
    expect(broken.status).toBe('REPLICATION_ERROR');
    expect(broken.replication.error?.code).toBe('SHADOW_STARTED_MANUALLY');
    sim.stopServer(TENANT, shadowId);
    sim.advance('1h');
    expect(sim.getPair(TENANT, pair.id).status).toBe('REPLICATION_ERROR');
    actAndWait(sim, pair.id, { action: 'restartReplication' });
    expect(sim.getPair(TENANT, pair.id).status).toBe('REPLICATING');
  });

  it('failing over during the outage brings the shadow up on a point taken before it', () => {
    const sim = makeSim();
    const { pair, mainId, shadowId } = protectedPair(sim);
    sim.advance('1h');
    sim.failServer(TENANT, mainId);
    const point = pointsOf(sim, pair.id)[0]!;
    actAndWait(sim, pair.id, { action: 'failover', recoveryPointId: point.id });
    const failedOver = sim.getPair(TENANT, pair.id);
    expect(failedOver.status).toBe('FAILED_OVER');
    expect(failedOver.activeRecoveryPointId).toBe(point.id);
    expect(sim.getServer(TENANT, shadowId).powerState).toBe('RUNNING');
    expect(sim.listFiles(TENANT, shadowId).map((f) => f.checksum)).toEqual(
      sim.recoveryPointFiles(TENANT, pair.id, point.id).map((f) => f.checksum),
    );
  });
});

describe('failover, change of recovery point and commit', () => {
  it('fails over to a point: replication stops completely, the shadow runs from that point', () => {
    const sim = makeSim();
    const { pair, shadowId } = protectedPair(sim);
    sim.advance('2h');
    const [newest, older] = pointsOf(sim, pair.id);
    expect(older).toBeDefined();
    const job = sim.act(TENANT, pair.id, { action: 'failover', recoveryPointId: older!.id });
    const processing = sim.getPair(TENANT, pair.id);
    expect(processing.status).toBe('FAILOVER_PROCESSING');
    expect(processing.statusLabel).toBe('Failover Processing');
    expect(processing.allowedActions).toEqual([]);
    waitForJob(sim, job.id);
    const failedOver = sim.getPair(TENANT, pair.id);
    expect(failedOver.status).toBe('FAILED_OVER');
    expect(failedOver.activeRecoveryPointId).toBe(older!.id);
    expect(failedOver.allowedActions.sort()).toEqual(['changeRecoveryPoint', 'commitFailover']);
    expect(sim.getServer(TENANT, shadowId).powerState).toBe('RUNNING');

    const ids = pointsOf(sim, pair.id).map((p) => p.id);
    sim.advance('1d');
    expect(pointsOf(sim, pair.id).map((p) => p.id)).toEqual(ids);

    actAndWait(sim, pair.id, { action: 'changeRecoveryPoint', recoveryPointId: newest!.id });
    expect(sim.getPair(TENANT, pair.id)).toMatchObject({
      status: 'FAILED_OVER',
      activeRecoveryPointId: newest!.id,
    });
  });

  it('refuses a point that does not exist or belongs to another pair (RECOVERY_POINT_NOT_FOUND)', () => {
    const sim = makeSim();
    const a = protectedPair(sim, { name: 'web-01' });
    const b = protectedPair(sim, { name: 'web-02' });
    const pointOfB = pointsOf(sim, b.pair.id)[0]!;
    expectRefused(
      sim,
      () => sim.act(TENANT, a.pair.id, { action: 'failover', recoveryPointId: 'rp-doesnotexist' }),
      'RECOVERY_POINT_NOT_FOUND',
    );
    expectRefused(
      sim,
      () => sim.act(TENANT, a.pair.id, { action: 'failover', recoveryPointId: pointOfB.id }),
      'RECOVERY_POINT_NOT_FOUND',
    );
    expectRefused(
      sim,
      () =>
        sim.act(TENANT, a.pair.id, {
          action: 'testFailover',
          testServerName: 'tester',
          recoveryPointId: pointOfB.id,
        }),
      'RECOVERY_POINT_NOT_FOUND',
    );
  });

  it('commits keeping the points read-only: the shadow is the primary, replication never runs again', () => {
    const sim = makeSim();
    const { pair, mainId, shadowId } = protectedPair(sim);
    sim.advance('2h');
    const point = pointsOf(sim, pair.id)[0]!;
    actAndWait(sim, pair.id, { action: 'failover', recoveryPointId: point.id });
    const commit = sim.act(TENANT, pair.id, { action: 'commitFailover', deleteAllRecoveryPoints: false });
    expect(sim.getPair(TENANT, pair.id).status).toBe('COMMITTING');
    waitForJob(sim, commit.id);
    const committed = sim.getPair(TENANT, pair.id);
    expect(committed.status).toBe('COMMITTED');
    expect(committed.allowedActions).toEqual([]);
    expect(sim.getServer(TENANT, shadowId).role).toBe('PRIMARY');
    expect(sim.getServer(TENANT, mainId).role).toBe('RETIRED');
    const kept = pointsOf(sim, pair.id);
    expect(kept.length).toBeGreaterThan(0);
    for (const p of kept) expect(p.status).toBe('READ_ONLY');

    sim.advance('3d');
    expect(pointsOf(sim, pair.id)).toEqual(kept);
    expect(sim.getPair(TENANT, pair.id).status).toBe('COMMITTED');
    for (const request of [
      { action: 'startReplication', shadowName: 'again', intervalHours: 1 },
      { action: 'resumeReplication' },
      { action: 'restartReplication' },
      { action: 'failover', recoveryPointId: kept[0]!.id },
      { action: 'detach' },
    ] as const) {
      expectRefused(sim, () => sim.act(TENANT, pair.id, request), 'INVALID_STATE');
    }
  });

  it('commits deleting all associated recovery points', () => {
    const sim = makeSim();
    const { pair } = protectedPair(sim);
    sim.advance('1h');
    const point = pointsOf(sim, pair.id)[0]!;
    actAndWait(sim, pair.id, { action: 'failover', recoveryPointId: point.id });
    actAndWait(sim, pair.id, { action: 'commitFailover', deleteAllRecoveryPoints: true });
    expect(sim.getPair(TENANT, pair.id).status).toBe('COMMITTED');
    expect(pointsOf(sim, pair.id)).toEqual([]);
    const reasons = allEvents(sim, { pairId: pair.id, kinds: ['recoveryPoint.deleted'] }).map(
      (e) => e.data.reason,
    );
    expect(reasons).toContain('commit');
    sim.advance('2d');
    expect(pointsOf(sim, pair.id)).toEqual([]);
  });

  it('refuses commit before a failover', () => {
    const sim = makeSim();
    const { pair } = protectedPair(sim);
    expectRefused(
      sim,
      () => sim.act(TENANT, pair.id, { action: 'commitFailover', deleteAllRecoveryPoints: false }),
      'INVALID_STATE',
    );
  });
});

describe('detach', () => {
  it('removes the pairing: DETACHED, points deleted, both servers standalone and kept', () => {
    const sim = makeSim();
    const { pair, mainId, shadowId } = protectedPair(sim);
    sim.advance('1h');
    const job = sim.act(TENANT, pair.id, { action: 'detach' });
    expect(job.status).toBe('SUCCEEDED');
    const detached = sim.getPair(TENANT, pair.id);
    expect(detached.status).toBe('DETACHED');
    expect(detached.allowedActions).toEqual([]);
    expect(pointsOf(sim, pair.id)).toEqual([]);
    expect(sim.getServer(TENANT, mainId)).toMatchObject({ role: 'STANDALONE', pairId: null });
    expect(sim.getServer(TENANT, shadowId)).toMatchObject({ role: 'STANDALONE', pairId: null });
    sim.advance('1d');
    expect(pointsOf(sim, pair.id)).toEqual([]);
    // The main can be protected again.
    expect(attachMain(sim, mainId).status).toBe('ATTACHED');
  });

  it('detaches a pair that never replicated', () => {
    const sim = makeSim();
    const main = createMain(sim);
    const pair = attachMain(sim, main.id);
    expect(sim.act(TENANT, pair.id, { action: 'detach' }).status).toBe('SUCCEEDED');
    expect(sim.getPair(TENANT, pair.id).status).toBe('DETACHED');
    expect(sim.getServer(TENANT, main.id).role).toBe('STANDALONE');
  });
});

describe('progression modes', () => {
  it('immediate: the whole job runs inside the call, the clock does not move', () => {
    const sim = makeSim({ progression: { default: 'immediate' } });
    const pair = attachMain(sim, createMain(sim).id);
    const at = sim.clock().now;
    const job = sim.act(TENANT, pair.id, {
      action: 'startReplication',
      shadowName: 'web-01-dr',
      intervalHours: 1,
    });
    expect(job.status).toBe('SUCCEEDED');
    expect(job.endedAt).toBe(at);
    expect(sim.clock().now).toBe(at);
    expect(sim.getPair(TENANT, pair.id).status).toBe('REPLICATING');
    expect(pointsOf(sim, pair.id).length).toBe(1);
  });

  it('manual: nothing moves on the clock or on a read; each stepJob advances one step', () => {
    const sim = makeSim();
    sim.setProgression('default', 'manual');
    expect(sim.progression().default).toBe('manual');
    const pair = attachMain(sim, createMain(sim).id);
    const job = sim.act(TENANT, pair.id, {
      action: 'startReplication',
      shadowName: 'web-01-dr',
      intervalHours: 1,
    });
    expect(job.steps[0]!.status).toBe('RUNNING');
    sim.advance('1d');
    expect(sim.getJob(TENANT, job.id)).toEqual(job);
    expect(sim.getJob(TENANT, job.id).steps.filter((s) => s.status === 'SUCCEEDED')).toHaveLength(0);

    let polls = 0;
    let last = sim.getJob(TENANT, job.id);
    while (last.status === 'RUNNING') {
      expect(sim.getJob(TENANT, job.id), 'a read moved the job').toEqual(last);
      const next = sim.stepJob(TENANT, job.id);
      polls++;
      const done = (j: typeof next) => j.steps.filter((s) => s.status === 'SUCCEEDED').length;
      expect(done(next)).toBe(done(last) + 1);
      last = next;
      expect(polls).toBeLessThanOrEqual(START_STEPS.length);
    }
    expect(polls).toBe(START_STEPS.length);
    expect(last.status).toBe('SUCCEEDED');
    expect(sim.getPair(TENANT, pair.id).status).toBe('REPLICATING');
  });

  it('per action: an immediate failover while the rest follows the clock', () => {
    const sim = makeSim();
    const { pair } = protectedPair(sim);
    sim.setProgression('failover', 'immediate');
    expect(sim.progression()).toMatchObject({ default: 'clock', failover: 'immediate' });
    const point = pointsOf(sim, pair.id)[0]!;
    const failover = sim.act(TENANT, pair.id, { action: 'failover', recoveryPointId: point.id });
    expect(failover.status).toBe('SUCCEEDED');
    const commit = sim.act(TENANT, pair.id, { action: 'commitFailover', deleteAllRecoveryPoints: false });
    expect(commit.status).toBe('RUNNING');
    expectRefused(sim, () => sim.setProgression('default', 'sometimes' as never), 'VALIDATION_FAILED');
    expectRefused(sim, () => sim.setProgression('dance' as never, 'clock'), 'VALIDATION_FAILED');
  });
});

describe('idempotency keys', () => {
  it('the same key returns the same job and changes nothing; reused for another action it is refused', () => {
    const sim = makeSim();
    const pair = attachMain(sim, createMain(sim).id);
    const request = { action: 'startReplication', shadowName: 'web-01-dr', intervalHours: 2 } as const;
    const job = sim.act(TENANT, pair.id, request, { idempotencyKey: 'start-1' });
    const before = stateJson(sim);
    const again = sim.act(TENANT, pair.id, request, { idempotencyKey: 'start-1' });
    expect(again.id).toBe(job.id);
    expect(stateJson(sim)).toBe(before);
    expect(sim.listJobs(TENANT, pair.id).items).toHaveLength(1);
    expectRefused(
      sim,
      () => sim.act(TENANT, pair.id, { action: 'detach' }, { idempotencyKey: 'start-1' }),
      'IDEMPOTENCY_KEY_REUSED',
    );
    // After the job ended, the key still names it.
    waitForJob(sim, job.id);
    expect(sim.act(TENANT, pair.id, request, { idempotencyKey: 'start-1' })).toMatchObject({
      id: job.id,
      status: 'SUCCEEDED',
    });
  });
});

describe('tenant isolation', () => {
  it("another tenant's ids are not found, its lists are empty, and its events are separate", () => {
    const sim = makeSim();
    const { pair, mainId, startJob } = protectedPair(sim);
    const point = pointsOf(sim, pair.id)[0]!;
    const codeOf = (call: () => unknown) => (thrown(call) as DrError).code;
    expect(codeOf(() => sim.getPair(OTHER_TENANT, pair.id))).toBe('PAIR_NOT_FOUND');
    expect(codeOf(() => sim.getServer(OTHER_TENANT, mainId))).toBe('SERVER_NOT_FOUND');
    expect(codeOf(() => sim.getJob(OTHER_TENANT, startJob.id))).toBe('JOB_NOT_FOUND');
    expect(codeOf(() => sim.listRecoveryPoints(OTHER_TENANT, pair.id))).toBe('PAIR_NOT_FOUND');
    expect(codeOf(() => sim.recoveryPointFiles(OTHER_TENANT, pair.id, point.id))).toBe('PAIR_NOT_FOUND');
    expect(codeOf(() => sim.readFile(OTHER_TENANT, mainId, 'etc/app.conf'))).toBe('SERVER_NOT_FOUND');
    expectRefused(sim, () => sim.act(OTHER_TENANT, pair.id, { action: 'stopReplication' }), 'PAIR_NOT_FOUND');
    expectRefused(sim, () => attachMain(sim, mainId, OTHER_TENANT), 'SERVER_NOT_FOUND');
    expectRefused(sim, () => sim.writeFile(OTHER_TENANT, mainId, 'x.txt', 'x'), 'SERVER_NOT_FOUND');
    expectRefused(sim, () => sim.failServer(OTHER_TENANT, mainId), 'SERVER_NOT_FOUND');
    expect(sim.listPairs(OTHER_TENANT).items).toEqual([]);
    expect(sim.listServers(OTHER_TENANT).items).toEqual([]);
    expect(allEvents(sim, { tenant: OTHER_TENANT })).toEqual([]);

    const theirs = protectedPair(sim, { name: 'other-01', tenant: OTHER_TENANT });
    expect(sim.listPairs(TENANT).items.map((p) => p.id)).toEqual([pair.id]);
    expect(sim.listPairs(OTHER_TENANT).items.map((p) => p.id)).toEqual([theirs.pair.id]);
    expect(allEvents(sim, { tenant: OTHER_TENANT }).every((e) => e.tenant === OTHER_TENANT)).toBe(true);
    expect(DrError.is(thrown(() => sim.getPair(TENANT, theirs.pair.id)))).toBe(true);
  });
});

describe('the clock', () => {
  it('advance moves simulated time exactly; nothing replicates before attach', () => {
    const sim = makeSim();
    const start = nowMs(sim);
    const result = sim.advance('1h30m');
    expect(nowMs(sim)).toBe(start + 90 * MINUTE_MS);
    expect(result.from).toBe(new Date(start).toISOString());
    // The past: refused (CLOCK_IN_PAST), time unchanged.
    expectRefused(sim, () => sim.advanceTo(new Date(start).toISOString()), 'CLOCK_IN_PAST');
    expect(nowMs(sim)).toBe(start + 90 * MINUTE_MS);
    sim.advance(DAY_MS + HOUR_MS + TICK_MS);
    expect(nowMs(sim)).toBe(start + 90 * MINUTE_MS + DAY_MS + HOUR_MS + TICK_MS);
  });
});
