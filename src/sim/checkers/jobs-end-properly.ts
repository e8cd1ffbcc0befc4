/**
 * Jobs end properly: a job's record tells the truth about how it ended. SUCCEEDED and FAILED
 * jobs have endedAt; a FAILED job has an error code a client can act on; a SUCCEEDED job has no
 * FAILED step; a RUNNING job has exactly one RUNNING step (the one it waits on); and every ended
 * job has a job.ended event with the same status, so the history agrees with the job.
 */
import type { Checker } from '../contract.js';
import { isOperationErrorCode } from '../errors.js';
import { describeJob, jobEndedEvents, str, where } from './history.js';

export const jobsEndProperly: Checker = {
  name: 'jobs-end-properly',
  description:
    'Ended jobs have endedAt, FAILED ones an error code, SUCCEEDED ones no failed step; RUNNING ones one running step.',
  check(state) {
    const violations: string[] = [];
    const ended = jobEndedEvents(state);
    for (const job of state.jobs) {
      const what = `${describeJob(job)}, ${job.status}`;
      const done = job.status === 'SUCCEEDED' || job.status === 'FAILED';
      if (done && job.endedAt === null) violations.push(`${what}: has no endedAt.`);
      if (
        job.status === 'FAILED' &&
        !(typeof job.error?.code === 'string' && isOperationErrorCode(job.error.code))
      ) {
        violations.push(`${what}: has no error code of the closed list (OPERATION_ERROR_CODES).`);
      }
      if (job.status === 'SUCCEEDED') {
        const failed = job.steps.filter((s) => s.status === 'FAILED').map((s) => `'${s.name}'`);
        if (failed.length > 0) violations.push(`${what}: step ${failed.join(', ')} FAILED.`);
      }
      if (job.status === 'RUNNING') {
        const running = job.steps.filter((s) => s.status === 'RUNNING').length;
        if (running !== 1) violations.push(`${what}: has ${running} RUNNING steps instead of one.`);
      }
      if (!done) continue;
      const event = ended.get(job.id);
      if (!event) violations.push(`${what}: ended at ${job.endedAt} but has no job.ended event.`);
      else if (str(event.data.status) !== job.status) {
        violations.push(`${what}: its job.ended event at ${where(event)} says ${str(event.data.status)}.`);
      }
    }
    return violations;
  },
};
