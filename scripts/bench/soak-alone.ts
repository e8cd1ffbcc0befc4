/**
 * The `http` part's soak alone: the built drsim (`bin/drsim.js serve --db :memory:`) seeded with
 * the same 100 replicating pairs, actions done at once, then the soak's mix (list reads, job
 * reads, stop and resume, 50 connections) for `--seconds` (default 60) after a 2 s warm-up, RSS
 * sampled every second: growth = the highest RSS of the last 5 s against the highest of the
 * first 5 s, and MB per 1,000 actions. Without the other loads before it the soak starts from a
 * smaller RSS than in `npm run bench`, so compare MB per 1,000 actions, and A against B.
 *
 * `--root DIR` serves another tree's build (e.g. a worktree of the commit before a change, built
 * with `node scripts/build.mjs`); `--heap` also logs the JavaScript heap after a full collection
 * every 5 s (the server runs with `--expose-gc` and a probe preloaded), to tell what grows in
 * JavaScript from what grows in the database.
 *
 *   npx tsx scripts/bench/soak-alone.ts [--root DIR] [--seconds N] [--heap]
 *
 * Not a test and not part of `npm run bench`: for docs/performance.md ("Per-action memory").
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import autocannon from 'autocannon';
import { createClient } from '../../src/client/index.js';
import type { Job } from '../../src/sim/types.js';
import { drsimServeArgs, freePort, HOST, rssMb, sleep, stopChild, waitFor2xx } from './lib.mjs';
import { BENCH_TOKEN, seedPairs } from './seed-pairs.js';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? (process.argv[i + 1] as string) : fallback;
};
const ROOT = resolve(arg('--root', new URL('../..', import.meta.url).pathname));
const SECONDS = Number(arg('--seconds', '60'));
const HEAP = process.argv.includes('--heap');
const PAIRS = 100;

const dir = mkdtempSync(join(tmpdir(), 'drsim-soak-'));
const probe = join(dir, 'heap-probe.mjs');
writeFileSync(
  probe,
  `const t0 = Date.now();
setInterval(() => {
  globalThis.gc();
  const m = process.memoryUsage();
  const mb = (n) => (n / 1048576).toFixed(1);
  process.stderr.write('heap after gc ' + mb(m.heapUsed) + ' MB, external ' + mb(m.external) + ' MB, rss ' + mb(m.rss) + ' MB at ' + Math.round((Date.now() - t0) / 1000) + ' s\\n');
}, 5000).unref();
`,
);
const port = await freePort();
const child = spawn(
  process.execPath,
  [...(HEAP ? ['--expose-gc', '--import', probe] : []), ...drsimServeArgs(':memory:', { port })],
  { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] },
);
const url = `http://${HOST}:${port}`;
try {
  await waitFor2xx(`${url}/_sim/health`, child);
  const client = createClient({ baseUrl: url, token: BENCH_TOKEN });
  const pairs = await seedPairs(client, PAIRS);
  const jobs: Job[] = [];
  for (const pair of pairs.slice(0, 50)) jobs.push(await client.pairs.restartReplication(pair.id));
  await client.sim.advance('2h');
  await client.sim.setProgression({ default: 'immediate' });
  let next = 0;
  const options: autocannon.Options = {
    url,
    connections: 50,
    headers: {
      authorization: `Bearer ${BENCH_TOKEN}`,
      accept: 'application/json',
      'content-type': 'application/json',
    },
    requests: [{}],
    setupClient: (c) => {
      const id = pairs[next++ % pairs.length]!.id;
      c.setRequests([
        { method: 'GET', path: `/v1/dr-pairs?limit=${PAIRS}` },
        { method: 'POST', path: `/v1/dr-pairs/${id}/stop-replication`, body: '{}' },
        { method: 'GET', path: `/v1/jobs/${jobs[next % jobs.length]!.id}` },
        { method: 'POST', path: `/v1/dr-pairs/${id}/resume-replication`, body: '{}' },
      ]);
    },
  };
  await autocannon({ ...options, duration: 2 });
  for (const pair of (await client.pairs.list({ limit: PAIRS })).items)
    if (pair.status === 'PAUSED') await client.pairs.resumeReplication(pair.id);
  const samples = [rssMb(child.pid)];
  const sampler = setInterval(() => samples.push(rssMb(child.pid)), 1000);
  const result = await autocannon({ ...options, duration: SECONDS });
  clearInterval(sampler);
  const startMb = Math.max(...samples.slice(0, 5));
  const endMb = Math.max(...samples.slice(-5));
  const actions = Math.round(result.requests.total / 2);
  console.log(
    `${ROOT}: ${startMb.toFixed(0)} → ${endMb.toFixed(0)} MB, growth ${(((endMb - startMb) / startMb) * 100).toFixed(1)} % at ${Math.round(result.requests.average)} req/s, ${actions} actions, ${(((endMb - startMb) * 1000) / actions).toFixed(2)} MB per 1,000 actions${result.non2xx + result.errors ? `, ${result.non2xx + result.errors} non-2xx/errors` : ''}`,
  );
  if (HEAP) await sleep(5500);
} finally {
  await stopChild(child);
  rmSync(dir, { recursive: true, force: true });
}
