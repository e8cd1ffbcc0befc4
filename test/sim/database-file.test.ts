/**
 * The database file: one simulator at a time holds it, a database from an older drsim is
 * migrated, one from a newer drsim is refused naming its version, and a database that an
 * older drsim let an import break (an impossible clock, empty counters) still opens and works.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createSimulator, DatabaseInUseError, DatabaseTooNewError } from '../../src/sim/index.js';
import { MIGRATIONS } from '../../src/sim/schema.js';
import { createMain, expectChecksPass, TENANT } from './support/world.js';

const dir = mkdtempSync(join(tmpdir(), 'drsim-dbfile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const dbFile = () => join(dir, `db-${++files}.db`);

describe('one simulator per database file', () => {
  it('refuses a second simulator on the same file until the first closes', () => {
    const file = dbFile();
    const first = createSimulator({ db: file });
    try {
      createMain(first, 'web-01');
      expect(() => createSimulator({ db: file })).toThrow(DatabaseInUseError);
      expect(() => createSimulator({ db: file })).toThrow(/in use by another drsim process/);
      // The first is unharmed.
      createMain(first, 'web-02');
      expect(first.listServers(TENANT).items).toHaveLength(2);
    } finally {
      first.close();
    }
    const second = createSimulator({ db: file });
    try {
      expect(second.listServers(TENANT).items).toHaveLength(2);
    } finally {
      second.close();
    }
  });
});

describe('schema versions', () => {
  it('refuses a database from a newer drsim, naming its schema version', () => {
    const file = dbFile();
    createSimulator({ db: file }).close();
    const raw = new Database(file);
    raw.pragma(`user_version = ${MIGRATIONS.length + 3}`);
    raw.close();
    const open = () => createSimulator({ db: file });
    expect(open).toThrow(DatabaseTooNewError);
    expect(open).toThrow(new RegExp(`schema version ${MIGRATIONS.length + 3}, written by a newer drsim`));
  });

  it('migrates an empty database of schema version 0', () => {
    const file = dbFile();
    new Database(file).close();
    const sim = createSimulator({ db: file });
    try {
      createMain(sim, 'web-01');
      expect(sim.listServers(TENANT).items).toHaveLength(1);
    } finally {
      sim.close();
    }
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    raw.close();
  });
});

describe('a database broken by an older drsim', () => {
  it.each([
    ['a clock of "garbage"', { nowMs: 'garbage', mode: 'manual', speed: 1 }],
    ['a clock of 1e20', { nowMs: 1e20, mode: 'warp', speed: -1 }],
  ])('opens with %s and empty counters, and keeps working', (_label, clock) => {
    const file = dbFile();
    const sim = createSimulator({ db: file });
    createMain(sim, 'web-01');
    sim.advance('1h');
    sim.close();
    const raw = new Database(file);
    const runtime = JSON.parse(
      (raw.prepare("SELECT value FROM meta WHERE key = 'runtime'").get() as { value: string }).value,
    );
    raw
      .prepare("UPDATE meta SET value = ? WHERE key = 'runtime'")
      .run(JSON.stringify({ ...runtime, clock, counters: {} }));
    raw.close();

    const reopened = createSimulator({ db: file });
    try {
      expect(reopened.clock()).toMatchObject({ now: '2026-01-05T00:00:00.000Z', mode: 'manual', speed: 1 });
      createMain(reopened, 'web-02');
      reopened.advance('1h');
      expect(reopened.listServers(TENANT).items.map((s) => s.name)).toEqual(['web-01', 'web-02']);
      expectChecksPass(reopened, 'after the repair');
    } finally {
      reopened.close();
    }
  });
});
