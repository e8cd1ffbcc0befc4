/**
 * The SQLite connection: opening (WAL for files), migrating, and one transaction per state
 * change. Every engine mutation runs inside `store.tx`, so a crash loses nothing acknowledged
 * and never leaves half a change behind.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS } from './schema.js';

export type Db = Database.Database;

export interface Store {
  db: Db;
  file: string;
  /** Runs `fn` in one transaction (nested calls join the outer one). */
  tx<T>(fn: () => T): T;
  getMeta<T>(key: string): T | undefined;
  setMeta(key: string, value: unknown): void;
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
  const db = new Database(file);
  if (file !== ':memory:') {
    db.pragma('journal_mode = WAL');
    db.pragma(durability === 'power' ? 'synchronous = FULL' : 'synchronous = OFF');
    // Fewer, larger checkpoints: the WAL is the hot path of a long simulation.
    db.pragma('wal_autocheckpoint = 10000');
  }
  db.pragma('cache_size = -65536');
  db.pragma('foreign_keys = OFF');
  migrate(db);
  const getMeta = db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?');
  const setMeta = db.prepare(
    'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  );
  return {
    db,
    file,
    tx: (fn) => (db.inTransaction ? fn() : db.transaction(fn).immediate()),
    getMeta: <T>(key: string) => {
      const row = getMeta.get(key);
      return row ? (JSON.parse(row.value) as T) : undefined;
    },
    setMeta: (key, value) => {
      setMeta.run(key, JSON.stringify(value));
    },
    close: () => {
      if (db.open) db.close();
    },
  };
}

function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(
      `database schema version ${current} is newer than this drsim knows (${MIGRATIONS.length})`,
    );
  }
  MIGRATIONS.slice(current).forEach((sql, index) => {
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${current + index + 1}`);
    })();
  });
}
