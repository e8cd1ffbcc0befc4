/**
 * npm run bench:sim — 1,000 DR pairs replicating for 30 simulated days at 15-minute recovery
 * points with the documented retention and a light write workload. Prints simulated pair-days
 * per wall second and peak memory beside a floor measured in the same run: plain better-sqlite3
 * replaying the same recovery-point and event rows in the same transactions (one per tick).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createSimulator } from '../src/sim/index.js';
import { openStore } from '../src/sim/store.js';

const PAIRS = Number(process.env.BENCH_PAIRS ?? 1000);
const DAYS = Number(process.env.BENCH_DAYS ?? 30);
const WRITES_PER_MINUTE = 0.02;
const dir = mkdtempSync(join(tmpdir(), 'drsim-bench-'));
const peakMb = () => Math.round(process.resourceUsage().maxRSS / 1024);

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

log(
  `drsim bench:sim — ${PAIRS} pairs × ${DAYS} days, 15-minute points, workload ${WRITES_PER_MINUTE} writes/min/server`,
);
const sim = createSimulator({ seed: 7, db: join(dir, 'sim.db'), progression: { default: 'immediate' } });
const tenant = 'bench';
const setupStart = performance.now();
for (let i = 0; i < PAIRS; i++) {
  const server = sim.createServer(tenant, {
    name: `app-${i}`,
    region: 'HCM',
    files: { 'etc/app.conf': `id=${i}\n`, 'data/seed.txt': 'x'.repeat(256) },
  });
  const pair = sim.attach(tenant, {
    mainServerId: server.id,
    shadow: { region: 'HAN', vpcId: 'vpc-1', subnetId: 'subnet-1' },
  });
  sim.act(tenant, pair.id, {
    action: 'startReplication',
    shadowName: `app-${i}-dr`,
    intervalHours: 1 + (i % 12),
  });
  if (i % 10 === 0) sim.setWorkload(tenant, server.id, WRITES_PER_MINUTE * 10);
}
log(
  `setup: ${PAIRS} servers, pairs and full copies in ${((performance.now() - setupStart) / 1000).toFixed(1)} s`,
);

const start = performance.now();
const cpuStart = process.cpuUsage();
// Events of the setup (attach, full copies) are not part of the measured run.
const reader = new Database(join(dir, 'sim.db'), { readonly: true });
const firstSeq = reader
  .prepare<[], { seq: number }>('SELECT coalesce(max(seq), 0) AS seq FROM events')
  .get()!.seq;
reader.close();
const chunks: { fromMs: number; toMs: number }[] = [];
for (let day = 1; day <= DAYS; day++) {
  const { from, to } = sim.advance('1d');
  chunks.push({ fromMs: Date.parse(from), toMs: Date.parse(to) });
  if (process.stdout.isTTY || day % 5 === 0 || day === DAYS) {
    const s = (performance.now() - start) / 1000;
    log(`  day ${String(day).padStart(2)}/${DAYS}  ${s.toFixed(1)} s  peak ${peakMb()} MB`);
  }
}
const simSeconds = (performance.now() - start) / 1000;
const simCpu = process.cpuUsage(cpuStart);
const simPeakMb = peakMb();
const points = sim.listRecoveryPoints(tenant, sim.listPairs(tenant, { limit: 1 }).items[0]!.id, {
  limit: 500,
}).items.length;
sim.close();

// The floor: replay the very same rows — recovery points and their events, the workload's file
// versions and the servers' data versions — in the same transactions (one per advance call),
// with the same file settings and schema as the engine's store, so it differs only in logic.
const source = new Database(join(dir, 'sim.db'));
source.exec('CREATE INDEX IF NOT EXISTS bench_files_time ON files (written_at_ms)');
type Ev = { seq: number; at_ms: number; tenant: string; pair_id: string; kind: string; data: string };
type FileRow = {
  server_id: string;
  path: string;
  version: number;
  content: string;
  checksum: string;
  written_at_ms: number;
};
const eventsIn = source.prepare<[number, number, number], Ev>(
  "SELECT * FROM events WHERE seq > ? AND at_ms > ? AND at_ms <= ? AND kind IN ('recoveryPoint.created', 'recoveryPoint.deleted') ORDER BY seq",
);
const filesIn = source.prepare<[number, number], FileRow>(
  'SELECT * FROM files WHERE written_at_ms > ? AND written_at_ms <= ? ORDER BY written_at_ms',
);
const floorDb = openStore(join(dir, 'floor.db')).db;
const insertPoint = floorDb.prepare(
  'INSERT INTO recovery_points (id, pair_id, tenant, created_at_ms, status, tags, size_bytes, data_version, corrupt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)',
);
const deletePoint = floorDb.prepare('DELETE FROM recovery_points WHERE id = ?');
const insertEvent = floorDb.prepare(
  'INSERT INTO events (seq, at_ms, tenant, pair_id, kind, data) VALUES (?, ?, ?, ?, ?, ?)',
);
const insertFile = floorDb.prepare(
  'INSERT INTO files (server_id, path, version, content, checksum, written_at_ms) VALUES (?, ?, ?, ?, ?, ?)',
);
const updateServer = floorDb.prepare('UPDATE servers SET data_version = ?, updated_at_ms = ? WHERE id = ?');
let floorMs = 0;
let floorCpuUs = 0;
let replayedEvents = 0;
let replayedFiles = 0;
for (const chunk of chunks) {
  const events = eventsIn.all(firstSeq, chunk.fromMs, chunk.toMs);
  const files = filesIn.all(chunk.fromMs, chunk.toMs);
  replayedEvents += events.length;
  replayedFiles += files.length;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  floorDb
    .transaction(() => {
      for (const ev of events) {
        const data = JSON.parse(ev.data) as { recoveryPointId: string; dataVersion?: number };
        if (ev.kind === 'recoveryPoint.created') {
          insertPoint.run(
            data.recoveryPointId,
            ev.pair_id,
            ev.tenant,
            ev.at_ms,
            'AVAILABLE',
            '["interval"]',
            512,
            data.dataVersion ?? 0,
          );
        } else {
          deletePoint.run(data.recoveryPointId);
        }
        insertEvent.run(ev.seq, ev.at_ms, ev.tenant, ev.pair_id, ev.kind, ev.data);
      }
      for (const f of files) {
        insertFile.run(f.server_id, f.path, f.version, f.content, f.checksum, f.written_at_ms);
        updateServer.run(f.version, f.written_at_ms, f.server_id);
      }
    })
    .immediate();
  floorMs += performance.now() - t0;
  const c = process.cpuUsage(c0);
  floorCpuUs += c.user + c.system;
}
source.close();
floorDb.close();
rmSync(dir, { recursive: true, force: true });
const floorSeconds = floorMs / 1000;

const pairDays = PAIRS * DAYS;
const speed = pairDays / simSeconds;
const floorSpeed = pairDays / floorSeconds;
log('');
log(
  `rows replayed by the floor: ${replayedEvents} recovery-point events and ${replayedFiles} file versions in ${chunks.length} transactions`,
);
log(`points kept per pair at the end (retention): ${points}`);
log(`drsim:  ${speed.toFixed(0)} pair-days/s (${simSeconds.toFixed(1)} s for ${pairDays} pair-days)`);
log(`floor:  ${floorSpeed.toFixed(0)} pair-days/s (${floorSeconds.toFixed(1)} s, plain better-sqlite3)`);
log(`ratio:  ${(speed / floorSpeed).toFixed(2)}× the floor (aim ≥ 0.50×)`);
const cpuSeconds = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1e6;
log(
  `cpu:    drsim ${cpuSeconds(simCpu).toFixed(1)} s, floor ${(floorCpuUs / 1e6).toFixed(1)} s → ${(floorCpuUs / 1e6 / cpuSeconds(simCpu)).toFixed(2)}× (the same ratio by CPU time, steadier on a busy machine)`,
);
log(
  `run:    ${simSeconds.toFixed(1)} s simulated run (aim < 60 s) → ${(60 / simSeconds).toFixed(2)}× headroom`,
);
log(
  `memory: peak ${simPeakMb} MB RSS during the simulation (aim < 300 MB) → ${(300 / simPeakMb).toFixed(2)}× headroom`,
);
