/** I1: a recovery point created outside REPLICATING is reported with its pair, point and time. */
import { describe, expect, it } from 'vitest';
import { failing, insertAfter, lifecycle, tampered, transitionOfJob, violationsOf } from './helpers.js';

const NAME = 'I1-points-only-while-replicating';

describe(NAME, () => {
  it('passes on the real lifecycle, where the first point follows the transition into REPLICATING', () => {
    expect(violationsOf(lifecycle().state(), NAME)).toEqual([]);
  });

  it('reports a point created while the pair is FAILED_OVER', () => {
    const state = tampered((s, life) => {
      const failedOver = transitionOfJob(s, life.jobs.failover, 'FAILED_OVER');
      const created = insertAfter(s, failedOver, {
        kind: 'recoveryPoint.created',
        data: { recoveryPointId: 'rp-forged', dataVersion: 1 },
      });
      // Deleted at once by retention, so only I1 has anything to say about it.
      insertAfter(s, created, {
        kind: 'recoveryPoint.deleted',
        data: { recoveryPointId: 'rp-forged', reason: 'interval' },
      });
    });
    expect(failing(state)).toEqual([NAME]);
    const [violation] = violationsOf(state, NAME);
    const { life } = lifecycle();
    expect(violation).toContain(life.a);
    expect(violation).toContain('rp-forged');
    expect(violation).toContain('FAILED_OVER');
  });

  it('reports a point created before the transition into REPLICATING (order of events, same instant)', () => {
    const state = tampered((s, life) => {
      const started = s.events.find(
        (e) => e.kind === 'pair.transition' && e.pairId === life.d && e.data.to === 'REPLICATING',
      )!;
      const firstPoint = s.events.find((e) => e.kind === 'recoveryPoint.created' && e.pairId === life.d)!;
      // Swap them: the point now comes first, while the pair is still STARTING_REPLICATION.
      s.events.splice(s.events.indexOf(firstPoint), 1);
      s.events.splice(s.events.indexOf(started), 0, firstPoint);
      s.events.forEach((e, i) => {
        e.seq = i + 1;
      });
    });
    expect(failing(state)).toEqual([NAME]);
    expect(violationsOf(state, NAME)[0]).toContain('STARTING_REPLICATION');
  });
});
