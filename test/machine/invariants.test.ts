/**
 * The lifecycle's invariants I1–I8, checked over random event sequences. The sequences are
 * biased toward progress (see `eventArb`), and every property counts the premises it saw, so it
 * cannot pass because the interesting states were never reached.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  actionEvent,
  allowedActions,
  type DrPairEvent,
  type DrPairSnapshot,
  type DrPairStatus,
  isBusy,
  isFinal,
  isReplicating,
  isTestBusy,
  RECOVERY_POINT_ACTIONS,
  STATUSES,
  statusOf,
  TEST_STATES,
  type TestFailoverState,
  testStateOf,
  USER_ACTIONS,
  type UserAction,
} from '../../src/machine/index.js';
import {
  CONCRETE_EVENTS,
  changes,
  describeState,
  eventsArb,
  type Step,
  sameState,
  send,
  trace,
} from './helpers.js';

const NUM_RUNS = 1000;

/** What a property saw across all its runs: statuses, test states and named premises. */
class Coverage {
  readonly statuses = new Set<DrPairStatus>();
  readonly testStates = new Set<TestFailoverState>();
  private readonly premises = new Map<string, number>();

  see(snapshot: DrPairSnapshot): void {
    this.statuses.add(statusOf(snapshot));
    this.testStates.add(testStateOf(snapshot));
  }

  hit(premise: string): void {
    this.premises.set(premise, (this.premises.get(premise) ?? 0) + 1);
  }

  /** Every status and test state was reached and every named premise held at least once. */
  expectComplete(premises: readonly string[]): void {
    expect([...this.statuses].sort(), 'statuses reached').toEqual([...STATUSES].sort());
    expect([...this.testStates].sort(), 'test states reached').toEqual([...TEST_STATES].sort());
    for (const premise of premises) {
      expect(this.premises.get(premise) ?? 0, `premise never met: ${premise}`).toBeGreaterThan(0);
    }
  }
}

/** Runs `check` on every step of every generated sequence, then checks coverage. */
function forAllSteps(
  check: (step: Step, index: number, steps: Step[], coverage: Coverage) => void,
  premises: readonly string[],
): void {
  const coverage = new Coverage();
  fc.assert(
    fc.property(eventsArb, (events) => {
      const steps = trace(events);
      steps.forEach((step, index) => {
        coverage.see(step.after);
        check(step, index, steps, coverage);
      });
    }),
    { numRuns: NUM_RUNS },
  );
  coverage.expectComplete(premises);
}

/** The snapshots of a state space seen so far, so costly per-snapshot checks run once per state. */
function oncePerState(): (snapshot: DrPairSnapshot, check: () => void) => void {
  const checked = new Set<string>();
  return (snapshot, check) => {
    const key = JSON.stringify([snapshot.value, snapshot.context]);
    if (checked.has(key)) return;
    check();
    checked.add(key);
  };
}

const RECOVERY_POINT_CREATED = { type: 'RECOVERY_POINT_CREATED' } as const;
const AVAILABLE = { hasAvailableRecoveryPoint: true };
const UNAVAILABLE = { hasAvailableRecoveryPoint: false };
const PAIR_BUSY: readonly DrPairStatus[] = [
  'STARTING_REPLICATION',
  'FAILOVER_PROCESSING',
  'CHANGING_RECOVERY_POINT',
  'COMMITTING',
];
const TEST_BUSY: readonly TestFailoverState[] = ['PROCESSING', 'CHANGING_RECOVERY_POINT', 'CLEANING'];
const BLOCKED_WHILE_TEST_BUSY: readonly UserAction[] = [
  'testFailover',
  'changeTestRecoveryPoint',
  'cleanTestEnvironment',
  'failover',
  'restartReplication',
  'detach',
];
const USER_EVENT_TYPES = new Set<string>(USER_ACTIONS.map((action) => actionEvent(action).type));
const isUserEvent = (event: DrPairEvent): boolean => USER_EVENT_TYPES.has(event.type);
const inProtected = (snapshot: DrPairSnapshot): boolean => snapshot.matches('PROTECTED');

describe('invariants over random event sequences', () => {
  it('I1: replication runs and recovery points are taken only in REPLICATING, never after the end', () => {
    const NOT_REPLICATING: readonly DrPairStatus[] = [
      'FAILOVER_PROCESSING',
      'CHANGING_RECOVERY_POINT',
      'COMMITTING',
      'PAUSED',
      'REPLICATION_ERROR',
      'FAILOVER_FAILED',
      'FAILED_OVER',
      'COMMITTED',
      'DETACHED',
    ];
    forAllSteps(
      ({ after }, index, steps, coverage) => {
        const status = statusOf(after);
        const replicating = status === 'REPLICATING';
        expect(isReplicating(after), describeState(after)).toBe(replicating);
        expect(after.hasTag('replicating')).toBe(replicating);
        expect(after.can(RECOVERY_POINT_CREATED), describeState(after)).toBe(replicating);
        if (NOT_REPLICATING.includes(status)) coverage.hit(`not replicating in ${status}`);
        if (replicating) coverage.hit('replicating');
        const ended = steps.slice(0, index).some((s) => isFinal(s.after));
        if (ended) {
          coverage.hit('after the end');
          expect(isReplicating(after)).toBe(false);
          expect(after.can(RECOVERY_POINT_CREATED)).toBe(false);
        }
      },
      ['replicating', 'after the end', ...NOT_REPLICATING.map((s) => `not replicating in ${s}`)],
    );
  });

  it('I2: commitFailover is accepted only in FAILED_OVER; COMMITTED comes only from COMMITTING on success', () => {
    forAllSteps(
      ({ before, event, after }, _index, _steps, coverage) => {
        for (const deleteAllRecoveryPoints of [false, true]) {
          const commit = actionEvent('commitFailover', { deleteAllRecoveryPoints });
          expect(after.can(commit), describeState(after)).toBe(statusOf(after) === 'FAILED_OVER');
        }
        if (statusOf(after) === 'FAILED_OVER') coverage.hit('commit offered');
        if (statusOf(after) === 'COMMITTED' && statusOf(before) !== 'COMMITTED') {
          coverage.hit('committed');
          expect(statusOf(before)).toBe('COMMITTING');
          expect(event.type).toBe('OPERATION_SUCCEEDED');
        }
      },
      ['commit offered', 'committed'],
    );
  });

  it('I3: an action naming an unavailable recovery point is rejected and changes nothing', () => {
    const once = oncePerState();
    forAllSteps(
      ({ before, event, after }, _index, _steps, coverage) => {
        if ('recoveryPoint' in event && !event.recoveryPoint.available) {
          expect(sameState(after, before), `${event.type} in ${describeState(before)}`).toBe(true);
        }
        once(after, () => {
          for (const action of RECOVERY_POINT_ACTIONS) {
            const unavailable = actionEvent(action, { recoveryPoint: { id: 'rp-9', available: false } });
            const available = actionEvent(action, { recoveryPoint: { id: 'rp-9', available: true } });
            // Counts the states where only the point's availability makes the difference.
            if (after.can(available)) coverage.hit(`${action} refused for want of a point`);
            expect(after.can(unavailable), `${action} in ${describeState(after)}`).toBe(false);
            expect(sameState(send(after, unavailable), after), `${action} in ${describeState(after)}`).toBe(
              true,
            );
          }
        });
      },
      RECOVERY_POINT_ACTIONS.map((action) => `${action} refused for want of a point`),
    );
  });

  it('I4: COMMITTED and DETACHED are final: no event changes them', () => {
    const once = oncePerState();
    forAllSteps(
      ({ before, event, after }, _index, _steps, coverage) => {
        if (isFinal(before)) {
          coverage.hit(`event after ${statusOf(before)}`);
          expect(sameState(after, before), `${event.type} after ${statusOf(before)}`).toBe(true);
        }
        const status = statusOf(after);
        expect(isFinal(after)).toBe(status === 'COMMITTED' || status === 'DETACHED');
        if (!isFinal(after)) return;
        once(after, () => {
          for (const concrete of CONCRETE_EVENTS) {
            expect(after.can(concrete), `${concrete.type} in ${status}`).toBe(false);
            expect(sameState(send(after, concrete), after), `${concrete.type} in ${status}`).toBe(true);
          }
          expect(allowedActions(after, AVAILABLE)).toEqual([]);
          expect(allowedActions(after, UNAVAILABLE)).toEqual([]);
        });
      },
      ['event after COMMITTED', 'event after DETACHED'],
    );
  });

  it('I5: no user action while the pair is busy; no test action, failover, restart or detach while the test is busy', () => {
    forAllSteps(
      ({ before, event, after }, _index, _steps, coverage) => {
        const status = statusOf(after);
        const test = testStateOf(after);
        expect(isBusy(after)).toBe(PAIR_BUSY.includes(status));
        expect(isTestBusy(after)).toBe(TEST_BUSY.includes(test));
        if (PAIR_BUSY.includes(status)) {
          coverage.hit(`busy ${status}`);
          expect(allowedActions(after, AVAILABLE), status).toEqual([]);
          expect(allowedActions(after, UNAVAILABLE), status).toEqual([]);
        }
        if (TEST_BUSY.includes(test)) {
          coverage.hit(`test busy ${test}`);
          const allowed = allowedActions(after, AVAILABLE);
          expect(
            allowed.filter((action) => BLOCKED_WHILE_TEST_BUSY.includes(action)),
            test,
          ).toEqual([]);
        }
        // The same from the steps themselves: a user event sent while busy changed nothing.
        const blockedByPair = PAIR_BUSY.includes(statusOf(before));
        const blockedByTest =
          TEST_BUSY.includes(testStateOf(before)) &&
          BLOCKED_WHILE_TEST_BUSY.some((action) => actionEvent(action).type === event.type);
        if (isUserEvent(event) && (blockedByPair || blockedByTest)) {
          coverage.hit('user event while busy');
          expect(sameState(after, before), `${event.type} in ${describeState(before)}`).toBe(true);
        }
      },
      [
        ...PAIR_BUSY.map((status) => `busy ${status}`),
        ...TEST_BUSY.map((test) => `test busy ${test}`),
        'user event while busy',
      ],
    );
  });

  it('I6: a failed failover never leads to FAILED_OVER; FAILOVER_FAILED offers restart and failover', () => {
    forAllSteps(
      ({ before, event, after }, _index, _steps, coverage) => {
        if (statusOf(before) === 'FAILOVER_PROCESSING' && event.type === 'OPERATION_FAILED') {
          coverage.hit('failed failover');
          expect(statusOf(after)).toBe('FAILOVER_FAILED');
          expect(after.context.activeRecoveryPointId).toBeNull();
          expect(after.context.lastError).toEqual(event.error);
        }
        if (statusOf(after) === 'FAILOVER_FAILED') {
          coverage.hit('in FAILOVER_FAILED');
          expect(after.context.activeRecoveryPointId).toBeNull();
          expect(allowedActions(after, AVAILABLE)).toEqual(
            expect.arrayContaining(['restartReplication', 'failover']),
          );
          expect(allowedActions(after, UNAVAILABLE)).toContain('restartReplication');
          expect(allowedActions(after, UNAVAILABLE)).not.toContain('failover');
        }
        // FAILED_OVER is entered only by a failover that succeeded, or by coming back to it.
        if (statusOf(after) === 'FAILED_OVER' && statusOf(before) !== 'FAILED_OVER') {
          coverage.hit('entered FAILED_OVER');
          const from = statusOf(before);
          expect(['FAILOVER_PROCESSING', 'CHANGING_RECOVERY_POINT', 'COMMITTING']).toContain(from);
          if (from === 'FAILOVER_PROCESSING') expect(event.type).toBe('OPERATION_SUCCEEDED');
        }
      },
      ['failed failover', 'in FAILOVER_FAILED', 'entered FAILED_OVER'],
    );
  });

  it('I7: a failed change of recovery point or commit returns to FAILED_OVER on the same point', () => {
    forAllSteps(
      ({ before, event, after }, index, steps, coverage) => {
        const from = statusOf(before);
        if (
          (from === 'CHANGING_RECOVERY_POINT' || from === 'COMMITTING') &&
          event.type === 'OPERATION_FAILED'
        ) {
          coverage.hit(`failed ${from}`);
          // The point the pair ran from when it last left FAILED_OVER for this operation.
          const left = steps
            .slice(0, index)
            .reverse()
            .find((s) => statusOf(s.before) === 'FAILED_OVER' && statusOf(s.after) === from);
          expect(left).toBeDefined();
          const active = left?.before.context.activeRecoveryPointId;
          expect(active).not.toBeNull();
          expect(statusOf(after)).toBe('FAILED_OVER');
          expect(after.context.activeRecoveryPointId).toBe(active);
          expect(after.context.pendingRecoveryPointId).toBeNull();
          expect(after.context.lastError).toEqual(event.error);
        }
      },
      ['failed CHANGING_RECOVERY_POINT', 'failed COMMITTING'],
    );
  });

  it('I8: stop only in REPLICATING, resume only in PAUSED; REPLICATING is entered from outside only via STARTING_REPLICATION', () => {
    const stop = actionEvent('stopReplication');
    const resume = actionEvent('resumeReplication');
    forAllSteps(
      ({ before, event, after }, _index, _steps, coverage) => {
        const status = statusOf(after);
        expect(after.can(stop), describeState(after)).toBe(status === 'REPLICATING');
        expect(after.can(resume), describeState(after)).toBe(status === 'PAUSED');
        if (statusOf(after) === 'REPLICATING' && !inProtected(before)) {
          coverage.hit('entered REPLICATING from outside');
          expect(statusOf(before)).toBe('STARTING_REPLICATION');
        }
        if (event.type === 'RESTART_REPLICATION' && !sameState(after, before)) {
          coverage.hit(`restart from ${inProtected(before) ? 'PROTECTED' : statusOf(before)}`);
          expect(statusOf(after)).toBe('STARTING_REPLICATION');
          expect(after.context.initialCopyDone).toBe(false);
        }
      },
      ['entered REPLICATING from outside', 'restart from PROTECTED', 'restart from FAILOVER_FAILED'],
    );
  });

  it('allowedActions always equals the set of user actions the machine accepts', () => {
    const once = oncePerState();
    forAllSteps(
      ({ after }, _index, _steps, coverage) => {
        once(after, () => {
          for (const facts of [AVAILABLE, UNAVAILABLE]) {
            const allowed = allowedActions(after, facts);
            const recoveryPoint = { id: 'rp-probe', available: facts.hasAvailableRecoveryPoint };
            for (const action of USER_ACTIONS) {
              const event = actionEvent(action, { recoveryPoint });
              const message = `${action} in ${describeState(after)} (${JSON.stringify(facts)})`;
              coverage.hit(`${action} ${allowed.includes(action) ? 'allowed' : 'refused'}`);
              expect(allowed.includes(action), message).toBe(after.can(event));
              // Behaviour, not just `can`: an allowed action moves the pair, a refused one does not.
              expect(allowed.includes(action), message).toBe(changes(after, event));
            }
          }
        });
      },
      USER_ACTIONS.flatMap((action) => [`${action} allowed`, `${action} refused`]),
    );
  });
});
