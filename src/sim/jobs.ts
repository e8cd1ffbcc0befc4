/**
 * Jobs: every user action runs as a job of named steps on the virtual clock. A step's fault
 * rules are looked up when it begins (fail, delay, hang); its effect on the world happens when
 * it ends. A job's outcome is derived from its steps, so it can never say SUCCEEDED with a
 * failed step. How steps advance is the progression setting of the job's type: `clock`
 * (scheduled), `immediate` (all at once) or `manual` (one step per `stepJob` or poll).
 */
import type { UserAction } from '../machine/index.js';
import type { StoredJob } from './contract.js';
import { parseDuration } from './duration.js';
import type { Engine } from './engine.js';
import { DrError, isOperationErrorCode, type OperationErrorCode } from './errors.js';
import { matchFault } from './faults.js';
import type { PairRecord } from './pairs.js';
import { fired } from './recovery-points.js';
import { iso, jobFromRow, stepsText } from './rows.js';
import type { Job, JobStep, OperationErrorView, ProgressionMode } from './types.js';

export interface StepState extends JobStep {
  durationMs: number;
  failWith?: OperationErrorView;
}

export type JobRecord = StoredJob & { seq: number; hungBy: string | null; steps: StepState[] };

/** Thrown by a step's effect to fail the step (and the job) with a readable error. */
export class StepFailure extends Error {
  constructor(
    readonly code: OperationErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface StepSpec<W> {
  name: string;
  durationMs(world: W): number;
  skip?(world: W): boolean;
  run?(world: W, log: (line: string) => void): void;
}

/** What the job machinery needs of a plan; plans live in job-plans.ts. */
export interface JobHooks {
  runStep(e: Engine, job: JobRecord, index: number, log: (line: string) => void): void;
  /** `pair`: the job's pair as the caller holds it, saved (else it is read). */
  succeed(e: Engine, job: JobRecord, pair?: PairRecord): void;
  fail(e: Engine, job: JobRecord, error: OperationErrorView, pair?: PairRecord): void;
}

let hooks: JobHooks | null = null;
export function registerJobHooks(h: JobHooks): void {
  hooks = h;
}

export function loadJob(e: Engine, tenant: string, jobId: string): JobRecord {
  const row = typeof jobId === 'string' ? e.st.jobById.get(jobId) : undefined;
  if (!row || row.tenant !== tenant)
    throw new DrError('JOB_NOT_FOUND', `No job '${String(jobId)}' in this tenant.`, { jobId });
  return jobFromRow(row) as JobRecord;
}

export function jobView(job: JobRecord): Job {
  return {
    id: job.id,
    type: job.type,
    pairId: job.pairId,
    status: job.status,
    steps: job.steps.map(({ name, status, startedAt, endedAt, log }) => ({
      name,
      status,
      startedAt,
      endedAt,
      log,
    })),
    error: job.error,
    request: job.request,
    createdAt: job.createdAt,
    endedAt: job.endedAt,
  };
}

/**
 * Jobs made and finished in the same call (actions done at once): their row is inserted once,
 * finished, instead of inserted and then updated in the same transaction (the same row either
 * way; one statement less on every stop and resume).
 */
const notStored = new WeakSet<JobRecord>();

function saveJob(e: Engine, job: JobRecord): void {
  if (notStored.delete(job)) {
    insertJob(e, job);
    return;
  }
  e.st.updateJob.run({
    id: job.id,
    status: job.status,
    steps: stepsText(job.steps, Date.parse(job.createdAt)),
    error: job.error ? JSON.stringify(job.error) : null,
    result: JSON.stringify(job.result),
    ended_at_ms: job.endedAt === null ? null : Date.parse(job.endedAt),
    hung_by: job.hungBy,
  });
}

export function progressionOf(e: Engine, type: UserAction): ProgressionMode {
  return e.ctx.settings.progression[type] ?? e.ctx.settings.progression.default ?? 'clock';
}

/**
 * A new job, QUEUED. With `store: false` its row is written by its first save: only for a job
 * finished in the same call (`finishAtOnce`), which nothing reads before.
 */
export function createJob(
  e: Engine,
  pair: { id: string; tenant: string },
  type: UserAction,
  request: Record<string, unknown>,
  steps: { name: string; durationMs: number; skipped?: boolean }[],
  { store = true }: { store?: boolean } = {},
): JobRecord {
  const now = e.ctx.clock.nowMs();
  const id = e.ctx.rng.id('job');
  const job: JobRecord = {
    id,
    seq: e.ctx.nextSeq(),
    type,
    pairId: pair.id,
    status: 'QUEUED',
    steps: steps.map((s) => ({
      name: s.name,
      status: s.skipped ? 'SKIPPED' : 'PENDING',
      startedAt: null,
      endedAt: null,
      log: s.skipped ? ['not needed'] : [],
      durationMs: s.durationMs,
    })),
    error: null,
    request,
    createdAt: iso(now),
    endedAt: null,
    tenant: pair.tenant,
    result: {},
    hungBy: null,
  };
  if (store) insertJob(e, job);
  else notStored.add(job);
  e.ctx.emit(pair.tenant, pair.id, 'job.created', { jobId: id, type, request });
  return job;
}

function insertJob(e: Engine, job: JobRecord): void {
  const createdMs = Date.parse(job.createdAt);
  e.st.insertJob.run({
    id: job.id,
    seq: job.seq,
    tenant: job.tenant,
    pair_id: job.pairId,
    type: job.type,
    status: job.status,
    steps: stepsText(job.steps, createdMs),
    error: job.error ? JSON.stringify(job.error) : null,
    request: JSON.stringify(job.request),
    result: JSON.stringify(job.result),
    created_at_ms: createdMs,
    ended_at_ms: job.endedAt === null ? null : Date.parse(job.endedAt),
    hung_by: job.hungBy,
  });
}

/** Starts a job's first step; with `immediate` progression the whole job runs now. */
export function startJob(e: Engine, job: JobRecord): void {
  job.status = 'RUNNING';
  const first = job.steps.findIndex((s) => s.status === 'PENDING');
  if (first === -1) {
    finishJob(e, job, null);
    return;
  }
  beginStep(e, job, first);
}

function beginStep(e: Engine, job: JobRecord, index: number): void {
  const step = job.steps[index];
  if (!step) {
    finishJob(e, job, null);
    return;
  }
  const now = e.ctx.clock.nowMs();
  // A rule naming no step applies to the job once, at its first step ("the job takes that
  // much longer", "the job fails"); a rule naming a step applies at that step.
  const firstStep = !job.steps.some((s) => s.startedAt !== null);
  const rules = firstStep ? e.ctx.faults : e.ctx.faults.filter((r) => r.selector.step !== undefined);
  step.status = 'RUNNING';
  step.startedAt = iso(now);
  const rule =
    rules.length === 0
      ? null
      : matchFault(
          rules,
          {
            tenant: job.tenant,
            target: job.type,
            pairId: job.pairId,
            recoveryPointId:
              typeof job.request.recoveryPointId === 'string' ? job.request.recoveryPointId : undefined,
            step: step.name,
            nowMs: now,
          },
          e.ctx.rng,
        );
  if (rule) {
    fired(e, rule.id, job.tenant, job.pairId, { jobId: job.id, step: step.name });
    const effect = rule.effect;
    if (effect.kind === 'fail') {
      step.failWith = {
        code: effect.code ?? 'INJECTED_FAULT',
        message: effect.message ?? `Step '${step.name}' failed (injected by fault rule ${rule.id}).`,
      };
    } else if (effect.kind === 'delay') {
      step.durationMs += parseDuration(effect.duration);
      step.log.push(`delayed by ${effect.duration} (fault rule ${rule.id})`);
    } else if (effect.kind === 'hang') {
      job.hungBy = rule.id;
      step.log.push(`hanging until fault rule ${rule.id} is removed`);
    }
  }
  e.ctx.emit(job.tenant, job.pairId, 'job.step', { jobId: job.id, step: step.name, status: 'RUNNING' });
  saveJob(e, job);
  if (!job.hungBy) continueStep(e, job, index);
}

/** Arranges for the running step to end, as the job's progression says. */
function continueStep(e: Engine, job: JobRecord, index: number): void {
  const mode = progressionOf(e, job.type);
  if (mode === 'immediate') {
    completeStep(e, job, index);
    return;
  }
  if (mode === 'clock') {
    const step = job.steps[index]!;
    const at = Date.parse(step.startedAt ?? iso(e.ctx.clock.nowMs())) + step.durationMs;
    e.st.insertSchedule.run(
      e.ctx.nextSeq('schedule'),
      Math.max(at, e.ctx.clock.nowMs()),
      'job.step',
      JSON.stringify({ jobId: job.id, step: index }),
    );
  }
}

/** Ends step `index` of a job: runs its effect, then begins the next step or finishes. */
export function completeStep(e: Engine, job: JobRecord, index: number): void {
  const step = job.steps[index];
  if (step?.status !== 'RUNNING' || job.status !== 'RUNNING') return;
  const log = (line: string) => step.log.push(line);
  let error: OperationErrorView | null = step.failWith ?? null;
  if (!error) {
    try {
      hooks?.runStep(e, job, index, log);
    } catch (thrown) {
      // A refusal met mid-job (a record gone, a server in the wrong state) fails the step with
      // its code; anything else is a bug and must surface.
      if (!(thrown instanceof StepFailure) && !DrError.is(thrown)) throw thrown;
      // Engine refusals carry engine codes; a code from elsewhere is not the engine's to report.
      const code = isOperationErrorCode(thrown.code) ? thrown.code : 'STEP_FAILED';
      error = { code, message: thrown.message };
    }
  }
  step.endedAt = iso(e.ctx.clock.nowMs());
  step.status = error ? 'FAILED' : step.status === 'RUNNING' ? 'SUCCEEDED' : step.status;
  if (error) log(`failed: ${error.code}: ${error.message}`);
  delete step.failWith;
  e.ctx.emit(job.tenant, job.pairId, 'job.step', { jobId: job.id, step: step.name, status: step.status });
  if (error) {
    finishJob(e, job, error);
    return;
  }
  saveJob(e, job);
  const next = job.steps.findIndex((s, i) => i > index && s.status === 'PENDING');
  if (next === -1) {
    finishJob(e, job, null);
    return;
  }
  beginStep(e, job, next);
}

function finishJob(e: Engine, job: JobRecord, error: OperationErrorView | null, pair?: PairRecord): void {
  for (const step of job.steps) if (step.status === 'PENDING') step.status = 'SKIPPED';
  const failed = error !== null || job.steps.some((s) => s.status === 'FAILED');
  job.status = failed ? 'FAILED' : 'SUCCEEDED';
  job.error = failed ? (error ?? { code: 'STEP_FAILED', message: 'A step failed.' }) : null;
  job.endedAt = iso(e.ctx.clock.nowMs());
  job.hungBy = null;
  if (failed) hooks?.fail(e, job, job.error!, pair);
  else hooks?.succeed(e, job, pair);
  saveJob(e, job);
  e.ctx.emit(job.tenant, job.pairId, 'job.ended', {
    jobId: job.id,
    type: job.type,
    status: job.status,
    error: job.error,
  });
}

export function runningStepIndex(job: JobRecord): number {
  return job.steps.findIndex((s) => s.status === 'RUNNING');
}

/** Manual progression: ends the running step now (not while a fault rule holds it). */
export function stepJob(e: Engine, job: JobRecord): void {
  if (job.status !== 'RUNNING' || job.hungBy) return;
  const index = runningStepIndex(job);
  if (index >= 0) completeStep(e, job, index);
}

/** A hang rule was removed: the jobs it held go on from where they were. */
export function releaseHung(e: Engine, ruleId: string): void {
  for (const row of e.st.jobsHungBy.all(ruleId)) {
    const job = jobFromRow(row) as JobRecord;
    job.hungBy = null;
    const index = runningStepIndex(job);
    const step = job.steps[index];
    if (step) {
      step.log.push(`released: fault rule ${ruleId} removed`);
      step.startedAt = iso(e.ctx.clock.nowMs());
    }
    saveJob(e, job);
    if (index >= 0) continueStep(e, job, index);
  }
}

/** A scheduled step end fired. */
export function onScheduledStep(e: Engine, payload: { jobId: string; step: number }): void {
  const row = e.st.jobById.get(payload.jobId);
  if (!row) return;
  const job = jobFromRow(row) as JobRecord;
  // Switched to manual meanwhile: the step now ends only when told.
  if (job.hungBy || progressionOf(e, job.type) === 'manual') return;
  completeStep(e, job, payload.step);
}

/**
 * After a progression change: running steps that no longer wait for a `stepJob` (switched
 * from manual to clock or immediate) continue as their new mode says.
 */
export function resumeProgression(e: Engine): void {
  for (const row of e.st.runningJobs.all()) {
    const job = jobFromRow(row) as JobRecord;
    const index = runningStepIndex(job);
    if (job.hungBy || index < 0 || progressionOf(e, job.type) === 'manual') continue;
    if (e.st.scheduledFor.get(JSON.stringify({ jobId: job.id, step: index }))) continue;
    continueStep(e, job, index);
  }
}

/**
 * Creates a job that completed at once (actions with no processing state: stop, resume, detach).
 * `pair` is the job's pair as the action left it (every change saved): the plan's end needs it,
 * and reading it again was a tenth of a stop or resume.
 */
export function finishAtOnce(
  e: Engine,
  job: JobRecord,
  error: OperationErrorView | null,
  log: string[],
  pair: PairRecord,
): void {
  const now = iso(e.ctx.clock.nowMs());
  job.status = 'RUNNING';
  for (const step of job.steps) {
    step.status = error ? 'FAILED' : 'SUCCEEDED';
    step.startedAt = now;
    step.endedAt = now;
    step.log.push(...log);
  }
  finishJob(e, job, error, pair);
}
