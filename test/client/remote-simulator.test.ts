/**
 * `remoteSimulator` against the engine itself: one scripted sequence run in-process
 * (`asyncSimulator`) and over HTTP against a served drsim with the same seed must give the same
 * answers (ids included, since both draw from the same seeded PRNG), the same refusals, and in
 * the end the same exported state.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { remoteSimulator } from '../../src/client/index.js';
import { type AsyncSimulator, asyncSimulator } from '../../src/sim/contract.js';
import { DrError } from '../../src/sim/errors.js';
import { createSimulator } from '../../src/sim/index.js';
import { type RunningDrsim, startDrsim } from '../../src/testing/index.js';

const SEED = 42;
const TENANT = 'parity';
const SHADOW = { region: 'HAN-1', vpcId: 'vpc-dr', subnetId: 'subnet-dr-a' };

/** A refusal as comparable data: the code, the message and the engine's details. */
async function refusal(call: Promise<unknown>): Promise<{ code: string; message: string; details: unknown }> {
  const err = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DrError);
  const { code, message, details } = err as DrError;
  return { code, message, details };
}

/** The sequence; returns everything it saw, in order. */
async function script(sim: AsyncSimulator, t: string): Promise<Record<string, unknown>> {
  const seen: Record<string, unknown> = {};
  const pairView = async (id: string) => {
    const { status, allowedActions, testFailover, activeRecoveryPointId, currentJobId } = await sim.getPair(
      t,
      id,
    );
    return { status, allowedActions, testFailover, activeRecoveryPointId, currentJobId };
  };

  seen.clock = await sim.clock();
  seen.progression = await sim.progression();
  const main = await sim.createServer(t, {
    name: 'app-01',
    region: 'HCM-3',
    files: { 'etc/hostname': 'app-01', 'srv/data.json': '{"v":1}' },
  });
  const other = await sim.createServer(t, { name: 'app-02', region: 'HCM-3' });
  seen.servers = await sim.listServers(t, { limit: 1 });
  seen.file = await sim.readFile(t, main.id, 'srv/data.json');
  const pair = await sim.attach(t, { mainServerId: main.id, shadow: SHADOW });
  seen.attached = pair;
  seen.attachTwice = await refusal(sim.attach(t, { mainServerId: main.id, shadow: SHADOW }));

  const start = await sim.act(
    t,
    pair.id,
    { action: 'startReplication', shadowName: 'app-01-shadow', intervalHours: 1 },
    { idempotencyKey: 'start' },
  );
  seen.start = start;
  seen.startRetry = await sim.act(
    t,
    pair.id,
    { action: 'startReplication', shadowName: 'app-01-shadow', intervalHours: 1 },
    { idempotencyKey: 'start' },
  );
  seen.starting = await pairView(pair.id);
  seen.advanced = await sim.advance('30m');
  seen.startDone = await sim.getJob(t, start.id);
  seen.replicating = await pairView(pair.id);

  await sim.writeFile(t, main.id, 'srv/data.json', '{"v":2}');
  seen.advancedTo = await sim.advanceTo('2026-01-05T03:00:00.000Z');
  const points = await sim.listRecoveryPoints(t, pair.id);
  seen.points = points;
  const [latest, older] = points.items;
  if (!latest || !older) throw new Error('expected two recovery points');
  seen.pointFiles = await sim.recoveryPointFiles(t, pair.id, older.id);

  // A failed failover through a fault rule, a refusal, then a failover that works.
  seen.fault = await sim.addFault({
    target: 'failover',
    effect: { kind: 'fail', code: 'COPY_FAILED', message: 'copy failed (injected)' },
    trigger: { times: 1 },
    tenant: t,
  });
  const failing = await sim.act(t, pair.id, { action: 'failover', recoveryPointId: latest.id });
  await sim.advance('30m');
  seen.failedJob = await sim.getJob(t, failing.id);
  seen.failedPair = await pairView(pair.id);
  seen.faults = await sim.listFaults(t);
  seen.refused = await refusal(
    sim.act(t, pair.id, { action: 'commitFailover', deleteAllRecoveryPoints: false }),
  );
  seen.unknownPoint = await refusal(sim.act(t, pair.id, { action: 'failover', recoveryPointId: 'rp-none' }));
  const failover = await sim.act(t, pair.id, { action: 'failover', recoveryPointId: latest.id });
  await sim.advance('30m');
  seen.failoverJob = await sim.getJob(t, failover.id);
  seen.failedOver = await pairView(pair.id);

  // Manual progression: reading (polling) a job does not move it; a step does.
  await sim.setProgression('changeRecoveryPoint', 'manual');
  seen.manualProgression = await sim.progression();
  const change = await sim.act(t, pair.id, { action: 'changeRecoveryPoint', recoveryPointId: older.id });
  seen.changeRead = await sim.getJob(t, change.id);
  seen.changeReadAgain = await sim.getJob(t, change.id);
  seen.changePolled = await sim.getJob(t, change.id);
  seen.changeStepped = await sim.stepJob(t, change.id);
  while ((await sim.getJob(t, change.id)).status === 'RUNNING') await sim.stepJob(t, change.id);
  seen.changeDone = await sim.getJob(t, change.id);
  seen.changed = await pairView(pair.id);

  await sim.saveSnapshot('before-commit');
  seen.snapshots = await sim.listSnapshots();
  const commit = await sim.act(t, pair.id, { action: 'commitFailover', deleteAllRecoveryPoints: true });
  await sim.advance('1h');
  seen.commitJob = await sim.getJob(t, commit.id);
  seen.committed = await pairView(pair.id);
  seen.pointsAfterCommit = await sim.listRecoveryPoints(t, pair.id);
  await sim.restoreSnapshot('before-commit');
  seen.restored = await pairView(pair.id);

  // Servers: power, an outage, a workload.
  seen.stopped = await sim.stopServer(t, other.id);
  seen.writeStopped = await refusal(sim.writeFile(t, other.id, 'a.txt', 'x'));
  seen.started = await sim.startServer(t, other.id);
  seen.down = await sim.failServer(t, other.id);
  seen.recovered = await sim.recoverServer(t, other.id);
  await sim.setWorkload(t, other.id, 2);
  await sim.advance('15m'); // the workload writes at each 15-minute boundary
  seen.workloadFiles = await sim.listFiles(t, other.id);
  await sim.setWorkload(t, other.id, 0);

  seen.pairs = await sim.listPairs(t, { status: 'FAILED_OVER' });
  seen.jobs = await sim.listJobs(t, pair.id);
  seen.history = await sim.history(t, pair.id, { kinds: ['pair.transition'], limit: 5 });
  seen.events = await sim.events({ tenant: t, afterSeq: 10, limit: 20 });
  seen.checks = await sim.check();
  seen.missingPair = await refusal(sim.getPair(t, 'drp-none'));
  seen.missingJob = await refusal(sim.getJob(t, 'job-none'));
  seen.removeMissingFault = await refusal(sim.removeFault('flt-none'));
  seen.badDuration = (await refusal(sim.advance('soon'))).code;
  seen.clockAtEnd = await sim.clock();
  return seen;
}

describe('remoteSimulator', () => {
  let drsim: RunningDrsim;
  let remote: AsyncSimulator;

  beforeAll(async () => {
    drsim = await startDrsim({ seed: SEED, token: TENANT });
    remote = remoteSimulator({ baseUrl: drsim.url, token: TENANT });
  });
  afterAll(() => drsim.stop());

  it('answers the scripted sequence as the in-process simulator does', async () => {
    const local = createSimulator({ seed: SEED });
    try {
      const expected = await script(asyncSimulator(local), TENANT);
      const actual = await script(remote, TENANT);
      for (const key of Object.keys(expected)) {
        expect({ [key]: actual[key] }).toEqual({ [key]: expected[key] });
      }
      expect(Object.keys(actual)).toEqual(Object.keys(expected));
      // Spot checks that the sequence went where it was meant to.
      expect(expected.failedJob).toMatchObject({ status: 'FAILED', error: { code: 'COPY_FAILED' } });
      expect(expected.failedPair).toMatchObject({ status: 'FAILOVER_FAILED' });
      expect(expected.committed).toMatchObject({ status: 'COMMITTED' });
      expect(expected.refused).toMatchObject({
        code: 'INVALID_STATE',
        details: { status: 'FAILOVER_FAILED' },
      });
      expect(expected.changeRead).toEqual(expected.changeReadAgain);
      expect(expected.changePolled).toEqual(expected.changeRead);
      expect(expected.workloadFiles).not.toEqual([]);

      const [localState, remoteState] = [local.exportState(), await remote.exportState()];
      expect(remoteState).toEqual(JSON.parse(JSON.stringify(localState)));
    } finally {
      local.close();
    }
  });

  it('imports an exported state and resets a tenant', async () => {
    const state = await remote.exportState();
    await remote.resetTenant(TENANT);
    expect((await remote.listPairs(TENANT)).items).toEqual([]);
    await remote.importState(state);
    expect((await remote.listPairs(TENANT)).items.length).toBe(1);
  });

  it('refuses a tenant other than the token’s, and throws DrError for problems', async () => {
    const err = await remote.listServers('someone-else').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DrError);
    expect((err as DrError).code).toBe('VALIDATION_FAILED');

    const missing = await remote.getServer(TENANT, 'srv-none').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(DrError);
    expect(missing).toMatchObject({ code: 'SERVER_NOT_FOUND', name: 'DrError' });
    expect((missing as Error).cause).toMatchObject({ name: 'DrsimApiError', status: 404 });
  });

  it('has every Simulator method (but advanceSlice, which the HTTP advance runs itself, exportStateJson, which GET /_sim/state streams, and contentVersion, which the read cache asks in process)', () => {
    const local = createSimulator();
    try {
      const methods = Object.keys(local).filter(
        (key) =>
          typeof local[key as keyof typeof local] === 'function' &&
          key !== 'advanceSlice' &&
          key !== 'exportStateJson' &&
          key !== 'contentVersion',
      );
      expect(Object.keys(remote).sort()).toEqual(methods.sort());
    } finally {
      local.close();
    }
  });
});
