/**
 * I6: a failed failover never leaves the pair failed over. A FAILED failover job is followed by
 * its pair's transition FAILOVER_PROCESSING → FAILOVER_FAILED carrying the job's id, and never
 * by FAILOVER_PROCESSING → FAILED_OVER for that job. The transition is matched by job id because
 * a pair may fail over several times.
 */
import type { Checker } from '../contract.js';
import type { SimEvent } from '../types.js';
import { describeJob, jobCreatedEvents, transitionOf, where } from './history.js';

export const failedFailoverNeverFailedOver: Checker = {
  name: 'I6-failed-failover-never-failed-over',
  description: 'A FAILED failover job leads to FAILOVER_FAILED, never to FAILED_OVER.',
  check(state) {
    const violations: string[] = [];
    const created = jobCreatedEvents(state);
    const transitionsOfJob = new Map<string, SimEvent[]>();
    for (const event of state.events) {
      if (event.kind !== 'pair.transition') continue;
      const jobId = transitionOf(event).jobId;
      if (jobId === null) continue;
      transitionsOfJob.set(jobId, [...(transitionsOfJob.get(jobId) ?? []), event]);
    }
    for (const job of state.jobs) {
      if (job.type !== 'failover' || job.status !== 'FAILED') continue;
      const since = created.get(job.id)?.seq ?? Number.NEGATIVE_INFINITY;
      const after = (transitionsOfJob.get(job.id) ?? []).filter(
        (e) => e.seq > since && e.pairId === job.pairId,
      );
      const leaves = after.filter((e) => transitionOf(e).from === 'FAILOVER_PROCESSING');
      for (const event of leaves) {
        if (transitionOf(event).to === 'FAILED_OVER') {
          violations.push(`${describeJob(job)}: FAILED, yet the pair became FAILED_OVER at ${where(event)}.`);
        }
      }
      if (!leaves.some((e) => transitionOf(e).to === 'FAILOVER_FAILED')) {
        violations.push(
          `${describeJob(job)}: FAILED (${job.error?.code ?? 'no code'}), but no transition FAILOVER_PROCESSING → FAILOVER_FAILED for it follows.`,
        );
      }
    }
    return violations;
  },
};
