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
import {
  PACKED_JOB_EVENTS,
  PACKED_JOB_EVENTS_V1,
  stepsFromText,
  unpackJobEvents,
} from '../../src/sim/rows.js';
import { MIGRATIONS } from '../../src/sim/schema.js';
import { openStore } from '../../src/sim/store.js';
import { jobEventsTextV1, stepsTextV1 } from './support/rows-v1.js';
import { attachMain, createMain, expectChecksPass, START, stateJson, TENANT, TEST } from './support/world.js';

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

describe('a new database', () => {
  const schemaOf = (db: Database.Database) => ({
    version: db.pragma('user_version', { simple: true }),
    objects: db.prepare('SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name').all(),
  });
  const migratedOneByOne = () => {
    const raw = new Database(':memory:');
    MIGRATIONS.forEach((sql, index) => {
      raw.exec(sql);
      raw.pragma(`user_version = ${index + 1}`);
    });
    const schema = schemaOf(raw);
    raw.close();
    return schema;
  };

  it('has the schema the migrations end with, run one at a time, in memory and in a file', () => {
    const expected = migratedOneByOne();
    for (const file of [':memory:', dbFile()]) {
      const store = openStore(file);
      try {
        expect(schemaOf(store.db), file).toEqual(expected);
      } finally {
        store.close();
      }
    }
  });

  it('in memory, starts empty whatever another in-memory database holds', () => {
    const first = createSimulator();
    const second = createSimulator();
    try {
      createMain(first, 'web-01');
      expect(second.listServers(TENANT).items).toHaveLength(0);
      const third = createSimulator();
      expect(third.listServers(TENANT).items).toHaveLength(0);
      third.close();
      expect(first.listServers(TENANT).items).toHaveLength(1);
    } finally {
      first.close();
      second.close();
    }
  });
});

describe('a database of schema version 9', () => {
  it("reads its jobs' steps and packed events, stored with every word spelt out, as they were", () => {
    const file = dbFile();
    const sim = createSimulator({ db: file, seed: 3 });
    const pair = attachMain(sim, createMain(sim, 'web-01').id);
    sim.act(TENANT, pair.id, START);
    sim.advance('2h');
    sim.act(TENANT, pair.id, { action: 'stopReplication' });
    sim.act(TENANT, pair.id, { action: 'resumeReplication' });
    const fault = sim.addFault({ target: 'stopReplication', effect: { kind: 'fail' } });
    expect(sim.act(TENANT, pair.id, { action: 'stopReplication' }).status).toBe('FAILED');
    sim.removeFault(fault.id);
    sim.act(TENANT, pair.id, TEST);
    sim.advance('1h');
    const reads = (s: typeof sim) => ({
      state: stateJson(s),
      history: s.history(TENANT, pair.id, { limit: 500 }),
      jobs: s.listJobs(TENANT, pair.id, { limit: 500 }),
    });
    const written = reads(sim);
    sim.close();

    // The rows as drsim wrote them before migration 10.
    const raw = new Database(file);
    const jobs = raw.prepare('SELECT id, steps, created_at_ms FROM jobs').all() as {
      id: string;
      steps: string;
      created_at_ms: number;
    }[];
    const setSteps = raw.prepare('UPDATE jobs SET steps = ? WHERE id = ?');
    for (const job of jobs)
      setSteps.run(stepsTextV1(stepsFromText(job.steps, job.created_at_ms) as object[]), job.id);
    const packed = raw.prepare('SELECT seq, data FROM events WHERE kind = ?').all(PACKED_JOB_EVENTS) as {
      seq: number;
      data: string;
    }[];
    const setEvents = raw.prepare('UPDATE events SET kind = ?, data = ? WHERE seq = ?');
    for (const row of packed) {
      setEvents.run(
        PACKED_JOB_EVENTS_V1,
        jobEventsTextV1(...unpackJobEvents(PACKED_JOB_EVENTS, row.data)),
        row.seq,
      );
    }
    expect(jobs.length).toBeGreaterThan(3);
    expect(packed.length).toBe(2);
    raw.pragma('user_version = 9');
    raw.close();

    const reopened = createSimulator({ db: file });
    try {
      expect(reads(reopened)).toEqual(written);
      reopened.act(TENANT, pair.id, { action: 'stopReplication' });
      expectChecksPass(reopened, 'after a stop on the migrated database');
    } finally {
      reopened.close();
    }
    const after = new Database(file, { readonly: true });
    expect(after.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(after.prepare('SELECT count(*) FROM events WHERE kind = ?').pluck().get(PACKED_JOB_EVENTS)).toBe(
      1,
    );
    after.close();
  });
});

describe('a database of schema version 10', () => {
  it('loses files_version and bills the bytes written between points as before', () => {
    // Billing's fallback (bytes written since the point before, read from the files) runs after
    // a reopen and after API writes: the same calls on a database that stays open bill the same.
    const calls = (sim: ReturnType<typeof createSimulator>, reopen: () => typeof sim) => {
      const main = createMain(sim, 'web-01');
      sim.setWorkload(TENANT, main.id, 2);
      const pair = attachMain(sim, main.id);
      sim.act(TENANT, pair.id, START);
      sim.advance('2h');
      sim.writeFile(TENANT, main.id, 'data/big.txt', 'x'.repeat(900_000));
      sim.advance('20m');
      const again = reopen();
      again.writeFile(TENANT, main.id, 'data/big.txt', 'y'.repeat(800_000));
      again.writeFile(TENANT, main.id, 'data/other.txt', 'z'.repeat(700_000));
      again.advance('3h');
      return again;
    };
    const open = createSimulator({ seed: 5 });
    const stayed = calls(open, () => open);
    const file = dbFile();
    let reopened = createSimulator({ db: file, seed: 5 });
    reopened = calls(reopened, () => {
      reopened.close();
      const raw = new Database(file);
      raw.exec('CREATE INDEX files_version ON files (server_id, version)');
      raw.pragma('user_version = 10');
      raw.close();
      return createSimulator({ db: file });
    });
    try {
      const usage = reopened.usage(TENANT, null);
      expect(usage).toEqual(stayed.usage(TENANT, null));
      expect(JSON.stringify(usage)).toContain('transmission');
      expect(stateJson(reopened)).toBe(stateJson(stayed));
    } finally {
      reopened.close();
      stayed.close();
    }
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(raw.prepare("SELECT name FROM sqlite_master WHERE name = 'files_version'").all()).toEqual([]);
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
