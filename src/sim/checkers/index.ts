/** The invariant checkers, one module each, run over the stored state. */
import type { Checker, SimState } from '../contract.js';
import type { CheckerVerdict } from '../types.js';
import { committedSinglePrimary } from './committed-single-primary.js';
import { dataFidelity } from './data-fidelity.js';
import { pointsOnlyWhileReplicating } from './i1-points-only-while-replicating.js';
import { commitOnlyAfterFailover } from './i2-commit-only-after-failover.js';
import { pointsNamedWereAvailable } from './i3-points-named-were-available.js';
import { finalStatesAreFinal } from './i4-final-states-are-final.js';
import { oneOperationAtATime } from './i5-one-operation-at-a-time.js';
import { failedFailoverNeverFailedOver } from './i6-failed-failover-never-failed-over.js';
import { failedChangeKeepsPoint } from './i7-failed-change-keeps-point.js';
import { stopResumeRestart } from './i8-stop-resume-restart.js';
import { jobsEndProperly } from './jobs-end-properly.js';
import { noPointLost } from './no-point-lost.js';
import { noPointsAfterReplicationLeft } from './no-points-after-replication-left.js';

export const CHECKERS: Checker[] = [
  pointsOnlyWhileReplicating,
  commitOnlyAfterFailover,
  pointsNamedWereAvailable,
  finalStatesAreFinal,
  oneOperationAtATime,
  failedFailoverNeverFailedOver,
  failedChangeKeepsPoint,
  stopResumeRestart,
  dataFidelity,
  noPointsAfterReplicationLeft,
  committedSinglePrimary,
  jobsEndProperly,
  noPointLost,
];

export function runCheckers(state: SimState): CheckerVerdict[] {
  return CHECKERS.map((c) => {
    const violations = c.check(state);
    return { name: c.name, description: c.description, ok: violations.length === 0, violations };
  });
}
