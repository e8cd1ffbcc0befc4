/** I2: commits only from COMMITTING on success, COMMITTING and commit jobs only from FAILED_OVER. */
import { describe, expect, it } from 'vitest';
import { failing, jobEvent, lifecycle, tampered, transitionOfJob, violationsOf } from './helpers.js';

const NAME = 'I2-commit-only-after-failover';

describe(NAME, () => {
  it('passes on the real lifecycle (a failed commit, then a commit that deletes points, and one that keeps them)', () => {
    expect(violationsOf(lifecycle().state(), NAME)).toEqual([]);
  });

  it('reports COMMITTED reached by another event than OPERATION_SUCCEEDED', () => {
    const state = tampered((s, life) => {
      transitionOfJob(s, life.jobs.commit, 'COMMITTED').data.event = 'COMMIT_FAILOVER';
    });
    expect(failing(state)).toEqual([NAME]);
    expect(violationsOf(state, NAME)[0]).toMatch(/became COMMITTED .* by COMMIT_FAILOVER/);
  });

  it('reports COMMITTED reached from FAILED_OVER, skipping COMMITTING', () => {
    const state = tampered((s, life) => {
      transitionOfJob(s, life.jobs.commitC, 'COMMITTED').data.from = 'FAILED_OVER';
    });
    expect(failing(state)).toEqual([NAME]);
    expect(violationsOf(state, NAME)[0]).toContain(lifecycle().life.c);
  });

  it('reports COMMITTING entered from FAILOVER_FAILED', () => {
    const state = tampered((s, life) => {
      transitionOfJob(s, life.jobs.commit, 'COMMITTING').data.from = 'FAILOVER_FAILED';
    });
    expect(failing(state)).toEqual([NAME]);
    expect(violationsOf(state, NAME)[0]).toMatch(/entered COMMITTING .* from FAILOVER_FAILED/);
  });

  it('reports a commitFailover job created while the pair was not FAILED_OVER', () => {
    const state = tampered((s, life) => {
      // The transition just before the first commit job is the successful change's return to
      // FAILED_OVER; make it land elsewhere, so the commit job is created outside FAILED_OVER.
      const created = jobEvent(s, life.jobs.failedCommit, 'job.created');
      const before = s.events
        .filter((e) => e.kind === 'pair.transition' && e.pairId === life.a && e.seq < created.seq)
        .at(-1)!;
      before.data.to = 'FAILOVER_FAILED';
    });
    expect(failing(state)).toEqual([NAME]);
    const [violation] = violationsOf(state, NAME);
    expect(violation).toContain(lifecycle().life.jobs.failedCommit);
    expect(violation).toContain('while the pair was FAILOVER_FAILED');
  });
});
