/**
 * I2: a failover is committed only after it succeeded. COMMITTED is reached only from COMMITTING
 * by OPERATION_SUCCEEDED, COMMITTING only from FAILED_OVER, and a commitFailover job is created
 * only while the pair is FAILED_OVER (its job.created precedes the transition it causes).
 */
import type { Checker } from '../contract.js';
import { changesStatus, eventsByPair, jobIdOf, replay, transitionOf, where } from './history.js';

export const commitOnlyAfterFailover: Checker = {
  name: 'I2-commit-only-after-failover',
  description: 'COMMITTED only from COMMITTING on success; COMMITTING and commit jobs only from FAILED_OVER.',
  check(state) {
    const violations: string[] = [];
    for (const [pairId, events] of eventsByPair(state)) {
      replay(events, (event, status) => {
        if (
          event.kind === 'job.created' &&
          event.data.type === 'commitFailover' &&
          status !== 'FAILED_OVER'
        ) {
          violations.push(
            `Pair ${pairId}: commitFailover job ${jobIdOf(event) ?? '?'} was created at ${where(event)} while the pair was ${status}, not FAILED_OVER.`,
          );
        }
        if (event.kind !== 'pair.transition') return;
        const t = transitionOf(event);
        if (!changesStatus(t)) return;
        if (t.to === 'COMMITTED' && (t.from !== 'COMMITTING' || t.event !== 'OPERATION_SUCCEEDED')) {
          violations.push(
            `Pair ${pairId}: became COMMITTED at ${where(event)} from ${t.from} by ${t.event}; only COMMITTING by OPERATION_SUCCEEDED may commit.`,
          );
        }
        if (t.to === 'COMMITTING' && t.from !== 'FAILED_OVER') {
          violations.push(
            `Pair ${pairId}: entered COMMITTING at ${where(event)} from ${t.from} by ${t.event}; only FAILED_OVER may start a commit.`,
          );
        }
      });
    }
    return violations;
  },
};
