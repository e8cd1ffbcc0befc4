/**
 * The events of one DR pair's lifecycle. User actions carry what the machine needs to judge
 * them (a recovery point's availability, as the simulator found it); simulator events carry
 * the outcome of work the simulator did on its virtual clock. The machine never looks
 * anything up itself, so it stays pure and replayable.
 */

/** A recovery point as the simulator found it for this pair at the moment of the action. */
export interface RecoveryPointFact {
  id: string;
  /** True when the point exists, belongs to this pair and is usable (not deleted). */
  available: boolean;
}

/**
 * Whether a prepaid account's credit covers the action (Start Replication, Test Failover), as the
 * simulator found it. Absent: nothing to check (a postpaid account, or only asking what is allowed).
 */
export interface CreditFact {
  covered: boolean;
}

export interface OperationError {
  code: string;
  message: string;
}

export type UserEvent =
  | { type: 'START_REPLICATION'; credit?: CreditFact }
  | { type: 'STOP_REPLICATION' }
  | { type: 'RESUME_REPLICATION' }
  | { type: 'RESTART_REPLICATION' }
  | { type: 'TEST_FAILOVER'; recoveryPoint: RecoveryPointFact; credit?: CreditFact }
  | { type: 'CHANGE_TEST_RECOVERY_POINT'; recoveryPoint: RecoveryPointFact }
  | { type: 'CLEAN_TEST_ENVIRONMENT' }
  | { type: 'FAILOVER'; recoveryPoint: RecoveryPointFact }
  | { type: 'CHANGE_RECOVERY_POINT'; recoveryPoint: RecoveryPointFact }
  | { type: 'COMMIT_FAILOVER'; deleteAllRecoveryPoints: boolean }
  | { type: 'DETACH' }
  /**
   * Change a running pair's settings (interval, shadow flavor). Not a job: it changes no status,
   * but the statechart decides when it is accepted (decision 0011).
   */
  | { type: 'CHANGE_SETTINGS' };

export type SimulatorEvent =
  /** The full copy finished and the first recovery point exists. */
  | { type: 'REPLICATION_STARTED' }
  /** Starting or running replication failed (main server down, shadow started by hand, copy failed). */
  | { type: 'REPLICATION_FAILED'; error: OperationError }
  /** The cause of a replication error went away (the main server is back). */
  | { type: 'REPLICATION_RECOVERED' }
  /** A periodic recovery point was taken. Accepted only while replicating (I1). */
  | { type: 'RECOVERY_POINT_CREATED' }
  /** The pair's running operation (failover, change of recovery point, commit) ended. */
  | { type: 'OPERATION_SUCCEEDED' }
  | { type: 'OPERATION_FAILED'; error: OperationError }
  /** The test environment's running operation (create, change, clean) ended. */
  | { type: 'TEST_OPERATION_SUCCEEDED' }
  | { type: 'TEST_OPERATION_FAILED'; error: OperationError };

export type DrPairEvent = UserEvent | SimulatorEvent;

/** User actions, named as the API names them in `allowedActions`. */
export const USER_ACTIONS = [
  'startReplication',
  'stopReplication',
  'resumeReplication',
  'restartReplication',
  'testFailover',
  'changeTestRecoveryPoint',
  'cleanTestEnvironment',
  'failover',
  'changeRecoveryPoint',
  'commitFailover',
  'detach',
] as const;

export type UserAction = (typeof USER_ACTIONS)[number];

/** Which event each user action sends. */
export const ACTION_EVENT = {
  startReplication: 'START_REPLICATION',
  stopReplication: 'STOP_REPLICATION',
  resumeReplication: 'RESUME_REPLICATION',
  restartReplication: 'RESTART_REPLICATION',
  testFailover: 'TEST_FAILOVER',
  changeTestRecoveryPoint: 'CHANGE_TEST_RECOVERY_POINT',
  cleanTestEnvironment: 'CLEAN_TEST_ENVIRONMENT',
  failover: 'FAILOVER',
  changeRecoveryPoint: 'CHANGE_RECOVERY_POINT',
  commitFailover: 'COMMIT_FAILOVER',
  detach: 'DETACH',
} as const satisfies Record<UserAction, UserEvent['type']>;

/** Actions whose event names a recovery point. */
export const RECOVERY_POINT_ACTIONS = [
  'testFailover',
  'changeTestRecoveryPoint',
  'failover',
  'changeRecoveryPoint',
] as const satisfies readonly UserAction[];

/** Builds the event of a user action. */
export function actionEvent(
  action: UserAction,
  args: { recoveryPoint?: RecoveryPointFact; deleteAllRecoveryPoints?: boolean; credit?: CreditFact } = {},
): UserEvent {
  const type = ACTION_EVENT[action];
  const credit = args.credit === undefined ? {} : { credit: args.credit };
  switch (type) {
    case 'START_REPLICATION':
      return { type, ...credit };
    case 'TEST_FAILOVER':
      return { type, recoveryPoint: args.recoveryPoint ?? { id: '', available: false }, ...credit };
    case 'CHANGE_TEST_RECOVERY_POINT':
    case 'FAILOVER':
    case 'CHANGE_RECOVERY_POINT':
      return { type, recoveryPoint: args.recoveryPoint ?? { id: '', available: false } };
    case 'COMMIT_FAILOVER':
      return { type, deleteAllRecoveryPoints: args.deleteAllRecoveryPoints ?? false };
    default:
      return { type };
  }
}
