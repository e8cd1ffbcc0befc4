/**
 * Part "scale": list pages of a tenant holding 10,000 pairs (1,000 with `--quick`; BENCH_LIST_PAIRS
 * sets it), served by the built CLI (`bin/drsim.js serve --db FILE`) under autocannon, 50
 * connections, beside floors started in the same run (floors/hono-list.mjs): Hono answering the
 * same pages from memory, and Hono + better-sqlite3 reading them from a table of every pair.
 *
 * The world is seeded in this process through the engine's public API (servers, attach, Start
 * Replication, three simulated hours) into the server's database file, which `drsim serve` then
 * opens. Rows: the first page (`GET /v1/dr-pairs?limit=100`) and the deep pages (every later
 * page, by its cursor, each connection walking them in turn), p99 against ≤ 20 ms, beside the
 * memory floor; then every page while the world's clock runs in realtime, beside the SQLite
 * floor: the clock moves every 250 ms, each move makes every cached page stale, and a page is
 * then re-rendered with its pairs' new `rpoSeconds` (built from the rows again only when the
 * world's content changed: at speed 1 a replication tick every 15 minutes).
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { createWorlds } from '../../src/sim/index.js';
import type { DrPair } from '../../src/sim/types.js';
import { cpuMs, drsimServeArgs, emit, log, quick, spawnServer, stopChild } from './lib.mjs';
import { addPairs } from './sim-world.js';

const PAIRS = Number(process.env.BENCH_LIST_PAIRS ?? (quick ? 1_000 : 10_000));
const LIMIT = 100;
const CONNECTIONS = 50;
const WARMUP_S = quick ? 1 : 2;
/**
 * Each server is first loaded with every page for this long: a freshly started drsim answers
 * its first few thousand requests several times slower (its bundle is still being compiled and
 * optimised), which a 1–2 s warm-up does not absorb.
 */
const START_WARMUP_S = quick ? 4 : 8;
const DURATION_S = quick ? 3 : 10;
const TENANT = 'bench';

interface Figures {
  rps: number;
  p99: number;
  bad: number;
  cpuUs: number;
}
interface Target {
  child: ChildProcess;
  url: string;
}

/**
 * autocannon fires from a worker thread: its isolate's heap holds only the client, so its own
 * collections stay short. On the main thread, beside what seeding left, they took 170–350 ms of
 * each 10 s load with pauses up to 54 ms (2026-12-03), delaying every response in flight, drsim's
 * and the floors' alike.
 */
const options = (target: Target, paths: string[]): autocannon.Options => ({
  url: target.url,
  workers: 1,
  connections: CONNECTIONS,
  headers: { authorization: `Bearer ${TENANT}`, accept: 'application/json' },
  requests: paths.map((path) => ({ method: 'GET', path })),
});

/** Load not counted: JIT, caches. */
const warm = async (target: Target, paths: string[], seconds: number) => {
  await autocannon({ ...options(target, paths), duration: seconds });
};

async function load(target: Target, paths: string[]): Promise<Figures> {
  await warm(target, paths, WARMUP_S);
  const before = cpuMs(target.child.pid);
  const result = await autocannon({ ...options(target, paths), duration: DURATION_S });
  return {
    rps: result.requests.average,
    p99: result.latency.p99,
    bad: result.non2xx + result.errors,
    cpuUs: ((cpuMs(target.child.pid) - before) * 1000) / Math.max(1, result.requests.total),
  };
}

/** The server's database with PAIRS replicating pairs in one tenant (1-hour interval, 3 h of points). */
function seed(db: string): { ms: number; cpuMs: number } {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const worlds = createWorlds({ db, defaults: { progression: { default: 'immediate' } } });
  const sim = worlds.get(TENANT);
  addPairs(sim, TENANT, PAIRS, 1, false);
  sim.advance('3h');
  worlds.close();
  const c = process.cpuUsage(c0);
  return { ms: performance.now() - t0, cpuMs: (c.user + c.system) / 1000 };
}

/** Every page's path, first to last, following nextCursor. */
async function pagePaths(url: string): Promise<{ paths: string[]; pairs: DrPair[] }> {
  const paths: string[] = [];
  const pairs: DrPair[] = [];
  let cursor: string | null = null;
  do {
    const path: string = `/v1/dr-pairs?limit=${LIMIT}${cursor ? `&cursor=${cursor}` : ''}`;
    const response = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${TENANT}` } });
    const page = (await response.json()) as { items: DrPair[]; nextCursor: string | null };
    paths.push(path);
    pairs.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return { paths, pairs };
}

const floorPaths = (pages: number) =>
  Array.from(
    { length: pages },
    (_, k) =>
      `/v1/dr-pairs?limit=${LIMIT}${k === 0 ? '' : `&cursor=${Buffer.from(String(k * LIMIT)).toString('base64url')}`}`,
  );

const badNote = (f: Figures) => (f.bad > 0 ? `; ${f.bad} non-2xx/errors` : '');
const cpuNote = (f: Figures, floor: Figures) =>
  `server CPU per request ${Math.round(f.cpuUs)} µs vs floor ${Math.round(floor.cpuUs)} µs (${(f.cpuUs / floor.cpuUs).toFixed(1)}×)`;

async function setClock(target: Target, body: { mode: string; speed?: number }): Promise<void> {
  const response = await fetch(`${target.url}/_sim/clock`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${TENANT}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`PUT /_sim/clock: ${response.status} ${await response.text()}`);
}

const show = (name: string, f: Figures) =>
  log(
    `  ${name.padEnd(32)} ${Math.round(f.rps).toString().padStart(7)} req/s  p99 ${f.p99} ms  ${Math.round(f.cpuUs)} µs CPU/req${f.bad ? `  (${f.bad} non-2xx/errors)` : ''}`,
  );

const children: ChildProcess[] = [];
const workDir = mkdtempSync(join(tmpdir(), 'drsim-bench-scale-'));
try {
  const db = join(workDir, 'server.db');
  log(`seeding ${PAIRS.toLocaleString('en')} pairs in one tenant …`);
  const seeded = seed(db);
  log(`  seeded in ${(seeded.ms / 1000).toFixed(1)} s (CPU ${(seeded.cpuMs / 1000).toFixed(1)} s)`);
  const drsim = await spawnServer(drsimServeArgs(db), '/_sim/health', 120_000);
  children.push(drsim.child);
  const { paths, pairs } = await pagePaths(drsim.url);
  if (pairs.length !== PAIRS) throw new Error(`the list holds ${pairs.length} pairs, not ${PAIRS}`);
  const dataFile = join(workDir, 'floor-data.json');
  writeFileSync(dataFile, JSON.stringify({ pairs, limit: LIMIT }));
  pairs.length = 0; // the floors read them from the file; this process keeps only the client
  const memory = await spawnServer(
    ['scripts/bench/floors/hono-list.mjs', 'memory', '{port}', dataFile],
    '/v1/dr-pairs',
    120_000,
  );
  children.push(memory.child);
  const sqlite = await spawnServer(
    ['scripts/bench/floors/hono-list.mjs', 'sqlite', '{port}', dataFile],
    '/v1/dr-pairs',
    120_000,
  );
  children.push(sqlite.child);
  const floorPages = floorPaths(paths.length);
  log(`warming each server up with every page (${START_WARMUP_S} s)`);
  await warm(drsim, paths, START_WARMUP_S);
  await warm(memory, floorPages, START_WARMUP_S);
  await warm(sqlite, floorPages, START_WARMUP_S);

  const cases = [
    { name: 'first page', drsim: paths.slice(0, 1), floor: floorPages.slice(0, 1) },
    { name: 'deep pages (cursor)', drsim: paths.slice(1), floor: floorPages.slice(1) },
  ];
  for (const c of cases) {
    log(`GET /v1/dr-pairs?limit=${LIMIT}, ${c.name}: ${c.drsim.length} path(s), ${PAIRS} pairs`);
    const mine = await load(drsim, c.drsim);
    show('drsim', mine);
    const mem = await load(memory, c.floor);
    show('floor: Hono from memory', mem);
    const sql = await load(sqlite, c.floor);
    show('floor: Hono + better-sqlite3', sql);
    emit({
      goal: `GET list ${c.name} p99 (${PAIRS.toLocaleString('en')} pairs, ${CONNECTIONS} connections)`,
      figure: mine.p99,
      unit: 'ms',
      floor: mem.p99,
      floorName: 'Hono, c.json of the same pages from memory',
      target: '≤ 20 ms',
      met: mine.p99 <= 20 && mine.bad === 0,
      note: `${Math.round(mine.rps)} req/s vs floor ${Math.round(mem.rps)} req/s; ${cpuNote(mine, mem)}; Hono + better-sqlite3 reading the page: p99 ${sql.p99} ms, ${Math.round(sql.cpuUs)} µs CPU per request; seeding ${(seeded.cpuMs / 1000).toFixed(1)} s CPU${badNote(mine)}`,
    });
  }

  // A clock following the wall clock moves every 250 ms, and every cached page is then stale: the
  // server re-renders it with the clock's time (its pairs' rpoSeconds), or builds it from the rows
  // when the world's content changed since.
  log(`GET /v1/dr-pairs?limit=${LIMIT}, every page, realtime clock (pages stale every 250 ms)`);
  await setClock(drsim, { mode: 'realtime', speed: 1 });
  const built = await load(drsim, paths);
  await setClock(drsim, { mode: 'manual' });
  show('drsim', built);
  const builtFloor = await load(sqlite, floorPages);
  show('floor: Hono + better-sqlite3', builtFloor);
  emit({
    goal: `GET list pages p99, realtime clock (${PAIRS.toLocaleString('en')} pairs, ${CONNECTIONS} connections)`,
    figure: built.p99,
    unit: 'ms',
    floor: builtFloor.p99,
    floorName: 'Hono + better-sqlite3 reading each page',
    target: '≤ 20 ms',
    met: built.p99 <= 20 && built.bad === 0,
    note: `${Math.round(built.rps)} req/s vs floor ${Math.round(builtFloor.rps)} req/s; ${cpuNote(built, builtFloor)}${badNote(built)}`,
  });
} finally {
  for (const child of children) await stopChild(child);
  rmSync(workDir, { recursive: true, force: true });
}
