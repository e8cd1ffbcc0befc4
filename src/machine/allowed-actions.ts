/**
 * The user actions a snapshot accepts, asked of the machine itself with `snapshot.can`: there
 * is no hand-kept table of which action is allowed where, so the answer cannot drift.
 */
import { actionEvent, USER_ACTIONS, type UserAction } from './events.js';
import type { DrPairSnapshot } from './status.js';

export interface PairFacts {
  /** The pair has at least one recovery point a failover or test could use. */
  hasAvailableRecoveryPoint: boolean;
}

/**
 * @example allowedActions(snapshot, { hasAvailableRecoveryPoint: true }) // ['stopReplication', 'failover', ...]
 */
export function allowedActions(snapshot: DrPairSnapshot, facts: PairFacts): UserAction[] {
  const recoveryPoint = { id: 'probe', available: facts.hasAvailableRecoveryPoint };
  return USER_ACTIONS.filter((action) => snapshot.can(actionEvent(action, { recoveryPoint })));
}
