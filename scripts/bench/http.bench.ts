/**
 * Part "http": the served drsim (`bin/drsim.js serve --db :memory:`) under autocannon (50
 * connections, loopback, client and server on the same machine), beside floors started in the
 * same run (floors/hono-http.mjs): Hono answering from memory, and Hono + better-sqlite3 doing one
 * write transaction per request. 100 replicating pairs in one tenant, 50 jobs running.
 *
 * Rows: pair actions and creates vs the SQLite write floor (≥ 0.5×, p99 ≤ 25 ms); job reads vs
 * the memory floor (≥ 0.5×); GET list p99 (≤ 20 ms); peak RSS vs the Hono+SQLite line (≤ 1.3×);
 * RSS growth over a soak of mixed reads and actions (≤ 10 %).
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { createClient } from '../../src/client/index.js';
import type { Job } from '../../src/sim/types.js';
import {
  cpuMs,
  drsimServeArgs,
  emit,
  log,
  peakRssMb,
  quick,
  rssMb,
  sleep,
  spawnServer,
  stopChild,
} from './lib.mjs';
import { BENCH_TOKEN, seedPairs } from './seed-pairs.js';

const CONNECTIONS = 50;
const WARMUP_S = quick ? 1 : 2;
const DURATION_S = quick ? 3 : 10;
const SOAK_S = quick ? 15 : 60;
const PAIRS = 100;
const POLLED_JOBS = 50;
/** Simulated seconds per wall second while jobs are polled: a restart takes ~10 simulated minutes. */
const REALTIME_SPEED = 30;
const TOKEN = BENCH_TOKEN;

interface Figures {
  rps: number;
  p99: number;
  bad: number;
  /** Server CPU time per request (µs): what the load costs the server, whatever else runs. */
  cpuUs: number;
}
type Requests = NonNullable<autocannon.Options['requests']>;
interface Target {
  child: ChildProcess;
  url: string;
}

/** A write's two rows (throughput against the floor, p99 against 25 ms), as the goals state them. */
function emitWriteRows(name: string, drsim: Figures, floor: Figures): void {
  const rows = [
    [`${name} req/s`, drsim.rps, floor.rps, '≥ 0.5× floor', drsim.rps / floor.rps >= 0.5],
    [`${name} p99`, drsim.p99, floor.p99, '≤ 25 ms', drsim.p99 <= 25],
  ] as const;
  for (const [goal, figure, floorFigure, target, met] of rows) {
    emit({
      goal,
      figure,
      unit: goal.endsWith('p99') ? 'ms' : 'req/s',
      floor: floorFigure,
      floorName: 'Hono + better-sqlite3, one write transaction',
      target,
      met: met && drsim.bad === 0,
      note: `${cpuNote(drsim, floor)}${badNote(drsim)}`,
    });
  }
}

async function load(
  target: Target,
  requests: Requests,
  setupClient?: (client: autocannon.Client) => void,
  duration = DURATION_S,
  onMeasured?: () => void,
): Promise<Figures> {
  const options: autocannon.Options = {
    url: target.url,
    connections: CONNECTIONS,
    headers: {
      authorization: `Bearer ${TOKEN}`,
      accept: 'application/json',
      'content-type': 'application/json',
    },
    requests,
    ...(setupClient ? { setupClient } : {}),
  };
  await autocannon({ ...options, duration: WARMUP_S }); // JIT and caches; not counted
  onMeasured?.();
  const before = cpuMs(target.child.pid);
  const result = await autocannon({ ...options, duration });
  const cpuUs = ((cpuMs(target.child.pid) - before) * 1000) / Math.max(1, result.requests.total);
  return {
    rps: result.requests.average,
    p99: result.latency.p99,
    bad: result.non2xx + result.errors,
    cpuUs,
  };
}

/** Each connection its own pair, alternating stop and resume so every action is allowed. */
function actionCycle(pairIds: string[]): (client: autocannon.Client) => void {
  let next = 0;
  return (client) => {
    const pairId = pairIds[next++ % pairIds.length];
    const request = (action: string) => ({
      method: 'POST' as const,
      path: `/v1/dr-pairs/${pairId}/${action}`,
      body: '{}',
    });
    client.setRequests([request('stop-replication'), request('resume-replication')]);
  };
}

const CREATE: Requests = [
  { method: 'POST', path: '/v1/servers', body: JSON.stringify({ name: 'bench-web', region: 'HCM-3' }) },
];

const show = (name: string, f: Figures) =>
  log(
    `  ${name.padEnd(34)} ${Math.round(f.rps).toString().padStart(7)} req/s  p99 ${f.p99} ms  ${Math.round(f.cpuUs)} µs CPU/req${f.bad ? `  (${f.bad} non-2xx/errors)` : ''}`,
  );
const badNote = (f: Figures) => (f.bad > 0 ? `; ${f.bad} non-2xx/errors` : '');
/** Server CPU per request beside the floor's: the load-independent view of the same run. */
const cpuNote = (f: Figures, floor: Figures) =>
  `server CPU per request ${Math.round(f.cpuUs)} µs vs floor ${Math.round(floor.cpuUs)} µs (${(f.cpuUs / floor.cpuUs).toFixed(1)}×)`;

interface Soak extends Figures {
  /** RSS growth, %: the highest sample of the last 5 s against the highest of the first 5 s. */
  growth: number;
  startMb: number;
  endMb: number;
  /** Actions (stop or resume) served in the measured time. */
  actions: number;
}

/** The soak's mix, each connection its own pair so stop and resume always alternate on it. */
async function soakOn(target: Target, pairIds: string[], listReq: Requests, jobReq: Requests): Promise<Soak> {
  const samples: number[] = [];
  let sampler: ReturnType<typeof setInterval> | undefined;
  const startSampling = () => {
    samples.push(rssMb(target.child.pid));
    sampler = setInterval(() => samples.push(rssMb(target.child.pid)), 1000);
  };
  let next = 0;
  const figures = await load(
    target,
    [{}],
    (c) => {
      const id = pairIds[next++ % pairIds.length];
      c.setRequests([
        listReq[0]!,
        { method: 'POST', path: `/v1/dr-pairs/${id}/stop-replication`, body: '{}' },
        jobReq[next % jobReq.length]!,
        { method: 'POST', path: `/v1/dr-pairs/${id}/resume-replication`, body: '{}' },
      ]);
    },
    SOAK_S,
    startSampling,
  );
  clearInterval(sampler);
  const startMb = Math.max(...samples.slice(0, 5));
  const endMb = Math.max(...samples.slice(-5));
  const growth = ((endMb - startMb) / startMb) * 100;
  return { ...figures, growth, startMb, endMb, actions: Math.round((figures.rps * SOAK_S) / 2) };
}

const soakNote = (s: Soak) =>
  `${Math.round(s.startMb)} → ${Math.round(s.endMb)} MB (highest RSS of the first and of the last 5 s) at ${Math.round(s.rps)} req/s, ~${Math.round(s.actions / 1000)}k actions, ${(((s.endMb - s.startMb) * 1000) / Math.max(1, s.actions)).toFixed(2)} MB per 1,000 actions`;

const children: ChildProcess[] = [];
const workDir = mkdtempSync(join(tmpdir(), 'drsim-bench-http-'));
try {
  const drsim = await spawnServer(drsimServeArgs(':memory:'), '/_sim/health');
  children.push(drsim.child);
  const client = createClient({ baseUrl: drsim.url, token: TOKEN });
  log(`seeding ${PAIRS} pairs …`);
  const pairs = await seedPairs(client, PAIRS);
  const pairsPage = await client.pairs.list({ limit: PAIRS });
  const restarts: Job[] = [];
  for (const pair of pairs.slice(0, POLLED_JOBS))
    restarts.push(await client.pairs.restartReplication(pair.id));
  const dataFile = join(workDir, 'floor-data.json');
  writeFileSync(dataFile, JSON.stringify({ pairsPage, jobs: restarts }));
  const memory = await spawnServer(
    ['scripts/bench/floors/hono-http.mjs', 'memory', '{port}', dataFile],
    '/v1/dr-pairs',
  );
  children.push(memory.child);
  const sqlite = await spawnServer(
    ['scripts/bench/floors/hono-http.mjs', 'sqlite', '{port}', dataFile],
    '/v1/dr-pairs',
  );
  children.push(sqlite.child);

  log(`GET /v1/dr-pairs?limit=${PAIRS}`);
  const listReq: Requests = [{ method: 'GET', path: `/v1/dr-pairs?limit=${PAIRS}` }];
  const list = await load(drsim, listReq);
  show('drsim', list);
  const listMemory = await load(memory, listReq);
  show('floor: Hono from memory', listMemory);
  emit({
    goal: `GET list p99 (${PAIRS} pairs, ${CONNECTIONS} connections)`,
    figure: list.p99,
    unit: 'ms',
    floor: listMemory.p99,
    floorName: 'Hono, c.json from memory',
    target: '≤ 20 ms',
    met: list.p99 <= 20 && list.bad === 0,
    note: `${Math.round(list.rps)} req/s vs floor ${Math.round(listMemory.rps)} req/s; ${cpuNote(list, listMemory)}${badNote(list)}`,
  });

  log(`GET /v1/jobs/{id} (${POLLED_JOBS} jobs running, realtime clock at ${REALTIME_SPEED}×)`);
  const jobReq: Requests = restarts.map((job) => ({ method: 'GET', path: `/v1/jobs/${job.id}` }));
  await client.sim.setClock({ mode: 'realtime', speed: REALTIME_SPEED });
  const jobs = await load(drsim, jobReq);
  await client.sim.setClock({ mode: 'manual' });
  show('drsim', jobs);
  const jobsMemory = await load(memory, jobReq);
  show('floor: Hono from memory', jobsMemory);
  emit({
    goal: 'job reads req/s (jobs running on a realtime clock)',
    figure: jobs.rps,
    unit: 'req/s',
    floor: jobsMemory.rps,
    floorName: 'Hono, c.json from memory',
    target: '≥ 0.5× floor',
    met: jobs.rps / jobsMemory.rps >= 0.5 && jobs.bad === 0,
    note: `p99 ${jobs.p99} ms vs floor ${jobsMemory.p99} ms; ${cpuNote(jobs, jobsMemory)}${badNote(jobs)}`,
  });

  // Every pair replicating again, and actions complete as they are made.
  await client.sim.advance('2h');
  await client.sim.setProgression({ default: 'immediate' });
  const pairIds = pairs.map((pair) => pair.id);
  log('POST stop-replication / resume-replication, alternately, one pair per connection');
  const actions = await load(drsim, [{}], actionCycle(pairIds));
  show('drsim', actions);
  const actionsFloor = await load(sqlite, [{}], actionCycle(pairIds));
  show('floor: Hono + better-sqlite3', actionsFloor);
  emitWriteRows('pair actions', actions, actionsFloor);

  log('POST /v1/servers (creates)');
  const creates = await load(drsim, CREATE);
  show('drsim', creates);
  const createsFloor = await load(sqlite, CREATE);
  show('floor: Hono + better-sqlite3', createsFloor);
  emitWriteRows('creates', creates, createsFloor);

  const peak = peakRssMb(drsim.child.pid);
  const peakFloor = peakRssMb(sqlite.child.pid);
  emit({
    goal: 'peak RSS under the HTTP load (VmHWM)',
    figure: peak,
    unit: 'MB',
    floor: peakFloor,
    floorName: 'Hono + better-sqlite3 under the same load',
    target: '≤ 1.3× floor',
    met: peak / peakFloor <= 1.3,
  });
  await stopChild(memory.child);

  // Soak: reads and actions for SOAK_S after the warm-up, RSS sampled every second; growth = the
  // highest sample of the last 5 s against the highest of the first 5 s. The same statistic at
  // both ends: between two collections the JavaScript heap saws up and down by 10-20 MB, and a
  // single first sample against the top of the last five measured where the sawtooth stood
  // as much as what grew (docs/performance.md, "Memory over time").
  // The action runs stop at any point of their cycle: every pair replicating again first.
  for (const pair of (await client.pairs.list({ limit: PAIRS })).items)
    if (pair.status === 'PAUSED') await client.pairs.resumeReplication(pair.id);
  log(`soak: ${SOAK_S} s of list reads, job reads and actions`);
  const soak = await soakOn(drsim, pairIds, listReq, jobReq);
  show('drsim', soak);
  // The same mix on the SQLite floor, which keeps a job row per action and nothing else: what
  // storing a record per write grows by at the rate the floor serves.
  const soakFloor = await soakOn(sqlite, pairIds, listReq, jobReq);
  show('floor: Hono + better-sqlite3', soakFloor);
  await stopChild(sqlite.child);
  emit({
    goal: `RSS growth over a ${SOAK_S} s soak (reads + actions)`,
    figure: soak.growth,
    unit: '%',
    floor: soakFloor.growth,
    floorName: 'Hono + better-sqlite3 under the same mix (a job row per action)',
    target: '≤ 10 %',
    met: soak.growth <= 10 && soak.bad === 0,
    note: `${soakNote(soak)}${badNote(soak)}; floor ${soakNote(soakFloor)}`,
  });
  const checks = await client.sim.checks();
  if (!checks.ok) log('invariant checkers VIOLATED after the run');
} finally {
  for (const child of children) await stopChild(child);
  rmSync(workDir, { recursive: true, force: true });
}
await sleep(0);
