/**
 * What one write costs in process, by stage: a pair action (stop / resume, alternately, over 100
 * replicating pairs as the `http` part seeds them) and a create (`createServer`, the body of
 * `POST /v1/servers`). No HTTP: the simulator's call and the answer's JSON text, as a route
 * makes it. Prints, for each write:
 *
 * - CPU per write (`process.cpuUsage`, best of several rounds), and the answer's JSON text alone;
 * - every SQL statement it runs, how often per write and its CPU time (each `Statement` call timed);
 * - the CPU profile (`node:inspector`, 20 µs sampling) sorted into stages, each sample given to
 *   the innermost frame that belongs to a stage (so the stages add up to the whole): SQLite,
 *   the statechart, billing, events, the job, the pair's row, the runtime row, the view, …
 *
 * - with `--app`: the same writes through the app (`app.request()`, every middleware and the
 *   route, no socket), and the floor's transaction alone (the `http` part's Hono + better-sqlite3
 *   floor: read the pair, update it, insert a job; or insert a server), so that the served CPU
 *   per request of `npm run bench -- --only http` can be split into engine, app and socket.
 *
 * `--src DIR` runs another tree's engine (e.g. a checkout of the commit before a change) for an
 * A/B in the same minute; `--rounds N` (default 7), `--writes N` per round (default 4,000).
 *
 *   npx tsx scripts/bench/write-cost.ts
 *   npx tsx scripts/bench/write-cost.ts --src /tmp/before/src
 *
 * Not a test and not part of `npm run bench`: the figures are for docs/performance.md's
 * accounting ("The write path, third round").
 */
import { Session } from 'node:inspector/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? (process.argv[i + 1] as string) : fallback;
};
const SRC = resolve(arg('--src', new URL('../../src', import.meta.url).pathname));
const ROUNDS = Number(arg('--rounds', '7'));
const WRITES = Number(arg('--writes', '4000'));
const TENANT = 'bench';
const APP = process.argv.includes('--app');
const PAIRS = 100;

type Sim = import('../../src/sim/contract.js').Simulator;
const { createSimulator } = (await import(
  pathToFileURL(`${SRC}/sim/index.ts`).href
)) as typeof import('../../src/sim/index.js');

// ---------------------------------------------------------------- every statement timed

type Method = 'run' | 'get' | 'all' | 'iterate';
const probe = new Database(':memory:');
const proto = Object.getPrototypeOf(probe.prepare('SELECT 1')) as Record<
  Method,
  (...a: unknown[]) => unknown
>;
probe.close();
const originals = Object.fromEntries(
  (['run', 'get', 'all', 'iterate'] as const).map((m) => [m, proto[m]]),
) as Record<Method, (...a: unknown[]) => unknown>;
const sqlTimes = new Map<string, { calls: number; ns: bigint }>();
const keys = new Map<string, string>();
function timeStatements(on: boolean): void {
  for (const m of ['run', 'get', 'all', 'iterate'] as const) {
    const original = originals[m];
    proto[m] = on
      ? function (this: { source: string }, ...args: unknown[]) {
          const t0 = process.cpuUsage();
          try {
            return original.apply(this, args);
          } finally {
            const used = process.cpuUsage(t0);
            const dt = BigInt(used.user + used.system) * 1000n;
            let key = keys.get(this.source);
            if (key === undefined) {
              key = this.source.replace(/\s+/g, ' ').trim();
              keys.set(this.source, key);
            }
            const entry = sqlTimes.get(key) ?? { calls: 0, ns: 0n };
            entry.calls++;
            entry.ns += dt;
            sqlTimes.set(key, entry);
          }
        }
      : original;
  }
}

// ---------------------------------------------------------------- the world

function seeded(made: Sim = createSimulator({ seed: 1 })): Sim {
  const sim = made;
  sim.setProgression('default', 'immediate');
  const pairs: string[] = [];
  for (let i = 0; i < PAIRS; i++) {
    const name = `web-${String(i).padStart(3, '0')}`;
    const server = sim.createServer(TENANT, {
      name,
      region: 'HCM-3',
      files: { 'etc/hostname': name, 'srv/app/config.json': JSON.stringify({ replica: i }) },
    });
    const pair = sim.attach(TENANT, {
      mainServerId: server.id,
      shadow: { region: 'HAN-1', vpcId: 'vpc-dr', subnetId: 'subnet-dr-a' },
    });
    sim.act(TENANT, pair.id, { action: 'startReplication', shadowName: `${name}-shadow`, intervalHours: 1 });
    pairs.push(pair.id);
  }
  sim.advance('3h');
  sim.setProgression('default', 'clock');
  ids.set(sim, pairs);
  return sim;
}
const ids = new WeakMap<Sim, string[]>();

/** The answer's text, as the route sends it. */
function answerText(value: unknown): string {
  return JSON.stringify(value);
}

let toggle = 0;
/** `n` actions: each pair stopped, then resumed, round after round (every action allowed). */
function actions(sim: Sim, n: number, answer = true): void {
  const pairs = ids.get(sim) as string[];
  for (let i = 0; i < n; i++) {
    const index = toggle % (2 * PAIRS);
    const pairId = pairs[index % PAIRS] as string;
    const action = index < PAIRS ? 'stopReplication' : 'resumeReplication';
    toggle++;
    const job = sim.act(TENANT, pairId, { action });
    if (answer) answerText(job);
  }
}
const create = { name: 'bench-web', region: 'HCM-3' };
function creates(sim: Sim, n: number, answer = true): void {
  for (let i = 0; i < n; i++) {
    const server = sim.createServer(TENANT, create);
    if (answer) answerText(server);
  }
}

/** What timing a call costs by itself: the same two `cpuUsage` calls around nothing. */
function timerOverheadNs(): number {
  const noop = () => undefined;
  let ns = 0;
  const n = 200_000;
  for (let i = 0; i < n; i++) {
    const t0 = process.cpuUsage();
    noop();
    const used = process.cpuUsage(t0);
    ns += (used.user + used.system) * 1000;
  }
  return ns / n;
}

function cpuUs(fn: () => void): number {
  const start = process.cpuUsage();
  fn();
  const used = process.cpuUsage(start);
  return used.user + used.system;
}

// ---------------------------------------------------------------- the profile's stages

/** Function name → stage; a sample belongs to the innermost frame named here. */
const STAGES: Record<string, string> = {
  // SQLite itself (better-sqlite3's native calls)
  run: 'SQLite (statements)',
  get: 'SQLite (statements)',
  all: 'SQLite (statements)',
  iterate: 'SQLite (statements)',
  exec: 'SQLite (statements)',
  // the transaction and the runtime row
  runtimeJson: 'runtime row (clock, PRNG, counters, settings)',
  settingsJson: 'runtime row (clock, PRNG, counters, settings)',
  snapshotRuntime: 'runtime row (clock, PRNG, counters, settings)',
  setMetaJson: 'runtime row (clock, PRNG, counters, settings)',
  mutate: 'transaction (mutate, BEGIN/COMMIT wrapper)',
  tx: 'transaction (mutate, BEGIN/COMMIT wrapper)',
  // the statechart
  pairCan: 'statechart (can, transition, memo keys)',
  nextSnapshot: 'statechart (can, transition, memo keys)',
  resolve: 'statechart (can, transition, memo keys)',
  actionEvent: 'statechart (can, transition, memo keys)',
  eventFor: 'statechart (can, transition, memo keys)',
  statusOf: 'statechart (can, transition, memo keys)',
  testStateOf: 'statechart (can, transition, memo keys)',
  // billing
  onBillingEvent: 'billing (meters reconciled)',
  reconcile: 'billing (meters reconciled)',
  wantedMeters: 'billing (meters reconciled)',
  volumeMeters: 'billing (meters reconciled)',
  // history events
  emit: 'events (held, packed, stored)',
  hold: 'events (held, packed, stored)',
  storeHeld: 'events (held, packed, stored)',
  store1: 'events (held, packed, stored)',
  packJobEvents: 'events (held, packed, stored)',
  hasExactly: 'events (held, packed, stored)',
  // the job
  createJob: 'job (built, steps, stored)',
  planSteps: 'job (built, steps, stored)',
  finishAtOnce: 'job (built, steps, stored)',
  finishJob: 'job (built, steps, stored)',
  saveJob: 'job (built, steps, stored)',
  insertJob: 'job (built, steps, stored)',
  stepsText: 'job (built, steps, stored)',
  packStep: 'job (built, steps, stored)',
  begin: 'job (built, steps, stored)',
  clearCurrentJob: 'job (built, steps, stored)',
  // the pair
  loadPair: 'pair row (read, decoded, saved)',
  pairFromRow: 'pair row (read, decoded, saved)',
  savePair: 'pair row (read, decoded, saved)',
  sendEvent: 'pair row (read, decoded, saved)',
  failIfUnhealthy: 'server rows (read, decoded; resume: health)',
  serverById: 'server rows (read, decoded; resume: health)',
  serverFromRow: 'server rows (read, decoded; resume: health)',
  // the request
  validateRequest: 'request checked',
  act: 'action (the rest of act)',
  // creates
  createServer: 'server (checked, built, stored)',
  validateVolumes: 'server (checked, built, stored)',
  validateVolume: 'server (checked, built, stored)',
  loadServer: 'server (checked, built, stored)',
  serverAddressesChanged: 'server (checked, built, stored)',
  networkText: 'server (checked, built, stored)',
  id: 'ids and counters (PRNG)',
  nextSeq: 'ids and counters (PRNG)',
  iso: 'ISO times',
  publicServer: 'view (the answer object)',
  jobView: 'view (the answer object)',
  answerText: 'answer JSON text',
  stringify: 'answer JSON text',
};

interface Node {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

async function profile(fn: () => void): Promise<Map<string, number>> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 20 });
  await session.post('Profiler.start');
  fn();
  const { profile: p } = (await session.post('Profiler.stop')) as {
    profile: { nodes: Node[]; samples: number[] };
  };
  session.disconnect();
  const parent = new Map<number, number>();
  const byId = new Map<number, Node>();
  for (const node of p.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const counts = new Map<string, number>();
  for (const sample of p.samples) {
    let stage: string | undefined;
    let leafName = '';
    for (let id: number | undefined = sample; id !== undefined; id = parent.get(id)) {
      const frame = (byId.get(id) as Node).callFrame;
      const name = frame.functionName.replace(/\d+$/, '');
      if (!leafName) leafName = frame.functionName || '(anonymous)';
      if (name === '(garbage collector)') {
        stage = 'GC';
        break;
      }
      if (name === '(program)' || name === '(idle)') {
        stage = '(program)';
        break;
      }
      // A stage's name from the engine's files (or a native SQLite call), not a same-named
      // function in a library.
      const ours = frame.url.includes('/sim/') || frame.url === '' || name === 'stringify';
      const found = ours ? STAGES[name] : undefined;
      if (found) {
        stage = found;
        break;
      }
    }
    stage ??= 'other';
    counts.set(stage, (counts.get(stage) ?? 0) + 1);
  }
  return counts;
}

// ---------------------------------------------------------------- the report

function report(
  label: string,
  run: (sim: Sim, n: number, answer?: boolean) => void,
  sim: Sim,
  sqliteUs: number,
) {
  console.log(
    `\n${label}: the statements (their shares of SQLite's ${sqliteUs.toFixed(1)} µs in the profile)`,
  );
  // Each call timed by the process's CPU time (getrusage, in µs: a few-µs statement is measured
  // over thousands of calls), which a busy machine's waits for a core do not inflate; less the
  // timer's own cost, measured around nothing.
  sqlTimes.clear();
  timeStatements(true);
  run(sim, WRITES);
  timeStatements(false);
  const overhead = timerOverheadNs();
  // Timed one by one, their sum comes out above the profile's (the timer disturbs what it times):
  // what is reported is each statement's share of that sum, of the profile's SQLite time.
  const timed = [...sqlTimes.values()].reduce(
    (sum, t) => sum + Math.max(0, Number(t.ns) - overhead * t.calls),
    0,
  );
  const rows = [...sqlTimes]
    .map(([sql, t]) => [sql, t.calls, Math.max(0, Number(t.ns) - overhead * t.calls)] as const)
    .sort((x, y) => y[2] - x[2]);
  let calls = 0;
  console.log('\n| statement | per write | share | µs per write |');
  console.log('|---|---:|---:|---:|');
  for (const [sql, n, net] of rows) {
    calls += n;
    console.log(
      `| \`${sql.length > 90 ? `${sql.slice(0, 87)}...` : sql}\` | ${(n / WRITES).toFixed(2)} | ${((100 * net) / timed).toFixed(1)} % | ${((net / timed) * sqliteUs).toFixed(1)} |`,
    );
  }
  console.log(`| all statements | ${(calls / WRITES).toFixed(2)} | 100 % | ${sqliteUs.toFixed(1)} |`);
}

async function stages(
  label: string,
  run: (sim: Sim, n: number) => void,
  sim: Sim,
  cpuPerWrite: number,
): Promise<number> {
  const counts = await profile(() => run(sim, WRITES * 3));
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  console.log(`\n${label}: profile by stage (${total} samples; µs = share × ${cpuPerWrite.toFixed(1)} µs)`);
  console.log('\n| stage | share | µs per write |');
  console.log('|---|---:|---:|');
  for (const [stage, n] of [...counts].sort((a, b) => b[1] - a[1])) {
    console.log(
      `| ${stage} | ${((100 * n) / total).toFixed(1)} % | ${((n / total) * cpuPerWrite).toFixed(1)} |`,
    );
  }
  return ((counts.get('SQLite (statements)') ?? 0) / total) * cpuPerWrite;
}

const sim = seeded();
const answerSim = seeded();
// Warm-up: every statement prepared, every memo filled, the JIT settled.
actions(sim, 2 * WRITES);
creates(sim, WRITES);
actions(answerSim, WRITES);

let actionCpu = Number.POSITIVE_INFINITY;
let createCpu = Number.POSITIVE_INFINITY;
let textCpu = Number.POSITIVE_INFINITY;
const job = sim.act(TENANT, (ids.get(sim) as string[])[0] as string, { action: 'stopReplication' });
sim.act(TENANT, (ids.get(sim) as string[])[0] as string, { action: 'resumeReplication' });
toggle = 0;
for (let r = 0; r < ROUNDS; r++) {
  actionCpu = Math.min(actionCpu, cpuUs(() => actions(sim, WRITES)) / WRITES);
  createCpu = Math.min(createCpu, cpuUs(() => creates(sim, WRITES)) / WRITES);
  textCpu = Math.min(
    textCpu,
    cpuUs(() => {
      for (let i = 0; i < WRITES; i++) answerText(job);
    }) / WRITES,
  );
}
console.log(`# Write cost in process (${SRC}, node ${process.version})`);
console.log(`\nthe answer's JSON text alone (a stop's job): ${textCpu.toFixed(1)} µs`);
console.log(
  `\n## Pair action (stop / resume alternately)\n\nCPU per write, best of ${ROUNDS} rounds of ${WRITES}: ${actionCpu.toFixed(1)} µs`,
);
report('Pair action', actions, sim, await stages('Pair action', actions, sim, actionCpu));
console.log(
  `\n## Create (createServer)\n\nCPU per write, best of ${ROUNDS} rounds of ${WRITES}: ${createCpu.toFixed(1)} µs`,
);
report('Create', creates, sim, await stages('Create', creates, sim, createCpu));

// ---------------------------------------------------------------- the app and the floor

async function throughApp(): Promise<void> {
  const { createWorlds } = (await import(
    pathToFileURL(`${SRC}/sim/index.ts`).href
  )) as typeof import('../../src/sim/index.js');
  const { createApp } = (await import(
    pathToFileURL(`${SRC}/server/app.ts`).href
  )) as typeof import('../../src/server/app.js');
  const { silentLogger } = (await import(
    pathToFileURL(`${SRC}/server/logger.ts`).href
  )) as typeof import('../../src/server/logger.js');
  const worlds = createWorlds({ seed: 1 });
  const world = seeded(worlds.get(TENANT));
  const pairs = ids.get(world) as string[];
  const app = createApp({ worlds, logger: silentLogger });
  const headers = { authorization: `Bearer ${TENANT}`, 'content-type': 'application/json' };
  let turn = 0;
  const action = async () => {
    const index = turn++ % (2 * PAIRS);
    const path = index < PAIRS ? 'stop-replication' : 'resume-replication';
    const res = await app.request(`/v1/dr-pairs/${pairs[index % PAIRS]}/${path}`, {
      method: 'POST',
      headers,
      body: '{}',
    });
    if (res.status !== 202) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    await res.text();
  };
  const body = JSON.stringify(create);
  const createOne = async () => {
    const res = await app.request('/v1/servers', { method: 'POST', headers, body });
    if (res.status !== 201) throw new Error(`create: ${res.status} ${await res.text()}`);
    await res.text();
  };
  const best = async (fn: () => Promise<void>) => {
    for (let i = 0; i < WRITES; i++) await fn();
    let min = Number.POSITIVE_INFINITY;
    for (let r = 0; r < ROUNDS; r++) {
      const start = process.cpuUsage();
      for (let i = 0; i < WRITES; i++) await fn();
      const used = process.cpuUsage(start);
      min = Math.min(min, (used.user + used.system) / WRITES);
    }
    return min;
  };
  console.log('\n## Through the app (`app.request()`: middlewares, route, answer; no socket)\n');
  console.log(`pair action: ${(await best(action)).toFixed(1)} µs CPU per request`);
  console.log(`create: ${(await best(createOne)).toFixed(1)} µs CPU per request`);
  worlds.close();
}

/** The `http` part's SQLite floor's transactions (scripts/bench/floors/hono-http.mjs), alone. */
function floorTransactions(): void {
  const db = new Database(':memory:');
  db.exec(`CREATE TABLE pairs (seq INTEGER PRIMARY KEY, id TEXT UNIQUE, tenant TEXT, status TEXT, body TEXT);
           CREATE TABLE jobs (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT UNIQUE, pair_id TEXT, body TEXT);
           CREATE TABLE servers (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT UNIQUE, tenant TEXT, body TEXT);`);
  const world = seeded();
  const page = world.listPairs(TENANT, { limit: PAIRS }).items;
  const insertPair = db.prepare('INSERT INTO pairs (id, tenant, status, body) VALUES (?, ?, ?, ?)');
  for (const pair of page) insertPair.run(pair.id, TENANT, pair.status, JSON.stringify(pair));
  const pairById = db.prepare<[string], { body: string }>('SELECT body FROM pairs WHERE id = ?');
  const updatePair = db.prepare('UPDATE pairs SET status = ?, body = ? WHERE id = ?');
  const insertJob = db.prepare('INSERT INTO jobs (id, pair_id, body) VALUES (?, ?, ?)');
  const insertServer = db.prepare('INSERT INTO servers (id, tenant, body) VALUES (?, ?, ?)');
  let next = 0;
  const act = db.transaction((pairId: string, action: string) => {
    const row = pairById.get(pairId) as { body: string };
    const pair = JSON.parse(row.body);
    pair.status = action === 'stop-replication' ? 'PAUSED' : 'REPLICATING';
    updatePair.run(pair.status, JSON.stringify(pair), pair.id);
    const job = { id: `job-${++next}`, type: action, pairId, status: 'SUCCEEDED', steps: [], error: null };
    insertJob.run(job.id, pairId, JSON.stringify(job));
    return job;
  });
  const make = db.transaction((input: { name: string; region: string }) => {
    const server = { id: `srv-${++next}`, name: input.name, region: input.region, flavor: 'general.2c4g' };
    insertServer.run(
      server.id,
      TENANT,
      JSON.stringify({ ...server, powerState: 'RUNNING', role: 'STANDALONE' }),
    );
    return server;
  });
  const bestOf = (fn: (i: number) => void) => {
    let min = Number.POSITIVE_INFINITY;
    for (let r = 0; r <= ROUNDS; r++) {
      const used = cpuUs(() => {
        for (let i = 0; i < WRITES; i++) fn(i);
      });
      if (r > 0) min = Math.min(min, used / WRITES);
    }
    return min;
  };
  const actionUs = bestOf((i) => {
    const pair = page[i % PAIRS] as { id: string };
    answerText(act(pair.id, i % (2 * PAIRS) < PAIRS ? 'stop-replication' : 'resume-replication'));
  });
  const createUs = bestOf(() => answerText(make(JSON.parse(JSON.stringify(create)))));
  console.log("\n## The SQLite floor's transaction alone (and its answer's JSON text)\n");
  console.log(`pair action: ${actionUs.toFixed(1)} µs CPU; create: ${createUs.toFixed(1)} µs CPU`);
  db.close();
}

if (APP) {
  await throughApp();
  floorTransactions();
}
