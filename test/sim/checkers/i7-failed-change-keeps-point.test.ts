/** I7: a failed change of recovery point or commit returns to FAILED_OVER on the point it had. */
import { describe, expect, it } from 'vitest';
import { failing, lifecycle, storedJob, tampered, transitionOfJob, violationsOf } from './helpers.js';

const NAME = 'I7-failed-change-keeps-point';

describe(NAME, () => {
  it('passes on the real lifecycle (a failed change and a failed commit)', () => {
    expect(violationsOf(lifecycle().state(), NAME)).toEqual([]);
  });

  it('reports a failed change that returned on the point it asked for', () => {
    const state = tampered((s, life) => {
      const asked = storedJob(s, life.jobs.failedChange).request.recoveryPointId;
      transitionOfJob(s, life.jobs.failedChange, 'FAILED_OVER').data.activeRecoveryPointId = asked;
    });
    expect(failing(state)).toEqual([NAME]);
    const [violation] = violationsOf(state, NAME);
    expect(violation).toContain(lifecycle().life.jobs.failedChange);
    expect(violation).toMatch(/returned to FAILED_OVER at .* on recovery point rp-/);
  });

  it('reports a failed commit that returned with no active point', () => {
    const state = tampered((s, life) => {
      transitionOfJob(s, life.jobs.failedCommit, 'FAILED_OVER').data.activeRecoveryPointId = null;
    });
    expect(failing(state)).toEqual([NAME]);
    expect(violationsOf(state, NAME)[0]).toContain(lifecycle().life.jobs.failedCommit);
  });

  it('reports a failed change whose result says it rolled back to another point', () => {
    const state = tampered((s, life) => {
      const job = storedJob(s, life.jobs.failedChange);
      job.result.recoveryPointId = job.request.recoveryPointId;
    });
    // data-fidelity also compares the server with the wrong point's data.
    expect(failing(state)).toContain(NAME);
    expect(violationsOf(state, NAME)[0]).toContain('its result says the failover server was rolled back to');
  });

  it('reports a failed change with no return to FAILED_OVER', () => {
    const state = tampered((s, life) => {
      transitionOfJob(s, life.jobs.failedChange, 'FAILED_OVER').data.jobId = 'job-other';
    });
    expect(failing(state)).toEqual([NAME]);
    expect(violationsOf(state, NAME)[0]).toContain('no transition back to FAILED_OVER');
  });
});
