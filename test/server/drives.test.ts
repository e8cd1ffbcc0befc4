/**
 * Drives, renewal and pair settings over HTTP (decision 0011): problem documents with stable
 * codes, the IAM actions each route needs, and Restart Replication rebuilding the shadow.
 */
import { describe, expect, it } from 'vitest';
import type { TokenGrant } from '../../src/server/auth.js';
import type { DrPair, Server } from '../../src/sim/types.js';
import { act, advance, expectProblem, makeApp, replicatingPair } from './helpers.js';

describe('drives, renewal and settings over HTTP', () => {
  it('a grown main drive shows as drift until Restart Replication rebuilds the shadow', async () => {
    const { call } = makeApp();
    const { server, pair } = await replicatingPair(call);
    const grown = await call<Server>('PATCH', `/v1/servers/${server.id}/volumes/0`, {
      body: { sizeGb: 100 },
    });
    expect(grown.body.volumes[0]!.sizeGb).toBe(100);
    expect((await call<DrPair>('GET', `/v1/dr-pairs/${pair.id}`)).body.replication.shadowMatchesMain).toBe(
      false,
    );
    expect((await act(call, pair.id, 'restart-replication')).status).toBe(202);
    await advance(call, '1h');
    const after = (await call<DrPair>('GET', `/v1/dr-pairs/${pair.id}`)).body;
    expect(after.status).toBe('REPLICATING');
    expect(after.replication.shadowMatchesMain).toBe(true);
    const shadow = (await call<Server>('GET', `/v1/servers/${after.shadowServer!.id}`)).body;
    expect(shadow.volumes[0]!.sizeGb).toBe(100);
  });

  it('refusals are problem documents with stable codes and change nothing', async () => {
    const { call } = makeApp();
    const { server, pair } = await replicatingPair(call);
    expectProblem(
      await call('PATCH', `/v1/servers/${server.id}/volumes/0`, { body: { sizeGb: 1 } }),
      422,
      'VOLUME_CHANGE_REFUSED',
    );
    expectProblem(await call('DELETE', `/v1/servers/${server.id}/volumes/3`), 404, 'VOLUME_NOT_FOUND');
    expectProblem(await call('DELETE', `/v1/servers/${server.id}/volumes/x`), 400, 'VALIDATION_FAILED');
    expectProblem(
      await call('POST', `/v1/servers/${server.id}/volumes`, { body: { type: 'SSD', sizeGb: 0 } }),
      400,
      'VALIDATION_FAILED',
    );
    expectProblem(
      await call('PATCH', `/v1/dr-pairs/${pair.id}`, { body: { shadowFlavor: 'memory.4c16g' } }),
      422,
      'NOT_IN_REGION',
    );
    expectProblem(await call('PATCH', `/v1/dr-pairs/${pair.id}`, { body: {} }), 400, 'VALIDATION_FAILED');
    expectProblem(
      await call('POST', `/v1/servers/${server.id}/renew`, { body: {} }),
      409,
      'SERVER_STATE_CONFLICT',
    );
    const unchanged = (await call<Server>('GET', `/v1/servers/${server.id}`)).body;
    expect(unchanged.volumes).toHaveLength(1);
  });

  it('each route needs its IAM action', async () => {
    const tokens: TokenGrant[] = [
      { token: 'ops-token', tenant: 'acme', policy: 'full' },
      {
        token: 'dr-token',
        tenant: 'acme',
        policy: { actions: ['DrPair*', 'GetDrPair', 'vserver:GetServer'] },
      },
    ];
    const { call } = makeApp({ auth: { tokens } });
    const { server, pair } = await replicatingPair(call, 'ops-token');
    const denied = await call('POST', `/v1/servers/${server.id}/volumes`, {
      token: 'dr-token',
      body: { type: 'SSD' },
    });
    expectProblem(denied, 403, 'FORBIDDEN');
    expect(denied.body.action).toBe('vserver:UpdateServerVolumes');
    const renew = await call('POST', `/v1/servers/${server.id}/renew`, { token: 'dr-token', body: {} });
    expect(renew.body.action).toBe('vserver:RenewServer');
    const settings = await call('PATCH', `/v1/dr-pairs/${pair.id}`, {
      token: 'dr-token',
      body: { intervalHours: 2 },
    });
    expect(settings.status).toBe(200);
    const readOnly = makeApp({ auth: { tokens: [{ token: 'r', tenant: 'acme', policy: 'read-only' }] } });
    const ro = await readOnly.call('PATCH', `/v1/dr-pairs/${pair.id}`, {
      token: 'r',
      body: { intervalHours: 2 },
    });
    expectProblem(ro, 403, 'FORBIDDEN');
  });
});
