/**
 * Accounts and costs (decision 0012). Each tenant has an account: postpaid (the default) or
 * prepaid with a credit balance. What a pair bills is kept as meters in the `charges` table: a
 * meter opens when a billed resource appears (the shadow's volumes, the test server and its
 * volumes, a prepaid account's running shadow server) and closes when it goes away or its price
 * changes; a cross-region transmission is an instant charge. Amounts are computed from the
 * meters and the virtual clock alone, so they are deterministic and grow only with sim time.
 *
 * The meters follow the servers, not the jobs: `onBillingEvent` runs on every event that can
 * change what a pair bills (a server created, powered, re-roled or deleted; a transition; a
 * recovery point) and reconciles the pair's open meters with what exists now.
 */

import {
  type AccountInput,
  type AccountSettings,
  type AccountView,
  DEFAULT_RATES,
  type Rates,
  USAGE_ITEMS,
  type UsageDay,
  type UsageItem,
  type UsageLine,
  type UsageReport,
} from './account-types.js';
import type { Engine } from './engine.js';
import { DrError } from './errors.js';
import { dataVersionOf } from './recovery-points.js';
import { dayStartMs, timeZoneOffsetMs } from './retention.js';
import { iso } from './rows.js';
import { workloadBytesAt } from './servers.js';
import { preparedOnce } from './store.js';
import type { VolumeType } from './types.js';
import { check, isRecord } from './validate.js';

export * from './account-types.js';

const UNITS: Record<UsageItem, 'GB-hour' | 'hour' | 'GB'> = {
  shadowVolumes: 'GB-hour',
  shadowServer: 'hour',
  transmission: 'GB',
  testServer: 'hour',
  testVolumes: 'GB-hour',
};

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const MAX_DAYS = 366;
const MAX_CREDIT = 1e15;
const cents = (x: number): number => Math.round(x * 100) / 100;
const micro = (x: number): number => Math.round(x * 1e6) / 1e6;

// ---------------------------------------------------------------- the account

export function accountOf(e: Engine, tenant: string): AccountSettings {
  const saved = e.ctx.settings.accounts?.[tenant];
  return saved ?? { mode: 'postpaid', credit: 0, creditSetAtMs: 0, rates: DEFAULT_RATES };
}

const price = (value: unknown, field: string): number => {
  check(
    typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= MAX_CREDIT,
    field,
    'a number from 0 to 1e15',
  );
  return value;
};

/** Validates an account change (a control call, a scenario's setup) without applying it. */
export function validateAccountInput(input: unknown): AccountInput {
  check(isRecord(input), 'body', 'an object { mode?, creditBalance?, rates? }');
  const known = new Set(['mode', 'creditBalance', 'rates']);
  for (const key of Object.keys(input)) check(known.has(key), key, 'one of mode, creditBalance, rates');
  const out: AccountInput = {};
  if (input.mode !== undefined) {
    check(input.mode === 'postpaid' || input.mode === 'prepaid', 'mode', "'postpaid' or 'prepaid'");
    out.mode = input.mode;
  }
  if (input.creditBalance !== undefined) out.creditBalance = price(input.creditBalance, 'creditBalance');
  if (input.rates !== undefined) {
    const r = input.rates;
    check(isRecord(r), 'rates', 'an object { currency?, volumeGbHour?, serverHour?, transmissionGb? }');
    const rk = new Set(['currency', 'volumeGbHour', 'serverHour', 'transmissionGb']);
    for (const key of Object.keys(r)) {
      check(rk.has(key), `rates.${key}`, 'one of currency, volumeGbHour, serverHour, transmissionGb');
    }
    const rates: NonNullable<AccountInput['rates']> = {};
    if (r.currency !== undefined) {
      check(
        typeof r.currency === 'string' && /^[A-Z]{3}$/.test(r.currency),
        'rates.currency',
        'a 3-letter code such as VND',
      );
      rates.currency = r.currency;
    }
    if (r.volumeGbHour !== undefined) {
      const v = r.volumeGbHour;
      check(isRecord(v), 'rates.volumeGbHour', 'an object { SSD?, NVMe? }');
      for (const key of Object.keys(v))
        check(key === 'SSD' || key === 'NVMe', `rates.volumeGbHour.${key}`, 'SSD or NVMe');
      rates.volumeGbHour = {
        ...(v.SSD !== undefined && { SSD: price(v.SSD, 'rates.volumeGbHour.SSD') }),
        ...(v.NVMe !== undefined && { NVMe: price(v.NVMe, 'rates.volumeGbHour.NVMe') }),
      };
    }
    if (r.serverHour !== undefined) rates.serverHour = price(r.serverHour, 'rates.serverHour');
    if (r.transmissionGb !== undefined)
      rates.transmissionGb = price(r.transmissionGb, 'rates.transmissionGb');
    out.rates = rates;
  }
  if (out.creditBalance !== undefined && (out.mode ?? 'prepaid') === 'postpaid') {
    throw new DrError(
      'VALIDATION_FAILED',
      'creditBalance is for a prepaid account; send mode: prepaid with it.',
      {
        field: 'creditBalance',
      },
    );
  }
  return out;
}

/**
 * Applies an account change now. Switching to prepaid without a creditBalance starts from 0;
 * a new price closes the open meters and opens them again at the new price, so fees already
 * accrued keep the price they accrued at.
 */
export function setAccount(e: Engine, tenant: string, raw: unknown): AccountView {
  const input = validateAccountInput(raw);
  const before = accountOf(e, tenant);
  const now = e.ctx.clock.nowMs();
  const mode = input.mode ?? before.mode;
  const next: AccountSettings = {
    mode,
    credit: before.credit,
    creditSetAtMs: before.creditSetAtMs,
    rates: {
      ...before.rates,
      ...input.rates,
      volumeGbHour: { ...before.rates.volumeGbHour, ...input.rates?.volumeGbHour },
    },
  };
  if (mode === 'prepaid' && (input.creditBalance !== undefined || before.mode !== 'prepaid')) {
    next.credit = input.creditBalance ?? 0;
    next.creditSetAtMs = now;
  }
  if (mode === 'postpaid') {
    next.credit = 0;
    next.creditSetAtMs = 0;
  }
  e.ctx.settings.accounts = { ...e.ctx.settings.accounts, [tenant]: next };
  for (const pairId of billedPairs(e, tenant)) reconcile(e, tenant, pairId);
  return accountView(e, tenant);
}

export function accountView(e: Engine, tenant: string): AccountView {
  const account = accountOf(e, tenant);
  const now = e.ctx.clock.nowMs();
  const total = cents(chargedBetween(e, tenant, null, Number.NEGATIVE_INFINITY, now));
  const prepaid = account.mode === 'prepaid';
  const since = prepaid ? chargedBetween(e, tenant, null, account.creditSetAtMs, now) : 0;
  return {
    tenant,
    mode: account.mode,
    currency: account.rates.currency,
    balance: prepaid ? cents(Math.max(0, account.credit - since)) : null,
    unpaid: prepaid ? cents(Math.max(0, since - account.credit)) : 0,
    creditSetAt: prepaid ? iso(account.creditSetAtMs) : null,
    totalCost: total,
    rates: structuredClone(account.rates),
    asOf: iso(now),
  };
}

// ---------------------------------------------------------------- meters

interface ChargeRow {
  seq: number;
  tenant: string;
  pair_id: string;
  item: UsageItem;
  server_id: string | null;
  volume_type: VolumeType | null;
  quantity: number;
  unit_price: number;
  start_ms: number;
  end_ms: number | null;
}

interface Meter {
  item: UsageItem;
  serverId: string;
  volumeType: VolumeType | null;
  quantity: number;
  unitPrice: number;
}
const keyOf = (m: Meter): string => `${m.item}|${m.serverId}|${m.volumeType}|${m.quantity}|${m.unitPrice}`;

interface BilledServer {
  id: string;
  role: string;
  power_state: string;
  volumes: string;
  region: string;
}

function volumeMeters(item: UsageItem, server: BilledServer, rates: Rates): Meter[] {
  const byType = new Map<VolumeType, number>();
  for (const v of JSON.parse(server.volumes) as { type: VolumeType; sizeGb: number }[]) {
    byType.set(v.type, (byType.get(v.type) ?? 0) + v.sizeGb);
  }
  return [...byType].map(([type, gb]) => ({
    item,
    serverId: server.id,
    volumeType: type,
    quantity: gb,
    unitPrice: rates.volumeGbHour[type],
  }));
}

/** What the pair bills at this moment, from its servers as they are. */
function wantedMeters(e: Engine, tenant: string, pairId: string): Meter[] {
  const { mode, rates } = accountOf(e, tenant);
  const servers = queries(e).billedServers.all(pairId);
  const meters: Meter[] = [];
  for (const server of servers) {
    if (server.role === 'SHADOW') {
      meters.push(...volumeMeters('shadowVolumes', server, rates));
      // Created powered off and not billed while off (the service's docs); prepaid pays it running.
      if (mode === 'prepaid' && server.power_state === 'RUNNING') {
        meters.push({
          item: 'shadowServer',
          serverId: server.id,
          volumeType: null,
          quantity: 1,
          unitPrice: rates.serverHour,
        });
      }
    } else {
      meters.push({
        item: 'testServer',
        serverId: server.id,
        volumeType: null,
        quantity: 1,
        unitPrice: rates.serverHour,
      });
      meters.push(...volumeMeters('testVolumes', server, rates));
    }
  }
  return meters.filter((m) => m.quantity > 0);
}

/**
 * What a pair's open meters were last made to match: the server writes and reloads counted then
 * (`ctx.serverWrites`, `ctx.reloads`) and the tenant's account as stored (settings are values:
 * a change replaces it). While all three are the same, the pair's servers and prices are as they
 * were, so its wanted meters are the open ones and reconciling again would write nothing: a
 * transition that touched no server (stop, resume) need not read its servers and charges. Only
 * `reconcile` writes a pair's open meters; a rollback, import or reset counts a reload.
 */
interface Settled {
  serverWrites: number;
  reloads: number;
  account: AccountSettings | undefined;
}
const SETTLED = new WeakMap<Engine['ctx'], Map<string, Settled>>();

function settledOf(e: Engine): Map<string, Settled> {
  let settled = SETTLED.get(e.ctx);
  if (!settled) {
    settled = new Map();
    SETTLED.set(e.ctx, settled);
  }
  return settled;
}

function isSettled(e: Engine, tenant: string, pairId: string): boolean {
  const last = settledOf(e).get(pairId);
  return (
    last !== undefined &&
    last.serverWrites === e.ctx.serverWrites &&
    last.reloads === e.ctx.reloads &&
    last.account === e.ctx.settings.accounts?.[tenant]
  );
}

/** Closes the pair's open meters that no longer hold and opens the ones missing, at now. */
function reconcile(e: Engine, tenant: string, pairId: string): void {
  const settled = settledOf(e);
  // Pairs come and go with their worlds' data; the map is a cache, bounded like the others.
  if (settled.size >= 100_000) settled.clear();
  settled.set(pairId, {
    serverWrites: e.ctx.serverWrites,
    reloads: e.ctx.reloads,
    account: e.ctx.settings.accounts?.[tenant],
  });
  const now = e.ctx.clock.nowMs();
  const q = queries(e);
  const open = q.openCharges.all(pairId);
  const wanted = new Map(wantedMeters(e, tenant, pairId).map((m) => [keyOf(m), m]));
  for (const row of open) {
    const key = keyOf({
      item: row.item,
      serverId: row.server_id ?? '',
      volumeType: row.volume_type,
      quantity: row.quantity,
      unitPrice: row.unit_price,
    });
    if (wanted.has(key)) {
      wanted.delete(key);
      continue;
    }
    if (row.start_ms === now) q.deleteCharge.run(row.seq);
    else q.closeCharge.run(now, row.seq);
  }
  for (const m of wanted.values()) insertCharge(e, tenant, pairId, m, now, null);
}

function insertCharge(
  e: Engine,
  tenant: string,
  pairId: string,
  m: Meter,
  startMs: number,
  endMs: number | null,
): void {
  queries(e).insertCharge.run(
    e.ctx.nextSeq('charge'),
    tenant,
    pairId,
    m.item,
    m.serverId,
    m.volumeType,
    m.quantity,
    m.unitPrice,
    startMs,
    endMs,
  );
}

function billedPairs(e: Engine, tenant: string): string[] {
  return statementsOf(e)
    .prepare<[string, string], string>(
      `SELECT pair_id FROM servers WHERE tenant = ? AND pair_id IS NOT NULL AND role IN ('SHADOW', 'TEST')
       UNION SELECT pair_id FROM charges WHERE tenant = ? AND end_ms IS NULL ORDER BY pair_id`,
    )
    .pluck()
    .all(tenant, tenant);
}

/** Billing runs on every metered event of every write: its statements are prepared once. */
const statementsOf = (e: Engine) => preparedOnce(e.store.db);

/**
 * The bytes of a server's file versions in (after, upTo]: `SUM(length(CAST(content AS BLOB)))` over
 * `server_id = ? AND version > ? AND version <= ?`. Files are keyed (server, path, version)
 * and no index leads with (server, version) since migration 11, so the versions are looked up
 * path by path: each path found by one seek past the one before, then its versions in range by
 * another, never a scan of every version the server kept (CROSS JOIN keeps the paths outside:
 * SQLite otherwise put the files outside and scanned them all). Named parameters: the server is
 * used three times, and the query is billing's rare fallback, not a hot path.
 * @internal
 */
export const BYTES_WRITTEN_SQL = `WITH RECURSIVE paths(path) AS (
    SELECT min(path) FROM files WHERE server_id = @server
    UNION ALL
    SELECT (SELECT min(path) FROM files WHERE server_id = @server AND path > paths.path) FROM paths
    WHERE paths.path IS NOT NULL
  )
  SELECT COALESCE(SUM(length(CAST(f.content AS BLOB))), 0) FROM paths
  CROSS JOIN files f ON f.server_id = @server AND f.path = paths.path AND f.version > @after AND f.version <= @upTo`;

/** The parameters of `BYTES_WRITTEN_SQL`: the versions in (after, upTo] of the server's files. */
export interface BytesWrittenRange {
  server: string;
  after: number;
  upTo: number;
}

const CACHE = new WeakMap<Engine['store'], ReturnType<typeof prepare>>();
function prepare(db: Engine['store']['db']) {
  return {
    billedServers: db.prepare<[string], BilledServer>(
      "SELECT id, role, power_state, volumes, region FROM servers WHERE pair_id = ? AND role IN ('SHADOW', 'TEST') ORDER BY seq",
    ),
    openCharges: db.prepare<[string], ChargeRow>(
      'SELECT * FROM charges WHERE pair_id = ? AND end_ms IS NULL ORDER BY seq',
    ),
    deleteCharge: db.prepare<[number]>('DELETE FROM charges WHERE seq = ?'),
    closeCharge: db.prepare<[number, number]>('UPDATE charges SET end_ms = ? WHERE seq = ?'),
    insertCharge: db.prepare(
      'INSERT INTO charges (seq, tenant, pair_id, item, server_id, volume_type, quantity, unit_price, start_ms, end_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    pairsOfServer: db
      .prepare<[string], string>(
        'SELECT DISTINCT pair_id FROM charges WHERE server_id = ? AND end_ms IS NULL',
      )
      .pluck(),
    regions: db.prepare<
      [string],
      {
        main_server_id: string;
        shadow_server_id: string | null;
        main_region: string;
        main_volumes: string;
        shadow_region: string | null;
      }
    >(
      `SELECT p.main_server_id, p.shadow_server_id, m.region AS main_region, m.volumes AS main_volumes,
         COALESCE(s.region, json_extract(p.placement, '$.region')) AS shadow_region
       FROM pairs p JOIN servers m ON m.id = p.main_server_id LEFT JOIN servers s ON s.id = p.shadow_server_id
       WHERE p.id = ?`,
    ),
    bytesWritten: db.prepare<[BytesWrittenRange], number>(BYTES_WRITTEN_SQL).pluck(),
  };
}
function queries(e: Engine): ReturnType<typeof prepare> {
  let q = CACHE.get(e.store);
  if (!q) {
    q = prepare(e.store.db);
    CACHE.set(e.store, q);
  }
  return q;
}

const METERED = new Set([
  'server.created',
  'server.power',
  'server.role',
  'server.deleted',
  'pair.transition',
  'server.volumes',
]);

/** The events that can change what a pair bills; called by the context after each is stored. */
export function onBillingEvent(
  e: Engine,
  tenant: string,
  pairId: string | null,
  kind: string,
  data: Record<string, unknown>,
): void {
  if (kind === 'recoveryPoint.created' && pairId) {
    transmit(e, tenant, pairId, String(data.recoveryPointId));
    return;
  }
  if (!METERED.has(kind)) return;
  const pairs = new Set<string>();
  if (pairId) pairs.add(pairId);
  if (typeof data.serverId === 'string') {
    const rows = queries(e).pairsOfServer.all(data.serverId);
    for (const id of rows) pairs.add(id);
  }
  for (const id of [...pairs].sort()) if (!isSettled(e, tenant, id)) reconcile(e, tenant, id);
}

const GIB = 1024 ** 3;

/** What transmission reads of a pair: its servers, their regions and the main's volumes. */
export interface PairRegions {
  main_server_id: string;
  shadow_server_id: string | null;
  main_region: string;
  main_volumes: string;
  shadow_region: string | null;
}

/**
 * The regions of the replicating pairs as a tick read them (replication.ts), by pair id, valid
 * while no pair or server row changed since (`ctx.rowChanges`): then they are what the `regions`
 * query would answer, and a tick's points need no query each.
 */
const TICK_REGIONS = new WeakMap<
  Engine['ctx'],
  { rowChanges: number; byPair: ReadonlyMap<string, PairRegions> }
>();
export function tickRegions(e: Engine, byPair: ReadonlyMap<string, PairRegions>): void {
  TICK_REGIONS.set(e.ctx, { rowChanges: e.ctx.rowChanges, byPair });
}

/**
 * Cross-region transmission (shadow region ≠ main region): a point with no point before it is a
 * full copy, which sends the main server's whole volume capacity; a later point sends the bytes
 * written on the main since the point before.
 */
function transmit(e: Engine, tenant: string, pairId: string, pointId: string): void {
  const points = e.ctx.pointsOf(pairId);
  // A new point is the last of its pair's list.
  const index =
    points[points.length - 1]?.id === pointId ? points.length - 1 : points.findIndex((p) => p.id === pointId);
  // The cached list holds each point's data version (a point's never changes).
  const pointVersion = index >= 0 ? points[index]!.dataVersion : dataVersionOf(e, pointId);
  if (pointVersion === undefined) return;
  // Nothing written since the point before: nothing sent, so no need to read the pair's regions
  // (this runs for every point of every pair; most see no new data).
  const previous = index > 0 ? points[index - 1]!.dataVersion : undefined;
  if (previous === pointVersion) return;
  const q = queries(e);
  const hint = TICK_REGIONS.get(e.ctx);
  const pair =
    (hint?.rowChanges === e.ctx.rowChanges ? hint.byPair.get(pairId) : undefined) ?? q.regions.get(pairId);
  if (!pair || pair.shadow_region === null || pair.shadow_region === pair.main_region) return;
  let gb: number;
  if (index <= 0) {
    gb = (JSON.parse(pair.main_volumes) as { sizeGb: number }[]).reduce((sum, v) => sum + v.sizeGb, 0);
  } else {
    const bytes =
      (previous === pointVersion - 1 ? workloadBytesAt(e, pair.main_server_id, pointVersion) : undefined) ??
      q.bytesWritten.get({ server: pair.main_server_id, after: previous ?? 0, upTo: pointVersion }) ??
      0;
    gb = bytes / GIB;
  }
  // A transmission that rounds to no quantity (under ~537 bytes: every seeded workload tick) is
  // not recorded: it bills nothing and no usage report shows it (decision 0015).
  const quantity = micro(gb);
  if (quantity <= 0) return;
  const { rates } = accountOf(e, tenant);
  const now = e.ctx.clock.nowMs();
  insertCharge(
    e,
    tenant,
    pairId,
    {
      item: 'transmission',
      serverId: pair.shadow_server_id ?? '',
      volumeType: null,
      quantity,
      unitPrice: rates.transmissionGb,
    },
    now,
    now,
  );
}

// ---------------------------------------------------------------- amounts

/** Quantity and amount of one meter over [fromMs, toMs). */
function over(row: ChargeRow, fromMs: number, toMs: number): { quantity: number; amount: number } {
  if (row.item === 'transmission') {
    const inside = row.start_ms >= fromMs && row.start_ms < toMs;
    return inside
      ? { quantity: row.quantity, amount: row.quantity * row.unit_price }
      : { quantity: 0, amount: 0 };
  }
  const start = Math.max(row.start_ms, fromMs);
  const end = Math.min(row.end_ms ?? toMs, toMs);
  if (end <= start) return { quantity: 0, amount: 0 };
  const hours = (end - start) / HOUR_MS;
  return { quantity: row.quantity * hours, amount: row.quantity * hours * row.unit_price };
}

function chargesBetween(
  e: Engine,
  tenant: string,
  pairId: string | null,
  fromMs: number,
  toMs: number,
): ChargeRow[] {
  const from = Number.isFinite(fromMs) ? fromMs : -1;
  const rows =
    pairId === null
      ? statementsOf(e)
          .prepare<[string, number, number], ChargeRow>(
            'SELECT * FROM charges WHERE tenant = ? AND start_ms <= ? AND (end_ms IS NULL OR end_ms >= ?) ORDER BY seq',
          )
          .all(tenant, toMs, from)
      : statementsOf(e)
          .prepare<[string, string, number, number], ChargeRow>(
            'SELECT * FROM charges WHERE tenant = ? AND pair_id = ? AND start_ms <= ? AND (end_ms IS NULL OR end_ms >= ?) ORDER BY seq',
          )
          .all(tenant, pairId, toMs, from);
  return rows;
}

/** Every fee accrued in [fromMs, toMs), unrounded. */
export function chargedBetween(
  e: Engine,
  tenant: string,
  pairId: string | null,
  fromMs: number,
  toMs: number,
): number {
  let sum = 0;
  for (const row of chargesBetween(e, tenant, pairId, fromMs, toMs)) sum += over(row, fromMs, toMs).amount;
  return sum;
}

// ---------------------------------------------------------------- credit

/**
 * What an action needs a prepaid balance to cover: its first day (24 hours) at the current rates —
 * Start Replication the shadow's volumes and, across regions, the full copy's transmission; Test
 * Failover the test server and its volumes. Null when nothing is checked (postpaid, other actions).
 */
export function creditCheck(
  e: Engine,
  tenant: string,
  request: {
    action: string;
    volumes: { type: VolumeType; sizeGb: number }[];
    crossRegion: boolean;
    mainGb: number;
  },
): { covered: boolean; required: number; balance: number; currency: string } | null {
  const account = accountOf(e, tenant);
  if (account.mode !== 'prepaid') return null;
  if (request.action !== 'startReplication' && request.action !== 'testFailover') return null;
  const { rates } = account;
  const volumesPerHour = request.volumes.reduce((sum, v) => sum + v.sizeGb * rates.volumeGbHour[v.type], 0);
  const required =
    request.action === 'startReplication'
      ? 24 * volumesPerHour + (request.crossRegion ? request.mainGb * rates.transmissionGb : 0)
      : 24 * (volumesPerHour + rates.serverHour);
  const balance = accountView(e, tenant).balance ?? 0;
  const need = Math.ceil(required * 100) / 100;
  return { covered: balance >= need, required: need, balance, currency: rates.currency };
}

// ---------------------------------------------------------------- usage reports

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function dayOfDate(date: string, field: string, timeZone: string): number {
  const m = DATE.exec(date);
  const noon = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 12) : Number.NaN;
  check(
    Number.isFinite(noon) && new Date(noon).toISOString().slice(0, 10) === date,
    field,
    'a date YYYY-MM-DD',
  );
  return dayStartMs(noon - timeZoneOffsetMs(noon, timeZone), timeZone);
}

const dateOf = (dayStart: number, timeZone: string): string =>
  new Date(dayStart + timeZoneOffsetMs(dayStart, timeZone)).toISOString().slice(0, 10);
const nextDay = (dayStart: number, timeZone: string): number => dayStartMs(dayStart + 25 * HOUR_MS, timeZone);

/**
 * Usage per local day from `from` to `to` (dates, both included; default: the 30 days up to
 * today), each day's items with quantity and amount (rounded to 2 decimals per item and day),
 * up to now: a day not yet over shows what accrued so far.
 */
export function usageReport(
  e: Engine,
  tenant: string,
  pairId: string | null,
  range: { from?: string; to?: string } = {},
): UsageReport {
  const tz = e.ctx.settings.timeZone;
  const now = e.ctx.clock.nowMs();
  const today = dayStartMs(now, tz);
  const last = range.to === undefined ? today : dayOfDate(range.to, 'to', tz);
  const first =
    range.from === undefined ? dayStartMs(last - 29 * DAY_MS, tz) : dayOfDate(range.from, 'from', tz);
  check(first <= last, 'from', 'a date on or before `to`');
  check(last - first < MAX_DAYS * DAY_MS, 'to', `at most ${MAX_DAYS} days after from`);
  const { rates } = accountOf(e, tenant);
  const endMs = Math.min(nextDay(last, tz), now);
  const rows = chargesBetween(e, tenant, pairId, first, endMs);
  const days: UsageDay[] = [];
  const perPair = new Map<string, number>();
  for (let day = first; day <= last; ) {
    const dayEnd = nextDay(day, tz);
    const lines = new Map<string, UsageLine>();
    const pairLines = new Map<string, Map<string, number>>();
    for (const row of rows) {
      const { quantity, amount } = over(row, day, Math.min(dayEnd, now));
      if (quantity === 0 && amount === 0) continue;
      const key = `${USAGE_ITEMS.indexOf(row.item)}|${row.volume_type ?? ''}`;
      const line = lines.get(key) ?? {
        item: row.item,
        volumeType: row.volume_type,
        quantity: 0,
        unit: UNITS[row.item],
        amount: 0,
      };
      line.quantity += quantity;
      lines.set(key, line);
      // Rounded per pair, item and day: the account's figures are sums of the pairs' figures.
      const byItem = pairLines.get(row.pair_id) ?? new Map<string, number>();
      byItem.set(key, (byItem.get(key) ?? 0) + amount);
      pairLines.set(row.pair_id, byItem);
    }
    for (const [pair, byItem] of pairLines) {
      for (const [key, amount] of byItem) {
        const rounded = cents(amount);
        lines.get(key)!.amount += rounded;
        perPair.set(pair, (perPair.get(pair) ?? 0) + rounded);
      }
    }
    const items = [...lines.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, line]) => ({ ...line, quantity: micro(line.quantity), amount: cents(line.amount) }));
    days.push({ date: dateOf(day, tz), items, total: cents(items.reduce((s, l) => s + l.amount, 0)) });
    if (dayEnd <= day) break;
    day = dayEnd;
  }
  return {
    tenant,
    pairId,
    from: dateOf(first, tz),
    to: dateOf(last, tz),
    timeZone: tz,
    currency: rates.currency,
    days,
    ...(pairId === null && {
      pairs: [...perPair]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([id, total]) => ({ pairId: id, total: cents(total) })),
    }),
    total: cents(days.reduce((s, d) => s + d.total, 0)),
    asOf: iso(now),
  };
}
