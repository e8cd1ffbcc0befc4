/**
 * The control API (`/_sim`): clock, progression (and polling a manual job), HTTP chaos,
 * the request journal, snapshots, export/import, tenant reset, checks, events and health.
 */
import { describe, expect, it } from 'vitest';
import { act, createServer, expectProblem, latest, makeApp, replicatingPair } from './helpers.js';

describe('clock', () => {
  it('reads, advances by a duration or to an instant, and switches mode', async () => {
    const { call } = makeApp();
    expect((await call('GET', '/_sim/clock')).body).toEqual({
      now: '2026-01-05T00:00:00.000Z',
      mode: 'manual',
      speed: 1,
      timeZone: 'Asia/Ho_Chi_Minh',
    });
    const by = await call('POST', '/_sim/clock/advance', { body: { by: '15m' } });
    expect(by.body).toMatchObject({ from: '2026-01-05T00:00:00.000Z', to: '2026-01-05T00:15:00.000Z' });
    expect(by.headers.get('x-drsim-time')).toBe('2026-01-05T00:15:00.000Z');
    const to = await call('POST', '/_sim/clock/advance', { body: { to: '2026-01-06T00:00:00.000Z' } });
    expect(to.body.clock.now).toBe('2026-01-06T00:00:00.000Z');
    expectProblem(
      await call('POST', '/_sim/clock/advance', { body: { by: 'soon' } }),
      400,
      'VALIDATION_FAILED',
    );
    expectProblem(await call('POST', '/_sim/clock/advance', { body: { by: '1h', to: 'x' } }), 400);
    expectProblem(
      await call('POST', '/_sim/clock/advance', { body: { by: '99999999d' } }),
      400,
      'VALIDATION_FAILED',
    );
    expectProblem(await call('POST', '/_sim/clock/advance', { body: { to: '2099-01-01T00:00:00Z' } }), 400);
    expect((await call('PUT', '/_sim/clock', { body: { mode: 'realtime', speed: 60 } })).body).toMatchObject({
      mode: 'realtime',
      speed: 60,
    });
    expectProblem(await call('PUT', '/_sim/clock', { body: { speed: -1 } }), 400);
  });
});

describe('progression', () => {
  it('manual progression: polls of GET and HEAD /v1/jobs/{id} move nothing; POST /_sim/jobs/{id}/step does', async () => {
    const { call } = makeApp();
    const { pair, points } = await replicatingPair(call);
    const set = await call('PUT', '/_sim/progression', { body: { failover: 'manual' } });
    expect(set.body).toMatchObject({ default: 'clock', failover: 'manual' });
    expect((await call('GET', '/_sim/progression')).body.failover).toBe('manual');
    const job = await act(call, pair.id, 'failover', { recoveryPointId: latest(points).id });
    await call('POST', '/_sim/clock/advance', { body: { by: '1d' } });
    const location = job.headers.get('location') ?? '';
    const first = (await call('GET', location)).body;
    const version = (await call('GET', '/_sim/health')).body.stateVersion;
    for (let i = 0; i < 10; i++) {
      expect((await call('GET', location)).body).toEqual(first);
      expect((await call('HEAD', location)).status).toBe(200);
    }
    expect((await call('GET', '/_sim/health')).body.stateVersion, 'a read changed the state').toBe(version);
    expect(first.status).toBe('RUNNING');
    let stepped = first;
    let steps = 0;
    while (stepped.status === 'RUNNING' && steps < 50) {
      stepped = (await call('POST', `/_sim/jobs/${first.id}/step?tenant=alice`)).body;
      steps++;
    }
    expect(stepped.status).toBe('SUCCEEDED');
    expect(steps).toBeGreaterThan(1);
    expect((await call('GET', `/v1/dr-pairs/${pair.id}`)).body.status).toBe('FAILED_OVER');
    expectProblem(await call('PUT', '/_sim/progression', { body: { failover: 'fast' } }), 400);
    expectProblem(await call('PUT', '/_sim/progression', { body: { nonsense: 'manual' } }), 400);
  });

  it('steps a manual job through /_sim/jobs/{id}/step', async () => {
    const { call } = makeApp();
    const { pair } = await replicatingPair(call);
    await call('PUT', '/_sim/progression', { body: { default: 'manual' } });
    const job = await act(call, pair.id, 'stop-replication');
    const stepped = await call('POST', `/_sim/jobs/${job.body.id}/step?tenant=alice`);
    expect(stepped.status).toBe(200);
    expect(stepped.body.id).toBe(job.body.id);
    expectProblem(await call('POST', `/_sim/jobs/${job.body.id}/step?tenant=bob`), 404, 'JOB_NOT_FOUND');
  });
});

describe('HTTP chaos', () => {
  it('answers 503 with Retry-After for the matching requests, a number of times, changing nothing', async () => {
    const { call, sim } = makeApp();
    const { pair, points } = await replicatingPair(call);
    const rule = await call('POST', '/_sim/chaos', {
      body: {
        method: 'POST',
        path: '/v1/dr-pairs/*/failover',
        effect: { kind: 'status', status: 503, retryAfterSeconds: 2 },
        times: 2,
      },
    });
    expect(rule.status).toBe(201);
    const body = { recoveryPointId: latest(points).id };
    const first = await act(call, pair.id, 'failover', body);
    expectProblem(first, 503, 'CHAOS_INJECTED');
    expect(first.headers.get('retry-after')).toBe('2');
    expect(sim.getPair('alice', pair.id).status).toBe('REPLICATING');
    expectProblem(await act(call, pair.id, 'failover', body), 503);
    expect((await call('GET', `/v1/dr-pairs/${pair.id}`)).status).toBe(200);
    expect((await act(call, pair.id, 'failover', body)).status).toBe(202);
    expect((await call('GET', '/_sim/chaos')).body.items[0]).toMatchObject({ id: rule.body.id, fired: 2 });
    expect((await call('DELETE', `/_sim/chaos/${rule.body.id}`)).status).toBe(204);
    expectProblem(await call('DELETE', `/_sim/chaos/${rule.body.id}`), 404);
  });

  it("phase 'after' applies the request and loses the answer, which an Idempotency-Key recovers", async () => {
    const { call } = makeApp();
    const { pair, points } = await replicatingPair(call);
    await call('POST', '/_sim/chaos', {
      body: {
        path: '/v1/dr-pairs/**',
        method: 'post',
        effect: { kind: 'status', status: 500 },
        times: 1,
        phase: 'after',
      },
    });
    const headers = { 'Idempotency-Key': 'retry-me' };
    const body = { recoveryPointId: latest(points).id };
    const lost = await call('POST', `/v1/dr-pairs/${pair.id}/failover`, { body, headers });
    expectProblem(lost, 500, 'CHAOS_INJECTED');
    expect((await call('GET', `/v1/dr-pairs/${pair.id}`)).body.status).toBe('FAILOVER_PROCESSING');
    const retried = await call('POST', `/v1/dr-pairs/${pair.id}/failover`, { body, headers });
    expect(retried.status).toBe(202);
  });

  it('adds latency, drops connections, and never touches /_sim', async () => {
    const { call, app } = makeApp();
    await call('POST', '/_sim/chaos', { body: { path: '/v1/servers', effect: { kind: 'latency', ms: 60 } } });
    const started = performance.now();
    expect((await call('GET', '/v1/servers')).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
    await call('DELETE', '/_sim/chaos');
    await call('POST', '/_sim/chaos', { body: { path: '/v1/**', effect: { kind: 'drop' }, times: 1 } });
    // Another tenant's requests meet none of alice's rules.
    expect((await call('GET', '/v1/servers', { token: 'bob' })).status).toBe(200);
    await expect(app.request('/v1/servers', { headers: { Authorization: 'Bearer alice' } })).rejects.toThrow(
      /dropped/,
    );
    expect((await call('GET', '/v1/servers')).status).toBe(200);
    await call('POST', '/_sim/chaos', { body: { path: '/**', effect: { kind: 'status', status: 500 } } });
    expect((await call('GET', '/_sim/clock')).status).toBe(200);
    expectProblem(await call('GET', '/v1/servers'), 500, 'CHAOS_INJECTED');
  });

  it('with a probability, the same seed fails the same requests', async () => {
    const outcomes = async () => {
      const { call } = makeApp({ seed: 42 });
      await call('POST', '/_sim/chaos', {
        body: { path: '/v1/servers', effect: { kind: 'status', status: 429 }, probability: 0.5 },
      });
      const statuses: number[] = [];
      for (let i = 0; i < 40; i++) statuses.push((await call('GET', '/v1/servers')).status);
      return statuses;
    };
    const first = await outcomes();
    expect(first).toEqual(await outcomes());
    expect(first).toContain(429);
    expect(first).toContain(200);
  });

  it('rejects malformed rules', async () => {
    const { call } = makeApp();
    expectProblem(
      await call('POST', '/_sim/chaos', {
        body: { path: '/v1/**', effect: { kind: 'status', status: 404 } },
      }),
      400,
    );
    expectProblem(
      await call('POST', '/_sim/chaos', {
        body: { path: '/v1/**', effect: { kind: 'drop' }, probability: 2 },
      }),
      400,
    );
  });
});

describe('request journal', () => {
  it('finds and counts requests by method and path pattern, and clears', async () => {
    const { call } = makeApp();
    const { pair, points } = await replicatingPair(call);
    await call('DELETE', '/_sim/requests');
    await act(call, pair.id, 'failover', { recoveryPointId: latest(points).id });
    await act(call, pair.id, 'failover', { recoveryPointId: latest(points).id });
    await call('GET', `/v1/dr-pairs/${pair.id}`);
    const found = await call(
      'GET',
      `/_sim/requests?method=POST&path=${encodeURIComponent('/v1/dr-pairs/*/failover')}`,
    );
    expect(found.body.items).toHaveLength(2);
    expect(found.body.items[0]).toMatchObject({
      method: 'POST',
      path: `/v1/dr-pairs/${pair.id}/failover`,
      status: 202,
      tenant: 'alice',
      body: { recoveryPointId: latest(points).id },
    });
    expect(found.body.items[1].status).toBe(409);
    expect((await call('GET', '/_sim/requests/count?path=/v1/**')).body.count).toBe(3);
    expect((await call('GET', '/_sim/requests/count?method=GET')).body.count).toBe(1);
    expect((await call('DELETE', '/_sim/requests')).status).toBe(204);
    expect((await call('GET', '/_sim/requests/count')).body.count).toBe(0);
  });

  it('is a bounded ring buffer', async () => {
    const { call } = makeApp({ journalCapacity: 5 });
    for (let i = 0; i < 8; i++) await call('GET', `/v1/servers?limit=${i + 1}`);
    const items = (await call('GET', '/_sim/requests')).body.items;
    expect(items).toHaveLength(5);
    expect(items[0].query).toEqual({ limit: '4' });
  });
});

describe('state', () => {
  it('saves, lists and restores named snapshots', async () => {
    const { call } = makeApp();
    const { pair, points } = await replicatingPair(call);
    const saved = await call('POST', '/_sim/snapshots', { body: { name: 'before-failover' } });
    expect(saved.status).toBe(201);
    expect(saved.body.name).toBe('before-failover');
    await act(call, pair.id, 'failover', { recoveryPointId: latest(points).id });
    expect((await call('GET', '/_sim/snapshots')).body.items.map((s: { name: string }) => s.name)).toEqual([
      'before-failover',
    ]);
    expect((await call('POST', '/_sim/snapshots/before-failover/restore')).status).toBe(204);
    expect((await call('GET', `/v1/dr-pairs/${pair.id}`)).body.status).toBe('REPLICATING');
    expectProblem(await call('POST', '/_sim/snapshots/nope/restore'), 404, 'SNAPSHOT_NOT_FOUND');
    expectProblem(await call('POST', '/_sim/snapshots', { body: { name: 'a b' } }), 400);
  });

  it('exports and imports the whole state', async () => {
    const source = makeApp();
    const { pair } = await replicatingPair(source.call);
    const exported = await source.call('GET', '/_sim/state');
    expect(exported.body).toMatchObject({ format: 'drsim-state', version: 1 });
    const target = makeApp();
    expect((await target.call('PUT', '/_sim/state', { body: exported.body })).status).toBe(204);
    expect((await target.call('GET', `/v1/dr-pairs/${pair.id}`)).body).toEqual(
      (await source.call('GET', `/v1/dr-pairs/${pair.id}`)).body,
    );
    expectProblem(await target.call('PUT', '/_sim/state', { body: { format: 'other' } }), 400);
  });

  it('resets one tenant and leaves the others', async () => {
    const { call } = makeApp();
    await createServer(call, 'a-01', 'alice');
    await createServer(call, 'b-01', 'bob');
    expect((await call('POST', '/_sim/tenants/alice/reset')).status).toBe(204);
    expect((await call('GET', '/v1/servers', { token: 'alice' })).body.items).toEqual([]);
    expect((await call('GET', '/v1/servers', { token: 'bob' })).body.items).toHaveLength(1);
  });
});

describe('observation', () => {
  it('checks, events and health', async () => {
    const { call } = makeApp();
    await replicatingPair(call);
    const checks = await call('GET', '/_sim/checks');
    expect(checks.body.ok).toBe(true);
    const events = await call('GET', '/_sim/events?tenant=alice&limit=5');
    expect(events.body.items).toHaveLength(5);
    expect(events.body.nextCursor).toEqual(expect.any(String));
    const health = await call('GET', '/_sim/health', { token: null });
    expect(health.body).toMatchObject({ status: 'ok', seed: 7 });
  });

  it('sets a workload that writes on the server as time passes', async () => {
    const { call } = makeApp();
    const server = await createServer(call);
    expect(
      (
        await call('PUT', `/_sim/servers/${server.id}/workload?tenant=alice`, {
          body: { writesPerMinute: 2 },
        })
      ).status,
    ).toBe(204);
    await call('POST', '/_sim/clock/advance', { body: { by: '20m' } }); // written in 15-minute batches
    expect((await call('GET', `/v1/servers/${server.id}`)).body.dataVersion).toBeGreaterThan(
      server.dataVersion,
    );
  });
});
