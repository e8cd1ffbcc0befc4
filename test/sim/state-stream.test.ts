/**
 * Export and snapshots a record at a time: the streamed JSON is byte for byte the document
 * `exportState` returns (across the reader's batch boundaries), a snapshot is stored one row per
 * record and restores to the same state, and a snapshot saved by an older drsim (one JSON text)
 * still restores.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createSimulator } from '../../src/sim/index.js';
import { attachMain, createMain, expectChecksPass, TENANT } from './support/world.js';

function busy(db?: string) {
  const sim = createSimulator({ seed: 9, ...(db ? { db } : {}) });
  const main = createMain(sim, 'web-01');
  sim.setWorkload(TENANT, main.id, 3);
  const pair = attachMain(sim, main.id);
  sim.act(TENANT, pair.id, { action: 'startReplication', shadowName: 'web-01-dr', intervalHours: 1 });
  sim.advance('1d');
  return { sim, pair };
}

describe('streamed export and snapshots', () => {
  it('writes the same bytes as the whole document, a record at a time', () => {
    const { sim } = busy();
    sim.advance('2d');
    const whole = JSON.stringify(sim.exportState());
    const pieces = [...sim.exportStateJson()];
    expect(pieces.join('')).toBe(whole);
    // More records than one read batch (1000), and no piece is more than one record.
    const state = sim.exportState();
    expect(state.files.length).toBeGreaterThan(1000);
    expect(pieces.length).toBeGreaterThan(state.files.length + state.events.length);
    expect(whole.length).toBeGreaterThan(200_000);
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThan(5_000);
    sim.close();
  });

  it('stores a snapshot one row per record and restores it exactly', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'drsim-snap-')), 'world.db');
    const { sim } = busy(file);
    const saved = JSON.stringify(sim.exportState());
    sim.saveSnapshot('day-one');
    sim.advance('6h');
    expect(JSON.stringify(sim.exportState())).not.toBe(saved);
    sim.restoreSnapshot('day-one');
    expect(JSON.stringify(sim.exportState())).toBe(saved);
    expectChecksPass(sim, 'after the restore');
    const records = sim.exportState().files.length;
    sim.close();

    const raw = new Database(file);
    const parts = raw
      .prepare(
        "SELECT count(*) AS n, max(length(data)) AS longest FROM snapshot_parts WHERE name = 'day-one'",
      )
      .get() as { n: number; longest: number };
    expect(parts.n).toBeGreaterThan(records);
    expect(parts.longest).toBeLessThan(100_000);
    expect(raw.prepare("SELECT state FROM snapshots WHERE name = 'day-one'").pluck().get()).toBe('');
    // A snapshot as an older drsim saved it: the whole state as one JSON text.
    raw.prepare("INSERT INTO snapshots (name, created_at_ms, state) VALUES ('legacy', 0, ?)").run(saved);
    raw.close();

    const reopened = createSimulator({ db: file });
    reopened.advance('1h');
    reopened.restoreSnapshot('legacy');
    expect(JSON.stringify(reopened.exportState())).toBe(saved);
    reopened.deleteSnapshot('day-one');
    expect(reopened.listSnapshots().map((s) => s.name)).toEqual(['legacy']);
    reopened.close();
    const after = new Database(file);
    expect(after.prepare('SELECT count(*) FROM snapshot_parts').pluck().get()).toBe(0);
    after.close();
  });
});
