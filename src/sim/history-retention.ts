/**
 * Bounded history: what is older than the retention (simulated time, default 90 days) and no
 * kept record or invariant checker needs is deleted as simulated time passes, so a simulation
 * of years keeps a bounded database. Deleted, in this order:
 * - jobs that ended (SUCCEEDED or FAILED) before the cutoff and that no pair names as its
 *   current job, with their idempotency keys and their `job.step` events (no checker reads
 *   those; `job.created`/`job.ended` stay with the transitions);
 * - the created/deleted event pair of a recovery point that retention deleted before the cutoff
 *   (both events), unless a job, a fault rule or a pair's statechart names the point — the
 *   checkers then still need its history;
 * - `file.written`, `fault.fired`, `server.power`, `server.outage`, `server.recovered` and
 *   `clock.advanced` events before the cutoff (no checker reads them).
 * - file versions superseded (by a newer version of the same path) before the cutoff, unless a
 *   server's current data, a stored recovery point or a kept job's restore reads them.
 * Transitions, job creation and end, attachments and role changes are kept, so the checkers
 * judge what is kept exactly as before. Runs once per simulated day of an advance; deterministic (virtual
 * time only). A cursor (`counters.historyPrunedSeq`) makes each pass scan only new events.
 */
import type { Engine } from './engine.js';
import { type Carried, pruneEventRows } from './history-events.js';
import { PACKED_EVENTS } from './rows.js';
import { preparedOnce } from './store.js';

export const DEFAULT_HISTORY_RETENTION_DAYS = 90;

/** Pruning runs once per simulated day of every advance: its statements are prepared once. */
const preparedFor = (e: Engine) => preparedOnce(e.store.db);
const DAY_MS = 86_400_000;
const CURSOR = 'historyPrunedSeq';

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
  const cutoffMs = Math.floor(e.ctx.clock.nowMs() / DAY_MS) * DAY_MS - retentionDays(e) * DAY_MS;
  pruneJobs(e, cutoffMs);
  pruneEvents(e, cutoffMs);
  pruneFiles(e, cutoffMs);
}

function pruneEvents(e: Engine, cutoffMs: number): void {
  const { ctx } = e;
  const cursor = ctx.counters[CURSOR] ?? 0;
  // Creations of points not deleted yet, carried from the pass before when it ended where this
  // one starts (nothing reloaded since): a point retention deletes a day or two after it was made
  // is then found without a search of the pair's events.
  const carried = CREATED.get(ctx);
  CREATED.delete(ctx);
  const valid = carried && carried.reloads === ctx.reloads && carried.cursor === cursor;
  const pass = pruneEventRows(e.store.db, {
    cutoffMs,
    cursor,
    carried: valid ? carried.carried : undefined,
    ownRows: valid ? carried.ownRows : undefined,
    named: () => namedPoints(e),
  });
  if (!pass) return;
  ctx.counters[CURSOR] = pass.cursor;
  CREATED.set(ctx, { reloads: ctx.reloads, ...pass });
}

/** What `pruneEvents` carries to its next pass (by context). */
const CREATED = new WeakMap<Engine['ctx'], Carried & { reloads: number }>();

/** Points whose history a checker may still need: named by a job, a fault rule or a statechart. */
function namedPoints(e: Engine): Set<string> {
  const named = new Set<string>();
  const add = (value: unknown) => {
    if (typeof value === 'string') named.add(value);
  };
  for (const row of preparedFor(e).prepare('SELECT request, result FROM jobs').iterate() as Iterable<{
    request: string;
    result: string;
  }>) {
    const request = JSON.parse(row.request) as Record<string, unknown>;
    const result = JSON.parse(row.result) as Record<string, unknown>;
    add(request.recoveryPointId);
    add(result.recoveryPointId);
  }
  for (const rule of e.ctx.faults) add(rule.selector.recoveryPointId);
  for (const row of preparedFor(e).prepare('SELECT machine FROM pairs').iterate() as Iterable<{
    machine: string;
  }>) {
    const context = (JSON.parse(row.machine) as { context?: Record<string, unknown> }).context ?? {};
    for (const value of Object.values(context)) add(value);
  }
  return named;
}

/** Ended jobs before the cutoff that no pair is running, with their keys and step events. */
function pruneJobs(e: Engine, cutoffMs: number): void {
  const db = preparedFor(e);
  const ids = db
    .prepare(
      `SELECT id FROM jobs WHERE status IN ('SUCCEEDED', 'FAILED') AND ended_at_ms < ?
       AND id NOT IN (SELECT current_job_id FROM pairs WHERE current_job_id IS NOT NULL)
       AND id NOT IN (SELECT current_test_job_id FROM pairs WHERE current_test_job_id IS NOT NULL)`,
    )
    .pluck()
    .all(cutoffMs) as string[];
  if (ids.length === 0) return;
  const removeJob = db.prepare('DELETE FROM jobs WHERE id = ?');
  const removeKeys = db.prepare('DELETE FROM idempotency WHERE job_id = ?');
  const removeSteps = db.prepare(
    "DELETE FROM events WHERE pair_id = ? AND kind = 'job.step' AND json_extract(data, '$.jobId') = ?",
  );
  const pairOf = db.prepare('SELECT pair_id FROM jobs WHERE id = ?').pluck();
  for (const id of ids) {
    removeSteps.run(pairOf.get(id), id);
    removeKeys.run(id);
    removeJob.run(id);
  }
}

/**
 * File versions that no reader needs. A server's files at version `n` are, per path, the
 * latest row at or below `n`; so a row is needed only if some needed version lies between it
 * and the path's next row. Needed: each server's current version, every stored recovery
 * point's captured version (on its pair's main server), and what a kept job restored or
 * restores (its result's server and version, its captured version, the version its named point
 * captured). Only rows written before the cutoff are considered (a path's last such row is
 * kept), so each pass reads the kept old rows and one day's new ones, by index.
 */
function pruneFiles(e: Engine, cutoffMs: number): void {
  const db = preparedFor(e);
  const old = db.prepare<[string, number], { path: string; version: number }>(
    'SELECT path, version FROM files WHERE server_id = ? AND written_at_ms < ? ORDER BY path, version',
  );
  const remove = db.prepare('DELETE FROM files WHERE server_id = ? AND path = ? AND version = ?');
  let needed: Map<string, number[]> | undefined;
  for (const server of db.prepare('SELECT id FROM servers').pluck().all() as string[]) {
    const rows = old.all(server, cutoffMs);
    for (let i = 0; i + 1 < rows.length; i++) {
      const row = rows[i]!;
      const next = rows[i + 1]!;
      if (next.path !== row.path) continue;
      // Read only once some path has an older version: a server whose files were written once
      // (every pair's main without a workload) needs no pass over every job and point each day.
      needed ??= neededVersions(e);
      if (!anyWithin(needed.get(server) ?? [], row.version, next.version)) {
        remove.run(server, row.path, row.version);
      }
    }
  }
}

/** Whether sorted `versions` holds one in [from, to). */
function anyWithin(versions: number[], from: number, to: number): boolean {
  let lo = 0;
  let hi = versions.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (versions[mid]! < from) lo = mid + 1;
    else hi = mid;
  }
  return lo < versions.length && versions[lo]! < to;
}

/** serverId → the data versions some reader needs, sorted. */
function neededVersions(e: Engine): Map<string, number[]> {
  const db = preparedFor(e);
  const needed = new Map<string, Set<number>>();
  const need = (server: unknown, version: unknown) => {
    if (typeof server !== 'string' || typeof version !== 'number') return;
    const set = needed.get(server) ?? new Set<number>();
    needed.set(server, set.add(version));
  };
  for (const row of db.prepare('SELECT id, data_version FROM servers').iterate() as Iterable<{
    id: string;
    data_version: number;
  }>)
    need(row.id, row.data_version);
  const mainOf = new Map(
    (
      db.prepare('SELECT id, main_server_id FROM pairs').all() as { id: string; main_server_id: string }[]
    ).map((p) => [p.id, p.main_server_id]),
  );
  const pointVersion = new Map<string, number>();
  for (const row of db
    .prepare('SELECT id, pair_id, data_version FROM recovery_points')
    .iterate() as Iterable<{
    id: string;
    pair_id: string;
    data_version: number;
  }>) {
    pointVersion.set(row.id, row.data_version);
    need(mainOf.get(row.pair_id), row.data_version);
  }
  const createdVersion = db
    .prepare<[string, string, string, string], number>(
      `SELECT CASE kind WHEN 'recoveryPoint.created' THEN json_extract(data, '$.dataVersion')
         ELSE json_extract(data, '$[0].dataVersion') END FROM events
       WHERE pair_id = ? AND (
         (kind = 'recoveryPoint.created' AND json_extract(data, '$.recoveryPointId') = ?)
         OR (kind = ? AND json_extract(data, '$[0].recoveryPointId') = ?))`,
    )
    .pluck();
  for (const row of db.prepare('SELECT pair_id, request, result FROM jobs').iterate() as Iterable<{
    pair_id: string;
    request: string;
    result: string;
  }>) {
    const request = JSON.parse(row.request) as Record<string, unknown>;
    const result = JSON.parse(row.result) as Record<string, unknown>;
    const main = mainOf.get(row.pair_id);
    need(result.serverId, result.dataVersion);
    need(main, result.capturedDataVersion);
    for (const pointId of new Set([request.recoveryPointId, result.recoveryPointId])) {
      if (typeof pointId !== 'string') continue;
      need(
        main,
        pointVersion.get(pointId) ?? createdVersion.get(row.pair_id, pointId, PACKED_EVENTS, pointId),
      );
    }
  }
  return new Map([...needed].map(([server, set]) => [server, [...set].sort((a, b) => a - b)]));
}
