/**
 * Persistence: a simulator on a database file resumes exactly where it stopped. Closing and
 * reopening gives the same exported state, and jobs in flight (scheduled steps, a job held by a
 * hang rule, manual progression) go on after the reopen exactly as they do in a twin that was
 * never interrupted. Export → import round-trips exactly; named snapshots save and restore the
 * whole state (and survive a reopen); resetTenant removes one tenant and nothing else.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SimState, Simulator } from '../../src/sim/contract.js';
import { createSimulator } from '../../src/sim/index.js';
import {
  attachMain,
  checkedSims,
  createMain,
  expectChecksPass,
  expectRefused,
  OTHER_TENANT,
  pointOnTheHour,
  pointsOf,
  stateJson,
  TENANT,
  thrown,
} from './support/world.js';

const dir = mkdtempSync(join(tmpdir(), 'drsim-persistence-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const dbFile = () => join(dir, `sim-${++files}.db`);

const makeSim = checkedSims();

/**
 * The same calls on any simulator: two pairs, a failover in flight, a start in flight held by a
 * hang rule, manual progression for commits, a probability fault, workload. Returns the ids the
 * continuation needs.
 */
function build(sim: Simulator) {
  const a = createMain(sim, 'web-01');
  const b = createMain(sim, 'db-01');
  sim.setWorkload(TENANT, a.id, 1.2);
  const pa = attachMain(sim, a.id);
  const pb = attachMain(sim, b.id);
  sim.setProgression('commitFailover', 'manual');
  sim.addFault({ target: 'replication', trigger: { probability: 0.2 }, effect: { kind: 'stall' } });
  sim.act(TENANT, pa.id, { action: 'startReplication', shadowName: 'web-01-dr', intervalHours: 1 });
  sim.advance('3h');
  const hang = sim.addFault({
    target: 'startReplication',
    selector: { pairId: pb.id, step: 'full copy' },
    effect: { kind: 'hang' },
  });
  sim.act(TENANT, pb.id, { action: 'startReplication', shadowName: 'db-01-dr', intervalHours: 2 });
  const point = pointOnTheHour(sim, pa.id);
  sim.advance('7m');
  const failover = sim.act(TENANT, pa.id, { action: 'failover', recoveryPointId: point.id });
  sim.advance('2m30s'); // mid-way through the failover's steps
  return { pa: pa.id, pb: pb.id, hang: hang.id, failover: failover.id };
}

type Ids = ReturnType<typeof build>;

/** The continuation, in stages; between stages the file simulator is closed and reopened. */
const STAGES: ((sim: Simulator, ids: Ids) => void)[] = [
  (sim) => sim.advance('11m'),
  (sim, ids) => {
    sim.advance('2h');
    sim.removeFault(ids.hang);
  },
  (sim, ids) => {
    sim.advance('45m');
    const commit = sim.act(TENANT, ids.pa, { action: 'commitFailover', deleteAllRecoveryPoints: false });
    sim.stepJob(TENANT, commit.id);
    sim.advance('1h');
  },
  (sim) => {
    // Manual progression: steps move the commit on, one each, across the reopen.
    const job = sim.exportState().jobs.find((j) => j.type === 'commitFailover' && j.status === 'RUNNING');
    if (job) for (let i = 0; i < 2; i++) sim.stepJob(TENANT, job.id);
  },
  (sim) => {
    const job = sim.exportState().jobs.find((j) => j.type === 'commitFailover' && j.status === 'RUNNING');
    if (job) sim.stepJob(TENANT, job.id);
    sim.advance('1d');
  },
];

describe('restart and resume on a database file', () => {
  it('reopening gives the same state, and work in flight continues exactly as in an uninterrupted twin', () => {
    const file = dbFile();
    let sim = createSimulator({ db: file, seed: 77 });
    const twin = makeSim({ seed: 77 });
    const ids = build(sim);
    expect(build(twin)).toEqual(ids);
    expect(stateJson(sim) === stateJson(twin), 'file and memory simulators differ before any restart').toBe(
      true,
    );
    // Work is in flight: scheduled steps, a job held by the hang rule.
    const inFlight = sim.exportState();
    expect(inFlight.schedule.length).toBeGreaterThan(0);
    expect(
      inFlight.jobs
        .filter((j) => j.status === 'RUNNING')
        .map((j) => j.type)
        .sort(),
    ).toEqual(['failover', 'startReplication']);
    expect(inFlight.jobs.some((j) => j.hungBy === ids.hang)).toBe(true);

    for (const [index, stage] of STAGES.entries()) {
      const before = stateJson(sim);
      sim.close();
      // The saved seed wins over the option: a file resumes its own history.
      sim = createSimulator({ db: file, seed: 1 });
      expect(sim.seed).toBe(77);
      expect(stateJson(sim) === before, `state changed across the reopen before stage ${index}`).toBe(true);
      expect(sim.progression()).toMatchObject({ commitFailover: 'manual' });
      stage(sim, ids);
      stage(twin, ids);
      expect(stateJson(sim) === stateJson(twin), `file and twin differ after stage ${index}`).toBe(true);
      expectChecksPass(sim, `stage ${index}`);
    }
    const end = sim.exportState();
    expect(end.jobs.find((j) => j.id === ids.failover)?.status).toBe('SUCCEEDED');
    expect(end.pairs.find((p) => p.id === ids.pb)?.status).toBe('REPLICATING');
    expect(end.pairs.find((p) => p.id === ids.pa)?.status).toBe('COMMITTED');
    sim.close();
  });

  it('a reopened file keeps the clock, the settings and the fault rules', () => {
    const file = dbFile();
    const sim = createSimulator({
      db: file,
      seed: 3,
      startTime: '2026-03-01T10:00:00.000Z',
      timeZone: 'Asia/Ho_Chi_Minh',
    });
    sim.advance('90m');
    sim.setProgression('default', 'immediate');
    const rule = sim.addFault({
      target: 'failover',
      trigger: { times: 2 },
      effect: { kind: 'delay', duration: '5m' },
    });
    sim.close();
    const again = createSimulator({ db: file, startTime: '2030-01-01T00:00:00.000Z' });
    try {
      expect(again.clock().now).toBe('2026-03-01T11:30:00.000Z');
      expect(again.progression().default).toBe('immediate');
      expect(again.listFaults()).toEqual([rule]);
      expect(again.exportState().settings.timeZone).toBe('Asia/Ho_Chi_Minh');
    } finally {
      again.close();
    }
  });
});

describe('export and import', () => {
  it('round-trips exactly, and the imported simulator continues like the original', () => {
    const original = makeSim({ seed: 31 });
    const ids = build(original);
    const state = original.exportState();
    const copy = makeSim({ seed: 999 });
    createMain(copy, 'to-be-replaced');
    copy.importState(structuredClone(state));
    expect(JSON.stringify(copy.exportState()) === JSON.stringify(state), 'import then export differs').toBe(
      true,
    );
    expect(copy.seed).toBe(31);
    for (const stage of STAGES) {
      stage(original, ids);
      stage(copy, ids);
    }
    expect(stateJson(copy) === stateJson(original), 'the copy diverged').toBe(true);
  });

  it('survives JSON text and a database file', () => {
    const original = makeSim({ seed: 32 });
    build(original);
    const text = JSON.stringify(original.exportState());
    const file = dbFile();
    const onFile = createSimulator({ db: file });
    onFile.importState(JSON.parse(text) as SimState);
    onFile.close();
    const reopened = createSimulator({ db: file });
    try {
      expect(stateJson(reopened) === text).toBe(true);
    } finally {
      reopened.close();
    }
  });

  it('refuses a document that is not an export (VALIDATION_FAILED) and changes nothing', () => {
    const sim = makeSim();
    build(sim);
    expectRefused(
      sim,
      () => sim.importState({ format: 'something-else' } as unknown as SimState),
      'VALIDATION_FAILED',
    );
    expectRefused(
      sim,
      () => sim.importState({ ...sim.exportState(), version: 2 } as unknown as SimState),
      'VALIDATION_FAILED',
    );
  });
});

describe('named snapshots', () => {
  it('save and restore the whole state; they are kept across a reopen and are not part of the export', () => {
    const file = dbFile();
    let sim = createSimulator({ db: file, seed: 41 });
    const twin = makeSim({ seed: 41 });
    const ids = build(sim);
    build(twin);
    sim.saveSnapshot('mid-failover');
    const saved = stateJson(sim);
    expect(saved).not.toContain('mid-failover');
    expect(sim.listSnapshots()).toEqual([{ name: 'mid-failover', createdAt: sim.clock().now }]);

    // A diversion: more time, a detach, a reset of another tenant.
    sim.removeFault(ids.hang);
    sim.advance('2d');
    sim.act(TENANT, ids.pb, { action: 'stopReplication' });
    expect(stateJson(sim)).not.toBe(saved);
    sim.saveSnapshot('after');
    sim.close();
    sim = createSimulator({ db: file });
    expect(sim.listSnapshots().map((s) => s.name)).toEqual(['after', 'mid-failover']);

    sim.restoreSnapshot('mid-failover');
    expect(stateJson(sim) === saved, 'restore gave another state').toBe(true);
    // From the restored state, the history goes on as in the twin.
    for (const stage of STAGES) {
      stage(sim, ids);
      stage(twin, ids);
    }
    expect(stateJson(sim) === stateJson(twin)).toBe(true);
    expectChecksPass(sim, 'the restored run');

    expectRefused(sim, () => sim.restoreSnapshot('nope'), 'SNAPSHOT_NOT_FOUND');
    expectRefused(sim, () => sim.saveSnapshot('bad name/with slash'), 'VALIDATION_FAILED');
    sim.close();
  });
});

describe('resetTenant', () => {
  /** Everything in the state that belongs to `tenant`. */
  function partOf(state: SimState, tenant: string) {
    const servers = new Set(state.servers.filter((s) => s.tenant === tenant).map((s) => s.id));
    const jobs = new Set(state.jobs.filter((j) => j.tenant === tenant).map((j) => j.id));
    return {
      servers: state.servers.filter((s) => s.tenant === tenant),
      files: state.files.filter((f) => servers.has(f.serverId)),
      pairs: state.pairs.filter((p) => p.tenant === tenant),
      recoveryPoints: state.recoveryPoints.filter((p) => p.tenant === tenant),
      jobs: state.jobs.filter((j) => j.tenant === tenant),
      faults: state.faults.filter((f) => f.tenant === tenant),
      events: state.events.filter((e) => e.tenant === tenant),
      schedule: state.schedule.filter((s) => jobs.has(String(s.payload.jobId))),
      idempotency: state.idempotency.filter((i) => i.tenant === tenant),
    };
  }

  it("removes everything of that tenant (jobs in flight, rules, events) and nothing of another's", () => {
    const sim = makeSim({ seed: 51 });
    build(sim);
    // Another tenant with its own pair, job in flight, rule and idempotency key; plus a global rule.
    const theirs = attachMain(sim, createMain(sim, 'other-01', {}, OTHER_TENANT).id, OTHER_TENANT);
    sim.act(
      OTHER_TENANT,
      theirs.id,
      { action: 'startReplication', shadowName: 'o-dr', intervalHours: 3 },
      { idempotencyKey: 'k' },
    );
    sim.addFault({ target: 'failover', tenant: OTHER_TENANT, effect: { kind: 'fail' } });
    const global = sim.addFault({ target: 'detach', effect: { kind: 'fail' } });
    const mine = sim.addFault({ target: 'detach', tenant: TENANT, effect: { kind: 'fail' } });
    const third = attachMain(sim, createMain(sim, 'app-01').id);
    sim.act(
      TENANT,
      third.id,
      { action: 'startReplication', shadowName: 'a-dr', intervalHours: 1 },
      { idempotencyKey: 'k' },
    );

    const before = sim.exportState();
    expect(partOf(before, TENANT).schedule.length).toBeGreaterThan(0);
    expect(partOf(before, OTHER_TENANT).schedule.length).toBeGreaterThan(0);
    sim.resetTenant(TENANT);
    const after = sim.exportState();
    const gone = partOf(after, TENANT);
    for (const [table, rows] of Object.entries(gone)) expect(rows, table).toEqual([]);
    expect(partOf(after, OTHER_TENANT)).toEqual(partOf(before, OTHER_TENANT));
    expect(after.faults.map((f) => f.id)).toContain(global.id);
    expect(after.faults.map((f) => f.id)).not.toContain(mine.id);
    expect(sim.listPairs(TENANT).items).toEqual([]);
    expect(sim.listServers(TENANT).items).toEqual([]);
    expect(after.clock).toEqual(before.clock);

    // The other tenant goes on; the reset tenant can start afresh.
    sim.advance('1d');
    expect(sim.getPair(OTHER_TENANT, theirs.id).status).toBe('REPLICATING');
    expect(pointsOf(sim, theirs.id, OTHER_TENANT).length).toBeGreaterThan(0);
    expect((thrown(() => sim.getPair(TENANT, theirs.id)) as { code: string }).code).toBe('PAIR_NOT_FOUND');
    const fresh = attachMain(sim, createMain(sim, 'web-01').id);
    expect(fresh.status).toBe('ATTACHED');
  });
});
