/**
 * Model-based test of the engine (fast-check's `fc.commands` + `fc.modelRun`, one class per
 * command with check/run/toString, as in fast-check's musicPlayer example). Random sequences of
 * user actions on 1–3 pairs, up to 5 with attaches (every action of the lifecycle; recovery
 * points chosen among the latest, the oldest, a random existing one, one already deleted, one of
 * another pair, a bogus id), clock advances from a minute to two days, fault rules of every effect
 * added and removed, outages and recoveries, shadows started by hand, workload changes, API
 * writes, progression switches, manual job steps and attaches (including the refused ones).
 *
 * The model holds only handles (pair and server ids, fault ids, every point id seen). Each action
 * is checked against the pair as the engine showed it just before: the engine accepts it (a job
 * comes back) exactly when it is in `allowedActions` with valid arguments and a point of that
 * pair; otherwise it refuses with the one code that applies (VALIDATION_FAILED, INVALID_STATE or
 * RECOVERY_POINT_NOT_FOUND) and the exported state is byte for byte unchanged. After every
 * command every invariant checker must pass, and `learn` checks what it reads on the way (point
 * counts and times, busy pairs naming their running job, test and failover servers holding their
 * point's data). After the sequence comes a liveness phase (tigerbeetle's split of safety and
 * liveness): faults removed, servers recovered, progression back to the clock, time runs — every
 * job must end, no pair may stay busy, and replication that can run does.
 *
 * Failures print fast-check's seed and path (the global seed comes from test/setup.ts; replay with
 * FC_SEED=<seed>), the simulator seed, and the commands as run.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { USER_ACTIONS, type UserAction } from '../../src/machine/index.js';
import type { Simulator } from '../../src/sim/contract.js';
import { DrError, type FaultFailureCode } from '../../src/sim/errors.js';
import { JOB_STEP_NAMES } from '../../src/sim/job-plans.js';
import type {
  ActionRequest,
  FaultEffect,
  FaultRuleInput,
  FaultTarget,
  ProgressionMode,
} from '../../src/sim/types.js';
import {
  BUSY_STATUSES,
  DAY_MS,
  expectChecksPass,
  HOUR_MS,
  MINUTE_MS,
  newSim,
  nowMs,
  PLACEMENT,
  pointsOf,
  stateJson,
  TENANT,
  TEST_BUSY_STATES,
  TICK_MS,
} from './support/world.js';

// ---------------------------------------------------------------- the model

interface Model {
  /** Every pair attached, in order (detached and committed ones stay: they refuse everything). */
  pairs: string[];
  /** Main servers the test created, and shadows learned from the engine. */
  servers: string[];
  /** Fault rules currently in force. */
  faults: string[];
  /** Every recovery point id seen so far, deleted ones included. */
  knownPoints: Set<string>;
  /** Progression kinds the sequence switched (reset to the clock for the liveness phase). */
  progressionKinds: Set<string>;
  /** Servers the test wrote to or gave a workload (their data may differ from any point). */
  touched: Set<string>;
  /** For unique names. */
  serial: number;
}

interface Real {
  sim: Simulator;
}

const MAX_PAIRS = 5;
const ACCEPTED = 'ACCEPTED';
const POINT_ACTIONS: ReadonlySet<UserAction> = new Set([
  'testFailover',
  'changeTestRecoveryPoint',
  'failover',
  'changeRecoveryPoint',
]);
const FINAL_STATUSES: ReadonlySet<string> = new Set(['COMMITTED', 'DETACHED']);
const WAITING_FOR_COMMIT: ReadonlySet<string> = new Set([
  'FAILOVER_PROCESSING',
  'FAILED_OVER',
  'CHANGING_RECOVERY_POINT',
  'COMMITTING',
]);
const STEP_NAMES = [
  'create shadow',
  'full copy',
  'verify replica',
  'first recovery point',
  'restore from recovery point',
  'start failover server',
  'create test server',
  'promote shadow',
  'finalize',
  'delete test server',
] as const;

const pickOf = <T>(items: readonly T[], pick: number): T | undefined =>
  items.length === 0 ? undefined : items[pick % items.length];

/** The job types that run while a pair shows each busy status. */
const BUSY_JOB_TYPES: Record<string, readonly string[]> = {
  STARTING_REPLICATION: ['startReplication', 'restartReplication'],
  FAILOVER_PROCESSING: ['failover'],
  CHANGING_RECOVERY_POINT: ['changeRecoveryPoint'],
  COMMITTING: ['commitFailover'],
};

const fileList = (list: { path: string; checksum: string }[]) => list.map((f) => `${f.path} ${f.checksum}`);

/**
 * Reads what the model learns from the engine after each command (shadows, point ids) and checks
 * what it can see on the way, independently of the checkers: at most 63 points a pair, none from
 * the future or ahead of the main's data; a busy pair names its running job; a ready test server,
 * and a failover server nobody wrote to, hold exactly their point's data.
 */
function learn(m: Model, sim: Simulator): void {
  const now = nowMs(sim);
  for (const pairId of m.pairs) {
    const pair = sim.getPair(TENANT, pairId);
    const shadow = pair.shadowServer?.id;
    if (shadow && !m.servers.includes(shadow)) m.servers.push(shadow);
    const points = pointsOf(sim, pairId);
    expect(points.length, `${pairId} keeps at most 63 recovery points`).toBeLessThanOrEqual(63);
    const mainVersion = sim.getServer(TENANT, pair.mainServer.id).dataVersion;
    for (const point of points) {
      m.knownPoints.add(point.id);
      expect(point.pairId).toBe(pairId);
      expect(Date.parse(point.createdAt), `${point.id} is not from the future`).toBeLessThanOrEqual(now);
      expect(point.dataVersion, `${point.id} is not ahead of its main`).toBeLessThanOrEqual(mainVersion);
      expect(point.status).toBe(pair.status === 'COMMITTED' ? 'READ_ONLY' : 'AVAILABLE');
    }
    const busyTypes = BUSY_JOB_TYPES[pair.status];
    if (busyTypes) {
      expect(pair.currentJobId, `${pairId} is ${pair.status} with no job`).not.toBeNull();
      const job = sim.getJob(TENANT, pair.currentJobId!);
      expect(job.status, `${pairId} is ${pair.status} but its job ${job.id} is ${job.status}`).toBe(
        'RUNNING',
      );
      expect(busyTypes, `${pairId} is ${pair.status} running a ${job.type} job`).toContain(job.type);
    }
    const test = pair.testFailover;
    if (test?.state === 'READY' && test.testServer && test.recoveryPointId) {
      const pointId = test.recoveryPointId;
      if (points.some((p) => p.id === pointId)) {
        expect(
          fileList(sim.listFiles(TENANT, test.testServer.id)),
          `test server of ${pairId} holds ${pointId}`,
        ).toEqual(fileList(sim.recoveryPointFiles(TENANT, pairId, pointId)));
      }
    }
    const active = pair.activeRecoveryPointId;
    if (
      pair.status === 'FAILED_OVER' &&
      shadow &&
      active &&
      !m.touched.has(shadow) &&
      points.some((p) => p.id === active)
    ) {
      expect(fileList(sim.listFiles(TENANT, shadow)), `failover server of ${pairId} holds ${active}`).toEqual(
        fileList(sim.recoveryPointFiles(TENANT, pairId, active)),
      );
    }
  }
}

/** Runs `call`; returns what it returned, or the DrError it threw (anything else is rethrown). */
function attempt<T>(call: () => T): { ok: true; value: T } | { ok: false; error: DrError } {
  try {
    return { ok: true, value: call() };
  } catch (error) {
    if (DrError.is(error)) return { ok: false, error };
    throw error;
  }
}

/**
 * Runs a call the engine must refuse with `code`, and asserts the exported state did not move.
 * `what` names the call in the failure message.
 */
function expectRefusal(sim: Simulator, what: string, code: string, call: () => unknown): void {
  const before = stateJson(sim);
  const outcome = attempt(call);
  if (outcome.ok) throw new Error(`${what}: expected ${code}, but the engine accepted it`);
  expect(outcome.error.code, `${what}: ${outcome.error.message}`).toBe(code);
  expect(stateJson(sim) === before, `${what}: refused with ${code} but the exported state changed`).toBe(
    true,
  );
}

/** A command: acts on the engine, then the model learns, then every checker must pass. */
abstract class SimCommand implements fc.Command<Model, Real> {
  /** What the last run did, for the counterexample (`toString` is printed after the run). */
  protected outcome = '';
  check(_m: Readonly<Model>): boolean {
    return true;
  }
  run(m: Model, r: Real): void {
    this.outcome = '';
    this.apply(m, r.sim);
    learn(m, r.sim);
    expectChecksPass(r.sim, this.toString());
  }
  protected abstract apply(m: Model, sim: Simulator): void;
  protected abstract describe(): string;
  toString(): string {
    return this.outcome ? `${this.describe()} /* ${this.outcome} */` : this.describe();
  }
}

// ---------------------------------------------------------------- user actions

type PointKind = 'latest' | 'oldest' | 'random' | 'deleted' | 'otherPair' | 'bogus';
interface PointChoice {
  kind: PointKind;
  pick: number;
}
interface Variant {
  intervalHours: number;
  badTestName: boolean;
  deleteAll: boolean;
}

/** The recovery point id a choice names, read off the engine now. */
function resolvePoint(m: Model, sim: Simulator, pairId: string, choice: PointChoice): string {
  const mine = pointsOf(sim, pairId).map((p) => p.id); // newest first
  const others = m.pairs.filter((id) => id !== pairId).flatMap((id) => pointsOf(sim, id).map((p) => p.id));
  const current = new Set([...mine, ...others]);
  const deleted = [...m.knownPoints].filter((id) => !current.has(id));
  const bogus = `rp-bogus${choice.pick % 1000}`;
  switch (choice.kind) {
    case 'latest':
      return mine[0] ?? bogus;
    case 'oldest':
      return mine[mine.length - 1] ?? bogus;
    case 'random':
      return pickOf(mine, choice.pick) ?? bogus;
    case 'deleted':
      return pickOf(deleted, choice.pick) ?? bogus;
    case 'otherPair':
      return pickOf(others, choice.pick) ?? bogus;
    case 'bogus':
      return bogus;
  }
}

function buildRequest(
  m: Model,
  action: UserAction,
  pointId: string,
  v: Variant,
): { request: ActionRequest; valid: boolean } {
  switch (action) {
    case 'startReplication':
      return {
        request: { action, shadowName: `shadow-${++m.serial}`, intervalHours: v.intervalHours },
        valid: Number.isInteger(v.intervalHours) && v.intervalHours >= 1 && v.intervalHours <= 12,
      };
    case 'testFailover':
      return {
        request: {
          action,
          testServerName: v.badTestName ? 'ab' : `test-${++m.serial}`,
          recoveryPointId: pointId,
        },
        valid: !v.badTestName,
      };
    case 'changeTestRecoveryPoint':
    case 'failover':
    case 'changeRecoveryPoint':
      return { request: { action, recoveryPointId: pointId }, valid: true };
    case 'commitFailover':
      return { request: { action, deleteAllRecoveryPoints: v.deleteAll }, valid: true };
    default:
      return { request: { action } as ActionRequest, valid: true };
  }
}

/**
 * One user action, checked against the pair as the engine showed it just before: accepted exactly
 * when valid, allowed and naming a point of the pair; otherwise refused with the code that applies
 * first (validation, then state, then the point) and nothing changed.
 */
function performAct(
  m: Model,
  sim: Simulator,
  pairId: string,
  action: UserAction,
  point: PointChoice,
  v: Variant,
): string {
  const before = sim.getPair(TENANT, pairId);
  const pointId = resolvePoint(m, sim, pairId, point);
  const { request, valid } = buildRequest(m, action, pointId, v);
  const ownPoints = new Set(pointsOf(sim, pairId).map((p) => p.id));
  const expected = !valid
    ? 'VALIDATION_FAILED'
    : !before.allowedActions.includes(action)
      ? 'INVALID_STATE'
      : POINT_ACTIONS.has(action) && !ownPoints.has(pointId)
        ? 'RECOVERY_POINT_NOT_FOUND'
        : ACCEPTED;
  const what = `${action}(${JSON.stringify(request)}) on ${pairId} in ${before.status}/${before.testFailover?.state ?? 'NONE'} allowing [${before.allowedActions.join(', ')}]`;
  if (expected !== ACCEPTED) {
    expectRefusal(sim, what, expected, () => sim.act(TENANT, pairId, request));
    return `refused ${expected}`;
  }
  const outcome = attempt(() => sim.act(TENANT, pairId, request));
  if (!outcome.ok)
    throw new Error(`${what}: expected a job, refused with ${outcome.error.code}: ${outcome.error.message}`);
  const job = outcome.value;
  expect(job.type).toBe(action);
  expect(job.pairId).toBe(pairId);
  expect(['RUNNING', 'SUCCEEDED', 'FAILED']).toContain(job.status);
  if ('recoveryPointId' in request) expect(job.request.recoveryPointId).toBe(request.recoveryPointId);
  expect(sim.getJob(TENANT, job.id).id).toBe(job.id);
  return `${job.id} ${job.status}`;
}

const POINT_CHOICE = fc.record({
  kind: fc.constantFrom<PointKind>('latest', 'oldest', 'random', 'random', 'deleted', 'otherPair', 'bogus'),
  pick: fc.nat(),
});
/** Mostly points the pair has, so allowed actions usually go through. */
const VALID_POINT_CHOICE = fc.oneof(
  {
    weight: 7,
    arbitrary: fc.record({ kind: fc.constantFrom<PointKind>('latest', 'oldest', 'random'), pick: fc.nat() }),
  },
  { weight: 1, arbitrary: POINT_CHOICE },
);
const VARIANT = fc.record({
  intervalHours: fc.oneof(
    { weight: 9, arbitrary: fc.integer({ min: 1, max: 12 }) },
    { weight: 1, arbitrary: fc.constantFrom(0, 13, 2.5) },
  ),
  badTestName: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
  deleteAll: fc.boolean(),
});

/** Any action of the lifecycle, allowed or not. */
class ActCommand extends SimCommand {
  constructor(
    readonly pairPick: number,
    readonly action: UserAction,
    readonly point: PointChoice,
    readonly variant: Variant,
  ) {
    super();
  }
  override check(m: Readonly<Model>): boolean {
    return m.pairs.length > 0;
  }
  protected apply(m: Model, sim: Simulator): void {
    const pairId = pickOf(m.pairs, this.pairPick)!;
    this.outcome = `${pairId}: ${performAct(m, sim, pairId, this.action, this.point, this.variant)}`;
  }
  protected describe(): string {
    return `act(pair#${this.pairPick}, ${this.action}, point=${this.point.kind}#${this.point.pick})`;
  }
}

/** An action the pair allows now (picked at run time), so sequences reach deep states. */
class ActAllowedCommand extends SimCommand {
  constructor(
    readonly pairPick: number,
    readonly actionPick: number,
    readonly point: PointChoice,
    readonly variant: Variant,
  ) {
    super();
  }
  override check(m: Readonly<Model>): boolean {
    return m.pairs.length > 0;
  }
  protected apply(m: Model, sim: Simulator): void {
    const pairId = pickOf(m.pairs, this.pairPick)!;
    const allowed = sim.getPair(TENANT, pairId).allowedActions;
    // Detach ends the pair's story; pick it rarely so sequences go deep.
    const rest = allowed.filter((a) => a !== 'detach');
    const choices = rest.length > 0 && this.actionPick % 10 !== 0 ? rest : allowed;
    const action = pickOf(choices, this.actionPick) ?? pickOf(USER_ACTIONS, this.actionPick)!;
    this.outcome = `${pairId} ${action}: ${performAct(m, sim, pairId, action, this.point, this.variant)}`;
  }
  protected describe(): string {
    return `actAllowed(pair#${this.pairPick}, action#${this.actionPick}, point=${this.point.kind}#${this.point.pick})`;
  }
}

// ---------------------------------------------------------------- time

class AdvanceCommand extends SimCommand {
  constructor(readonly durationMs: number) {
    super();
  }
  protected apply(_m: Model, sim: Simulator): void {
    const from = nowMs(sim);
    const outcome = attempt(() => sim.advance(this.durationMs));
    if (!outcome.ok) {
      throw new Error(
        `advance(${this.durationMs}) from ${new Date(from).toISOString()} threw ${outcome.error.code}: ${outcome.error.message} (the engine must never refuse its own scheduled work)`,
      );
    }
    expect(nowMs(sim)).toBe(from + this.durationMs);
    this.outcome = `fired ${outcome.value.fired}`;
  }
  protected describe(): string {
    return `advance(${formatMs(this.durationMs)})`;
  }
}

const formatMs = (ms: number): string =>
  ms >= HOUR_MS
    ? `${(ms / HOUR_MS).toFixed(2)}h`
    : ms >= MINUTE_MS
      ? `${(ms / MINUTE_MS).toFixed(1)}m`
      : `${ms}ms`;

class ProgressionCommand extends SimCommand {
  constructor(
    readonly kind: UserAction | 'default',
    readonly mode: ProgressionMode,
  ) {
    super();
  }
  protected apply(m: Model, sim: Simulator): void {
    sim.setProgression(this.kind, this.mode);
    m.progressionKinds.add(this.kind);
    expect((sim.progression() as Record<string, string>)[this.kind]).toBe(this.mode);
  }
  protected describe(): string {
    return `setProgression(${this.kind}, ${this.mode})`;
  }
}

/** Reads (as a poll does, moving nothing) or steps the pair's current job. */
class StepJobCommand extends SimCommand {
  constructor(
    readonly pairPick: number,
    readonly poll: boolean,
  ) {
    super();
  }
  override check(m: Readonly<Model>): boolean {
    return m.pairs.length > 0;
  }
  protected apply(m: Model, sim: Simulator): void {
    const pair = sim.getPair(TENANT, pickOf(m.pairs, this.pairPick)!);
    const jobId = pair.currentJobId;
    if (!jobId) {
      this.outcome = 'no job';
      return;
    }
    const ended = (steps: { status: string }[]) =>
      steps.filter((s) => s.status !== 'PENDING' && s.status !== 'RUNNING').length;
    const before = sim.getJob(TENANT, jobId);
    const after = this.poll ? sim.getJob(TENANT, jobId) : sim.stepJob(TENANT, jobId);
    // Reads never write: reading a job (what a client's poll does) leaves it as it was.
    if (this.poll) expect(after).toEqual(before);
    expect(ended(after.steps)).toBeGreaterThanOrEqual(ended(before.steps));
    if (before.status !== 'RUNNING') expect(after).toEqual(before);
    this.outcome = `${jobId} ${before.status} → ${after.status}`;
  }
  protected describe(): string {
    return `${this.poll ? 'readJob' : 'stepJob'}(pair#${this.pairPick})`;
  }
}

// ---------------------------------------------------------------- faults

interface FaultSpec {
  target: FaultTarget;
  effect: FaultEffect['kind'];
  pairPick: number | null;
  step: string | null;
  pointPick: number | null;
  times: number | null;
  probability: number | null;
  window: [number, number] | null;
  delayMinutes: number;
  code: FaultFailureCode | null;
}

/** Whether the fault model accepts the rule (faults.ts: corrupt ↔ recoveryPoint, stall → replication). */
const validFault = (s: FaultSpec): boolean =>
  (s.target === 'recoveryPoint') === (s.effect === 'corrupt') &&
  (s.effect !== 'stall' || s.target === 'replication') &&
  (s.step === null ||
    (JOB_STEP_NAMES as Record<string, readonly string[] | undefined>)[s.target]?.includes(s.step) === true);

class AddFaultCommand extends SimCommand {
  constructor(readonly spec: FaultSpec) {
    super();
  }
  protected apply(m: Model, sim: Simulator): void {
    const s = this.spec;
    const pairId = s.pairPick === null ? undefined : pickOf(m.pairs, s.pairPick);
    const pointId =
      s.pointPick === null || !pairId
        ? undefined
        : pickOf(
            pointsOf(sim, pairId).map((p) => p.id),
            s.pointPick,
          );
    const effect: FaultEffect =
      s.effect === 'fail'
        ? { kind: 'fail', ...(s.code && { code: s.code }) }
        : s.effect === 'delay'
          ? { kind: 'delay', duration: `${s.delayMinutes}m` }
          : { kind: s.effect };
    const now = nowMs(sim);
    const rule: FaultRuleInput = {
      target: s.target,
      effect,
      selector: {
        ...(pairId && { pairId }),
        ...(s.step && { step: s.step }),
        ...(pointId && s.target === 'recoveryPoint' && { recoveryPointId: pointId }),
      },
      trigger: {
        ...(s.times !== null && { times: s.times }),
        ...(s.probability !== null && { probability: s.probability }),
        ...(s.window && {
          from: new Date(now + s.window[0] * MINUTE_MS).toISOString(),
          until: new Date(now + (s.window[0] + s.window[1]) * MINUTE_MS).toISOString(),
        }),
      },
    };
    if (!validFault(s)) {
      expectRefusal(sim, `addFault(${JSON.stringify(rule)})`, 'VALIDATION_FAILED', () => sim.addFault(rule));
      this.outcome = 'refused VALIDATION_FAILED';
      return;
    }
    const added = sim.addFault(rule);
    m.faults.push(added.id);
    expect(added).toMatchObject({ target: s.target, effect });
    this.outcome = `${added.id} ${JSON.stringify(rule)}`;
  }
  protected describe(): string {
    const s = this.spec;
    return `addFault(${s.target}, ${s.effect}${s.step ? `, step=${s.step}` : ''}${s.pairPick === null ? '' : `, pair#${s.pairPick}`}${
      s.times === null ? '' : `, times=${s.times}`
    }${s.probability === null ? '' : `, p=${s.probability}`}${s.window ? `, window=${s.window.join('+')}m` : ''})`;
  }
}

class RemoveFaultCommand extends SimCommand {
  constructor(readonly pick: number) {
    super();
  }
  override check(m: Readonly<Model>): boolean {
    return m.faults.length > 0;
  }
  protected apply(m: Model, sim: Simulator): void {
    const id = pickOf(m.faults, this.pick)!;
    sim.removeFault(id);
    m.faults = m.faults.filter((f) => f !== id);
    expect(sim.listFaults().map((r) => r.id)).not.toContain(id);
    expectRefusal(sim, `removeFault(${id}) twice`, 'FAULT_NOT_FOUND', () => sim.removeFault(id));
    this.outcome = id;
  }
  protected describe(): string {
    return `removeFault(#${this.pick})`;
  }
}

// ---------------------------------------------------------------- servers

type PowerOp = 'fail' | 'recover' | 'start' | 'stop';

const SHADOW_KEPT_OFF = new Set([
  'STARTING_REPLICATION',
  'REPLICATING',
  'PAUSED',
  'REPLICATION_ERROR',
  'FAILOVER_FAILED',
]);

function power(sim: Simulator, serverId: string, op: PowerOp): string {
  const server = sim.getServer(TENANT, serverId);
  const before = server.powerState;
  // docs/simulation.md: a recovered shadow that replication keeps powered off comes back off.
  const keptOff =
    server.role === 'SHADOW' &&
    server.pairId !== null &&
    SHADOW_KEPT_OFF.has(sim.getPair(TENANT, server.pairId).status);
  if ((op === 'start' || op === 'stop') && before === 'DOWN') {
    expectRefusal(sim, `${op}Server(${serverId}) while DOWN`, 'SERVER_STATE_CONFLICT', () =>
      op === 'start' ? sim.startServer(TENANT, serverId) : sim.stopServer(TENANT, serverId),
    );
    return 'refused SERVER_STATE_CONFLICT';
  }
  const after =
    op === 'fail'
      ? sim.failServer(TENANT, serverId)
      : op === 'recover'
        ? sim.recoverServer(TENANT, serverId)
        : op === 'start'
          ? sim.startServer(TENANT, serverId)
          : sim.stopServer(TENANT, serverId);
  const expected = {
    fail: 'DOWN',
    recover: before === 'DOWN' ? (keptOff ? 'STOPPED' : 'RUNNING') : before,
    start: 'RUNNING',
    stop: 'STOPPED',
  }[op];
  expect(after.powerState).toBe(expected);
  return `${serverId} ${before} → ${after.powerState}`;
}

/** Outages and recoveries, and powering on or off by hand, of mains and shadows. */
class PowerCommand extends SimCommand {
  constructor(
    readonly serverPick: number,
    readonly op: PowerOp,
  ) {
    super();
  }
  override check(m: Readonly<Model>): boolean {
    return m.servers.length > 0;
  }
  protected apply(m: Model, sim: Simulator): void {
    this.outcome = power(sim, pickOf(m.servers, this.serverPick)!, this.op);
  }
  protected describe(): string {
    return `${this.op}Server(server#${this.serverPick})`;
  }
}

/** Starting a pair's shadow by hand (the documented way to break replication). */
class StartShadowCommand extends SimCommand {
  constructor(readonly pairPick: number) {
    super();
  }
  override check(m: Readonly<Model>): boolean {
    return m.pairs.length > 0;
  }
  protected apply(m: Model, sim: Simulator): void {
    const pairId = pickOf(m.pairs, this.pairPick)!;
    const shadow = sim.getPair(TENANT, pairId).shadowServer;
    if (!shadow) {
      this.outcome = 'no shadow yet';
      return;
    }
    const wasReplicating = sim.getPair(TENANT, pairId).status === 'REPLICATING';
    this.outcome = power(sim, shadow.id, 'start');
    if (wasReplicating && sim.getServer(TENANT, shadow.id).powerState === 'RUNNING') {
      const after = sim.getPair(TENANT, pairId);
      expect(after.status).toBe('REPLICATION_ERROR');
      expect(after.replication.error?.code).toBe('SHADOW_STARTED_MANUALLY');
    }
  }
  protected describe(): string {
    return `startShadowByHand(pair#${this.pairPick})`;
  }
}

class WorkloadCommand extends SimCommand {
  constructor(
    readonly serverPick: number,
    readonly writesPerMinute: number,
  ) {
    super();
  }
  override check(m: Readonly<Model>): boolean {
    return m.servers.length > 0;
  }
  protected apply(m: Model, sim: Simulator): void {
    const id = pickOf(m.servers, this.serverPick)!;
    sim.setWorkload(TENANT, id, this.writesPerMinute);
    if (this.writesPerMinute > 0) m.touched.add(id);
    this.outcome = id;
  }
  protected describe(): string {
    return `setWorkload(server#${this.serverPick}, ${this.writesPerMinute}/min)`;
  }
}

class WriteFileCommand extends SimCommand {
  constructor(
    readonly serverPick: number,
    readonly path: string,
    readonly content: string,
  ) {
    super();
  }
  override check(m: Readonly<Model>): boolean {
    return m.servers.length > 0;
  }
  protected apply(m: Model, sim: Simulator): void {
    const id = pickOf(m.servers, this.serverPick)!;
    const server = sim.getServer(TENANT, id);
    if (server.powerState !== 'RUNNING') {
      expectRefusal(sim, `writeFile on ${server.powerState} ${id}`, 'SERVER_STATE_CONFLICT', () =>
        sim.writeFile(TENANT, id, this.path, this.content),
      );
      this.outcome = `${id} refused SERVER_STATE_CONFLICT`;
      return;
    }
    const entry = sim.writeFile(TENANT, id, this.path, this.content);
    m.touched.add(id);
    expect(entry.version).toBe(server.dataVersion + 1);
    expect(sim.readFile(TENANT, id, this.path).content).toBe(this.content);
    this.outcome = `${id} v${entry.version}`;
  }
  protected describe(): string {
    return `writeFile(server#${this.serverPick}, ${this.path}, ${JSON.stringify(this.content)})`;
  }
}

// ---------------------------------------------------------------- attach

type NewServerKind = 'normal' | 'expired' | 'multiAttach';

function createServer(m: Model, sim: Simulator, kind: NewServerKind = 'normal'): string {
  const name = `web-${++m.serial}`;
  const server = sim.createServer(TENANT, {
    name,
    region: 'HCM01',
    files: { 'etc/app.conf': `name=${name}\n`, 'data/orders.csv': `id,total\n${m.serial},10\n` },
    ...(kind === 'expired' && { expiresAt: new Date(nowMs(sim) - DAY_MS).toISOString() }),
    ...(kind === 'multiAttach' && { volumes: [{ type: 'SSD', iops: 3000, sizeGb: 40, multiAttach: true }] }),
  });
  m.servers.push(server.id);
  return server.id;
}

/** The documented attach refusals, as the engine's current view of the server predicts them. */
function expectedAttach(sim: Simulator, serverId: string): string {
  const server = sim.getServer(TENANT, serverId);
  if (server.expired) return 'SERVER_EXPIRED';
  if (server.volumes.some((v) => v.multiAttach)) return 'MULTI_ATTACH_VOLUME';
  const pair = server.pairId ? sim.getPair(TENANT, server.pairId) : null;
  if (!pair || FINAL_STATUSES.has(pair.status)) return ACCEPTED;
  if (server.role === 'SHADOW')
    return WAITING_FOR_COMMIT.has(pair.status) ? 'FAILOVER_NOT_COMMITTED' : 'SHADOW_STILL_PAIRING';
  return 'SERVER_ALREADY_PAIRED';
}

/** Attaches a new server (maybe expired or with a multi-attach volume) or one the test knows. */
class AttachCommand extends SimCommand {
  constructor(readonly source: { kind: 'new'; server: NewServerKind } | { kind: 'existing'; pick: number }) {
    super();
  }
  override check(m: Readonly<Model>): boolean {
    return m.pairs.length < MAX_PAIRS && (this.source.kind === 'new' || m.servers.length > 0);
  }
  protected apply(m: Model, sim: Simulator): void {
    const serverId =
      this.source.kind === 'new'
        ? createServer(m, sim, this.source.server)
        : pickOf(m.servers, this.source.pick)!;
    const expected = expectedAttach(sim, serverId);
    const input = { mainServerId: serverId, shadow: PLACEMENT };
    if (expected !== ACCEPTED) {
      expectRefusal(sim, `attach(${serverId})`, expected, () => sim.attach(TENANT, input));
      this.outcome = `${serverId} refused ${expected}`;
      return;
    }
    const pair = sim.attach(TENANT, input);
    expect(pair.status).toBe('ATTACHED');
    expect(sim.getServer(TENANT, serverId)).toMatchObject({ role: 'MAIN', pairId: pair.id });
    m.pairs.push(pair.id);
    this.outcome = `${serverId} → ${pair.id}`;
  }
  protected describe(): string {
    return this.source.kind === 'new'
      ? `attach(new ${this.source.server} server)`
      : `attach(server#${this.source.pick})`;
  }
}

// ---------------------------------------------------------------- arbitraries

const ACTION = fc.constantFrom(...USER_ACTIONS);
const DURATION_MS = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: MINUTE_MS, max: 30 * MINUTE_MS }) },
  { weight: 3, arbitrary: fc.integer({ min: 30 * MINUTE_MS, max: 6 * HOUR_MS }) },
  { weight: 1, arbitrary: fc.integer({ min: 6 * HOUR_MS, max: 2 * DAY_MS }) },
);

const validFaultSpec = fc
  .constantFrom<FaultEffect['kind']>('fail', 'fail', 'delay', 'hang', 'corrupt', 'stall')
  .chain((effect) =>
    fc.record({
      effect: fc.constant(effect),
      target: (effect === 'corrupt'
        ? fc.constant('recoveryPoint')
        : effect === 'stall'
          ? fc.constant('replication')
          : fc.constantFrom<FaultTarget>(
              ...USER_ACTIONS,
              'replication',
              'replication',
            )) as fc.Arbitrary<FaultTarget>,
      step:
        effect === 'corrupt' || effect === 'stall'
          ? fc.constant(null)
          : fc.option(fc.constantFrom(...STEP_NAMES)),
    }),
  );
const anyFaultSpec = fc.record({
  effect: fc.constantFrom<FaultEffect['kind']>('fail', 'delay', 'hang', 'corrupt', 'stall'),
  target: fc.constantFrom<FaultTarget>(...USER_ACTIONS, 'replication', 'recoveryPoint'),
  step: fc.option(fc.constantFrom(...STEP_NAMES)),
});
const FAULT_SPEC: fc.Arbitrary<FaultSpec> = fc
  .tuple(
    fc.oneof({ weight: 5, arbitrary: validFaultSpec }, { weight: 1, arbitrary: anyFaultSpec }),
    fc.record({
      pairPick: fc.option(fc.nat(), { nil: null }),
      pointPick: fc.option(fc.nat(), { nil: null }),
      times: fc.option(fc.integer({ min: 1, max: 3 }), { nil: null }),
      probability: fc.option(fc.constantFrom(0.25, 0.5, 1), { nil: null }),
      window: fc.option(fc.tuple(fc.integer({ min: -60, max: 120 }), fc.integer({ min: 1, max: 240 })), {
        nil: null,
      }),
      delayMinutes: fc.integer({ min: 1, max: 60 }),
      code: fc.option(fc.constantFrom<FaultFailureCode>('COPY_FAILED', 'QUOTA_EXCEEDED'), { nil: null }),
    }),
  )
  .map(([kind, rest]) => ({ ...kind, step: kind.step ?? null, ...rest }));

const act = fc
  .tuple(fc.nat(), ACTION, POINT_CHOICE, VARIANT)
  .map(([pair, action, point, variant]) => new ActCommand(pair, action, point, variant));
const actAllowed = fc
  .tuple(fc.nat(), fc.nat(), VALID_POINT_CHOICE, VARIANT)
  .map(([pair, action, point, variant]) => new ActAllowedCommand(pair, action, point, variant));

const COMMANDS: fc.Arbitrary<fc.Command<Model, Real>>[] = [
  act,
  act,
  actAllowed,
  actAllowed,
  actAllowed,
  actAllowed,
  DURATION_MS.map((ms) => new AdvanceCommand(ms)),
  DURATION_MS.map((ms) => new AdvanceCommand(ms)),
  DURATION_MS.map((ms) => new AdvanceCommand(ms)),
  FAULT_SPEC.map((spec) => new AddFaultCommand(spec)),
  fc.nat().map((pick) => new RemoveFaultCommand(pick)),
  fc
    .tuple(fc.nat(), fc.constantFrom<PowerOp>('fail', 'recover', 'recover', 'start', 'stop'))
    .map(([pick, op]) => new PowerCommand(pick, op)),
  fc.nat().map((pick) => new StartShadowCommand(pick)),
  fc.tuple(fc.nat(), fc.constantFrom(0, 0.5, 1, 2)).map(([pick, rate]) => new WorkloadCommand(pick, rate)),
  fc
    .tuple(
      fc.nat(),
      fc.constantFrom('data/orders.csv', 'etc/app.conf', 'new/file.txt'),
      fc.string({ maxLength: 20 }),
    )
    .map(([pick, path, content]) => new WriteFileCommand(pick, path, content)),
  fc
    .tuple(
      fc.constantFrom<UserAction | 'default'>('default', 'default', ...USER_ACTIONS),
      fc.constantFrom<ProgressionMode>('clock', 'immediate', 'manual'),
    )
    .map(([kind, mode]) => new ProgressionCommand(kind, mode)),
  fc.tuple(fc.nat(), fc.boolean()).map(([pick, poll]) => new StepJobCommand(pick, poll)),
  fc
    .oneof(
      fc
        .constantFrom<NewServerKind>('normal', 'normal', 'expired', 'multiAttach')
        .map((server) => ({ kind: 'new' as const, server })),
      fc.nat().map((pick) => ({ kind: 'existing' as const, pick })),
    )
    .map((source) => new AttachCommand(source)),
];

// ---------------------------------------------------------------- setup and liveness

type Stage = 'attached' | 'replicating' | 'failedOver';

/** 1–3 pairs driven (with immediate progression) to their starting stage. */
function setup(seed: number, stages: readonly Stage[]): { model: Model; real: Real } {
  const sim = newSim({ seed, progression: { default: 'immediate' } });
  const model: Model = {
    pairs: [],
    servers: [],
    faults: [],
    knownPoints: new Set(),
    progressionKinds: new Set(),
    touched: new Set(),
    serial: 0,
  };
  for (const stage of stages) {
    const pairId = sim.attach(TENANT, { mainServerId: createServer(model, sim), shadow: PLACEMENT }).id;
    model.pairs.push(pairId);
    if (stage === 'attached') continue;
    sim.act(TENANT, pairId, {
      action: 'startReplication',
      shadowName: `shadow-${++model.serial}`,
      intervalHours: 1 + (model.serial % 4),
    });
    if (stage === 'failedOver') {
      sim.act(TENANT, pairId, { action: 'failover', recoveryPointId: pointsOf(sim, pairId)[0]!.id });
    }
  }
  sim.setProgression('default', 'clock');
  sim.advance(5 * MINUTE_MS);
  learn(model, sim);
  expectChecksPass(sim, 'setup');
  return { model, real: { sim } };
}

/** Faults off, servers up, progression on the clock, time runs: every job ends, no pair stays busy. */
function liveness(m: Model, sim: Simulator): void {
  for (const rule of sim.listFaults()) sim.removeFault(rule.id);
  for (const id of m.servers)
    if (sim.getServer(TENANT, id).powerState === 'DOWN') sim.recoverServer(TENANT, id);
  for (const kind of m.progressionKinds) sim.setProgression(kind as UserAction | 'default', 'clock');
  // A job started under manual progression has no step end on the clock yet: one step moves it on.
  for (const job of sim.exportState().jobs) if (job.status === 'RUNNING') sim.stepJob(TENANT, job.id);
  sim.advance(6 * HOUR_MS);
  const state = sim.exportState();
  const stuck = state.jobs.filter((j) => j.status === 'RUNNING' || j.status === 'QUEUED');
  expect(
    stuck.map((j) => `${j.type} ${j.id} ${JSON.stringify(j.steps.map((s) => s.status))}`),
    'jobs still running',
  ).toEqual([]);
  for (const pair of state.pairs) {
    expect(BUSY_STATUSES.has(pair.status), `${pair.id} still ${pair.status}`).toBe(false);
    expect(TEST_BUSY_STATES.has(pair.testState), `${pair.id} test still ${pair.testState}`).toBe(false);
    // An outage after the full copy heals by itself once the main is back (a failed start needs a restart).
    const copied =
      (pair.machine as { context?: { initialCopyDone?: boolean } }).context?.initialCopyDone === true;
    if (copied) {
      expect(pair.replicationError?.code, `${pair.id} still in error after its main recovered`).not.toBe(
        'MAIN_SERVER_DOWN',
      );
    }
    if (pair.status === 'REPLICATING') {
      const view = sim.getPair(TENANT, pair.id);
      expect(
        view.replication.rpoSeconds,
        `${pair.id} replicates again after the faults are gone`,
      ).toBeLessThanOrEqual(TICK_MS / 1000);
    }
  }
  expectChecksPass(sim, 'the liveness phase');
}

describe('the engine against random sequences of user actions, time, faults and outages', () => {
  it('accepts exactly the allowed actions, refuses the rest without a trace, keeps every invariant, and converges', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.array(fc.constantFrom<Stage>('attached', 'replicating', 'replicating', 'failedOver'), {
          minLength: 1,
          maxLength: 3,
        }),
        fc.commands(COMMANDS, { maxCommands: 25, size: 'max' }),
        (seed, stages, commands) => {
          const { model, real } = setup(seed, stages);
          try {
            fc.modelRun(() => ({ model, real }), commands);
            liveness(model, real.sim);
          } catch (error) {
            throw new Error(
              `simulator seed=${seed}, stages=${JSON.stringify(stages)}, clock ${real.sim.clock().now}: ${(error as Error).message}`,
              { cause: error },
            );
          } finally {
            real.sim.close();
          }
        },
      ),
      { numRuns: 200 },
    );
    // 200 runs of up to 25 commands: a guard against a hang, not a speed check (a busy 2-core
    // machine took 44 s).
  }, 180_000);
});
