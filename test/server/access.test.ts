/**
 * Access: bearer tokens name the tenant; a read-only policy can list and get but every write
 * is 403 naming the IAM action; another tenant's resources do not exist (404); the control
 * API takes the admin token when one is configured.
 */
import { describe, expect, it } from 'vitest';
import { parseTokenFlag, parseTokensFile, type TokenGrant } from '../../src/server/auth.js';
import { PAIR_ACTIONS } from '../../src/server/routes/pair-actions.js';
import { act, attach, createServer, expectProblem, makeApp, replicatingPair } from './helpers.js';

const TOKENS: TokenGrant[] = [
  { token: 'ops-token', tenant: 'acme', policy: 'full' },
  { token: 'audit-token', tenant: 'acme', policy: 'read-only' },
  { token: 'other-token', tenant: 'globex', policy: 'full' },
  { token: 'nobody-token', tenant: 'acme', policy: 'none' },
  {
    token: 'tester-token',
    tenant: 'acme',
    policy: {
      actions: [
        'ListDrPairs',
        'GetDrPair',
        'GetDrPairRecoveryPoints',
        'DrPairTestFailover',
        'DrPairChangeRecoveryPoint',
      ],
    },
  },
];

describe('authentication', () => {
  it('401 without a token or with an unknown one, with a Bearer challenge', async () => {
    const { call } = makeApp({ auth: { tokens: TOKENS } });
    const none = await call('GET', '/v1/dr-pairs', { token: null });
    expectProblem(none, 401, 'UNAUTHORIZED');
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expectProblem(await call('GET', '/v1/dr-pairs', { token: 'guess' }), 401, 'UNAUTHORIZED');
    expectProblem(
      await call('GET', '/v1/dr-pairs', { token: null, headers: { Authorization: 'Basic eDp5' } }),
      401,
    );
    expect((await call('GET', '/v1/dr-pairs', { token: 'ops-token' })).status).toBe(200);
  });

  it('in development mode any token is a tenant of its own', async () => {
    const { call } = makeApp();
    const server = await createServer(call, 'web-01', 'anything');
    expect((await call('GET', `/v1/servers/${server.id}`, { token: 'anything' })).status).toBe(200);
    expectProblem(await call('GET', `/v1/servers/${server.id}`, { token: 'someone-else' }), 404);
  });
});

describe('policies', () => {
  it('a read-only token lists and gets, and every write is 403 naming its IAM action', async () => {
    const { call } = makeApp({ auth: { tokens: TOKENS } });
    const { server, pair, points } = await replicatingPair(call, 'ops-token');
    const ro = 'audit-token';
    for (const path of [
      '/v1/servers',
      `/v1/servers/${server.id}`,
      `/v1/servers/${server.id}/files`,
      `/v1/servers/${server.id}/files/etc/hostname`,
      '/v1/dr-pairs',
      `/v1/dr-pairs/${pair.id}`,
      `/v1/dr-pairs/${pair.id}/history`,
      `/v1/dr-pairs/${pair.id}/recovery-points`,
      `/v1/dr-pairs/${pair.id}/recovery-points/${points[0]?.id}/files`,
      `/v1/dr-pairs/${pair.id}/jobs`,
    ]) {
      expect((await call('GET', path, { token: ro })).status, path).toBe(200);
    }
    const before = JSON.stringify((await call('GET', `/v1/dr-pairs/${pair.id}`, { token: ro })).body);
    for (const spec of PAIR_ACTIONS) {
      const method = spec.path === '' ? 'DELETE' : 'POST';
      const res = await call(method, `/v1/dr-pairs/${pair.id}${spec.path}`, { token: ro, body: {} });
      expectProblem(res, 403, 'FORBIDDEN');
      expect(res.body.action).toBe(spec.iamAction);
      expect(res.body.detail).toContain(spec.iamAction);
    }
    expect((await act(call, pair.id, 'failover', { recoveryPointId: points[0]?.id }, ro)).body.action).toBe(
      'DrPairFailover',
    );
    const writes: [string, string, string][] = [
      ['POST', '/v1/servers', 'vserver:CreateServer'],
      ['POST', '/v1/dr-pairs', 'DrPairAttachServer'],
      ['POST', `/v1/servers/${server.id}/start`, 'vserver:StartServer'],
      ['POST', `/v1/servers/${server.id}/stop`, 'vserver:StopServer'],
      ['PUT', `/v1/servers/${server.id}/files/a/b.txt`, 'vserver:WriteServerFile'],
    ];
    for (const [method, path, action] of writes) {
      const res = await call(method, path, { token: ro, body: { content: 'x' } });
      expectProblem(res, 403, 'FORBIDDEN');
      expect(res.body.action).toBe(action);
    }
    expect(JSON.stringify((await call('GET', `/v1/dr-pairs/${pair.id}`, { token: ro })).body)).toBe(before);
  });
});

describe('custom policies and users without access', () => {
  it('a token with no policy gets 403 on everything, reads included', async () => {
    const { call } = makeApp({ auth: { tokens: TOKENS } });
    const { server, pair } = await replicatingPair(call, 'ops-token');
    for (const [method, path] of [
      ['GET', '/v1/dr-pairs'],
      ['GET', `/v1/dr-pairs/${pair.id}`],
      ['GET', '/v1/servers'],
      ['GET', `/v1/servers/${server.id}`],
      ['GET', '/v1/regions'],
      ['POST', `/v1/dr-pairs/${pair.id}/stop-replication`],
    ] as const) {
      expectProblem(await call(method, path, { token: 'nobody-token' }), 403, 'FORBIDDEN');
    }
  });

  it('a custom policy grants exactly its IAM actions; vServer routes need vServer actions', async () => {
    const { call } = makeApp({ auth: { tokens: TOKENS } });
    const { server, pair, points } = await replicatingPair(call, 'ops-token');
    const t = 'tester-token';
    expect((await call('GET', `/v1/dr-pairs/${pair.id}`, { token: t })).status).toBe(200);
    const history = await call('GET', `/v1/dr-pairs/${pair.id}/history`, { token: t });
    expectProblem(history, 403, 'FORBIDDEN');
    expect(history.body.action).toBe('GetDrPairHistory');
    const srv = await call('GET', `/v1/servers/${server.id}`, { token: t });
    expectProblem(srv, 403, 'FORBIDDEN');
    expect(srv.body.action).toBe('vserver:GetServer');
    const failover = await act(call, pair.id, 'failover', { recoveryPointId: points[0]?.id }, t);
    expectProblem(failover, 403, 'FORBIDDEN');
    expect(failover.body).toMatchObject({ action: 'DrPairFailover', policy: 'custom' });
    const test = await act(
      call,
      pair.id,
      'test-failover',
      { testServerName: 'web-01-test', recoveryPointId: points[0]?.id },
      t,
    );
    expect(test.status).toBe(202);
  });

  it("changing a test's recovery point needs DrPairChangeRecoveryPoint (one action for both buttons)", () => {
    const change = PAIR_ACTIONS.find((a) => a.action === 'changeTestRecoveryPoint');
    expect(change?.iamAction).toBe('DrPairChangeRecoveryPoint');
  });

  it('reads policies from the tokens file and --token flags', () => {
    expect(
      parseTokensFile({
        tokens: [
          { token: 'a', tenant: 't', policy: 'custom', actions: ['GetDrPair', 'vserver:GetServer'] },
          { token: 'b', tenant: 't' },
          { token: 'c', tenant: 't', policy: 'read-only' },
        ],
      }).map((g) => g.policy),
    ).toEqual([{ actions: ['GetDrPair', 'vserver:GetServer'] }, 'none', 'read-only']);
    expect(parseTokenFlag('x:y:acme:custom=ListDrPairs,vserver:ListServers')).toEqual({
      token: 'x:y',
      tenant: 'acme',
      policy: { actions: ['ListDrPairs', 'vserver:ListServers'] },
    });
    expect(parseTokenFlag('tok:acme:none').policy).toBe('none');
    expect(() => parseTokenFlag('tok:acme:admin')).toThrow(/expected/);
  });
});

describe('tenant isolation', () => {
  it("another tenant's servers, pairs, points and jobs are 404 to read and to act on", async () => {
    const { call } = makeApp({ auth: { tokens: TOKENS } });
    const { server, pair, points } = await replicatingPair(call, 'ops-token');
    const jobs = (await call('GET', `/v1/dr-pairs/${pair.id}/jobs`, { token: 'ops-token' })).body.items;
    const other = 'other-token';
    for (const path of [
      `/v1/servers/${server.id}`,
      `/v1/servers/${server.id}/files`,
      `/v1/servers/${server.id}/files/etc/hostname`,
      `/v1/dr-pairs/${pair.id}`,
      `/v1/dr-pairs/${pair.id}/history`,
      `/v1/dr-pairs/${pair.id}/recovery-points`,
      `/v1/dr-pairs/${pair.id}/recovery-points/${points[0]?.id}/files`,
      `/v1/dr-pairs/${pair.id}/jobs`,
      `/v1/jobs/${jobs[0].id}`,
    ]) {
      expectProblem(await call('GET', path, { token: other }), 404);
    }
    expectProblem(await act(call, pair.id, 'stop-replication', undefined, other), 404);
    expectProblem(await call('DELETE', `/v1/dr-pairs/${pair.id}`, { token: other }), 404);
    expectProblem(await call('POST', `/v1/servers/${server.id}/stop`, { token: other }), 404);
    expectProblem(
      await call('PUT', `/v1/servers/${server.id}/files/x`, { token: other, body: { content: 'x' } }),
      404,
    );
    expectProblem(
      await call('POST', '/v1/dr-pairs', {
        token: other,
        body: { mainServerId: server.id, shadow: { region: 'r', vpcId: 'v', subnetId: 's' } },
      }),
      404,
    );
    expect((await call('GET', '/v1/dr-pairs', { token: other })).body.items).toEqual([]);
    expect((await call('GET', '/v1/servers', { token: other })).body.items).toEqual([]);
    // The same tenant through another token sees everything.
    expect((await call('GET', `/v1/dr-pairs/${pair.id}`, { token: 'audit-token' })).status).toBe(200);
  });
});

describe('the control API', () => {
  it('takes the admin token, or a tenant token for its own world, when tokens are configured', async () => {
    const { call } = makeApp({ adminToken: 'root', auth: { tokens: TOKENS } });
    expectProblem(await call('GET', '/_sim/clock', { token: null }), 401, 'UNAUTHORIZED');
    expectProblem(await call('GET', '/_sim/clock', { token: 'guess' }), 401, 'UNAUTHORIZED');
    expectProblem(
      await call('GET', '/_sim/clock', { token: null, headers: { 'X-Drsim-Admin-Token': 'wrong' } }),
      401,
    );
    expect((await call('GET', '/_sim/health', { token: null })).status).toBe(200);
    expectProblem(await call('POST', '/_sim/clock/advance', { token: null, body: { by: '1h' } }), 401);

    // A tenant's token: its own world, nobody else's, nothing of the whole server.
    expect(
      (await call('POST', '/_sim/clock/advance', { token: 'ops-token', body: { by: '1h' } })).status,
    ).toBe(200);
    expect((await call('GET', '/_sim/clock?tenant=acme', { token: 'ops-token' })).body.now).toBe(
      '2026-01-05T01:00:00.000Z',
    );
    expectProblem(await call('GET', '/_sim/clock?tenant=globex', { token: 'ops-token' }), 403, 'FORBIDDEN');
    expectProblem(
      await call('POST', '/_sim/faults', {
        token: 'ops-token',
        body: { tenant: 'globex', target: 'failover', effect: { kind: 'fail' } },
      }),
      403,
    );
    expectProblem(await call('GET', '/_sim/state?scope=server', { token: 'ops-token' }), 403, 'FORBIDDEN');
    expectProblem(await call('POST', '/_sim/reset', { token: 'ops-token', body: { scope: 'server' } }), 403);
    // A read-only token reads its world and changes nothing.
    expect((await call('GET', '/_sim/clock', { token: 'audit-token' })).status).toBe(200);
    expectProblem(
      await call('POST', '/_sim/clock/advance', { token: 'audit-token', body: { by: '1h' } }),
      403,
    );

    // The admin token names any world, but must name one.
    expectProblem(await call('GET', '/_sim/clock', { token: 'root' }), 400, 'VALIDATION_FAILED');
    expect((await call('GET', '/_sim/clock?tenant=globex', { token: 'root' })).body.now).toBe(
      '2026-01-05T00:00:00.000Z',
    );
    const both = await call('GET', '/_sim/clock', {
      token: 'other-token',
      headers: { 'X-Drsim-Admin-Token': 'root' },
    });
    expect(both.status).toBe(200);
    expect(both.headers.get('x-drsim-time')).toBe('2026-01-05T00:00:00.000Z');
  });

  it('is open without any token configured; a bearer token still picks its own world', async () => {
    const { call } = makeApp();
    const server = await createServer(call);
    await attach(call, server.id);
    expect((await call('POST', '/_sim/clock/advance', { body: { by: '2h' } })).status).toBe(200);
    expect((await call('GET', '/_sim/clock?tenant=alice', { token: null })).body.now).toBe(
      '2026-01-05T02:00:00.000Z',
    );
    expect((await call('GET', '/_sim/clock?tenant=bob', { token: 'alice' })).body.now).toBe(
      '2026-01-05T00:00:00.000Z',
    );
    expectProblem(await call('GET', '/_sim/clock', { token: null }), 400, 'VALIDATION_FAILED');
  });

  it('says who a token is', async () => {
    const { call } = makeApp({ adminToken: 'root', auth: { tokens: TOKENS } });
    expect((await call('GET', '/_sim/identity', { token: 'audit-token' })).body).toEqual({
      tenant: 'acme',
      policy: 'read-only',
      admin: false,
      ephemeral: false,
      protected: true,
    });
    expect((await call('GET', '/_sim/identity', { token: 'root' })).body).toMatchObject({
      tenant: null,
      admin: true,
    });
    expectProblem(await call('GET', '/_sim/identity', { token: 'guess' }), 401);
    const open = makeApp();
    expect((await open.call('GET', '/_sim/identity', { token: null })).body).toEqual({
      tenant: null,
      policy: null,
      admin: true,
      ephemeral: false,
      protected: false,
    });
  });

  it('wants a rule for every tenant said explicitly (tenant=*, admin only)', async () => {
    const { call } = makeApp({ adminToken: 'root', auth: { tokens: TOKENS } });
    await call('GET', '/v1/servers', { token: 'ops-token' });
    await call('GET', '/v1/servers', { token: 'other-token' });
    const own = await call('POST', '/_sim/faults', {
      token: 'ops-token',
      body: { target: 'failover', effect: { kind: 'fail' } },
    });
    expect(own.status).toBe(201);
    expect(own.body.tenant).toBe('acme');
    expect((await call('GET', '/_sim/faults', { token: 'other-token' })).body.items).toEqual([]);
    expectProblem(
      await call('POST', '/_sim/faults?tenant=*', {
        token: 'ops-token',
        body: { target: 'failover', effect: { kind: 'fail' } },
      }),
      403,
    );
    const all = await call('POST', '/_sim/faults?tenant=*', {
      token: 'root',
      body: { target: 'detach', effect: { kind: 'fail' } },
    });
    expect(all.status).toBe(200);
    expect(all.body.items.map((r: { tenant: string }) => r.tenant).sort()).toEqual(['acme', 'globex']);
    expect((await call('GET', '/_sim/faults', { token: 'other-token' })).body.items).toHaveLength(1);
    const chaos = await call('POST', '/_sim/chaos?tenant=*', {
      token: 'root',
      body: { path: '/v1/servers', effect: { kind: 'status', status: 503 } },
    });
    expect(chaos.status).toBe(200);
    expect((await call('GET', '/v1/servers', { token: 'ops-token' })).status).toBe(503);
  });
});
