/**
 * Recovery points: taking one (with the retention rules applied at once, as the service does
 * when the next point is made), deleting them with a logged reason, and telling whether a
 * point is available to a pair. The cache of each pair's points is updated with the rows.
 */
import type { RecoveryPointFact } from '../machine/index.js';
import type { PointRef } from './context.js';
import type { StoredRecoveryPoint } from './contract.js';
import type { Engine } from './engine.js';
import { DrError } from './errors.js';
import { matchFault } from './faults.js';
import { dayStartMs, RETENTION_MAX_AGE_MS, retentionFast, retentionRules } from './retention.js';
import { pointFromRow } from './rows.js';

export type DeleteReason =
  | 'interval'
  | 'daily'
  | 'weekly'
  | 'age'
  | 'count'
  | 'restart'
  | 'commit'
  | 'detach';

export interface PairForPoint {
  id: string;
  tenant: string;
  intervalHours: number | null;
  /** Points in use, which retention keeps (see pinning.ts). */
  pinned?: ReadonlySet<string>;
  /**
   * The pair's list of points (`ctx.pointsOf`), when the caller keeps it: the tick's pair rows
   * hold it while no pair or server row changes (a list is only changed in place), so each
   * pair-tick is not a lookup among every pair's lists (2.5 % of a 10,000-pair day).
   */
  points?: PointRef[];
}

/**
 * Takes a recovery point of the main server's data as it is now; returns its id. With `defer`
 * (a replication tick), the row waits in `ctx.pendingPoints` until the advance flushes it, and is
 * never written if a later tick deletes it first.
 */
export function takeRecoveryPoint(
  e: Engine,
  pair: PairForPoint,
  dataVersion: number,
  dataBytes: number,
  defer = false,
): string {
  const now = e.ctx.clock.nowMs();
  const id = e.ctx.rng.id('rp');
  const points = pair.points ?? e.ctx.pointsOf(pair.id);
  // Billing asks for the list of the point just taken: it gets this one without a lookup.
  if (pair.points !== undefined) e.ctx.rememberPoints(pair.id, points);
  // Every field a waiting row needs, from the start: one shape for the points a tick makes.
  const point: PointRef = {
    id,
    createdAtMs: now,
    tags: '[]',
    dataVersion,
    pending: undefined,
    sizeBytes: dataBytes,
    corrupt: 0,
  };
  points.push(point);
  const intervalHours = pair.intervalHours ?? 1;
  const { timeZone } = e.ctx.settings;
  const pinned = pair.pinned !== undefined && pair.pinned.size > 0;
  // Older points' tags change only when the day or week rules ran (a new local day) or the age
  // or count rule moved a daily point; otherwise only the new point has tags to store.
  // The fast case deletes by the interval rule alone on a day already begun: no other point's
  // tags change. Pinned points always take the full rules.
  const fast = pinned ? null : retentionFast(points, id, now, intervalHours, timeZone);
  let deleted: readonly ReturnType<typeof retentionRules>['deleted'][number][];
  let tags: ReturnType<typeof retentionRules>['tags'] | null = null;
  let retagAll = false;
  if (fast) {
    deleted = fast.deleted;
    point.tags = tagsText(fast.newPointTags);
  } else {
    const input = { points, newPointId: id, nowMs: now, intervalHours, timeZone, pinned: pair.pinned };
    const newDay = dayStartMs(now, input.timeZone) === now;
    const full = retentionRules({ ...input, onlyNewTags: !newDay });
    deleted = full.deleted;
    retagAll = newDay || deleted.some((d) => d.reason !== 'interval');
    tags = retagAll && !newDay ? retentionRules(input).tags : full.tags;
    point.tags = tagsText(tags.get(id));
  }
  const rule =
    e.ctx.faults.length > 0
      ? matchFault(
          e.ctx.faults,
          { tenant: pair.tenant, target: 'recoveryPoint', pairId: pair.id, nowMs: now },
          e.ctx.rng,
        )
      : null;
  if (rule?.effect.kind === 'corrupt') point.corrupt = 1;
  // Deferred, the row is made from the point when it is written (most are deleted first).
  if (defer) e.ctx.pendingPoints.add(point, pair);
  else {
    e.st.insertPoint.run(
      id,
      pair.id,
      pair.tenant,
      now,
      'AVAILABLE',
      point.tags,
      dataBytes,
      dataVersion,
      point.corrupt,
    );
  }
  const created = { recoveryPointId: id, dataVersion };
  let first = 0;
  if (!rule && deleted.length > 0) {
    // The usual tick: the new point's event and the deletion right after it share one row.
    const { id: deletedId, reason } = deleted[0]!;
    const gone = refOf(points, deletedId);
    e.ctx.emitCreatedDeleted(
      pair.tenant,
      pair.id,
      created,
      { recoveryPointId: deletedId, reason },
      () => deleteRow(e, deletedId, gone),
      defer,
    );
    uncache(points, gone);
    first = 1;
  } else {
    e.ctx.emit(pair.tenant, pair.id, 'recoveryPoint.created', created);
    if (rule) fired(e, rule.id, pair.tenant, pair.id, { recoveryPointId: id });
  }
  for (let i = first; i < deleted.length; i++) {
    const { id: deletedId, reason } = deleted[i]!;
    const gone = refOf(points, deletedId);
    deleteRow(e, deletedId, gone);
    e.ctx.emit(pair.tenant, pair.id, 'recoveryPoint.deleted', { recoveryPointId: deletedId, reason });
    uncache(points, gone);
  }
  if (retagAll && tags !== null) {
    for (const ref of e.ctx.pointsOf(pair.id)) {
      const kept = tags.get(ref.id);
      if (ref === point || !kept) continue;
      const text = tagsText(kept);
      if (text !== ref.tags) {
        ref.tags = text;
        // A waiting row is made from the point: it takes the new tags when written.
        if (ref.pending === undefined) e.st.tagPoint.run(text, ref.id);
      }
    }
  }
  return id;
}

/**
 * A point of the pair's cached list by id (this runs for every pair every tick). From the newest:
 * the point a tick deletes is nearly always the one before the new one, and reading every older
 * point on the way cost a pair's whole list per tick. Ids are unique.
 */
function refOf(points: PointRef[], id: string): PointRef | undefined {
  for (let i = points.length - 1; i >= 0; i--) {
    if (points[i]!.id === id) return points[i];
  }
  return undefined;
}

/**
 * Drops a deleted point from the pair's cached list, in place. The point is nearly always the
 * one before the newest: the later points move down one by hand, as `splice` would, without the
 * array of removed points `splice` makes on every tick of every pair.
 */
function uncache(points: PointRef[], ref: PointRef | undefined): void {
  if (ref === undefined) return;
  const last = points.length - 1;
  let index = last;
  while (index >= 0 && points[index] !== ref) index--;
  if (index < 0) return;
  for (let i = index; i < last; i++) points[i] = points[i + 1]!;
  points.pop();
}

/** A point's data version, whether its row is written or still deferred (undefined: no such point). */
export function dataVersionOf(e: Engine, id: string): number | undefined {
  return e.ctx.pendingPoints.find(id)?.dataVersion ?? e.st.pointById.get(id)?.data_version;
}

/**
 * Deletes a point's row, or forgets it if it was never written. A waiting row hangs on its point
 * (`ref`, from the pair's cached list), which every pending point is in; none: the row is stored.
 */
function deleteRow(e: Engine, id: string, ref: PointRef | undefined): void {
  if (ref === undefined || !e.ctx.pendingPoints.drop(ref)) e.st.deletePoint.run(id);
}

/** Retention hands out shared tag arrays: their JSON text is computed once per array. */
const TAG_TEXT = new WeakMap<readonly string[], string>();
function tagsText(tags: readonly string[] | undefined): string {
  if (!tags) return '[]';
  let text = TAG_TEXT.get(tags);
  if (text === undefined) {
    text = JSON.stringify(tags);
    TAG_TEXT.set(tags, text);
  }
  return text;
}

/** Records a fault firing: the rule's counter and an event. */
export function fired(
  e: Engine,
  ruleId: string,
  tenant: string,
  pairId: string | null,
  data: Record<string, unknown>,
): void {
  const rule = e.ctx.faults.find((r) => r.id === ruleId);
  if (!rule) return;
  rule.fired += 1;
  e.st.updateFault.run(JSON.stringify(rule), rule.id);
  e.ctx.emit(tenant, pairId, 'fault.fired', {
    faultId: rule.id,
    target: rule.target,
    effect: rule.effect,
    ...data,
  });
}

/**
 * "Nothing is kept longer than 30 days" holds whatever the status (decision 0006): on every
 * tick, points older than that are deleted in every pair, except the ones in use.
 */
export function ageOut(e: Engine, nowMs: number, pinnedOf: (pairId: string) => ReadonlySet<string>): void {
  const cutoff = nowMs - RETENTION_MAX_AGE_MS;
  if (cutoff <= oldestPointBound(e)) return;
  OLDEST.delete(e.ctx);
  const rows = e.st.pointsCreatedBefore.all(cutoff);
  const pins = new Map<string, ReadonlySet<string>>();
  for (const row of rows) {
    let pinned = pins.get(row.pair_id);
    if (!pinned) {
      pinned = pinnedOf(row.pair_id);
      pins.set(row.pair_id, pinned);
    }
    if (pinned.has(row.id)) continue;
    const cached = e.ctx.points.get(row.pair_id);
    const index = cached ? cached.findIndex((p) => p.id === row.id) : -1;
    deleteRow(e, row.id, cached?.[index]);
    e.ctx.emit(row.tenant, row.pair_id, 'recoveryPoint.deleted', { recoveryPointId: row.id, reason: 'age' });
    if (cached && index >= 0) cached.splice(index, 1);
  }
}

/**
 * No point (stored or deferred) was made before this: the oldest one when it was computed, or
 * the time then, since every point made later is made at its clock time. Deleting points only
 * raises the real oldest; an import or rollback (`ctx.reloads`) and an age-out start it over. So
 * ticks skip the age-out query until the oldest point can be old enough (ticks run it 96 times a
 * simulated day otherwise).
 */
const OLDEST = new WeakMap<Engine['ctx'], { reloads: number; ms: number }>();
function oldestPointBound(e: Engine): number {
  const { ctx } = e;
  const cached = OLDEST.get(ctx);
  if (cached?.reloads === ctx.reloads) return cached.ms;
  let ms = Math.min(ctx.clock.nowMs(), e.st.oldestPointMs.get() ?? Number.POSITIVE_INFINITY);
  ctx.pendingPoints.forEach((pending) => {
    ms = Math.min(ms, pending.createdAtMs);
  });
  OLDEST.set(ctx, { reloads: ctx.reloads, ms });
  return ms;
}

export function deleteAllPoints(
  e: Engine,
  pair: { id: string; tenant: string },
  reason: DeleteReason,
): number {
  const points = e.ctx.pointsOf(pair.id);
  const count = points.length;
  for (const point of points) {
    deleteRow(e, point.id, point);
    e.ctx.emit(pair.tenant, pair.id, 'recoveryPoint.deleted', { recoveryPointId: point.id, reason });
  }
  // Emptied in place: the list stays the one `ctx.pointsOf` hands out (it remembers the last).
  points.length = 0;
  return count;
}

export function listPoints(e: Engine, pairId: string): StoredRecoveryPoint[] {
  return e.st.pointsOfPair.all(pairId).map(pointFromRow);
}

export function loadPoint(e: Engine, pairId: string, pointId: unknown): StoredRecoveryPoint {
  const row = typeof pointId === 'string' ? e.st.pointById.get(pointId) : undefined;
  if (!row || row.pair_id !== pairId) {
    throw new DrError(
      'RECOVERY_POINT_NOT_FOUND',
      `Recovery point '${String(pointId)}' is not available to DR pair ${pairId}.`,
      {
        recoveryPointId: pointId,
      },
    );
  }
  return pointFromRow(row);
}

/** What the statechart needs to judge an action naming a recovery point. */
export function pointFact(e: Engine, pairId: string, pointId: unknown): RecoveryPointFact {
  const row = typeof pointId === 'string' ? e.st.pointById.get(pointId) : undefined;
  return { id: String(pointId), available: !!row && row.pair_id === pairId && row.status === 'AVAILABLE' };
}
