/**
 * `Idempotency-Key`: a retried action returns the job of the first attempt instead of
 * starting another; the same key for another action is refused (422).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/server/logger.js';
import { startServer } from '../../src/server/serve.js';
import { act, expectProblem, latest, makeApp, replicatingPair } from './helpers.js';

describe('Idempotency-Key', () => {
  it('a retry returns the same job and starts nothing new', async () => {
    const { call } = makeApp();
    const { pair, points } = await replicatingPair(call);
    const headers = { 'Idempotency-Key': 'failover-1' };
    const body = { recoveryPointId: latest(points).id };
    const first = await call('POST', `/v1/dr-pairs/${pair.id}/failover`, { body, headers });
    const retry = await call('POST', `/v1/dr-pairs/${pair.id}/failover`, { body, headers });
    expect(first.status).toBe(202);
    expect(retry.status).toBe(202);
    expect(retry.body.id).toBe(first.body.id);
    expect(retry.headers.get('location')).toBe(first.headers.get('location'));
    const jobs = (await call('GET', `/v1/dr-pairs/${pair.id}/jobs`)).body.items;
    expect(jobs.filter((job: { type: string }) => job.type === 'failover')).toHaveLength(1);
    // Without the key the retry is refused by state, as it would be on the service.
    expectProblem(await act(call, pair.id, 'failover', body), 409, 'INVALID_STATE');
  });

  it('the same key for another action is 422 IDEMPOTENCY_KEY_REUSED', async () => {
    const { call } = makeApp();
    const { pair, points } = await replicatingPair(call);
    const headers = { 'Idempotency-Key': 'k-1' };
    expect((await call('POST', `/v1/dr-pairs/${pair.id}/stop-replication`, { headers })).status).toBe(202);
    const reused = await call('POST', `/v1/dr-pairs/${pair.id}/failover`, {
      headers,
      body: { recoveryPointId: latest(points).id },
    });
    expectProblem(reused, 422, 'IDEMPOTENCY_KEY_REUSED');
  });

  it('keys belong to a tenant', async () => {
    const { call } = makeApp();
    const a = await replicatingPair(call, 'alice');
    const b = await replicatingPair(call, 'bob');
    const headers = { 'Idempotency-Key': 'shared' };
    const fromA = await call('POST', `/v1/dr-pairs/${a.pair.id}/stop-replication`, {
      headers,
      token: 'alice',
    });
    const fromB = await call('POST', `/v1/dr-pairs/${b.pair.id}/stop-replication`, { headers, token: 'bob' });
    expect(fromA.status).toBe(202);
    expect(fromB.status).toBe(202);
    expect(fromB.body.id).not.toBe(fromA.body.id);
  });

  it('an empty or oversized key is a 400', async () => {
    const { call } = makeApp();
    const res = await call('POST', '/v1/dr-pairs/drp-1/stop-replication', {
      headers: { 'Idempotency-Key': 'k'.repeat(201) },
    });
    expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(res.body.errors[0]).toMatchObject({ in: 'header' });
  });

  it('a create with a key answers the first response again; another request with it is 422 naming the first', async () => {
    const { call } = makeApp();
    const headers = { 'Idempotency-Key': 'create-web-01' };
    const body = { name: 'web-01', region: 'HCM-3' };
    const first = await call('POST', '/v1/servers', { body, headers });
    // Key order is not a different request.
    const retry = await call('POST', '/v1/servers', { body: { region: 'HCM-3', name: 'web-01' }, headers });
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.get('location')).toBe(first.headers.get('location'));
    expect((await call('GET', '/v1/servers')).body.items).toHaveLength(1);
    const other = await call('POST', '/v1/servers', { body: { ...body, name: 'web-02' }, headers });
    expectProblem(other, 422, 'IDEMPOTENCY_KEY_REUSED');
    expect(other.body.firstRequest).toEqual({ method: 'POST', path: '/v1/servers' });
    const elsewhere = await call('POST', '/v1/dr-pairs', {
      body: {
        mainServerId: first.body.id,
        shadow: { region: 'HAN-1', vpcId: 'vpc-dr', subnetId: 'subnet-dr-a' },
      },
      headers,
    });
    expectProblem(elsewhere, 422, 'IDEMPOTENCY_KEY_REUSED');
  });

  it('the same key with another recovery point is 422, not the first job (#15 item 9)', async () => {
    const { call } = makeApp();
    const { pair, points } = await replicatingPair(call);
    const headers = { 'Idempotency-Key': 'failover-1' };
    const first = await call('POST', `/v1/dr-pairs/${pair.id}/failover`, {
      body: { recoveryPointId: latest(points).id },
      headers,
    });
    expect(first.status).toBe(202);
    const other = await call('POST', `/v1/dr-pairs/${pair.id}/failover`, {
      body: { recoveryPointId: points[points.length - 1]?.id },
      headers,
    });
    expectProblem(other, 422, 'IDEMPOTENCY_KEY_REUSED');
  });

  it('an attach retried with its key answers the pair again instead of 409 SERVER_ALREADY_PAIRED', async () => {
    const { call } = makeApp();
    const server = (await call('POST', '/v1/servers', { body: { name: 'db-01', region: 'HCM-3' } })).body;
    const request = {
      body: {
        mainServerId: server.id,
        shadow: { region: 'HAN-1', vpcId: 'vpc-dr', subnetId: 'subnet-dr-a' },
      },
      headers: { 'Idempotency-Key': 'attach-db-01' },
    };
    const first = await call('POST', '/v1/dr-pairs', request);
    const retry = await call('POST', '/v1/dr-pairs', request);
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.body.id).toBe(first.body.id);
  });

  it('a refusal before the route ran is not kept: the fixed request with the same key goes through', async () => {
    const { call } = makeApp();
    const headers = { 'Idempotency-Key': 'fix-and-retry' };
    expectProblem(
      await call('POST', '/v1/servers', { body: { name: 'x' }, headers }),
      400,
      'VALIDATION_FAILED',
    );
    expect(
      (await call('POST', '/v1/servers', { body: { name: 'x', region: 'HCM-3' }, headers })).status,
    ).toBe(201);
  });

  it('an answer lost by chaos after the route acted is given to the retry with the key', async () => {
    const { call } = makeApp();
    await call('POST', '/_sim/chaos', {
      body: {
        method: 'POST',
        path: '/v1/servers',
        effect: { kind: 'status', status: 503 },
        times: 1,
        phase: 'after',
      },
    });
    const headers = { 'Idempotency-Key': 'lost-answer' };
    const body = { name: 'web-01', region: 'HCM-3' };
    expectProblem(await call('POST', '/v1/servers', { body, headers }), 503, 'CHAOS_INJECTED');
    const retry = await call('POST', '/v1/servers', { body, headers });
    expect(retry.status).toBe(201);
    expect((await call('GET', '/v1/servers')).body.items).toHaveLength(1);
  });

  it('keys are kept for 24 hours of simulated time, then a key starts afresh', async () => {
    const { call } = makeApp();
    const headers = { 'Idempotency-Key': 'daily' };
    const body = { name: 'web-01', region: 'HCM-3' };
    const first = await call('POST', '/v1/servers', { body, headers });
    await call('POST', '/_sim/clock/advance', { body: { by: '23h' } });
    expect((await call('POST', '/v1/servers', { body, headers })).body.id).toBe(first.body.id);
    await call('POST', '/_sim/clock/advance', { body: { by: '1h' } });
    const later = await call('POST', '/v1/servers', { body, headers });
    expect(later.status).toBe(201);
    expect(later.body.id).not.toBe(first.body.id);
  });

  it('control creates take a key too: a retried snapshot save is not a 409', async () => {
    const { call } = makeApp();
    const request = { body: { name: 'before' }, headers: { 'Idempotency-Key': 'snap-1' } };
    const first = await call('POST', '/_sim/snapshots', request);
    const retry = await call('POST', '/_sim/snapshots', request);
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expectProblem(
      await call('POST', '/_sim/snapshots', { body: { name: 'before' } }),
      409,
      'SNAPSHOT_EXISTS',
    );
  });

  it("answers survive a restart: they are kept in the world's database", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'drsim-idem-'));
    const db = join(dir, 'drsim.db');
    const send = (server: { url: string }, body: object) =>
      fetch(`${server.url}/v1/servers`, {
        method: 'POST',
        headers: {
          authorization: 'Bearer acme',
          'content-type': 'application/json',
          'idempotency-key': 'web',
        },
        body: JSON.stringify(body),
      });
    try {
      const before = await startServer({ port: 0, db, logger: silentLogger });
      const first = await send(before, { name: 'web-01', region: 'HCM-3' });
      const firstBody = await first.text();
      await before.close();

      const after = await startServer({ port: 0, db, logger: silentLogger });
      try {
        const retry = await send(after, { region: 'HCM-3', name: 'web-01' });
        expect(retry.status).toBe(201);
        expect(await retry.text()).toBe(firstBody);
        expect(retry.headers.get('location')).toBe(first.headers.get('location'));
        expect(after.worlds.get('acme').listServers('acme').items).toHaveLength(1);
        const other = await send(after, { name: 'web-02', region: 'HCM-3' });
        expect(other.status).toBe(422);
        expect(((await other.json()) as { code: string }).code).toBe('IDEMPOTENCY_KEY_REUSED');
        // A reset of the world forgets them with everything else.
        after.worlds.reset('acme');
        expect((await send(after, { name: 'web-02', region: 'HCM-3' })).status).toBe(201);
      } finally {
        await after.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
