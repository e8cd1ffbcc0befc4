/**
 * I1: recovery points are taken only while replication runs. Every recoveryPoint.created event
 * happens while the pair's status, replayed from its own transitions, is REPLICATING; the engine
 * emits the transition into REPLICATING before the first point, so the order of events is enough.
 */
import type { Checker } from '../contract.js';
import { eventsByPair, replay, str, where } from './history.js';

export const pointsOnlyWhileReplicating: Checker = {
  name: 'I1-points-only-while-replicating',
  description: 'Every recovery point is created while its pair is REPLICATING.',
  check(state) {
    const violations: string[] = [];
    for (const [pairId, events] of eventsByPair(state)) {
      replay(events, (event, status) => {
        if (event.kind !== 'recoveryPoint.created' || status === 'REPLICATING') return;
        violations.push(
          `Pair ${pairId}: recovery point ${str(event.data.recoveryPointId) ?? '?'} was created at ${where(event)} while the pair was ${status}, not REPLICATING.`,
        );
      });
    }
    return violations;
  },
};
