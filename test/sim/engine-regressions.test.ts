// Engine bugs found by the checkers' authors, each pinned by the exact sequence that exposed it.
import { describe, expect, it } from 'vitest';
import { createSimulator } from '../../src/sim/index.js';

const T = 't1';

function replicatingPair(intervalHours = 1) {
  const sim = createSimulator({ seed: 1 });
  const main = sim.createServer(T, { name: 'web-1', region: 'hcm', files: { 'a.txt': 'hello' } });
  const pair = sim.attach(T, { mainServerId: main.id, shadow: { region: 'han', vpcId: 'v', subnetId: 's' } });
  return {
    sim,
    main,
    pair,
    start: () => sim.act(T, pair.id, { action: 'startReplication', shadowName: 'shadow-1', intervalHours }),
  };
}

describe('engine regressions', () => {
  it('a test failover of a point off the interval keeps its point (pinned) and succeeds', () => {
    const { sim, pair, start } = replicatingPair();
    start();
    sim.advanceTo('2026-01-05T01:28:00.000Z');
    const [latest] = sim.listRecoveryPoints(T, pair.id).items; // 01:15: off the 1 h interval
    const job = sim.act(T, pair.id, {
      action: 'testFailover',
      testServerName: 'test-1',
      recoveryPointId: latest!.id,
    });
    sim.advance('10m');
    sim.advance('10m');
    const ended = sim.getJob(T, job.id);
    expect(ended.status).toBe('SUCCEEDED');
    expect(sim.getPair(T, pair.id).testFailover?.state).toBe('READY');
    expect(sim.listRecoveryPoints(T, pair.id).items.find((p) => p.id === latest!.id)?.pinnedBy).toEqual([
      'test-server',
    ]);
    expect(sim.check().filter((v) => !v.ok)).toEqual([]);
  });

  it('a restart after a start that failed before the shadow existed creates the shadow with the start settings', () => {
    const { sim, pair, start } = replicatingPair();
    sim.addFault({
      target: 'startReplication',
      effect: { kind: 'fail', code: 'COPY_FAILED' },
      trigger: { times: 1 },
    });
    start();
    sim.advance('10m');
    expect(sim.getPair(T, pair.id)).toMatchObject({ status: 'REPLICATION_ERROR', shadowServer: null });
    const job = sim.act(T, pair.id, { action: 'restartReplication' });
    sim.advance('30m');
    expect(sim.getJob(T, job.id).status).toBe('SUCCEEDED');
    expect(sim.getPair(T, pair.id)).toMatchObject({
      status: 'REPLICATING',
      shadowServer: { name: 'shadow-1' },
    });
  });

  it('a restore records the data version it restored, not what was written after it', () => {
    const { sim, pair, start } = replicatingPair();
    start();
    sim.advance('1h');
    const [point] = sim.listRecoveryPoints(T, pair.id).items;
    const job = sim.act(T, pair.id, { action: 'failover', recoveryPointId: point!.id });
    const shadowId = sim.getPair(T, pair.id).shadowServer!.id;
    while (sim.getJob(T, job.id).steps.find((s) => s.status === 'RUNNING')?.name !== 'verify data')
      sim.advance('10s');
    sim.writeFile(T, shadowId, 'a.txt', 'written while verifying');
    sim.advance('5m');
    expect(sim.getJob(T, job.id).status).toBe('SUCCEEDED');
    expect(sim.check().filter((v) => !v.ok)).toEqual([]);
  });

  it('an outage of the shadow breaks replication, a failover to it fails without ending the outage, and recovery heals both', () => {
    const { sim, pair, start } = replicatingPair();
    start();
    sim.advance('1h');
    const shadowId = sim.getPair(T, pair.id).shadowServer!.id;
    sim.failServer(T, shadowId);
    expect(sim.getPair(T, pair.id).replication.error?.code).toBe('SHADOW_SERVER_DOWN');
    const [point] = sim.listRecoveryPoints(T, pair.id).items;
    const failed = sim.act(T, pair.id, { action: 'failover', recoveryPointId: point!.id });
    sim.advance('15m');
    expect(sim.getJob(T, failed.id).error?.code).toBe('SERVER_DOWN');
    expect(sim.getServer(T, shadowId).powerState).toBe('DOWN');
    sim.recoverServer(T, shadowId);
    const retried = sim.act(T, pair.id, { action: 'failover', recoveryPointId: point!.id });
    sim.advance('15m');
    expect(sim.getJob(T, retried.id).status).toBe('SUCCEEDED');
    expect(sim.check().filter((v) => !v.ok)).toEqual([]);
  });

  it('replication heals by itself when a down shadow comes back', () => {
    const { sim, pair, start } = replicatingPair();
    start();
    sim.advance('1h');
    const shadowId = sim.getPair(T, pair.id).shadowServer!.id;
    sim.failServer(T, shadowId);
    expect(sim.getPair(T, pair.id).status).toBe('REPLICATION_ERROR');
    sim.recoverServer(T, shadowId);
    expect(sim.getServer(T, shadowId).powerState).toBe('STOPPED');
    expect(sim.getPair(T, pair.id).status).toBe('REPLICATING');
    sim.advance('15m');
    expect(sim.getPair(T, pair.id).replication.rpoSeconds).toBe(0);
  });

  it('resuming onto an outage of the main fails replication at once, and it heals when the main is back', () => {
    const { sim, main, pair, start } = replicatingPair();
    start();
    sim.advance('15m');
    sim.act(T, pair.id, { action: 'stopReplication' });
    sim.failServer(T, main.id);
    const job = sim.act(T, pair.id, { action: 'resumeReplication' });
    expect(sim.getJob(T, job.id).status).toBe('SUCCEEDED');
    const resumed = sim.getPair(T, pair.id);
    expect(resumed.status).toBe('REPLICATION_ERROR');
    expect(resumed.replication.error?.code).toBe('MAIN_SERVER_DOWN');
    // Starting the shadow by hand now: the main's outage still names the error, and only a restart clears it.
    sim.startServer(T, resumed.shadowServer!.id);
    expect(sim.getPair(T, pair.id).replication.error?.code).toBe('MAIN_SERVER_DOWN');
    sim.recoverServer(T, main.id);
    expect(sim.getPair(T, pair.id).replication.error?.code).toBe('SHADOW_STARTED_MANUALLY');
    expect(sim.check().filter((v) => !v.ok)).toEqual([]);
  });
});
