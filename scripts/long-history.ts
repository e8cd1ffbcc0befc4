/**
 * `npm run bench:history`: a long simulation through the HTTP API, as the reliability attack ran
 * it — 5 pairs replicating hourly, advanced YEARS (default 10) a year per call — then export,
 * snapshot, restore and the checkers, with the row counts, export size, database size and peak
 * RSS. Usage: tsx scripts/long-history.ts [years] [db file]
 */
import { rmSync, statSync } from 'node:fs';
import { createApp } from '../src/server/app.js';
import { createWorlds } from '../src/sim/index.js';

const years = Number(process.argv[2] ?? 10);
const file = process.argv[3] ?? '/tmp/drsim-long-history.db';
for (const suffix of ['', '-wal']) rmSync(file + suffix, { force: true });
rmSync(`${file}.worlds`, { recursive: true, force: true });
const worlds = createWorlds({ db: file });
const app = createApp({ worlds });
let peakRss = 0;
const sample = () => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
};
const timer = setInterval(sample, 50);
async function call(method: string, path: string, body?: unknown) {
  const res = await app.request(path, {
    method,
    headers: {
      Authorization: 'Bearer acme',
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 500)}`);
  return { status: res.status, text, json: () => JSON.parse(text) };
}

const started = performance.now();
for (let i = 0; i < 5; i++) {
  const main = (
    await call('POST', '/v1/servers', {
      name: `web-${i}`,
      region: 'HAN-1',
      files: { 'app/config.txt': `v${i}` },
    })
  ).json();
  await call('PUT', `/_sim/servers/${main.id}/workload`, { writesPerMinute: 0.2 });
  const pair = (
    await call('POST', '/v1/dr-pairs', {
      name: `pair-${i}`,
      mainServerId: main.id,
      shadow: { region: 'HAN-1', vpcId: 'vpc-dr', subnetId: 'subnet-dr-a' },
    })
  ).json();
  await call('POST', `/v1/dr-pairs/${pair.id}/start-replication`, {
    shadowName: `web-${i}-dr`,
    intervalHours: 1,
  });
}
for (let y = 0; y < years; y++) {
  const t = performance.now();
  await call('POST', '/_sim/clock/advance', { by: '365d' });
  sample();
  console.log(
    `year ${y + 1}: ${((performance.now() - t) / 1000).toFixed(1)} s, rss ${(peakRss / 2 ** 20).toFixed(0)} MiB`,
  );
}
const sim = worlds.get('acme');
const state = sim.exportState();
const counts = Object.fromEntries(
  Object.entries(state)
    .filter(([, v]) => Array.isArray(v))
    .map(([k, v]) => [k, (v as unknown[]).length]),
);
let t = performance.now();
const exported = await call('GET', '/_sim/state');
console.log(
  `export: ${(exported.text.length / 2 ** 20).toFixed(1)} MiB in ${((performance.now() - t) / 1000).toFixed(1)} s`,
);
t = performance.now();
await call('POST', '/_sim/snapshots', { name: 'long', overwrite: true });
console.log(`snapshot: ${((performance.now() - t) / 1000).toFixed(1)} s`);
t = performance.now();
await call('POST', '/_sim/snapshots/long/restore');
console.log(`restore: ${((performance.now() - t) / 1000).toFixed(1)} s`);
t = performance.now();
const checks = (await call('GET', '/_sim/checks')).json();
console.log(`checks: ok=${checks.ok} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
clearInterval(timer);
sample();
const dbBytes = statSync(`${file}.worlds/w1.db`).size;
console.log(
  JSON.stringify({
    years,
    rows: counts,
    exportMiB: +(exported.text.length / 2 ** 20).toFixed(1),
    dbMiB: +(dbBytes / 2 ** 20).toFixed(1),
    peakRssMiB: +(peakRss / 2 ** 20).toFixed(0),
    totalSeconds: +((performance.now() - started) / 1000).toFixed(0),
    checksOk: checks.ok,
  }),
);
worlds.close();
