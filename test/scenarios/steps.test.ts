/**
 * Every step kind at work on an in-process simulator, how each reports a failure (the step,
 * its line, expected and found, the last events, the command that replays it), and the
 * references resolved at the moment a step runs.
 */
import { describe, expect, it } from 'vitest';
import { STEP_KINDS } from '../../src/scenarios/schema/steps.js';
import { runSetup } from '../../src/scenarios/setup.js';
import { World } from '../../src/scenarios/world.js';
import { asyncSimulator } from '../../src/sim/contract.js';
import { createSimulator } from '../../src/sim/index.js';
import { ONE_PAIR, run, scenario, withSteps } from './helpers.js';

const EVERY_KIND = `
name: every step kind
seed: 3
setup:
  servers:
    - name: web-1
      files: { app/config.txt: 'v1' }
      workload: 2
    - name: db-1
      files: { db/rows.txt: '1' }
      expiresIn: 30d
  pairs:
    - name: web
      main: web-1
      replicate: { intervalHours: 1 }
  advance: 2h
steps:
  - attach: { server: db-1, name: db }
  - startReplication: { pair: db, intervalHours: 2 }
    as: db-start
  - waitForStatus: { pair: db, status: REPLICATING, timeout: 1h }
  - changeSettings: { pair: db, intervalHours: 2 }
  - expectJob: { job: db-start, type: startReplication, status: SUCCEEDED, errorCode: null }
  - stopReplication: db
  - resumeReplication: db
  - restartReplication: db
  - waitForJob: previous
  - httpRetry: true
  - addHttpChaos: { method: PUT, path: /v1/servers/**, effect: { kind: latency, duration: 10ms }, times: 1 }
    as: slow
  - removeHttpChaos: slow
  - setWorkload: { server: db-1, writesPerMinute: 1 }
  - writeFile: { server: web-1, path: app/new.txt, content: 'hello' }
  - advance: 15m
  - stopReplication: web
  - remember: { pair: web, name: with-new-file, recoveryPoint: latest }
  - testFailover: { pair: web, recoveryPoint: with-new-file }
  - waitForJob: previous
  - changeTestRecoveryPoint: { pair: web, recoveryPoint: previous }
  - waitForJob: previous
  - cleanTestEnvironment: web
  - waitForJob: previous
  - addFault: { target: failover, effect: { kind: hang } }
    as: hang
  - failover: { pair: web, recoveryPoint: with-new-file }
    as: failover
  - advance: 1h
  - expectJob: { job: failover, status: RUNNING }
  - expectFaultFired: { fault: hang, times: 1 }
  - removeFault: hang
  - waitForJob: failover
  - expectData: { pair: web, recoveryPoint: with-new-file }
  - expectServer: { server: shadow of web, powerState: RUNNING, role: SHADOW }
  - changeRecoveryPoint: { pair: web, recoveryPoint: oldest }
  - waitForJob: previous
  - commitFailover: { pair: web, deleteAllRecoveryPoints: false }
  - waitForJob: previous
  - expectStatus: { pair: web, status: COMMITTED, testFailover: NONE }
  - expectAllowedActions: { pair: web, exactly: [] }
  - expectRecoveryPoints: { pair: db, atLeast: 1, maxAge: 1d, tags: { interval: { atLeast: 1 } } }
  - expectRecoveryPoint: { pair: db, recoveryPoint: oldest }
  - expectRpo: { pair: db, below: 2h }
  - setAccount: { mode: prepaid, creditBalance: 1000000000 }
  - expectAccount: { mode: prepaid, balance: 1000000000, unpaid: 0 }
  - expectCost: { pair: db, item: transmission, atLeast: 1 }
  - expectCost: { atLeast: 1, atMost: 100000000 }
  - outage: db-1
  - recover: db-1
  - stopServer: shadow of db
  - startServer: shadow of db
  - expectStatus: { pair: db, status: REPLICATION_ERROR }
  - expectEvents:
      pair: web
      since: failover
      inOrder:
        - { kind: pair.transition, to: FAILOVER_PROCESSING }
        - { kind: pair.transition, to: COMMITTED }
      none:
        - { kind: recoveryPoint.created }
  - chaos: { actions: 10, pairs: [db] }
  - detach: db
    expectError: INVALID_STATE
  - addVolume: { server: db-1, type: SSD, sizeGb: 100 }
  - resizeVolume: { server: db-1, volume: 1, sizeGb: 150 }
  - removeVolume: { server: db-1, volume: 1 }
  - renewServer: db-1
  - expectServer: { server: db-1, expired: false, volumeSizesGb: [40] }
  - request: { method: GET, path: /v1/dr-pairs/drp-missing, expect: { status: 404, code: PAIR_NOT_FOUND } }
`;

describe('step kinds', () => {
  it('a scenario with every step kind passes', async () => {
    const s = scenario(EVERY_KIND);
    expect(new Set(s.steps.map((step) => step.kind))).toEqual(new Set(STEP_KINDS));
    const result = await run(EVERY_KIND);
    expect(result.failure).toBeUndefined();
    expect(result.stepsRun).toBe(s.steps.length);
  });

  it('a failed expectation reports the step, its line, expected and found, the events and the replay command', async () => {
    const text = withSteps(
      '  - failover: { recoveryPoint: latest }\n  - waitForJob: previous\n  - expectStatus: COMMITTED\n',
    );
    const result = await run(text);
    expect(result.status).toBe('failed');
    expect(result.failure).toMatchObject({
      step: 3,
      kind: 'expectStatus',
      location: `inline.scenario.yaml:${text.split('\n').findIndex((l) => l.includes('COMMITTED')) + 1}`,
      expected: 'pair "web" status COMMITTED',
      found: 'pair "web" status FAILED_OVER',
      reproduce: 'npx drsim run inline.scenario.yaml --seed 5',
    });
    expect(result.failure?.lastEvents.at(-1)).toMatch(/web job\.ended failover job-\S+ SUCCEEDED$/);
    expect(result.stepsRun).toBe(2);
  });

  it('an action that must be refused but is accepted, or refused with another code, fails', async () => {
    const accepted = await run(withSteps('  - stopReplication: web\n    expectError: INVALID_STATE\n'));
    expect(accepted.failure).toMatchObject({
      message: 'stopReplication was accepted',
      expected: 'refused with INVALID_STATE',
    });
    const other = await run(
      withSteps('  - failover: { recoveryPoint: latest }\n    expectError: RECOVERY_POINT_NOT_FOUND\n'),
    );
    expect(other.failure?.message).toBe('failover was accepted');
    const wrongCode = await run(
      withSteps('  - resumeReplication: web\n    expectError: RECOVERY_POINT_NOT_FOUND\n'),
    );
    expect(wrongCode.failure).toMatchObject({
      message: 'resumeReplication was refused, but not as expected',
    });
    expect(wrongCode.failure?.found).toMatch(/^INVALID_STATE: /);
  });

  it('an action refused unexpectedly fails with the refusal', async () => {
    const result = await run(withSteps('  - resumeReplication: web\n'));
    expect(result.failure).toMatchObject({
      message: 'resumeReplication was refused',
      expected: 'the action to be accepted',
    });
    expect(result.failure?.found).toMatch(/^INVALID_STATE: /);
  });

  it('a wait that times out says what it waited for and what it found', async () => {
    const result = await run(
      withSteps(
        '  - addFault: { target: failover, effect: { kind: hang } }\n  - failover: { recoveryPoint: latest }\n  - waitForJob: { timeout: 10m }\n',
      ),
    );
    expect(result.failure?.message).toBe(
      'timed out after 10m of simulated time waiting for job ' +
        result.failure?.expected?.split(' ')[1] +
        ' (failover) to end',
    );
    expect(result.failure?.found).toMatch(/^RUNNING, at step "/);
    const status = await run(withSteps('  - waitForStatus: { status: COMMITTED, timeout: 5m, poll: 1m }\n'));
    expect(status.failure?.found).toBe('status REPLICATING, test failover NONE');
  });

  it('expectations of points, RPO, data, servers and events fail with what they found', async () => {
    const cases: [string, RegExp][] = [
      ['  - expectRecoveryPoints: 99\n', /^\d+ recovery points \(oldest .*, newest .*\)$/],
      ['  - expectRpo: { atLeast: 1d }\n', /^RPO \d+s$/],
      ['  - expectServer: { server: shadow of web, powerState: RUNNING }\n', /power state STOPPED$/],
      ['  - expectAllowedActions: [detach]\n', /^allowed: stopReplication, /],
      ['  - expectEvents: { none: [{ kind: recoveryPoint.created }] }\n', /recoveryPoint\.created rp-/],
      [
        '  - writeFile: { server: web-1, path: x.txt, content: x }\n  - failover: { recoveryPoint: oldest }\n  - waitForJob: previous\n  - expectData: { recoveryPoint: latest }\n',
        /files; missing or different: /,
      ],
    ];
    for (const [steps, found] of cases) {
      const result = await run(withSteps(steps));
      expect(result.failure?.found, steps).toMatch(found);
    }
  });

  it('a chaos storm is the same for the same seed, and differs for another', async () => {
    const text = withSteps('  - chaos: { actions: 40 }\n');
    const [a, b, c] = await Promise.all([
      run(text, undefined, 1),
      run(text, undefined, 1),
      run(text, undefined, 2),
    ]);
    expect(a.status).toBe('passed');
    expect(a.transitions).toEqual(b.transitions);
    expect(a.transitions).not.toEqual(c.transitions);
  });
});

describe('references resolve when the step runs', () => {
  it('latest, previous, oldest, 30m ago, a remembered name, active and tested', async () => {
    const s = scenario(`${ONE_PAIR}steps:\n  - advance: 1h\n`);
    const sim = asyncSimulator(createSimulator({ seed: 5 }));
    const world = new World(sim, 'refs', s, 5);
    await runSetup(world, s.setup);
    await sim.advance('2h');
    const points = await world.recoveryPoints('web');
    expect(points.length).toBeGreaterThanOrEqual(3);
    const ids = points.map((p) => p.id);
    expect(await world.findPoint('web', 'latest')).toBe(ids[0]);
    expect(await world.findPoint('web', 'previous')).toBe(ids[1]);
    expect(await world.findPoint('web', 'oldest')).toBe(ids.at(-1));
    const now = await world.nowMs();
    const hourAgo = points.find((p) => Date.parse(p.createdAt) <= now - 3_600_000)?.id;
    expect(await world.findPoint('web', '1h ago')).toBe(hourAgo);
    expect(await world.findPoint('web', '30d ago')).toBeNull();
    expect(await world.findPoint('web', 'active')).toBeNull();
    world.points.set('kept', ids[1] as string);
    expect(await world.findPoint('web', 'kept')).toBe(ids[1]);
    await expect(world.pointId('web', 'active')).rejects.toThrow(/has no recovery point "active" now/);

    const job = await sim.act('refs', world.pairId('web'), {
      action: 'testFailover',
      testServerName: 'test-web',
      recoveryPointId: ids[1] as string,
    });
    world.lastJobId = job.id;
    expect(await world.findPoint('web', 'tested')).toBe(ids[1]);
    expect(world.jobId('previous')).toBe(job.id);
    expect(await world.serverId('main of web')).toBe(world.servers.get('web-1'));
    await sim.advance('30m');
    expect(await world.serverId('test server of web')).toMatch(/^srv-/);
    await expect(world.serverId('shadow of web')).resolves.toMatch(/^srv-/);
  });
});
