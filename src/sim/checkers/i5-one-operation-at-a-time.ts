/**
 * I5: one operation at a time. For each pair, the jobs of its own operations (start, restart,
 * failover, change of recovery point, commit) never overlap, nor do the test environment's jobs
 * (test failover, change of test point, clean); the two groups may run side by side, as the
 * service runs a test beside replication. Overlap is judged by event order: a job created while
 * another of its group has a job.created but no job.ended yet. The stored jobs agree: at most
 * one RUNNING job per group per pair.
 */
import type { Checker } from '../contract.js';
import { eventsByPair, jobIdOf, OWN_OPERATIONS, str, TEST_OPERATIONS, where } from './history.js';

const groupOf = (type: unknown): 'own' | 'test' | null =>
  typeof type !== 'string'
    ? null
    : OWN_OPERATIONS.has(type)
      ? 'own'
      : TEST_OPERATIONS.has(type)
        ? 'test'
        : null;

const GROUP_NAME = { own: "the pair's own operations", test: 'test-environment operations' } as const;

export const oneOperationAtATime: Checker = {
  name: 'I5-one-operation-at-a-time',
  description:
    "A pair's own jobs never overlap, nor do its test jobs; at most one RUNNING job of each group.",
  check(state) {
    const violations: string[] = [];
    const groupOfJob = new Map<string, 'own' | 'test'>();
    for (const event of state.events) {
      const group = event.kind === 'job.created' ? groupOf(event.data.type) : null;
      const id = jobIdOf(event);
      if (group && id !== null) groupOfJob.set(id, group);
    }
    for (const [pairId, events] of eventsByPair(state)) {
      const open = { own: new Map<string, string>(), test: new Map<string, string>() };
      for (const event of events) {
        const jobId = jobIdOf(event);
        if (jobId === null) continue;
        if (event.kind === 'job.created') {
          const group = groupOf(event.data.type);
          if (!group) continue;
          for (const [otherId, since] of open[group]) {
            violations.push(
              `Pair ${pairId}: ${str(event.data.type)} job ${jobId} was created at ${where(event)} while job ${otherId} (${GROUP_NAME[group]}, created ${since}) had not ended.`,
            );
          }
          open[group].set(jobId, `${str(event.data.type)} at ${where(event)}`);
        } else if (event.kind === 'job.ended') {
          const group = groupOfJob.get(jobId);
          if (group) open[group].delete(jobId);
        }
      }
    }
    const running = new Map<string, string[]>();
    for (const job of state.jobs) {
      const group = groupOf(job.type);
      if (job.status !== 'RUNNING' || !group) continue;
      const key = `${job.pairId}\0${group}`;
      running.set(key, [...(running.get(key) ?? []), `${job.type} job ${job.id} (created ${job.createdAt})`]);
    }
    for (const [key, jobs] of running) {
      if (jobs.length < 2) continue;
      const [pairId, group] = key.split('\0') as [string, 'own' | 'test'];
      violations.push(
        `Pair ${pairId}: ${jobs.length} jobs of ${GROUP_NAME[group]} are RUNNING at once: ${jobs.join(', ')}.`,
      );
    }
    return violations;
  },
};
