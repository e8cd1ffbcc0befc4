/**
 * I8: stop, resume and restart move replication only along their documented edges. PAUSED is
 * entered only from REPLICATING by STOP_REPLICATION; PAUSED goes back to REPLICATING only by
 * RESUME_REPLICATION; REPLICATING is otherwise entered only from STARTING_REPLICATION (the full
 * copy) or from REPLICATION_ERROR (recovery); and every restartReplication job is followed by
 * its transition into STARTING_REPLICATION, which is what deletes and rebuilds the points.
 */
import type { Checker } from '../contract.js';
import {
  changesStatus,
  describeJob,
  eventsByPair,
  jobCreatedEvents,
  transitionOf,
  where,
} from './history.js';

const REENTRY = new Set(['PAUSED', 'REPLICATION_ERROR']);

export const stopResumeRestart: Checker = {
  name: 'I8-stop-resume-restart',
  description:
    'PAUSED only from REPLICATING by stop, back only by resume; REPLICATING otherwise only after a full copy; restart jobs start a copy.',
  check(state) {
    const violations: string[] = [];
    /** For each job, the seq of a transition into STARTING_REPLICATION that names it. */
    const restarted = new Map<string, number[]>();
    for (const [pairId, events] of eventsByPair(state)) {
      for (const event of events) {
        if (event.kind !== 'pair.transition') continue;
        const t = transitionOf(event);
        if (!changesStatus(t)) continue;
        const edge = `${t.from} → ${t.to} by ${t.event} at ${where(event)}`;
        if (t.to === 'PAUSED' && (t.from !== 'REPLICATING' || t.event !== 'STOP_REPLICATION')) {
          violations.push(
            `Pair ${pairId}: ${edge}; PAUSED is entered only from REPLICATING by STOP_REPLICATION.`,
          );
        }
        if (t.to === 'REPLICATING' && t.from === 'PAUSED' && t.event !== 'RESUME_REPLICATION') {
          violations.push(
            `Pair ${pairId}: ${edge}; PAUSED returns to REPLICATING only by RESUME_REPLICATION.`,
          );
        }
        if (t.to === 'REPLICATING' && !REENTRY.has(t.from ?? '') && t.from !== 'STARTING_REPLICATION') {
          violations.push(
            `Pair ${pairId}: ${edge}; REPLICATING is reached from there only after STARTING_REPLICATION.`,
          );
        }
        if (t.to === 'STARTING_REPLICATION' && t.jobId !== null) {
          restarted.set(t.jobId, [...(restarted.get(t.jobId) ?? []), event.seq]);
        }
      }
    }
    const created = jobCreatedEvents(state);
    for (const job of state.jobs) {
      if (job.type !== 'restartReplication') continue;
      const since = created.get(job.id)?.seq ?? Number.NEGATIVE_INFINITY;
      if (!(restarted.get(job.id) ?? []).some((seq) => seq > since)) {
        violations.push(`${describeJob(job)}: no transition into STARTING_REPLICATION for it follows.`);
      }
    }
    return violations;
  },
};
