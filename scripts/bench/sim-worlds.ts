/**
 * The many-worlds goals: tenant reset with many tenants on one server, and the scenario
 * library's CPU per run in-process.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenarios } from '../../src/scenarios/discover.js';
import { planRuns } from '../../src/scenarios/plan.js';
import { runScenario } from '../../src/scenarios/runner.js';
import { inProcessTarget } from '../../src/scenarios/targets.js';
import { createSimulator, createWorlds } from '../../src/sim/index.js';
import { STATE_TABLES } from '../../src/sim/state-io.js';
import { openStore } from '../../src/sim/store.js';
import type { Row } from './lib.mjs';
import { recordFloor } from './sim-floor.js';
import { addPairs } from './sim-world.js';

const REPLAY_NAME = 'better-sqlite3 replaying the same writes';
const note = (line: string) => process.stderr.write(`${line}\n`);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const cpuMs = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1000;
/** This process's resident memory (MB) and open file descriptors (Linux /proc). */
const rssMb = () =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? Number.NaN) / 1024;
const openFiles = () => readdirSync('/proc/self/fd').length;
const round = (n: number, digits = 2) => Number(n.toFixed(digits));
/** What each tenant's world holds before it is reset: one pair replicating for six hours. */
const POPULATE = (sim: ReturnType<typeof createSimulator>, tenant: string) => {
  addPairs(sim, tenant, 1, 1);
  sim.advance('6h');
};

/**
 * `tenants` worlds on one file-backed server (each world its own database file), each with one
 * pair replicating for six hours; the figure is the median wall time of resetting one of them.
 * The floor: plain better-sqlite3 on a database holding the same world's rows, deleting every
 * row and writing the runtime row in one transaction.
 */
export async function tenantReset(tenants: number): Promise<Row> {
  const dir = mkdtempSync(join(tmpdir(), 'drsim-bench-worlds-'));
  try {
    const rss0 = rssMb();
    const fds0 = openFiles();
    const t0 = performance.now();
    const worlds = createWorlds({
      db: join(dir, 'server.db'),
      defaults: { progression: { default: 'immediate' } },
    });
    for (let i = 0; i < tenants; i++) POPULATE(worlds.get(`t${i}`), `t${i}`);
    const setupMs = performance.now() - t0;
    const perWorld = `${(((rssMb() - rss0) * 1024) / tenants).toFixed(0)} KB RSS and ${((openFiles() - fds0) / tenants).toFixed(1)} open files per world`;
    const samples = Math.min(tenants, 41);
    const times: number[] = [];
    const cpu: number[] = [];
    for (let i = 0; i < samples; i++) {
      const tenant = `t${Math.floor((i * tenants) / samples)}`;
      const r0 = performance.now();
      const c0 = process.cpuUsage();
      worlds.reset(tenant);
      cpu.push(cpuMs(process.cpuUsage(c0)));
      times.push(performance.now() - r0);
    }
    worlds.close();
    const floorTimes: number[] = [];
    for (let i = 0; i < samples; i++) {
      const file = join(dir, `floor-${i}.db`);
      const twin = createSimulator({ db: file, progression: { default: 'immediate' } });
      POPULATE(twin, 'twin');
      twin.close();
      const { db } = openStore(file);
      const deletes = STATE_TABLES.map((t) => db.prepare(`DELETE FROM ${t}`));
      const meta = db.prepare("UPDATE meta SET value = ? WHERE key = 'runtime'");
      const f0 = performance.now();
      db.transaction(() => {
        for (const d of deletes) d.run();
        meta.run('{}');
      }).immediate();
      floorTimes.push(performance.now() - f0);
      db.close();
    }
    const figure = median(times);
    const floor = median(floorTimes);
    note(
      `tenant-reset: ${tenants} tenants (setup ${(setupMs / 1000).toFixed(1)} s; ${perWorld}): reset median ${figure.toFixed(2)} ms (max ${Math.max(...times).toFixed(1)}, CPU median ${median(cpu).toFixed(2)} ms), floor median ${floor.toFixed(2)} ms`,
    );
    return {
      goal: `${tenants.toLocaleString('en')} tenants: reset one`,
      figure: round(figure),
      unit: 'ms',
      floor: round(floor),
      floorName: 'better-sqlite3 deleting the same rows',
      ratio: round(figure / floor),
      target: '≤ 5 ms',
      met: figure <= 5,
      note: `CPU median ${median(cpu).toFixed(2)} ms; ${samples} resets; ${perWorld}`,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Every scenario of the library once, in-process, one after another; the figure is the median
 * CPU time of a run. The floor: the same run's writes replayed by plain better-sqlite3 on an
 * in-memory database (sim-floor.ts), median over the runs.
 */
export async function scenarioCpu(): Promise<Row> {
  const { scenarios, problems } = loadScenarios(['scenarios']);
  if (problems.length > 0) throw new Error(`scenario library: ${JSON.stringify(problems[0])}`);
  const units = planRuns(scenarios);
  const target = inProcessTarget();
  // One warm-up run: module loading and JIT are start-up costs, not a run's.
  await runScenario(units[0]!, target);
  const cpu: number[] = [];
  const floor: number[] = [];
  let failed = 0;
  for (const unit of units) {
    const recorder = recordFloor(':memory:');
    recorder.timed = true;
    const c0 = process.cpuUsage();
    const result = await runScenario(unit, target);
    const spent = cpuMs(process.cpuUsage(c0)) - recorder.floorCpuMs;
    recorder.stop();
    if (result.status !== 'passed') failed++;
    cpu.push(spent);
    floor.push(recorder.floorCpuMs);
  }
  const figure = median(cpu);
  const floorMedian = median(floor);
  const total = cpu.reduce((a, b) => a + b, 0);
  note(
    `scenarios: ${units.length} runs (${failed} not passed), CPU median ${figure.toFixed(1)} ms, max ${Math.max(...cpu).toFixed(0)} ms, total ${(total / 1000).toFixed(2)} s; floor median ${floorMedian.toFixed(2)} ms`,
  );
  return {
    goal: `scenario library: median run CPU (${units.length} runs)`,
    figure: round(figure, 1),
    unit: 'ms',
    floor: round(floorMedian, 2),
    floorName: REPLAY_NAME,
    ratio: round(figure / floorMedian, 1),
    target: '≤ 50 ms',
    met: figure <= 50,
  };
}
