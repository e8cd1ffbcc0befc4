/**
 * No points after replication left: once a pair's status leaves REPLICATING, no recovery point
 * is taken until it replicates again. For each pair not REPLICATING now, every stored point was
 * created no later than the last time the pair left REPLICATING (a pair that never replicated has
 * none). A restart deletes every point before it replicates again, so older points never linger.
 * Times are compared, not event order: the point rows carry only their creation time.
 */
import type { Checker, StoredRecoveryPoint } from '../contract.js';
import { changesStatus, eventsByPair, transitionOf, where } from './history.js';

export const noPointsAfterReplicationLeft: Checker = {
  name: 'no-points-after-replication-left',
  description: 'A pair that is not REPLICATING keeps no point created after it last left REPLICATING.',
  check(state) {
    const violations: string[] = [];
    const pointsOf = new Map<string, StoredRecoveryPoint[]>();
    for (const point of state.recoveryPoints) {
      const list = pointsOf.get(point.pairId);
      if (list) list.push(point);
      else pointsOf.set(point.pairId, [point]);
    }
    const byPair = eventsByPair(state);
    for (const pair of state.pairs) {
      const points = pointsOf.get(pair.id);
      if (pair.status === 'REPLICATING' || !points) continue;
      let left: { ms: number; label: string } | null = null;
      for (const event of byPair.get(pair.id) ?? []) {
        if (event.kind !== 'pair.transition') continue;
        const t = transitionOf(event);
        if (changesStatus(t) && t.from === 'REPLICATING') {
          left = { ms: Date.parse(event.at), label: `left REPLICATING for ${t.to} at ${where(event)}` };
        }
      }
      for (const point of points) {
        if (left && Date.parse(point.createdAt) <= left.ms) continue;
        violations.push(
          `Pair ${pair.id} (${pair.status}): recovery point ${point.id} was created at ${point.createdAt}, but the pair ${left?.label ?? 'never replicated'}.`,
        );
      }
    }
    return violations;
  },
};
