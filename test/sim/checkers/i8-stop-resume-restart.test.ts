/** I8: PAUSED only by stop from REPLICATING, back only by resume; restart jobs start a full copy. */
import { describe, expect, it } from 'vitest';
import { failing, lifecycle, tampered, transitionOfJob, violationsOf } from './helpers.js';

const NAME = 'I8-stop-resume-restart';

describe(NAME, () => {
  it('passes on the real lifecycle (stop, resume, restart)', () => {
    expect(violationsOf(lifecycle().state(), NAME)).toEqual([]);
  });

  it('reports PAUSED entered by another event than STOP_REPLICATION', () => {
    const state = tampered((s, life) => {
      transitionOfJob(s, life.jobs.stop, 'PAUSED').data.event = 'REPLICATION_FAILED';
    });
    expect(failing(state)).toEqual([NAME]);
    expect(violationsOf(state, NAME)[0]).toContain(
      `Pair ${lifecycle().life.a}: REPLICATING → PAUSED by REPLICATION_FAILED`,
    );
  });

  it('reports PAUSED entered from REPLICATION_ERROR', () => {
    const state = tampered((s, life) => {
      transitionOfJob(s, life.jobs.stop, 'PAUSED').data.from = 'REPLICATION_ERROR';
    });
    expect(failing(state)).toEqual([NAME]);
  });

  it('reports leaving PAUSED for REPLICATING without RESUME_REPLICATION', () => {
    const state = tampered((s, life) => {
      transitionOfJob(s, life.jobs.resume, 'REPLICATING').data.event = 'REPLICATION_RECOVERED';
    });
    expect(failing(state)).toEqual([NAME]);
    expect(violationsOf(state, NAME)[0]).toContain('only by RESUME_REPLICATION');
  });

  it('reports REPLICATING entered straight from ATTACHED', () => {
    const state = tampered((s, life) => {
      const started = s.events.find(
        (e) => e.kind === 'pair.transition' && e.pairId === life.d && e.data.to === 'REPLICATING',
      )!;
      started.data.from = 'ATTACHED';
    });
    expect(failing(state)).toEqual([NAME]);
    expect(violationsOf(state, NAME)[0]).toContain('ATTACHED → REPLICATING');
  });

  it('reports a restartReplication job with no transition into STARTING_REPLICATION', () => {
    const state = tampered((s, life) => {
      transitionOfJob(s, life.jobs.restart, 'STARTING_REPLICATION').data.jobId = 'job-other';
    });
    expect(failing(state)).toEqual([NAME]);
    expect(violationsOf(state, NAME)[0]).toContain(lifecycle().life.jobs.restart);
  });
});
