/**
 * Where a replication tick's time goes, per pair-tick (one pair's share of one 15-minute tick):
 * the budget of the `pair-days` goal is 1,000 pair-days/s = 96,000 pair-ticks/s, 10.4 µs each.
 *
 *   node --import tsx scripts/bench/tick-cost.ts [--pairs N] [--days D]
 *
 * 1. The engine (the `pair-days` world of sim.bench.ts, default 1,000 pairs × 2 days) with every
 *    better-sqlite3 statement's CPU (process.cpuUsage around each call) summed by its SQL: count
 *    and µs per pair-tick of each, their sum, and the rest of the CPU (drsim's JavaScript, GC).
 *    The wrapper's own CPU (two getrusage calls a statement) lands partly in each side.
 * 2. The minimal statements a tick must run in this layout, alone, on a store opened like the
 *    engine's (openStore): the packed point-event row every pair writes each tick, with and
 *    without its `events_pair` index, and in memory; beside the 10.4 µs budget.
 * Not part of `npm run bench` (no goal of its own): a measured account of what remains.
 */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openStore } from '../../src/sim/store.js';
import { replicatingWorld } from './sim-world.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const PAIRS = arg('pairs', 1000);
const DAYS = arg('days', 2);
const TICKS_PER_DAY = 96;
const BUDGET_US = 1e6 / (1000 * TICKS_PER_DAY);
const cpuMs = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1000;
const dir = tmpdir();

type Method = (this: Database.Statement, ...args: unknown[]) => unknown;
const probe = new Database(':memory:');
const proto = Object.getPrototypeOf(probe.prepare('SELECT 1')) as Record<string, Method>;
probe.close();

function engineAccount(): void {
  const stats = new Map<string, { n: number; us: number }>();
  let timing = false;
  const originals = new Map<string, Method>();
  for (const m of ['run', 'get', 'all', 'iterate']) {
    const original = proto[m]!;
    originals.set(m, original);
    proto[m] = function timed(this: Database.Statement, ...args: unknown[]) {
      if (!timing) return original.apply(this, args);
      const t = process.cpuUsage();
      const result = original.apply(this, args);
      const used = process.cpuUsage(t);
      const key = `${m} ${this.source.replace(/\s+/g, ' ').slice(0, 90)}`;
      const s = stats.get(key) ?? { n: 0, us: 0 };
      s.n++;
      s.us += used.user + used.system;
      stats.set(key, s);
      return result;
    };
  }
  const file = join(dir, `drsim-tick-cost-${process.pid}.db`);
  const { sim } = replicatingWorld(file, PAIRS);
  timing = true;
  const c0 = process.cpuUsage();
  for (let d = 0; d < DAYS; d++) sim.advance('1d');
  const cpu = cpuMs(process.cpuUsage(c0));
  timing = false;
  sim.close();
  for (const [m, original] of originals) proto[m] = original;
  rmSync(file, { force: true });
  const pairTicks = PAIRS * DAYS * TICKS_PER_DAY;
  const perTick = (us: number) => us / pairTicks;
  let statementUs = 0;
  const lines: string[] = [];
  for (const [sql, s] of [...stats].sort((a, b) => b[1].us - a[1].us)) {
    statementUs += s.us;
    if (perTick(s.us) < 0.01) continue;
    lines.push(
      `| ${(s.n / pairTicks).toFixed(3)} | ${(s.us / s.n).toFixed(1)} | ${perTick(s.us).toFixed(2)} | \`${sql}\` |`,
    );
  }
  const total = (cpu * 1000) / pairTicks;
  const inStatements = perTick(statementUs);
  process.stdout.write(
    [
      `## The engine: ${PAIRS} pairs × ${DAYS} days (${pairTicks.toLocaleString('en')} pair-ticks)`,
      '',
      `CPU ${total.toFixed(2)} µs per pair-tick (budget ${BUDGET_US.toFixed(1)} µs): statements ${inStatements.toFixed(2)} µs, the rest (JavaScript, GC) ${(total - inStatements).toFixed(2)} µs.`,
      '',
      '| per pair-tick | µs each | µs per pair-tick | statement |',
      '|---:|---:|---:|---|',
      ...lines,
      '',
    ].join('\n'),
  );
}

/** The point-event row every pair stores each tick, `rows` times over `pairs` pairs. */
function eventRows(label: string, file: string, dropIndex: boolean): string {
  if (file !== ':memory:') rmSync(file, { force: true });
  const db = openStore(file).db;
  if (dropIndex) db.exec('DROP INDEX events_pair');
  const insert = db.prepare(
    'INSERT INTO events (seq, at_ms, tenant, pair_id, kind, data) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const pairs = Array.from({ length: PAIRS }, (_, i) => `dr-${((i * 2654435761) % 2 ** 32).toString(36)}`);
  const id = (n: number) => `rp-${n.toString(36).padStart(10, '0')}`;
  const rows = PAIRS * DAYS * TICKS_PER_DAY;
  const c0 = process.cpuUsage();
  let seq = 0;
  for (let day = 0; day < DAYS; day++) {
    db.exec('BEGIN');
    for (let t = 0; t < TICKS_PER_DAY; t++) {
      for (let p = 0; p < PAIRS; p++) {
        seq += 2;
        const data = `[{"recoveryPointId":"${id(seq)}","dataVersion":${t}},{"recoveryPointId":"${id(seq - 2 * PAIRS)}","reason":"interval"}]`;
        insert.run(seq, 1.8e12 + seq, 'bench', pairs[p], 'recoveryPoint.created+deleted', data);
      }
    }
    db.exec('COMMIT');
  }
  const us = (cpuMs(process.cpuUsage(c0)) * 1000) / rows;
  db.close();
  if (file !== ':memory:') rmSync(file, { force: true });
  return `| ${label} | ${us.toFixed(2)} | ${((100 * us) / BUDGET_US).toFixed(0)} % |`;
}

engineAccount();
process.stdout.write(
  [
    `## The minimal statement: one packed point-event row per pair-tick (${PAIRS} pairs × ${DAYS} days, one transaction a day)`,
    '',
    '| store | µs CPU per row | of the 10.4 µs budget |',
    '|---|---:|---:|',
    eventRows('file, WAL, as the engine opens it', join(dir, `drsim-tick-rows-${process.pid}.db`), false),
    eventRows('file, without the events_pair index', join(dir, `drsim-tick-rows-${process.pid}.db`), true),
    eventRows('in memory', ':memory:', false),
    '',
  ].join('\n'),
);
