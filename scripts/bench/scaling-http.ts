/**
 * `npm run bench:scaling-http`: how the HTTP costs grow with the pairs in a tenant's list and with
 * the number of tenants on one server, at three sizes each (docs/performance.md prints the last
 * run). Not a part of `npm run bench`: figures without goals. Each size is a fresh server process
 * seeded in-process (fast), then loaded by autocannon from this process over loopback: the first
 * page of `GET /v1/dr-pairs?limit=100`, the last page, `GET /v1/jobs/{id}`, and pair actions.
 * `--quick` for shorter loads.
 */
import type { ChildProcess } from 'node:child_process';
import autocannon from 'autocannon';
import { silentLogger } from '../../src/server/logger.js';
import { startServer } from '../../src/server/serve.js';
import { cpuMs, log, quick, spawnNode, stopChild } from './lib.mjs';

const CONNECTIONS = 10;
const DURATION_S = quick ? 2 : 5;
const TOKEN = 'tenant-0';

/** Pairs of each tenant besides the measured one. */
const OTHER_PAIRS = 2;

/** `pairs` in tenant-0 (the one measured) and `others` more tenants of OTHER_PAIRS pairs each. */
async function serveSeeded(pairs: number, others: number): Promise<void> {
  const server = await startServer({ port: 0, host: '127.0.0.1', seed: 1, logger: silentLogger });
  for (let t = 0; t <= others; t++) {
    const sim = server.worlds.get(`tenant-${t}`);
    sim.setProgression('default', 'immediate');
    const tenant = `tenant-${t}`;
    for (let i = 0; i < (t === 0 ? pairs : OTHER_PAIRS); i++) {
      const main = sim.createServer(tenant, { name: `web-${i}`, region: 'HCM' });
      const pair = sim.attach(tenant, {
        mainServerId: main.id,
        // An unlisted region: no address plan, so thousands of shadows fit (as the sim part does).
        shadow: { region: 'HAN', vpcId: 'vpc-1', subnetId: 'subnet-1' },
      });
      sim.act(tenant, pair.id, { action: 'startReplication', shadowName: `web-${i}-dr`, intervalHours: 1 });
    }
    sim.advance('3h');
  }
  process.stdout.write(`${server.url}\n`);
}

async function start(pairs: number, tenants: number): Promise<{ child: ChildProcess; url: string }> {
  const child = spawnNode(
    ['--import', 'tsx', 'scripts/bench/scaling-http.ts', 'serve', String(pairs), String(tenants)],
    { stdout: 'pipe' },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let text = '';
    child.stdout?.on('data', (chunk) => {
      text += chunk;
      if (text.includes('\n')) resolve(text.split('\n')[0]!.trim());
    });
    child.once('exit', (code) => reject(new Error(`seeded server exited with ${code}`)));
  });
  return { child, url };
}

async function measure(
  pid: number | undefined,
  url: string,
  requests: autocannon.Request[],
  setupClient?: (c: autocannon.Client) => void,
) {
  const options = {
    url,
    connections: CONNECTIONS,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    requests,
    ...(setupClient ? { setupClient } : {}),
  };
  await autocannon({ ...options, duration: 1 }); // warm-up (JIT, caches), not counted
  const before = cpuMs(pid);
  const result = await autocannon({ ...options, duration: DURATION_S });
  // Server CPU per request: what the load costs the server, whatever else the machine is doing.
  const perRequest = ((cpuMs(pid) - before) * 1000) / result.requests.total;
  const bad = result.non2xx + result.errors;
  return `${Math.round(perRequest)} µs CPU; ${Math.round(result.requests.average)} req/s, p99 ${result.latency.p99} ms${bad ? ` (${bad} non-2xx)` : ''}`;
}

async function row(pairs: number, tenants: number): Promise<string> {
  const { child, url } = await start(pairs, tenants);
  try {
    const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
    const ids: string[] = [];
    let cursor: string | null = null;
    let lastPage = '/v1/dr-pairs?limit=100';
    do {
      const path: string = `/v1/dr-pairs?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = (await (await fetch(`${url}${path}`, { headers })).json()) as {
        items: { id: string }[];
        nextCursor: string | null;
      };
      ids.push(...page.items.map((p) => p.id));
      lastPage = path;
      cursor = page.nextCursor;
    } while (cursor);
    const job = (await (
      await fetch(`${url}/v1/dr-pairs/${ids[0]}/stop-replication`, { method: 'POST', headers, body: '{}' })
    ).json()) as { id: string };
    await fetch(`${url}/v1/dr-pairs/${ids[0]}/resume-replication`, { method: 'POST', headers, body: '{}' });
    // A freshly started server answers its first thousands of requests several times slower
    // (compiling and optimising); without this the first load measured pays for it.
    await autocannon({
      url,
      connections: CONNECTIONS,
      headers,
      requests: [
        { method: 'GET', path: '/v1/dr-pairs?limit=100' },
        { method: 'GET', path: lastPage },
      ],
      duration: 3,
    });
    const first = await measure(child.pid, url, [{ method: 'GET', path: '/v1/dr-pairs?limit=100' }]);
    const last = await measure(child.pid, url, [{ method: 'GET', path: lastPage }]);
    const jobRead = await measure(child.pid, url, [{ method: 'GET', path: `/v1/jobs/${job.id}` }]);
    let next = 0;
    const actions = await measure(child.pid, url, [{}], (c) => {
      const id = ids[next++ % ids.length];
      c.setRequests([
        { method: 'POST', path: `/v1/dr-pairs/${id}/stop-replication`, body: '{}' },
        { method: 'POST', path: `/v1/dr-pairs/${id}/resume-replication`, body: '{}' },
      ]);
    });
    return `| ${pairs.toLocaleString('en-US')} | ${tenants.toLocaleString('en-US')} | ${first} | ${last} | ${jobRead} | ${actions} |`;
  } finally {
    await stopChild(child);
  }
}

const [mode, pairsArg, tenantsArg] = process.argv.slice(2);
if (mode === 'serve') {
  await serveSeeded(Number(pairsArg), Number(tenantsArg));
} else {
  const sizes: [number, number][] = [
    [100, 0],
    [1_000, 0],
    [10_000, 0],
    [100, 10],
    [100, 100],
    [100, 1_000],
  ];
  const lines = [
    `${CONNECTIONS} connections, ${DURATION_S} s each after a 1 s warm-up; other tenants hold ${OTHER_PAIRS} pairs each`,
    '',
    '| pairs in the tenant | other tenants | GET first page (100) | GET last page | GET job | actions (stop/resume) |',
    '|---:|---:|---|---|---|---|',
  ];
  for (const [pairs, tenants] of sizes) {
    log(`${pairs} pairs, ${tenants} other tenants …`);
    lines.push(await row(pairs, tenants));
    log(lines.at(-1)!);
  }
  console.log(lines.join('\n'));
}
