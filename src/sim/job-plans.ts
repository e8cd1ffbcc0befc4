/**
 * What each user action does, step by step: the steps' names and simulated durations, the
 * effect of each step on the world, and the statechart event its outcome sends. Durations grow
 * with the data a step moves, so a large server takes longer to copy and restore.
 */
import type { UserAction } from '../machine/index.js';
import { serverAddressesChanged } from './addresses.js';
import type { Engine } from './engine.js';
import { DrError } from './errors.js';
import { type JobHooks, type JobRecord, registerJobHooks, StepFailure } from './jobs.js';
import { rebuildShadowVolumes, shadowMatchesMain } from './pair-settings.js';
import { loadPair, type PairRecord, savePair, sendEvent, snapshotOf } from './pairs.js';
import { type ResolvedPlacement, resolvePlacement } from './placement.js';
import { deleteAllPoints, loadPoint, takeRecoveryPoint } from './recovery-points.js';
import { iso } from './rows.js';
import { createServer, restoreFiles, type ServerRecord, serverById, setPower, setRole } from './servers.js';
import { CURRENT_TIME, type NetworkChoice, type OperationErrorView } from './types.js';

const S = 1000;
const M = 60 * S;

interface World {
  e: Engine;
  job: JobRecord;
  pair: PairRecord;
}

interface Step {
  name: string;
  durationMs(w: World): number;
  skip?(w: World): boolean;
  run?(w: World, log: (line: string) => void): void;
}

interface Plan {
  steps: Step[];
  succeed(w: World): void;
  fail(w: World, error: OperationErrorView): void;
}

const totalGb = (server: ServerRecord | null): number =>
  server?.volumes.reduce((sum, v) => sum + v.sizeGb, 0) ?? 0;
const main = (w: World): ServerRecord => serverById(w.e, w.pair.mainServerId)!;
const shadow = (w: World): ServerRecord | null =>
  w.pair.shadowServerId ? serverById(w.e, w.pair.shadowServerId) : null;
const testServer = (w: World): ServerRecord | null =>
  w.pair.testServerId ? serverById(w.e, w.pair.testServerId) : null;

/** Full copy: 5 minutes plus a second per GiB of volume and per MiB of data. */
const copyMs = (w: World): number =>
  5 * M + totalGb(main(w)) * S + Math.ceil(main(w).dataBytes / 1_048_576) * S;
/** Restore from a recovery point: 3 minutes plus half a second per GiB of volume. */
const restoreMs = (w: World): number => 3 * M + Math.ceil(totalGb(main(w)) / 2) * S;

function requireMainUp(w: World): void {
  if (main(w).powerState === 'DOWN') {
    throw new StepFailure(
      'MAIN_SERVER_DOWN',
      `The main server ${w.pair.mainServerId} is down; replication cannot read it.`,
    );
  }
}

function requireShadowOff(w: World): void {
  if (shadow(w)?.powerState === 'RUNNING') {
    throw new StepFailure(
      'SHADOW_STARTED_MANUALLY',
      `The shadow server ${w.pair.shadowServerId} was started by hand; replication needs it powered off.`,
    );
  }
}

function pointOf(w: World) {
  try {
    return loadPoint(w.e, w.pair.id, w.job.request.recoveryPointId);
  } catch {
    // A point in use is pinned (pinning.ts); only a point deleted before the job ran can be gone.
    throw new StepFailure(
      'RECOVERY_POINT_NOT_FOUND',
      `Recovery point ${String(w.job.request.recoveryPointId)} is gone; choose another point.`,
    );
  }
}

/**
 * Restores `target` to the job's recovery point; a corrupt point fails the step. The job's
 * result records the server's data version right after the restore, before anyone can write.
 */
function restoreTo(w: World, target: ServerRecord | null, log: (line: string) => void): void {
  if (w.job.request.recoveryPointId === CURRENT_TIME) {
    restoreCurrentTime(w, target, log);
    return;
  }
  const point = pointOf(w);
  if (point.corrupt) {
    throw new StepFailure(
      'RECOVERY_POINT_CORRUPT',
      `Recovery point ${point.id} is corrupt and cannot be restored.`,
    );
  }
  if (!target) throw new StepFailure('SERVER_MISSING', 'The server to restore no longer exists.');
  requireUp(target);
  const restored = restoreFiles(w.e, target, w.pair.mainServerId, point.dataVersion);
  w.job.result = {
    ...w.job.result,
    recoveryPointId: point.id,
    serverId: restored.id,
    dataVersion: restored.dataVersion,
  };
  log(
    `restored ${target.id} to recovery point ${point.id} (${point.createdAt}), data version ${restored.dataVersion}`,
  );
}

/** "Current time": the main server's data as it was when the action was accepted. */
function restoreCurrentTime(w: World, target: ServerRecord | null, log: (line: string) => void): void {
  if (!target) throw new StepFailure('SERVER_MISSING', 'The server to restore no longer exists.');
  requireUp(target);
  const version = Number(w.job.result.capturedDataVersion ?? main(w).dataVersion);
  const restored = restoreFiles(w.e, target, w.pair.mainServerId, version);
  w.job.result = {
    ...w.job.result,
    recoveryPointId: CURRENT_TIME,
    serverId: restored.id,
    dataVersion: restored.dataVersion,
  };
  log(`restored ${target.id} to the main server's data at the current time (data version ${version})`);
}

/** An outage is not ended by a job: restoring to or starting a DOWN server fails. */
function requireUp(server: ServerRecord): void {
  if (server.powerState === 'DOWN') {
    throw new StepFailure(
      'SERVER_DOWN',
      `Server ${server.id} is down (an outage); recover it, then try again.`,
    );
  }
}

/** Starts a server a job restored, unless an outage holds it down. */
function startRestored(w: World, server: ServerRecord | null, reason: string): void {
  if (!server) throw new StepFailure('SERVER_MISSING', 'The server to start no longer exists.');
  requireUp(server);
  setPower(w.e, server, 'RUNNING', reason);
}

/** Puts a server back on a recovery point after a failed change (I7: nothing moves on failure). */
function rollBack(w: World, target: ServerRecord | null, pointId: string | null): void {
  if (!target || !pointId) return;
  const point = w.e.st.pointById.get(pointId);
  if (point) {
    const restored = restoreFiles(w.e, target, w.pair.mainServerId, point.data_version);
    w.job.result = { recoveryPointId: pointId, serverId: restored.id, dataVersion: restored.dataVersion };
  }
  setPower(w.e, target, 'RUNNING', 'rollback');
}

function deleteServer(w: World, server: ServerRecord | null, log: (line: string) => void): void {
  if (!server) return;
  w.e.ctx.rowChanges++;
  w.e.ctx.serverWrites++;
  w.e.store.db.prepare('DELETE FROM servers WHERE id = ?').run(server.id);
  serverAddressesChanged(w.e, server.tenant, server.network, -1);
  w.e.store.db.prepare('DELETE FROM files WHERE server_id = ?').run(server.id);
  w.e.ctx.emit(server.tenant, w.pair.id, 'server.deleted', { serverId: server.id, role: server.role });
  log(`deleted server ${server.id}`);
}

interface StartRequest {
  shadowName: string;
  region?: string;
  network?: NetworkChoice;
  placementGroupId?: string;
  volumeType?: 'SSD' | 'NVMe';
  iops?: number;
  flavor?: string;
}

/** The shadow's settings: the start job's own, or for a restart the pair's last start. */
function startRequestOf(w: World): StartRequest {
  if (w.job.type === 'startReplication') return w.job.request as unknown as StartRequest;
  const starts = w.e.store.db
    .prepare(
      "SELECT request FROM jobs WHERE pair_id = ? AND type = 'startReplication' ORDER BY seq DESC LIMIT 1",
    )
    .get(w.pair.id) as { request: string } | undefined;
  return starts ? (JSON.parse(starts.request) as StartRequest) : { shadowName: `${w.pair.name}-shadow` };
}

/** Where the shadow goes: as resolved when the start was accepted (or, for a restart, re-resolved). */
function shadowPlacementOf(w: World, request: StartRequest): ResolvedPlacement {
  const accepted = w.job.result.placement as ResolvedPlacement | undefined;
  if (accepted) return accepted;
  const source = main(w);
  return resolvePlacement(
    w.e,
    w.pair.tenant,
    {
      ...(request.network !== undefined && { network: request.network }),
      ...(request.placementGroupId !== undefined && { placementGroupId: request.placementGroupId }),
      ...(request.flavor !== undefined && { flavor: request.flavor }),
      ...(request.volumeType !== undefined && { volumeType: request.volumeType }),
      ...(request.iops !== undefined && { iops: request.iops }),
    },
    {
      region: w.pair.placement.region,
      vpcId: w.pair.placement.vpcId,
      subnetId: w.pair.placement.subnetId,
      flavor: source.flavor,
      volumes: source.volumes,
    },
    'flavor',
  );
}

const replicationSteps: Step[] = [
  {
    name: 'create shadow',
    durationMs: () => 2 * M,
    skip: (w) => shadow(w) !== null,
    run: (w, log) => {
      const request = startRequestOf(w);
      const placement = shadowPlacementOf(w, request);
      const created = createServer(
        w.e,
        w.pair.tenant,
        {
          name: request.shadowName,
          region: placement.region,
          flavor: placement.flavor,
          volumes: placement.volumes,
          // The documentation: the shadow server is created in shutdown state (and not billed while off).
          powerState: 'STOPPED',
        },
        'SHADOW',
        { network: placement.network, placementGroupId: placement.placementGroupId },
      );
      setRole(w.e, created, 'SHADOW', w.pair.id);
      w.pair.shadowServerId = created.id;
      savePair(w.e, w.pair);
      log(`created shadow server ${created.id} in ${created.region}`);
    },
  },
  { name: 'wait until created', durationMs: () => 1 * M, skip: (w) => shadow(w) !== null },
  {
    // Restart after the main's drives changed rebuilds the shadow's volumes to the main's (decision 0011).
    name: 'attach volumes',
    durationMs: () => 1 * M,
    skip: (w) => shadow(w) !== null && shadowMatchesMain(w.e, w.pair) !== false,
    run: (w, log) => {
      const line = rebuildShadowVolumes(w.e, w.pair);
      if (line) log(line);
    },
  },
  {
    name: 'stop shadow',
    durationMs: () => 30 * S,
    run: (w, log) => {
      const server = shadow(w);
      // Created off; this step keeps it off (after a restart it may have been started by hand).
      if (server) setPower(w.e, server, 'STOPPED', 'replication');
      log('shadow server is powered off (it is not billed while off)');
    },
  },
  { name: 'snapshot main', durationMs: () => 1 * M, run: (w) => requireMainUp(w) },
  {
    name: 'full copy',
    durationMs: copyMs,
    run: (w, log) => {
      requireMainUp(w);
      const source = main(w);
      const target = shadow(w);
      if (target) restoreFiles(w.e, target, source.id, source.dataVersion);
      log(`copied ${source.dataBytes} bytes (data version ${source.dataVersion})`);
    },
  },
  { name: 'verify replica', durationMs: () => 2 * M, run: (w) => requireShadowOff(w) },
  { name: 'first recovery point', durationMs: () => 30 * S, run: (w) => requireMainUp(w) },
];

const replicationPlan: Plan = {
  steps: replicationSteps,
  succeed: (w) => {
    sendEvent(w.e, w.pair, { type: 'REPLICATION_STARTED' }, { jobId: w.job.id });
    const source = main(w);
    const id = takeRecoveryPoint(w.e, w.pair, source.dataVersion, source.dataBytes);
    w.job.result = { recoveryPointId: id };
  },
  fail: (w, error) => sendEvent(w.e, w.pair, { type: 'REPLICATION_FAILED', error }, { jobId: w.job.id }),
};

const failoverPlan: Plan = {
  steps: [
    {
      name: 'clean test environment',
      durationMs: (w) => (w.pair.testServerId ? 1 * M : 0),
      skip: (w) => w.pair.testServerId === null,
      run: (w, log) => {
        deleteServer(w, testServer(w), log);
        w.pair.testServerId = null;
        savePair(w.e, w.pair);
      },
    },
    {
      name: 'stop replication',
      durationMs: () => 10 * S,
      run: (_w, log) => log('replication stopped completely'),
    },
    {
      name: 'restore from recovery point',
      durationMs: restoreMs,
      run: (w, log) => restoreTo(w, shadow(w), log),
    },
    {
      name: 'start failover server',
      durationMs: () => 1 * M,
      run: (w) => startRestored(w, shadow(w), 'failover'),
    },
    { name: 'verify data', durationMs: () => 30 * S },
  ],
  succeed: (w) => sendEvent(w.e, w.pair, { type: 'OPERATION_SUCCEEDED' }, { jobId: w.job.id }),
  fail: (w, error) => {
    const server = shadow(w);
    if (server) setPower(w.e, server, 'STOPPED', 'failover failed');
    sendEvent(w.e, w.pair, { type: 'OPERATION_FAILED', error }, { jobId: w.job.id });
  },
};

const changePlan: Plan = {
  steps: [
    {
      name: 'stop failover server',
      durationMs: () => 30 * S,
      run: (w) => setPower(w.e, shadow(w)!, 'STOPPED', 'change recovery point'),
    },
    {
      name: 'restore from recovery point',
      durationMs: restoreMs,
      run: (w, log) => restoreTo(w, shadow(w), log),
    },
    {
      name: 'start failover server',
      durationMs: () => 1 * M,
      run: (w) => startRestored(w, shadow(w), 'change recovery point'),
    },
    { name: 'verify data', durationMs: () => 30 * S },
  ],
  succeed: (w) => sendEvent(w.e, w.pair, { type: 'OPERATION_SUCCEEDED' }, { jobId: w.job.id }),
  fail: (w, error) => {
    rollBack(w, shadow(w), snapshotOf(w.pair).context.activeRecoveryPointId);
    sendEvent(w.e, w.pair, { type: 'OPERATION_FAILED', error }, { jobId: w.job.id });
  },
};

const commitPlan: Plan = {
  steps: [
    { name: 'promote shadow', durationMs: () => 1 * M },
    { name: 'retire main server', durationMs: () => 30 * S },
    {
      name: 'recovery points',
      durationMs: () => 30 * S,
      run: (w, log) =>
        log(
          w.job.request.deleteAllRecoveryPoints
            ? 'deleting all associated recovery points'
            : 'keeping recovery points read-only',
        ),
    },
    { name: 'finalize', durationMs: () => 10 * S },
  ],
  succeed: (w) => {
    const standby = shadow(w);
    if (standby) setRole(w.e, standby, 'PRIMARY', w.pair.id);
    setRole(w.e, main(w), 'RETIRED', w.pair.id);
    if (w.job.request.deleteAllRecoveryPoints === true) deleteAllPoints(w.e, w.pair, 'commit');
    else w.e.st.readOnlyPoints.run(w.pair.id);
    sendEvent(w.e, w.pair, { type: 'OPERATION_SUCCEEDED' }, { jobId: w.job.id });
  },
  fail: (w, error) => sendEvent(w.e, w.pair, { type: 'OPERATION_FAILED', error }, { jobId: w.job.id }),
};

const testPlan: Plan = {
  steps: [
    {
      name: 'create test server',
      durationMs: () => 2 * M,
      run: (w, log) => {
        const request = w.job.request as { testServerName: string };
        const placement = w.job.result.placement as ResolvedPlacement;
        const created = createServer(
          w.e,
          w.pair.tenant,
          {
            name: request.testServerName,
            region: placement.region,
            flavor: placement.flavor,
            volumes: placement.volumes,
            powerState: 'STOPPED',
          },
          'TEST',
          { network: placement.network, placementGroupId: placement.placementGroupId },
        );
        setRole(w.e, created, 'TEST', w.pair.id);
        w.pair.testServerId = created.id;
        savePair(w.e, w.pair);
        log(
          `created test server ${created.id} in ${created.region} (${placement.network.subnetId}, ${placement.network.privateIp}${placement.network.floatingIp ? `, floating IP ${placement.network.floatingIp}` : ''})`,
        );
      },
    },
    {
      name: 'restore from recovery point',
      durationMs: restoreMs,
      run: (w, log) => restoreTo(w, testServer(w), log),
    },
    {
      name: 'start test server',
      durationMs: () => 1 * M,
      run: (w) => startRestored(w, testServer(w), 'test failover'),
    },
  ],
  succeed: (w) => sendEvent(w.e, w.pair, { type: 'TEST_OPERATION_SUCCEEDED' }, { jobId: w.job.id }),
  fail: (w, error) => sendEvent(w.e, w.pair, { type: 'TEST_OPERATION_FAILED', error }, { jobId: w.job.id }),
};

const changeTestPlan: Plan = {
  steps: [
    {
      name: 'stop test server',
      durationMs: () => 30 * S,
      run: (w) => setPower(w.e, testServer(w)!, 'STOPPED', 'change test point'),
    },
    {
      name: 'restore from recovery point',
      durationMs: restoreMs,
      run: (w, log) => restoreTo(w, testServer(w), log),
    },
    {
      name: 'start test server',
      durationMs: () => 1 * M,
      run: (w) => startRestored(w, testServer(w), 'change test point'),
    },
  ],
  succeed: (w) => sendEvent(w.e, w.pair, { type: 'TEST_OPERATION_SUCCEEDED' }, { jobId: w.job.id }),
  fail: (w, error) => {
    rollBack(w, testServer(w), snapshotOf(w.pair).context.testRecoveryPointId);
    sendEvent(w.e, w.pair, { type: 'TEST_OPERATION_FAILED', error }, { jobId: w.job.id });
  },
};

const cleanPlan: Plan = {
  steps: [
    { name: 'delete test server', durationMs: () => 1 * M },
    { name: 'release temporary resources', durationMs: () => 30 * S },
  ],
  succeed: (w) => {
    deleteServer(w, testServer(w), () => {});
    w.pair.testServerId = null;
    savePair(w.e, w.pair);
    sendEvent(w.e, w.pair, { type: 'TEST_OPERATION_SUCCEEDED' }, { jobId: w.job.id });
  },
  fail: (w, error) => sendEvent(w.e, w.pair, { type: 'TEST_OPERATION_FAILED', error }, { jobId: w.job.id }),
};

/** Stop, resume and detach change the status at once (no processing state); their job records it. */
const atOncePlan = (name: string): Plan => ({
  steps: [{ name, durationMs: () => 0 }],
  succeed: () => {},
  fail: () => {},
});

export const PLANS: Record<UserAction, Plan> = {
  startReplication: replicationPlan,
  restartReplication: replicationPlan,
  stopReplication: atOncePlan('stop replication'),
  resumeReplication: atOncePlan('resume replication'),
  detach: atOncePlan('remove pairing'),
  testFailover: testPlan,
  changeTestRecoveryPoint: changeTestPlan,
  cleanTestEnvironment: cleanPlan,
  failover: failoverPlan,
  changeRecoveryPoint: changePlan,
  commitFailover: commitPlan,
};

/** The steps of a new job, with the durations they will take from now. */
export function planSteps(e: Engine, pair: PairRecord, job: Pick<JobRecord, 'type' | 'request'>) {
  const world = { e, job: job as JobRecord, pair };
  return PLANS[job.type].steps.map((step) => {
    const skipped = step.skip?.(world) ?? false;
    return { name: step.name, durationMs: skipped ? 0 : step.durationMs(world), skipped };
  });
}

const hooks: JobHooks = {
  runStep(e, job, index, log) {
    const pair = loadPair(e, job.tenant, job.pairId);
    const world = { e, job, pair };
    // Skips were decided when the job was planned (planSteps); a skipped step never runs.
    PLANS[job.type].steps[index]?.run?.(world, log);
  },
  succeed(e, job, held) {
    const pair = held ?? loadPair(e, job.tenant, job.pairId);
    clearCurrentJob(e, pair, job);
    PLANS[job.type].succeed({ e, job, pair });
  },
  fail(e, job, error, held) {
    const pair = held ?? loadPair(e, job.tenant, job.pairId);
    clearCurrentJob(e, pair, job);
    PLANS[job.type].fail({ e, job, pair }, error);
  },
};

function clearCurrentJob(e: Engine, pair: PairRecord, job: JobRecord): void {
  const current = pair.currentJobId === job.id || pair.currentTestJobId === job.id;
  // An action done at once was never the pair's current job, and the pair was saved at this
  // very time already: writing the same row again would change nothing.
  if (!current && pair.updatedAt === iso(e.ctx.clock.nowMs())) return;
  if (pair.currentJobId === job.id) pair.currentJobId = null;
  if (pair.currentTestJobId === job.id) pair.currentTestJobId = null;
  savePair(e, pair);
}

registerJobHooks(hooks);

/** The step names of each action's job, exactly as jobs report them and fault selectors match them. */
export const JOB_STEP_NAMES: Readonly<Record<UserAction, readonly string[]>> = Object.fromEntries(
  Object.entries(PLANS).map(([action, plan]) => [action, [...new Set(plan.steps.map((s) => s.name))]]),
) as unknown as Record<UserAction, readonly string[]>;

/**
 * A fault rule's `selector.step` must name a step of its target's job, exactly (case and
 * spaces included): a rule whose step never occurs would never fire, and a test relying on it
 * would pass for the wrong reason. Periodic replication has no steps.
 */
export function checkFaultStep(target: string, step: string | undefined): void {
  if (step === undefined) return;
  const names = (JOB_STEP_NAMES as Record<string, readonly string[] | undefined>)[target];
  if (names === undefined) {
    throw new DrError(
      'VALIDATION_FAILED',
      `Invalid fault rule: target '${target}' has no job steps; remove selector.step.`,
      { field: 'selector.step' },
    );
  }
  if (!names.includes(step)) {
    throw new DrError(
      'VALIDATION_FAILED',
      `Invalid fault rule: selector.step "${step}" is not a step of the ${target} job; its steps are: ${names.map((n) => `"${n}"`).join(', ')}.`,
      { field: 'selector.step', steps: [...names] },
    );
  }
}
