/**
 * Periodic replication on the virtual clock. Every 15 minutes (at :00, :15, :30, :45) the
 * seeded workload writes its batch, then each REPLICATING pair takes a recovery point of its
 * main server's data, with the retention rules applied. A pair whose main server is down or
 * whose shadow was started by hand fails instead; a pair whose main server is back recovers. Outages act at once, not at the next tick, as a client would observe them.
 */
import { type PairRegions, tickRegions } from './accounts.js';
import type { Engine } from './engine.js';
import { matchFault } from './faults.js';
import { type PairRecord, pairById, sendEvent, snapshotOf } from './pairs.js';
import { pinnedIds } from './pinning.js';
import { ageOut, fired, type PairForPoint, takeRecoveryPoint } from './recovery-points.js';
import { serverFromRow } from './rows.js';
import { type NewFileRow, type ServerRecord, serverById, writeVersion } from './servers.js';
import { preparedOnce } from './store.js';

export const TICK_MS = 15 * 60 * 1000;
/** Errors an outage causes: they heal when the server is back. */
const OUTAGES = new Set(['MAIN_SERVER_DOWN', 'SHADOW_SERVER_DOWN']);
const WORKLOAD_FILES = 8;

/** The first tick strictly after `ms`. */
export const nextTickAfter = (ms: number): number => (Math.floor(ms / TICK_MS) + 1) * TICK_MS;

/** A replicating pair's row as the statement reads it. */
interface StoredTickRow extends PairRegions {
  id: string;
  main_id: string;
  tenant: string;
  status: string;
  /** The statechart snapshot, only while a test environment exists (its point is pinned). */
  machine: string | null;
  interval_hours: number | null;
  main_power: string;
  data_version: number;
  data_bytes: number;
  shadow_power: string | null;
}

/**
 * A replicating pair as the tick keeps it: the row's values in one object of one shape, with why
 * replication fails (null: it does not) worked out once per read of the rows. The tick touches
 * every pair on every tick; the statement's row objects keep most values in a separate property
 * array, and telling the powers apart read both power strings, cache misses per pair-tick.
 */
interface TickRow extends StoredTickRow {
  cause: FailureCause | null;
  /** The pair as a point needs it, made on the row's first tick while no environment pins points. */
  forPoint: PairForPoint | undefined;
}

/** The values the tick reads on every tick first (one cache line), the rest after. */
function tickRow(row: StoredTickRow): TickRow {
  return {
    cause: failureCause(row),
    machine: row.machine,
    forPoint: undefined,
    data_version: row.data_version,
    data_bytes: row.data_bytes,
    id: row.id,
    tenant: row.tenant,
    interval_hours: row.interval_hours,
    status: row.status,
    main_id: row.main_id,
    main_power: row.main_power,
    shadow_power: row.shadow_power,
    main_server_id: row.main_server_id,
    shadow_server_id: row.shadow_server_id,
    main_region: row.main_region,
    main_volumes: row.main_volumes,
    shadow_region: row.shadow_region,
  };
}

/** @internal */
export function replicationStatements(e: Engine) {
  const db = e.store.db;
  return {
    replicating: db.prepare<[], StoredTickRow>(
      `SELECT p.id, m.id AS main_id, p.tenant, p.status, CASE WHEN p.test_state = 'NONE' THEN NULL ELSE p.machine END AS machine,
         p.interval_hours, m.power_state AS main_power, m.data_version, m.data_bytes,
         s.power_state AS shadow_power, p.main_server_id, p.shadow_server_id, m.region AS main_region,
         m.volumes AS main_volumes, COALESCE(s.region, json_extract(p.placement, '$.region')) AS shadow_region
       FROM pairs p JOIN servers m ON m.id = p.main_server_id LEFT JOIN servers s ON s.id = p.shadow_server_id
       WHERE p.status = 'REPLICATING' ORDER BY p.seq`,
    ),
    // Each part stops at its first row. Pairs and servers change only with `ctx.rowChanges`.
    pairsOrWorkload: db
      .prepare<[], number>(
        `SELECT EXISTS (SELECT 1 FROM pairs WHERE status IN ('REPLICATING', 'REPLICATION_ERROR'))
           OR EXISTS (SELECT 1 FROM servers WHERE workload_per_minute > 0)`,
      )
      .pluck(),
    anyPoint: db.prepare<[], number>('SELECT EXISTS (SELECT 1 FROM recovery_points)').pluck(),
  };
}

/** What the tick path last read of pairs and servers, valid while `ctx.rowChanges` stays. */
interface RowCache {
  rowChanges: number;
  value: unknown;
}
const caches = {
  replicating: new WeakMap<Engine['ctx'], RowCache>(),
  pairsOrWorkload: new WeakMap<Engine['ctx'], RowCache>(),
  inError: new WeakMap<Engine['ctx'], RowCache>(),
  workload: new WeakMap<Engine['ctx'], RowCache>(),
};

/** `read()` again only when a pair or server row changed since it was last read. */
function unlessRowsChanged<T>(e: Engine, cache: WeakMap<Engine['ctx'], RowCache>, read: () => T): T {
  const cached = cache.get(e.ctx);
  if (cached?.rowChanges === e.ctx.rowChanges) return cached.value as T;
  const value = read();
  cache.set(e.ctx, { rowChanges: e.ctx.rowChanges, value });
  return value;
}

export type ReplicationStatements = ReturnType<typeof replicationStatements>;

/** Whether a tick can change anything (so an idle simulation skips them). */
export function ticksMatter(e: Engine, rs: ReplicationStatements): boolean {
  // Points age out on ticks whatever the status, so a paused pair's points still need them.
  return (
    unlessRowsChanged(e, caches.pairsOrWorkload, () => rs.pairsOrWorkload.get() === 1) ||
    rs.anyPoint.get() === 1
  );
}

/**
 * The replicating pairs, read again only when a pair or server row changed since the last tick
 * other than by this tick's workload, whose new data versions are copied into the rows read before
 * (`written`, by server id). Each tick of a long advance thus reads them once, not once a tick.
 */
function replicatingPairs(
  e: Engine,
  rs: ReplicationStatements,
  changesBefore: number,
  written: Map<string, ServerRecord>,
): TickRow[] {
  const { ctx } = e;
  const cached = caches.replicating.get(ctx);
  if (cached && cached.rowChanges === changesBefore && ctx.rowChanges === changesBefore + written.size) {
    const rows = cached.value as TickRow[];
    if (written.size > 0) {
      // From the servers written (a few) to their rows, not a lookup per replicating pair.
      const mains = byMain(rows);
      for (const server of written.values()) {
        for (const row of mains.get(server.id) ?? NO_ROWS) {
          row.data_version = server.dataVersion;
          row.data_bytes = server.dataBytes;
        }
      }
    }
    cached.rowChanges = ctx.rowChanges;
    return rows;
  }
  // The rows hold the main's data version: the workload's deferred server rows go first.
  ctx.flushPoints();
  const rows = rs.replicating.all().map(tickRow);
  caches.replicating.set(ctx, { rowChanges: ctx.rowChanges, value: rows });
  return rows;
}

/** The rows by pair id, made once per read of the replicating pairs. */
const BY_PAIR = new WeakMap<TickRow[], Map<string, TickRow>>();
function byPair(rows: TickRow[]): Map<string, TickRow> {
  let map = BY_PAIR.get(rows);
  if (!map) {
    map = new Map(rows.map((row) => [row.id, row]));
    BY_PAIR.set(rows, map);
  }
  return map;
}

/** The rows by their main's id, made once per read of the replicating pairs. */
const BY_MAIN = new WeakMap<TickRow[], Map<string, TickRow[]>>();
const NO_ROWS: readonly TickRow[] = [];
function byMain(rows: TickRow[]): Map<string, TickRow[]> {
  let map = BY_MAIN.get(rows);
  if (!map) {
    map = new Map();
    for (const row of rows) {
      const list = map.get(row.main_id);
      if (list) list.push(row);
      else map.set(row.main_id, [row]);
    }
    BY_MAIN.set(rows, map);
  }
  return map;
}

/**
 * The pair of a row with no points in use, as a point needs it, with its list of points. The row
 * is kept while no pair or server row changes (and a reload of the lists changes one), so this is
 * made once for all the ticks it serves, not per pair per tick.
 */
function unpinnedPair(e: Engine, row: TickRow): PairForPoint {
  if (row.forPoint === undefined) {
    row.forPoint = {
      id: row.id,
      tenant: row.tenant,
      intervalHours: row.interval_hours,
      points: e.ctx.pointsOf(row.id),
    };
  }
  return row.forPoint;
}

/** One 15-minute boundary: workload, then recovery points, then recoveries. */
export function tick(e: Engine, rs: ReplicationStatements): void {
  const changesBefore = e.ctx.rowChanges;
  const written = runWorkload(e);
  const now = e.ctx.clock.nowMs();
  const rows = replicatingPairs(e, rs, changesBefore, written);
  // Billing reads each new point's pair regions: these rows hold them while no row changes.
  tickRegions(e, byPair(rows));
  for (const row of rows) {
    const cause = row.cause;
    if (cause) {
      // Anything but taking a point may read points from SQLite: the deferred ones go first.
      e.ctx.flushPoints();
      failReplication(e, row.id, cause.code, cause.message);
      continue;
    }
    if (e.ctx.faults.length > 0) {
      const rule = matchFault(
        e.ctx.faults,
        { tenant: row.tenant, target: 'replication', pairId: row.id, nowMs: now },
        e.ctx.rng,
      );
      if (rule) {
        e.ctx.flushPoints();
        fired(e, rule.id, row.tenant, row.id, {});
        if (rule.effect.kind === 'fail') {
          failReplication(
            e,
            row.id,
            rule.effect.code ?? 'INJECTED_FAULT',
            rule.effect.message ?? `Replication failed (fault rule ${rule.id}).`,
          );
          continue;
        }
        if (rule.effect.kind === 'stall' || rule.effect.kind === 'hang') continue;
      }
    }
    const pair: PairForPoint =
      row.machine === null
        ? unpinnedPair(e, row)
        : {
            id: row.id,
            tenant: row.tenant,
            intervalHours: row.interval_hours,
            pinned: pinnedIds({
              status: row.status as PairRecord['status'],
              machine: JSON.parse(row.machine),
            }),
          };
    takeRecoveryPoint(e, pair, row.data_version, row.data_bytes, true);
  }
  // The tick's point-event rows may wait past its end, for the next ticks' (see
  // `emitCreatedDeleted`): whatever stores or reads anything else stores them first.
  const inError = unlessRowsChanged(e, caches.inError, () =>
    e.st.pairsWithStatus.all('REPLICATION_ERROR').map((row) => row.id),
  );
  for (const id of inError) {
    e.ctx.flushPoints();
    recoverIfPossible(e, id);
  }
  // Deferred points are from this chunk (at most a day old), so never old enough to age out.
  ageOut(e, now, (pairId) => {
    const pair = pairById(e, pairId);
    return pair ? pinnedIds(pair) : new Set();
  });
}

type FailureCause = { code: string; message: string };

function failureCause(row: { main_power: string; shadow_power: string | null }): FailureCause | null {
  if (row.main_power === 'DOWN') {
    return { code: 'MAIN_SERVER_DOWN', message: 'The main server is down; replication cannot read it.' };
  }
  if (row.shadow_power === 'DOWN') {
    return {
      code: 'SHADOW_SERVER_DOWN',
      message: 'The shadow server is down; replication cannot write to it.',
    };
  }
  if (row.shadow_power === 'RUNNING') {
    return {
      code: 'SHADOW_STARTED_MANUALLY',
      message: 'The shadow server was started by hand; replication needs it powered off.',
    };
  }
  return null;
}

function failReplication(e: Engine, pairId: string, code: string, message: string): void {
  const pair = pairById(e, pairId);
  if (pair?.status !== 'REPLICATING') return;
  sendEvent(e, pair, { type: 'REPLICATION_FAILED', error: { code, message } });
}

/**
 * A pair in error because its main or shadow server was down goes back to replicating once the
 * server is back (after a completed full copy). Other errors (a shadow started by hand, an injected
 * failure) need the user's Restart Replication, as on the real service.
 */
export function recoverIfPossible(e: Engine, pairId: string): void {
  const pair = pairById(e, pairId);
  if (pair?.status !== 'REPLICATION_ERROR' || !OUTAGES.has(pair.replicationError?.code ?? '')) return;
  if (!snapshotOf(pair).context.initialCopyDone) return;
  const main = serverById(e, pair.mainServerId);
  const shadow = pair.shadowServerId ? serverById(e, pair.shadowServerId) : null;
  if (!main) return;
  const cause = failureCause({ main_power: main.powerState, shadow_power: shadow?.powerState ?? null });
  // One server is back but another cause remains (e.g. the shadow was started by hand meanwhile).
  if (cause) {
    if (cause.code !== pair.replicationError?.code)
      sendEvent(e, pair, { type: 'REPLICATION_FAILED', error: cause });
    return;
  }
  sendEvent(e, pair, { type: 'REPLICATION_RECOVERED' });
}

/**
 * A replicating pair whose main is down or whose shadow is down or running fails now, not at the
 * next tick: after a power change, and when Resume Replication finds an outage still there.
 */
export function failIfUnhealthy(e: Engine, pair: PairRecord): void {
  if (pair.status !== 'REPLICATING') return;
  // The two power states in one statement: every resume asks, and two whole server rows read
  // and decoded were a tenth of a resume. A missing main counts as down, a missing shadow as none.
  const powers = preparedOnce(e.store.db)
    .prepare<[string, string | null], { main_power: string | null; shadow_power: string | null }>(
      'SELECT (SELECT power_state FROM servers WHERE id = ?) AS main_power, (SELECT power_state FROM servers WHERE id = ?) AS shadow_power',
    )
    .get(pair.mainServerId, pair.shadowServerId) as {
    main_power: string | null;
    shadow_power: string | null;
  };
  const cause = failureCause({ main_power: powers.main_power ?? 'DOWN', shadow_power: powers.shadow_power });
  if (cause) sendEvent(e, pair, { type: 'REPLICATION_FAILED', error: cause });
}

/** A server's power changed by hand or by an outage: replication from or to it reacts now. */
export function onPowerChange(e: Engine, server: ServerRecord): void {
  for (const row of e.st.pairsOfServer.all(server.id, server.id, server.id)) {
    const pair = pairById(e, row.id) as PairRecord;
    if (pair.status === 'REPLICATING') failIfUnhealthy(e, pair);
    else if (pair.status === 'REPLICATION_ERROR') recoverIfPossible(e, pair.id);
  }
}

/**
 * The seeded background workload: for each of the 15 minutes before the tick, a server
 * writing `w` files per minute writes floor(w) files plus one more with probability frac(w).
 * Returns the servers written, by id (each written once, by one `saveServer`).
 */
function runWorkload(e: Engine): Map<string, ServerRecord> {
  const written = new Map<string, ServerRecord>();
  const { ctx } = e;
  const before = ctx.rowChanges;
  // The records are kept between ticks: writing one updates it in place (writeVersion), and any
  // other change to a server or pair reads them again.
  const servers = unlessRowsChanged(e, caches.workload, () => {
    ctx.flushPoints();
    return e.st.workloadServers.all('RUNNING').map((row) => serverFromRow(row, ctx.clock.nowMs()));
  });
  const rows: NewFileRow[] = [];
  for (const server of servers) {
    const rate = server.workloadPerMinute;
    let writes = 0;
    for (let minute = 0; minute < 15; minute++) {
      writes += Math.floor(rate) + (e.ctx.rng.next() < rate - Math.floor(rate) ? 1 : 0);
    }
    if (writes === 0) continue;
    const changes = new Map<string, string>();
    for (let i = 0; i < writes; i++) {
      const path = `workload/file-${e.ctx.rng.int(WORKLOAD_FILES)}.txt`;
      changes.set(path, `${server.id} v${server.dataVersion + 1} ${e.ctx.rng.id('w')}\n`);
    }
    const sorted = [...changes.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    written.set(server.id, writeVersion(e, server, sorted, 'workload', rows));
  }
  // A server's head rows are read (when not remembered) before its own rows: none of the rows
  // waiting here is one a later server's write reads.
  for (const row of rows) e.st.insertFile.run(...row);
  const cached = caches.workload.get(ctx);
  if (cached && ctx.rowChanges === before + written.size) cached.rowChanges = ctx.rowChanges;
  return written;
}
