/** I3: a restore job names a point of its pair that existed when the job was created. */
import { describe, expect, it } from 'vitest';
import { failing, jobEvent, lifecycle, removeEvent, storedJob, tampered, violationsOf } from './helpers.js';

const NAME = 'I3-points-named-were-available';

describe(NAME, () => {
  it('passes on the real lifecycle (failover, change, test failover and change of test point)', () => {
    expect(violationsOf(lifecycle().state(), NAME)).toEqual([]);
  });

  it('reports a failover naming a point that retention had already deleted', () => {
    let deletedPoint = '';
    const state = tampered((s, life) => {
      const created = jobEvent(s, life.jobs.failover, 'job.created');
      const deletion = s.events.find(
        (e) =>
          e.kind === 'recoveryPoint.deleted' &&
          e.pairId === life.a &&
          e.data.reason === 'interval' &&
          e.seq < created.seq,
      )!;
      deletedPoint = String(deletion.data.recoveryPointId);
      storedJob(s, life.jobs.failover).request.recoveryPointId = deletedPoint;
    });
    expect(failing(state)).toEqual([NAME]);
    const [violation] = violationsOf(state, NAME);
    expect(violation).toContain(lifecycle().life.jobs.failover);
    expect(violation).toContain(deletedPoint);
    expect(violation).toContain('deleted at');
  });

  it("reports a test failover naming another pair's point", () => {
    const state = tampered((s, life) => {
      const created = jobEvent(s, life.jobs.testFailover, 'job.created');
      const foreign = s.events.find(
        (e) => e.kind === 'recoveryPoint.created' && e.pairId === life.d && e.seq < created.seq,
      )!;
      storedJob(s, life.jobs.testFailover).request.recoveryPointId = foreign.data.recoveryPointId;
    });
    expect(failing(state)).toEqual([NAME]);
    expect(violationsOf(state, NAME)[0]).toContain('no such point of this pair had been created');
  });

  it('reports a point that was created only after the job', () => {
    const state = tampered((s, life) => {
      const created = jobEvent(s, life.jobs.change, 'job.created');
      const later = s.events.find(
        (e) => e.kind === 'recoveryPoint.created' && e.pairId === life.d && e.seq > created.seq,
      )!;
      // Make a later point of D look like one of A's, then name it.
      later.pairId = life.a;
      storedJob(s, life.jobs.change).request.recoveryPointId = later.data.recoveryPointId;
    });
    expect(failing(state)).toContain(NAME);
    expect(violationsOf(state, NAME).join('\n')).toContain(lifecycle().life.jobs.change);
  });

  it('reports a restore job whose creation is missing from the history', () => {
    const state = tampered((s, life) =>
      removeEvent(s, jobEvent(s, life.jobs.changeTestPoint, 'job.created')),
    );
    expect(failing(state)).toEqual([NAME]);
    expect(violationsOf(state, NAME)[0]).toContain('has no job.created event');
  });
});
