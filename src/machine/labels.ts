/**
 * The machine's events and guards in the words a person uses: user actions as the console's
 * buttons name them, the simulator's events as the outcomes a flow writes (`succeeds`,
 * `replication fails`), and each guard as the condition it checks. Charts and check-flow speak
 * these words so that a product manager reads them without knowing the event names.
 */
import type { DrPairEvent, UserAction } from './events.js';

export const ACTION_LABELS: Record<UserAction, string> = {
  startReplication: 'Start Replication',
  stopReplication: 'Stop Replication',
  resumeReplication: 'Resume Replication',
  restartReplication: 'Restart Replication',
  testFailover: 'Test Failover',
  changeTestRecoveryPoint: 'Change Test Recovery Point',
  cleanTestEnvironment: 'Clean Test Environment',
  failover: 'Failover',
  changeRecoveryPoint: 'Change Recovery Point',
  commitFailover: 'Commit Failover',
  detach: 'Detach',
};

/** Every event's words: a button for a user action, an outcome for the simulator's events. */
export const EVENT_LABELS: Record<DrPairEvent['type'], string> = {
  START_REPLICATION: ACTION_LABELS.startReplication,
  STOP_REPLICATION: ACTION_LABELS.stopReplication,
  RESUME_REPLICATION: ACTION_LABELS.resumeReplication,
  RESTART_REPLICATION: ACTION_LABELS.restartReplication,
  TEST_FAILOVER: ACTION_LABELS.testFailover,
  CHANGE_TEST_RECOVERY_POINT: ACTION_LABELS.changeTestRecoveryPoint,
  CLEAN_TEST_ENVIRONMENT: ACTION_LABELS.cleanTestEnvironment,
  FAILOVER: ACTION_LABELS.failover,
  CHANGE_RECOVERY_POINT: ACTION_LABELS.changeRecoveryPoint,
  COMMIT_FAILOVER: ACTION_LABELS.commitFailover,
  DETACH: ACTION_LABELS.detach,
  CHANGE_SETTINGS: 'Change Settings',
  REPLICATION_STARTED: 'full copy succeeds',
  REPLICATION_FAILED: 'replication fails',
  REPLICATION_RECOVERED: 'replication recovers',
  RECOVERY_POINT_CREATED: 'recovery point taken',
  OPERATION_SUCCEEDED: 'succeeds',
  OPERATION_FAILED: 'fails',
  TEST_OPERATION_SUCCEEDED: 'test succeeds',
  TEST_OPERATION_FAILED: 'test fails',
};

/** What each guard requires, short enough for a chart's edge label. */
export const GUARD_LABELS: Record<string, string> = {
  recoveryPointAvailable: 'a recovery point to use',
  initialCopyDone: 'first full copy done',
  noTestEnvironment: 'no test environment',
  testIdle: 'test environment not busy',
  creditCovers: 'prepaid credit covers the first day',
};

/** An edge's words: the event's label and, when guarded, its conditions in brackets. */
export function transitionLabel(event: string, guard: string | null): string {
  const words = EVENT_LABELS[event as DrPairEvent['type']] ?? event;
  if (!guard) return words;
  const conditions = guard.split(/ and | or /).map((g) => GUARD_LABELS[g] ?? g);
  return `${words} [${conditions.join(guard.includes(' or ') ? ' or ' : ', ')}]`;
}
