/**
 * Waits: advance the clock a `poll` at a time (default 30s) until the condition holds, and
 * fail once `timeout` of simulated time (default 2h) has passed without it.
 */
import type { DrPair, Job } from '../../sim/types.js';
import { StepFailure } from '../step-failure.js';
import { durationMs, World } from '../world.js';
import type { StepRunners } from './types.js';

const DEFAULT_TIMEOUT = '2h';
const DEFAULT_POLL = '30s';

async function until<T>(
  world: World,
  options: { timeout?: string | number | undefined; poll?: string | number | undefined },
  look: () => Promise<T>,
  done: (seen: T) => boolean,
  describe: (seen: T) => { what: string; found: string },
): Promise<void> {
  const timeoutMs = durationMs(options.timeout ?? DEFAULT_TIMEOUT);
  const pollMs = Math.max(1, durationMs(options.poll ?? DEFAULT_POLL));
  let waited = 0;
  for (;;) {
    const seen = await look();
    if (done(seen)) return;
    if (waited >= timeoutMs) {
      const { what, found } = describe(seen);
      throw new StepFailure(
        `timed out after ${options.timeout ?? DEFAULT_TIMEOUT} of simulated time waiting for ${what}`,
        what,
        found,
      );
    }
    const stepMs = Math.min(pollMs, timeoutMs - waited);
    await world.sim.advance(stepMs);
    waited += stepMs;
  }
}

const ENDED = new Set(['SUCCEEDED', 'FAILED']);
const runningStep = (job: Job): string => job.steps.find((s) => s.status === 'RUNNING')?.name ?? '-';

export const WAIT_RUNNERS: StepRunners<'waitForJob' | 'waitForStatus'> = {
  waitForJob: async (world, { body }) => {
    const id = world.jobId(body.job);
    await until(
      world,
      body,
      () => world.sim.getJob(world.tenant, id),
      (job) => ENDED.has(job.status),
      (job) => ({
        what: `job ${id} (${job.type}) to end`,
        found: `${job.status}, at step "${runningStep(job)}"`,
      }),
    );
  },
  waitForStatus: async (world, { body }) => {
    const statuses =
      body.status === undefined ? null : Array.isArray(body.status) ? body.status : [body.status];
    const name = World.pairOf(body);
    const matches = (pair: DrPair) =>
      (statuses === null || statuses.includes(pair.status)) &&
      (body.testFailover === undefined || (pair.testFailover?.state ?? 'NONE') === body.testFailover);
    const wanted = [
      statuses && `status ${statuses.join(' or ')}`,
      body.testFailover && `test failover ${body.testFailover}`,
    ]
      .filter(Boolean)
      .join(' and ');
    await until(
      world,
      body,
      () => world.pair(name),
      matches,
      (pair) => ({
        what: `pair "${name}" to reach ${wanted}`,
        found: `status ${pair.status}, test failover ${pair.testFailover?.state ?? 'NONE'}${pair.replication.error ? `, error ${pair.replication.error.code}` : ''}`,
      }),
    );
  },
};
