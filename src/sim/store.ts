/**
 * The SQLite connection: opening (WAL for files), migrating, and one transaction per state
 * change. Every engine mutation runs inside `store.tx`, so a crash loses nothing acknowledged
 * and never leaves half a change behind.
 *
 * One process per database file: the connection takes SQLite's exclusive lock when it opens
 * (`locking_mode = EXCLUSIVE`) and holds it until it closes. The lock is an OS file lock, so the
 * operating system releases it when the process dies, a SIGKILL included; a second simulator on
 * the same file is refused at once with `DatabaseInUseError` instead of corrupting it.
 */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import type Database from 'better-sqlite3';
import { DatabaseInUseError, DatabaseTooNewError } from './database-errors.js';
import { MIGRATIONS } from './schema.js';

export type Db = Database.Database;

/**
 * better-sqlite3, loaded with the first database: its JavaScript is CommonJS, which Node's ESM
 * loader lexes for its exports before running it, ~10 ms of every start of `drsim serve` and
 * `startDrsim()` that have not opened a world by their first answer (docs/performance.md).
 */
let driver: typeof Database | undefined;
function sqlite(): typeof Database {
  driver ??= createRequire(import.meta.url)('better-sqlite3') as typeof Database;
  return driver;
}

export interface Store {
  db: Db;
  file: string;
  /** Runs `fn` in one transaction (nested calls join the outer one). */
  tx<T>(fn: () => T): T;
  getMeta<T>(key: string): T | undefined;
  setMeta(key: string, value: unknown): void;
  /** `setMeta` with the value already as JSON text. */
  setMetaJson(key: string, json: string): void;
  close(): void;
}

/**
 * `process` (default): every committed transaction survives the process being killed (SIGKILL),
 * the failure a simulator meets; the OS, not a disk flush, holds it. `power`: also survives the
 * machine losing power, at the cost of a disk flush per transaction (several times slower here).
 */
export type Durability = 'process' | 'power';

export function openStore(file: string, durability: Durability = 'process'): Store {
  if (file !== ':memory:') mkdirSync(dirname(resolve(file)), { recursive: true });
  // No busy timeout: with the exclusive lock nobody else ever holds the file, and a second
  // opener should be told at once rather than after a wait.
  const db = new (sqlite())(file, { timeout: 0 });
  if (file !== ':memory:') {
    try {
      // Before WAL is entered, so WAL keeps its index in memory (no shared -shm file).
      db.pragma('locking_mode = EXCLUSIVE');
      db.pragma('journal_mode = WAL');
      db.exec('BEGIN EXCLUSIVE; COMMIT');
    } catch (error) {
      db.close();
      if ((error as { code?: string }).code === 'SQLITE_BUSY') throw new DatabaseInUseError(file);
      throw error;
    }
    db.pragma(durability === 'power' ? 'synchronous = FULL' : 'synchronous = OFF');
    // Fewer, larger checkpoints: the WAL is the hot path of a long simulation.
    db.pragma('wal_autocheckpoint = 10000');
  }
  db.pragma('cache_size = -65536');
  db.pragma('foreign_keys = OFF');
  try {
    migrate(db, file);
  } catch (error) {
    db.close();
    throw error;
  }
  const getMeta = db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?');
  const setMeta = db.prepare(
    'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  );
  // One transaction wrapper for every call: better-sqlite3 builds several functions per
  // `db.transaction()`, which was a measurable part of a small write.
  const inTransaction = db.transaction((fn: () => unknown) => fn());
  return {
    db,
    file,
    tx: <T>(fn: () => T) => (db.inTransaction ? fn() : (inTransaction.immediate(fn) as T)),
    getMeta: <T>(key: string) => {
      const row = getMeta.get(key);
      return row ? (JSON.parse(row.value) as T) : undefined;
    },
    setMeta: (key, value) => {
      setMeta.run(key, JSON.stringify(value));
    },
    setMetaJson: (key, json) => {
      setMeta.run(key, json);
    },
    close: () => {
      if (db.open) db.close();
    },
  };
}

/** Runs the migrations a database written by an older drsim lacks; refuses a newer one. */
function migrate(db: Db, file: string): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) throw new DatabaseTooNewError(file, current, MIGRATIONS.length);
  if (current > 0) {
    runMigrations(db, current);
    return;
  }
  // A new database: the schema the migrations end with, in one transaction.
  db.transaction(() => {
    db.exec(schemaText());
    db.pragma(`user_version = ${MIGRATIONS.length}`);
  })();
}

function runMigrations(db: Db, from: number): void {
  MIGRATIONS.slice(from).forEach((sql, index) => {
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${from + index + 1}`);
    })();
  });
}

/**
 * The schema the migrations end with, read once per process from an empty database they ran
 * on: a new database is given it in one transaction instead of the migrations one transaction
 * each (~2 ms of every new simulator, and the scenario runner makes one per run;
 * docs/performance.md, "Scenario runs"). Not a copy of that database's image
 * (`sqlite3_deserialize`, ten times faster to open): an in-memory database opened from an image
 * lives in SQLite's memdb file, a buffer of the whole database beside the page cache (+50 %
 * resident for 100 MB of rows) that stops growing at 1 GB.
 */
let finalSchema: string | undefined;
function schemaText(): string {
  if (finalSchema === undefined) {
    const db = new (sqlite())(':memory:');
    try {
      runMigrations(db, 0);
      // In creation order, so that each index follows its table; automatic indexes have no text.
      const texts = db
        .prepare<[], string>('SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid')
        .pluck()
        .all();
      finalSchema = texts.join(';\n');
    } finally {
      db.close();
    }
  }
  return finalSchema;
}

/**
 * `db.prepare`, each statement prepared once per database and kept: for code that runs on every
 * tick or metered event, where preparing a statement costs more than running it. A kept
 * statement must not be run again while one of its `iterate()` loops is open.
 */
const PREPARED = new WeakMap<Database.Database, Map<string, Database.Statement>>();
export function preparedOnce(db: Database.Database): Pick<Database.Database, 'prepare'> {
  let statements = PREPARED.get(db);
  if (!statements) {
    statements = new Map();
    PREPARED.set(db, statements);
  }
  const cache = statements;
  return {
    prepare: ((source: string) => {
      let statement = cache.get(source);
      if (!statement) {
        statement = db.prepare(source);
        cache.set(source, statement);
      }
      return statement;
    }) as Database.Database['prepare'],
  };
}
