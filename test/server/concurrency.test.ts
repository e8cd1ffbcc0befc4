/**
 * Races: many clients pressing Failover on the same pair at once. The engine decides each
 * request in one transaction, so exactly one starts the job and the rest see its state.
 */
import { describe, expect, it } from 'vitest';
import { expectProblem, latest, makeApp, replicatingPair } from './helpers.js';

describe('concurrent actions', () => {
  it('50 simultaneous failovers: one 202 and 49 409 INVALID_STATE', async () => {
    const { call } = makeApp();
    const { pair, points } = await replicatingPair(call);
    const body = { recoveryPointId: latest(points).id };
    const results = await Promise.all(
      Array.from({ length: 50 }, () => call('POST', `/v1/dr-pairs/${pair.id}/failover`, { body })),
    );
    const accepted = results.filter((res) => res.status === 202);
    const refused = results.filter((res) => res.status === 409);
    expect(accepted).toHaveLength(1);
    expect(refused).toHaveLength(49);
    for (const res of refused) {
      expectProblem(res, 409, 'INVALID_STATE');
      expect(res.body.pairStatus).toBe('FAILOVER_PROCESSING');
    }
    const jobs = (await call('GET', `/v1/dr-pairs/${pair.id}/jobs`)).body.items;
    expect(jobs.filter((job: { type: string }) => job.type === 'failover')).toHaveLength(1);
  });

  it('50 simultaneous failovers with one Idempotency-Key: 50 × 202 with one job', async () => {
    const { call } = makeApp();
    const { pair, points } = await replicatingPair(call);
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        call('POST', `/v1/dr-pairs/${pair.id}/failover`, {
          body: { recoveryPointId: latest(points).id },
          headers: { 'Idempotency-Key': 'press-once' },
        }),
      ),
    );
    expect(results.every((res) => res.status === 202)).toBe(true);
    expect(new Set(results.map((res) => res.body.id)).size).toBe(1);
  });
});
