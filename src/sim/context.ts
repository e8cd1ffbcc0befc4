/**
 * The engine's shared context: the store, the virtual clock, the seeded PRNG and the counters,
 * and `mutate`, the one way to change state. `mutate` runs in a single transaction and saves
 * the clock, PRNG and counters with it; if anything throws, the transaction rolls back and the
 * in-memory parts are put back too, so a refused call changes nothing at all.
 */

import type { AccountSettings } from './account-types.js';
import type { AddressBook } from './addresses.js';
import { isSimTime, MAX_SPEED, VirtualClock, type WallClock } from './clock.js';
import { PendingPoints } from './pending-points.js';
import type { RegionCatalogue } from './regions.js';
import { createRng, type Rng, type RngState } from './rng.js';
import { JOB_EVENT_KINDS, jsonString, PACKED_EVENTS, type PairRow, packJobEvents } from './rows.js';
import type { Store } from './store.js';
import type { ClockMode, FaultRule, ProgressionSettings, SimEventKind } from './types.js';

/**
 * A world's settings. They are values: a change replaces a top-level field (`settings.regions =
 * copy`), never edits what a field holds in place, so that `mutate` can tell whether they changed
 * by the identity of their fields and reuse their JSON text (context.ts, `settingsJson`).
 */
export interface Settings {
  timeZone: string;
  progression: ProgressionSettings;
  /** Absent: the default (history-retention.ts). */
  historyRetentionDays?: number;
  /** The tenant's region catalogue, once edited or changed (absent: regions.ts's default). */
  regions?: RegionCatalogue;
  /** Each tenant's account, once set (absent: postpaid at drsim's default rates; accounts.ts). */
  accounts?: Record<string, AccountSettings>;
}

export interface PointRef {
  id: string;
  createdAtMs: number;
  /** The stored tags as JSON text, so a retention pass writes only the tags that changed. */
  tags: string;
  /** The main's data version the point captured (billing compares it with the point before's). */
  dataVersion: number;
  /**
   * The point's pair while its row waits to be written (`pendingPoints`); the row is made from the
   * point when it is written, not on every tick: most points are deleted by the next tick.
   */
  pending?: PointOwner | undefined;
  /** The main's data bytes the point captured (its row's size), set on points a tick makes. */
  sizeBytes?: number;
  /** 1 when a fault rule marked the point corrupt, set on points a tick makes. */
  corrupt?: number;
}

/** The pair a point belongs to, as its row needs it. */
export interface PointOwner {
  id: string;
  tenant: string;
}

/** A server row's workload-written columns, as the update takes them: data version, data bytes, updated at, id. */
export type PendingServer = [number, number, number, string];

export interface Ctx {
  store: Store;
  seed: number;
  clock: VirtualClock;
  rng: Rng;
  settings: Settings;
  counters: Record<string, number>;
  /**
   * Each pair's current recovery points, oldest first; loaded lazily, kept by every writer. A
   * pair's list is changed in place, never replaced, and dropped only by `reloadCaches`.
   */
  points: Map<string, PointRef[]>;
  /**
   * Pair rows as stored, by id (pairs.ts `storedPairRow`): read once, replaced by every save of
   * the row; a rollback, an import or a reset clears them (`reloadCaches`).
   */
  pairRows: Map<string, PairRow>;
  /** Each tenant's addresses in use, by tenant; loaded on a tenant's first placement, kept by every writer. */
  addresses: Map<string, AddressBook>;
  /** Fault rules in creation order. */
  faults: FaultRule[];
  /**
   * Recovery points the ticks of the running advance made and have not written yet (each row on
   * its point, `PointRef.pending`): most of them are deleted by the next tick (off the interval),
   * and such a point then never reaches SQLite. Written by `flushPoints`, which runs before
   * anything but a tick does its work and before every commit, so no reader ever misses one.
   */
  pendingPoints: PendingPoints;
  /**
   * Server rows the workload of the running advance's ticks wrote and that are not stored yet (by
   * id): a server with a workload is written on every tick, and only its last write of a chunk
   * reaches SQLite. Only the columns a workload changes; flushed with the points.
   */
  pendingServers: Map<string, PendingServer>;
  /** Writes the deferred points and server rows (see `pendingPoints`, `pendingServers`). */
  flushPoints(): void;
  nextSeq(name?: string): number;
  emit(tenant: string, pairId: string | null, kind: SimEventKind, data: Record<string, unknown>): void;
  /**
   * `recoveryPoint.created` (data `created`) and right after it `recoveryPoint.deleted` (data
   * `deleted`), stored as one row (rows.ts, PACKED_EVENTS); `between` runs after the first
   * event's `onEmit` and before the second's, where the point's row is deleted. With `wait` (a
   * replication tick), the row waits for `storeWaitingEvents`, which runs before any other event
   * is stored, with `flushPoints` (before any job step, failure, pruning pass and commit) and
   * once `WAITING_ROWS` wait: rows are stored in seq order as before, those of several ticks
   * together when ticks follow one another with nothing else between them.
   */
  emitCreatedDeleted(
    tenant: string,
    pairId: string,
    created: { recoveryPointId: string; dataVersion: number },
    deleted: { recoveryPointId: string; reason: string },
    between: () => void,
    wait?: boolean,
  ): void;
  /** Stores the point-event rows waiting (see `emitCreatedDeleted`). */
  storeWaitingEvents(): void;
  /** Runs after every emitted event, in the same transaction (the billing meters follow events). */
  onEmit:
    | ((tenant: string, pairId: string | null, kind: SimEventKind, data: Record<string, unknown>) => void)
    | null;
  /**
   * Runs `fn` in one transaction. `clockOnly`, asked once `fn` has run, says that all it did was
   * move the clock forward with nothing due or set its mode or speed (then `contentVersion`
   * stays); a nested call's is not asked: the outermost call's transaction is what commits.
   */
  mutate<T>(fn: () => T, clockOnly?: () => boolean): T;
  /** Counts committed changes: equal versions mean nothing changed (readers cache on it). */
  version: number;
  /**
   * Counts committed changes other than the clock moving forward with nothing due or changing
   * its mode or speed (`setClock`): while it stays, what a read shows is the same apart from the
   * clock's own and what it derives from the clock's time (a pair's `rpoSeconds`). A realtime clock commits a move every few hundred ms; a list page is
   * re-rendered, not rebuilt, for it (src/server/read-cache.ts).
   */
  contentVersion: number;
  /**
   * Counts writes of pair and server rows (and cache reloads): the replication tick reuses its
   * list of replicating pairs while this stays the same (replication.ts).
   */
  rowChanges: number;
  /**
   * Counts writes of server rows that can change what a pair bills (created, saved, deleted;
   * not the workload's data versions): billing reconciles a pair's meters only when this moved,
   * or its account changed, since it last did (accounts.ts, `settled`).
   */
  serverWrites: number;
  /** Counts reloads of the caches (a rollback, an import): caches of what is stored start over. */
  reloads: number;
  /** Recovery points of a pair from the cache (loading it when needed). */
  pointsOf(pairId: string): PointRef[];
  /**
   * What the next `pointsOf(pairId)` answers at once: `list`, the pair's list as an earlier
   * `pointsOf` returned it since the last `reloadCaches` (a list is changed in place, never
   * replaced), kept by the caller.
   */
  rememberPoints(pairId: string, list: PointRef[]): void;
  reloadCaches(): void;
}

/**
 * The saved runtime, with what no drsim should have written put right: an older drsim let an
 * import store any clock and any counters, and such a database must still open. A bad clock
 * goes to the latest time in the history (else the start time), manual mode, speed 1; a
 * counter never stays below the highest number already used.
 */
function repaired<T extends Runtime>(store: Store, saved: T | undefined, startMs: number): T | undefined {
  if (!saved) return saved;
  const one = (sql: string) => (store.db.prepare(sql).pluck().get() as number | null) ?? 0;
  const clock = (typeof saved.clock === 'object' && saved.clock !== null ? saved.clock : {}) as Partial<
    Runtime['clock']
  >;
  const okMode = clock.mode === 'manual' || clock.mode === 'realtime';
  const okSpeed = typeof clock.speed === 'number' && clock.speed > 0 && clock.speed <= MAX_SPEED;
  const latestEventMs = () => one('SELECT at_ms FROM events ORDER BY seq DESC LIMIT 1');
  const nowMs = isSimTime(clock.nowMs) ? clock.nowMs : isSimTime(latestEventMs()) ? latestEventMs() : startMs;
  const counters: Record<string, number> = {};
  for (const [key, value] of Object.entries(saved.counters ?? {})) {
    if (Number.isSafeInteger(value) && value >= 0) counters[key] = value;
  }
  const floors = {
    seq: Math.max(
      one('SELECT MAX(seq) FROM servers'),
      one('SELECT MAX(seq) FROM pairs'),
      one('SELECT MAX(seq) FROM jobs'),
      one('SELECT MAX(seq) FROM faults'),
    ),
    event: one('SELECT MAX(seq) FROM events'),
    schedule: one('SELECT MAX(seq) FROM schedule'),
    charge: one('SELECT MAX(seq) FROM charges'),
  };
  for (const [key, floor] of Object.entries(floors)) if (floor > (counters[key] ?? 0)) counters[key] = floor;
  return {
    ...saved,
    counters,
    clock: {
      nowMs,
      mode: okMode ? (clock.mode as ClockMode) : 'manual',
      speed: okSpeed ? (clock.speed as number) : 1,
    },
  };
}

/** An event emitted and not stored yet (see `held` in createContext). */
interface HeldEvent {
  seq: number;
  atMs: number;
  tenant: string;
  pairId: string | null;
  kind: SimEventKind;
  data: Record<string, unknown>;
}

interface Runtime {
  clock: { nowMs: number; mode: 'manual' | 'realtime'; speed: number };
  rng: RngState;
  counters: Record<string, number>;
  settings: Settings;
}

/** What a new database's runtime starts from (a saved runtime wins over it). */
export interface ContextInit {
  seed: number;
  startMs: number;
  settings: Settings;
  mode: 'manual' | 'realtime';
  speed: number;
}

/** How many of a tick's point-event rows wait to be stored together (see `storeWaitingEvents`). */
const WAITING_ROWS = 512;

export function createContext(store: Store, init: ContextInit, wallClock?: WallClock): Ctx {
  const saved = repaired(store, store.getMeta<Runtime & { seed: number }>('runtime'), init.startMs);
  const seed = saved?.seed ?? init.seed;
  const clock = new VirtualClock(
    saved?.clock ?? { nowMs: init.startMs, mode: 'manual', speed: init.speed },
    wallClock,
  );
  if (!saved && init.mode === 'realtime') clock.configure({ mode: 'realtime' });
  const insertEvent = store.db.prepare(
    'INSERT INTO events (seq, at_ms, tenant, pair_id, kind, data) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const selectPoints = store.db.prepare<[string], PointRef>(
    'SELECT id, created_at_ms AS createdAtMs, tags, data_version AS dataVersion FROM recovery_points WHERE pair_id = ? ORDER BY created_at_ms, id',
  );
  const insertPoint = store.db.prepare(
    `INSERT INTO recovery_points (id, pair_id, tenant, created_at_ms, status, tags, size_bytes, data_version, corrupt)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const updateWorkloadServer = store.db.prepare(
    'UPDATE servers SET data_version = ?, data_bytes = ?, updated_at_ms = ? WHERE id = ?',
  );
  const selectFaults = store.db.prepare<[], { rule: string }>('SELECT rule FROM faults ORDER BY seq');
  let depth = 0;
  /**
   * The runtime row is read back only when a context opens on a database that has one: a file
   * reopened. A database in memory ends with its simulator and never gets a second context, so
   * its row is written when it is made and not at every commit (a statement and the runtime's
   * JSON text, a tenth of a small write).
   */
  const persistsRuntime = store.file !== ':memory:';
  /**
   * The start of an action's `job.created`, `pair.transition`, `job.ended` run (rows.ts,
   * PACKED_JOB_EVENTS), not stored yet: stored as one row when the run completes, one row each
   * when another event comes between or the transaction commits. Each keeps its seq and time.
   */
  let held: HeldEvent[] = [];
  /**
   * The list `pointsOf` returned last, and its pair: a tick's point asks for its pair's list twice
   * (taking the point, then billing it), a lookup among every pair's lists each. A list is only
   * ever changed in place, and `reloadCaches` is the one place that drops lists.
   */
  let lastPointsOf: string | null = null;
  let lastPoints: PointRef[] = [];
  /**
   * The packed point-event rows of the running ticks not stored yet, a column each (reused: no
   * array per row). They are stored together after the JavaScript that made them, not one insert
   * between each pair's work: interleaved, each insert ran at about twice the CPU of the same
   * inserts in a row (SQLite's pages and code pushed out of the CPU's caches between them). Nor
   * at each tick's end: a pair alone made one row a tick, every one of them interleaved. At most
   * `WAITING_ROWS` wait: with 10,000 pairs a whole tick's rows were ~4 MB of texts kept alive
   * through the young generation's collections.
   */
  let waitingCount = 0;
  const waitingSeq: number[] = [];
  const waitingAt: number[] = [];
  const waitingTenant: string[] = [];
  const waitingPair: string[] = [];
  const waitingData: string[] = [];
  function storeWaitingEvents(): void {
    const count = waitingCount;
    if (count === 0) return;
    waitingCount = 0;
    for (let i = 0; i < count; i++) {
      insertEvent.run(
        waitingSeq[i],
        waitingAt[i],
        waitingTenant[i],
        waitingPair[i],
        PACKED_EVENTS,
        waitingData[i],
      );
      // Stored: the text need not outlive the row's insert (a young collection would copy it).
      waitingData[i] = '';
    }
  }
  const store1 = (h: HeldEvent): void => {
    insertEvent.run(h.seq, h.atMs, h.tenant, h.pairId, h.kind, JSON.stringify(h.data));
  };
  function storeHeld(): void {
    // Nothing held is the usual case (every tick's point events ask): no new empty array then.
    if (held.length === 0) return;
    for (const h of held) store1(h);
    held = [];
  }
  /** Holds `h` when it starts or continues a run (stored with the run once it is whole). */
  function hold(h: HeldEvent): boolean {
    const first = held[0];
    if (h.pairId === null || h.kind !== JOB_EVENT_KINDS[held.length]) return false;
    if (first && (first.tenant !== h.tenant || first.pairId !== h.pairId || first.atMs !== h.atMs))
      return false;
    held.push(h);
    if (held.length < 3) return true;
    const [created, transition] = held as [HeldEvent, HeldEvent];
    const packed = packJobEvents(created.data, transition.data, h.data);
    if (packed === null) storeHeld();
    else {
      insertEvent.run(h.seq, h.atMs, h.tenant, h.pairId, packed[0], packed[1]);
      held = [];
    }
    return true;
  }

  const ctx: Ctx = {
    store,
    seed,
    clock,
    rng: createRng(seed, saved?.rng),
    settings: saved?.settings ?? init.settings,
    counters: saved?.counters ?? {},
    points: new Map(),
    pairRows: new Map(),
    addresses: new Map(),
    faults: [],
    onEmit: null,
    pendingPoints: new PendingPoints(),
    pendingServers: new Map(),
    flushPoints() {
      storeWaitingEvents();
      if (ctx.pendingServers.size > 0) {
        for (const args of ctx.pendingServers.values()) updateWorkloadServer.run(...args);
        ctx.pendingServers.clear();
      }
      if (ctx.pendingPoints.size === 0) return;
      ctx.pendingPoints.flush((ref, owner) =>
        insertPoint.run(
          ref.id,
          owner.id,
          owner.tenant,
          ref.createdAtMs,
          'AVAILABLE',
          ref.tags,
          ref.sizeBytes,
          ref.dataVersion,
          ref.corrupt,
        ),
      );
    },
    version: 0,
    contentVersion: 0,
    rowChanges: 0,
    serverWrites: 0,
    reloads: 0,
    nextSeq(name = 'seq') {
      const next = (ctx.counters[name] ?? 0) + 1;
      ctx.counters[name] = next;
      return next;
    },
    emit(tenant, pairId, kind, data) {
      storeWaitingEvents();
      const event: HeldEvent = { seq: ctx.nextSeq('event'), atMs: clock.nowMs(), tenant, pairId, kind, data };
      if (!hold(event)) {
        storeHeld();
        if (!hold(event)) store1(event);
      }
      ctx.onEmit?.(tenant, pairId, kind, data);
    },
    emitCreatedDeleted(tenant, pairId, created, deleted, between, wait) {
      storeHeld();
      ctx.nextSeq('event');
      // JSON.stringify of [created, deleted], written out: this runs for every pair on every tick.
      // A data version is an integer, whose JSON is its String; a reason is one of retention's words.
      const data = `[{"recoveryPointId":${jsonString(created.recoveryPointId)},"dataVersion":${created.dataVersion}},{"recoveryPointId":${jsonString(deleted.recoveryPointId)},"reason":${jsonString(deleted.reason)}}]`;
      const seq = ctx.nextSeq('event');
      if (wait) {
        const i = waitingCount++;
        waitingSeq[i] = seq;
        waitingAt[i] = clock.nowMs();
        waitingTenant[i] = tenant;
        waitingPair[i] = pairId;
        waitingData[i] = data;
        if (waitingCount === WAITING_ROWS) storeWaitingEvents();
      } else {
        storeWaitingEvents();
        insertEvent.run(seq, clock.nowMs(), tenant, pairId, PACKED_EVENTS, data);
      }
      ctx.onEmit?.(tenant, pairId, 'recoveryPoint.created', created);
      between();
      ctx.onEmit?.(tenant, pairId, 'recoveryPoint.deleted', deleted);
    },
    mutate(fn, clockOnly) {
      if (depth > 0) return fn();
      const before = { seed: ctx.seed, ...snapshotRuntime(true) };
      const settingsBefore = settingsJson();
      depth++;
      try {
        const result = store.tx(() => {
          const value = fn();
          storeHeld();
          ctx.flushPoints();
          if (persistsRuntime) store.setMetaJson('runtime', runtimeJson());
          return value;
        });
        ctx.version++;
        if (!clockOnly?.()) ctx.contentVersion++;
        return result;
      } catch (error) {
        held = [];
        waitingCount = 0;
        restoreRuntime({ ...before, settings: JSON.parse(settingsBefore) as Settings });
        ctx.reloadCaches();
        throw error;
      } finally {
        depth--;
      }
    },
    storeWaitingEvents,
    pointsOf(pairId) {
      if (pairId === lastPointsOf) return lastPoints;
      let list = ctx.points.get(pairId);
      if (!list) {
        list = selectPoints.all(pairId);
        ctx.points.set(pairId, list);
      }
      lastPointsOf = pairId;
      lastPoints = list;
      return list;
    },
    rememberPoints(pairId, list) {
      lastPointsOf = pairId;
      lastPoints = list;
    },
    reloadCaches() {
      lastPointsOf = null;
      ctx.rowChanges++;
      ctx.reloads++;
      ctx.points.clear();
      ctx.pairRows.clear();
      ctx.addresses.clear();
      ctx.pendingPoints.clear();
      ctx.pendingServers.clear();
      ctx.faults = selectFaults.all().map((row) => JSON.parse(row.rule) as FaultRule);
    },
  };

  /**
   * The runtime as stored; with `copy`, counters copied to roll back to. The settings to roll
   * back to are kept by `mutate` as their JSON text and parsed only when a transaction fails:
   * a copy of the settings (the region catalogue once edited, ~2 KB) on every write was a
   * tenth of a small write's cost (docs/performance.md).
   */
  function snapshotRuntime(copy = false): Runtime {
    return {
      clock: clock.toJSON(),
      rng: ctx.rng.state(),
      counters: copy ? { ...ctx.counters } : ctx.counters,
      settings: ctx.settings,
    };
  }
  /**
   * The settings as JSON text, reused while they hold the same fields (they are values, see
   * `Settings`): their text, ~2 KB once the region catalogue is edited, was written out twice
   * per transaction before, a tenth of a small write.
   */
  let settingsMemo: { settings: Settings; keys: string[]; values: unknown[]; text: string } | null = null;
  function settingsJson(): string {
    const settings = ctx.settings as unknown as Record<string, unknown>;
    const keys = Object.keys(settings);
    const memo = settingsMemo;
    if (
      memo !== null &&
      memo.settings === ctx.settings &&
      memo.keys.length === keys.length &&
      keys.every((key, i) => memo.keys[i] === key && memo.values[i] === settings[key])
    ) {
      return memo.text;
    }
    const text = JSON.stringify(settings);
    settingsMemo = { settings: ctx.settings, keys, values: keys.map((key) => settings[key]), text };
    return text;
  }
  /** `JSON.stringify({ seed, ...snapshotRuntime() })`, with the settings' text reused. */
  function runtimeJson(): string {
    const { clock: clockState, rng, counters } = snapshotRuntime();
    return `{"seed":${JSON.stringify(ctx.seed)},"clock":${JSON.stringify(clockState)},"rng":${JSON.stringify(rng)},"counters":${JSON.stringify(counters)},"settings":${settingsJson()}}`;
  }
  function restoreRuntime(runtime: Runtime & { seed?: number }): void {
    if (runtime.seed !== undefined) ctx.seed = runtime.seed;
    ctx.rng = createRng(ctx.seed, runtime.rng);
    ctx.counters = runtime.counters;
    ctx.settings = runtime.settings;
    clock.restore(runtime.clock);
  }

  ctx.reloadCaches();
  if (!saved) store.tx(() => store.setMeta('runtime', { seed, ...snapshotRuntime() }));
  return ctx;
}
