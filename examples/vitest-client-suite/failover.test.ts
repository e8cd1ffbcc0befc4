/**
 * An example of a client's own test suite against drsim: a fresh drsim per file from
 * `drsim/testing`, the failover procedure walked through the typed client, and a failure
 * path made to happen with a fault rule. Simulated time moves only when the test says so.
 */
import { type DrPair, DrsimApiError, type DrsimClient } from 'drsim/client';
import { type RunningDrsim, startDrsim } from 'drsim/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

const SHADOW = { region: 'HAN-1', vpcId: 'vpc-dr', subnetId: 'subnet-dr-a' };

describe('our DR runbook against drsim', () => {
  let drsim: RunningDrsim;
  let client: DrsimClient;
  let pair: DrPair;

  // Every test starts from a pair that has replicated for a few hours: build it once, then
  // snapshot and restore, which is much faster than replaying the setup.
  beforeAll(async () => {
    drsim = await startDrsim({ seed: 2026 });
    client = drsim.client;
    const web = await client.servers.create({
      name: 'web-01',
      region: 'HCM-3',
      files: { 'etc/hostname': 'web-01', 'srv/www/index.html': 'release 41' },
    });
    pair = await client.pairs.attach({ mainServerId: web.id, shadow: SHADOW });
    const start = await client.pairs.startReplication(pair.id, {
      shadowName: 'web-01-shadow',
      intervalHours: 1,
    });
    await client.waitForJob(start, { advance: '1m' });
    await client.servers.writeFile(web.id, 'srv/www/index.html', 'release 42');
    await client.sim.advance('3h');
    await client.sim.snapshots.save('replicating');
  });
  afterAll(() => drsim.stop());
  beforeEach(async () => {
    await client.sim.snapshots.restore('replicating');
  });

  it('fails over to the latest recovery point and commits', async () => {
    const [latest] = (await client.pairs.recoveryPoints(pair.id, { limit: 1 })).items;
    expect(latest).toBeDefined();

    const failover = await client.pairs.failover(pair.id, { recoveryPointId: latest!.id });
    expect((await client.waitForJob(failover, { advance: '1m' })).status).toBe('SUCCEEDED');

    const failedOver = await client.pairs.get(pair.id);
    expect(failedOver.status).toBe('FAILED_OVER');
    const shadow = failedOver.shadowServer!;
    expect((await client.servers.readFile(shadow.id, 'srv/www/index.html')).content).toBe('release 42');

    const commit = await client.pairs.commitFailover(pair.id, { deleteAllRecoveryPoints: false });
    expect((await client.waitForJob(commit, { advance: '1m' })).status).toBe('SUCCEEDED');
    expect((await client.pairs.get(pair.id)).status).toBe('COMMITTED');
    expect((await client.servers.get(shadow.id)).role).toBe('PRIMARY');
  });

  it('recovers from a failed failover by failing over again', async () => {
    // The next failover's restore fails, once.
    await client.sim.faults.add({
      target: 'failover',
      selector: { step: 'restore from recovery point' },
      effect: { kind: 'fail', code: 'COPY_FAILED', message: 'storage backend unavailable' },
      trigger: { times: 1 },
    });
    const [latest] = (await client.pairs.recoveryPoints(pair.id, { limit: 1 })).items;

    const first = await client.waitForJob(
      await client.pairs.failover(pair.id, { recoveryPointId: latest!.id }),
      {
        advance: '1m',
      },
    );
    expect(first.status).toBe('FAILED');
    expect(first.error?.code).toBe('COPY_FAILED');
    const failed = await client.pairs.get(pair.id);
    expect(failed.status).toBe('FAILOVER_FAILED');
    expect(failed.allowedActions).toContain('failover');

    // Committing now is refused, with the reason a client can act on.
    const refusal = await client.pairs
      .commitFailover(pair.id, { deleteAllRecoveryPoints: false })
      .catch((err: unknown) => err);
    expect(refusal).toBeInstanceOf(DrsimApiError);
    expect(refusal).toMatchObject({ status: 409, code: 'INVALID_STATE' });

    // The rule fired once, so the retry goes through.
    const retry = await client.waitForJob(
      await client.pairs.failover(pair.id, { recoveryPointId: latest!.id }),
      {
        advance: '1m',
      },
    );
    expect(retry.status).toBe('SUCCEEDED');
    expect((await client.pairs.get(pair.id)).status).toBe('FAILED_OVER');
  });
});
