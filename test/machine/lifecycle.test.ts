/**
 * The lifecycle outside the failover procedure, by example: attach, start, stop, resume,
 * restart, replication errors, the test-failover region beside replication, and detach.
 */
import { describe, expect, it } from 'vitest';
import {
  allowedActions,
  type DrPairEvent,
  type DrPairSnapshot,
  isBusy,
  isFinal,
  isReplicating,
  isTestBusy,
  labelOf,
  statusOf,
  TEST_STATE_LABELS,
  testStateOf,
} from '../../src/machine/index.js';
import { err, rp, run, sameState, send, start, TO_FAILED_OVER, TO_REPLICATING } from './helpers.js';

const AVAILABLE = { hasAvailableRecoveryPoint: true };
const testLabelOf = (snapshot: DrPairSnapshot): string | null => TEST_STATE_LABELS[testStateOf(snapshot)];

/** Sends `event` and expects the machine to refuse it: nothing changes. */
function expectRefused(snapshot: DrPairSnapshot, event: DrPairEvent): void {
  expect(snapshot.can(event), `${event.type} accepted in ${statusOf(snapshot)}`).toBe(false);
  expect(sameState(send(snapshot, event), snapshot), `${event.type} changed ${statusOf(snapshot)}`).toBe(
    true,
  );
}

const TO_TEST_READY: readonly DrPairEvent[] = [
  ...TO_REPLICATING,
  { type: 'TEST_FAILOVER', recoveryPoint: rp('rp-1') },
  { type: 'TEST_OPERATION_SUCCEEDED' },
];

describe('attach and replication', () => {
  it('a pair starts ATTACHED, offering start and detach', () => {
    const attached = start();
    expect(statusOf(attached)).toBe('ATTACHED');
    expect(labelOf(attached)).toBe('Attached');
    expect(testStateOf(attached)).toBe('NONE');
    expect(testLabelOf(attached)).toBeNull();
    expect(isReplicating(attached)).toBe(false);
    expect(isFinal(attached)).toBe(false);
    expect(allowedActions(attached, AVAILABLE)).toEqual(['startReplication', 'detach']);
    expect(attached.context.activeRecoveryPointId).toBeNull();
  });

  it('start replication: STARTING_REPLICATION (busy), then REPLICATING', () => {
    const starting = send(start(), { type: 'START_REPLICATION' });
    expect(statusOf(starting)).toBe('STARTING_REPLICATION');
    expect(labelOf(starting)).toBe('Start Replication');
    expect(isBusy(starting)).toBe(true);
    expect(isReplicating(starting)).toBe(false);
    expect(allowedActions(starting, AVAILABLE)).toEqual([]);
    const replicating = send(starting, { type: 'REPLICATION_STARTED' });
    expect(statusOf(replicating)).toBe('REPLICATING');
    expect(labelOf(replicating)).toBe('Replicating');
    expect(isReplicating(replicating)).toBe(true);
    expect(replicating.context.initialCopyDone).toBe(true);
    expect(allowedActions(replicating, AVAILABLE)).toEqual([
      'stopReplication',
      'restartReplication',
      'testFailover',
      'failover',
      'detach',
    ]);
  });

  it('a recovery point taken while replicating is accepted and changes nothing', () => {
    const replicating = run(TO_REPLICATING);
    const event = { type: 'RECOVERY_POINT_CREATED' } as const;
    expect(replicating.can(event)).toBe(true);
    expect(sameState(send(replicating, event), replicating)).toBe(true);
  });

  it('start failing: REPLICATION_ERROR, which cannot recover by itself before the full copy', () => {
    const error = err('MAIN_SERVER_DOWN');
    const failed = run([{ type: 'START_REPLICATION' }, { type: 'REPLICATION_FAILED', error }]);
    expect(statusOf(failed)).toBe('REPLICATION_ERROR');
    expect(labelOf(failed)).toBe('Error');
    expect(failed.context.lastError).toEqual(error);
    expect(isReplicating(failed)).toBe(false);
    expectRefused(failed, { type: 'REPLICATION_RECOVERED' });
    expect(allowedActions(failed, AVAILABLE)).toContain('restartReplication');
    expect(statusOf(send(failed, { type: 'RESTART_REPLICATION' }))).toBe('STARTING_REPLICATION');
  });

  it('stop replication: PAUSED (label Pending), no recovery points taken', () => {
    const paused = send(run(TO_REPLICATING), { type: 'STOP_REPLICATION' });
    expect(statusOf(paused)).toBe('PAUSED');
    expect(labelOf(paused)).toBe('Pending');
    expect(isReplicating(paused)).toBe(false);
    expect(paused.can({ type: 'RECOVERY_POINT_CREATED' })).toBe(false);
    expect(allowedActions(paused, AVAILABLE)).toEqual([
      'resumeReplication',
      'restartReplication',
      'testFailover',
      'failover',
      'detach',
    ]);
  });

  it('resume replication: PAUSED back to REPLICATING', () => {
    const resumed = run([...TO_REPLICATING, { type: 'STOP_REPLICATION' }, { type: 'RESUME_REPLICATION' }]);
    expect(statusOf(resumed)).toBe('REPLICATING');
    expect(isReplicating(resumed)).toBe(true);
  });

  it.each([
    ['REPLICATING', []],
    ['PAUSED', [{ type: 'STOP_REPLICATION' }]],
    ['REPLICATION_ERROR', [{ type: 'REPLICATION_FAILED', error: err('COPY_FAILED') }]],
  ] as const)(
    'restart replication from %s: a new full copy through STARTING_REPLICATION',
    (status, events) => {
      const from = run([...TO_REPLICATING, ...events]);
      expect(statusOf(from)).toBe(status);
      const starting = send(from, { type: 'RESTART_REPLICATION' });
      expect(statusOf(starting)).toBe('STARTING_REPLICATION');
      expect(starting.context.initialCopyDone).toBe(false);
      expect(starting.context.lastError).toBeNull();
      expect(statusOf(send(starting, { type: 'REPLICATION_STARTED' }))).toBe('REPLICATING');
    },
  );

  it('REPLICATION_FAILED stops replication; REPLICATION_RECOVERED resumes it and clears the error', () => {
    const error = err('MAIN_SERVER_DOWN');
    const failed = send(run(TO_REPLICATING), { type: 'REPLICATION_FAILED', error });
    expect(statusOf(failed)).toBe('REPLICATION_ERROR');
    expect(failed.context.lastError).toEqual(error);
    expect(isReplicating(failed)).toBe(false);
    expect(allowedActions(failed, AVAILABLE)).toContain('failover');
    const recovered = send(failed, { type: 'REPLICATION_RECOVERED' });
    expect(statusOf(recovered)).toBe('REPLICATING');
    expect(recovered.context.lastError).toBeNull();
    expect(isReplicating(recovered)).toBe(true);
  });
});

describe('test failover', () => {
  it('create the test environment: PROCESSING, then READY, while replication goes on', () => {
    const processing = send(run(TO_REPLICATING), { type: 'TEST_FAILOVER', recoveryPoint: rp('rp-1') });
    expect(statusOf(processing)).toBe('REPLICATING');
    expect(testStateOf(processing)).toBe('PROCESSING');
    expect(testLabelOf(processing)).toBe('Processing');
    expect(isTestBusy(processing)).toBe(true);
    expect(isReplicating(processing)).toBe(true);
    expect(processing.can({ type: 'RECOVERY_POINT_CREATED' })).toBe(true);
    const ready = send(processing, { type: 'TEST_OPERATION_SUCCEEDED' });
    expect(testStateOf(ready)).toBe('READY');
    expect(testLabelOf(ready)).toBe('Ready');
    expect(ready.context.testRecoveryPointId).toBe('rp-1');
    expect(statusOf(ready)).toBe('REPLICATING');
    expect(labelOf(ready)).toBe('Replicating');
    expect(allowedActions(ready, AVAILABLE)).toEqual([
      'stopReplication',
      'changeTestRecoveryPoint',
      'cleanTestEnvironment',
      'failover',
    ]);
  });

  it('a test to an unavailable recovery point is refused', () => {
    expectRefused(run(TO_REPLICATING), { type: 'TEST_FAILOVER', recoveryPoint: rp('rp-1', false) });
  });

  it('creating the test environment can fail: FAILED (label Error), clean to try again', () => {
    const error = err('TEST_SERVER_FAILED');
    const failed = run([
      ...TO_REPLICATING,
      { type: 'TEST_FAILOVER', recoveryPoint: rp('rp-1') },
      { type: 'TEST_OPERATION_FAILED', error },
    ]);
    expect(testStateOf(failed)).toBe('FAILED');
    expect(testLabelOf(failed)).toBe('Error');
    expect(failed.context.testError).toEqual(error);
    expect(failed.context.testRecoveryPointId).toBeNull();
    expect(allowedActions(failed, AVAILABLE)).toContain('cleanTestEnvironment');
    expect(allowedActions(failed, AVAILABLE)).not.toContain('testFailover');
  });

  it('change the test recovery point: CHANGING_RECOVERY_POINT, then READY on the new point', () => {
    const changing = send(run(TO_TEST_READY), {
      type: 'CHANGE_TEST_RECOVERY_POINT',
      recoveryPoint: rp('rp-2'),
    });
    expect(testStateOf(changing)).toBe('CHANGING_RECOVERY_POINT');
    expect(testLabelOf(changing)).toBe('Changing Recovery Point');
    expect(isReplicating(changing)).toBe(true);
    const ready = send(changing, { type: 'TEST_OPERATION_SUCCEEDED' });
    expect(testStateOf(ready)).toBe('READY');
    expect(ready.context.testRecoveryPointId).toBe('rp-2');
  });

  it('a failed change of the test recovery point keeps the test server on its point', () => {
    const error = err('RESTORE_FAILED');
    const ready = run([
      ...TO_TEST_READY,
      { type: 'CHANGE_TEST_RECOVERY_POINT', recoveryPoint: rp('rp-2') },
      { type: 'TEST_OPERATION_FAILED', error },
    ]);
    expect(testStateOf(ready)).toBe('READY');
    expect(ready.context.testRecoveryPointId).toBe('rp-1');
    expect(ready.context.pendingTestRecoveryPointId).toBeNull();
    expect(ready.context.testError).toEqual(error);
  });

  it('clean the test environment: CLEANING, then NONE with the test forgotten', () => {
    const cleaning = send(run(TO_TEST_READY), { type: 'CLEAN_TEST_ENVIRONMENT' });
    expect(testStateOf(cleaning)).toBe('CLEANING');
    expect(testLabelOf(cleaning)).toBe('Cleaning');
    expect(isTestBusy(cleaning)).toBe(true);
    const cleaned = send(cleaning, { type: 'TEST_OPERATION_SUCCEEDED' });
    expect(testStateOf(cleaned)).toBe('NONE');
    expect(cleaned.context.testRecoveryPointId).toBeNull();
    expect(cleaned.context.testError).toBeNull();
    expect(statusOf(cleaned)).toBe('REPLICATING');
  });

  it('a failed clean-up leaves FAILED, from which cleaning can be retried', () => {
    const failed = run([
      ...TO_TEST_READY,
      { type: 'CLEAN_TEST_ENVIRONMENT' },
      { type: 'TEST_OPERATION_FAILED', error: err('CLEAN_FAILED') },
    ]);
    expect(testStateOf(failed)).toBe('FAILED');
    const cleaned = run([{ type: 'CLEAN_TEST_ENVIRONMENT' }, { type: 'TEST_OPERATION_SUCCEEDED' }], failed);
    expect(testStateOf(cleaned)).toBe('NONE');
  });

  it('replication goes on during a test: stop, resume, fail and recover leave the test alone', () => {
    const paused = send(run(TO_TEST_READY), { type: 'STOP_REPLICATION' });
    expect(statusOf(paused)).toBe('PAUSED');
    expect(testStateOf(paused)).toBe('READY');
    const errored = run(
      [{ type: 'RESUME_REPLICATION' }, { type: 'REPLICATION_FAILED', error: err('X') }],
      paused,
    );
    expect(statusOf(errored)).toBe('REPLICATION_ERROR');
    expect(testStateOf(errored)).toBe('READY');
    const recovered = send(errored, { type: 'REPLICATION_RECOVERED' });
    expect(statusOf(recovered)).toBe('REPLICATING');
    expect(recovered.context.testRecoveryPointId).toBe('rp-1');
  });

  it('failover while the test is READY ends the test region', () => {
    const processing = send(run(TO_TEST_READY), { type: 'FAILOVER', recoveryPoint: rp('rp-2') });
    expect(statusOf(processing)).toBe('FAILOVER_PROCESSING');
    expect(testStateOf(processing)).toBe('NONE');
    expect(processing.context.testRecoveryPointId).toBeNull();
    expect(processing.context.pendingRecoveryPointId).toBe('rp-2');
  });

  it('failover while the test FAILED is accepted as well', () => {
    const failed = run([
      ...TO_REPLICATING,
      { type: 'TEST_FAILOVER', recoveryPoint: rp('rp-1') },
      { type: 'TEST_OPERATION_FAILED', error: err('TEST_SERVER_FAILED') },
    ]);
    const processing = send(failed, { type: 'FAILOVER', recoveryPoint: rp('rp-1') });
    expect(statusOf(processing)).toBe('FAILOVER_PROCESSING');
    expect(processing.context.testError).toBeNull();
  });

  it.each([
    ['PROCESSING', []],
    [
      'CHANGING_RECOVERY_POINT',
      [
        { type: 'TEST_OPERATION_SUCCEEDED' },
        { type: 'CHANGE_TEST_RECOVERY_POINT', recoveryPoint: rp('rp-2') },
      ],
    ],
    ['CLEANING', [{ type: 'TEST_OPERATION_SUCCEEDED' }, { type: 'CLEAN_TEST_ENVIRONMENT' }]],
  ] as const)('failover, restart and detach are refused while the test is %s', (test, events) => {
    const busy = run([...TO_REPLICATING, { type: 'TEST_FAILOVER', recoveryPoint: rp('rp-1') }, ...events]);
    expect(testStateOf(busy)).toBe(test);
    expectRefused(busy, { type: 'FAILOVER', recoveryPoint: rp('rp-1') });
    expectRefused(busy, { type: 'RESTART_REPLICATION' });
    expectRefused(busy, { type: 'DETACH' });
    expect(allowedActions(busy, AVAILABLE)).toEqual(['stopReplication']);
  });

  it('restart and detach need the test environment cleaned first', () => {
    const ready = run(TO_TEST_READY);
    expectRefused(ready, { type: 'RESTART_REPLICATION' });
    expectRefused(ready, { type: 'DETACH' });
  });
});

describe('detach', () => {
  it.each([
    ['ATTACHED', []],
    ['REPLICATING', TO_REPLICATING],
    ['PAUSED', [...TO_REPLICATING, { type: 'STOP_REPLICATION' }]],
    ['REPLICATION_ERROR', [...TO_REPLICATING, { type: 'REPLICATION_FAILED', error: err('X') }]],
    [
      'FAILOVER_FAILED',
      [
        ...TO_REPLICATING,
        { type: 'FAILOVER', recoveryPoint: rp('rp-1') },
        { type: 'OPERATION_FAILED', error: err('X') },
      ],
    ],
  ] as const satisfies readonly (readonly [string, readonly DrPairEvent[]])[])(
    'detach from %s: DETACHED, final',
    (status, events) => {
      const from = run(events);
      expect(statusOf(from)).toBe(status);
      expect(allowedActions(from, AVAILABLE)).toContain('detach');
      const detached = send(from, { type: 'DETACH' });
      expect(statusOf(detached)).toBe('DETACHED');
      expect(labelOf(detached)).toBe('Detached');
      expect(isFinal(detached)).toBe(true);
      expect(allowedActions(detached, AVAILABLE)).toEqual([]);
      expectRefused(detached, { type: 'START_REPLICATION' });
    },
  );

  it.each([
    ['STARTING_REPLICATION', [{ type: 'START_REPLICATION' }]],
    ['FAILOVER_PROCESSING', [...TO_REPLICATING, { type: 'FAILOVER', recoveryPoint: rp('rp-1') }]],
    ['FAILED_OVER', TO_FAILED_OVER],
    [
      'CHANGING_RECOVERY_POINT',
      [...TO_FAILED_OVER, { type: 'CHANGE_RECOVERY_POINT', recoveryPoint: rp('rp-2') }],
    ],
    ['COMMITTING', [...TO_FAILED_OVER, { type: 'COMMIT_FAILOVER', deleteAllRecoveryPoints: false }]],
  ] as const satisfies readonly (readonly [string, readonly DrPairEvent[]])[])(
    'detach is refused in %s',
    (status, events) => {
      const from = run(events);
      expect(statusOf(from)).toBe(status);
      expect(allowedActions(from, AVAILABLE)).not.toContain('detach');
      expectRefused(from, { type: 'DETACH' });
    },
  );
});
