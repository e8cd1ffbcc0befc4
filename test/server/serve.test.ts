/**
 * The server on a real port (the only tests that open one): a file database keeps every
 * acknowledged change across a restart, shutdown lets in-flight requests finish, a realtime
 * clock ticks, and `drsim serve` stops cleanly on SIGTERM.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/server/logger.js';
import { startServer } from '../../src/server/serve.js';

const dir = mkdtempSync(join(tmpdir(), 'drsim-serve-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const auth = { Authorization: 'Bearer alice', 'Content-Type': 'application/json' };
async function post(url: string, body: unknown) {
  const res = await fetch(url, { method: 'POST', headers: auth, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as { id: string; [key: string]: unknown } };
}

describe('startServer', () => {
  it('keeps every acknowledged change in a file database across a restart', async () => {
    const db = join(dir, 'restart.db');
    const first = await startServer({ port: 0, db, seed: 3, logger: silentLogger });
    const server = await post(`${first.url}/v1/servers`, {
      name: 'web-01',
      region: 'HCM-3',
      files: { a: '1' },
    });
    expect(server.status).toBe(201);
    const pair = await post(`${first.url}/v1/dr-pairs`, {
      mainServerId: server.body.id,
      shadow: { region: 'HAN-1', vpcId: 'vpc-dr', subnetId: 'subnet-dr-a' },
    });
    const job = await post(`${first.url}/v1/dr-pairs/${pair.body.id}/start-replication`, {
      shadowName: 'web-01-shadow',
      intervalHours: 1,
    });
    expect(job.status).toBe(202);
    await post(`${first.url}/_sim/clock/advance`, { by: '2h' });
    const before = await (await fetch(`${first.url}/v1/dr-pairs/${pair.body.id}`, { headers: auth })).json();
    await first.close();
    await first.close(); // twice is harmless

    const second = await startServer({ port: 0, db, seed: 3, demo: true, logger: silentLogger });
    try {
      const after = await fetch(`${second.url}/v1/dr-pairs/${pair.body.id}`, { headers: auth });
      expect(after.status).toBe(200);
      expect(await after.json()).toEqual(before);
      expect(after.headers.get('x-drsim-time')).toBe('2026-01-05T02:00:00.000Z');
      // --demo seeds the demo tenant's world when it is empty, and touches no other world.
      const demo = await fetch(`${second.url}/v1/dr-pairs`, { headers: { Authorization: 'Bearer demo' } });
      expect(((await demo.json()) as { items: unknown[] }).items.length).toBeGreaterThanOrEqual(6);
      expect(
        await (await fetch(`${second.url}/v1/dr-pairs/${pair.body.id}`, { headers: auth })).json(),
      ).toEqual(before);
    } finally {
      await second.close();
    }
  });

  it('lets in-flight requests finish on close', async () => {
    const running = await startServer({ port: 0, logger: silentLogger });
    // A long latency keeps the request in flight; the pause lets it reach the server first, with
    // a wide margin for a busy machine.
    await post(`${running.url}/_sim/chaos`, { path: '/v1/servers', effect: { kind: 'latency', ms: 1500 } });
    const slow = fetch(`${running.url}/v1/servers`, {
      method: 'POST',
      headers: auth,
      body: '{"name":"a","region":"b"}',
    });
    await new Promise((resolve) => setTimeout(resolve, 400));
    const closed = running.close();
    const res = await slow;
    expect(res.status).toBe(201);
    await closed;
    await expect(fetch(`${running.url}/_sim/health`)).rejects.toThrow();
  });

  it('drops a connection for a drop rule', async () => {
    const running = await startServer({ port: 0, logger: silentLogger });
    try {
      await post(`${running.url}/_sim/chaos`, { path: '/v1/**', effect: { kind: 'drop' }, times: 1 });
      await expect(fetch(`${running.url}/v1/servers`, { headers: auth })).rejects.toThrow();
      expect((await fetch(`${running.url}/v1/servers`, { headers: auth })).status).toBe(200);
    } finally {
      await running.close();
    }
  });

  it('runs a realtime clock at the given speed and seeds the demo', async () => {
    const running = await startServer({ port: 0, speed: 3600, demo: true, logger: silentLogger });
    try {
      const start = Date.parse(running.worlds.get('demo').clock().now);
      // 15 simulated minutes are 250 ms of wall time at 3600×; a busy machine may need longer
      // to get there, so wait for it (bounded) rather than for a fixed time.
      let clock = { now: new Date(start).toISOString(), mode: '' };
      for (let waited = 0; waited < 10_000 && Date.parse(clock.now) - start < 15 * 60_000; waited += 100) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        clock = (await (await fetch(`${running.url}/_sim/clock?tenant=demo`)).json()) as {
          now: string;
          mode: string;
        };
      }
      expect(clock.mode).toBe('realtime');
      expect(Date.parse(clock.now) - start).toBeGreaterThanOrEqual(15 * 60_000);
      const pairs = await fetch(`${running.url}/v1/dr-pairs`, { headers: { Authorization: 'Bearer demo' } });
      expect(((await pairs.json()) as { items: unknown[] }).items.length).toBeGreaterThanOrEqual(6);
    } finally {
      await running.close();
    }
  });
});

describe('drsim serve', () => {
  it('starts from bin/drsim.js and stops cleanly on SIGTERM', async () => {
    const db = join(dir, 'cli.db');
    const child = spawn(
      process.execPath,
      ['bin/drsim.js', 'serve', '--port', '0', '--db', db, '--log-level', 'info'],
      {
        env: { ...process.env, DRSIM_SEED: '9' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let log = '';
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no listening line in: ${log}`)), 20_000);
      const onData = (chunk: Buffer) => {
        log += chunk.toString();
        const match = /listening on (http:\/\/\S+)/.exec(log);
        if (match?.[1]) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      };
      child.stderr.on('data', onData);
      child.stdout.on('data', onData);
    });
    const created = await post(`${url}/v1/servers`, { name: 'web-01', region: 'HCM-3' });
    expect(created.status).toBe(201);
    expect((await (await fetch(`${url}/_sim/health`)).json()) as object).toMatchObject({ seed: 9 });

    // One process per database: a second server on the same file is refused, the first unharmed.
    await expect(startServer({ port: 0, db, logger: silentLogger })).rejects.toThrow(
      /in use by another drsim/,
    );
    const second = spawn(process.execPath, ['bin/drsim.js', 'serve', '--port', '0', '--db', db], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let secondErr = '';
    second.stderr.on('data', (chunk: Buffer) => {
      secondErr += chunk.toString();
    });
    expect(await new Promise<number | null>((resolve) => second.on('exit', (code) => resolve(code)))).toBe(1);
    expect(secondErr).toMatch(/drsim serve: the database .* is in use by another drsim process/);
    expect((await post(`${url}/v1/servers`, { name: 'web-02', region: 'HCM-3' })).status).toBe(201);

    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(log).toMatch(/SIGTERM: shutting down/);
    expect(log).toMatch(/POST \/v1\/servers 201/);

    const again = await startServer({ port: 0, db, seed: 9, logger: silentLogger });
    try {
      const res = await fetch(`${again.url}/v1/servers/${created.body.id}`, { headers: auth });
      expect(res.status).toBe(200);
    } finally {
      await again.close();
    }
  });
});
