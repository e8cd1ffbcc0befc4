/**
 * Worlds: a served drsim gives each tenant a world of its own — its own simulator, with its own
 * virtual clock, PRNG stream, counters, fault rules, progression settings, events and snapshots,
 * in a SQLite database of its own. Nothing a tenant does reaches another tenant's world, so the
 * same seed and the same requests give byte-identical results in one world whatever runs in the
 * others (ids included: two worlds with the same seed make the same ids without colliding).
 *
 * The registry is the server's database file (`db`): it lists the persistent worlds, each in
 * `<db>.worlds/w<seq>.db`. A world is made on first use, seeded from (server seed, tenant), or
 * created explicitly with its own seed and start time. Ephemeral worlds (a CI run's) live in
 * memory only and end with the process. With `db: ':memory:'` every world is in memory.
 *
 * A database written before worlds existed (every tenant in one file) is split into worlds, one
 * per tenant, when it is opened; each keeps the clock and PRNG state the shared one had.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { VirtualClock, type WallClock } from './clock.js';
import { createContext } from './context.js';
import type { CreateSimulatorOptions, SimState, Simulator } from './contract.js';
import type { Engine } from './engine.js';
import { DrError } from './errors.js';
import { initialRuntime, newSimulatorState, openScratch, type Scratch } from './fresh-state.js';
import { DEFAULT_TIME_ZONE, validateTimeZone } from './retention.js';
import { statements } from './rows.js';
import { createSimulator } from './simulator.js';
import { exportState } from './state-io.js';
import { openStore, type Store } from './store.js';
import type { ClockMode, Iso, ProgressionSettings } from './types.js';
import { check } from './validate.js';

/** How one world starts; kept so that a full reset starts it over the same way. */
export interface WorldOptions {
  /** Default: derived from the server seed and the tenant (`deriveSeed`). */
  seed?: number;
  startTime?: Iso;
  timeZone?: string;
  progression?: ProgressionSettings;
  clock?: { mode?: ClockMode; speed?: number };
}

export interface WorldInfo {
  tenant: string;
  seed: number;
  /** In memory only, gone with the process (a CI run's world). */
  ephemeral: boolean;
  clock: ReturnType<Simulator['clock']>;
}

/** The whole server: every world's state. */
export interface ServerState {
  format: 'drsim-server-state';
  version: 1;
  seed: number;
  worlds: { tenant: string; ephemeral: boolean; options: WorldOptions; state: SimState }[];
}

export interface CreateWorldsOptions {
  /** The server seed every world's default seed derives from. Default 1. */
  seed?: number;
  /** The registry file, or `:memory:` (default). */
  db?: string;
  durability?: CreateSimulatorOptions['durability'];
  /** The wall clock realtime worlds follow; the engine reads no ambient time. */
  wallClock?: WallClock;
  /** How a world made on first use starts (its seed is always derived). */
  defaults?: Omit<WorldOptions, 'seed'>;
  /** The history retention of every world opened (`historyRetentionDays`); default: each world's own. */
  historyRetentionDays?: number;
  /**
   * The zone of every new world that names none, made on first use or created (default
   * `Asia/Ho_Chi_Minh`). A world keeps the zone it was made with, across restarts and resets.
   */
  timeZone?: string;
}

export interface Worlds {
  readonly seed: number;
  /** The tenant's world, made on first use with the defaults and a derived seed. */
  get(tenant: string): Simulator;
  has(tenant: string): boolean;
  /** A new world; TENANT_EXISTS when the tenant has one. */
  create(tenant: string, options?: WorldOptions & { ephemeral?: boolean }): Simulator;
  /** Deletes a world and everything in it; TENANT_NOT_FOUND when there is none. */
  remove(tenant: string): void;
  /** The world starts over as it was created (clock, seed, progression, data, faults); snapshots stay. */
  reset(tenant: string): void;
  list(): WorldInfo[];
  /** One tenant's world as a `drsim-state` document. */
  exportWorld(tenant: string): SimState;
  /**
   * Replaces one world's state. The document may hold the data of one tenant at most (any
   * name: it becomes this tenant's); more is refused — that is a whole-server import.
   */
  importWorld(tenant: string, state: SimState): void;
  exportState(): ServerState;
  /** `exportWorld` and `exportState` as JSON text, a record at a time (`Simulator.exportStateJson`). */
  exportWorldJson(tenant: string): Iterable<string>;
  exportStateJson(): Iterable<string>;
  /**
   * Replaces every world: a `drsim-server-state` document, or a `drsim-state` one (as written
   * before worlds existed), which is split into one world per tenant.
   */
  importState(state: ServerState | SimState): void;
  /** Removes every world. */
  clear(): void;
  close(): void;
}

const TENANT = /^[\x21-\x7e]{1,128}$/;

function checkTenant(tenant: unknown): string {
  check(typeof tenant === 'string' && TENANT.test(tenant), 'tenant', '1 to 128 visible ASCII characters');
  return tenant as string;
}

/**
 * A world's default seed: a hash of (server seed, tenant), a safe integer below 2^48. The same
 * server seed and tenant give the same seed on every server.
 */
export function deriveSeed(serverSeed: number, tenant: string): number {
  let a = (0x811c9dc5 ^ serverSeed) >>> 0;
  let b = (0x9e3779b9 ^ Math.floor(serverSeed / 0x1_0000_0000)) >>> 0;
  for (let i = 0; i < tenant.length; i++) {
    const code = tenant.charCodeAt(i);
    a = Math.imul(a ^ code, 0x01000193) >>> 0;
    b = Math.imul(b ^ code ^ (a >>> 7), 0x5bd1e995) >>> 0;
  }
  a = Math.imul(a ^ (a >>> 16), 0x85ebca6b) >>> 0;
  b = Math.imul(b ^ (b >>> 13), 0xc2b2ae35) >>> 0;
  return a * 0x1_0000 + (b >>> 16);
}

/** The registry's database and its two statements. */
interface Registry {
  store: Store;
  insertWorld: Database.Statement;
  deleteWorld: Database.Statement;
}

interface Entry {
  /** Null while a reserved world (`reserveWorld`) has not been used yet. */
  opened: Simulator | null;
  options: WorldOptions;
  ephemeral: boolean;
  file: string | null;
  /** What a reserved world's clock says before it opens (its clock is manual, so it stands). */
  clock?: ReturnType<Simulator['clock']>;
}

/**
 * Registers a new world that opens (database, migrations, SQLite's driver) on its first use
 * instead of now; its options are checked now, so a bad one is refused here as by `create`.
 * `startDrsim()` reserves its client's world: a test that has not called it yet, or a health
 * check, need not pay for it. Only a world in memory with a manual clock is reserved (a file
 * is registered, and a realtime clock anchored, when the world is made); any other is created
 * at once. Internal: not part of `Worlds`.
 */
export function reserveWorld(worlds: Worlds, tenant: string, options: WorldOptions = {}): void {
  const reserve = RESERVE.get(worlds);
  if (!reserve) throw new Error('reserveWorld: not a drsim Worlds');
  reserve(tenant, options);
}
const RESERVE = new WeakMap<Worlds, (tenant: string, options: WorldOptions) => void>();

export function createWorlds(options: CreateWorldsOptions = {}): Worlds {
  // Checked before the registry opens: a bad zone leaves no file or lock behind.
  const timeZone = validateTimeZone(options.timeZone ?? options.defaults?.timeZone ?? DEFAULT_TIME_ZONE);
  const inMemory = (options.db ?? ':memory:') === ':memory:';
  const seedOption = options.seed ?? 1;
  check(Number.isSafeInteger(seedOption), 'seed', 'an integer');
  // A registry in memory starts empty and holds only the worlds this process adds, so it opens
  // with the first of them: a server that has answered nothing but its health has not even
  // loaded SQLite's driver (docs/performance.md). A registry file is opened, and read, now.
  let opened: Registry | null = null;
  const registry = (): Registry => {
    if (opened) return opened;
    const store = openStore(options.db ?? ':memory:', options.durability);
    const saved = store.getMeta<{ seed: number }>('server');
    seed = saved?.seed ?? seed;
    if (!saved) store.tx(() => store.setMeta('server', { seed }));
    opened = {
      store,
      insertWorld: store.db.prepare('INSERT INTO worlds (tenant, seq, file, options) VALUES (?, ?, ?, ?)'),
      deleteWorld: store.db.prepare('DELETE FROM worlds WHERE tenant = ?'),
    };
    return opened;
  };
  let seed = seedOption;
  const fileRegistry = inMemory ? null : registry();
  const folder = inMemory ? null : `${options.db}.worlds`;
  const entries = new Map<string, Entry>();

  function simulatorOptions(tenant: string, worldOptions: WorldOptions, file: string | null) {
    const { clock, ...rest } = worldOptions;
    return {
      ...rest,
      seed: worldOptions.seed ?? deriveSeed(seed, tenant),
      db: file ?? ':memory:',
      ...(options.durability && { durability: options.durability }),
      ...(options.wallClock && { wallClock: options.wallClock }),
      ...(clock && { clock }),
      ...(options.historyRetentionDays !== undefined && {
        historyRetentionDays: options.historyRetentionDays,
      }),
    };
  }

  function open(tenant: string, worldOptions: WorldOptions, file: string | null): Simulator {
    return createSimulator(simulatorOptions(tenant, worldOptions, file));
  }

  // A new world's state depends only on its options (its seed among them) unless its clock
  // follows the wall clock: made once per set of options, on one scratch database for all
  // (a world of its own per reset cost ~4 ms: migrations and ~150 statements), so a reset is
  // an import alone.
  let scratch: Scratch | null = null;
  const freshStates = new Map<string, SimState>();
  function freshState(tenant: string, worldOptions: WorldOptions): SimState {
    const key = JSON.stringify([worldOptions.seed === undefined ? tenant : null, worldOptions]);
    const cacheable = worldOptions.clock?.mode !== 'realtime';
    const cached = cacheable ? freshStates.get(key) : undefined;
    if (cached) return cached;
    scratch ??= openScratch();
    const state = newSimulatorState(simulatorOptions(tenant, worldOptions, null), scratch);
    if (cacheable) {
      if (freshStates.size >= 10_000) freshStates.clear();
      freshStates.set(key, state);
    }
    return state;
  }

  function nextFile(): string | null {
    if (folder === null) return null;
    const { store } = registry();
    const seq = (store.getMeta<number>('worldSeq') ?? 0) + 1;
    store.setMeta('worldSeq', seq);
    mkdirSync(folder, { recursive: true });
    const file = join(folder, `w${seq}.db`);
    // A file left by a crash between registering and removing a world is never reused.
    removeFiles(file);
    return file;
  }

  /** Makes, registers and opens a world; its simulator. */
  function add(tenant: string, worldOptions: WorldOptions, ephemeral: boolean): Simulator {
    const stored = storedOptions(tenant, worldOptions);
    let file: string | null = null;
    if (!ephemeral) {
      const { store, insertWorld } = registry();
      store.tx(() => {
        file = nextFile();
        insertWorld.run(
          tenant,
          store.getMeta<number>('worldSeq') ?? 0,
          file ?? ':memory:',
          JSON.stringify(stored),
        );
      });
    }
    let sim: Simulator;
    try {
      sim = open(tenant, stored, file);
    } catch (error) {
      if (!ephemeral) unregister(tenant);
      throw error;
    }
    entries.set(tenant, { opened: sim, options: stored, ephemeral, file });
    return sim;
  }

  /** What `create` and `reserveWorld` refuse before making anything. */
  function checkNew(tenant: string, worldOptions: WorldOptions): void {
    checkTenant(tenant);
    if (entries.has(tenant)) {
      throw new DrError('TENANT_EXISTS', `Tenant '${tenant}' has a world already.`, { tenant });
    }
    if (worldOptions.seed !== undefined) check(Number.isSafeInteger(worldOptions.seed), 'seed', 'an integer');
  }

  function storedOptions(tenant: string, worldOptions: WorldOptions): WorldOptions {
    return {
      ...worldOptions,
      seed: worldOptions.seed ?? deriveSeed(seed, tenant),
      timeZone: worldOptions.timeZone ?? timeZone,
    };
  }

  /** The entry's simulator, a reserved world's opened (and registered) now. */
  function simOf(tenant: string, entry: Entry): Simulator {
    return entry.opened ?? add(tenant, entry.options, entry.ephemeral);
  }

  function unregister(tenant: string): void {
    const { store, deleteWorld } = registry();
    store.tx(() => deleteWorld.run(tenant));
  }

  function entryOf(tenant: string): Entry {
    const entry = entries.get(tenant);
    if (!entry) throw new DrError('TENANT_NOT_FOUND', `No world of tenant '${tenant}'.`, { tenant });
    return entry;
  }

  function worldOf(tenant: string): Simulator {
    return simOf(tenant, entryOf(tenant));
  }

  function drop(tenant: string): void {
    const entry = entryOf(tenant);
    entries.delete(tenant);
    // A reserved world never opened was never registered either.
    if (!entry.opened) return;
    entry.opened.close();
    if (!entry.ephemeral) unregister(tenant);
    if (entry.file) removeFiles(entry.file);
  }

  // Reopen the registered worlds, then split a database from before worlds, if this is one.
  const rows =
    fileRegistry?.store.db.prepare('SELECT tenant, file, options FROM worlds ORDER BY seq').all() ?? [];
  for (const row of rows as {
    tenant: string;
    file: string;
    options: string;
  }[]) {
    const worldOptions = JSON.parse(row.options) as WorldOptions;
    const file = row.file === ':memory:' ? null : row.file;
    const sim = open(row.tenant, worldOptions, file);
    entries.set(row.tenant, {
      opened: sim,
      // A world registered before zones were stored keeps the zone its database was made with.
      options: { ...worldOptions, timeZone: worldOptions.timeZone ?? sim.clock().timeZone },
      ephemeral: false,
      file,
    });
  }
  const legacy = fileRegistry && legacyState(fileRegistry.store, seed);
  if (fileRegistry && legacy) {
    for (const [tenant, state] of splitByTenant(legacy))
      add(tenant, { timeZone: state.settings.timeZone }, false).importState(state);
    clearLegacy(fileRegistry.store);
  }

  const worlds: Worlds = {
    get seed() {
      return seed;
    },
    get(tenant) {
      checkTenant(tenant);
      const entry = entries.get(tenant);
      return entry ? simOf(tenant, entry) : add(tenant, options.defaults ?? {}, false);
    },
    has: (tenant) => entries.has(tenant),
    create(tenant, { ephemeral = false, ...worldOptions } = {}) {
      checkNew(tenant, worldOptions);
      return add(tenant, worldOptions, ephemeral);
    },
    remove: drop,
    reset(tenant) {
      const entry = entryOf(tenant);
      simOf(tenant, entry).importState(retenant(freshState(tenant, entry.options), tenant));
    },
    list: () =>
      [...entries].map(([tenant, entry]) => ({
        tenant,
        // A reserved world is listed as it will open, without opening it (the realtime ticker
        // lists every world four times a second).
        seed: entry.opened ? entry.opened.seed : (entry.options.seed as number),
        ephemeral: entry.ephemeral,
        clock: entry.opened ? entry.opened.clock() : { ...(entry.clock as ReturnType<Simulator['clock']>) },
      })),
    exportWorld: (tenant) => worldOf(tenant).exportState(),
    importWorld(tenant, state) {
      const entry = entryOf(tenant);
      const tenants = tenantsOf(state);
      if (tenants.size > 1) {
        throw new DrError(
          'VALIDATION_FAILED',
          `state: the document holds the data of ${tenants.size} tenants (${[...tenants].join(', ')}); a world takes one. Import it into the whole server (scope=server) instead.`,
          { field: 'state', tenants: [...tenants] },
        );
      }
      simOf(tenant, entry).importState(retenant(state, tenant));
    },
    exportWorldJson: (tenant) => worldOf(tenant).exportStateJson(),
    exportStateJson: () =>
      serverStateJson(
        seed,
        [...entries].map(([tenant, entry]) => ({
          tenant,
          ephemeral: entry.ephemeral,
          options: entry.options,
          sim: simOf(tenant, entry),
        })),
      ),
    exportState: () => ({
      format: 'drsim-server-state',
      version: 1,
      seed,
      worlds: [...entries].map(([tenant, entry]) => ({
        tenant,
        ephemeral: entry.ephemeral,
        options: entry.options,
        state: simOf(tenant, entry).exportState(),
      })),
    }),
    importState(state) {
      const next = parseServerState(state);
      // Every world is checked (imported into a scratch simulator) before anything is replaced.
      for (const world of next) {
        const scratch = createSimulator();
        try {
          scratch.importState(world.state);
        } catch (error) {
          if (error instanceof DrError) error.details.tenant = world.tenant;
          throw error;
        } finally {
          scratch.close();
        }
      }
      worlds.clear();
      if (state.format === 'drsim-server-state' && Number.isSafeInteger(state.seed)) {
        seed = state.seed;
        const { store } = registry();
        store.tx(() => store.setMeta('server', { seed }));
      }
      for (const world of next) {
        const worldOptions = {
          ...world.options,
          timeZone: world.options.timeZone ?? world.state.settings.timeZone,
        };
        add(world.tenant, worldOptions, world.ephemeral).importState(world.state);
      }
    },
    clear() {
      for (const tenant of [...entries.keys()]) drop(tenant);
    },
    close() {
      for (const entry of entries.values()) entry.opened?.close();
      entries.clear();
      scratch?.store.close();
      scratch = null;
      opened?.store.close();
      opened = null;
    },
  };
  RESERVE.set(worlds, (tenant, worldOptions) => {
    checkNew(tenant, worldOptions);
    if (!inMemory || worldOptions.clock?.mode === 'realtime') {
      add(tenant, worldOptions, false);
      return;
    }
    const stored = storedOptions(tenant, worldOptions);
    // What `createSimulator` checks before it opens anything, and the clock it would start with.
    const init = initialRuntime(simulatorOptions(tenant, stored, null));
    const clock = new VirtualClock({ nowMs: init.startMs, mode: 'manual', speed: init.speed });
    entries.set(tenant, {
      opened: null,
      options: stored,
      ephemeral: false,
      file: null,
      clock: { now: clock.nowIso(), mode: clock.mode, speed: clock.speed, timeZone: init.settings.timeZone },
    });
  });
  return worlds;
}

/** A `drsim-server-state` document's JSON text, each world's state a record at a time. */
export function* serverStateJson(
  seed: number,
  worlds: { tenant: string; ephemeral: boolean; options: WorldOptions; sim: Simulator }[],
): Generator<string> {
  yield `{"format":"drsim-server-state","version":1,"seed":${JSON.stringify(seed)},"worlds":[`;
  let first = true;
  for (const { sim, ...world } of worlds) {
    yield `${first ? '' : ','}${JSON.stringify(world).slice(0, -1)},"state":`;
    yield* sim.exportStateJson();
    yield '}';
    first = false;
  }
  yield ']}';
}

function removeFiles(file: string): void {
  for (const suffix of ['', '-wal', '-shm']) {
    if (existsSync(file + suffix)) rmSync(file + suffix, { force: true });
  }
}

function parseServerState(state: ServerState | SimState): ServerState['worlds'] {
  if (state?.format === 'drsim-state' && state.version === 1) {
    return [...splitByTenant(state)].map(([tenant, world]) => ({
      tenant,
      ephemeral: false,
      options: { seed: world.seed },
      state: world,
    }));
  }
  if (state?.format !== 'drsim-server-state' || state.version !== 1 || !Array.isArray(state.worlds)) {
    throw new DrError(
      'VALIDATION_FAILED',
      "state: expected a document exported by drsim (format 'drsim-server-state' or 'drsim-state', version 1).",
      { field: 'format' },
    );
  }
  const seen = new Set<string>();
  for (const world of state.worlds) {
    checkTenant(world?.tenant);
    if (seen.has(world.tenant)) {
      throw new DrError('VALIDATION_FAILED', `state: tenant '${world.tenant}' appears twice.`, {
        field: 'worlds',
      });
    }
    seen.add(world.tenant);
    if (world.state?.format !== 'drsim-state') {
      throw new DrError('VALIDATION_FAILED', `state: the world of '${world.tenant}' is not a drsim-state.`, {
        field: 'worlds',
      });
    }
  }
  return state.worlds.map((world) => ({
    tenant: world.tenant,
    ephemeral: world.ephemeral === true,
    options: world.options ?? { seed: world.state.seed },
    state: world.state,
  }));
}

type Rows = Record<string, unknown>[];

/** The tenants whose rows a state holds (fault rules for every tenant name none). */
function tenantsOf(state: SimState): Set<string> {
  const tenants = new Set<string>();
  for (const value of Object.values(state)) {
    if (!Array.isArray(value)) continue;
    for (const row of value as Rows) {
      if (typeof row?.tenant === 'string') tenants.add(row.tenant);
    }
  }
  return tenants;
}

/** Every row's tenant becomes `tenant` (the document holds one tenant's data at most). */
function retenant(state: SimState, tenant: string): SimState {
  const copy = structuredClone(state) as unknown as Record<string, unknown>;
  for (const value of Object.values(copy)) {
    if (!Array.isArray(value)) continue;
    for (const row of value as Rows) {
      if (row && typeof row === 'object' && 'tenant' in row) row.tenant = tenant;
    }
  }
  return copy as unknown as SimState;
}

/**
 * One document per tenant from a state that holds several (as written before worlds): each
 * gets its tenant's rows, the files of its servers, the scheduled steps of its jobs, the fault
 * rules for it or for every tenant, and the shared clock, PRNG, settings and counters.
 */
export function splitByTenant(state: SimState): Map<string, SimState> {
  const worlds = new Map<string, SimState>();
  const source = state as unknown as Record<string, unknown>;
  for (const tenant of tenantsOf(state)) {
    const world: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(source)) {
      world[key] =
        Array.isArray(value) &&
        (value as Rows).some((row) => row && typeof row === 'object' && 'tenant' in row)
          ? (value as Rows).filter((row) => row.tenant === tenant || row.tenant === null)
          : structuredClone(value);
    }
    const servers = new Set((world.servers as Rows).map((s) => s.id));
    const jobs = new Set((world.jobs as Rows).map((j) => j.id));
    world.files = (state.files ?? []).filter((f) => servers.has(f.serverId));
    world.schedule = ((state as unknown as { schedule: Rows }).schedule ?? []).filter((s) => {
      const jobId = (s.payload as { jobId?: unknown } | null)?.jobId;
      return jobId === undefined || jobs.has(jobId as string);
    });
    worlds.set(tenant, retenant(structuredClone(world) as unknown as SimState, tenant));
  }
  return worlds;
}

const LEGACY_TABLES = [
  'servers',
  'files',
  'pairs',
  'recovery_points',
  'jobs',
  'faults',
  'events',
  'schedule',
  'idempotency',
] as const;

/** The state a registry file holds from before worlds, or null. */
function legacyState(store: Store, seed: number): SimState | null {
  const { db } = store;
  const any = LEGACY_TABLES.some((table) => db.prepare(`SELECT 1 FROM ${table} LIMIT 1`).get() !== undefined);
  if (!any) return null;
  const ctx = createContext(store, {
    seed,
    startMs: 0,
    settings: { timeZone: 'UTC', progression: { default: 'clock' } },
    mode: 'manual',
    speed: 1,
  });
  const e: Engine = { ctx, st: statements(db), store };
  return exportState(e);
}

function clearLegacy(store: Store): void {
  store.tx(() => {
    for (const table of LEGACY_TABLES) store.db.prepare(`DELETE FROM ${table}`).run();
    store.db.prepare("DELETE FROM meta WHERE key = 'runtime'").run();
  });
}
