/**
 * Bounded history: events older than the retention (simulated time, default 90 days) that no
 * invariant checker needs are deleted as simulated time passes, so a simulation of years keeps
 * a bounded event log. Deleted:
 * - the created/deleted event pair of a recovery point that retention deleted before the cutoff
 *   (both events), unless a job, a fault rule or a pair's statechart names the point — the
 *   checkers then still need its history;
 * - `file.written`, `fault.fired`, `server.power`, `server.outage`, `server.recovered` and
 *   `clock.advanced` events before the cutoff (no checker reads them).
 * Transitions, job events, attachments and role changes are kept, so the checkers judge what is
 * kept exactly as before. Runs once per simulated day of an advance; deterministic (virtual
 * time only). A cursor (`counters.historyPrunedSeq`) makes each pass scan only new events.
 */
import type { Engine } from './engine.js';

export const DEFAULT_HISTORY_RETENTION_DAYS = 90;
const DAY_MS = 86_400_000;
const CURSOR = 'historyPrunedSeq';
const RETENTION_REASONS = new Set(['interval', 'daily', 'weekly', 'age', 'count']);
const UNREAD_KINDS = new Set([
  'file.written',
  'fault.fired',
  'server.power',
  'server.outage',
  'server.recovered',
  'clock.advanced',
]);

export function retentionDays(e: Engine): number {
  const days = e.ctx.settings.historyRetentionDays;
  return typeof days === 'number' && Number.isInteger(days) && days >= 1
    ? days
    : DEFAULT_HISTORY_RETENTION_DAYS;
}

/**
 * Deletes what the retention lets go of, before the start of today (UTC) minus the retention:
 * a cutoff on whole days, so however an advance is sliced, the same events go.
 */
export function pruneHistory(e: Engine): void {
  const { db } = e.store;
  const { ctx } = e;
  const cutoffMs = Math.floor(ctx.clock.nowMs() / DAY_MS) * DAY_MS - retentionDays(e) * DAY_MS;
  const cursor = ctx.counters[CURSOR] ?? 0;
  const rows = db
    .prepare('SELECT seq, at_ms, pair_id, kind, data FROM events WHERE seq > ? ORDER BY seq')
    .iterate(cursor) as IterableIterator<{
    seq: number;
    at_ms: number;
    pair_id: string | null;
    kind: string;
    data: string;
  }>;
  const doomed: number[] = [];
  const createdSeq = new Map<string, number>();
  const deletedPoints: { seq: number; pairId: string | null; pointId: string }[] = [];
  let last = cursor;
  for (const row of rows) {
    if (row.at_ms >= cutoffMs) {
      rows.return?.();
      break;
    }
    last = row.seq;
    if (UNREAD_KINDS.has(row.kind)) doomed.push(row.seq);
    else if (row.kind === 'recoveryPoint.created') {
      const id = (JSON.parse(row.data) as { recoveryPointId?: unknown }).recoveryPointId;
      if (typeof id === 'string') createdSeq.set(id, row.seq);
    } else if (row.kind === 'recoveryPoint.deleted') {
      const data = JSON.parse(row.data) as { recoveryPointId?: unknown; reason?: unknown };
      if (typeof data.recoveryPointId === 'string' && RETENTION_REASONS.has(String(data.reason))) {
        deletedPoints.push({ seq: row.seq, pairId: row.pair_id, pointId: data.recoveryPointId });
      }
    }
  }
  if (last === cursor) return;
  if (deletedPoints.length > 0) {
    const named = namedPoints(e);
    const findCreated = db.prepare<[string | null, number, string], { seq: number }>(
      "SELECT seq FROM events WHERE pair_id IS ? AND seq < ? AND kind = 'recoveryPoint.created' AND json_extract(data, '$.recoveryPointId') = ?",
    );
    for (const { seq, pairId, pointId } of deletedPoints) {
      if (named.has(pointId)) continue;
      const created = createdSeq.get(pointId) ?? findCreated.get(pairId, seq, pointId)?.seq;
      if (created === undefined) continue;
      doomed.push(created, seq);
    }
  }
  const remove = db.prepare('DELETE FROM events WHERE seq = ?');
  for (const seq of doomed) remove.run(seq);
  ctx.counters[CURSOR] = last;
}

/** Points whose history a checker may still need: named by a job, a fault rule or a statechart. */
function namedPoints(e: Engine): Set<string> {
  const named = new Set<string>();
  const add = (value: unknown) => {
    if (typeof value === 'string') named.add(value);
  };
  for (const row of e.store.db.prepare('SELECT request, result FROM jobs').iterate() as Iterable<{
    request: string;
    result: string;
  }>) {
    const request = JSON.parse(row.request) as Record<string, unknown>;
    const result = JSON.parse(row.result) as Record<string, unknown>;
    add(request.recoveryPointId);
    add(result.recoveryPointId);
  }
  for (const rule of e.ctx.faults) add(rule.selector.recoveryPointId);
  for (const row of e.store.db.prepare('SELECT machine FROM pairs').iterate() as Iterable<{
    machine: string;
  }>) {
    const context = (JSON.parse(row.machine) as { context?: Record<string, unknown> }).context ?? {};
    for (const value of Object.values(context)) add(value);
  }
  return named;
}
