/** no-points-after-replication-left: no stored point is newer than the pair's last exit from REPLICATING. */
import { describe, expect, it } from 'vitest';
import { failing, lifecycle, tampered, transitionOfJob, violationsOf } from './helpers.js';

const NAME = 'no-points-after-replication-left';

describe(NAME, () => {
  it('passes on the real lifecycle, where a committed pair keeps its read-only points', () => {
    const { life, state } = lifecycle();
    const s = state();
    expect(s.recoveryPoints.filter((p) => p.pairId === life.c).length).toBeGreaterThan(0);
    expect(violationsOf(s, NAME)).toEqual([]);
  });

  it('reports a point of a committed pair dated after its failover stopped replication', () => {
    let pointId = '';
    const state = tampered((s, life) => {
      const point = s.recoveryPoints.find((p) => p.pairId === life.c)!;
      pointId = point.id;
      const failoverC = s.events.find(
        (e) => e.kind === 'pair.transition' && e.pairId === life.c && e.data.to === 'FAILOVER_PROCESSING',
      )!;
      point.createdAt = new Date(Date.parse(failoverC.at) + 15 * 60_000).toISOString();
    });
    expect(failing(state)).toEqual([NAME]);
    const [violation] = violationsOf(state, NAME);
    expect(violation).toContain(lifecycle().life.c);
    expect(violation).toContain(pointId);
    expect(violation).toContain('left REPLICATING for FAILOVER_PROCESSING');
  });

  it('reports a point kept by a pair that never replicated', () => {
    const state = tampered((s, life) => {
      const point = s.recoveryPoints.find((p) => p.pairId === life.c)!;
      const pair = s.pairs.find((p) => p.id === life.c)!;
      // A fresh pair of the same main, still ATTACHED, that somehow holds a point.
      s.pairs.push({ ...pair, id: 'drp-fresh', status: 'ATTACHED', shadowServerId: null });
      s.recoveryPoints.push({ ...point, id: 'rp-orphan', pairId: 'drp-fresh' });
    });
    expect(failing(state)).toEqual([NAME]);
    expect(violationsOf(state, NAME)[0]).toContain('never replicated');
  });

  it('reports a paused pair whose stored point is newer than the pause', () => {
    const state = tampered((s, life) => {
      // Pretend A is still PAUSED (its stop happened; forget everything after), holding a newer point.
      const paused = transitionOfJob(s, life.jobs.stop, 'PAUSED');
      s.events = s.events.filter((e) => e.pairId !== life.a || e.seq <= paused.seq);
      s.pairs.find((p) => p.id === life.a)!.status = 'PAUSED';
      const point = s.recoveryPoints.find((p) => p.pairId === life.c)!;
      s.recoveryPoints.push({
        ...point,
        id: 'rp-after-pause',
        pairId: life.a,
        createdAt: '2026-01-05T23:00:00.000Z',
      });
    });
    expect(failing(state)).toContain(NAME);
    expect(violationsOf(state, NAME)[0]).toContain('rp-after-pause');
  });
});
