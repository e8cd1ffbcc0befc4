/**
 * Crash safety: a child process (test/sim/support/crash-worker.ts) works on a simulator backed by
 * a database file — creating servers, attaching, acting, writing files, adding faults, advancing
 * the clock — and acknowledges each call on stdout after it returned. The parent kills it with
 * SIGKILL at seeded moments (after a seeded number of acknowledgements plus a seeded delay of a
 * few milliseconds, so the kill often lands inside a transaction), over several rounds on the
 * same file. After each kill it reopens the file and asserts that the invariant checkers pass,
 * that SQLite finds the file intact, and that everything acknowledged is there.
 *
 * How interrupted work resolves: every public call is one transaction, and `advance` commits each
 * scheduled firing (a job step's end, a 15-minute tick) as its own transaction together with the
 * clock. The schedule is persisted, so a job interrupted mid-way keeps its committed steps, and
 * its next step end stays in the schedule; when the clock advances again (in the next process)
 * that step ends and the job continues from there, exactly as if nothing had happened. A call
 * killed before its commit left nothing behind (it was never acknowledged); a killed `advance`
 * keeps the firings it had committed and the clock where the last of them put it.
 *
 * Reproduce with FC_SEED=<seed> (printed on failure); the kill moments are seeded, but the exact
 * instruction a kill lands on depends on timing.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/sim/contract.js';
import { createSimulator } from '../../src/sim/index.js';
import { CRASH_TENANT } from './support/crash-protocol.js';
import { DAY_MS, expectChecksPass, nowMs } from './support/world.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WORKER = fileURLToPath(new URL('./support/crash-worker.ts', import.meta.url));
const ROUNDS = 5;

const dir = mkdtempSync(join(tmpdir(), 'drsim-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Ack {
  n: number;
  what: string;
  args: string[];
}

interface RoundResult {
  acks: Ack[];
  readyAt: string | null;
  signal: NodeJS.Signals | null;
  code: number | null;
  stderr: string;
}

/** Runs the worker until `killAfterAcks` acknowledgements, then `delayMs` later kills it. */
function runUntilKilled(
  db: string,
  seed: number,
  round: number,
  killAfterAcks: number,
  delayMs: number,
): Promise<RoundResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER, db, String(seed), String(round)], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const result: RoundResult = { acks: [], readyAt: null, signal: null, code: null, stderr: '' };
    let pending = '';
    let scheduled = false;
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      result.stderr += chunk;
    });
    child.stdout.on('data', (chunk: string) => {
      pending += chunk;
      for (let end = pending.indexOf('\n'); end >= 0; end = pending.indexOf('\n')) {
        const line = pending.slice(0, end);
        pending = pending.slice(end + 1);
        const [tag, n, what, ...args] = line.split(' ');
        if (tag === 'READY') result.readyAt = n ?? null;
        if (tag !== 'ACK' || !what) continue;
        result.acks.push({ n: Number(n), what, args });
        if (!scheduled && result.acks.length >= killAfterAcks) {
          scheduled = true;
          setTimeout(() => child.kill('SIGKILL'), delayMs);
        }
      }
      // A line cut by the kill (no newline) acknowledges nothing.
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      result.code = code;
      result.signal = signal;
      resolve(result);
    });
  });
}

/** What the acknowledgements so far promise, folded over all rounds. */
interface Promised {
  servers: Set<string>;
  pairs: Set<string>;
  jobs: Set<string>;
  files: { serverId: string; path: string; checksum: string }[];
  faults: Set<string>;
  removedFaults: Set<string>;
  clockMs: number;
}

function remember(promised: Promised, ack: Ack): void {
  const [first = '', second = '', third = ''] = ack.args;
  switch (ack.what) {
    case 'server':
      promised.servers.add(first);
      break;
    case 'pair':
      promised.pairs.add(first);
      break;
    case 'job':
      promised.jobs.add(first);
      break;
    case 'clock':
      promised.clockMs = Math.max(promised.clockMs, Date.parse(first));
      break;
    case 'file':
      promised.files.push({ serverId: first, path: second, checksum: third });
      break;
    case 'fault':
      promised.faults.add(first);
      break;
    case 'unfault':
      promised.faults.delete(first);
      promised.removedFaults.add(first);
      break;
  }
}

function expectPromisesKept(sim: Simulator, promised: Promised): void {
  const state = sim.exportState();
  const ids = (rows: { id: string }[]) => new Set(rows.map((r) => r.id));
  const servers = ids(state.servers);
  const pairs = ids(state.pairs);
  const jobs = ids(state.jobs);
  const faults = ids(state.faults);
  for (const id of promised.servers) expect(servers.has(id), `acknowledged server ${id}`).toBe(true);
  for (const id of promised.pairs) expect(pairs.has(id), `acknowledged pair ${id}`).toBe(true);
  for (const id of promised.jobs) expect(jobs.has(id), `acknowledged job ${id}`).toBe(true);
  for (const id of promised.faults) expect(faults.has(id), `acknowledged fault rule ${id}`).toBe(true);
  for (const id of promised.removedFaults) expect(faults.has(id), `removed fault rule ${id}`).toBe(false);
  const written = new Set(state.files.map((f) => `${f.serverId} ${f.path} ${f.checksum}`));
  for (const f of promised.files) {
    expect(
      written.has(`${f.serverId} ${f.path} ${f.checksum}`),
      `acknowledged write ${f.path} on ${f.serverId}`,
    ).toBe(true);
  }
  expect(nowMs(sim)).toBeGreaterThanOrEqual(promised.clockMs);
  // Pairs, jobs and points name only what exists.
  for (const pair of state.pairs) expect(servers.has(pair.mainServerId), `main of ${pair.id}`).toBe(true);
  for (const job of state.jobs) expect(pairs.has(job.pairId), `pair of ${job.id}`).toBe(true);
  for (const point of state.recoveryPoints) expect(pairs.has(point.pairId), `pair of ${point.id}`).toBe(true);
}

function expectIntact(db: string): void {
  const raw = new Database(db, { readonly: true });
  try {
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
  } finally {
    raw.close();
  }
}

describe('crash safety: SIGKILL at seeded moments, then reopen', () => {
  it(`keeps everything acknowledged over ${ROUNDS} killed rounds, and interrupted jobs finish afterwards`, async () => {
    const seed = fc.readConfigureGlobal().seed ?? 1;
    const choose = fc.sample(fc.tuple(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 0, max: 25 })), {
      seed,
      numRuns: ROUNDS,
    });
    const db = join(dir, `crash-${seed}.db`);
    const promised: Promised = {
      servers: new Set(),
      pairs: new Set(),
      jobs: new Set(),
      files: [],
      faults: new Set(),
      removedFaults: new Set(),
      clockMs: 0,
    };
    const log: string[] = [];
    try {
      for (const [round, [killAfterAcks, delayMs]] of choose.entries()) {
        const result = await runUntilKilled(db, seed, round, killAfterAcks, delayMs);
        log.push(
          `round ${round}: kill after ${killAfterAcks} acks + ${delayMs} ms → ${result.acks.length} acks, signal ${result.signal}, code ${result.code}`,
        );
        expect(result.stderr, 'the worker wrote to stderr').toBe('');
        expect(result.signal, 'the worker ended by itself instead of being killed').toBe('SIGKILL');
        expect(result.acks.length).toBeGreaterThanOrEqual(killAfterAcks);
        if (result.readyAt) expect(Date.parse(result.readyAt)).toBeGreaterThanOrEqual(promised.clockMs);
        for (const ack of result.acks) remember(promised, ack);

        expectIntact(db);
        const sim = createSimulator({ db });
        try {
          const inFlight = sim.exportState().jobs.filter((j) => j.status === 'RUNNING').length;
          log[log.length - 1] += `, ${inFlight} jobs in flight at the reopen`;
          expectChecksPass(sim, `the kill in round ${round}`);
          expectPromisesKept(sim, promised);
        } finally {
          sim.close();
        }
      }
      expect(promised.jobs.size + promised.pairs.size, 'the rounds did some work').toBeGreaterThan(0);

      // Liveness: with faults removed and servers back, every interrupted job finishes.
      const sim = createSimulator({ db });
      try {
        for (const rule of sim.listFaults()) {
          sim.removeFault(rule.id);
          remember(promised, { n: 0, what: 'unfault', args: [rule.id] });
        }
        for (const server of sim.listServers(CRASH_TENANT, { limit: 500 }).items) {
          if (server.powerState === 'DOWN') sim.recoverServer(CRASH_TENANT, server.id);
        }
        sim.advance(2 * DAY_MS);
        const running = sim.exportState().jobs.filter((j) => j.status === 'RUNNING' || j.status === 'QUEUED');
        expect(running.map((j) => `${j.type} ${j.id}`)).toEqual([]);
        expectChecksPass(sim, 'the final advance');
        expectPromisesKept(sim, promised);
      } finally {
        sim.close();
      }
    } catch (error) {
      throw new Error(
        `crash test failed; reproduce with FC_SEED=${seed} (db ${db})\n${log.join('\n')}\n${(error as Error).message}`,
        { cause: error },
      );
    }
  }, 60_000);
});
