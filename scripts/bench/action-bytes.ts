/**
 * What one pair action adds to a world's database: the `http` part's soak grows by what each
 * stop or resume stores for clients to read back (its job, its events), so this counts the bytes
 * of every table and index (SQLite's `dbstat`: pages, and the payload in them) in a world of 100
 * replicating pairs before and after N stop/resume actions, and prints them per action with the
 * last rows written.
 *
 *   npx tsx scripts/bench/action-bytes.ts [--src DIR] [--actions N]
 *
 * `--src DIR` runs another tree's engine (for an A/B). Not a test and not part of `npm run bench`:
 * the figures are for docs/performance.md ("Per-action memory").
 */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? (process.argv[i + 1] as string) : fallback;
};
const SRC = resolve(arg('--src', new URL('../../src', import.meta.url).pathname));
const ACTIONS = Number(arg('--actions', '20000'));
const TENANT = 'bench';

const { createSimulator } = (await import(
  pathToFileURL(`${SRC}/sim/index.ts`).href
)) as typeof import('../../src/sim/index.js');

interface Usage {
  name: string;
  bytes: number;
  payload: number;
}

/** A world of 100 replicating pairs and `actions` stops and resumes, in a file; its dbstat. */
function world(file: string, actions: number) {
  for (const suffix of ['', '-wal']) rmSync(`${file}${suffix}`, { force: true });
  const sim = createSimulator({ seed: 1, db: file });
  sim.setProgression('default', 'immediate');
  const pairs: string[] = [];
  for (let i = 0; i < 100; i++) {
    const name = `web-${String(i).padStart(3, '0')}`;
    const server = sim.createServer(TENANT, { name, region: 'HCM-3', files: { 'etc/hostname': name } });
    const pair = sim.attach(TENANT, {
      mainServerId: server.id,
      shadow: { region: 'HAN-1', vpcId: 'vpc-dr', subnetId: 'subnet-dr-a' },
    });
    sim.act(TENANT, pair.id, { action: 'startReplication', shadowName: `${name}-shadow`, intervalHours: 1 });
    pairs.push(pair.id);
  }
  sim.advance('3h');
  sim.setProgression('default', 'clock');
  for (let i = 0; i < actions; i++) {
    const index = i % 200;
    sim.act(TENANT, pairs[index % 100] as string, {
      action: index < 100 ? 'stopReplication' : 'resumeReplication',
    });
  }
  sim.close();
  const db = new Database(file);
  db.pragma('wal_checkpoint(TRUNCATE)');
  const usage = db
    .prepare('SELECT name, sum(pgsize) AS bytes, sum(payload) AS payload FROM dbstat GROUP BY name')
    .all() as Usage[];
  const rows = {
    jobs: db.prepare('SELECT * FROM jobs ORDER BY seq DESC LIMIT 1').all(),
    events: db.prepare('SELECT * FROM events ORDER BY seq DESC LIMIT 1').all(),
  };
  db.close();
  for (const suffix of ['', '-wal']) rmSync(`${file}${suffix}`, { force: true });
  return { usage, rows };
}

const base = world(join(tmpdir(), `drsim-action-bytes-${process.pid}-0.db`), 0);
const after = world(join(tmpdir(), `drsim-action-bytes-${process.pid}-1.db`), ACTIONS);
const before = new Map(base.usage.map((u) => [u.name, u]));
let bytes = 0;
let payload = 0;
console.log(`per stop/resume (${ACTIONS} actions, ${SRC}):`);
console.log('table or index'.padEnd(28), 'bytes'.padStart(8), 'payload'.padStart(8));
for (const u of after.usage) {
  const b = (u.bytes - (before.get(u.name)?.bytes ?? 0)) / ACTIONS;
  const p = (u.payload - (before.get(u.name)?.payload ?? 0)) / ACTIONS;
  if (b === 0 && p === 0) continue;
  bytes += b;
  payload += p;
  console.log(u.name.padEnd(28), b.toFixed(1).padStart(8), p.toFixed(1).padStart(8));
}
console.log('all'.padEnd(28), bytes.toFixed(1).padStart(8), payload.toFixed(1).padStart(8));
console.log(JSON.stringify(after.rows, null, 1));
