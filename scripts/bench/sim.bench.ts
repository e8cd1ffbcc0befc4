/**
 * The `sim` part of `npm run bench` (also `npm run bench:sim`): the simulation goals of issue
 * #14, each beside a floor measured in the same run, as rows of scripts/bench/README.md.
 *
 *   node --import tsx scripts/bench/sim.bench.ts [goal…] [--quick]
 *       goals: pair-days year 10k-pairs tenant-reset scenarios
 *   node --import tsx scripts/bench/sim.bench.ts --scaling   cost against pairs, days, points, tenants
 *
 * `ratio` is drsim's figure divided by the floor's, in the row's unit: for a rate (per second)
 * 0.5 means half the floor's speed; for a time (ms, s) 2 means twice the floor's time.
 * `--quick` runs small sizes; BENCH_PAIRS, BENCH_DAYS (pair-days), BENCH_10K (pairs of the 10k
 * goal), BENCH_TENANTS (tenant-reset) set sizes by hand.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emit, quick, type Row } from './lib.mjs';
import { recordFloor } from './sim-floor.js';
import { replicatingWorld } from './sim-world.js';
import { scenarioCpu, tenantReset } from './sim-worlds.js';

const size = (name: string, full: number, small: number) =>
  Number(process.env[name] ?? (quick ? small : full));
const REPLAY = 'better-sqlite3 replaying the same writes';

const dir = mkdtempSync(join(tmpdir(), 'drsim-bench-sim-'));
const note = (line: string) => process.stderr.write(`${line}\n`);
const round = (n: number, digits = 2) => Number(n.toFixed(digits));

interface Advanced {
  /** Wall ms of the engine's advances, the floor's replay taken out. */
  simMs: number;
  simCpuMs: number;
  floorMs: number;
  floorCpuMs: number;
  writes: number;
  setupMs: number;
}

/** `pairs` replicating pairs advanced `calls` times by `step` (1d); the floor recorded alongside. */
export function advanceRun(
  name: string,
  pairs: number,
  calls: number,
  options: { step?: string; intervalHours?: number; workload?: boolean } = {},
): Advanced {
  const recorder = recordFloor(join(dir, `${name}-floor.db`));
  const { sim, setupMs } = replicatingWorld(join(dir, `${name}.db`), pairs, options);
  recorder.timed = true;
  const step = options.step ?? '1d';
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const excluded0 = recorder.excludedMs;
  const floorCpu0 = recorder.floorCpuMs;
  for (let i = 0; i < calls; i++) sim.advance(step);
  const c = process.cpuUsage(c0);
  const simMs = performance.now() - t0 - (recorder.excludedMs - excluded0);
  const simCpuMs = (c.user + c.system) / 1000 - (recorder.floorCpuMs - floorCpu0);
  recorder.timed = false;
  sim.close();
  recorder.stop();
  rmSync(join(dir, `${name}.db`), { force: true });
  return {
    simMs,
    simCpuMs,
    floorMs: recorder.floorMs,
    floorCpuMs: recorder.floorCpuMs,
    writes: recorder.writes,
    setupMs,
  };
}

const cpuNote = (r: Advanced) =>
  `CPU drsim ${(r.simCpuMs / 1000).toFixed(2)} s, floor ${(r.floorCpuMs / 1000).toFixed(2)} s; ${r.writes.toLocaleString('en')} writes`;

function pairDays(): Row {
  const pairs = size('BENCH_PAIRS', 1000, 100);
  const days = size('BENCH_DAYS', 30, 3);
  const r = advanceRun('pair-days', pairs, days);
  const speed = (pairs * days) / (r.simMs / 1000);
  const floor = (pairs * days) / (r.floorMs / 1000);
  note(
    `pair-days: ${pairs} pairs × ${days} days: setup ${(r.setupMs / 1000).toFixed(1)} s; drsim ${(r.simMs / 1000).toFixed(1)} s (cpu ${(r.simCpuMs / 1000).toFixed(1)} s), floor ${(r.floorMs / 1000).toFixed(1)} s (cpu ${(r.floorCpuMs / 1000).toFixed(1)} s) for ${r.writes} writes`,
  );
  return {
    goal: `${pairs.toLocaleString('en')} pairs × ${days} days`,
    figure: round(speed, 0),
    unit: 'pair-days/s',
    floor: round(floor, 0),
    floorName: REPLAY,
    ratio: round(speed / floor),
    target: '≥ 1,000 pair-days/s (≤ 30 s) and ≥ 0.5× floor',
    met: speed >= 1000 && speed / floor >= 0.5,
    note: `${(r.simMs / 1000).toFixed(1)} s; ${cpuNote(r)}`,
  };
}

function year(): Row {
  const days = quick ? 60 : 365;
  const r = advanceRun('year', 1, 1, { intervalHours: 1, step: `${days}d`, workload: false });
  note(
    `year: 1 pair, 1-hour interval, no workload, one advance of ${days} days: drsim ${r.simMs.toFixed(0)} ms (cpu ${r.simCpuMs.toFixed(0)} ms), floor ${r.floorMs.toFixed(0)} ms for ${r.writes} writes`,
  );
  return {
    goal:
      days === 365 ? 'a year of one pair (1-hour interval)' : `${days} days of one pair (1-hour interval)`,
    figure: round(r.simMs / 1000, 3),
    unit: 's',
    floor: round(r.floorMs / 1000, 3),
    floorName: REPLAY,
    ratio: round(r.simMs / r.floorMs),
    target: '≤ 1 s',
    met: r.simMs <= 1000,
    note: cpuNote(r),
  };
}

function tenThousand(): Row {
  const pairs = size('BENCH_10K', 10_000, 500);
  const r = advanceRun('10k', pairs, 1);
  note(
    `10k: ${pairs} pairs, one day: setup ${(r.setupMs / 1000).toFixed(1)} s; drsim ${(r.simMs / 1000).toFixed(1)} s (cpu ${(r.simCpuMs / 1000).toFixed(1)} s), floor ${(r.floorMs / 1000).toFixed(1)} s for ${r.writes} writes`,
  );
  return {
    goal: `${pairs.toLocaleString('en')} pairs: one simulated day`,
    figure: round(r.simMs / 1000),
    unit: 's',
    floor: round(r.floorMs / 1000),
    floorName: REPLAY,
    ratio: round(r.simMs / r.floorMs),
    target: '≤ 15 s',
    met: r.simMs <= 15_000,
    note: `setup ${(r.setupMs / 1000).toFixed(0)} s (not timed); ${cpuNote(r)}`,
  };
}

const GOALS: Record<string, () => Row | Promise<Row>> = {
  'pair-days': pairDays,
  year,
  '10k-pairs': tenThousand,
  'tenant-reset': () => tenantReset(size('BENCH_TENANTS', 1000, 50)),
  scenarios: scenarioCpu,
};

async function scaling(): Promise<void> {
  // CPU columns beside the wall ones: on a shared machine the wall times carry the others' load.
  const table: string[] = [
    '| dimension | size | drsim | floor (same writes) | ratio | drsim CPU | floor CPU | CPU per unit | writes per unit |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const line = (dim: string, size: string, r: Advanced, pairDays: number) =>
    table.push(
      `| ${dim} | ${size} | ${r.simMs.toFixed(0)} ms | ${r.floorMs.toFixed(0)} ms | ${(r.simMs / r.floorMs).toFixed(2)} | ${r.simCpuMs.toFixed(0)} ms | ${r.floorCpuMs.toFixed(0)} ms | ${((r.simCpuMs / pairDays) * 1000).toFixed(0)} µs/pair-day | ${(r.writes / pairDays).toFixed(0)} |`,
    );
  for (const pairs of [100, 300, 1000]) {
    line('pairs (1 day)', String(pairs), advanceRun(`scale-p${pairs}`, pairs, 1), pairs);
  }
  for (const days of [1, 3, 10]) {
    line('simulated days (100 pairs)', String(days), advanceRun(`scale-d${days}`, 100, days), 100 * days);
  }
  // Points kept per pair grow with a shorter interval (more aligned points survive retention).
  for (const interval of [12, 4, 1]) {
    const r = advanceRun(`scale-i${interval}`, 100, 3, { intervalHours: interval });
    line('recovery points (100 pairs × 3 days, interval h)', `${interval} h`, r, 300);
  }
  for (const tenants of [10, 100, 1000]) {
    const row = await tenantReset(tenants);
    table.push(
      `| tenants (reset one) | ${tenants} | ${row.figure} ms | ${row.floor} ms | ${row.ratio} | — | — | per reset | — |`,
    );
  }
  process.stdout.write(`${table.join('\n')}\n`);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  try {
    if (args.includes('--scaling')) return await scaling();
    const named = args.filter((a) => !a.startsWith('--'));
    const chosen = named.length > 0 ? named : Object.keys(GOALS);
    for (const name of chosen) {
      const goal = GOALS[name];
      if (!goal) throw new Error(`unknown goal ${name}; goals: ${Object.keys(GOALS).join(', ')}`);
      emit(await goal());
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
