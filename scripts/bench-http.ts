/**
 * `npm run bench:http`: how fast the served drsim answers, measured beside floors from the same
 * run on the same machine, so the figures mean something whatever machine runs them. Each server
 * is a child process on loopback, loaded by autocannon (50 connections, 2 s warm-up, 10 s):
 *
 * - `GET /v1/dr-pairs?limit=100` with 100 pairs, against a bare Hono app answering the same
 *   JSON from memory (`c.json`) and one reading the same rows with better-sqlite3;
 * - `GET /v1/jobs/{id}` while jobs progress on a realtime clock (and, to tell the two costs
 *   apart, with the clock stopped), against the memory floor;
 * - actions (stop-replication / resume-replication alternately, one pair per connection),
 *   against a better-sqlite3 floor that writes a job row and updates the pair per request;
 * - the startup time of `node bin/drsim.js serve` (the built CLI `npm start` runs) to its
 *   first answer (median of 5), and
 *   drsim's peak memory (VmHWM) over the whole run.
 *
 * The same file is the floors' program: `bench-http.ts floor-memory|floor-sqlite PORT DATA`.
 * Not part of `npm test`; about two and a half minutes.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { createClient, type DrsimClient } from '../src/client/index.js';
import type { DrPair, Job, Page } from '../src/sim/types.js';

const HOST = '127.0.0.1';
const CONNECTIONS = 50;
const WARMUP_S = 2;
const DURATION_S = 10;
const PAIRS = 100;
/** Jobs polled in the job benchmark, and pairs restarted so those jobs are running. */
const POLLED_JOBS = 50;
/** Simulated seconds per wall second while jobs are polled: a restart takes ~10 simulated minutes. */
const REALTIME_SPEED = 30;
const STARTUP_RUNS = 5;
const TOKEN = 'bench';

const TARGETS = { getRatio: 0.5, p99Ms: 20, actionRatio: 1, startupMs: 200, peakMb: 120 };

const SCRIPT = fileURLToPath(import.meta.url);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
// The built bundle, as `npm start` runs it: startup and memory without compiling TypeScript.
const DRSIM_BIN = join(ROOT, 'bin', 'drsim.js');

interface FloorData {
  pairsPage: Page<DrPair>;
  jobs: Job[];
}

// ------------------------------------------------------------------ floors (child processes)

async function runFloor(kind: string, port: number, dataFile: string): Promise<void> {
  const { Hono } = await import('hono');
  const { serve } = await import('@hono/node-server');
  const data = JSON.parse(readFileSync(dataFile, 'utf8')) as FloorData;
  const app = new Hono();

  if (kind === 'floor-memory') {
    const jobs = new Map(data.jobs.map((job) => [job.id, job]));
    app.get('/v1/dr-pairs', (c) => c.json(data.pairsPage));
    app.get('/v1/jobs/:id', (c) => {
      const job = jobs.get(c.req.param('id'));
      return job ? c.json(job) : c.json({ code: 'JOB_NOT_FOUND' }, 404);
    });
  } else {
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(':memory:');
    db.pragma('journal_mode = WAL');
    db.exec(`CREATE TABLE pairs (seq INTEGER PRIMARY KEY, id TEXT UNIQUE, tenant TEXT, status TEXT, body TEXT);
             CREATE TABLE jobs (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT UNIQUE, pair_id TEXT, body TEXT);`);
    const insertPair = db.prepare('INSERT INTO pairs (id, tenant, status, body) VALUES (?, ?, ?, ?)');
    db.transaction(() => {
      for (const pair of data.pairsPage.items)
        insertPair.run(pair.id, TOKEN, pair.status, JSON.stringify(pair));
    })();
    const pairsPage = db.prepare<[string, number, number], { seq: number; body: string }>(
      'SELECT seq, body FROM pairs WHERE tenant = ? AND seq > ? ORDER BY seq LIMIT ?',
    );
    const pairById = db.prepare<[string], { body: string }>('SELECT body FROM pairs WHERE id = ?');
    const updatePair = db.prepare('UPDATE pairs SET status = ?, body = ? WHERE id = ?');
    const insertJob = db.prepare('INSERT INTO jobs (id, pair_id, body) VALUES (?, ?, ?)');
    let nextJob = 0;
    const act = db.transaction((pairId: string, action: string) => {
      const row = pairById.get(pairId);
      if (!row) return null;
      const pair = JSON.parse(row.body) as DrPair;
      pair.status = action === 'stop-replication' ? 'PAUSED' : 'REPLICATING';
      updatePair.run(pair.status, JSON.stringify(pair), pair.id);
      const job = {
        id: `job-${++nextJob}`,
        type: action,
        pairId,
        status: 'SUCCEEDED',
        steps: [],
        error: null,
      };
      insertJob.run(job.id, pairId, JSON.stringify(job));
      return job;
    });
    app.get('/v1/dr-pairs', (c) => {
      const limit = Number(c.req.query('limit') ?? 50);
      const rows = pairsPage.all(TOKEN, 0, limit);
      return c.json({ items: rows.map((row) => JSON.parse(row.body)), nextCursor: null });
    });
    app.post('/v1/dr-pairs/:id/:action', async (c) => {
      const job = act(c.req.param('id'), c.req.param('action'));
      return job ? c.json(job, 202) : c.json({ code: 'PAIR_NOT_FOUND' }, 404);
    });
  }
  serve({ fetch: app.fetch, port, hostname: HOST });
}

// ------------------------------------------------------------------ processes

interface Child {
  name: string;
  process: ChildProcess;
  url: string;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitUntilUp(url: string, child: ChildProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: the process exited with ${child.exitCode}`);
    try {
      const response = await fetch(url);
      await response.arrayBuffer();
      if (response.status < 500) return;
    } catch {
      // Not listening yet.
    }
    await sleep(2);
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

function spawnDrsim(port: number): ChildProcess {
  return spawn(
    process.execPath,
    [DRSIM_BIN, 'serve', '--port', String(port), '--db', ':memory:', '--log-level', 'error'],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] },
  );
}

async function startDrsimChild(): Promise<Child> {
  const port = await freePort();
  const child = spawnDrsim(port);
  const url = `http://${HOST}:${port}`;
  await waitUntilUp(`${url}/_sim/health`, child);
  return { name: 'drsim', process: child, url };
}

async function startFloor(kind: 'floor-memory' | 'floor-sqlite', dataFile: string): Promise<Child> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, kind, String(port), dataFile], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://${HOST}:${port}`;
  await waitUntilUp(`${url}/v1/dr-pairs?limit=1`, child);
  return { name: kind, process: child, url };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(5_000)]);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

/** Peak resident memory of a process, in MB (Linux: VmHWM in /proc/<pid>/status). */
function peakMemoryMb(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const match = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match?.[1] ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

// ------------------------------------------------------------------ measurements

interface Figures {
  rps: number;
  p99: number;
  non2xx: number;
  errors: number;
}

type Requests = NonNullable<autocannon.Options['requests']>;

async function load(
  url: string,
  requests: Requests,
  setupClient?: (client: autocannon.Client) => void,
): Promise<Figures> {
  const options: autocannon.Options & { warmup: { connections: number; duration: number } } = {
    url,
    connections: CONNECTIONS,
    duration: DURATION_S,
    warmup: { connections: CONNECTIONS, duration: WARMUP_S },
    headers: { authorization: `Bearer ${TOKEN}`, accept: 'application/json' },
    requests,
    ...(setupClient ? { setupClient } : {}),
  };
  const result = await autocannon(options);
  return {
    rps: result.requests.average,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

/** Wall time from spawning `drsim serve` to its first successful answer, median of several runs. */
async function measureStartup(): Promise<{ median: number; runs: number[]; bareNode: number }> {
  const runs: number[] = [];
  for (let i = 0; i < STARTUP_RUNS; i++) {
    const port = await freePort();
    const started = performance.now();
    const child = spawnDrsim(port);
    await waitUntilUp(`http://${HOST}:${port}/_sim/health`, child);
    runs.push(performance.now() - started);
    await stop(child);
  }
  // What this machine takes to start node at all: the part of the figure drsim cannot win back.
  const bare: number[] = [];
  for (let i = 0; i < STARTUP_RUNS; i++) {
    const started = performance.now();
    const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    await new Promise((resolve) => child.once('exit', resolve));
    bare.push(performance.now() - started);
  }
  return { median: median(runs), runs, bareNode: median(bare) };
}

/** 100 replicating pairs with a few recovery points each, as a tenant would have them. */
async function seed(client: DrsimClient): Promise<DrPair[]> {
  await client.sim.setProgression({ default: 'immediate' });
  const pairs: DrPair[] = [];
  for (let i = 0; i < PAIRS; i++) {
    const name = `web-${String(i).padStart(3, '0')}`;
    const server = await client.servers.create({
      name,
      region: 'HCM-3',
      files: { 'etc/hostname': name, 'srv/app/config.json': JSON.stringify({ replica: i }) },
    });
    const pair = await client.pairs.attach({
      mainServerId: server.id,
      shadow: { region: 'HAN-1', vpcId: 'vpc-dr', subnetId: 'subnet-dr-a' },
    });
    await client.pairs.startReplication(pair.id, { shadowName: `${name}-shadow`, intervalHours: 1 });
    pairs.push(pair);
  }
  await client.sim.advance('3h');
  await client.sim.setProgression({ default: 'clock' });
  return pairs;
}

// ------------------------------------------------------------------ report

const fmt = (value: number, digits = 0) =>
  Number.isFinite(value)
    ? value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : 'n/a';
const verdict = (ok: boolean) => (ok ? 'ok  ' : 'MISS');

function row(name: string, figures: Figures): string {
  const bad = figures.non2xx + figures.errors;
  return `  ${name.padEnd(44)} ${fmt(figures.rps).padStart(9)} req/s   p99 ${fmt(figures.p99, 1).padStart(6)} ms${
    bad > 0 ? `   (${bad} non-2xx/errors)` : ''
  }`;
}

// ------------------------------------------------------------------ main

async function main(): Promise<void> {
  const began = performance.now();
  const children: ChildProcess[] = [];
  const workDir = mkdtempSync(join(tmpdir(), 'drsim-bench-'));
  const cleanUp = async () => {
    await Promise.all(children.map(stop));
    rmSync(workDir, { recursive: true, force: true });
  };
  process.once('SIGINT', () => void cleanUp().then(() => process.exit(130)));

  try {
    console.log(
      `drsim HTTP bench: ${CONNECTIONS} connections, ${WARMUP_S} s warm-up + ${DURATION_S} s per run, loopback\n`,
    );
    process.stdout.write('startup (node bin/drsim.js serve → first answer) ... ');
    const startup = await measureStartup();
    console.log(
      `median ${fmt(startup.median)} ms (runs: ${startup.runs.map((ms) => fmt(ms)).join(', ')}; bare \`node -e 0\`: ${fmt(startup.bareNode)} ms)`,
    );

    const drsim = await startDrsimChild();
    children.push(drsim.process);
    const client = createClient({ baseUrl: drsim.url, token: TOKEN });
    process.stdout.write(`seeding ${PAIRS} pairs ... `);
    const pairs = await seed(client);
    const pairsPage = await client.pairs.list({ limit: PAIRS });
    if (pairsPage.items.length !== PAIRS)
      throw new Error(`expected ${PAIRS} pairs, got ${pairsPage.items.length}`);
    console.log(`${pairsPage.items.filter((pair) => pair.status === 'REPLICATING').length} replicating`);

    // Jobs that will be running while they are polled.
    const restarts: Job[] = [];
    for (const pair of pairs.slice(0, POLLED_JOBS))
      restarts.push(await client.pairs.restartReplication(pair.id));
    const dataFile = join(workDir, 'floor-data.json');
    writeFileSync(dataFile, JSON.stringify({ pairsPage, jobs: restarts } satisfies FloorData));

    const memoryFloor = await startFloor('floor-memory', dataFile);
    children.push(memoryFloor.process);
    const sqliteFloor = await startFloor('floor-sqlite', dataFile);
    children.push(sqliteFloor.process);

    console.log('\nGET /v1/dr-pairs?limit=100 (100 pairs)');
    const listPath = `/v1/dr-pairs?limit=${PAIRS}`;
    const listReq: Requests = [{ method: 'GET', path: listPath }];
    const listDrsim = await load(drsim.url, listReq);
    console.log(row('drsim', listDrsim));
    const listMemory = await load(memoryFloor.url, listReq);
    console.log(row('floor: Hono + c.json from memory', listMemory));
    const listSqlite = await load(sqliteFloor.url, listReq);
    console.log(row('floor: Hono + better-sqlite3 rows', listSqlite));

    console.log(`\nGET /v1/jobs/{id} (${POLLED_JOBS} jobs running, realtime clock at ${REALTIME_SPEED}×)`);
    const jobReq: Requests = restarts.map((job) => ({ method: 'GET', path: `/v1/jobs/${job.id}` }));
    await client.sim.setClock({ mode: 'realtime', speed: REALTIME_SPEED });
    const simBefore = (await client.sim.clock()).now;
    const jobsDrsim = await load(drsim.url, jobReq);
    await client.sim.setClock({ mode: 'manual' });
    const simAfter = (await client.sim.clock()).now;
    const progressed = await Promise.all(restarts.map((job) => client.jobs.get(job.id)));
    console.log(row('drsim', jobsDrsim));
    console.log(
      `    (simulated ${simBefore.slice(11, 19)} → ${simAfter.slice(11, 19)}; jobs now ${summarize(progressed.map((job) => job.status))})`,
    );
    const jobsStill = await load(drsim.url, jobReq);
    console.log(row('drsim, clock stopped (HTTP + read only)', jobsStill));
    const jobsMemory = await load(memoryFloor.url, jobReq);
    console.log(row('floor: Hono + c.json from memory', jobsMemory));

    // Every pair replicating again, and actions complete as they are made, so stop and resume alternate cleanly.
    await client.sim.advance('2h');
    await client.sim.setProgression({ default: 'immediate' });
    const notReplicating = (await client.pairs.list({ limit: PAIRS })).items.filter(
      (p) => p.status !== 'REPLICATING',
    );
    if (notReplicating.length > 0)
      throw new Error(`${notReplicating.length} pairs are not replicating before the action run`);

    console.log('\nPOST stop-replication / resume-replication, alternately (one pair per connection)');
    const pairIds = pairs.map((pair) => pair.id);
    const actionsDrsim = await load(drsim.url, [{}], actionCycle(pairIds));
    console.log(row('drsim', actionsDrsim));
    const actionsSqlite = await load(sqliteFloor.url, [{}], actionCycle(pairIds));
    console.log(row('floor: Hono + better-sqlite3 write per action', actionsSqlite));
    const checks = await client.sim.checks();

    const peak = peakMemoryMb(drsim.process.pid);
    const floorPeaks = [memoryFloor, sqliteFloor].map(
      (f) => `${f.name} ${fmt(peakMemoryMb(f.process.pid) ?? Number.NaN)} MB`,
    );

    console.log('\nAgainst the targets');
    const lines: [boolean, string][] = [
      [
        listDrsim.rps / listMemory.rps >= TARGETS.getRatio,
        `GET pairs req/s vs memory floor    ${fmt(listDrsim.rps / listMemory.rps, 2)}×   (target ≥ ${TARGETS.getRatio}×; vs sqlite floor ${fmt(listDrsim.rps / listSqlite.rps, 2)}×)`,
      ],
      [
        listDrsim.p99 < TARGETS.p99Ms,
        `GET pairs p99                      ${fmt(listDrsim.p99 / TARGETS.p99Ms, 2)}×   of ${TARGETS.p99Ms} ms (${fmt(listDrsim.p99, 1)} ms)`,
      ],
      [
        jobsDrsim.rps / jobsMemory.rps >= TARGETS.getRatio,
        `GET job req/s vs memory floor      ${fmt(jobsDrsim.rps / jobsMemory.rps, 2)}×   (target ≥ ${TARGETS.getRatio}×)`,
      ],
      [
        jobsDrsim.p99 < TARGETS.p99Ms,
        `GET job p99                        ${fmt(jobsDrsim.p99 / TARGETS.p99Ms, 2)}×   of ${TARGETS.p99Ms} ms (${fmt(jobsDrsim.p99, 1)} ms)`,
      ],
      [
        actionsDrsim.rps / actionsSqlite.rps >= TARGETS.actionRatio,
        `actions req/s vs sqlite write floor ${fmt(actionsDrsim.rps / actionsSqlite.rps, 2)}×   (target ≥ ${TARGETS.actionRatio}×)`,
      ],
      [
        actionsDrsim.p99 < TARGETS.p99Ms,
        `actions p99                        ${fmt(actionsDrsim.p99 / TARGETS.p99Ms, 2)}×   of ${TARGETS.p99Ms} ms (${fmt(actionsDrsim.p99, 1)} ms)`,
      ],
      [
        startup.median < TARGETS.startupMs,
        `startup, median of ${STARTUP_RUNS}               ${fmt(startup.median / TARGETS.startupMs, 2)}×   of ${TARGETS.startupMs} ms (${fmt(startup.median)} ms)`,
      ],
      [
        peak !== null && peak < TARGETS.peakMb,
        `drsim peak memory (VmHWM)          ${peak === null ? 'n/a' : `${fmt(peak / TARGETS.peakMb, 2)}×`}   of ${TARGETS.peakMb} MB (${peak === null ? 'n/a' : `${fmt(peak)} MB`}; ${floorPeaks.join(', ')})`,
      ],
      [checks.ok, `invariant checkers after the run   ${checks.ok ? 'all ok' : 'VIOLATED'}`],
    ];
    for (const [ok, line] of lines) console.log(`  ${verdict(ok)} ${line}`);
    console.log(`\n(${fmt((performance.now() - began) / 1000)} s in all)`);
  } finally {
    await cleanUp();
  }
}

/**
 * Gives each connection its own pair (the warm-up's connections take the first ones, the run's
 * the next), alternating stop and resume so every action is allowed when it arrives.
 */
function actionCycle(pairIds: string[]): (client: autocannon.Client) => void {
  let next = 0;
  return (client) => {
    const pairId = pairIds[next++ % pairIds.length];
    const request = (action: string) => ({
      method: 'POST' as const,
      path: `/v1/dr-pairs/${pairId}/${action}`,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: '{}',
    });
    client.setRequests([request('stop-replication'), request('resume-replication')]);
  };
}

function summarize(statuses: string[]): string {
  const counts = new Map<string, number>();
  for (const status of statuses) counts.set(status, (counts.get(status) ?? 0) + 1);
  return [...counts].map(([status, n]) => `${n} ${status}`).join(', ');
}

const [mode, port, dataFile] = process.argv.slice(2);
if (mode === 'floor-memory' || mode === 'floor-sqlite') {
  await runFloor(mode, Number(port), String(dataFile));
} else {
  await main();
}
