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

function seeded(): Sim {
  const sim = createSimulator({ seed: 1 });
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
  failIfUnhealthy: 'servers read (resume: health)',
  serverById: 'servers read (resume: health)',
  serverFromRow: 'servers read (resume: health)',
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
  perWrite: number,
  run: (sim: Sim, n: number, answer?: boolean) => void,
  sim: Sim,
  cpuPerWrite: number,
) {
  console.log(`\n## ${label}`);
  console.log(`CPU per write, best of ${ROUNDS} rounds of ${WRITES}: ${cpuPerWrite.toFixed(1)} µs`);
  // The statements, timed one by one (the timer's own cost, ~0.1 µs a call, is in the figures).
  sqlTimes.clear();
  timeStatements(true);
  const wall0 = process.hrtime.bigint();
  const cpu = cpuUs(() => run(sim, WRITES));
  const wall = Number(process.hrtime.bigint() - wall0) / 1000;
  timeStatements(false);
  // Each statement is timed on the wall clock; on a shared machine the process also waits for a
  // core, so the times are scaled by the run's CPU / wall (1 on an idle machine).
  const scale = Math.min(1, cpu / wall);
  console.log(
    `(statements timed one by one: the run's CPU / wall was ${scale.toFixed(2)}; times below scaled by it)`,
  );
  const rows = [...sqlTimes].sort((a, b) => Number(b[1].ns - a[1].ns));
  let calls = 0;
  let ns = 0n;
  console.log('\n| statement | per write | µs each | µs per write |');
  console.log('|---|---:|---:|---:|');
  for (const [sql, t] of rows) {
    calls += t.calls;
    ns += t.ns;
    const each = (scale * Number(t.ns)) / t.calls / 1000;
    console.log(
      `| \`${sql.length > 90 ? `${sql.slice(0, 87)}...` : sql}\` | ${(t.calls / WRITES).toFixed(2)} | ${each.toFixed(1)} | ${((scale * Number(t.ns)) / WRITES / 1000).toFixed(1)} |`,
    );
  }
  console.log(
    `| all statements | ${(calls / WRITES).toFixed(2)} | | ${((scale * Number(ns)) / WRITES / 1000).toFixed(1)} |`,
  );
  void perWrite;
}

async function stages(label: string, run: (sim: Sim, n: number) => void, sim: Sim, cpuPerWrite: number) {
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
report('Pair action (stop / resume alternately)', 1, actions, sim, actionCpu);
await stages('Pair action', actions, sim, actionCpu);
report('Create (createServer)', 1, creates, sim, createCpu);
await stages('Create', creates, sim, createCpu);
