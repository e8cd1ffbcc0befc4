/**
 * `Idempotency-Key`: a retried action returns the job of the first attempt instead of
 * starting another; the same key for another action is refused (422).
 */
import { describe, expect, it } from 'vitest';
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
      headers: { 'Idempotency-Key': 'k'.repeat(256) },
    });
    expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(res.body.errors[0]).toMatchObject({ in: 'header' });
  });
});
