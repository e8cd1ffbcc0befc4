/** no-point-lost: every point is still stored or was deleted for a reason that held at that moment. */
import { describe, expect, it } from 'vitest';
import { failing, jobEvent, lifecycle, storedJob, tampered, violationsOf } from './helpers.js';

const NAME = 'no-point-lost';

describe(NAME, () => {
  it('passes on the real lifecycle (retention, restart, commit deleting points, detach)', () => {
    const s = lifecycle().state();
    const reasons = new Set(
      s.events.filter((e) => e.kind === 'recoveryPoint.deleted').map((e) => e.data.reason),
    );
    expect([...reasons].sort()).toEqual(['commit', 'detach', 'interval', 'restart']);
    expect(violationsOf(s, NAME)).toEqual([]);
  });

  it('reports a point row deleted without an event', () => {
    let pointId = '';
    const state = tampered((s, life) => {
      const index = s.recoveryPoints.findIndex((p) => p.pairId === life.d);
      pointId = s.recoveryPoints[index]!.id;
      s.recoveryPoints.splice(index, 1);
    });
    expect(failing(state)).toEqual([NAME]);
    const [violation] = violationsOf(state, NAME);
    expect(violation).toContain(lifecycle().life.d);
    expect(violation).toContain(pointId);
    expect(violation).toContain('without a recoveryPoint.deleted event');
  });

  it("reports a 'restart' deletion with no restart job just before", () => {
    const state = tampered((s, life) => {
      const deletion = s.events.find((e) => e.kind === 'recoveryPoint.deleted' && e.pairId === life.d)!;
      deletion.data.reason = 'restart';
    });
    expect(failing(state)).toEqual([NAME]);
    expect(violationsOf(state, NAME)[0]).toContain("for 'restart'");
  });

  it("reports a 'commit' deletion when the commit asked to keep the points", () => {
    const state = tampered((s, life) => {
      const created = jobEvent(s, life.jobs.commit, 'job.created');
      (created.data.request as Record<string, unknown>).deleteAllRecoveryPoints = false;
      storedJob(s, life.jobs.commit).request.deleteAllRecoveryPoints = false;
    });
    expect(failing(state)).toEqual([NAME]);
    expect(violationsOf(state, NAME)[0]).toContain('deleteAllRecoveryPoints false');
  });

  it("reports a 'commit' deletion by a commit that failed", () => {
    const state = tampered((s, life) => {
      const deletion = s.events.find(
        (e) => e.kind === 'recoveryPoint.deleted' && e.data.reason === 'commit' && e.pairId === life.a,
      )!;
      // Move the deletion into the failed commit's run.
      const ended = jobEvent(s, life.jobs.failedCommit, 'job.ended');
      s.events.splice(s.events.indexOf(deletion), 1);
      s.events.splice(s.events.indexOf(ended), 0, deletion);
      s.events.forEach((e, i) => {
        e.seq = i + 1;
      });
    });
    expect(failing(state)).toContain(NAME);
    expect(violationsOf(state, NAME)[0]).toContain('did not both ask for it and succeed');
  });

  it("reports a 'detach' deletion outside a detach job, and an unknown reason", () => {
    const state = tampered((s, life) => {
      const deletions = s.events.filter((e) => e.kind === 'recoveryPoint.deleted' && e.pairId === life.d);
      deletions[0]!.data.reason = 'detach';
      deletions[1]!.data.reason = 'reset';
    });
    expect(failing(state)).toEqual([NAME]);
    const violations = violationsOf(state, NAME).join('\n');
    expect(violations).toContain('no detach job was running');
    expect(violations).toContain('not a reason the service deletes points for');
  });
});
