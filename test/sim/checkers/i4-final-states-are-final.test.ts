/** I4: nothing happens to a pair after COMMITTED or DETACHED. */
import { describe, expect, it } from 'vitest';
import { failing, insertAfter, lifecycle, tampered, transitionOfJob, violationsOf } from './helpers.js';

const NAME = 'I4-final-states-are-final';

describe(NAME, () => {
  it('passes on the real lifecycle, where the final job still ends and deletes points after the transition', () => {
    expect(violationsOf(lifecycle().state(), NAME)).toEqual([]);
  });

  it('reports a job created for a COMMITTED pair', () => {
    const state = tampered((s, life) => {
      insertAfter(s, transitionOfJob(s, life.jobs.commitC, 'COMMITTED'), {
        kind: 'job.created',
        data: { jobId: 'job-forged', type: 'detach', request: {} },
      });
    });
    expect(failing(state)).toEqual([NAME]);
    const [violation] = violationsOf(state, NAME);
    expect(violation).toContain(lifecycle().life.c);
    expect(violation).toContain('job-forged');
    expect(violation).toContain('after it became COMMITTED');
  });

  it('reports a transition out of DETACHED', () => {
    const state = tampered((s, life) => {
      insertAfter(s, transitionOfJob(s, life.jobs.detach, 'DETACHED'), {
        kind: 'pair.transition',
        data: {
          event: 'START_REPLICATION',
          from: 'DETACHED',
          to: 'STARTING_REPLICATION',
          activeRecoveryPointId: null,
        },
      });
    });
    expect(failing(state)).toEqual([NAME]);
    expect(violationsOf(state, NAME)[0]).toContain('DETACHED → STARTING_REPLICATION');
  });

  it('reports a recovery point created after the commit', () => {
    const state = tampered((s, life) => {
      const committed = transitionOfJob(s, life.jobs.commit, 'COMMITTED');
      const created = insertAfter(s, committed, {
        kind: 'recoveryPoint.created',
        data: { recoveryPointId: 'rp-late', dataVersion: 1 },
      });
      insertAfter(s, created, {
        kind: 'recoveryPoint.deleted',
        data: { recoveryPointId: 'rp-late', reason: 'interval' },
      });
    });
    // I1 objects too: a committed pair is not replicating.
    expect(failing(state)).toEqual(['I1-points-only-while-replicating', NAME]);
    expect(violationsOf(state, NAME)[0]).toContain('rp-late');
  });
});
