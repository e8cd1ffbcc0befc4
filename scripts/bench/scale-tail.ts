/**
 * What makes the `scale` part's latency tail: the same three loads (first page, deep pages by
 * cursor, every page under a realtime clock; 10,000 pairs, 50 connections) against `drsim serve`
 * with scripts/bench/pause-probe.mjs preloaded. Beside each load's latency percentiles and server
 * CPU per request it prints the server's GC pauses (count, sum, largest, a histogram in ms),
 * its event-loop delay, the time its main thread was runnable but waited for a CPU (Linux
 * schedstat: on two cores shared with autocannon and other work, most of the tail), and the same
 * for this process, autocannon's (its GC pauses delay the responses it times). With several
 * `--root`s the trees take turns, `--rounds` times, each serving its own copy of one seeded
 * database (seeded on the first run, ~30 s of CPU at 10,000 pairs).
 *
 *   npx tsx scripts/bench/scale-tail.ts --root /tmp/before --root . [--rounds 3] [--seconds 10]
 *     [--pairs 10000] [--db /tmp/scale-10000.db] [--json out.jsonl] [--prof /tmp/prof/run]
 *
 * `--prof PREFIX` also preloads scripts/bench/profile-hook.mjs (or $PROF_HOOK) for a CPU profile
 * of each measured load.
 */
import type { ChildProcess } from 'node:child_process';
import {
  appendFileSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import { createWorlds } from '../../src/sim/index.js';
import { cpuMs, drsimServeArgs, log, ROOT, sleep, spawnServer, stopChild } from './lib.mjs';
import { addPairs } from './sim-world.js';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? (args[i + 1] ?? fallback) : fallback;
};
const roots = args.flatMap((a, i) => (a === '--root' ? [resolve(args[i + 1] as string)] : []));
if (roots.length === 0) roots.push(ROOT);
const PAIRS = Number(arg('pairs', '10000'));
const ROUNDS = Number(arg('rounds', '1'));
const SECONDS = Number(arg('seconds', '10'));
const DB = arg('db', join(tmpdir(), `drsim-scale-${PAIRS}.db`));
const JSON_OUT = arg('json', '');
/** `--prof PREFIX`: a CPU profile of each measured load, PREFIX-rROUND-N.cpuprofile. */
const PROF = arg('prof', '');
const TENANT = 'bench';
const CONNECTIONS = 50;
const LIMIT = 100;
const PROBE = pathToFileURL(join(ROOT, 'scripts/bench/pause-probe.mjs')).href;
const BUCKETS = [1, 2, 5, 10, 20, Number.POSITIVE_INFINITY];

if (!existsSync(DB)) {
  log(`seeding ${PAIRS} pairs into ${DB} …`);
  const worlds = createWorlds({ db: DB, defaults: { progression: { default: 'immediate' } } });
  addPairs(worlds.get(TENANT), TENANT, PAIRS, 1, false);
  worlds.get(TENANT).advance('3h');
  worlds.close();
}

/**
 * A copy of the server's database and its worlds' files (the registry names each by its full
 * path), so that each run starts from the seeded state and no run moves another's clock.
 */
function copyOfServer(from: string, to: string): void {
  copyFileSync(from, to);
  const registry = new Database(to);
  try {
    const worlds = registry.prepare('SELECT tenant, file FROM worlds').all() as {
      tenant: string;
      file: string;
    }[];
    mkdirSync(`${to}.worlds`);
    for (const { tenant, file } of worlds) {
      const copy = join(`${to}.worlds`, basename(file));
      copyFileSync(file, copy);
      registry.prepare('UPDATE worlds SET file = ? WHERE tenant = ?').run(copy, tenant);
    }
  } finally {
    registry.close();
  }
}

interface Target {
  child: ChildProcess;
  url: string;
}
const options = (t: Target, paths: string[]): autocannon.Options => ({
  url: t.url,
  connections: CONNECTIONS,
  headers: { authorization: `Bearer ${TENANT}`, accept: 'application/json' },
  requests: paths.map((path) => ({ method: 'GET', path })),
});

async function pagePaths(url: string): Promise<string[]> {
  const paths: string[] = [];
  let cursor: string | null = null;
  do {
    const path: string = `/v1/dr-pairs?limit=${LIMIT}${cursor ? `&cursor=${cursor}` : ''}`;
    const response = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${TENANT}` } });
    const page = (await response.json()) as { nextCursor: string | null };
    paths.push(path);
    cursor = page.nextCursor;
  } while (cursor);
  return paths;
}

async function setClock(t: Target, mode: string): Promise<void> {
  const response = await fetch(`${t.url}/_sim/clock`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${TENANT}`, 'content-type': 'application/json' },
    body: JSON.stringify(mode === 'realtime' ? { mode, speed: 1 } : { mode }),
  });
  if (!response.ok) throw new Error(`PUT /_sim/clock: ${response.status}`);
}

interface Probe {
  wallMs: number;
  gcs: [string, number, number][];
  delay: { p50: number; p99: number; max: number; mean: number };
}

/** ns on a CPU and ns runnable but waiting for one (Linux /proc/PID/schedstat). */
function sched(pid: number | string): [number, number] {
  const [run, wait] = readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ').map(Number);
  return [run ?? Number.NaN, wait ?? Number.NaN];
}

/** This process's (autocannon's) own GC pauses while a load is measured. */
let clientGcs: number[] | null = null;
new PerformanceObserver((list) => {
  if (clientGcs) for (const e of list.getEntries()) clientGcs.push(e.duration);
}).observe({ entryTypes: ['gc'] });

async function measure(t: Target, paths: string[], out: string, n: number) {
  await autocannon({ ...options(t, paths), duration: 2 });
  const before = cpuMs(t.child.pid);
  const [, waitBefore] = sched(t.child.pid as number);
  const [, clientWaitBefore] = sched('self');
  const clientCpu = process.cpuUsage();
  const clientDelay = monitorEventLoopDelay({ resolution: 1 });
  clientGcs = [];
  clientDelay.enable();
  t.child.kill('SIGUSR2');
  const result = await autocannon({ ...options(t, paths), duration: SECONDS });
  t.child.kill('SIGUSR2');
  clientDelay.disable();
  const cpu = cpuMs(t.child.pid) - before;
  const queued = Math.round((sched(t.child.pid as number)[1] - waitBefore) / 1e6);
  const clientQueued = Math.round((sched('self')[1] - clientWaitBefore) / 1e6);
  const used = process.cpuUsage(clientCpu);
  const client = {
    cpuUs: Math.round((used.user + used.system) / Math.max(1, result.requests.total)),
    gcMs: Math.round(clientGcs.reduce((s, ms) => s + ms, 0)),
    gcMax: +Math.max(0, ...clientGcs).toFixed(1),
    eldP99: +(clientDelay.percentile(99) / 1e6).toFixed(1),
    eldMax: +(clientDelay.max / 1e6).toFixed(1),
    queuedMs: clientQueued,
  };
  clientGcs = null;
  const file = `${out}-${n}.json`;
  for (let i = 0; i < 100 && !existsSync(file); i++) await sleep(20);
  const probe = JSON.parse(readFileSync(file, 'utf8')) as Probe;
  const pauses = probe.gcs.filter(([kind]) => kind !== 'weakcb');
  const hist = BUCKETS.map(() => 0);
  for (const [, ms] of pauses) hist[BUCKETS.findIndex((b) => ms < b)]! += 1;
  const byKind: Record<string, { n: number; ms: number; max: number }> = {};
  for (const [kind, ms] of pauses) {
    const k = byKind[kind] ?? { n: 0, ms: 0, max: 0 };
    byKind[kind] = k;
    k.n += 1;
    k.ms += ms;
    k.max = Math.max(k.max, ms);
  }
  return {
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    cpuUs: Math.round((cpu * 1000) / Math.max(1, result.requests.total)),
    gcMs: Math.round(pauses.reduce((s, [, ms]) => s + ms, 0)),
    gcShare: +(pauses.reduce((s, [, ms]) => s + ms, 0) / probe.wallMs).toFixed(3),
    byKind: Object.fromEntries(
      Object.entries(byKind).map(([k, v]) => [k, { n: v.n, ms: Math.round(v.ms), max: +v.max.toFixed(1) }]),
    ),
    hist,
    eld: {
      p50: +probe.delay.p50.toFixed(1),
      p99: +probe.delay.p99.toFixed(1),
      max: +probe.delay.max.toFixed(1),
    },
    bad: result.non2xx + result.errors,
    queuedMs: queued,
    client,
  };
}

async function run(root: string, round: number): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'drsim-scale-tail-'));
  const db = join(work, 'server.db');
  copyOfServer(DB, db);
  const out = join(work, 'probe');
  process.env.PAUSE_OUT = out;
  if (PROF) process.env.PROF_OUT = `${PROF}-r${round}`;
  const t = await spawnServer(
    [
      '--import',
      PROBE,
      ...(PROF
        ? [
            '--import',
            pathToFileURL(resolve(ROOT, process.env.PROF_HOOK ?? 'scripts/bench/profile-hook.mjs')).href,
          ]
        : []),
      ...drsimServeArgs(db, { bin: `${root}/bin/drsim.js` }),
    ],
    '/_sim/health',
    120_000,
  );
  try {
    const paths = await pagePaths(t.url);
    await autocannon({ ...options(t, paths), duration: 8 });
    const cases: [string, string[]][] = [
      ['first', paths.slice(0, 1)],
      ['deep', paths.slice(1)],
      ['realtime', paths],
    ];
    let n = 0;
    for (const [name, p] of cases) {
      if (name === 'realtime') await setClock(t, 'realtime');
      const f = await measure(t, p, out, ++n);
      if (name === 'realtime') await setClock(t, 'manual');
      const load = readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
      const line = { at: new Date().toISOString().slice(11, 19), load, root, round, case: name, ...f };
      log(
        `${line.at} load ${load} ${root.padEnd(22)} r${round} ${name.padEnd(8)} ${String(f.rps).padStart(6)} req/s p50/90/99/max ${f.p50}/${f.p90}/${f.p99}/${f.max} ms ${f.cpuUs} µs/req runq ${f.queuedMs} ms  GC ${f.gcMs} ms (${(f.gcShare * 100).toFixed(1)} %) ${JSON.stringify(f.byKind)} hist<1,2,5,10,20,∞ ${f.hist.join('/')}  ELD p50/99/max ${f.eld.p50}/${f.eld.p99}/${f.eld.max}  client ${f.client.cpuUs} µs/req runq ${f.client.queuedMs} ms GC ${f.client.gcMs} ms max ${f.client.gcMax} ELD p99/max ${f.client.eldP99}/${f.client.eldMax}${f.bad ? ` BAD ${f.bad}` : ''}`,
      );
      if (JSON_OUT) appendFileSync(JSON_OUT, `${JSON.stringify(line)}\n`);
      results.push(line);
    }
  } finally {
    await stopChild(t.child);
    rmSync(work, { recursive: true, force: true });
  }
}

const results: ({ root: string; case: string } & Awaited<ReturnType<typeof measure>>)[] = [];
for (let round = 1; round <= ROUNDS; round++) for (const root of roots) await run(root, round);

// Per tree and load, the median [range] over the rounds. Scavenges per 1,000 requests follow
// what a request allocates and hardly move with the machine's load; latency and CPU do.
const range = (xs: number[], digits = 0) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const f = (x: number | undefined) => (x ?? Number.NaN).toFixed(digits);
  return `${f(sorted[Math.floor((sorted.length - 1) / 2)])} [${f(sorted[0])}–${f(sorted.at(-1))}]`;
};
for (const name of ['first', 'deep', 'realtime']) {
  for (const root of roots) {
    const rows = results.filter((r) => r.root === root && r.case === name);
    const per1k = (r: (typeof rows)[number], n: number) => (n * 1000) / Math.max(1, r.rps * SECONDS);
    log(
      `${name.padEnd(8)} ${root.padEnd(22)} p99 ${range(rows.map((r) => r.p99))} ms | CPU ${range(rows.map((r) => r.cpuUs))} µs/req | scavenges/1k req ${range(
        rows.map((r) => per1k(r, r.byKind.scavenge?.n ?? 0)),
        2,
      )} | GC ms/1k req ${range(
        rows.map((r) => per1k(r, r.gcMs)),
        1,
      )} | ELD p99 ${range(
        rows.map((r) => r.eld.p99),
        1,
      )} ms | run queue ${range(rows.map((r) => r.queuedMs))} ms`,
    );
  }
}
