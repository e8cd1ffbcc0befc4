/**
 * I7: a failed change leaves the failover server where it was. After a FAILED changeRecoveryPoint
 * or commitFailover job, the pair's transition back to FAILED_OVER (carrying the job's id) names
 * the same activeRecoveryPointId as the pair had before the job was created; a failed change's
 * result names that point too, since the engine rolls the server back to it.
 */
import type { Checker } from '../contract.js';
import { describeJob, eventsByPair, jobIdOf, str, transitionOf, where } from './history.js';

const KEEPS_POINT = new Set(['changeRecoveryPoint', 'commitFailover']);

export const failedChangeKeepsPoint: Checker = {
  name: 'I7-failed-change-keeps-point',
  description:
    'A FAILED change of recovery point or commit returns to FAILED_OVER on the point it had before.',
  check(state) {
    const violations: string[] = [];
    /** The failed jobs still waiting for their return to FAILED_OVER. */
    const waiting = new Map(
      state.jobs
        .filter((job) => KEEPS_POINT.has(job.type) && job.status === 'FAILED')
        .map((job) => [job.id, job]),
    );
    if (waiting.size === 0) return violations;
    const activeBefore = new Map<string, { point: string | null; at: string }>();
    for (const events of eventsByPair(state).values()) {
      /** The active point as of the pair's latest transition. */
      let active: string | null = null;
      for (const event of events) {
        const jobId = jobIdOf(event);
        if (event.kind === 'job.created' && jobId !== null && waiting.has(jobId)) {
          activeBefore.set(jobId, { point: active, at: where(event) });
        }
        if (event.kind !== 'pair.transition') continue;
        const t = transitionOf(event);
        active = t.activeRecoveryPointId;
        const job = t.jobId === null ? undefined : waiting.get(t.jobId);
        const before = t.jobId === null ? undefined : activeBefore.get(t.jobId);
        if (!job || !before || t.to !== 'FAILED_OVER' || t.from === 'FAILED_OVER') continue;
        waiting.delete(job.id);
        if (t.activeRecoveryPointId !== before.point) {
          violations.push(
            `${describeJob(job)}: FAILED, but the pair returned to FAILED_OVER at ${where(event)} on recovery point ${t.activeRecoveryPointId}, not on ${before.point} as before the job (${before.at}).`,
          );
        }
        if (job.type === 'changeRecoveryPoint' && 'recoveryPointId' in job.result) {
          const rolledBackTo = str(job.result.recoveryPointId);
          if (rolledBackTo !== before.point) {
            violations.push(
              `${describeJob(job)}: FAILED, but its result says the failover server was rolled back to ${rolledBackTo}, not to ${before.point}.`,
            );
          }
        }
      }
    }
    for (const job of waiting.values()) {
      const why = activeBefore.has(job.id)
        ? 'no transition back to FAILED_OVER for it follows'
        : 'it has no job.created event';
      violations.push(`${describeJob(job)}: FAILED, but ${why}, so the kept point cannot be confirmed.`);
    }
    return violations;
  },
};
