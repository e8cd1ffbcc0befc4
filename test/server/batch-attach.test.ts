/**
 * Attach a Server with several main servers selected is one operation in the service:
 * `POST /v1/dr-pairs/batch` attaches all of them, or none (the problem says which failed).
 */
import { describe, expect, it } from 'vitest';
import { createServer, expectProblem, makeApp, SHADOW } from './helpers.js';

const BATCH = '/v1/dr-pairs/batch';

describe('POST /v1/dr-pairs/batch', () => {
  it('attaches every server with one placement, each pair named after its main', async () => {
    const { call } = makeApp();
    const a = await createServer(call, 'web-01');
    const b = await createServer(call, 'web-02');
    const res = await call('POST', BATCH, { body: { mainServerIds: [b.id, a.id], shadow: SHADOW } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.items.map((p: { name: string; status: string }) => [p.name, p.status])).toEqual([
      ['web-02', 'ATTACHED'],
      ['web-01', 'ATTACHED'],
    ]);
    expect(res.body.items[0].mainServer.id).toBe(b.id);
    const listed = await call('GET', '/v1/dr-pairs');
    expect(listed.body.items).toHaveLength(2);
    expect(listed.body.items[0].shadowPlacement).toMatchObject(SHADOW);
  });

  it('attaches nothing when one server is refused, and names it with its own code and status', async () => {
    const { call, sim } = makeApp();
    const ok = await createServer(call, 'web-01');
    const paired = await createServer(call, 'web-02');
    const expired = sim.createServer('alice', {
      name: 'old-01',
      region: 'HCM-3',
      expiresAt: '2026-01-01T00:00:00Z',
    });
    expect(
      (await call('POST', '/v1/dr-pairs', { body: { mainServerId: paired.id, shadow: SHADOW } })).status,
    ).toBe(201);
    const before = await call('GET', '/_sim/events?limit=500');

    const refused = await call('POST', BATCH, {
      body: { mainServerIds: [ok.id, expired.id, paired.id], shadow: SHADOW },
    });
    expectProblem(refused, 422, 'SERVER_EXPIRED');
    expect(refused.body.detail).toMatch(/^Nothing was attached\./);
    expect(refused.body.detail).toContain(expired.id);
    expect(refused.body.detail).toContain(paired.id);
    expect(refused.body.failures).toEqual([
      {
        index: 1,
        mainServerId: expired.id,
        code: 'SERVER_EXPIRED',
        detail: expect.stringContaining(expired.id),
      },
      { index: 2, mainServerId: paired.id, code: 'SERVER_ALREADY_PAIRED', detail: expect.any(String) },
    ]);
    // The valid server was not attached either, and no event says otherwise.
    expect((await call('GET', '/v1/dr-pairs')).body.items).toHaveLength(1);
    expect((await call('GET', `/v1/servers/${ok.id}`)).body.role).not.toBe('MAIN');
    expect((await call('GET', '/_sim/events?limit=500')).body.items).toEqual(before.body.items);

    // Only a conflict: its own status.
    const conflict = await call('POST', BATCH, {
      body: { mainServerIds: [paired.id, ok.id], shadow: SHADOW },
    });
    expectProblem(conflict, 409, 'SERVER_ALREADY_PAIRED');
    expect(conflict.body.failures).toHaveLength(1);
    const missing = await call('POST', BATCH, {
      body: { mainServerIds: [ok.id, 'srv-nope'], shadow: SHADOW },
    });
    expectProblem(missing, 404, 'SERVER_NOT_FOUND');
    expect(missing.body.failures).toEqual([expect.objectContaining({ index: 1, mainServerId: 'srv-nope' })]);
    expect((await call('GET', '/v1/dr-pairs')).body.items).toHaveLength(1);
  });

  it('refuses a bad list or placement with 400/422 before attaching anything', async () => {
    const { call } = makeApp();
    const a = await createServer(call, 'web-01');
    expectProblem(
      await call('POST', BATCH, { body: { mainServerIds: [], shadow: SHADOW } }),
      400,
      'VALIDATION_FAILED',
    );
    const twice = await call('POST', BATCH, { body: { mainServerIds: [a.id, a.id], shadow: SHADOW } });
    expectProblem(twice, 400, 'VALIDATION_FAILED');
    expect(twice.body.detail).toContain('listed twice');
    expectProblem(
      await call('POST', BATCH, {
        body: { mainServerIds: Array.from({ length: 51 }, (_, i) => `srv-${i}`), shadow: SHADOW },
      }),
      400,
      'VALIDATION_FAILED',
    );
    const badVpc = await call('POST', BATCH, {
      body: { mainServerIds: [a.id], shadow: { ...SHADOW, vpcId: 'vpc-nowhere' } },
    });
    expectProblem(badVpc, 422, 'NOT_IN_REGION');
    expect((await call('GET', '/v1/dr-pairs')).body.items).toHaveLength(0);
  });

  it('is one action for Idempotency-Key and for IAM (DrPairAttachServer)', async () => {
    const { call } = makeApp({
      auth: {
        tokens: [
          { token: 'alice', tenant: 'acme', policy: 'full' },
          { token: 'reader', tenant: 'acme', policy: 'read-only' },
        ],
      },
    });
    const a = await createServer(call, 'web-01');
    const b = await createServer(call, 'web-02');
    const body = { mainServerIds: [a.id, b.id], shadow: SHADOW };
    const headers = { 'Idempotency-Key': 'attach-both' };
    const first = await call('POST', BATCH, { body, headers });
    const again = await call('POST', BATCH, { body, headers });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect((await call('GET', '/v1/dr-pairs')).body.items).toHaveLength(2);
    expectProblem(
      await call('POST', BATCH, { body: { ...body, mainServerIds: [a.id] }, headers }),
      422,
      'IDEMPOTENCY_KEY_REUSED',
    );
    const reader = await call('POST', BATCH, { token: 'reader', body });
    expectProblem(reader, 403, 'FORBIDDEN');
    expect(JSON.stringify(reader.body)).toContain('DrPairAttachServer');
  });
});
