/** I5: a pair's own jobs never overlap, nor do its test jobs; the two groups may. */
import { describe, expect, it } from 'vitest';
import { createSimulator } from '../../../src/sim/index.js';
import {
  failing,
  jobEvent,
  lifecycle,
  moveAfter,
  storedJob,
  TENANT,
  tampered,
  violationsOf,
} from './helpers.js';

const NAME = 'I5-one-operation-at-a-time';

describe(NAME, () => {
  it('passes on the real lifecycle', () => {
    expect(violationsOf(lifecycle().state(), NAME)).toEqual([]);
  });

  it('passes while a test job runs beside replication and a pair job of another group', () => {
    const sim = createSimulator({ seed: 3 });
    const main = sim.createServer(TENANT, { name: 'app', region: 'hcm', files: { a: '1' } }).id;
    const pair = sim.attach(TENANT, {
      mainServerId: main,
      shadow: { region: 'han', vpcId: 'v', subnetId: 's' },
    }).id;
    sim.act(TENANT, pair, { action: 'startReplication', shadowName: 'shadow', intervalHours: 1 });
    sim.advanceTo('2026-01-05T01:05:00.000Z');
    const point = sim.listRecoveryPoints(TENANT, pair).items.find((p) => p.tags.includes('interval'))!.id;
    sim.addFault({ target: 'testFailover', effect: { kind: 'hang' } });
    sim.act(TENANT, pair, { action: 'testFailover', testServerName: 'test-1', recoveryPointId: point });
    sim.act(TENANT, pair, { action: 'stopReplication' });
    sim.advance('10m');
    expect(sim.exportState().jobs.filter((j) => j.status === 'RUNNING')).toHaveLength(1);
    expect(sim.check().filter((v) => !v.ok)).toEqual([]);
  });

  it('reports a change of recovery point created before the failed change had ended', () => {
    const state = tampered((s, life) => {
      moveAfter(
        s,
        jobEvent(s, life.jobs.failedChange, 'job.ended'),
        jobEvent(s, life.jobs.change, 'job.created'),
      );
    });
    expect(failing(state)).toEqual([NAME]);
    const [violation] = violationsOf(state, NAME);
    const { jobs, a } = lifecycle().life;
    expect(violation).toContain(a);
    expect(violation).toContain(`changeRecoveryPoint job ${jobs.change}`);
    expect(violation).toContain(`job ${jobs.failedChange}`);
  });

  it('reports overlapping test jobs', () => {
    const state = tampered((s, life) => {
      moveAfter(
        s,
        jobEvent(s, life.jobs.testFailover, 'job.ended'),
        jobEvent(s, life.jobs.cleanTest, 'job.created'),
      );
    });
    // The first test job now spans both later ones.
    expect(failing(state)).toEqual([NAME]);
    expect(violationsOf(state, NAME)).toHaveLength(2);
  });

  it('reports two stored jobs of the same group RUNNING at once', () => {
    const state = tampered((s, life) => {
      for (const id of [life.jobs.failover, life.jobs.change]) {
        const job = storedJob(s, id);
        job.status = 'RUNNING';
        job.endedAt = null;
        job.steps.at(-1)!.status = 'RUNNING';
      }
    });
    expect(failing(state)).toEqual([NAME]);
    expect(violationsOf(state, NAME)[0]).toMatch(/2 jobs of the pair's own operations are RUNNING at once/);
  });
});
