/**
 * The served drsim under the `http` part's two write loads — pair actions (stop/resume
 * alternately, one pair per connection, over 100 seeded pairs) and creates — for profiles and
 * A/B comparisons of the server's CPU per request:
 *
 * - `--root DIR` (repeatable) serves DIR's built CLI (default this tree); with several, each is
 *   seeded and then the loads take turns between them, `--rounds` times, so that the other
 *   work on the machine weighs on each alike; the median of each is printed.
 * - `--together`: the roots' loads run at the same time instead of taking turns (each its own
 *   autocannon), so that whatever else loads the machine weighs on both in the same seconds; the
 *   ratio of each round's figures is printed beside the medians. For small differences between
 *   trees, where taking turns is at the mercy of the other work's swings.
 * - `--hook FILE` preloads FILE (`--import`) in each server and sends it SIGUSR2 before and after
 *   each measured load: scripts/bench/profile-hook.mjs starts and stops the V8 profiler on it
 *   and writes `$PROF_OUT-N.cpuprofile` (`--out`), so seeding and warm-up are left out.
 *
 *   npx tsx scripts/bench/http-profile.ts [--root /tmp/before] [--root .] [--rounds 5] [--seconds 3]
 *   npx tsx scripts/bench/http-profile.ts --hook scripts/bench/profile-hook.mjs --out /tmp/prof/run
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import { createClient } from '../../src/client/index.js';
import { cpuMs, drsimServeArgs, freePort, median, ROOT, sleep, waitFor2xx } from './lib.mjs';
import { BENCH_TOKEN, seedPairs } from './seed-pairs.js';

const args = process.argv.slice(2);
const arg = (name: string, fallback?: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const roots = args.flatMap((a, i) => (a === '--root' ? [args[i + 1] as string] : []));
if (roots.length === 0) roots.push(ROOT);
const hookArg = arg('hook');
const hook = hookArg && pathToFileURL(resolve(hookArg)).href;
const out = arg('out', '/tmp/drsim-http')!;
const seconds = Number(arg('seconds', '3'));
const rounds = Number(arg('rounds', roots.length > 1 ? '4' : '1'));
const only = arg('only');
const together = args.includes('--together');

interface Server {
  root: string;
  child: ChildProcess;
  url: string;
  pairIds: string[];
  cpu: { actions: number[]; creates: number[] };
}

async function start(root: string, n: number): Promise<Server> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      ...(hook ? ['--import', hook] : []),
      ...drsimServeArgs(':memory:', { bin: `${root}/bin/drsim.js`, port }),
    ],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, PROF_OUT: `${out}-${n}` } },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitFor2xx(`${url}/_sim/health`, child);
  const client = createClient({ baseUrl: url, token: BENCH_TOKEN });
  const pairs = await seedPairs(client, 100);
  await client.sim.advance('2h');
  await client.sim.setProgression({ default: 'immediate' });
  return { root, child, url, pairIds: pairs.map((p) => p.id), cpu: { actions: [], creates: [] } };
}

const headers = {
  authorization: `Bearer ${BENCH_TOKEN}`,
  accept: 'application/json',
  'content-type': 'application/json',
};

function loadOf(server: Server, kind: 'actions' | 'creates'): Partial<autocannon.Options> {
  if (kind === 'creates') {
    return {
      requests: [
        { method: 'POST', path: '/v1/servers', body: JSON.stringify({ name: 'bench-web', region: 'HCM-3' }) },
      ],
    };
  }
  let next = 0;
  return {
    requests: [{}],
    setupClient: (c: autocannon.Client) => {
      const id = server.pairIds[next++ % server.pairIds.length];
      const r = (a: string) => ({ method: 'POST' as const, path: `/v1/dr-pairs/${id}/${a}`, body: '{}' });
      c.setRequests([r('stop-replication'), r('resume-replication')]);
    },
  };
}

/** One measured load of KIND on each of SERVERS, all at once (one server: taking turns). */
async function measure(servers: Server[], kind: 'actions' | 'creates', warmup: number): Promise<void> {
  const options = servers.map(
    (server) =>
      ({
        url: server.url,
        connections: 50,
        headers,
        ...loadOf(server, kind),
      }) as autocannon.Options,
  );
  if (warmup > 0) await Promise.all(options.map((o) => autocannon({ ...o, duration: warmup })));
  if (hook) for (const server of servers) server.child.kill('SIGUSR2');
  await sleep(50);
  const before = servers.map((server) => cpuMs(server.child.pid!));
  const results = await Promise.all(options.map((o) => autocannon({ ...o, duration: seconds })));
  for (const [i, server] of servers.entries()) {
    const result = results[i]!;
    const cpu = ((cpuMs(server.child.pid!) - before[i]!) * 1000) / result.requests.total;
    server.cpu[kind].push(cpu);
    console.log(
      `${server.root} ${kind}: ${Math.round(result.requests.average)} req/s, ${cpu.toFixed(0)} µs CPU/request${result.non2xx ? `, ${result.non2xx} non-2xx` : ''}`,
    );
  }
  if (hook) for (const server of servers) server.child.kill('SIGUSR2');
  await sleep(hook ? 500 : 50);
}

const servers: Server[] = [];
try {
  for (const [i, root] of roots.entries()) servers.push(await start(root, i + 1));
  const kinds = (['actions', 'creates'] as const).filter((k) => only === undefined || only === k);
  for (let round = 0; round < rounds; round++)
    for (const kind of kinds) {
      if (together) await measure(servers, kind, round === 0 ? 2 : 1);
      else for (const server of servers) await measure([server], kind, round === 0 ? 2 : 1);
    }
  if (rounds > 1)
    for (const server of servers)
      console.log(
        `median ${server.root}: ${kinds.map((k) => `${k} ${median(server.cpu[k]).toFixed(0)} µs`).join(', ')}`,
      );
  const [first, ...others] = servers;
  if (rounds > 1 && first)
    for (const server of others)
      for (const kind of kinds) {
        const ratios = server.cpu[kind].map((cpu, i) => cpu / first.cpu[kind][i]!).sort((a, b) => a - b);
        console.log(
          `${server.root} against ${first.root}, ${kind}: median ratio ${median(ratios).toFixed(3)} (rounds ${ratios[0]!.toFixed(2)}–${ratios.at(-1)!.toFixed(2)})`,
        );
      }
} finally {
  for (const server of servers) server.child.kill('SIGTERM');
}
