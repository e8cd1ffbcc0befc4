/**
 * Points in use are pinned: retention never deletes a recovery point that a running restore
 * reads, that the test server runs from, or that the failover server runs from, until it is no
 * longer in use (decision 0006). Read off the pair's statechart context, so the pins can never
 * disagree with the status.
 */
import { type PairRecord, snapshotOf } from './pairs.js';
import type { PinReason } from './types.js';

/** Statuses in which the failover server runs from the pair's active recovery point. */
const FAILED_OVER = new Set(['FAILED_OVER', 'CHANGING_RECOVERY_POINT', 'COMMITTING']);

/** The pair's points in use, with why. */
export function pinsOf(pair: Pick<PairRecord, 'machine' | 'status'>): Map<string, PinReason[]> {
  const context = snapshotOf(pair as PairRecord).context;
  const pins = new Map<string, PinReason[]>();
  const pin = (id: string | null, reason: PinReason) => {
    if (id === null) return;
    const reasons = pins.get(id);
    if (!reasons) pins.set(id, [reason]);
    else if (!reasons.includes(reason)) reasons.push(reason);
  };
  pin(context.pendingRecoveryPointId, 'restore');
  pin(context.pendingTestRecoveryPointId, 'restore');
  pin(context.testRecoveryPointId, 'test-server');
  if (FAILED_OVER.has(pair.status)) pin(context.activeRecoveryPointId, 'failover-server');
  return pins;
}

/** The ids of the pair's points in use. */
export function pinnedIds(pair: Pick<PairRecord, 'machine' | 'status'>): Set<string> {
  return new Set(pinsOf(pair).keys());
}
