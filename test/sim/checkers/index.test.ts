/**
 * The checker registry over real runs: every checker is registered once, all of them pass on
 * untampered simulations (a scripted lifecycle under several seeds and seeded random walks with
 * faults and outages), and a history of tens of thousands of events is checked quickly.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { UserAction } from '../../../src/machine/index.js';
import { CHECKERS, runCheckers } from '../../../src/sim/checkers/index.js';
import { type ActionRequest, createSimulator, type Simulator } from '../../../src/sim/index.js';
import { buildLifecycle, lifecycle, TENANT } from './helpers.js';

const NAMES = [
  'I1-points-only-while-replicating',
  'I2-commit-only-after-failover',
  'I3-points-named-were-available',
  'I4-final-states-are-final',
  'I5-one-operation-at-a-time',
  'I6-failed-failover-never-failed-over',
  'I7-failed-change-keeps-point',
  'I8-stop-resume-restart',
  'data-fidelity',
  'no-points-after-replication-left',
  'committed-single-primary',
  'jobs-end-properly',
  'no-point-lost',
];

const broken = (sim: Simulator) => sim.check().filter((v) => !v.ok);

describe('the checker registry', () => {
  it('holds each checker once, each with a one-line description', () => {
    expect(CHECKERS.map((c) => c.name)).toEqual(NAMES);
    for (const checker of CHECKERS) expect(checker.description).toMatch(/^[^\n]{10,140}$/);
  });

  it('gives one verdict per checker through runCheckers and sim.check()', () => {
    const { life, state } = lifecycle();
    expect(runCheckers(state()).map((v) => [v.name, v.ok])).toEqual(NAMES.map((n) => [n, true]));
    expect(life.sim.check()).toEqual(runCheckers(life.sim.exportState()));
  });

  it('leaves the state it reads untouched', () => {
    const s = lifecycle().state();
    const before = structuredClone(s);
    runCheckers(s);
    expect(s).toEqual(before);
  });
});

describe('real runs pass every checker', () => {
  it.each([1, 2, 42, 1234])('the scripted lifecycle with seed %i', (seed) => {
    expect(broken(buildLifecycle(seed).sim)).toEqual([]);
  });

  it('a main server outage, failover from the error, and a shadow started by hand then restarted', () => {
    const sim = createSimulator({ seed: 9 });
    const shadow = { region: 'han', vpcId: 'v', subnetId: 's' };
    const m1 = sim.createServer(TENANT, { name: 'one', region: 'hcm', files: { f: '1' } }).id;
    const m2 = sim.createServer(TENANT, { name: 'two', region: 'hcm', files: { g: '2' } }).id;
    const p1 = sim.attach(TENANT, { mainServerId: m1, shadow }).id;
    const p2 = sim.attach(TENANT, { mainServerId: m2, shadow }).id;
    for (const p of [p1, p2])
      sim.act(TENANT, p, { action: 'startReplication', shadowName: `${p}-s`, intervalHours: 2 });
    sim.setWorkload(TENANT, m1, 2);
    sim.advance('3h');
    sim.failServer(TENANT, m1);
    sim.startServer(TENANT, sim.getPair(TENANT, p2).shadowServer!.id);
    sim.advance('1h');
    expect([sim.getPair(TENANT, p1).status, sim.getPair(TENANT, p2).status]).toEqual([
      'REPLICATION_ERROR',
      'REPLICATION_ERROR',
    ]);
    const point = sim.listRecoveryPoints(TENANT, p1).items[0]!.id;
    sim.act(TENANT, p1, { action: 'failover', recoveryPointId: point });
    sim.stopServer(TENANT, sim.getPair(TENANT, p2).shadowServer!.id);
    sim.act(TENANT, p2, { action: 'restartReplication' });
    sim.advance('2h');
    sim.act(TENANT, p1, { action: 'commitFailover', deleteAllRecoveryPoints: false });
    sim.advance('1d');
    expect([sim.getPair(TENANT, p1).status, sim.getPair(TENANT, p2).status]).toEqual([
      'COMMITTED',
      'REPLICATING',
    ]);
    expect(broken(sim)).toEqual([]);
  });

  it('seeded random walks of actions, faults, outages and writes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.array(fc.nat(), { minLength: 30, maxLength: 60 }),
        (seed, choices) => {
          const { sim, log } = randomWalk(seed, choices);
          const verdicts = broken(sim);
          if (verdicts.length > 0)
            throw new Error(`${JSON.stringify(verdicts, null, 1)}\nafter:\n${log.join('\n')}`);
        },
      ),
      { numRuns: 12 },
    );
  });

  it('checks a history of tens of thousands of events quickly', () => {
    const sim = createSimulator({ seed: 5 });
    for (let i = 0; i < 12; i++) {
      const main = sim.createServer(TENANT, { name: `m${i}`, region: 'hcm', files: { a: String(i) } }).id;
      const pair = sim.attach(TENANT, {
        mainServerId: main,
        shadow: { region: 'han', vpcId: 'v', subnetId: 's' },
      }).id;
      sim.act(TENANT, pair, { action: 'startReplication', shadowName: `s${i}`, intervalHours: 1 + (i % 4) });
      sim.setWorkload(TENANT, main, 0.2);
    }
    sim.advance('10d');
    const state = sim.exportState();
    expect(state.events.length).toBeGreaterThan(20_000);
    runCheckers(state);
    const started = performance.now();
    const verdicts = runCheckers(state);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(verdicts.filter((v) => !v.ok)).toEqual([]);
  });
});

/**
 * Plays `choices` as a sequence of user moves on three pairs. It steers around three engine bugs
 * found while writing these checkers (reported separately; not checker findings):
 * - a test job naming a point that retention deletes while the job runs wedges the simulator
 *   (RECOVERY_POINT_NOT_FOUND thrown from `advance`), so test jobs name only interval points
 *   that are not among the two oldest;
 * - failover and change of point record result.dataVersion at the job's end, not after the
 *   restore, so no writes go to a shadow while one of those jobs runs (data-fidelity.test.ts
 *   pins this);
 * - restartReplication after a start that failed before the shadow existed throws from
 *   `advance` ('create shadow' has no shadowName), so restart is asked only when a shadow exists.
 */
function randomWalk(seed: number, choices: number[]): { sim: Simulator; log: string[] } {
  const sim = createSimulator({ seed, ...(seed % 2 === 0 && { progression: { default: 'immediate' } }) });
  const log: string[] = [`seed ${seed}`];
  let cursor = 0;
  const next = (n: number) => (choices[cursor++ % choices.length]! + cursor) % n;
  const pick = <T>(items: readonly T[]): T => items[next(items.length)]!;
  const mains = [0, 1, 2].map(
    (i) =>
      sim.createServer(TENANT, {
        name: `main-${i}`,
        region: 'hcm',
        files: { 'a.txt': `a${i}`, 'd/b.txt': `b${i}` },
      }).id,
  );
  const pairs = mains.map(
    (id) => sim.attach(TENANT, { mainServerId: id, shadow: { region: 'han', vpcId: 'v', subnetId: 's' } }).id,
  );
  sim.setWorkload(TENANT, mains[0]!, 0.5);
  for (let step = 0; step < choices.length; step++) {
    const pairId = pick(pairs);
    const pair = sim.getPair(TENANT, pairId);
    const move = next(20);
    let advancing = false;
    try {
      if (move < 7) {
        const duration = pick(['10s', '1m', '3m', '10m', '30m', '2h', '7h']);
        log.push(`advance ${duration}`);
        advancing = true;
        sim.advance(duration);
      } else if (move < 9) {
        log.push(`write ${pairId}`);
        const main = sim.getServer(TENANT, pair.mainServer.id);
        if (main.powerState === 'RUNNING')
          sim.writeFile(TENANT, main.id, pick(['a.txt', 'c.txt', 'd/b.txt']), `v${step}`);
        const shadow = pair.shadowServer && sim.getServer(TENANT, pair.shadowServer.id);
        const restoring = pair.status === 'FAILOVER_PROCESSING' || pair.status === 'CHANGING_RECOVERY_POINT';
        if (shadow?.powerState === 'RUNNING' && !restoring)
          sim.writeFile(TENANT, shadow.id, 'a.txt', `shadow ${step}`);
      } else if (move < 10) {
        const target = pick([
          'failover',
          'changeRecoveryPoint',
          'commitFailover',
          'testFailover',
          'startReplication',
          'replication',
        ] as const);
        sim.addFault({
          target,
          selector: { pairId },
          trigger: { times: 1 },
          effect: { kind: 'fail', code: 'INJECTED_FAULT' },
        });
        log.push(`fault fail ${target} ${pairId}`);
      } else if (move < 11) {
        const hung = sim.listFaults().filter((f) => f.effect.kind === 'hang');
        if (hung.length > 0) sim.removeFault(pick(hung).id);
        else
          sim.addFault({
            target: pick(['failover', 'testFailover'] as const),
            trigger: { times: 1 },
            effect: { kind: 'hang' },
          });
        log.push(`hang toggle ${pairId}`);
      } else if (move < 12) {
        const main = sim.getServer(TENANT, pair.mainServer.id);
        if (main.powerState === 'DOWN') sim.recoverServer(TENANT, main.id);
        else sim.failServer(TENANT, main.id);
        log.push(`outage toggle ${main.id}`);
      } else {
        const action = pick(pair.allowedActions);
        if (action === undefined || (action === 'restartReplication' && !pair.shadowServer)) continue;
        const points = sim.listRecoveryPoints(TENANT, pairId, { limit: 100 }).items;
        const safe = points.filter((p, i) => p.tags.includes('interval') && i < points.length - 2);
        const named = (action === 'testFailover' || action === 'changeTestRecoveryPoint' ? safe : points).map(
          (p) => p.id,
        );
        const point = named.length > 0 ? pick(named) : 'rp-none';
        const requests: Record<UserAction, ActionRequest> = {
          startReplication: {
            action: 'startReplication',
            shadowName: 'shadow',
            intervalHours: pick([1, 2, 4]),
          },
          stopReplication: { action: 'stopReplication' },
          resumeReplication: { action: 'resumeReplication' },
          restartReplication: { action: 'restartReplication' },
          testFailover: { action: 'testFailover', testServerName: 'test-server', recoveryPointId: point },
          changeTestRecoveryPoint: { action: 'changeTestRecoveryPoint', recoveryPointId: point },
          cleanTestEnvironment: { action: 'cleanTestEnvironment' },
          failover: { action: 'failover', recoveryPointId: point },
          changeRecoveryPoint: { action: 'changeRecoveryPoint', recoveryPointId: point },
          commitFailover: { action: 'commitFailover', deleteAllRecoveryPoints: next(2) === 0 },
          detach: { action: 'detach' },
        };
        log.push(`act ${pairId} ${JSON.stringify(requests[action])}`);
        sim.act(TENANT, pairId, requests[action]);
      }
    } catch (error) {
      // Refusals (a point missing, an action no longer allowed) are part of the walk; a crash of
      // `advance` is not, and surfaces here with the walk's log.
      if (advancing) throw new Error(`advance threw ${String(error)}\n${log.join('\n')}`);
      log.push(`refused: ${(error as { code?: string }).code}`);
    }
  }
  sim.advance('2d');
  return { sim, log };
}
