/**
 * Part "peers": drsim's list read beside the mock servers a user would otherwise pick
 * (json-server, Mockoon, WireMock, Prism), measured by the workshop's side-by-side harness
 * (`../shared/bench-peers/peers.mjs`, or the file BENCH_PEERS names) in one run: every server in
 * turn, autocannon, 50 connections. Goal of issue #14: drsim's GET list ≥ 3× the best peer.
 *
 * drsim serves a database seeded here (100 replicating pairs, as in the `http` part); the peers
 * serve the harness's fixture of 100 pairs. The harness installs the peers on its first run
 * (about 2 minutes). Without the harness the row says so and the part still succeeds.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createClient } from '../../src/client/index.js';
import { drsimServeArgs, emit, log, quick, ROOT, spawnServer, stopChild } from './lib.mjs';
import { BENCH_TOKEN, seedPairs } from './seed-pairs.js';

const PEERS = ['json-server', 'mockoon-cli', 'wiremock', 'prism'];
const GOAL = 'GET list req/s beside the best peer (json-server, Mockoon, WireMock, Prism)';
const harness = resolve(process.env.BENCH_PEERS ?? join(ROOT, '../shared/bench-peers/peers.mjs'));

interface Measured {
  name: string;
  status: string;
  versions?: string;
  get?: { rps: number; p99: number };
}

async function seededDatabase(file: string): Promise<void> {
  const { child, url } = await spawnServer(drsimServeArgs(file), '/_sim/health');
  try {
    await seedPairs(createClient({ baseUrl: url, token: BENCH_TOKEN }), 100);
  } finally {
    await stopChild(child);
  }
}

function runHarness(args: string[]): Promise<number> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [harness, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
    child.once('error', fail);
    child.once('exit', (code) => done(code ?? 1));
  });
}

if (!existsSync(harness)) {
  emit({
    goal: GOAL,
    figure: null,
    unit: 'req/s',
    floor: null,
    target: '≥ 3× best peer',
    met: false,
    note: `not measured: no side-by-side harness at ${harness} (set BENCH_PEERS)`,
  });
} else {
  const dir = mkdtempSync(join(tmpdir(), 'drsim-bench-peers-'));
  try {
    const db = join(dir, 'drsim.db');
    log('seeding 100 replicating pairs for drsim …');
    await seededDatabase(db);
    const servers = join(dir, 'servers.json');
    writeFileSync(
      servers,
      JSON.stringify({
        name: 'drsim',
        cmd: [process.execPath, ...drsimServeArgs(db)],
        cwd: ROOT,
        getPath: '/v1/dr-pairs?limit=100',
        postPath: '/v1/servers',
        postBody: { name: 'bench-web', region: 'HCM-3' },
        postStatus: 201,
        headers: { authorization: `Bearer ${BENCH_TOKEN}` },
        checkBody: 'any',
      }),
    );
    const out = join(dir, 'peers.md');
    const timing = quick ? ['--duration', '3', '--warmup', '1', '--startup-runs', '1'] : [];
    log(`running ${harness} (${[...PEERS, 'drsim'].join(', ')}) …`);
    const code = await runHarness([
      '--servers',
      servers,
      '--only',
      [...PEERS, 'drsim'].join(','),
      '--out',
      out,
      ...timing,
    ]);
    const results = (
      JSON.parse(readFileSync(out.replace(/\.md$/, '.json'), 'utf8')) as { results: Measured[] }
    ).results;
    const drsim = results.find((r) => r.name === 'drsim');
    const peers = results.filter((r) => PEERS.includes(r.name) && r.get);
    const best = peers.reduce<Measured | undefined>(
      (a, b) => (a?.get && a.get.rps >= (b.get?.rps ?? 0) ? a : b),
      undefined,
    );
    const figure = drsim?.get?.rps ?? null;
    const floor = best?.get?.rps ?? null;
    emit({
      goal: GOAL,
      figure,
      unit: 'req/s',
      floor,
      floorName: best
        ? `best peer: ${best.name} (${best.versions ?? 'version unknown'})`
        : 'no peer answered',
      target: '≥ 3× best peer',
      met: figure !== null && floor !== null && figure / floor >= 3,
      note: [
        ...results.map(
          (r) => `${r.name} ${r.get ? `${Math.round(r.get.rps)} req/s, p99 ${r.get.p99} ms` : r.status}`,
        ),
        ...(code === 0 ? [] : [`harness exited with ${code}`]),
      ].join('; '),
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
