/**
 * No point lost: recovery points disappear only for a documented reason. Every point ever
 * created is still stored, or has a recoveryPoint.deleted event whose reason is legitimate at
 * that moment: a retention reason at any time; `restart` right after the pair's
 * restartReplication job was created (the pair's latest job, same instant); `commit` while a
 * commitFailover job asking to delete all points runs and goes on to succeed; `detach` while a
 * detach job runs and goes on to succeed. The commit and detach deletions precede their job's
 * job.ended event, so the job's outcome is read from its job.ended event or stored record.
 */
import type { Checker } from '../contract.js';
import type { SimEvent } from '../types.js';
import { eventsByPair, jobEndedEvents, jobIdOf, RETENTION_REASONS, str, where } from './history.js';

interface OpenJob {
  id: string;
  type: string;
  request: Record<string, unknown>;
  created: SimEvent;
}

export const noPointLost: Checker = {
  name: 'no-point-lost',
  description:
    'Every recovery point is still stored or was deleted by retention, restart, commit (if asked) or detach.',
  check(state) {
    const violations: string[] = [];
    const stored = new Set(state.recoveryPoints.map((p) => p.id));
    const endedEvents = jobEndedEvents(state);
    const storedStatus = new Map(state.jobs.map((j) => [j.id, j.status]));
    const outcome = (jobId: string) =>
      str(endedEvents.get(jobId)?.data.status) ?? storedStatus.get(jobId) ?? 'unknown';

    for (const [pairId, events] of eventsByPair(state)) {
      const created = new Map<string, SimEvent>();
      const deleted = new Set<string>();
      /** The pair's jobs between their job.created and job.ended events. */
      const open = new Map<string, OpenJob>();
      let latestJob: OpenJob | null = null;
      for (const event of events) {
        const pointId = str(event.data.recoveryPointId);
        const jobId = jobIdOf(event);
        if (event.kind === 'job.created' && jobId !== null) {
          const request = event.data.request;
          latestJob = {
            id: jobId,
            type: str(event.data.type) ?? '?',
            request:
              typeof request === 'object' && request !== null ? (request as Record<string, unknown>) : {},
            created: event,
          };
          open.set(jobId, latestJob);
        } else if (event.kind === 'job.ended' && jobId !== null) {
          open.delete(jobId);
        } else if (event.kind === 'recoveryPoint.created' && pointId !== null) {
          created.set(pointId, event);
        } else if (event.kind === 'recoveryPoint.deleted' && pointId !== null) {
          deleted.add(pointId);
          const reason = str(event.data.reason);
          const why =
            reason === null || RETENTION_REASONS.has(reason)
              ? null
              : unjustified(reason, event, latestJob, open, outcome);
          if (reason === null) {
            violations.push(
              `Pair ${pairId}: recovery point ${pointId} was deleted at ${where(event)} with no reason.`,
            );
          } else if (why) {
            violations.push(
              `Pair ${pairId}: recovery point ${pointId} was deleted at ${where(event)} for '${reason}', but ${why}.`,
            );
          }
        }
      }
      for (const [pointId, event] of created) {
        if (!stored.has(pointId) && !deleted.has(pointId)) {
          violations.push(
            `Pair ${pairId}: recovery point ${pointId} (created at ${where(event)}) is gone without a recoveryPoint.deleted event.`,
          );
        }
      }
    }
    return violations;
  },
};

/** Why a non-retention deletion is not justified at that moment, or null when it is. */
function unjustified(
  reason: string,
  event: SimEvent,
  latest: OpenJob | null,
  open: Map<string, OpenJob>,
  outcome: (jobId: string) => string,
): string | null {
  const running = (type: string) => [...open.values()].filter((j) => j.type === type);
  switch (reason) {
    case 'restart':
      if (latest?.type === 'restartReplication' && latest.created.at === event.at) return null;
      return latest
        ? `the pair's latest job was ${latest.type} ${latest.id} created at ${where(latest.created)}, not a restartReplication just before`
        : 'the pair had no restartReplication job';
    case 'commit': {
      const jobs = running('commitFailover');
      if (jobs.some((j) => j.request.deleteAllRecoveryPoints === true && outcome(j.id) === 'SUCCEEDED'))
        return null;
      return jobs.length === 0
        ? 'no commitFailover job was running'
        : `commitFailover job ${jobs.map((j) => `${j.id} (deleteAllRecoveryPoints ${String(j.request.deleteAllRecoveryPoints)}, ${outcome(j.id)})`).join(', ')} did not both ask for it and succeed`;
    }
    case 'detach': {
      const jobs = running('detach');
      if (jobs.some((j) => outcome(j.id) === 'SUCCEEDED')) return null;
      return jobs.length === 0
        ? 'no detach job was running'
        : `detach job ${jobs.map((j) => `${j.id} (${outcome(j.id)})`).join(', ')} did not succeed`;
    }
    default:
      return 'that is not a reason the service deletes points for';
  }
}
