/**
 * A tenant is a world, over HTTP: ephemeral tenants with tokens of their own, worlds that never
 * see each other (clock, PRNG, chaos, journal), full resets, and the whole server's state and
 * reset behind the admin token and an explicit request.
 */
import { describe, expect, it } from 'vitest';
import { type Call, expectProblem, makeApp, SHADOW } from './helpers.js';

const TOKENS = [
  { token: 'ci-tok', tenant: 'acme', policy: 'full' as const },
  { token: 'ro-tok', tenant: 'acme', policy: 'read-only' as const },
  { token: 'other-tok', tenant: 'globex', policy: 'full' as const },
];

/** The same requests, as a CI run would make them; every answer kept, byte for byte. */
async function script(call: Call, token: string): Promise<string[]> {
  const answers: string[] = [];
  const keep = async (method: string, path: string, body?: unknown) => {
    const res = await call(method, path, { token, ...(body === undefined ? {} : { body }) });
    answers.push(`${res.status} ${JSON.stringify(res.body)} ${res.headers.get('x-drsim-time')}`);
    return res.body;
  };
  await keep('POST', '/_sim/chaos', {
    path: '/v1/dr-pairs/*',
    effect: { kind: 'status', status: 503 },
    probability: 0.5,
  });
  await keep('POST', '/_sim/faults', {
    target: 'failover',
    effect: { kind: 'fail' },
    trigger: { probability: 0.5 },
  });
  const server = await keep('POST', '/v1/servers', { name: 'web', region: 'HCM-3', files: { a: '1' } });
  const pair = await keep('POST', '/v1/dr-pairs', { mainServerId: server.id, shadow: SHADOW });
  await keep('PUT', `/_sim/servers/${server.id}/workload`, { writesPerMinute: 2.5 });
  await keep('POST', `/v1/dr-pairs/${pair.id}/start-replication`, { shadowName: 'web-dr', intervalHours: 1 });
  await keep('POST', '/_sim/clock/advance', { by: '3h' });
  for (let i = 0; i < 6; i++) await keep('GET', `/v1/dr-pairs/${pair.id}`);
  const points = await keep('GET', `/v1/dr-pairs/${pair.id}/recovery-points`);
  await keep('POST', `/v1/dr-pairs/${pair.id}/failover`, {
    recoveryPointId: points.items?.[0]?.id ?? 'none',
  });
  await keep('POST', '/_sim/clock/advance', { by: '1h' });
  await keep('GET', `/_sim/events?limit=500`);
  await keep('GET', '/_sim/requests');
  return answers.map((a) => a.replace(/"durationMs":[\d.]+/g, '"durationMs":0'));
}

async function ephemeral(call: Call, token: string, body: unknown = {}) {
  const res = await call('POST', '/_sim/tenants', { token, body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { tenant: string; token: string; seed: number; ephemeral: boolean; createdBy: string };
}

describe('ephemeral tenants', () => {
  it('are fresh worlds reached with a token of their own, and vanish when deleted', async () => {
    const { call } = makeApp({ auth: { tokens: TOKENS }, adminToken: 'root' });
    const made = await ephemeral(call, 'ci-tok', { seed: 7, startTime: '2026-02-02T00:00:00Z' });
    expect(made).toMatchObject({ ephemeral: true, createdBy: 'acme', seed: 7 });
    expect(made.tenant).toMatch(/^acme~[0-9a-f]{10}$/);
    expect((await call('GET', '/_sim/identity', { token: made.token })).body).toMatchObject({
      tenant: made.tenant,
      policy: 'full',
      ephemeral: true,
    });
    expect((await call('GET', '/_sim/clock', { token: made.token })).body.now).toBe(
      '2026-02-02T00:00:00.000Z',
    );
    const server = await call('POST', '/v1/servers', { token: made.token, body: { name: 'w', region: 'r' } });
    expect(server.status).toBe(201);
    // Nobody else sees into it; acme's own world is untouched.
    expectProblem(await call('GET', `/v1/servers/${server.body.id}`, { token: 'ci-tok' }), 404);
    expectProblem(await call('GET', `/_sim/tenants/${made.tenant}`, { token: 'other-tok' }), 403);
    expect((await call('GET', '/_sim/tenants', { token: 'other-tok' })).body.items).toEqual([]);
    const listed = (await call('GET', '/_sim/tenants', { token: 'ci-tok' })).body.items;
    expect(listed.map((t: { tenant: string }) => t.tenant).sort()).toEqual(['acme', made.tenant]);
    expectProblem(await call('DELETE', `/_sim/tenants/${made.tenant}`, { token: 'other-tok' }), 403);
    // Only the admin names a tenant or makes a lasting one; a read-only token makes none.
    expectProblem(await call('POST', '/_sim/tenants', { token: 'ci-tok', body: { tenant: 'mine' } }), 403);
    expectProblem(await call('POST', '/_sim/tenants', { token: 'ci-tok', body: { ephemeral: false } }), 403);
    expectProblem(await call('POST', '/_sim/tenants', { token: 'ro-tok', body: {} }), 403);
    expectProblem(await call('DELETE', '/_sim/tenants/acme', { token: 'ci-tok' }), 403);

    expect((await call('DELETE', `/_sim/tenants/${made.tenant}`, { token: made.token })).status).toBe(204);
    expectProblem(await call('GET', '/v1/servers', { token: made.token }), 401);
    expectProblem(
      await call('GET', `/_sim/tenants/${made.tenant}`, { token: 'root' }),
      404,
      'TENANT_NOT_FOUND',
    );
  });

  it('in development mode, the name of an ephemeral tenant is not a token for it', async () => {
    const { call } = makeApp();
    const made = await ephemeral(call, 'alice');
    expect(
      (await call('POST', '/v1/servers', { token: made.token, body: { name: 'w', region: 'r' } })).status,
    ).toBe(201);
    expectProblem(await call('GET', '/v1/servers', { token: made.tenant }), 401);
  });

  it('give byte-identical answers for the same seed and requests, whatever another tenant does meanwhile', async () => {
    const { call } = makeApp({ auth: { tokens: TOKENS } });
    const alone = await ephemeral(call, 'ci-tok', { seed: 11 });
    const expected = await script(call, alone.token);

    const busy = await ephemeral(call, 'ci-tok', { seed: 11 });
    const noisy = await ephemeral(call, 'other-tok', { seed: 11 });
    const [answers] = await Promise.all([
      script(call, busy.token),
      script(call, noisy.token),
      script(call, 'other-tok'),
    ]);
    expect(answers.join('\n').replaceAll(busy.tenant, 'T')).toBe(
      expected.join('\n').replaceAll(alone.tenant, 'T'),
    );
    // Some chaos and some faults struck, so the draws mattered.
    expect(expected.some((a) => a.startsWith('503'))).toBe(true);
  });
});

describe('worlds over HTTP', () => {
  it('keep a clock, chaos and journal each; a reset starts a world over', async () => {
    const { call } = makeApp({ auth: { tokens: TOKENS }, adminToken: 'root' });
    await call('POST', '/_sim/clock/advance', { token: 'ci-tok', body: { by: '5h' } });
    await call('POST', '/_sim/chaos', {
      token: 'ci-tok',
      body: { path: '/v1/**', effect: { kind: 'status', status: 429 } },
    });
    expect((await call('GET', '/v1/servers', { token: 'ci-tok' })).status).toBe(429);
    const globex = await call('GET', '/v1/servers', { token: 'other-tok' });
    expect(globex.status).toBe(200);
    expect(globex.headers.get('x-drsim-time')).toBe('2026-01-05T00:00:00.000Z');
    expect((await call('GET', '/_sim/requests/count', { token: 'other-tok' })).body.count).toBe(1);
    expect((await call('GET', '/_sim/requests/count', { token: 'ci-tok' })).body.count).toBe(1);

    expectProblem(await call('POST', '/_sim/tenants/globex/reset', { token: 'ci-tok' }), 403);
    expect((await call('POST', '/_sim/tenants/acme/reset', { token: 'ci-tok' })).status).toBe(204);
    const after = await call('GET', '/v1/servers', { token: 'ci-tok' });
    expect(after.status).toBe(200);
    expect(after.headers.get('x-drsim-time')).toBe('2026-01-05T00:00:00.000Z');
    expect((await call('GET', '/_sim/requests/count', { token: 'ci-tok' })).body.count).toBe(1);
  });

  it('the whole server: admin only, and only when asked explicitly', async () => {
    const { call } = makeApp({ auth: { tokens: TOKENS }, adminToken: 'root' });
    await call('POST', '/v1/servers', { token: 'ci-tok', body: { name: 'a', region: 'r' } });
    await call('POST', '/_sim/clock/advance', { token: 'other-tok', body: { by: '1h' } });
    const whole = await call('GET', '/_sim/state?scope=server', { token: 'root' });
    expect(whole.body).toMatchObject({ format: 'drsim-server-state', version: 1 });
    expect(whole.body.worlds.map((w: { tenant: string }) => w.tenant)).toEqual(['acme', 'globex']);

    // A tenant's own state: its world only, and it cannot import the whole server.
    const own = await call('GET', '/_sim/state', { token: 'ci-tok' });
    expect(own.body.servers).toHaveLength(1);
    expectProblem(await call('PUT', '/_sim/state', { token: 'ci-tok', body: whole.body }), 400);
    expectProblem(await call('PUT', '/_sim/state?scope=server', { token: 'ci-tok', body: whole.body }), 403);

    expectProblem(await call('POST', '/_sim/reset', { token: 'root', body: {} }), 400);
    expect((await call('POST', '/_sim/reset', { token: 'root', body: { scope: 'server' } })).status).toBe(
      204,
    );
    expect((await call('GET', '/_sim/tenants', { token: 'root' })).body.items).toEqual([]);
    expect((await call('PUT', '/_sim/state?scope=server', { token: 'root', body: whole.body })).status).toBe(
      204,
    );
    expect((await call('GET', '/v1/servers', { token: 'ci-tok' })).body.items).toHaveLength(1);
    expect((await call('GET', '/_sim/clock', { token: 'other-tok' })).body.now).toBe(
      '2026-01-05T01:00:00.000Z',
    );
  });
});
