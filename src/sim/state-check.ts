/**
 * Checks a state document completely before it may replace anything (import, snapshot
 * restore): its shape (types, ranges, times the clock can hold), the references between its
 * records, every pair's statechart snapshot, the counters, and finally the invariant checkers.
 * A malformed document is VALIDATION_FAILED (400); a well-formed but inconsistent one is
 * STATE_INCONSISTENT (422). Each names what is wrong (the first few problems, with paths).
 */
import {
  drPairMachine,
  STATUSES,
  statusOf,
  TEST_STATES,
  testStateOf,
  USER_ACTIONS,
} from '../machine/index.js';
import { USAGE_ITEMS, type UsageItem } from './accounts.js';
import { runCheckers } from './checkers/index.js';
import { isSimTime, MAX_SPEED } from './clock.js';
import type { SimState } from './contract.js';
import { DrError, isOperationErrorCode, OPERATION_ERROR_CODES } from './errors.js';
import { validateFaultRule } from './faults.js';
import { zodNow } from './lazy-zod.js';
import { validateCatalogue } from './regions.js';
import { TICK_MS } from './replication.js';
import { validateTimeZone } from './retention.js';
import { isRngState } from './rng.js';
import { checksumOf } from './servers.js';
import { SIM_EVENT_KINDS } from './types.js';

const SHOWN = 10;

/**
 * The document's shape, built on its first use: only an import or a snapshot restore needs it,
 * and building its zod schemas cost every start (`drsim serve`, `startDrsim()`) ~10 ms and heap.
 */
function buildStateSchema() {
  const { z } = zodNow();
  const text = (max = 1024) => z.string().max(max);
  const id = z.string().min(1).max(128);
  const count = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
  /**
   * Sequence numbers and counters stop at 2^50, well below the largest safe integer: an imported
   * counter at that integer was accepted, and the next id it numbered could never be imported again.
   */
  const MAX_SEQ = 2 ** 50;
  const seq = z.number().int().positive().max(MAX_SEQ);
  /** An ISO 8601 time within the clock's range, written as the engine writes it. */
  const iso = z.string().refine((value) => {
    const ms = Date.parse(value);
    return isSimTime(ms) && new Date(ms).toISOString() === value;
  }, 'expected an ISO 8601 UTC time such as 2026-01-05T00:00:00.000Z, from 1970 to 9999');
  const record = z.record(z.string(), z.unknown());
  const operationError = z.object({ code: z.enum(OPERATION_ERROR_CODES), message: text(4096) }).nullable();

  const server = z.object({
    id,
    seq,
    tenant: id,
    name: text(256),
    region: text(128),
    flavor: text(128),
    volumes: z
      .array(
        z.object({
          type: z.enum(['SSD', 'NVMe']),
          iops: count,
          sizeGb: count,
          multiAttach: z.boolean(),
        }),
      )
      // A server has its boot volume and at most 16 (servers.ts MAX_VOLUMES; decision 11).
      .min(1)
      .max(16),
    network: z
      .object({
        vpcId: text(256),
        subnetId: text(256),
        privateIp: text(64).nullable(),
        floatingIp: text(64).nullable(),
        securityGroupId: text(256).nullable(),
      })
      .nullable()
      .optional(),
    placementGroupId: text(256).nullable().optional(),
    powerState: z.enum(['RUNNING', 'STOPPED', 'DOWN']),
    role: z.enum(['STANDALONE', 'MAIN', 'SHADOW', 'PRIMARY', 'RETIRED', 'TEST']),
    expiresAt: iso.nullable(),
    pairId: id.nullable(),
    dataVersion: count,
    dataBytes: count,
    workloadPerMinute: z.number().min(0).max(60),
    createdAt: iso,
    updatedAt: iso,
  });

  const file = z
    .object({
      serverId: id,
      path: text(1024),
      version: count,
      content: z.string().nullable(),
      checksum: text(128).nullable(),
      writtenAt: iso,
    })
    .refine(
      (f) => f.checksum === (f.content === null ? null : checksumOf(f.content)),
      'checksum: expected sha256: and the hex digest of the content (null for a deletion)',
    );

  const pair = z.object({
    id,
    seq,
    tenant: id,
    name: text(256),
    mainServerId: id,
    shadowServerId: id.nullable(),
    testServerId: id.nullable(),
    placement: z.object({
      region: text(128),
      vpcId: text(256),
      subnetId: text(256),
      securityGroupId: text(256).nullable().optional(),
      placementGroupId: text(256).nullable().optional(),
      volumeType: z.enum(['SSD', 'NVMe']).nullable().optional(),
      iops: z.number().int().min(100).max(100_000).nullable().optional(),
    }),
    intervalHours: z.number().int().min(1).max(12).nullable(),
    machine: z.object({ value: z.unknown(), context: record }),
    status: z.enum(STATUSES),
    testState: z.enum(TEST_STATES),
    currentJobId: id.nullable(),
    currentTestJobId: id.nullable(),
    replicationError: operationError,
    createdAt: iso,
    updatedAt: iso,
  });

  const point = z.object({
    id,
    pairId: id,
    tenant: id,
    createdAt: iso,
    status: z.enum(['AVAILABLE', 'READ_ONLY']),
    tags: z.array(z.enum(['interval', 'daily', 'weekly', 'first'])).max(4),
    sizeBytes: count,
    dataVersion: count,
    corrupt: z.boolean(),
  });

  const jobStatus = z.enum(['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED']);
  const job = z.object({
    id,
    seq,
    tenant: id,
    pairId: id,
    type: z.enum(USER_ACTIONS),
    status: jobStatus,
    steps: z
      .array(
        z.object({
          name: text(256),
          status: z.enum(['PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'SKIPPED']),
          startedAt: iso.nullable(),
          endedAt: iso.nullable(),
          log: z.array(text(4096)).max(1000),
          durationMs: count.max(366 * 86_400_000),
        }),
      )
      .max(100),
    error: operationError,
    request: record,
    result: record,
    createdAt: iso,
    endedAt: iso.nullable(),
    hungBy: id.nullable(),
  });

  const fault = z
    .object({
      id,
      tenant: id.nullable(),
      target: z.string(),
      selector: record,
      trigger: record,
      effect: record,
      fired: count,
      createdAt: iso,
    })
    .strict();

  const event = z.object({
    seq,
    at: iso,
    tenant: id,
    pairId: id.nullable(),
    kind: z.enum(SIM_EVENT_KINDS),
    data: record,
  });

  const scheduled = z.object({
    atMs: z.number().refine(isSimTime, 'expected a time from 1970 to 9999 in milliseconds'),
    seq,
    kind: z.literal('job.step'),
    payload: z.object({ jobId: id, step: count.max(100) }),
  });

  const progressionMode = z.enum(['clock', 'immediate', 'manual']);

  const simTime = z.number().int().refine(isSimTime, 'expected a time from 1970 to 9999 in milliseconds');
  const amount = z.number().finite().nonnegative().max(1e15);
  const volumeType = z.enum(['SSD', 'NVMe']);
  const charge = z.object({
    seq,
    tenant: id,
    pairId: id,
    item: z.enum(USAGE_ITEMS as [UsageItem, ...UsageItem[]]),
    serverId: text(128).nullable(),
    volumeType: volumeType.nullable(),
    quantity: amount,
    unitPrice: amount,
    startMs: simTime,
    endMs: simTime.nullable(),
  });
  const account = z.object({
    mode: z.enum(['postpaid', 'prepaid']),
    credit: amount,
    creditSetAtMs: simTime,
    rates: z.object({
      currency: z.string().regex(/^[A-Z]{3}$/),
      volumeGbHour: z.object({ SSD: amount, NVMe: amount }),
      serverHour: amount,
      transmissionGb: amount,
    }),
  });

  return z.object({
    format: z.literal('drsim-state'),
    version: z.literal(1),
    seed: z.number().int().refine(Number.isSafeInteger, 'expected a safe integer'),
    rng: z.unknown().refine(isRngState, 'expected four unsigned 32-bit integers'),
    clock: z.object({
      nowMs: z.number().refine(isSimTime, 'expected a time from 1970 to 9999 in milliseconds'),
      mode: z.enum(['manual', 'realtime']),
      speed: z.number().positive().max(MAX_SPEED),
    }),
    settings: z.object({
      timeZone: z.string().refine((zone) => {
        try {
          validateTimeZone(zone);
          return true;
        } catch {
          return false;
        }
      }, 'expected an IANA time zone such as UTC or Asia/Ho_Chi_Minh'),
      progression: z.partialRecord(z.enum(['default', ...USER_ACTIONS]), progressionMode),
      historyRetentionDays: z.number().int().min(1).max(36_600).optional(),
      regions: z
        .unknown()
        .refine((catalogue) => {
          try {
            validateCatalogue(catalogue);
            return true;
          } catch {
            return false;
          }
        }, 'expected a region catalogue (see PUT /_sim/regions)')
        .optional(),
      accounts: z.record(id, account).optional(),
    }),
    servers: z.array(server),
    files: z.array(file),
    pairs: z.array(pair),
    recoveryPoints: z.array(point),
    jobs: z.array(job),
    faults: z.array(fault),
    events: z.array(event),
    schedule: z.array(scheduled),
    idempotency: z.array(z.object({ tenant: id, key: text(256), pairId: id, action: text(64), jobId: id })),
    charges: z.array(charge).optional(),
    counters: z.record(z.string(), count.max(MAX_SEQ)),
  });
}

let stateSchema: ReturnType<typeof buildStateSchema> | undefined;

/** Throws VALIDATION_FAILED or STATE_INCONSISTENT unless `input` may be imported as is. */
export function checkState(input: unknown): SimState {
  const format = (input as { format?: unknown } | null)?.format;
  const version = (input as { version?: unknown } | null)?.version;
  if (typeof input !== 'object' || input === null || format !== 'drsim-state' || version !== 1) {
    throw new DrError(
      'VALIDATION_FAILED',
      "state: expected a document exported by drsim (format 'drsim-state', version 1).",
      { errors: [{ path: 'format', message: "expected 'drsim-state' with version 1" }] },
    );
  }
  stateSchema ??= buildStateSchema();
  const parsed = stateSchema.safeParse(input);
  if (!parsed.success) {
    const errors = parsed.error.issues.map((issue) => ({
      path: issue.path.map(String).join('.'),
      message: issue.message,
    }));
    throw refusal('VALIDATION_FAILED', 'is malformed', errors);
  }
  const state = input as SimState;
  const problems = [
    ...faultProblems(state),
    ...referenceProblems(state),
    ...machineProblems(state),
    ...chargeProblems(state),
  ];
  problems.push(...counterProblems(state));
  if (problems.length > 0) {
    throw refusal(
      'STATE_INCONSISTENT',
      'is inconsistent',
      problems.map((message) => ({ path: '', message })),
    );
  }
  let verdicts: ReturnType<typeof runCheckers>;
  try {
    verdicts = runCheckers(state);
  } catch (error) {
    throw refusal('STATE_INCONSISTENT', 'cannot be judged by the invariant checkers', [
      { path: '', message: (error as Error).message },
    ]);
  }
  const violated = verdicts.filter((verdict) => !verdict.ok);
  if (violated.length > 0) {
    throw refusal(
      'STATE_INCONSISTENT',
      'breaks invariants',
      violated.flatMap((verdict) =>
        verdict.violations.map((message) => ({ path: '', message: `${verdict.name}: ${message}` })),
      ),
    );
  }
  return state;
}

function refusal(code: string, what: string, errors: { path: string; message: string }[]): DrError {
  const shown = errors
    .slice(0, SHOWN)
    .map((error) => (error.path ? `${error.path}: ${error.message}` : error.message));
  const more = errors.length > SHOWN ? ` (and ${errors.length - SHOWN} more)` : '';
  return new DrError(code, `The state ${what}; nothing was changed. ${shown.join('; ')}${more}.`, {
    errors: errors.slice(0, 100),
  });
}

function faultProblems(state: SimState): string[] {
  const problems: string[] = [];
  state.faults.forEach((rule, index) => {
    const { id: _id, fired: _fired, createdAt: _createdAt, tenant, ...input } = rule;
    try {
      validateFaultRule(tenant === null ? input : { ...input, tenant });
    } catch (error) {
      problems.push(`faults.${index}: ${(error as Error).message}`);
    }
  });
  return problems;
}

function duplicates<T>(items: readonly T[], key: (item: T) => string | number, what: string): string[] {
  const seen = new Set<string | number>();
  const problems: string[] = [];
  for (const item of items) {
    const k = key(item);
    if (seen.has(k)) problems.push(`${what} ${k} appears twice`);
    seen.add(k);
  }
  return problems;
}

function referenceProblems(state: SimState): string[] {
  const problems = [
    ...duplicates(state.servers, (s) => s.id, 'server'),
    ...duplicates(state.pairs, (p) => p.id, 'pair'),
    ...duplicates(state.recoveryPoints, (r) => r.id, 'recovery point'),
    ...duplicates(state.jobs, (j) => j.id, 'job'),
    ...duplicates(state.faults, (f) => f.id, 'fault rule'),
    ...duplicates(state.events, (e) => e.seq, 'event seq'),
    ...duplicates(state.schedule, (s) => s.seq, 'schedule seq'),
    ...duplicates(state.files, (f) => JSON.stringify([f.serverId, f.path, f.version]), 'file version'),
    ...duplicates(state.idempotency, (i) => JSON.stringify([i.tenant, i.key]), 'idempotency key'),
  ];
  const servers = new Map(state.servers.map((s) => [s.id, s]));
  const pairs = new Map(state.pairs.map((p) => [p.id, p]));
  const jobs = new Map(state.jobs.map((j) => [j.id, j]));
  const faults = new Set(state.faults.map((f) => f.id));
  const owned = (
    what: string,
    ref: string,
    tenant: string,
    target: { tenant: string } | undefined,
    kind: string,
  ) => {
    if (!target) problems.push(`${what} names ${kind} ${ref}, which does not exist`);
    else if (target.tenant !== tenant) problems.push(`${what} names ${kind} ${ref} of another tenant`);
  };
  for (const s of state.servers) {
    if (s.pairId !== null) owned(`server ${s.id}`, s.pairId, s.tenant, pairs.get(s.pairId), 'pair');
  }
  for (const f of state.files) {
    const server = servers.get(f.serverId);
    if (!server) problems.push(`a file names server ${f.serverId}, which does not exist`);
    // The server's next write is its data version + 1: a file already there would collide.
    else if (f.version > server.dataVersion) {
      problems.push(
        `server ${f.serverId} holds ${f.path} at version ${f.version}, after its data version ${server.dataVersion}`,
      );
    }
  }
  for (const p of state.pairs) {
    owned(`pair ${p.id}`, p.mainServerId, p.tenant, servers.get(p.mainServerId), 'server');
    for (const ref of [p.shadowServerId, p.testServerId]) {
      if (ref !== null) owned(`pair ${p.id}`, ref, p.tenant, servers.get(ref), 'server');
    }
    for (const ref of [p.currentJobId, p.currentTestJobId]) {
      if (ref === null) continue;
      const j = jobs.get(ref);
      if (!j) problems.push(`pair ${p.id} names job ${ref}, which does not exist`);
      else if (j.pairId !== p.id) problems.push(`pair ${p.id} names job ${ref} of another pair`);
    }
  }
  for (const r of state.recoveryPoints) {
    owned(`recovery point ${r.id}`, r.pairId, r.tenant, pairs.get(r.pairId), 'pair');
  }
  for (const j of state.jobs) {
    owned(`job ${j.id}`, j.pairId, j.tenant, pairs.get(j.pairId), 'pair');
    if (j.hungBy !== null && !faults.has(j.hungBy)) {
      problems.push(`job ${j.id} is held by fault rule ${j.hungBy}, which does not exist`);
    }
  }
  for (const s of state.schedule) {
    const payload = s.payload as { jobId: string; step: number };
    const j = jobs.get(payload.jobId);
    if (!j) problems.push(`scheduled step ${s.seq} names job ${payload.jobId}, which does not exist`);
    else if (payload.step >= j.steps.length)
      problems.push(`scheduled step ${s.seq} names a step job ${j.id} lacks`);
  }
  for (const i of state.idempotency) {
    owned(`idempotency key ${i.key}`, i.jobId, i.tenant, jobs.get(i.jobId), 'job');
  }
  return problems;
}

/** Every pair's statechart snapshot must be one the machine can resume, matching its status. */
function machineProblems(state: SimState): string[] {
  const problems: string[] = [];
  for (const p of state.pairs) {
    try {
      const machine = p.machine as { value: unknown; context: Record<string, unknown> };
      const resolved = drPairMachine.resolveState(
        machine as unknown as Parameters<typeof drPairMachine.resolveState>[0],
      );
      if (JSON.stringify(resolved.value) !== JSON.stringify(machine.value)) {
        problems.push(`pair ${p.id}: the statechart has no state ${JSON.stringify(machine.value)}`);
      } else if (statusOf(resolved) !== p.status || testStateOf(resolved) !== p.testState) {
        problems.push(
          `pair ${p.id}: status ${p.status}/${p.testState} does not match its statechart (${statusOf(resolved)}/${testStateOf(resolved)})`,
        );
      }
      const context = drPairMachine.config.context as unknown as Record<string, unknown>;
      for (const [key, initial] of Object.entries(context)) {
        const value = machine.context[key];
        const ok =
          typeof initial === 'boolean'
            ? typeof value === 'boolean'
            : key.endsWith('Error')
              ? value === null ||
                (typeof value === 'object' &&
                  typeof (value as { code?: unknown }).code === 'string' &&
                  isOperationErrorCode((value as { code: string }).code))
              : value === null || (typeof value === 'string' && value.length <= 128);
        if (!ok) problems.push(`pair ${p.id}: statechart context ${key} is ${JSON.stringify(value)}`);
      }
    } catch (error) {
      problems.push(`pair ${p.id}: the statechart snapshot cannot be restored (${(error as Error).message})`);
    }
  }
  return problems;
}

/** Counters never below a number already used, and the replication tick within the last 15 minutes. */
/** Meters belong to a pair of their tenant, lie in the past, and a transmission is an instant. */
function chargeProblems(state: SimState): string[] {
  const charges = state.charges ?? [];
  const problems = duplicates(charges, (c) => c.seq, 'charge seq');
  const pairs = new Map(state.pairs.map((p) => [p.id, p]));
  const now = state.clock.nowMs;
  for (const c of charges) {
    const where = `charge ${c.seq}`;
    const pair = pairs.get(c.pairId);
    if (!pair) problems.push(`${where} names pair ${c.pairId}, which does not exist`);
    else if (pair.tenant !== c.tenant)
      problems.push(`${where} is tenant ${c.tenant}'s but pair ${c.pairId} is ${pair.tenant}'s`);
    if (c.startMs > now || (c.endMs !== null && c.endMs > now))
      problems.push(`${where} lies after the clock (${now})`);
    if (c.endMs !== null && c.endMs < c.startMs) problems.push(`${where} ends before it starts`);
    if (c.item === 'transmission' && c.endMs !== c.startMs)
      problems.push(`${where}: a transmission is an instant (endMs = startMs)`);
    if (c.item !== 'transmission' && c.endMs === c.startMs)
      problems.push(`${where}: a meter of ${c.item} must last (endMs null or after startMs)`);
    if (c.item.endsWith('Volumes') !== (c.volumeType !== null))
      problems.push(`${where}: volumeType is set for volume items only`);
  }
  return problems;
}

function counterProblems(state: SimState): string[] {
  const problems: string[] = [];
  const max = (values: number[]) => values.reduce((a, b) => Math.max(a, b), 0);
  const floors: Record<string, number> = {
    seq: max([...state.servers, ...state.pairs, ...state.jobs].map((r) => r.seq)),
    event: max(state.events.map((e) => e.seq)),
    schedule: max(state.schedule.map((s) => s.seq)),
    charge: max((state.charges ?? []).map((c) => c.seq)),
  };
  for (const [name, floor] of Object.entries(floors)) {
    if (floor > (state.counters[name] ?? 0)) {
      problems.push(
        `counters.${name} is ${state.counters[name] ?? 'missing'}, below ${floor}, a number already used`,
      );
    }
  }
  const ticked = state.counters.tickedUpToMs;
  const now = state.clock.nowMs;
  if (ticked !== undefined && (ticked > now || ticked <= now - TICK_MS || ticked % TICK_MS !== 0)) {
    problems.push(
      `counters.tickedUpToMs (${ticked}) must be the last quarter hour at or before the clock (${now})`,
    );
  }
  return problems;
}
