/**
 * The lifecycle of one DR pair: a main server replicated to a shadow server, failed over to a
 * chosen recovery point, and finally committed. This statechart is the single source of truth
 * for what is allowed when; the simulator drives it with events on its virtual clock.
 *
 * Decisions a reader will question (docs/decisions/ has the longer form):
 * - The test-failover environment is a parallel region of PROTECTED, because replication goes
 *   on during a test. Leaving PROTECTED (failover, restart, detach) ends the test region.
 * - A failover is accepted while a test environment exists only when the test is idle (READY
 *   or FAILED); the failover job then cleans the test environment as its first step, because a
 *   forgotten test must not block a disaster recovery. While the test is processing, failover
 *   waits (I5).
 * - Restart and detach need the test environment cleaned first: restart deletes the recovery
 *   point the test server runs from, and detach would orphan the test server.
 * - Start Replication and Test Failover need a prepaid account's credit to cover their first
 *   day; the event carries the simulator's finding (`credit`), the guard judges it.
 * - Detach is allowed whenever nothing is processing and no failover is waiting for a commit:
 *   from ATTACHED, PROTECTED (any replication status, no test) and FAILOVER_FAILED.
 */
import { and, assign, or, setup, stateIn } from 'xstate';
import type { DrPairEvent, OperationError } from './events.js';

export interface DrPairContext {
  /** The recovery point the failover server runs from (FAILED_OVER and after). */
  activeRecoveryPointId: string | null;
  /** The recovery point a failover or change of recovery point is restoring. */
  pendingRecoveryPointId: string | null;
  /** The recovery point the test server runs from. */
  testRecoveryPointId: string | null;
  /** The recovery point a test failover or its change is restoring. */
  pendingTestRecoveryPointId: string | null;
  /** The full copy completed since the last (re)start: replication can recover by itself. */
  initialCopyDone: boolean;
  /** The last error of replication or of the pair's operation, readable by a person. */
  lastError: OperationError | null;
  testError: OperationError | null;
  /** What the user asked of the running commit. */
  deleteRecoveryPointsOnCommit: boolean;
}

type EventOf<T extends DrPairEvent['type']> = Extract<DrPairEvent, { type: T }>;

const pointOf = (event: DrPairEvent): string | null =>
  'recoveryPoint' in event ? event.recoveryPoint.id : null;
const errorOf = (event: DrPairEvent): OperationError | null => ('error' in event ? event.error : null);

export const drPairMachine = setup({
  types: {
    context: {} as DrPairContext,
    events: {} as DrPairEvent,
  },
  guards: {
    recoveryPointAvailable: ({ event }) => 'recoveryPoint' in event && event.recoveryPoint.available,
    initialCopyDone: ({ context }) => context.initialCopyDone,
    // A prepaid account's credit must cover the first day (the simulator judges; decision 0012).
    creditCovers: ({ event }) => !('credit' in event) || event.credit === undefined || event.credit.covered,
    noTestEnvironment: stateIn('#drPair.PROTECTED.test.NONE'),
    testIdle: or([
      stateIn('#drPair.PROTECTED.test.NONE'),
      stateIn('#drPair.PROTECTED.test.READY'),
      stateIn('#drPair.PROTECTED.test.FAILED'),
    ]),
  },
  actions: {
    beginFullCopy: assign({
      initialCopyDone: false,
      activeRecoveryPointId: null,
      pendingRecoveryPointId: null,
      lastError: null,
    }),
    markCopyDone: assign({ initialCopyDone: true, lastError: null }),
    recordError: assign({ lastError: ({ event }) => errorOf(event) }),
    clearError: assign({ lastError: null }),
    beginRestore: assign({ pendingRecoveryPointId: ({ event }) => pointOf(event), lastError: null }),
    completeRestore: assign({
      activeRecoveryPointId: ({ context }) => context.pendingRecoveryPointId,
      pendingRecoveryPointId: null,
    }),
    abandonRestore: assign({ pendingRecoveryPointId: null, lastError: ({ event }) => errorOf(event) }),
    beginCommit: assign({
      deleteRecoveryPointsOnCommit: ({ event }) =>
        (event as EventOf<'COMMIT_FAILOVER'>).deleteAllRecoveryPoints === true,
      lastError: null,
    }),
    abandonCommit: assign({ deleteRecoveryPointsOnCommit: false, lastError: ({ event }) => errorOf(event) }),
    beginTest: assign({ pendingTestRecoveryPointId: ({ event }) => pointOf(event), testError: null }),
    completeTest: assign({
      testRecoveryPointId: ({ context }) => context.pendingTestRecoveryPointId,
      pendingTestRecoveryPointId: null,
    }),
    failTest: assign({ pendingTestRecoveryPointId: null, testError: ({ event }) => errorOf(event) }),
    endTest: assign({ testRecoveryPointId: null, pendingTestRecoveryPointId: null, testError: null }),
    // Does nothing, but makes the transition an accepting one: XState treats a transition with
    // neither target nor actions as forbidden, and `snapshot.can` answers false for it.
    acknowledge: () => {},
  },
}).createMachine({
  id: 'drPair',
  context: {
    activeRecoveryPointId: null,
    pendingRecoveryPointId: null,
    testRecoveryPointId: null,
    pendingTestRecoveryPointId: null,
    initialCopyDone: false,
    lastError: null,
    testError: null,
    deleteRecoveryPointsOnCommit: false,
  },
  initial: 'ATTACHED',
  states: {
    ATTACHED: {
      meta: { label: 'Attached' },
      description: 'Main server added and shadow placement chosen; nothing replicated yet.',
      on: {
        START_REPLICATION: {
          target: 'STARTING_REPLICATION',
          guard: 'creditCovers',
          actions: 'beginFullCopy',
        },
        DETACH: { target: 'DETACHED' },
      },
    },
    STARTING_REPLICATION: {
      meta: { label: 'Start Replication' },
      description: 'Shadow created powered off; full copy running. No failover until it completes.',
      tags: ['busy'],
      on: {
        REPLICATION_STARTED: { target: 'PROTECTED', actions: 'markCopyDone' },
        REPLICATION_FAILED: {
          target: '#drPair.PROTECTED.replication.REPLICATION_ERROR',
          actions: 'recordError',
        },
      },
    },
    PROTECTED: {
      type: 'parallel',
      description: 'Replication and an optional test-failover environment, side by side.',
      on: {
        FAILOVER: {
          target: 'FAILOVER_PROCESSING',
          guard: and(['recoveryPointAvailable', 'testIdle']),
          actions: 'beginRestore',
        },
        RESTART_REPLICATION: {
          target: 'STARTING_REPLICATION',
          guard: 'noTestEnvironment',
          actions: 'beginFullCopy',
        },
        DETACH: { target: 'DETACHED', guard: 'noTestEnvironment' },
      },
      states: {
        replication: {
          initial: 'REPLICATING',
          // Interval and shadow flavor can change whenever the shadow exists and no failover
          // runs: replicating, pending or in error (decision 0011).
          on: { CHANGE_SETTINGS: { actions: 'acknowledge' } },
          states: {
            REPLICATING: {
              meta: { label: 'Replicating' },
              description: 'Protected: a recovery point every 15 minutes, kept by the retention rules.',
              tags: ['replicating'],
              on: {
                RECOVERY_POINT_CREATED: { actions: 'acknowledge' },
                STOP_REPLICATION: { target: 'PAUSED' },
                REPLICATION_FAILED: { target: 'REPLICATION_ERROR', actions: 'recordError' },
              },
            },
            PAUSED: {
              meta: { label: 'Pending' },
              description: 'Replication stopped by the user; recovery points kept.',
              on: { RESUME_REPLICATION: { target: 'REPLICATING' } },
            },
            REPLICATION_ERROR: {
              meta: { label: 'Error' },
              description:
                'Starting or running replication failed; failover stays possible from existing points.',
              on: {
                REPLICATION_RECOVERED: {
                  target: 'REPLICATING',
                  guard: 'initialCopyDone',
                  actions: 'clearError',
                },
                // The cause changed while in error (the main came back, but the shadow was started by hand).
                REPLICATION_FAILED: { actions: 'recordError' },
              },
            },
          },
        },
        test: {
          initial: 'NONE',
          states: {
            NONE: {
              meta: { label: null },
              on: {
                TEST_FAILOVER: {
                  target: 'PROCESSING',
                  guard: and(['recoveryPointAvailable', 'creditCovers']),
                  actions: 'beginTest',
                },
              },
            },
            PROCESSING: {
              meta: { label: 'Processing' },
              description: 'Creating the temporary test server from the chosen recovery point.',
              tags: ['testBusy'],
              on: {
                TEST_OPERATION_SUCCEEDED: { target: 'READY', actions: 'completeTest' },
                TEST_OPERATION_FAILED: { target: 'FAILED', actions: 'failTest' },
              },
            },
            READY: {
              meta: { label: 'Ready' },
              description: 'The test server runs from the chosen recovery point.',
              on: {
                CHANGE_TEST_RECOVERY_POINT: {
                  target: 'CHANGING_RECOVERY_POINT',
                  guard: 'recoveryPointAvailable',
                  actions: 'beginTest',
                },
                CLEAN_TEST_ENVIRONMENT: { target: 'CLEANING' },
              },
            },
            CHANGING_RECOVERY_POINT: {
              meta: { label: 'Changing Recovery Point' },
              tags: ['testBusy'],
              on: {
                TEST_OPERATION_SUCCEEDED: { target: 'READY', actions: 'completeTest' },
                // A failed change leaves the test server on the point it had, as I7 does for failover.
                TEST_OPERATION_FAILED: { target: 'READY', actions: 'failTest' },
              },
            },
            CLEANING: {
              meta: { label: 'Cleaning' },
              description: 'Clean Test Environment: deleting the temporary resources.',
              tags: ['testBusy'],
              on: {
                TEST_OPERATION_SUCCEEDED: { target: 'NONE', actions: 'endTest' },
                TEST_OPERATION_FAILED: { target: 'FAILED', actions: 'failTest' },
              },
            },
            FAILED: {
              meta: { label: 'Error' },
              description: 'The test environment failed; clean it to try again.',
              on: { CLEAN_TEST_ENVIRONMENT: { target: 'CLEANING' } },
            },
          },
        },
      },
    },
    FAILOVER_PROCESSING: {
      meta: { label: 'Failover Processing' },
      description: 'Failing over to the chosen recovery point; replication stopped completely.',
      tags: ['busy'],
      entry: 'endTest',
      on: {
        OPERATION_SUCCEEDED: { target: 'FAILED_OVER', actions: 'completeRestore' },
        OPERATION_FAILED: { target: 'FAILOVER_FAILED', actions: 'abandonRestore' },
      },
    },
    FAILOVER_FAILED: {
      meta: { label: 'Failover Error' },
      description: 'The failover failed; replication still stopped. Restart replication or fail over again.',
      on: {
        FAILOVER: { target: 'FAILOVER_PROCESSING', guard: 'recoveryPointAvailable', actions: 'beginRestore' },
        RESTART_REPLICATION: { target: 'STARTING_REPLICATION', actions: 'beginFullCopy' },
        DETACH: { target: 'DETACHED' },
      },
    },
    FAILED_OVER: {
      meta: { label: 'Failed Over' },
      description: 'The shadow runs from the chosen recovery point; check the data, then commit.',
      on: {
        CHANGE_RECOVERY_POINT: {
          target: 'CHANGING_RECOVERY_POINT',
          guard: 'recoveryPointAvailable',
          actions: 'beginRestore',
        },
        COMMIT_FAILOVER: { target: 'COMMITTING', actions: 'beginCommit' },
      },
    },
    CHANGING_RECOVERY_POINT: {
      meta: { label: 'Changing Recovery Point' },
      description: 'Restoring the failover server to another recovery point.',
      tags: ['busy'],
      on: {
        OPERATION_SUCCEEDED: { target: 'FAILED_OVER', actions: 'completeRestore' },
        OPERATION_FAILED: { target: 'FAILED_OVER', actions: 'abandonRestore' },
      },
    },
    COMMITTING: {
      meta: { label: 'Committing' },
      description: 'Making the failover permanent.',
      tags: ['busy'],
      on: {
        OPERATION_SUCCEEDED: { target: 'COMMITTED' },
        OPERATION_FAILED: { target: 'FAILED_OVER', actions: 'abandonCommit' },
      },
    },
    COMMITTED: {
      meta: { label: 'Committed' },
      description: 'Final: the shadow is the primary; replication never runs again.',
      type: 'final',
    },
    DETACHED: {
      meta: { label: 'Detached' },
      description: 'Final: pairing removed.',
      type: 'final',
    },
  },
});

export type DrPairMachine = typeof drPairMachine;
