/**
 * I4: COMMITTED and DETACHED are final. After a pair's transition into either, nothing moves it
 * again: no transition, no recovery point, no new job. The job that made the pair final may
 * still end (its job.ended follows the transition), and its cleanup (deleting points, roles)
 * may still be recorded.
 */
import type { Checker } from '../contract.js';
import { eventsByPair, jobIdOf, str, transitionOf, where } from './history.js';

const FINAL = new Set(['COMMITTED', 'DETACHED']);

export const finalStatesAreFinal: Checker = {
  name: 'I4-final-states-are-final',
  description: 'After COMMITTED or DETACHED, a pair has no further transition, recovery point or job.',
  check(state) {
    const violations: string[] = [];
    for (const [pairId, events] of eventsByPair(state)) {
      let final: { status: string; at: string } | null = null;
      for (const event of events) {
        if (final) {
          const after = `after it became ${final.status} at ${final.at}`;
          if (event.kind === 'pair.transition') {
            const t = transitionOf(event);
            violations.push(
              `Pair ${pairId}: transition ${t.from} → ${t.to} (${t.event}) at ${where(event)} ${after}.`,
            );
          } else if (event.kind === 'recoveryPoint.created') {
            violations.push(
              `Pair ${pairId}: recovery point ${str(event.data.recoveryPointId) ?? '?'} created at ${where(event)} ${after}.`,
            );
          } else if (event.kind === 'job.created') {
            violations.push(
              `Pair ${pairId}: ${str(event.data.type) ?? 'a'} job ${jobIdOf(event) ?? '?'} created at ${where(event)} ${after}.`,
            );
          }
          continue;
        }
        if (event.kind !== 'pair.transition') continue;
        const to = transitionOf(event).to;
        if (to !== null && FINAL.has(to)) final = { status: to, at: where(event) };
      }
    }
    return violations;
  },
};
