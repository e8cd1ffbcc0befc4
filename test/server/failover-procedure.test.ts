/**
 * The user's whole failover procedure over HTTP, as the service's failover page describes it:
 * create a server, attach it, start replication, let time pass, fail over to the latest
 * point, check the data, change the recovery point, commit and delete the points.
 */
import { describe, expect, it } from 'vitest';
import type { DrPair, FileContent, Job, RecoveryPoint } from '../../src/sim/types.js';
import { act, advance, attach, createServer, latest, makeApp, oldest } from './helpers.js';

describe('the failover procedure over HTTP', () => {
  it('runs from a new server to a committed failover', async () => {
    const { call } = makeApp();
    const server = await createServer(call);
    expect(server).toMatchObject({ name: 'web-01', role: 'STANDALONE', powerState: 'RUNNING' });

    const pair = await attach(call, server.id);
    expect(pair).toMatchObject({ status: 'ATTACHED', mainServer: { id: server.id } });
    expect(pair.allowedActions).toContain('startReplication');

    const start = await act(call, pair.id, 'start-replication', {
      shadowName: 'web-01-shadow',
      intervalHours: 1,
    });
    expect(start.status).toBe(202);
    expect(start.headers.get('location')).toBe(`/v1/jobs/${start.body.id}`);
    expect(start.body).toMatchObject({ type: 'startReplication', pairId: pair.id });
    expect((await call<DrPair>('GET', `/v1/dr-pairs/${pair.id}`)).body.status).toBe('STARTING_REPLICATION');

    await advance(call, '1h');
    await call('PUT', `/v1/servers/${server.id}/files/var/www/index.html`, {
      body: { content: '<h1>v2</h1>' },
    });
    await advance(call, '3h');

    const job = await call<Job>('GET', `/v1/jobs/${start.body.id}`);
    expect(job.body.status).toBe('SUCCEEDED');
    const replicating = await call<DrPair>('GET', `/v1/dr-pairs/${pair.id}`);
    expect(replicating.body).toMatchObject({ status: 'REPLICATING', statusLabel: 'Replicating' });
    expect(replicating.headers.get('x-drsim-time')).toBe('2026-01-05T04:00:00.000Z');

    const points = (await call<{ items: RecoveryPoint[] }>('GET', `/v1/dr-pairs/${pair.id}/recovery-points`))
      .body.items;
    expect(points.length).toBeGreaterThanOrEqual(3);
    const newest = latest(points);
    const first = oldest(points);
    const captured = await call('GET', `/v1/dr-pairs/${pair.id}/recovery-points/${first.id}/files`);
    expect(captured.body.items.map((f: { path: string }) => f.path)).toContain('var/www/index.html');

    const failover = await act(call, pair.id, 'failover', { recoveryPointId: newest.id });
    expect(failover.status).toBe(202);
    expect((await call<DrPair>('GET', `/v1/dr-pairs/${pair.id}`)).body.status).toBe('FAILOVER_PROCESSING');
    await advance(call, '1h');
    const failedOver = (await call<DrPair>('GET', `/v1/dr-pairs/${pair.id}`)).body;
    expect(failedOver).toMatchObject({ status: 'FAILED_OVER', activeRecoveryPointId: newest.id });
    expect(failedOver.allowedActions).toEqual(
      expect.arrayContaining(['changeRecoveryPoint', 'commitFailover']),
    );

    // Check the data on the failover server: the latest point has the second version.
    const shadowId = failedOver.shadowServer?.id;
    const onShadow = await call<FileContent>('GET', `/v1/servers/${shadowId}/files/var/www/index.html`);
    expect(onShadow.body.content).toBe('<h1>v2</h1>');

    const change = await act(call, pair.id, 'change-recovery-point', { recoveryPointId: first.id });
    expect(change.status).toBe(202);
    await advance(call, '1h');
    expect((await call<DrPair>('GET', `/v1/dr-pairs/${pair.id}`)).body).toMatchObject({
      status: 'FAILED_OVER',
      activeRecoveryPointId: first.id,
    });

    const commit = await act(call, pair.id, 'commit-failover', { deleteAllRecoveryPoints: true });
    expect(commit.status).toBe(202);
    await advance(call, '1h');
    const committed = (await call<DrPair>('GET', `/v1/dr-pairs/${pair.id}`)).body;
    expect(committed.status).toBe('COMMITTED');
    expect((await call('GET', `/v1/servers/${shadowId}`)).body.role).toBe('PRIMARY');
    expect((await call('GET', `/v1/dr-pairs/${pair.id}/recovery-points`)).body.items).toEqual([]);

    const jobs = (await call<{ items: Job[] }>('GET', `/v1/dr-pairs/${pair.id}/jobs`)).body.items;
    expect(jobs.map((j) => j.type).sort()).toEqual(
      ['changeRecoveryPoint', 'commitFailover', 'failover', 'startReplication'].sort(),
    );
    const history = (await call('GET', `/v1/dr-pairs/${pair.id}/history?limit=500`)).body;
    const transitions = history.items.filter((e: { kind: string }) => e.kind === 'pair.transition');
    expect(transitions.map((e: { data: { to: string } }) => e.data.to)).toContain('COMMITTED');
    expect((await call('GET', '/_sim/checks')).body.ok).toBe(true);
  });

  it('lists pairs by status', async () => {
    const { call } = makeApp();
    const a = await attach(call, (await createServer(call, 'a-01')).id);
    const b = await attach(call, (await createServer(call, 'b-01')).id);
    await act(call, b.id, 'start-replication', { shadowName: 'b-shadow', intervalHours: 2 });
    const attached = await call('GET', '/v1/dr-pairs?status=ATTACHED');
    expect(attached.body.items.map((p: DrPair) => p.id)).toEqual([a.id]);
    const page = await call('GET', '/v1/dr-pairs?limit=1');
    expect(page.body.items).toHaveLength(1);
    expect(page.body.nextCursor).toEqual(expect.any(String));
    const next = await call('GET', `/v1/dr-pairs?limit=1&cursor=${encodeURIComponent(page.body.nextCursor)}`);
    expect(next.body.items[0].id).not.toBe(page.body.items[0].id);
  });

  it('runs a test failover, changes its point and cleans it up while replication goes on', async () => {
    const { call } = makeApp();
    const pair = await attach(call, (await createServer(call)).id);
    await act(call, pair.id, 'start-replication', { shadowName: 'web-01-shadow', intervalHours: 1 });
    await advance(call, '3h');
    const points = (await call('GET', `/v1/dr-pairs/${pair.id}/recovery-points`)).body
      .items as RecoveryPoint[];
    const test = await act(call, pair.id, 'test-failover', {
      testServerName: 'web-01-test',
      recoveryPointId: latest(points).id,
      network: { vpcId: 'vpc-han-test' },
    });
    expect(test.status).toBe(202);
    await advance(call, '1h');
    let current = (await call<DrPair>('GET', `/v1/dr-pairs/${pair.id}`)).body;
    expect(current.status).toBe('REPLICATING');
    expect(current.testFailover?.state).toBe('READY');
    expect(
      (
        await act(call, pair.id, 'test-failover/change-recovery-point', {
          recoveryPointId: oldest(points).id,
        })
      ).status,
    ).toBe(202);
    await advance(call, '1h');
    expect((await act(call, pair.id, 'clean-test-environment')).status).toBe(202);
    await advance(call, '1h');
    current = (await call<DrPair>('GET', `/v1/dr-pairs/${pair.id}`)).body;
    expect(current.testFailover).toBeNull();
  });

  it('stops, resumes, restarts replication and detaches', async () => {
    const { call } = makeApp();
    const pair = await attach(call, (await createServer(call)).id);
    await act(call, pair.id, 'start-replication', { shadowName: 'web-01-shadow', intervalHours: 1 });
    await advance(call, '2h');
    const status = async () => (await call<DrPair>('GET', `/v1/dr-pairs/${pair.id}`)).body.status;
    expect((await act(call, pair.id, 'stop-replication')).status).toBe(202);
    await advance(call, '10m');
    expect(await status()).toBe('PAUSED');
    expect((await act(call, pair.id, 'resume-replication', {})).status).toBe(202);
    await advance(call, '10m');
    expect(await status()).toBe('REPLICATING');
    expect((await act(call, pair.id, 'restart-replication')).status).toBe(202);
    expect(await status()).toBe('STARTING_REPLICATION');
    await advance(call, '2h');
    expect(await status()).toBe('REPLICATING');
    const detach = await call('DELETE', `/v1/dr-pairs/${pair.id}`);
    expect(detach.status).toBe(202);
    expect(detach.body.type).toBe('detach');
    await advance(call, '1h');
    expect(await status()).toBe('DETACHED');
  });
});
