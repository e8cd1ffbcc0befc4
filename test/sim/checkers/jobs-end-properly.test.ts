/** jobs-end-properly: ended jobs carry endedAt, error codes, consistent steps and a job.ended event. */
import { describe, expect, it } from 'vitest';
import { failing, jobEvent, lifecycle, removeEvent, storedJob, tampered, violationsOf } from './helpers.js';

const NAME = 'jobs-end-properly';

describe(NAME, () => {
  it('passes on the real lifecycle', () => {
    expect(violationsOf(lifecycle().state(), NAME)).toEqual([]);
  });

  it('reports a SUCCEEDED job with a FAILED step', () => {
    const state = tampered((s, life) => {
      const job = storedJob(s, life.jobs.failedCommit);
      job.status = 'SUCCEEDED';
      job.error = null;
      jobEvent(s, job.id, 'job.ended').data.status = 'SUCCEEDED';
    });
    expect(failing(state)).toEqual([NAME]);
    const [violation] = violationsOf(state, NAME);
    expect(violation).toContain(lifecycle().life.jobs.failedCommit);
    expect(violation).toMatch(/step '.*' FAILED/);
  });

  it('reports a FAILED job without an error code and an ended job without endedAt', () => {
    const state = tampered((s, life) => {
      storedJob(s, life.jobs.failedChange).error = null;
      storedJob(s, life.jobs.stop).endedAt = null;
    });
    expect(failing(state)).toEqual([NAME]);
    const violations = violationsOf(state, NAME);
    expect(violations).toHaveLength(2);
    expect(violations.join('\n')).toContain('has no error code');
    expect(violations.join('\n')).toContain('has no endedAt');
  });

  it('reports a RUNNING job with no RUNNING step', () => {
    const state = tampered((s, life) => {
      const job = storedJob(s, life.jobs.resume);
      job.status = 'RUNNING';
      job.endedAt = null;
    });
    expect(failing(state)).toEqual([NAME]);
    expect(violationsOf(state, NAME)[0]).toContain('has 0 RUNNING steps');
  });

  it('reports an ended job with no job.ended event, or one that disagrees', () => {
    const missing = tampered((s, life) => removeEvent(s, jobEvent(s, life.jobs.detach, 'job.ended')));
    expect(failing(missing)).toEqual([NAME]);
    expect(violationsOf(missing, NAME)[0]).toContain('has no job.ended event');
    const disagreeing = tampered((s, life) => {
      jobEvent(s, life.jobs.stop, 'job.ended').data.status = 'FAILED';
    });
    expect(failing(disagreeing)).toEqual([NAME]);
    expect(violationsOf(disagreeing, NAME)[0]).toContain('says FAILED');
  });
});
