/**
 * The user's failover procedure, one step at a time: select a replicating pair, fail over to a
 * recovery point, recover from a failed failover, change the recovery point, commit.
 */
import { describe, expect, it } from 'vitest';
import {
  allowedActions,
  isBusy,
  isFinal,
  isReplicating,
  labelOf,
  statusOf,
  testStateOf,
} from '../../src/machine/index.js';
import { err, rp, run, sameState, send, TO_FAILED_OVER, TO_REPLICATING } from './helpers.js';

const AVAILABLE = { hasAvailableRecoveryPoint: true };

describe('failover procedure', () => {
  it('1. select the pair: a REPLICATING pair offers failover', () => {
    const replicating = run(TO_REPLICATING);
    expect(statusOf(replicating)).toBe('REPLICATING');
    expect(allowedActions(replicating, AVAILABLE)).toContain('failover');
    expect(allowedActions(replicating, { hasAvailableRecoveryPoint: false })).not.toContain('failover');
  });

  it('2. start failover with a recovery point: FAILOVER_PROCESSING, replication stopped', () => {
    const processing = send(run(TO_REPLICATING), { type: 'FAILOVER', recoveryPoint: rp('rp-1') });
    expect(statusOf(processing)).toBe('FAILOVER_PROCESSING');
    expect(labelOf(processing)).toBe('Failover Processing');
    expect(processing.hasTag('replicating')).toBe(false);
    expect(isReplicating(processing)).toBe(false);
    expect(isBusy(processing)).toBe(true);
    expect(processing.can({ type: 'RECOVERY_POINT_CREATED' })).toBe(false);
    expect(processing.context.pendingRecoveryPointId).toBe('rp-1');
    expect(processing.context.activeRecoveryPointId).toBeNull();
    expect(allowedActions(processing, AVAILABLE)).toEqual([]);
  });

  it('3. the failover fails: FAILOVER_FAILED offers restartReplication and failover', () => {
    const error = err('RESTORE_FAILED');
    const failed = run([
      ...TO_REPLICATING,
      { type: 'FAILOVER', recoveryPoint: rp('rp-1') },
      { type: 'OPERATION_FAILED', error },
    ]);
    expect(statusOf(failed)).toBe('FAILOVER_FAILED');
    expect(labelOf(failed)).toBe('Failover Error');
    expect(isReplicating(failed)).toBe(false);
    expect(failed.context.activeRecoveryPointId).toBeNull();
    expect(failed.context.pendingRecoveryPointId).toBeNull();
    expect(failed.context.lastError).toEqual(error);
    expect(allowedActions(failed, AVAILABLE)).toEqual(['restartReplication', 'failover', 'detach']);
  });

  it('4a. fail over again with another recovery point: it succeeds', () => {
    const failedOver = run([
      ...TO_REPLICATING,
      { type: 'FAILOVER', recoveryPoint: rp('rp-1') },
      { type: 'OPERATION_FAILED', error: err('RESTORE_FAILED') },
      { type: 'FAILOVER', recoveryPoint: rp('rp-2') },
      { type: 'OPERATION_SUCCEEDED' },
    ]);
    expect(statusOf(failedOver)).toBe('FAILED_OVER');
    expect(failedOver.context.activeRecoveryPointId).toBe('rp-2');
    expect(failedOver.context.lastError).toBeNull();
  });

  it('4b. or restart replication: back to REPLICATING through STARTING_REPLICATION', () => {
    const failed = run([
      ...TO_REPLICATING,
      { type: 'FAILOVER', recoveryPoint: rp('rp-1') },
      { type: 'OPERATION_FAILED', error: err('RESTORE_FAILED') },
    ]);
    const starting = send(failed, { type: 'RESTART_REPLICATION' });
    expect(statusOf(starting)).toBe('STARTING_REPLICATION');
    expect(starting.context.initialCopyDone).toBe(false);
    expect(isReplicating(starting)).toBe(false);
    const replicating = send(starting, { type: 'REPLICATION_STARTED' });
    expect(statusOf(replicating)).toBe('REPLICATING');
    expect(isReplicating(replicating)).toBe(true);
    expect(replicating.context.initialCopyDone).toBe(true);
  });

  it('5. the failover succeeds: FAILED_OVER on the chosen recovery point', () => {
    const failedOver = run(TO_FAILED_OVER);
    expect(statusOf(failedOver)).toBe('FAILED_OVER');
    expect(labelOf(failedOver)).toBe('Failed Over');
    expect(failedOver.context.activeRecoveryPointId).toBe('rp-1');
    expect(failedOver.context.pendingRecoveryPointId).toBeNull();
    expect(isReplicating(failedOver)).toBe(false);
    expect(allowedActions(failedOver, AVAILABLE)).toEqual(['changeRecoveryPoint', 'commitFailover']);
  });

  it('6a. change the recovery point: CHANGING_RECOVERY_POINT, then FAILED_OVER on the new point', () => {
    const changing = send(run(TO_FAILED_OVER), { type: 'CHANGE_RECOVERY_POINT', recoveryPoint: rp('rp-2') });
    expect(statusOf(changing)).toBe('CHANGING_RECOVERY_POINT');
    expect(labelOf(changing)).toBe('Changing Recovery Point');
    expect(allowedActions(changing, AVAILABLE)).toEqual([]);
    expect(changing.context.activeRecoveryPointId).toBe('rp-1');
    const changed = send(changing, { type: 'OPERATION_SUCCEEDED' });
    expect(statusOf(changed)).toBe('FAILED_OVER');
    expect(changed.context.activeRecoveryPointId).toBe('rp-2');
  });

  it('6b. a failed change of recovery point stays on the point it had (I7)', () => {
    const error = err('RESTORE_FAILED');
    const back = run([
      ...TO_FAILED_OVER,
      { type: 'CHANGE_RECOVERY_POINT', recoveryPoint: rp('rp-2') },
      { type: 'OPERATION_FAILED', error },
    ]);
    expect(statusOf(back)).toBe('FAILED_OVER');
    expect(back.context.activeRecoveryPointId).toBe('rp-1');
    expect(back.context.pendingRecoveryPointId).toBeNull();
    expect(back.context.lastError).toEqual(error);
    expect(allowedActions(back, AVAILABLE)).toEqual(['changeRecoveryPoint', 'commitFailover']);
  });

  it('6c. a change to an unavailable recovery point is refused', () => {
    const failedOver = run(TO_FAILED_OVER);
    const refused = send(failedOver, { type: 'CHANGE_RECOVERY_POINT', recoveryPoint: rp('rp-2', false) });
    expect(sameState(refused, failedOver)).toBe(true);
    expect(allowedActions(failedOver, { hasAvailableRecoveryPoint: false })).toEqual(['commitFailover']);
  });

  it('7a. commit keeping the recovery points: COMMITTING, then COMMITTED (final)', () => {
    const committing = send(run(TO_FAILED_OVER), { type: 'COMMIT_FAILOVER', deleteAllRecoveryPoints: false });
    expect(statusOf(committing)).toBe('COMMITTING');
    expect(labelOf(committing)).toBe('Committing');
    expect(committing.context.deleteRecoveryPointsOnCommit).toBe(false);
    expect(allowedActions(committing, AVAILABLE)).toEqual([]);
    const committed = send(committing, { type: 'OPERATION_SUCCEEDED' });
    expect(statusOf(committed)).toBe('COMMITTED');
    expect(labelOf(committed)).toBe('Committed');
    expect(committed.context.activeRecoveryPointId).toBe('rp-1');
    expect(committed.context.deleteRecoveryPointsOnCommit).toBe(false);
  });

  it('7b. commit deleting all recovery points: the choice is kept in context', () => {
    const committing = send(run(TO_FAILED_OVER), { type: 'COMMIT_FAILOVER', deleteAllRecoveryPoints: true });
    expect(committing.context.deleteRecoveryPointsOnCommit).toBe(true);
    const committed = send(committing, { type: 'OPERATION_SUCCEEDED' });
    expect(statusOf(committed)).toBe('COMMITTED');
    expect(committed.context.deleteRecoveryPointsOnCommit).toBe(true);
  });

  it('7c. a failed commit returns to FAILED_OVER on the same point and forgets the choice (I7)', () => {
    const error = err('COMMIT_FAILED');
    const back = run([
      ...TO_FAILED_OVER,
      { type: 'CHANGE_RECOVERY_POINT', recoveryPoint: rp('rp-3') },
      { type: 'OPERATION_SUCCEEDED' },
      { type: 'COMMIT_FAILOVER', deleteAllRecoveryPoints: true },
      { type: 'OPERATION_FAILED', error },
    ]);
    expect(statusOf(back)).toBe('FAILED_OVER');
    expect(back.context.activeRecoveryPointId).toBe('rp-3');
    expect(back.context.deleteRecoveryPointsOnCommit).toBe(false);
    expect(back.context.lastError).toEqual(error);
    expect(allowedActions(back, AVAILABLE)).toContain('commitFailover');
  });

  it('8. COMMITTED is final: nothing is offered and replication never runs again', () => {
    const committed = run([
      ...TO_FAILED_OVER,
      { type: 'COMMIT_FAILOVER', deleteAllRecoveryPoints: false },
      { type: 'OPERATION_SUCCEEDED' },
    ]);
    expect(isFinal(committed)).toBe(true);
    expect(committed.status).toBe('done');
    expect(allowedActions(committed, AVAILABLE)).toEqual([]);
    const after = run(
      [
        { type: 'RESTART_REPLICATION' },
        { type: 'START_REPLICATION' },
        { type: 'REPLICATION_STARTED' },
        { type: 'RECOVERY_POINT_CREATED' },
      ],
      committed,
    );
    expect(statusOf(after)).toBe('COMMITTED');
    expect(isReplicating(after)).toBe(false);
    expect(testStateOf(after)).toBe('NONE');
  });
});
