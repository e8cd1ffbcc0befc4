/**
 * I3: a restore names a point that exists. Every failover, changeRecoveryPoint, testFailover and
 * changeTestRecoveryPoint job's request.recoveryPointId was a point of the same pair, created
 * before the job's job.created event and not deleted before it. Judged by event order, since a
 * point created and a job accepted in the same millisecond are still ordered.
 */
import type { Checker } from '../contract.js';
import type { SimEvent } from '../types.js';
import { CURRENT_TIME } from '../types.js';
import { describeJob, eventsByPair, jobIdOf, RESTORE_JOBS, str, where } from './history.js';

const TEST_JOBS: ReadonlySet<string> = new Set(['testFailover', 'changeTestRecoveryPoint']);

export const pointsNamedWereAvailable: Checker = {
  name: 'I3-points-named-were-available',
  description: 'Every restore job names a recovery point of its pair that existed when the job was created.',
  check(state) {
    const violations: string[] = [];
    const jobs = new Map(state.jobs.map((job) => [job.id, job]));
    const seen = new Set<string>();
    for (const [pairId, events] of eventsByPair(state)) {
      /** The pair's points that exist at this moment of the replay; deleted ones keep their deletion. */
      const live = new Set<string>();
      const deleted = new Map<string, SimEvent>();
      for (const event of events) {
        if (event.kind === 'recoveryPoint.created' || event.kind === 'recoveryPoint.deleted') {
          const pointId = str(event.data.recoveryPointId);
          if (pointId === null) continue;
          if (event.kind === 'recoveryPoint.created') live.add(pointId);
          else {
            live.delete(pointId);
            deleted.set(pointId, event);
          }
        } else if (event.kind === 'job.created') {
          const jobId = jobIdOf(event);
          const job = jobId === null ? undefined : jobs.get(jobId);
          if (!job || !RESTORE_JOBS.has(job.type)) continue;
          seen.add(job.id);
          const named = str(job.request.recoveryPointId);
          if (job.pairId !== pairId) {
            violations.push(
              `${describeJob(job)}: its job.created event at ${where(event)} belongs to pair ${pairId}.`,
            );
          } else if (named === null) {
            violations.push(`${describeJob(job)}: the request names no recovery point.`);
          } else if (named === CURRENT_TIME && TEST_JOBS.has(job.type)) {
            // A test of the current time names no point: it restores the main's data of that moment.
          } else if (!live.has(named)) {
            const deletion = deleted.get(named);
            const why = deletion
              ? `it was deleted at ${where(deletion)} (${str(deletion.data.reason) ?? 'no reason'})`
              : 'no such point of this pair had been created';
            violations.push(
              `${describeJob(job)}: request names recovery point ${named}, which was not available at ${where(event)}; ${why}.`,
            );
          }
        }
      }
    }
    for (const job of state.jobs) {
      if (RESTORE_JOBS.has(job.type) && !seen.has(job.id)) {
        violations.push(
          `${describeJob(job)}: has no job.created event, so the point it names cannot be vouched for.`,
        );
      }
    }
    return violations;
  },
};
