/**
 * Shared helpers for the statechart tests: pure stepping of `drPairMachine` (no actors, no
 * timers), folding event lists, comparing snapshots, and fast-check arbitraries of events.
 */
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { initialTransition, transition } from 'xstate';
import {
  type DrPairEvent,
  type DrPairSnapshot,
  drPairMachine,
  type OperationError,
  type RecoveryPointFact,
  type SimulatorEvent,
  statusOf,
  testStateOf,
  type UserEvent,
} from '../../src/machine/index.js';

/** The snapshot of a freshly attached pair. */
export function start(): DrPairSnapshot {
  return initialTransition(drPairMachine)[0];
}

/** One pure step of the machine. */
export function send(snapshot: DrPairSnapshot, event: DrPairEvent): DrPairSnapshot {
  return transition(drPairMachine, snapshot, event)[0];
}

/** Folds `events` over `from` (the initial snapshot unless given) and returns the last snapshot. */
export function run(events: readonly DrPairEvent[], from: DrPairSnapshot = start()): DrPairSnapshot {
  return events.reduce(send, from);
}

export interface Step {
  before: DrPairSnapshot;
  event: DrPairEvent;
  after: DrPairSnapshot;
}

/** Every step of folding `events`, in order. */
export function trace(events: readonly DrPairEvent[], from: DrPairSnapshot = start()): Step[] {
  const steps: Step[] = [];
  let before = from;
  for (const event of events) {
    const after = send(before, event);
    steps.push({ before, event, after });
    before = after;
  }
  return steps;
}

/** Same state value and deep-equal context. */
export const sameState = (a: DrPairSnapshot, b: DrPairSnapshot): boolean =>
  isDeepStrictEqual(a.value, b.value) && isDeepStrictEqual(a.context, b.context);

/** The event changed the snapshot (its value or its context). */
export const changes = (snapshot: DrPairSnapshot, event: DrPairEvent): boolean =>
  !sameState(snapshot, send(snapshot, event));

/** A status and test state in one string, for messages and coverage sets. */
export const describeState = (snapshot: DrPairSnapshot): string =>
  `${statusOf(snapshot)}/${testStateOf(snapshot)}`;

// ----- concrete values for example tests -----

export const rp = (id: string, available = true): RecoveryPointFact => ({ id, available });
export const err = (code: string, message = `${code} happened`): OperationError => ({ code, message });

/** Events that take a freshly attached pair to REPLICATING. */
export const TO_REPLICATING: readonly DrPairEvent[] = [
  { type: 'START_REPLICATION' },
  { type: 'REPLICATION_STARTED' },
];

/** Events that take a freshly attached pair to FAILED_OVER on `rp-1`. */
export const TO_FAILED_OVER: readonly DrPairEvent[] = [
  ...TO_REPLICATING,
  { type: 'FAILOVER', recoveryPoint: rp('rp-1') },
  { type: 'OPERATION_SUCCEEDED' },
];

/**
 * A finite set of concrete events covering every event type, with available and unavailable
 * recovery points: the alphabet of the graph traversal and of the finality checks.
 */
export const CONCRETE_EVENTS: readonly DrPairEvent[] = [
  { type: 'START_REPLICATION' },
  { type: 'STOP_REPLICATION' },
  { type: 'RESUME_REPLICATION' },
  { type: 'RESTART_REPLICATION' },
  { type: 'TEST_FAILOVER', recoveryPoint: rp('rp-1') },
  { type: 'TEST_FAILOVER', recoveryPoint: rp('rp-gone', false) },
  { type: 'CHANGE_TEST_RECOVERY_POINT', recoveryPoint: rp('rp-2') },
  { type: 'CHANGE_TEST_RECOVERY_POINT', recoveryPoint: rp('rp-gone', false) },
  { type: 'CLEAN_TEST_ENVIRONMENT' },
  { type: 'FAILOVER', recoveryPoint: rp('rp-1') },
  { type: 'FAILOVER', recoveryPoint: rp('rp-gone', false) },
  { type: 'CHANGE_RECOVERY_POINT', recoveryPoint: rp('rp-2') },
  { type: 'CHANGE_RECOVERY_POINT', recoveryPoint: rp('rp-gone', false) },
  { type: 'COMMIT_FAILOVER', deleteAllRecoveryPoints: false },
  { type: 'COMMIT_FAILOVER', deleteAllRecoveryPoints: true },
  { type: 'DETACH' },
  { type: 'REPLICATION_STARTED' },
  { type: 'REPLICATION_FAILED', error: err('MAIN_SERVER_DOWN') },
  { type: 'REPLICATION_RECOVERED' },
  { type: 'RECOVERY_POINT_CREATED' },
  { type: 'OPERATION_SUCCEEDED' },
  { type: 'OPERATION_FAILED', error: err('RESTORE_FAILED') },
  { type: 'TEST_OPERATION_SUCCEEDED' },
  { type: 'TEST_OPERATION_FAILED', error: err('TEST_SERVER_FAILED') },
];

// ----- arbitraries -----

const RECOVERY_POINT_IDS = ['rp-1', 'rp-2', 'rp-3'] as const;

/** A recovery point fact; available or not. */
export const recoveryPointArb = (
  available: fc.Arbitrary<boolean> = fc.boolean(),
): fc.Arbitrary<RecoveryPointFact> => fc.record({ id: fc.constantFrom(...RECOVERY_POINT_IDS), available });

export const availablePointArb = recoveryPointArb(fc.constant(true));
export const unavailablePointArb = recoveryPointArb(fc.constant(false));

export const errorArb: fc.Arbitrary<OperationError> = fc.record({
  code: fc.oneof(
    fc.constantFrom('MAIN_SERVER_DOWN', 'SHADOW_STARTED_BY_HAND', 'COPY_FAILED', 'RESTORE_FAILED', 'TIMEOUT'),
    fc.string({ minLength: 1, maxLength: 12 }),
  ),
  message: fc.string({ maxLength: 20 }),
});

/** Any user event; recovery points available or not. */
export const userEventArb = (
  point: fc.Arbitrary<RecoveryPointFact> = recoveryPointArb(),
): fc.Arbitrary<UserEvent> =>
  fc.oneof(
    fc.constant({ type: 'START_REPLICATION' } as const),
    fc.constant({ type: 'STOP_REPLICATION' } as const),
    fc.constant({ type: 'RESUME_REPLICATION' } as const),
    fc.constant({ type: 'RESTART_REPLICATION' } as const),
    point.map((recoveryPoint) => ({ type: 'TEST_FAILOVER', recoveryPoint }) as const),
    point.map((recoveryPoint) => ({ type: 'CHANGE_TEST_RECOVERY_POINT', recoveryPoint }) as const),
    fc.constant({ type: 'CLEAN_TEST_ENVIRONMENT' } as const),
    point.map((recoveryPoint) => ({ type: 'FAILOVER', recoveryPoint }) as const),
    point.map((recoveryPoint) => ({ type: 'CHANGE_RECOVERY_POINT', recoveryPoint }) as const),
    fc
      .boolean()
      .map((deleteAllRecoveryPoints) => ({ type: 'COMMIT_FAILOVER', deleteAllRecoveryPoints }) as const),
    fc.constant({ type: 'DETACH' } as const),
  );

/** Any simulator event, with random errors. */
export const simulatorEventArb: fc.Arbitrary<SimulatorEvent> = fc.oneof(
  fc.constant({ type: 'REPLICATION_STARTED' } as const),
  errorArb.map((error) => ({ type: 'REPLICATION_FAILED', error }) as const),
  fc.constant({ type: 'REPLICATION_RECOVERED' } as const),
  fc.constant({ type: 'RECOVERY_POINT_CREATED' } as const),
  fc.constant({ type: 'OPERATION_SUCCEEDED' } as const),
  errorArb.map((error) => ({ type: 'OPERATION_FAILED', error }) as const),
  fc.constant({ type: 'TEST_OPERATION_SUCCEEDED' } as const),
  errorArb.map((error) => ({ type: 'TEST_OPERATION_FAILED', error }) as const),
);

/** Any event, user or simulator, uniformly by kind. */
export const anyEventArb: fc.Arbitrary<DrPairEvent> = fc.oneof(userEventArb(), simulatorEventArb);

/**
 * Any event, biased toward the ones that move a pair forward (start, started, failover to an
 * available point, success) so random sequences reach the deep states: FAILED_OVER, changing
 * its recovery point, COMMITTING and COMMITTED, and every state of the test region.
 */
export const eventArb: fc.Arbitrary<DrPairEvent> = fc.oneof(
  { weight: 10, arbitrary: anyEventArb },
  { weight: 3, arbitrary: fc.constant({ type: 'START_REPLICATION' } as const) },
  { weight: 3, arbitrary: fc.constant({ type: 'REPLICATION_STARTED' } as const) },
  {
    weight: 3,
    arbitrary: availablePointArb.map((recoveryPoint) => ({ type: 'FAILOVER', recoveryPoint }) as const),
  },
  { weight: 5, arbitrary: fc.constant({ type: 'OPERATION_SUCCEEDED' } as const) },
  { weight: 2, arbitrary: errorArb.map((error) => ({ type: 'OPERATION_FAILED', error }) as const) },
  { weight: 1, arbitrary: fc.constant({ type: 'RESTART_REPLICATION' } as const) },
  { weight: 1, arbitrary: fc.constant({ type: 'CLEAN_TEST_ENVIRONMENT' } as const) },
  {
    weight: 2,
    arbitrary: availablePointArb.map(
      (recoveryPoint) => ({ type: 'CHANGE_RECOVERY_POINT', recoveryPoint }) as const,
    ),
  },
  {
    weight: 2,
    arbitrary: fc
      .boolean()
      .map((deleteAllRecoveryPoints) => ({ type: 'COMMIT_FAILOVER', deleteAllRecoveryPoints }) as const),
  },
  {
    weight: 2,
    arbitrary: availablePointArb.map((recoveryPoint) => ({ type: 'TEST_FAILOVER', recoveryPoint }) as const),
  },
  {
    weight: 1,
    arbitrary: availablePointArb.map(
      (recoveryPoint) => ({ type: 'CHANGE_TEST_RECOVERY_POINT', recoveryPoint }) as const,
    ),
  },
  { weight: 3, arbitrary: fc.constant({ type: 'TEST_OPERATION_SUCCEEDED' } as const) },
);

/** Random event sequences for the property tests. */
export const eventsArb: fc.Arbitrary<DrPairEvent[]> = fc.array(eventArb, {
  minLength: 1,
  maxLength: 60,
  size: 'max',
});
