/**
 * Rows to objects and back. The database keeps times as epoch milliseconds and nested values
 * as JSON text; the engine works with the stored shapes of contract.ts.
 */

import type { RunResult, Statement } from 'better-sqlite3';
import type { DrPairStatus, TestFailoverState } from '../machine/index.js';
import type { StoredJob, StoredPair, StoredRecoveryPoint, StoredServer } from './contract.js';
import type { Db } from './store.js';
import { wordCode, wordOf } from './stored-words.js';
import type { PowerState, RecoveryPointTag, ServerRole } from './types.js';

/**
 * The ISO text of a time, the last two remembered: a write asks for the same instant (now) a
 * dozen times (the job's times, its steps', the pair's), and a row for its created/updated pair.
 */
let isoA = { ms: Number.NaN, text: '' };
let isoB = isoA;
const iso = (ms: number): string => {
  if (ms === isoA.ms) return isoA.text;
  if (ms === isoB.ms) return isoB.text;
  isoB = isoA;
  isoA = { ms, text: new Date(ms).toISOString() };
  return isoA.text;
};
const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms));
export const toMs = (value: string): number => Date.parse(value);

interface ServerRow {
  id: string;
  seq: number;
  tenant: string;
  name: string;
  region: string;
  flavor: string;
  volumes: string;
  power_state: string;
  role: string;
  expires_at_ms: number | null;
  pair_id: string | null;
  data_version: number;
  data_bytes: number;
  workload_per_minute: number;
  created_at_ms: number;
  updated_at_ms: number;
  /** JSON { network, placementGroupId }; null for servers made before it existed. */
  network: string | null;
}

export interface PairRow {
  id: string;
  seq: number;
  tenant: string;
  name: string;
  main_server_id: string;
  shadow_server_id: string | null;
  test_server_id: string | null;
  placement: string;
  interval_hours: number | null;
  machine: string;
  status: string;
  test_state: string;
  current_job_id: string | null;
  current_test_job_id: string | null;
  replication_error: string | null;
  created_at_ms: number;
  updated_at_ms: number;
}

interface PointRow {
  id: string;
  pair_id: string;
  tenant: string;
  created_at_ms: number;
  status: string;
  tags: string;
  size_bytes: number;
  data_version: number;
  corrupt: number;
}

export interface EventRow {
  seq: number;
  at_ms: number;
  tenant: string;
  pair_id: string | null;
  kind: string;
  data: string;
}

/**
 * One stored row for two events, since history rows were most of what replication writes: a
 * recovery point's `recoveryPoint.created` and, emitted right after it, the `recoveryPoint.deleted`
 * of a point retention deleted (at every tick, the point before it, off the interval): same time,
 * tenant and pair. The row's seq is the second event's; the first event's seq is the one before,
 * which no other row has. Its data is the JSON array of the two events' data. No reader sees the
 * row: `unpackEvents` turns it back into the two events, so every answer is as if they were two rows.
 */
export const PACKED_EVENTS = 'recoveryPoint.created+deleted';

/**
 * `JSON.stringify(text)` for a string, without the serializer when no character needs escaping
 * (an id, a word): a tick writes two ids and a reason per pair into its packed row, and the three
 * calls were ~0.3 µs of it. A quote, backslash, control character or any surrogate (JSON escapes
 * the lone ones) goes to `JSON.stringify`.
 */
export function jsonString(text: string): string {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return JSON.stringify(text);
  }
  return `"${text}"`;
}
const PACKED_KINDS = ['recoveryPoint.created', 'recoveryPoint.deleted'] as const;

/**
 * One stored row for the three events of an action done at once (stop, resume, detach), the
 * bulk of what a served world's history grows by: `job.created`, the `pair.transition` it made
 * and `job.ended`, at the same time, for the same tenant, pair and job. The row's seq is the
 * last event's, the other two are the seqs before it. Its data is a JSON array of the events'
 * values without their keys or the repeated job id and type (`packJobEvents`): the type, the
 * statechart's event, statuses and states as numbers (stored-words.ts) and the trailing nulls
 * left out, ~40 bytes where three rows held ~300 bytes of data, ~150 bytes of columns and three
 * index entries. No reader sees the row: `unpackEvents` gives back the three events with the same
 * data text.
 *
 * `PACKED_JOB_EVENTS_V1` rows (written before the words, migration 10) hold every value as it
 * is, all eleven of them; they are read as they were and no longer written.
 */
export const PACKED_JOB_EVENTS = 'job*';
export const PACKED_JOB_EVENTS_V1 = 'job.created+transition+ended';
export const JOB_EVENT_KINDS = ['job.created', 'pair.transition', 'job.ended'] as const;
const CREATED_KEYS = ['jobId', 'type', 'request'];
const TRANSITION_KEYS = ['event', 'from', 'to', 'testFrom', 'testTo', 'activeRecoveryPointId', 'jobId'];
const ENDED_KEYS = ['jobId', 'type', 'status', 'error'];
/** The packed values stored as words when they are strings: type, event, from, to, testFrom, testTo, status. */
const WORD_AT = [false, true, false, true, true, true, true, true, false, true, false];

/**
 * Whether `data` has exactly these keys in this order, each with a value JSON writes: then its
 * values written as an array say everything its text says.
 */
function hasExactly(data: Record<string, unknown>, keys: readonly string[]): boolean {
  const own = Object.keys(data);
  if (own.length !== keys.length) return false;
  for (let i = 0; i < own.length; i++) {
    const value = data[own[i]!];
    const type = typeof value;
    if (own[i] !== keys[i] || type === 'undefined' || type === 'function' || type === 'symbol') return false;
  }
  return true;
}

/**
 * The packed row's kind and data for an action's `job.created`, `pair.transition` and `job.ended`
 * data, or null when they are not of that shape (another key, another job): they are then stored
 * one to a row. Values that the words would make ambiguous (a number where a word goes) keep the
 * V1 row, which stores every value as it is.
 */
export function packJobEvents(
  created: Record<string, unknown>,
  transition: Record<string, unknown>,
  ended: Record<string, unknown>,
): [kind: string, data: string] | null {
  if (
    !hasExactly(created, CREATED_KEYS) ||
    !hasExactly(transition, TRANSITION_KEYS) ||
    !hasExactly(ended, ENDED_KEYS) ||
    typeof created.jobId !== 'string' ||
    typeof created.type !== 'string' ||
    transition.jobId !== created.jobId ||
    ended.jobId !== created.jobId ||
    ended.type !== created.type
  ) {
    return null;
  }
  const t = transition;
  const values: unknown[] = [
    created.jobId,
    created.type,
    created.request,
    t.event,
    t.from,
    t.to,
    t.testFrom,
    t.testTo,
    t.activeRecoveryPointId,
    ended.status,
    ended.error,
  ];
  if (values.some((value, i) => WORD_AT[i] && typeof value !== 'string')) {
    return [PACKED_JOB_EVENTS_V1, JSON.stringify(values)];
  }
  for (let i = 0; i < values.length; i++) {
    if (WORD_AT[i]) values[i] = wordCode(values[i] as string) ?? values[i];
  }
  let end = values.length;
  while (end > 0 && values[end - 1] === null) end--;
  values.length = end;
  return [PACKED_JOB_EVENTS, JSON.stringify(values)];
}

/** The data text of each of the three events `packJobEvents` packed, as each was emitted. */
export function unpackJobEvents(kind: string, data: string): [string, string, string] {
  const values = JSON.parse(data) as unknown[];
  if (kind === PACKED_JOB_EVENTS) {
    for (let i = 0; i < WORD_AT.length; i++) {
      if (i >= values.length) values[i] = null;
      else if (WORD_AT[i]) values[i] = wordOf(values[i]);
    }
  }
  const [jobId, type, request, event, from, to, testFrom, testTo, activeRecoveryPointId, status, error] =
    values;
  return [
    JSON.stringify({ jobId, type, request }),
    JSON.stringify({ event, from, to, testFrom, testTo, activeRecoveryPointId, jobId }),
    JSON.stringify({ jobId, type, status, error }),
  ];
}

/** The events of `rows` (ordered by seq) with seq above `afterSeq`, packed rows unpacked. */
export function* unpackEvents(
  rows: Iterable<EventRow>,
  afterSeq: number,
): Generator<EventRow, void, undefined> {
  for (const row of rows) {
    if (row.kind === PACKED_JOB_EVENTS || row.kind === PACKED_JOB_EVENTS_V1) {
      const texts = unpackJobEvents(row.kind, row.data);
      for (let i = 0; i < 3; i++) {
        const seq = row.seq - 2 + i;
        if (seq > afterSeq) yield { ...row, seq, kind: JOB_EVENT_KINDS[i]!, data: texts[i]! };
      }
      continue;
    }
    if (row.kind !== PACKED_EVENTS) {
      yield row;
      continue;
    }
    const [first, second] = JSON.parse(row.data) as [unknown, unknown];
    if (row.seq - 1 > afterSeq) {
      yield { ...row, seq: row.seq - 1, kind: PACKED_KINDS[0], data: JSON.stringify(first) };
    }
    yield { ...row, kind: PACKED_KINDS[1], data: JSON.stringify(second) };
  }
}

interface JobRow {
  id: string;
  seq: number;
  tenant: string;
  pair_id: string;
  type: string;
  status: string;
  steps: string;
  error: string | null;
  request: string;
  result: string;
  created_at_ms: number;
  ended_at_ms: number | null;
  hung_by: string | null;
}

function networkOf(text: string | null): Pick<StoredServer, 'network' | 'placementGroupId'> {
  const parsed = text ? (JSON.parse(text) as Partial<StoredServer>) : {};
  return { network: parsed.network ?? null, placementGroupId: parsed.placementGroupId ?? null };
}

/** The servers table's `network` column for a server. */
export const networkText = (s: Pick<StoredServer, 'network' | 'placementGroupId'>): string | null =>
  s.network === null && s.placementGroupId === null
    ? null
    : JSON.stringify({ network: s.network, placementGroupId: s.placementGroupId });

export function serverFromRow(
  row: ServerRow,
  nowMs: number,
): StoredServer & { seq: number; dataBytes: number } {
  return {
    id: row.id,
    name: row.name,
    region: row.region,
    flavor: row.flavor,
    volumes: JSON.parse(row.volumes),
    ...networkOf(row.network),
    powerState: row.power_state as PowerState,
    role: row.role as ServerRole,
    expiresAt: isoOrNull(row.expires_at_ms),
    expired: row.expires_at_ms !== null && row.expires_at_ms <= nowMs,
    pairId: row.pair_id,
    dataVersion: row.data_version,
    createdAt: iso(row.created_at_ms),
    updatedAt: iso(row.updated_at_ms),
    tenant: row.tenant,
    workloadPerMinute: row.workload_per_minute,
    seq: row.seq,
    dataBytes: row.data_bytes,
  };
}

/**
 * A pair's statechart snapshot → the stored text it was parsed from, so resolving it (pairs.ts,
 * memoised by that text) need not serialise it again. Snapshots are replaced, never changed.
 */
export const machineTexts = new WeakMap<object, string>();

export function pairFromRow(row: PairRow): StoredPair & { seq: number } {
  const machine = JSON.parse(row.machine);
  machineTexts.set(machine, row.machine);
  return {
    id: row.id,
    seq: row.seq,
    tenant: row.tenant,
    name: row.name,
    mainServerId: row.main_server_id,
    shadowServerId: row.shadow_server_id,
    testServerId: row.test_server_id,
    placement: JSON.parse(row.placement),
    intervalHours: row.interval_hours,
    machine,
    status: row.status as DrPairStatus,
    testState: row.test_state as TestFailoverState,
    currentJobId: row.current_job_id,
    currentTestJobId: row.current_test_job_id,
    lastRecoveryPointAt: null,
    replicationError: row.replication_error ? JSON.parse(row.replication_error) : null,
    createdAt: iso(row.created_at_ms),
    updatedAt: iso(row.updated_at_ms),
  };
}

export function pointFromRow(row: PointRow): StoredRecoveryPoint {
  return {
    id: row.id,
    pairId: row.pair_id,
    createdAt: iso(row.created_at_ms),
    status: row.status as StoredRecoveryPoint['status'],
    tags: JSON.parse(row.tags) as RecoveryPointTag[],
    sizeBytes: row.size_bytes,
    dataVersion: row.data_version,
    consistency: 'crash-consistent',
    tenant: row.tenant,
    corrupt: row.corrupt === 1,
  };
}

/**
 * A job's steps as stored. A step of the usual shape (the keys of `STEP_KEYS`, in that order,
 * a name, a status and log lines that are strings) is the array of its values: its name, status
 * and log lines that are in `STORED_WORDS` as their numbers, its times as milliseconds after the
 * job's creation where that gives back the same ISO text, a duration of 0 left out. A stop or
 * resume's one step took ~180 bytes as an object, ~100 as the arrays before (`[` first, absolute
 * times, every word spelt out), ~20 now (`~` first); served worlds keep every job
 * (docs/performance.md, "Per-action memory"). Any other step is stored as it is, so
 * `stepsFromText` gives back each step with the same keys, order and values.
 */
const STEP_KEYS = ['name', 'status', 'startedAt', 'endedAt', 'log', 'durationMs'];
const STEPS_WITH_WORDS = '~';

export function stepsText(steps: readonly object[], createdMs: number): string {
  return STEPS_WITH_WORDS + JSON.stringify(steps.map((step) => packStep(step, createdMs)));
}

function packStep(step: object, createdMs: number): unknown {
  const s = step as Record<string, unknown>;
  if (
    !hasExactly(s, STEP_KEYS) ||
    typeof s.name !== 'string' ||
    typeof s.status !== 'string' ||
    !isTime(s.startedAt) ||
    !isTime(s.endedAt) ||
    !Array.isArray(s.log) ||
    !s.log.every((line) => typeof line === 'string')
  ) {
    return step;
  }
  const packed: unknown[] = [
    word(s.name),
    word(s.status),
    sinceMs(s.startedAt, createdMs),
    sinceMs(s.endedAt, createdMs),
    (s.log as string[]).map(word),
  ];
  if (s.durationMs !== 0) packed.push(s.durationMs);
  return packed;
}

const word = (text: string): string | number => wordCode(text) ?? text;
const isTime = (value: unknown): value is string | null => value === null || typeof value === 'string';
/** A time as milliseconds after `fromMs` when that reads back as the same text, else as it is. */
const sinceMs = (value: string | null, fromMs: number): string | number | null => {
  if (value === null || !Number.isFinite(fromMs)) return value;
  const ms = Date.parse(value);
  const since = ms - fromMs;
  return Number.isSafeInteger(since) && since + fromMs === ms && iso(ms) === value ? since : value;
};

export function stepsFromText(text: string, createdMs: number): unknown[] {
  if (!text.startsWith(STEPS_WITH_WORDS)) return stepsFromTextV1(text);
  const time = (value: unknown): unknown => (typeof value === 'number' ? iso(createdMs + value) : value);
  return (JSON.parse(text.slice(STEPS_WITH_WORDS.length)) as unknown[]).map((step) =>
    Array.isArray(step)
      ? {
          name: wordOf(step[0]),
          status: wordOf(step[1]),
          startedAt: time(step[2]),
          endedAt: time(step[3]),
          log: (step[4] as unknown[]).map(wordOf),
          durationMs: step.length > 5 ? step[5] : 0,
        }
      : step,
  );
}

/** Steps stored before the words (migration 10): arrays of values, times as epoch milliseconds. */
function stepsFromTextV1(text: string): unknown[] {
  const time = (value: unknown): unknown => (typeof value === 'number' ? iso(value) : value);
  return (JSON.parse(text) as unknown[]).map((step) =>
    Array.isArray(step)
      ? {
          name: step[0],
          status: step[1],
          startedAt: time(step[2]),
          endedAt: time(step[3]),
          log: step[4],
          durationMs: step[5],
        }
      : step,
  );
}

export function jobFromRow(row: JobRow): StoredJob & { seq: number; hungBy: string | null } {
  return {
    id: row.id,
    seq: row.seq,
    type: row.type as StoredJob['type'],
    pairId: row.pair_id,
    status: row.status as StoredJob['status'],
    steps: stepsFromText(row.steps, row.created_at_ms) as StoredJob['steps'],
    error: row.error ? JSON.parse(row.error) : null,
    request: JSON.parse(row.request),
    createdAt: iso(row.created_at_ms),
    endedAt: isoOrNull(row.ended_at_ms),
    tenant: row.tenant,
    result: JSON.parse(row.result),
    hungBy: row.hung_by,
  };
}

/**
 * A statement with positional parameters run with a row object: better-sqlite3 binds named
 * parameters (`@id`) by looking each one up in the object, ~1 µs more for a dozen columns than
 * the same values in order (docs/performance.md, "fourth round"); the row's writers keep their
 * objects with the columns' names.
 */
function withRow<R>(statement: Statement, args: (row: R) => unknown[]): { run(row: R): RunResult } {
  return { run: (row) => statement.run(...args(row)) };
}

/** Prepared statements, made once per connection. @internal */
export function statements(db: Db) {
  return {
    serverById: db.prepare<[string], ServerRow>('SELECT * FROM servers WHERE id = ?'),
    // What a pair's view shows of its servers, and the volumes it compares (pairs.ts pairView).
    serverSummaryById: db.prepare<
      [string],
      { id: string; name: string; region: string; role: string; power_state: string; volumes: string }
    >('SELECT id, name, region, role, power_state, volumes FROM servers WHERE id = ?'),
    serversOfTenant: db.prepare<[string, number, number], ServerRow>(
      'SELECT * FROM servers WHERE tenant = ? AND seq > ? ORDER BY seq LIMIT ?',
    ),
    insertServer: withRow(
      db.prepare(
        `INSERT INTO servers (id, seq, tenant, name, region, flavor, volumes, power_state, role, expires_at_ms,
          pair_id, data_version, data_bytes, workload_per_minute, created_at_ms, updated_at_ms, network)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      (r: Omit<ServerRow, 'network'> & { network: string | null }) => [
        r.id,
        r.seq,
        r.tenant,
        r.name,
        r.region,
        r.flavor,
        r.volumes,
        r.power_state,
        r.role,
        r.expires_at_ms,
        r.pair_id,
        r.data_version,
        r.data_bytes,
        r.workload_per_minute,
        r.created_at_ms,
        r.updated_at_ms,
        r.network,
      ],
    ),
    updateServer: withRow(
      db.prepare(
        `UPDATE servers SET power_state = ?, role = ?, pair_id = ?, data_version = ?, data_bytes = ?,
          workload_per_minute = ?, updated_at_ms = ?, flavor = ?, volumes = ?, expires_at_ms = ? WHERE id = ?`,
      ),
      (
        r: Pick<
          ServerRow,
          | 'id'
          | 'power_state'
          | 'role'
          | 'pair_id'
          | 'data_version'
          | 'data_bytes'
          | 'workload_per_minute'
          | 'updated_at_ms'
          | 'flavor'
          | 'volumes'
          | 'expires_at_ms'
        >,
      ) => [
        r.power_state,
        r.role,
        r.pair_id,
        r.data_version,
        r.data_bytes,
        r.workload_per_minute,
        r.updated_at_ms,
        r.flavor,
        r.volumes,
        r.expires_at_ms,
        r.id,
      ],
    ),
    // The addresses alone, extracted by SQLite: placement reads every server of the tenant.
    networksOfTenant: db.prepare<
      [string],
      { subnet: string | null; ip: string | null; floating: string | null }
    >(
      `SELECT json_extract(network, '$.network.subnetId') AS subnet, json_extract(network, '$.network.privateIp') AS ip,
         json_extract(network, '$.network.floatingIp') AS floating
       FROM servers WHERE tenant = ? AND network IS NOT NULL`,
    ),
    workloadServers: db.prepare<[string], ServerRow>(
      'SELECT * FROM servers WHERE workload_per_minute > 0 AND power_state = ? ORDER BY seq',
    ),
    pairById: db.prepare<[string], PairRow>('SELECT * FROM pairs WHERE id = ?'),
    pairsOfTenant: db.prepare<[string, number, number], PairRow>(
      'SELECT * FROM pairs WHERE tenant = ? AND seq > ? ORDER BY seq LIMIT ?',
    ),
    pairsOfTenantWithStatus: db.prepare<[string, string, number, number], PairRow>(
      'SELECT * FROM pairs WHERE tenant = ? AND status = ? AND seq > ? ORDER BY seq LIMIT ?',
    ),
    pairsWithStatus: db.prepare<[string], PairRow>('SELECT * FROM pairs WHERE status = ? ORDER BY seq'),
    pairsOfServer: db.prepare<[string, string, string], PairRow>(
      'SELECT * FROM pairs WHERE main_server_id = ? OR shadow_server_id = ? OR test_server_id = ? ORDER BY seq',
    ),
    insertPair: withRow(
      db.prepare(
        `INSERT INTO pairs (id, seq, tenant, name, main_server_id, shadow_server_id, test_server_id, placement,
          interval_hours, machine, status, test_state, current_job_id, current_test_job_id, replication_error,
          created_at_ms, updated_at_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      (r: PairRow) => [
        r.id,
        r.seq,
        r.tenant,
        r.name,
        r.main_server_id,
        r.shadow_server_id,
        r.test_server_id,
        r.placement,
        r.interval_hours,
        r.machine,
        r.status,
        r.test_state,
        r.current_job_id,
        r.current_test_job_id,
        r.replication_error,
        r.created_at_ms,
        r.updated_at_ms,
      ],
    ),
    updatePair: withRow(
      db.prepare(
        `UPDATE pairs SET shadow_server_id = ?, test_server_id = ?, placement = ?, interval_hours = ?, machine = ?,
          status = ?, test_state = ?, current_job_id = ?, current_test_job_id = ?, replication_error = ?,
          updated_at_ms = ? WHERE id = ?`,
      ),
      (r: Omit<PairRow, 'seq' | 'tenant' | 'name' | 'main_server_id' | 'created_at_ms'>) => [
        r.shadow_server_id,
        r.test_server_id,
        r.placement,
        r.interval_hours,
        r.machine,
        r.status,
        r.test_state,
        r.current_job_id,
        r.current_test_job_id,
        r.replication_error,
        r.updated_at_ms,
        r.id,
      ],
    ),
    pointById: db.prepare<[string], PointRow>('SELECT * FROM recovery_points WHERE id = ?'),
    pointsOfPair: db.prepare<[string], PointRow>(
      'SELECT * FROM recovery_points WHERE pair_id = ? ORDER BY created_at_ms, id',
    ),
    lastPointAt: db.prepare<[string], { at: number | null }>(
      'SELECT max(created_at_ms) AS at FROM recovery_points WHERE pair_id = ?',
    ),
    insertPoint: db.prepare(
      `INSERT INTO recovery_points (id, pair_id, tenant, created_at_ms, status, tags, size_bytes, data_version, corrupt)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    deletePoint: db.prepare('DELETE FROM recovery_points WHERE id = ?'),
    oldestPointMs: db.prepare<[], number | null>('SELECT MIN(created_at_ms) FROM recovery_points').pluck(),
    earliestScheduledMs: db.prepare<[], number | null>('SELECT MIN(at_ms) FROM schedule').pluck(),
    pointsCreatedBefore: db.prepare<[number], { id: string; pair_id: string; tenant: string }>(
      'SELECT id, pair_id, tenant FROM recovery_points WHERE created_at_ms < ? ORDER BY created_at_ms, id',
    ),
    tagPoint: db.prepare('UPDATE recovery_points SET tags = ? WHERE id = ?'),
    corruptPoint: db.prepare('UPDATE recovery_points SET corrupt = 1 WHERE id = ?'),
    readOnlyPoints: db.prepare("UPDATE recovery_points SET status = 'READ_ONLY' WHERE pair_id = ?"),
    jobById: db.prepare<[string], JobRow>('SELECT * FROM jobs WHERE id = ?'),
    jobsOfPair: db.prepare<[string, number, number], JobRow>(
      'SELECT * FROM jobs WHERE pair_id = ? AND seq > ? ORDER BY seq LIMIT ?',
    ),
    jobsHungBy: db.prepare<[string], JobRow>('SELECT * FROM jobs WHERE hung_by = ? ORDER BY seq'),
    runningJobs: db.prepare<[], JobRow>(
      "SELECT * FROM jobs WHERE status IN ('QUEUED', 'RUNNING') ORDER BY seq",
    ),
    insertJob: withRow(
      db.prepare(
        `INSERT INTO jobs (id, seq, tenant, pair_id, type, status, steps, error, request, result, created_at_ms,
          ended_at_ms, hung_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      (r: JobRow) => [
        r.id,
        r.seq,
        r.tenant,
        r.pair_id,
        r.type,
        r.status,
        r.steps,
        r.error,
        r.request,
        r.result,
        r.created_at_ms,
        r.ended_at_ms,
        r.hung_by,
      ],
    ),
    updateJob: withRow(
      db.prepare(
        'UPDATE jobs SET status = ?, steps = ?, error = ?, result = ?, ended_at_ms = ?, hung_by = ? WHERE id = ?',
      ),
      (r: Pick<JobRow, 'id' | 'status' | 'steps' | 'error' | 'result' | 'ended_at_ms' | 'hung_by'>) => [
        r.status,
        r.steps,
        r.error,
        r.result,
        r.ended_at_ms,
        r.hung_by,
        r.id,
      ],
    ),
    fileHead: db.prepare<
      [string, string],
      { version: number; content: string | null; checksum: string | null; written_at_ms: number }
    >(
      'SELECT version, content, checksum, written_at_ms FROM files WHERE server_id = ? AND path = ? ORDER BY version DESC LIMIT 1',
    ),
    filesAtVersion: db.prepare<
      [string, number],
      {
        path: string;
        version: number;
        content: string | null;
        checksum: string | null;
        written_at_ms: number;
      }
    >(
      `SELECT f.path, f.version, f.content, f.checksum, f.written_at_ms FROM files f
       WHERE f.server_id = ? AND f.version = (
         SELECT max(g.version) FROM files g WHERE g.server_id = f.server_id AND g.path = f.path AND g.version <= ?)
       ORDER BY f.path`,
    ),
    insertFile: db.prepare(
      'INSERT INTO files (server_id, path, version, content, checksum, written_at_ms) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    insertSchedule: db.prepare('INSERT INTO schedule (seq, at_ms, kind, payload) VALUES (?, ?, ?, ?)'),
    nextScheduled: db.prepare<[number], { seq: number; at_ms: number; kind: string; payload: string }>(
      'SELECT * FROM schedule WHERE at_ms <= ? ORDER BY at_ms, seq LIMIT 1',
    ),
    deleteScheduled: db.prepare('DELETE FROM schedule WHERE seq = ?'),
    scheduledFor: db.prepare<[string], { seq: number }>(
      "SELECT seq FROM schedule WHERE kind = 'job.step' AND payload = ?",
    ),
    idempotencyGet: db.prepare<[string, string], { pair_id: string; action: string; job_id: string }>(
      'SELECT pair_id, action, job_id FROM idempotency WHERE tenant = ? AND key = ?',
    ),
    idempotencyPut: db.prepare(
      'INSERT INTO idempotency (tenant, key, pair_id, action, job_id) VALUES (?, ?, ?, ?, ?)',
    ),
    insertFault: db.prepare('INSERT INTO faults (id, seq, rule) VALUES (?, ?, ?)'),
    updateFault: db.prepare('UPDATE faults SET rule = ? WHERE id = ?'),
    deleteFault: db.prepare('DELETE FROM faults WHERE id = ?'),
    eventsOfPair: db.prepare<[string, number], EventRow>(
      'SELECT * FROM events WHERE pair_id = ? AND seq > ? ORDER BY seq',
    ),
    eventsAfter: db.prepare<[number], EventRow>('SELECT * FROM events WHERE seq > ? ORDER BY seq'),
  };
}

export type Statements = ReturnType<typeof statements>;
export { iso, isoOrNull };
