/**
 * Shared fixtures for the simulator's behaviour tests (test/sim/*.test.ts): a tenant and a shadow
 * placement, a protected pair in one call, waiting for a job on the virtual clock, reading every
 * page of a list, and the two assertions every test makes — the invariant checkers pass, and a
 * refused call changes nothing at all.
 */
import { afterEach, expect } from 'vitest';
import type { CreateSimulatorOptions, Simulator } from '../../../src/sim/contract.js';
import { DrError } from '../../../src/sim/errors.js';
import { createSimulator } from '../../../src/sim/index.js';
import type {
  ActionRequest,
  CreateServerInput,
  DrPair,
  EventQuery,
  Job,
  RecoveryPoint,
  Server,
  ShadowPlacement,
  SimEvent,
} from '../../../src/sim/types.js';

export const TENANT = 'acme';
/** Start Replication and Test Failover with the settings the billing tests use. */
export const START = { action: 'startReplication' as const, shadowName: 'web-01-dr', intervalHours: 1 };
export const TEST = { action: 'testFailover' as const, testServerName: 'drill-01' };

/** A user action's request: Start Replication and Test Failover with the settings above, any other bare. */
export function requestFor(action: ActionRequest['action']): ActionRequest {
  if (action === 'startReplication') return START;
  if (action === 'testFailover') return TEST;
  return { action } as ActionRequest;
}
export const OTHER_TENANT = 'globex';
export const PLACEMENT: ShadowPlacement = { region: 'HAN01', vpcId: 'vpc-dr', subnetId: 'subnet-dr' };

export const SECOND_MS = 1000;
export const MINUTE_MS = 60 * SECOND_MS;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
/** Replication's tick: a recovery point every 15 minutes. */
export const TICK_MS = 15 * MINUTE_MS;

/** The engine's default start: Monday 2026-01-05 00:00 UTC. */
export const START_ISO = '2026-01-05T00:00:00.000Z';

/** Pair statuses in which the pair's own operation is running. */
export const BUSY_STATUSES: ReadonlySet<string> = new Set([
  'STARTING_REPLICATION',
  'FAILOVER_PROCESSING',
  'CHANGING_RECOVERY_POINT',
  'COMMITTING',
]);
/** Test-failover states in which the test environment's operation is running. */
export const TEST_BUSY_STATES: ReadonlySet<string> = new Set([
  'PROCESSING',
  'CHANGING_RECOVERY_POINT',
  'CLEANING',
]);

export function newSim(options: CreateSimulatorOptions = {}): Simulator {
  return createSimulator({ seed: 1, ...options });
}

/**
 * Registers an afterEach that runs the checkers on every simulator the test opened (through the
 * returned factory) and closes them. Call once per test file, at the top level.
 */
export function checkedSims(): (options?: CreateSimulatorOptions) => Simulator {
  const open: Simulator[] = [];
  afterEach(() => {
    const sims = open.splice(0);
    try {
      for (const sim of sims) expectChecksPass(sim, 'the test');
    } finally {
      for (const sim of sims) sim.close();
    }
  });
  return (options = {}) => {
    const sim = newSim(options);
    open.push(sim);
    return sim;
  };
}

export const nowMs = (sim: Simulator): number => Date.parse(sim.clock().now);
export const stateJson = (sim: Simulator): string => JSON.stringify(sim.exportState());
/** The latest 15-minute boundary at or before now: when the newest periodic point was due. */
export const lastTickIso = (sim: Simulator): string =>
  new Date(Math.floor(nowMs(sim) / TICK_MS) * TICK_MS).toISOString();

/**
 * Runs every invariant checker and fails with the violations, one per line, when any says no.
 * `context` names the call just made, so a failure reads "after failover(rp-…)".
 */
export function expectChecksPass(sim: Simulator, context = ''): void {
  const verdicts = sim.check();
  const failed = verdicts.filter((v) => !v.ok);
  if (failed.length === 0) return;
  const lines = failed.flatMap((v) => [
    `${v.name} (${v.description}):`,
    ...v.violations.map((line) => `  - ${line}`),
  ]);
  throw new Error(
    `invariant checkers failed${context ? ` after ${context}` : ''} (simulator seed=${sim.seed}, clock ${sim.clock().now}):\n${lines.join('\n')}`,
  );
}

/** What `call` threw, or a failure when it returned. */
export function thrown(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw, but it returned');
}

/**
 * Asserts that `call` is refused with a DrError of one of `codes` and that the exported state is
 * byte for byte what it was before (a refused call changes nothing).
 */
export function expectRefused(
  sim: Simulator,
  call: () => unknown,
  codes: string | readonly string[],
): DrError {
  const allowed = typeof codes === 'string' ? [codes] : codes;
  const before = stateJson(sim);
  const error = thrown(call);
  if (!DrError.is(error)) throw error;
  expect(allowed, `refused with ${error.code}: ${error.message}`).toContain(error.code);
  expect(stateJson(sim) === before, `a refused call (${error.code}) changed the exported state`).toBe(true);
  return error;
}

export function createMain(
  sim: Simulator,
  name = 'web-01',
  input: Partial<CreateServerInput> = {},
  tenant = TENANT,
): Server {
  return sim.createServer(tenant, {
    name,
    region: 'HCM01',
    files: { 'etc/app.conf': `name=${name}\n`, 'data/orders.csv': 'id,total\n1,10\n' },
    ...input,
  });
}

export function attachMain(sim: Simulator, mainServerId: string, tenant = TENANT): DrPair {
  return sim.attach(tenant, { mainServerId, shadow: PLACEMENT });
}

/** Advances the clock a step at a time until the job ends; fails if it has not within `maxMs`. */
export function waitForJob(
  sim: Simulator,
  jobId: string,
  {
    tenant = TENANT,
    stepMs = MINUTE_MS,
    maxMs = DAY_MS,
  }: { tenant?: string; stepMs?: number; maxMs?: number } = {},
): Job {
  const deadline = nowMs(sim) + maxMs;
  for (;;) {
    const job = sim.getJob(tenant, jobId);
    if (job.status === 'SUCCEEDED' || job.status === 'FAILED') return job;
    if (nowMs(sim) >= deadline) {
      throw new Error(
        `job ${jobId} (${job.type}) still ${job.status} after ${maxMs} ms: ${JSON.stringify(job.steps)}`,
      );
    }
    sim.advance(stepMs);
  }
}

/** Runs `act` and waits for its job; the job must succeed. */
export function actAndWait(
  sim: Simulator,
  pairId: string,
  request: Parameters<Simulator['act']>[2],
  tenant = TENANT,
): Job {
  const job = sim.act(tenant, pairId, request);
  const done = waitForJob(sim, job.id, { tenant });
  expect(done.status, `${request.action} ended ${done.status}: ${JSON.stringify(done.error)}`).toBe(
    'SUCCEEDED',
  );
  return done;
}

export interface ProtectedPair {
  pair: DrPair;
  mainId: string;
  shadowId: string;
  startJob: Job;
}

/** A main server, attached and replicating (its start job has succeeded), with a first point. */
export function protectedPair(
  sim: Simulator,
  {
    name = 'web-01',
    tenant = TENANT,
    intervalHours = 1,
    files,
  }: { name?: string; tenant?: string; intervalHours?: number; files?: Record<string, string> } = {},
): ProtectedPair {
  const main = createMain(sim, name, files ? { files } : {}, tenant);
  const attached = attachMain(sim, main.id, tenant);
  const startJob = actAndWait(
    sim,
    attached.id,
    { action: 'startReplication', shadowName: `${name}-dr`, intervalHours },
    tenant,
  );
  const pair = sim.getPair(tenant, attached.id);
  expect(pair.status).toBe('REPLICATING');
  return { pair, mainId: main.id, shadowId: pair.shadowServer!.id, startJob };
}

/**
 * Advances to the next full hour and returns the pair's point taken there. With a 1-hour interval
 * that point falls on the interval, so retention keeps it while the tests use it (a point off the
 * interval is deleted when the next one is made, 15 minutes later).
 */
export function pointOnTheHour(sim: Simulator, pairId: string, tenant = TENANT): RecoveryPoint {
  sim.advanceTo(new Date((Math.floor(nowMs(sim) / HOUR_MS) + 1) * HOUR_MS).toISOString());
  const newest = pointsOf(sim, pairId, tenant)[0];
  expect(newest?.createdAt, 'a point on the hour').toBe(sim.clock().now);
  return newest!;
}

/** Every page of a cursor-paged list. */
export function allPages<T>(
  read: (page: { limit: number; cursor: string | null }) => { items: T[]; nextCursor: string | null },
): T[] {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const page = read({ limit: 500, cursor });
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return items;
}

/** The pair's recovery points, newest first (as listRecoveryPoints gives them). */
export function pointsOf(sim: Simulator, pairId: string, tenant = TENANT): RecoveryPoint[] {
  return allPages((page) => sim.listRecoveryPoints(tenant, pairId, page));
}

export function allEvents(sim: Simulator, query: EventQuery & { tenant?: string } = {}): SimEvent[] {
  return allPages((page) => sim.events({ ...query, ...page }));
}

export function historyOf(sim: Simulator, pairId: string, tenant = TENANT): SimEvent[] {
  return allPages((page) => sim.history(tenant, pairId, page));
}
