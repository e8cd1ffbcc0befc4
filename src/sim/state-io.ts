/**
 * The whole state as one JSON document (export, import, named snapshots) and the reset of one
 * tenant. Export then import gives back exactly the same document: that is what snapshots and
 * the determinism test rely on.
 */
import type { SimState, StoredCharge, StoredFile } from './contract.js';
import type { Engine } from './engine.js';
import { DrError } from './errors.js';
import { createRng } from './rng.js';
import {
  type EventRow,
  iso,
  jobFromRow,
  networkText,
  pairFromRow,
  pointFromRow,
  serverFromRow,
  stepsText,
  toMs,
  unpackEvents,
} from './rows.js';
import { checkState } from './state-check.js';
import { preparedOnce } from './store.js';
import type { SimEvent } from './types.js';

/** The tables a world's state lives in: an import or a reset empties exactly these. */
export const STATE_TABLES = [
  'servers',
  'files',
  'pairs',
  'recovery_points',
  'jobs',
  'faults',
  'events',
  'schedule',
  'idempotency',
  'charges',
  'http_answers',
] as const;

/**
 * One piece of an exported state, in document order: top-level fields, then each list (`list`
 * names it, each `item` is one record), then the counters. `assembleState` folds the pieces
 * into the document, `stateJson` writes them as its JSON text and snapshots store them one
 * row each, so no export ever needs the whole document as one string.
 */
export type StatePart =
  | { kind: 'fields'; value: Record<string, unknown> }
  | { kind: 'list'; key: string }
  | { kind: 'item'; value: unknown };

/** Rows read per query: the consumer may use the connection between batches (no open iterator). */
const BATCH = 1000;

/**
 * A table's rows in `keys` order, a batch at a time (keyset paging on the row value). The two
 * statements are kept per database: the scenario runner's invariant check exports the state
 * after every step, and preparing twenty statements each time was ~10 % of a scenario's CPU.
 * Each batch is read whole (`all`), so interleaved exports may share them.
 */
function* batches<T>(e: Engine, table: string, keys: readonly string[]): Generator<T[]> {
  const order = keys.join(', ');
  const db = preparedOnce(e.store.db);
  const first = db.prepare(`SELECT * FROM ${table} ORDER BY ${order} LIMIT ${BATCH}`);
  const next = db.prepare(
    `SELECT * FROM ${table} WHERE (${order}) > (${keys.map(() => '?').join(', ')}) ORDER BY ${order} LIMIT ${BATCH}`,
  );
  let rows = first.all() as Record<string, unknown>[];
  while (rows.length > 0) {
    yield rows as T[];
    if (rows.length < BATCH) return;
    const last = rows[rows.length - 1]!;
    rows = next.all(...keys.map((key) => last[key])) as Record<string, unknown>[];
  }
}

/** One list of the state: its records in document order, a batch at a time. */
interface StateList {
  key: string;
  records(e: Engine, now: number): Iterable<unknown[]>;
}

function tableList<R>(
  key: string,
  table: string,
  keys: readonly string[],
  map: (row: R, now: number) => unknown,
) {
  return {
    key,
    *records(e: Engine, now: number) {
      for (const rows of batches<R>(e, table, keys)) yield rows.map((row) => map(row, now));
    },
  } satisfies StateList;
}

/** The state's lists, in document order. */
const STATE_LISTS: readonly StateList[] = [
  tableList<Parameters<typeof serverFromRow>[0]>('servers', 'servers', ['seq'], serverFromRow),
  tableList<{
    server_id: string;
    path: string;
    version: number;
    content: string | null;
    checksum: string | null;
    written_at_ms: number;
  }>(
    'files',
    'files',
    ['server_id', 'path', 'version'],
    (r): StoredFile => ({
      serverId: r.server_id,
      path: r.path,
      version: r.version,
      content: r.content,
      checksum: r.checksum,
      writtenAt: iso(r.written_at_ms),
    }),
  ),
  tableList('pairs', 'pairs', ['seq'], pairFromRow),
  tableList('recoveryPoints', 'recovery_points', ['created_at_ms', 'id'], pointFromRow),
  tableList('jobs', 'jobs', ['seq'], jobFromRow),
  tableList<{ rule: string }>('faults', 'faults', ['seq'], (r) => JSON.parse(r.rule)),
  {
    key: 'events',
    // A stored row is one event or several packed together, each unpacked on its own.
    *records(e: Engine) {
      for (const rows of batches<EventRow>(e, 'events', ['seq'])) {
        yield Array.from(unpackEvents(rows, Number.NEGATIVE_INFINITY), eventFromRow);
      }
    },
  },
  tableList<{ seq: number; at_ms: number; kind: string; payload: string }>(
    'schedule',
    'schedule',
    ['seq'],
    (r) => ({ atMs: r.at_ms, seq: r.seq, kind: r.kind, payload: JSON.parse(r.payload) }),
  ),
  tableList<{ tenant: string; key: string; pair_id: string; action: string; job_id: string }>(
    'idempotency',
    'idempotency',
    ['tenant', 'key'],
    (r) => ({ tenant: r.tenant, key: r.key, pairId: r.pair_id, action: r.action, jobId: r.job_id }),
  ),
  tableList<{
    seq: number;
    tenant: string;
    pair_id: string;
    item: StoredCharge['item'];
    server_id: string | null;
    volume_type: StoredCharge['volumeType'];
    quantity: number;
    unit_price: number;
    start_ms: number;
    end_ms: number | null;
  }>('charges', 'charges', ['seq'], (r) => ({
    seq: r.seq,
    tenant: r.tenant,
    pairId: r.pair_id,
    item: r.item,
    serverId: r.server_id,
    volumeType: r.volume_type,
    quantity: r.quantity,
    unitPrice: r.unit_price,
    startMs: r.start_ms,
    endMs: r.end_ms,
  })),
];

function headFields(e: Engine): Record<string, unknown> {
  return {
    format: 'drsim-state',
    version: 1,
    seed: e.ctx.seed,
    rng: e.ctx.rng.state(),
    clock: e.ctx.clock.toJSON(),
    settings: structuredClone(e.ctx.settings),
  };
}

/** The state, piece by piece (see StatePart); read in one synchronous run, it is consistent. */
export function* stateParts(e: Engine): Generator<StatePart> {
  const now = e.ctx.clock.nowMs();
  yield { kind: 'fields', value: headFields(e) };
  for (const list of STATE_LISTS) {
    yield { kind: 'list', key: list.key };
    for (const records of list.records(e, now)) {
      for (const value of records) yield { kind: 'item', value };
    }
  }
  yield { kind: 'fields', value: { counters: { ...e.ctx.counters } } };
}

/** The document the pieces describe. */
export function assembleState(parts: Iterable<StatePart>): SimState {
  const state: Record<string, unknown> = {};
  let items: unknown[] = [];
  for (const part of parts) {
    if (part.kind === 'fields') Object.assign(state, part.value);
    else if (part.kind === 'list') {
      items = [];
      state[part.key] = items;
    } else items.push(part.value);
  }
  return state as unknown as SimState;
}

/** The JSON text of the pieces, a record at a time: the bytes of `JSON.stringify(assembleState(parts))`. */
export function* stateJson(parts: Iterable<StatePart>): Generator<string> {
  let first = true;
  let inList = false;
  let firstItem = true;
  const key = (name: string) => {
    const text = `${first ? '' : ','}${JSON.stringify(name)}:`;
    first = false;
    return text;
  };
  yield '{';
  for (const part of parts) {
    if (part.kind === 'item') {
      yield `${firstItem ? '' : ','}${JSON.stringify(part.value) ?? 'null'}`;
      firstItem = false;
      continue;
    }
    if (inList) yield ']';
    inList = false;
    if (part.kind === 'list') {
      yield `${key(part.key)}[`;
      inList = true;
      firstItem = true;
    } else {
      for (const [name, value] of Object.entries(part.value)) {
        const text = JSON.stringify(value);
        if (text !== undefined) yield key(name) + text;
      }
    }
  }
  if (inList) yield ']';
  yield '}';
}

/**
 * `assembleState(stateParts(e))`, the lists filled a batch at a time without a piece per record:
 * the scenario runner's invariant check exports the state after every step.
 */
export function exportState(e: Engine): SimState {
  const now = e.ctx.clock.nowMs();
  const state: Record<string, unknown> = headFields(e);
  for (const list of STATE_LISTS) {
    const items: unknown[] = [];
    for (const records of list.records(e, now)) {
      for (const value of records) items.push(value);
    }
    state[list.key] = items;
  }
  state.counters = { ...e.ctx.counters };
  return state as unknown as SimState;
}

export function eventFromRow(r: {
  seq: number;
  at_ms: number;
  tenant: string;
  pair_id: string | null;
  kind: string;
  data: string;
}): SimEvent {
  return {
    seq: r.seq,
    at: iso(r.at_ms),
    tenant: r.tenant,
    pairId: r.pair_id,
    kind: r.kind as SimEvent['kind'],
    data: JSON.parse(r.data),
  };
}

const ms = (value: string | null): number | null => (value === null ? null : toMs(value));

/**
 * Replaces the whole state (but not the named snapshots) with `input`, after checking it
 * completely (state-check.ts). `verify` runs inside the transaction once the state is in place
 * (the simulator reads every record back through its views); if it throws, nothing changes.
 * Anything that still fails is refused as STATE_INCONSISTENT and rolled back, never half-done.
 */
export function importState(e: Engine, input: unknown, verify?: () => void): void {
  const state = checkState(input);
  try {
    writeState(e, state, verify);
  } catch (error) {
    if (error instanceof DrError) throw error;
    throw new DrError(
      'STATE_INCONSISTENT',
      `The state cannot be imported; nothing was changed. ${(error as Error).message}`,
    );
  } finally {
    e.ctx.reloadCaches();
  }
}

function writeState(e: Engine, state: SimState, verify?: () => void): void {
  const { db } = e.store;
  e.ctx.mutate(() => {
    for (const table of STATE_TABLES) db.prepare(`DELETE FROM ${table}`).run();
    for (const s of state.servers) {
      e.st.insertServer.run({
        id: s.id,
        seq: s.seq,
        tenant: s.tenant,
        name: s.name,
        region: s.region,
        flavor: s.flavor,
        volumes: JSON.stringify(s.volumes),
        power_state: s.powerState,
        role: s.role,
        expires_at_ms: ms(s.expiresAt),
        pair_id: s.pairId,
        data_version: s.dataVersion,
        data_bytes: s.dataBytes,
        workload_per_minute: s.workloadPerMinute,
        created_at_ms: toMs(s.createdAt),
        updated_at_ms: toMs(s.updatedAt),
        network: networkText({ network: s.network ?? null, placementGroupId: s.placementGroupId ?? null }),
      });
    }
    for (const f of state.files)
      e.st.insertFile.run(f.serverId, f.path, f.version, f.content, f.checksum, toMs(f.writtenAt));
    for (const p of state.pairs) {
      e.st.insertPair.run({
        id: p.id,
        seq: p.seq,
        tenant: p.tenant,
        name: p.name,
        main_server_id: p.mainServerId,
        shadow_server_id: p.shadowServerId,
        test_server_id: p.testServerId,
        placement: JSON.stringify(p.placement),
        interval_hours: p.intervalHours,
        machine: JSON.stringify(p.machine),
        status: p.status,
        test_state: p.testState,
        current_job_id: p.currentJobId,
        current_test_job_id: p.currentTestJobId,
        replication_error: p.replicationError ? JSON.stringify(p.replicationError) : null,
        created_at_ms: toMs(p.createdAt),
        updated_at_ms: toMs(p.updatedAt),
      });
    }
    for (const r of state.recoveryPoints) {
      e.st.insertPoint.run(
        r.id,
        r.pairId,
        r.tenant,
        toMs(r.createdAt),
        r.status,
        JSON.stringify(r.tags),
        r.sizeBytes,
        r.dataVersion,
        r.corrupt ? 1 : 0,
      );
    }
    for (const j of state.jobs) {
      e.st.insertJob.run({
        id: j.id,
        seq: j.seq,
        tenant: j.tenant,
        pair_id: j.pairId,
        type: j.type,
        status: j.status,
        steps: stepsText(j.steps, toMs(j.createdAt)),
        error: j.error ? JSON.stringify(j.error) : null,
        request: JSON.stringify(j.request),
        result: JSON.stringify(j.result),
        created_at_ms: toMs(j.createdAt),
        ended_at_ms: ms(j.endedAt),
        hung_by: j.hungBy,
      });
    }
    state.faults.forEach((rule, index) => {
      e.st.insertFault.run(rule.id, index + 1, JSON.stringify(rule));
    });
    const insertEvent = db.prepare(
      'INSERT INTO events (seq, at_ms, tenant, pair_id, kind, data) VALUES (?, ?, ?, ?, ?, ?)',
    );
    for (const ev of state.events)
      insertEvent.run(ev.seq, toMs(ev.at), ev.tenant, ev.pairId, ev.kind, JSON.stringify(ev.data));
    for (const s of state.schedule) e.st.insertSchedule.run(s.seq, s.atMs, s.kind, JSON.stringify(s.payload));
    for (const i of state.idempotency) e.st.idempotencyPut.run(i.tenant, i.key, i.pairId, i.action, i.jobId);
    const insertCharge = db.prepare(
      'INSERT INTO charges (seq, tenant, pair_id, item, server_id, volume_type, quantity, unit_price, start_ms, end_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    for (const c of state.charges ?? []) {
      insertCharge.run(
        c.seq,
        c.tenant,
        c.pairId,
        c.item,
        c.serverId,
        c.volumeType,
        c.quantity,
        c.unitPrice,
        c.startMs,
        c.endMs,
      );
    }
    e.ctx.seed = state.seed;
    e.ctx.rng = createRng(state.seed, state.rng as never);
    e.ctx.clock.restore(state.clock);
    e.ctx.settings = structuredClone(state.settings);
    e.ctx.counters = { ...state.counters };
    e.ctx.reloadCaches();
    verify?.();
  });
}

/** Removes everything a tenant owns; other tenants are untouched. */
export function resetTenant(e: Engine, tenant: string): void {
  const { db } = e.store;
  e.ctx.mutate(() => {
    const jobIds = new Set(
      (db.prepare('SELECT id FROM jobs WHERE tenant = ?').all(tenant) as { id: string }[]).map((r) => r.id),
    );
    for (const row of db.prepare("SELECT seq, payload FROM schedule WHERE kind = 'job.step'").all() as {
      seq: number;
      payload: string;
    }[]) {
      if (jobIds.has((JSON.parse(row.payload) as { jobId: string }).jobId)) e.st.deleteScheduled.run(row.seq);
    }
    db.prepare('DELETE FROM files WHERE server_id IN (SELECT id FROM servers WHERE tenant = ?)').run(tenant);
    for (const table of ['servers', 'pairs', 'recovery_points', 'jobs', 'events', 'idempotency', 'charges']) {
      db.prepare(`DELETE FROM ${table} WHERE tenant = ?`).run(tenant);
    }
    if (e.ctx.settings.accounts?.[tenant]) {
      const { [tenant]: _gone, ...rest } = e.ctx.settings.accounts;
      e.ctx.settings.accounts = rest;
    }
    for (const rule of e.ctx.faults.filter((r) => r.tenant === tenant)) e.st.deleteFault.run(rule.id);
    e.ctx.reloadCaches();
  });
}

/**
 * A snapshot name: 1 to 100 letters, digits, `.`, `_` or `-`, starting with a letter or digit
 * (so `.` and `..`, which a URL path cannot carry, are refused).
 */
export const SNAPSHOT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

function checkSnapshotName(name: unknown): string {
  if (typeof name !== 'string' || !SNAPSHOT_NAME.test(name)) {
    throw new DrError(
      'VALIDATION_FAILED',
      'name: expected 1 to 100 letters, digits, ., _ or -, starting with a letter or digit.',
      { field: 'name', value: name },
    );
  }
  return name;
}

export function deleteSnapshot(e: Engine, name: string): void {
  checkSnapshotName(name);
  const { changes } = e.store.tx(() => {
    e.store.db.prepare('DELETE FROM snapshot_parts WHERE name = ?').run(name);
    return e.store.db.prepare('DELETE FROM snapshots WHERE name = ?').run(name);
  });
  if (changes === 0) throw new DrError('SNAPSHOT_NOT_FOUND', `No snapshot named '${name}'.`);
}

export function saveSnapshot(e: Engine, name: string, options: { overwrite?: boolean } = {}): void {
  checkSnapshotName(name);
  if (options.overwrite !== true && e.store.db.prepare('SELECT 1 FROM snapshots WHERE name = ?').get(name)) {
    throw new DrError(
      'SNAPSHOT_EXISTS',
      `A snapshot named '${name}' exists; pass overwrite: true to replace it.`,
      { name },
    );
  }
  // One row per piece of the state (a record each), written as the state is read: no part of
  // saving a snapshot holds the whole state at once. `state` stays '' (a snapshot saved by an
  // older drsim holds its whole JSON there).
  const { db } = e.store;
  e.store.tx(() => {
    db.prepare('DELETE FROM snapshot_parts WHERE name = ?').run(name);
    db.prepare(
      "INSERT INTO snapshots (name, created_at_ms, state) VALUES (?, ?, '') ON CONFLICT (name) DO UPDATE SET created_at_ms = excluded.created_at_ms, state = ''",
    ).run(name, e.ctx.clock.nowMs());
    const insert = db.prepare('INSERT INTO snapshot_parts (name, part, kind, data) VALUES (?, ?, ?, ?)');
    let index = 0;
    for (const part of stateParts(e)) {
      const data = part.kind === 'list' ? part.key : part.value;
      insert.run(name, index++, part.kind, JSON.stringify(data) ?? 'null');
    }
  });
}

/** A saved snapshot's state, rebuilt from its rows (or, from an older drsim, its one JSON text). */
function snapshotState(e: Engine, name: string): unknown {
  const row = e.store.db.prepare('SELECT state FROM snapshots WHERE name = ?').get(name) as
    | { state: string }
    | undefined;
  if (!row) throw new DrError('SNAPSHOT_NOT_FOUND', `No snapshot named '${String(name)}'.`);
  if (row.state !== '') return JSON.parse(row.state);
  const rows = e.store.db
    .prepare('SELECT kind, data FROM snapshot_parts WHERE name = ? ORDER BY part')
    .iterate(name) as Iterable<{ kind: StatePart['kind']; data: string }>;
  function* parts(): Generator<StatePart> {
    for (const { kind, data } of rows) {
      const value = JSON.parse(data);
      yield kind === 'list' ? { kind, key: value as string } : ({ kind, value } as StatePart);
    }
  }
  return assembleState(parts());
}

export function restoreSnapshot(e: Engine, name: string, verify?: () => void): void {
  importState(e, snapshotState(e, name), verify);
}

export function listSnapshots(e: Engine): { name: string; createdAt: string }[] {
  return (
    e.store.db.prepare('SELECT name, created_at_ms FROM snapshots ORDER BY name').all() as {
      name: string;
      created_at_ms: number;
    }[]
  ).map((r) => ({ name: r.name, createdAt: iso(r.created_at_ms) }));
}
