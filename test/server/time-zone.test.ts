/**
 * The world's time zone over HTTP: `drsim serve --time-zone` (and DRSIM_TIME_ZONE) decides what
 * "00:00" and "Sunday" mean for retention; the default is Asia/Ho_Chi_Minh; times stay `Z`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/server/logger.js';
import { startServer } from '../../src/server/serve.js';
import { startDrsim } from '../../src/testing/index.js';
import { type Call, type CallResult, expectProblem, SHADOW } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'drsim-tz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGTERM');
});

/** `drsim serve --port 0 …args` from bin/drsim.js; resolves to its URL. */
async function serve(args: string[], env: Record<string, string> = {}): Promise<string> {
  const child = spawn(process.execPath, ['bin/drsim.js', 'serve', '--port', '0', ...args], {
    env: { ...process.env, DRSIM_TIME_ZONE: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let log = '';
  return new Promise<string>((resolve, reject) => {
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${log}`)));
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(log);
      if (match?.[1]) resolve(match[1]);
    };
    child.stderr.on('data', onData);
    child.stdout.on('data', onData);
  });
}

function caller(url: string, token = 'alice'): Call {
  return async (method, path, { body } = {}) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null } as CallResult;
  };
}

interface Point {
  createdAt: string;
  tags: string[];
}

/** A pair replicating every 4 hours for two simulated days; its points, oldest first. */
async function twoDaysOfPoints(call: Call): Promise<Point[]> {
  const server = await call('POST', '/v1/servers', { body: { name: 'web-01', region: 'HCM-3' } });
  expect(server.status).toBe(201);
  const pair = await call('POST', '/v1/dr-pairs', { body: { mainServerId: server.body.id, shadow: SHADOW } });
  expect(pair.status).toBe(201);
  const started = await call('POST', `/v1/dr-pairs/${pair.body.id}/start-replication`, {
    body: { shadowName: 'web-01-dr', intervalHours: 4 },
  });
  expect(started.status).toBe(202);
  expect((await call('POST', '/_sim/clock/advance', { body: { by: '2d' } })).status).toBe(200);
  const points = await call('GET', `/v1/dr-pairs/${pair.body.id}/recovery-points?limit=100`);
  expect(points.status).toBe(200);
  return (points.body.items as Point[]).reverse();
}

const dailyTimes = (points: Point[]) =>
  points.filter((p) => p.tags.includes('daily')).map((p) => p.createdAt);
const pointTimes = (points: Point[]) => points.map((p) => p.createdAt);

describe('drsim serve --time-zone', () => {
  it('makes the daily point at local 00:00 of the zone given, and shows the zone in the clock', async () => {
    const url = await serve(['--time-zone', 'America/New_York']);
    const call = caller(url);
    const clock = await call('GET', '/_sim/clock');
    expect(clock.body).toMatchObject({ now: '2026-01-05T00:00:00.000Z', timeZone: 'America/New_York' });
    const points = await twoDaysOfPoints(call);
    // New York is UTC-5 in January: its midnights are 05:00Z; the 4 h interval counts from them.
    expect(dailyTimes(points)).toContain('2026-01-06T05:00:00.000Z');
    expect(
      dailyTimes(points).every((t) => t.endsWith('T05:00:00.000Z') || t < '2026-01-05T05:00:00.000Z'),
    ).toBe(true);
    expect(pointTimes(points)).toContain('2026-01-06T21:00:00.000Z');
    expect(pointTimes(points)).not.toContain('2026-01-06T20:00:00.000Z');
    // Times in the API stay UTC with a Z.
    expect(points.every((p) => p.createdAt.endsWith('Z'))).toBe(true);
  });

  it('reads DRSIM_TIME_ZONE, and defaults to Asia/Ho_Chi_Minh (UTC+7: midnight is 17:00Z)', async () => {
    const [fromEnv, byDefault] = await Promise.all([serve([], { DRSIM_TIME_ZONE: 'UTC' }), serve([])]);
    expect((await caller(fromEnv)('GET', '/_sim/clock')).body.timeZone).toBe('UTC');
    const points = await twoDaysOfPoints(caller(byDefault));
    expect((await caller(byDefault)('GET', '/_sim/clock')).body.timeZone).toBe('Asia/Ho_Chi_Minh');
    expect(dailyTimes(points)).toContain('2026-01-05T17:00:00.000Z');
    expect(dailyTimes(points)).toContain('2026-01-06T17:00:00.000Z');
    expect(dailyTimes(points)).not.toContain('2026-01-06T00:00:00.000Z');
    expect(pointTimes(points)).toContain('2026-01-06T09:00:00.000Z');
  });

  it('exits 2 with one line on an unknown zone, before opening the database', async () => {
    const db = join(dir, 'bad-zone.db');
    const child = spawn(process.execPath, ['bin/drsim.js', 'serve', '--port', '0', '--db', db], {
      env: { ...process.env, DRSIM_TIME_ZONE: 'Asia/Saigon City' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    expect(await new Promise<number | null>((resolve) => child.on('exit', resolve))).toBe(2);
    expect(err).toBe(
      'drsim serve: --time-zone "Asia/Saigon City": not an IANA time zone; write e.g. Asia/Ho_Chi_Minh, UTC or Europe/Berlin\n',
    );
    expect(existsSync(db)).toBe(false);
  });
});

describe('the zone of a world', () => {
  it('is chosen per tenant at creation; an unknown one is a 400', async () => {
    const server = await startServer({ port: 0, logger: silentLogger, timeZone: 'Europe/Berlin' });
    try {
      const call = caller(server.url);
      const created = await call('POST', '/_sim/tenants', { body: { timeZone: 'UTC' } });
      expect(created.status).toBe(201);
      expect(created.body.clock.timeZone).toBe('UTC');
      const plain = await call('POST', '/_sim/tenants', { body: {} });
      expect(plain.body.clock.timeZone).toBe('Europe/Berlin');
      const bad = await call('POST', '/_sim/tenants', { body: { timeZone: 'Europe/Atlantis' } });
      expectProblem(bad, 400, 'VALIDATION_FAILED');
      expect(bad.body.detail).toContain('Europe/Atlantis');
    } finally {
      await server.close();
    }
  });

  it('is kept by a file world across a restart with another --time-zone, and by a reset', async () => {
    const db = join(dir, 'kept.db');
    const first = await startServer({ port: 0, db, logger: silentLogger, timeZone: 'Asia/Tokyo' });
    try {
      expect((await caller(first.url)('GET', '/_sim/clock')).body.timeZone).toBe('Asia/Tokyo');
    } finally {
      await first.close();
    }
    const again = await startServer({ port: 0, db, logger: silentLogger, timeZone: 'UTC' });
    try {
      const call = caller(again.url);
      expect((await call('GET', '/_sim/clock')).body.timeZone).toBe('Asia/Tokyo');
      expect((await call('POST', '/_sim/tenants/alice/reset')).status).toBe(204);
      expect((await call('GET', '/_sim/clock')).body.timeZone).toBe('Asia/Tokyo');
      // A world made now takes the server's current zone.
      expect((await caller(again.url, 'bob')('GET', '/_sim/clock')).body.timeZone).toBe('UTC');
    } finally {
      await again.close();
    }
  });
});

describe('startDrsim({ timeZone })', () => {
  for (const inProcess of [true, false]) {
    it(`sets the world's zone ${inProcess ? 'in process' : 'on a port'}, default Asia/Ho_Chi_Minh`, async () => {
      const zoned = await startDrsim({ inProcess, timeZone: 'Australia/Sydney' });
      const plain = await startDrsim({ inProcess });
      try {
        expect((await zoned.client.sim.clock()).timeZone).toBe('Australia/Sydney');
        expect(zoned.sim.clock().timeZone).toBe('Australia/Sydney');
        expect((await plain.client.sim.clock()).timeZone).toBe('Asia/Ho_Chi_Minh');
      } finally {
        await zoned.stop();
        await plain.stop();
      }
      await expect(startDrsim({ inProcess, timeZone: 'Nope/Nowhere' })).rejects.toThrow(/Unknown time zone/);
    });
  }
});
