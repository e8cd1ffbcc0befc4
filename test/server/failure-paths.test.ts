/**
 * What goes wrong, over HTTP: faults injected through /_sim/faults and the recovery the
 * service offers, refusals by state (409 with the allowed actions), unknown or unusable
 * recovery points (422), attach refusals, and the request-level errors (400/404/405/413/415).
 */
import { describe, expect, it } from 'vitest';
import type { DrPair, Job } from '../../src/sim/types.js';
import {
  act,
  advance,
  attach,
  createServer,
  expectProblem,
  latest,
  makeApp,
  oldest,
  replicatingPair,
} from './helpers.js';

describe('faults from /_sim/faults', () => {
  it('a failed failover leaves the pair in Failover Error, and another point succeeds', async () => {
    const { call } = makeApp();
    const { pair, points } = await replicatingPair(call);
    const fault = await call('POST', '/_sim/faults?tenant=alice', {
      body: { target: 'failover', effect: { kind: 'fail', code: 'COPY_FAILED' }, trigger: { times: 1 } },
    });
    expect(fault.status).toBe(201);
    expect(fault.body).toMatchObject({ tenant: 'alice', target: 'failover', fired: 0 });

    const failover = await act(call, pair.id, 'failover', { recoveryPointId: latest(points).id });
    expect(failover.status).toBe(202);
    await advance(call, '1h');
    const job = await call<Job>('GET', failover.headers.get('location') ?? '');
    expect(job.body).toMatchObject({ status: 'FAILED', error: { code: 'COPY_FAILED' } });
    const failed = (await call<DrPair>('GET', `/v1/dr-pairs/${pair.id}`)).body;
    expect(failed.status).toBe('FAILOVER_FAILED');
    expect(failed.allowedActions).toEqual(expect.arrayContaining(['failover', 'restartReplication']));

    expect((await act(call, pair.id, 'failover', { recoveryPointId: oldest(points).id })).status).toBe(202);
    await advance(call, '1h');
    expect((await call<DrPair>('GET', `/v1/dr-pairs/${pair.id}`)).body.status).toBe('FAILED_OVER');
    const rules = await call('GET', '/_sim/faults?tenant=alice');
    expect(rules.body.items[0]).toMatchObject({ id: fault.body.id, fired: 1 });
    expect((await call('DELETE', `/_sim/faults/${fault.body.id}`)).status).toBe(204);
    expectProblem(await call('DELETE', `/_sim/faults/${fault.body.id}`), 404, 'FAULT_NOT_FOUND');
  });

  it('a server outage puts replication in error; recovering and restarting brings it back', async () => {
    const { call } = makeApp();
    const { server, pair } = await replicatingPair(call);
    const down = await call('POST', `/_sim/servers/${server.id}/outage?tenant=alice`);
    expect(down.status).toBe(200);
    expect(down.body.powerState).toBe('DOWN');
    await advance(call, '1h');
    const broken = (await call<DrPair>('GET', `/v1/dr-pairs/${pair.id}`)).body;
    expect(broken.status).toBe('REPLICATION_ERROR');
    expect(broken.replication.error?.code).toBe('MAIN_SERVER_DOWN');
    expect(
      (await call('POST', `/_sim/servers/${server.id}/recover`, { body: { tenant: 'alice' } })).status,
    ).toBe(200);
    await advance(call, '1h');
    const after = (await call<DrPair>('GET', `/v1/dr-pairs/${pair.id}`)).body;
    if (after.status === 'REPLICATION_ERROR') {
      expect((await act(call, pair.id, 'restart-replication')).status).toBe(202);
      await advance(call, '2h');
    }
    expect((await call<DrPair>('GET', `/v1/dr-pairs/${pair.id}`)).body.status).toBe('REPLICATING');
  });

  it("an outage acts on the caller's world, and needs a tenant without a token", async () => {
    const { call } = makeApp();
    const server = await createServer(call);
    expect((await call('POST', `/_sim/servers/${server.id}/outage`)).body.powerState).toBe('DOWN');
    const res = await call('POST', `/_sim/servers/${server.id}/recover`, { token: null });
    expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(res.body.errors[0]).toMatchObject({ in: 'query', path: 'tenant' });
  });

  it('the engine judges fault rules', async () => {
    const { call } = makeApp();
    const bad = await call('POST', '/_sim/faults', {
      body: { target: 'failover', effect: { kind: 'fail' }, trigger: { probability: 2 } },
    });
    expectProblem(bad, 400, 'VALIDATION_FAILED');
    expectProblem(
      await call('POST', '/_sim/faults', { body: { target: 'nope', effect: { kind: 'hang' } } }),
      400,
    );
  });
});

describe('refusals', () => {
  it('an action the status does not allow is 409 INVALID_STATE with the status and allowed actions', async () => {
    const { call } = makeApp();
    const pair = await attach(call, (await createServer(call)).id);
    const res = await act(call, pair.id, 'failover', { recoveryPointId: 'rp-none' });
    expectProblem(res, 409, 'INVALID_STATE');
    expect(res.body).toMatchObject({
      pairStatus: 'ATTACHED',
      allowedActions: ['startReplication', 'detach'],
    });
  });

  it('a recovery point the pair does not have is 422 RECOVERY_POINT_NOT_FOUND', async () => {
    const { call } = makeApp();
    const { pair } = await replicatingPair(call);
    expectProblem(
      await act(call, pair.id, 'failover', { recoveryPointId: 'rp-unknown' }),
      422,
      'RECOVERY_POINT_NOT_FOUND',
    );
    expectProblem(
      await call('GET', `/v1/dr-pairs/${pair.id}/recovery-points/rp-unknown/files`),
      422,
      'RECOVERY_POINT_NOT_FOUND',
    );
  });

  it('attach refusals: expired and multi-attach are 422, already paired is 409', async () => {
    const { call } = makeApp();
    const expired = await call('POST', '/v1/servers', {
      body: { name: 'old', region: 'HCM-3', expiresAt: '2025-12-31T00:00:00.000Z' },
    });
    const multi = await call('POST', '/v1/servers', {
      body: {
        name: 'multi',
        region: 'HCM-3',
        volumes: [{ type: 'SSD', iops: 3000, sizeGb: 10, multiAttach: true }],
      },
    });
    const shadow = { region: 'HAN-1', vpcId: 'vpc-dr', subnetId: 'subnet-dr-a' };
    expectProblem(
      await call('POST', '/v1/dr-pairs', { body: { mainServerId: expired.body.id, shadow } }),
      422,
      'SERVER_EXPIRED',
    );
    expectProblem(
      await call('POST', '/v1/dr-pairs', { body: { mainServerId: multi.body.id, shadow } }),
      422,
      'MULTI_ATTACH_VOLUME',
    );
    const server = await createServer(call);
    await attach(call, server.id);
    expectProblem(
      await call('POST', '/v1/dr-pairs', { body: { mainServerId: server.id, shadow } }),
      409,
      'SERVER_ALREADY_PAIRED',
    );
  });

  it('writing to a stopped server is 409 SERVER_STATE_CONFLICT', async () => {
    const { call } = makeApp();
    const server = await createServer(call);
    expect((await call('POST', `/v1/servers/${server.id}/stop`)).body.powerState).toBe('STOPPED');
    expectProblem(
      await call('PUT', `/v1/servers/${server.id}/files/a.txt`, { body: { content: 'x' } }),
      409,
      'SERVER_STATE_CONFLICT',
    );
    expect((await call('POST', `/v1/servers/${server.id}/start`)).body.powerState).toBe('RUNNING');
  });
});

describe('request errors', () => {
  it('400 for malformed JSON and for wrong types, with field paths', async () => {
    const { call } = makeApp();
    expectProblem(await call('POST', '/v1/servers', { raw: '{"name": ' }), 400, 'MALFORMED_JSON');
    const res = await call('POST', '/v1/dr-pairs', { body: { mainServerId: 5, shadow: { region: 'x' } } });
    expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(res.body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ in: 'body', path: 'mainServerId' }),
        expect.objectContaining({ in: 'body', path: 'shadow.vpcId' }),
      ]),
    );
    const interval = await act(call, 'drp-x', 'start-replication', { shadowName: 's', intervalHours: 13 });
    expectProblem(interval, 400, 'VALIDATION_FAILED');
    expect(interval.body.errors[0]).toMatchObject({ path: 'intervalHours' });
    const name = await act(call, 'drp-x', 'test-failover', { testServerName: 'a b', recoveryPointId: 'rp' });
    expect(name.body.errors[0]).toMatchObject({ path: 'testServerName' });
    expectProblem(await call('GET', '/v1/servers?limit=0'), 400, 'VALIDATION_FAILED');
    expectProblem(await call('GET', '/v1/dr-pairs?status=NOPE'), 400, 'VALIDATION_FAILED');
    expectProblem(await call('GET', '/v1/servers?cursor=garbage'), 400, 'VALIDATION_FAILED');
  });

  it('404 for unknown ids, unknown routes; 405 with Allow for a wrong method', async () => {
    const { call } = makeApp();
    expectProblem(await call('GET', '/v1/dr-pairs/drp-nope'), 404, 'PAIR_NOT_FOUND');
    expectProblem(await call('GET', '/v1/servers/srv-nope'), 404, 'SERVER_NOT_FOUND');
    expectProblem(await call('GET', '/v1/jobs/job-nope'), 404, 'JOB_NOT_FOUND');
    expectProblem(await act(call, 'drp-nope', 'stop-replication'), 404, 'PAIR_NOT_FOUND');
    const server = await createServer(call);
    expectProblem(await call('GET', `/v1/servers/${server.id}/files/no/such/file`), 404, 'FILE_NOT_FOUND');
    expectProblem(await call('GET', '/v1/nothing-here'), 404, 'ROUTE_NOT_FOUND');
    expectProblem(await call('GET', '/elsewhere'), 404, 'ROUTE_NOT_FOUND');
    const wrong = await call('PUT', '/v1/dr-pairs/drp-1');
    expectProblem(wrong, 405, 'METHOD_NOT_ALLOWED');
    expect(wrong.headers.get('allow')).toContain('GET');
    expect(wrong.headers.get('allow')).toContain('DELETE');
    expect(wrong.headers.get('allow')).toContain('PATCH');
    expectProblem(await call('GET', '/v1/dr-pairs/drp-1/failover'), 405, 'METHOD_NOT_ALLOWED');
  });

  it('413 over 1 MiB, 415 for a body that is not JSON', async () => {
    const { call } = makeApp();
    const server = await createServer(call);
    const big = await call('PUT', `/v1/servers/${server.id}/files/big.bin`, {
      body: { content: 'x'.repeat(1024 * 1024 + 1) },
    });
    expectProblem(big, 413, 'PAYLOAD_TOO_LARGE');
    const text = await call('POST', '/v1/servers', {
      raw: 'name=web',
      headers: { 'Content-Type': 'text/plain' },
    });
    expectProblem(text, 415, 'UNSUPPORTED_MEDIA_TYPE');
    const form = await call('POST', `/v1/servers/${server.id}/stop`, {
      raw: 'a=1',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expectProblem(form, 415, 'UNSUPPORTED_MEDIA_TYPE');
    expect((await call('GET', `/v1/servers/${server.id}`)).body.powerState).toBe('RUNNING');
    // A JSON media type with parameters or a +json suffix is JSON.
    const charset = await call('POST', '/v1/servers', {
      body: { name: 'w2', region: 'r' },
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
    });
    expect(charset.status).toBe(201);
  });

  it('an action without arguments takes no body or an empty object, nothing else', async () => {
    const { call } = makeApp();
    const { pair } = await replicatingPair(call);
    expectProblem(await act(call, pair.id, 'stop-replication', { force: true }), 400, 'VALIDATION_FAILED');
    expect((await act(call, pair.id, 'stop-replication', {})).status).toBe(202);
  });
});
