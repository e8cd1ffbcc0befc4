/** I6: a failed failover goes to FAILOVER_FAILED, never to FAILED_OVER. */
import { describe, expect, it } from 'vitest';
import { failing, lifecycle, tampered, transitionOfJob, violationsOf } from './helpers.js';

const NAME = 'I6-failed-failover-never-failed-over';

describe(NAME, () => {
  it('passes on the real lifecycle (a failover failed by a fault rule, then one that succeeds)', () => {
    expect(violationsOf(lifecycle().state(), NAME)).toEqual([]);
  });

  it('reports a FAILED failover whose pair became FAILED_OVER', () => {
    const state = tampered((s, life) => {
      transitionOfJob(s, life.jobs.failedFailover, 'FAILOVER_FAILED').data.to = 'FAILED_OVER';
    });
    expect(failing(state)).toEqual([NAME]);
    const violations = violationsOf(state, NAME);
    expect(violations[0]).toContain(lifecycle().life.jobs.failedFailover);
    expect(violations[0]).toContain('became FAILED_OVER');
    expect(violations[1]).toContain('no transition FAILOVER_PROCESSING → FAILOVER_FAILED');
  });

  it('reports a FAILED failover with no transition naming it', () => {
    const state = tampered((s, life) => {
      delete transitionOfJob(s, life.jobs.failedFailover, 'FAILOVER_FAILED').data.jobId;
    });
    expect(failing(state)).toEqual([NAME]);
    expect(violationsOf(state, NAME)).toHaveLength(1);
  });

  it('reports a failover recorded as FAILED although it failed over', () => {
    const state = tampered((s, life) => {
      const job = s.jobs.find((j) => j.id === life.jobs.failover)!;
      job.status = 'FAILED';
      job.error = { code: 'COPY_FAILED', message: 'forged' };
      s.events.find((e) => e.kind === 'job.ended' && e.data.jobId === job.id)!.data.status = 'FAILED';
    });
    expect(failing(state)).toEqual([NAME]);
  });
});
