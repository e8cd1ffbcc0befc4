/**
 * Shared helpers for the checker tests: a real simulator run through a rich lifecycle (so the
 * checkers are proved against what the engine actually emits, not a hand-written history), and
 * small tools to tamper with a copy of its exported state and see which checkers object.
 */
import { CHECKERS } from '../../../src/sim/checkers/index.js';
import {
  createSimulator,
  type SimEvent,
  type SimState,
  type Simulator,
  type StoredJob,
} from '../../../src/sim/index.js';

export const TENANT = 'acme';
const PLACEMENT = { region: 'han', vpcId: 'vpc-1', subnetId: 'subnet-1' };

/** Advances a minute at a time until the job has ended (clock progression), so runs stay exact. */
export function settle(sim: Simulator, jobId: string): StoredJob['status'] {
  for (let minute = 0; minute < 240; minute++) {
    const status = sim.getJob(TENANT, jobId).status;
    if (status !== 'RUNNING' && status !== 'QUEUED') return status;
    sim.advance('1m');
  }
  throw new Error(`job ${jobId} still running after 4 simulated hours`);
}

/** The pair's recovery point created at `time` (an ISO instant). */
export function pointAt(sim: Simulator, pairId: string, time: string): string {
  const point = sim
    .listRecoveryPoints(TENANT, pairId, { limit: 200 })
    .items.find((p) => p.createdAt === time);
  if (!point) throw new Error(`pair ${pairId} has no recovery point at ${time}`);
  return point.id;
}

function act(sim: Simulator, pairId: string, request: Parameters<Simulator['act']>[2]): string {
  return sim.act(TENANT, pairId, request).id;
}

export interface Lifecycle {
  sim: Simulator;
  /** A: test failover, stop/resume, failed failover, failed change, failed commit, commit deleting points. */
  a: string;
  /** B: restart, then detach. */
  b: string;
  /** C: failover and commit keeping its points; its new primary is then protected by E. */
  c: string;
  /** D: still replicating at the end. */
  d: string;
  /** E: protects C's committed shadow, replicating. */
  e: string;
  jobs: {
    testFailover: string;
    changeTestPoint: string;
    cleanTest: string;
    stop: string;
    resume: string;
    failedFailover: string;
    failover: string;
    failedChange: string;
    change: string;
    failedCommit: string;
    commit: string;
    restart: string;
    detach: string;
    commitC: string;
  };
}

/**
 * Drives four pairs from attach to their ends; every step of the documented lifecycle and each
 * failure branch (failover, change of point, commit) happens at least once. Test failover names
 * interval points only, which retention keeps while the test job runs.
 */
export function buildLifecycle(seed = 1): Lifecycle {
  const sim = createSimulator({ seed });
  const server = (name: string, files: Record<string, string>) =>
    sim.createServer(TENANT, { name, region: 'hcm', files }).id;
  const attach = (mainServerId: string) => sim.attach(TENANT, { mainServerId, shadow: PLACEMENT }).id;
  const start = (pairId: string) =>
    act(sim, pairId, { action: 'startReplication', shadowName: `${pairId}-shadow`, intervalHours: 1 });

  const mainA = server('app-a', { 'etc/app.conf': 'port=80', 'data/db.txt': 'rows=1' });
  const mainB = server('app-b', { 'data/b.txt': 'b' });
  const mainC = server('app-c', { 'data/c.txt': 'c1' });
  const mainD = server('app-d', { 'data/d.txt': 'd' });
  const [a, b, c, d] = [mainA, mainB, mainC, mainD].map(attach) as [string, string, string, string];
  for (const pair of [a, b, c, d]) settle(sim, start(pair));
  sim.advanceTo('2026-01-05T01:00:00.000Z');
  sim.writeFile(TENANT, mainA, 'data/db.txt', 'rows=2');
  sim.writeFile(TENANT, mainA, 'data/new.txt', 'added after the first hour');
  sim.writeFile(TENANT, mainC, 'data/c.txt', 'c2');
  sim.advanceTo('2026-01-05T02:05:00.000Z');

  // A: a test environment beside replication.
  const first = pointAt(sim, a, '2026-01-05T01:00:00.000Z');
  const second = pointAt(sim, a, '2026-01-05T02:00:00.000Z');
  const testFailover = act(sim, a, {
    action: 'testFailover',
    testServerName: 'test-a',
    recoveryPointId: first,
  });
  settle(sim, testFailover);
  const changeTestPoint = act(sim, a, { action: 'changeTestRecoveryPoint', recoveryPointId: second });
  settle(sim, changeTestPoint);
  const cleanTest = act(sim, a, { action: 'cleanTestEnvironment' });
  settle(sim, cleanTest);

  // B: restart deletes its points; detach deletes the new ones.
  const restart = act(sim, b, { action: 'restartReplication' });
  settle(sim, restart);

  // A: stop and resume.
  const stop = act(sim, a, { action: 'stopReplication' });
  sim.advance('30m');
  const resume = act(sim, a, { action: 'resumeReplication' });
  sim.advanceTo('2026-01-05T04:00:00.000Z');
  const detach = act(sim, b, { action: 'detach' });

  // A: a failed failover, then one that succeeds; a failed change, then one that succeeds.
  const fail = (target: 'failover' | 'changeRecoveryPoint' | 'commitFailover') =>
    sim.addFault({
      target,
      selector: { pairId: a },
      trigger: { times: 1 },
      effect: { kind: 'fail', code: 'INJECTED_FAULT' },
    });
  const latest = pointAt(sim, a, '2026-01-05T04:00:00.000Z');
  fail('failover');
  const failedFailover = act(sim, a, { action: 'failover', recoveryPointId: latest });
  settle(sim, failedFailover);
  const failover = act(sim, a, { action: 'failover', recoveryPointId: latest });
  settle(sim, failover);
  fail('changeRecoveryPoint');
  const failedChange = act(sim, a, { action: 'changeRecoveryPoint', recoveryPointId: first });
  settle(sim, failedChange);
  const change = act(sim, a, { action: 'changeRecoveryPoint', recoveryPointId: first });
  settle(sim, change);
  fail('commitFailover');
  const failedCommit = act(sim, a, { action: 'commitFailover', deleteAllRecoveryPoints: true });
  settle(sim, failedCommit);
  const commit = act(sim, a, { action: 'commitFailover', deleteAllRecoveryPoints: true });
  settle(sim, commit);

  // C: fail over to its first point, commit keeping the points, protect the new primary.
  const failoverC = act(sim, c, {
    action: 'failover',
    recoveryPointId: pointAt(sim, c, '2026-01-05T01:00:00.000Z'),
  });
  settle(sim, failoverC);
  const commitC = act(sim, c, { action: 'commitFailover', deleteAllRecoveryPoints: false });
  settle(sim, commitC);
  const primary = sim.getPair(TENANT, c).shadowServer!.id;
  const e = attach(primary);
  settle(sim, start(e));

  sim.advance('2h');
  return {
    sim,
    a,
    b,
    c,
    d,
    e,
    jobs: {
      testFailover,
      changeTestPoint,
      cleanTest,
      stop,
      resume,
      failedFailover,
      failover,
      failedChange,
      change,
      failedCommit,
      commit,
      restart,
      detach,
      commitC,
    },
  };
}

let cached: { life: Lifecycle; state: SimState } | null = null;

/** The lifecycle run once per test file, and its exported state (handed out only as copies). */
export function lifecycle(): { life: Lifecycle; state: () => SimState } {
  if (!cached) {
    const life = buildLifecycle();
    cached = { life, state: life.sim.exportState() };
  }
  const { life, state } = cached;
  return { life, state: () => structuredClone(state) };
}

/** A copy of the lifecycle's state, changed by `edit`. */
export function tampered(edit: (state: SimState, life: Lifecycle) => void): SimState {
  const { life, state } = lifecycle();
  const copy = state();
  edit(copy, life);
  return copy;
}

/** The names of the checkers that report a violation, in registry order. */
export function failing(state: SimState): string[] {
  return CHECKERS.filter((c) => c.check(state).length > 0).map((c) => c.name);
}

export function violationsOf(state: SimState, name: string): string[] {
  const checker = CHECKERS.find((c) => c.name === name);
  if (!checker) throw new Error(`no checker named ${name}`);
  return checker.check(state);
}

// ----- finding and editing events -----

export function findEvent(state: SimState, test: (event: SimEvent) => boolean, what = 'an event'): SimEvent {
  const event = state.events.find(test);
  if (!event) throw new Error(`no ${what} in the state`);
  return event;
}

/** The transition that carries `jobId` and goes `to` (any status when omitted). */
export function transitionOfJob(state: SimState, jobId: string, to?: string): SimEvent {
  return findEvent(
    state,
    (e) => e.kind === 'pair.transition' && e.data.jobId === jobId && (to === undefined || e.data.to === to),
    `transition of ${jobId}${to ? ` to ${to}` : ''}`,
  );
}

export function jobEvent(state: SimState, jobId: string, kind: 'job.created' | 'job.ended'): SimEvent {
  return findEvent(state, (e) => e.kind === kind && e.data.jobId === jobId, `${kind} of ${jobId}`);
}

export function storedJob(state: SimState, jobId: string): StoredJob {
  const job = state.jobs.find((j) => j.id === jobId);
  if (!job) throw new Error(`no job ${jobId}`);
  return job;
}

/** Numbers the events 1, 2, 3... in array order, as the engine would have. */
function renumber(state: SimState): void {
  state.events.forEach((event, index) => {
    event.seq = index + 1;
  });
}

/** Inserts an event right after `after` (same time, tenant and pair unless given). */
export function insertAfter(
  state: SimState,
  after: SimEvent,
  event: Pick<SimEvent, 'kind' | 'data'> & Partial<SimEvent>,
): SimEvent {
  const index = state.events.indexOf(after);
  if (index === -1) throw new Error('insertAfter: the anchor is not an event of this state');
  const inserted: SimEvent = { seq: 0, at: after.at, tenant: after.tenant, pairId: after.pairId, ...event };
  state.events.splice(index + 1, 0, inserted);
  renumber(state);
  return inserted;
}

/** Moves `event` to just after `after`, keeping its own time. */
export function moveAfter(state: SimState, event: SimEvent, after: SimEvent): void {
  state.events.splice(state.events.indexOf(event), 1);
  state.events.splice(state.events.indexOf(after) + 1, 0, event);
  renumber(state);
}

export function removeEvent(state: SimState, event: SimEvent): void {
  state.events.splice(state.events.indexOf(event), 1);
  renumber(state);
}
