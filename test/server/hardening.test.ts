/**
 * What an attacker or a careless client cannot do to the server: make it read a body before
 * authenticating, leave a kept-alive connection broken after a 413, move time backwards,
 * save a snapshot it cannot restore. And what the operator is told: a warning when serving
 * beyond loopback without an admin token.
 */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/server/logger.js';
import { type RunningServer, startServer } from '../../src/server/serve.js';
import { makeApp } from './helpers.js';

describe('on a real port', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({
      port: 0,
      adminToken: 'root-secret',
      logger: createLogger('error', () => {}),
    });
  });
  afterAll(() => server.close());

  it('answers 401 to an unauthenticated upload without reading its body', async () => {
    // The body never ends: a server that reads before authenticating would never answer.
    const status = await new Promise<{ status: number; connection: string | undefined }>(
      (resolve, reject) => {
        const req = httpRequest(`${server.url}/_sim/state`, {
          method: 'PUT',
          headers: { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' },
        });
        req.on('response', (res) => {
          resolve({ status: res.statusCode ?? 0, connection: res.headers.connection });
          res.resume();
          req.destroy();
        });
        req.on('error', reject);
        req.write(`{"format":"drsim-state","version":1,"pad":"${'x'.repeat(2 * 1024 * 1024)}`);
      },
    );
    expect(status).toEqual({ status: 401, connection: 'close' });
  });

  it('closes the connection after a 413, so the next request on a fresh one succeeds', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024), region: 'HCM01' });
    const headers = { Authorization: 'Bearer alice', 'Content-Type': 'application/json' };
    const tooLarge = await fetch(`${server.url}/v1/servers`, { method: 'POST', headers, body: big });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.headers.get('connection')).toBe('close');
    expect(((await tooLarge.json()) as { code: string }).code).toBe('PAYLOAD_TOO_LARGE');
    for (let i = 0; i < 3; i++) {
      const next = await fetch(`${server.url}/v1/servers`, { headers });
      expect(next.status).toBe(200);
      await next.arrayBuffer();
    }
  });
});

describe('startup warning', () => {
  const linesOf = async (host: string, adminToken?: string) => {
    const lines: string[] = [];
    const running = await startServer({
      port: 0,
      host,
      logger: createLogger('warn', (line) => lines.push(line)),
      ...(adminToken ? { adminToken } : {}),
    });
    await running.close();
    return lines.filter((line) => line.includes('WARN'));
  };

  it('warns when serving beyond loopback without an admin token, only then', async () => {
    expect(await linesOf('0.0.0.0')).toEqual([expect.stringMatching(/without an admin token/)]);
    expect(await linesOf('0.0.0.0', 'root-secret')).toEqual([]);
    expect(await linesOf('127.0.0.1')).toEqual([]);
  });
});

describe('the clock and snapshots', () => {
  it('refuses to advance to the past with 409 CLOCK_IN_PAST, changing nothing', async () => {
    const { call } = makeApp();
    await call('POST', '/_sim/clock/advance', { body: { by: '2h' } });
    const res = await call('POST', '/_sim/clock/advance', { body: { to: '2026-01-05T01:00:00.000Z' } });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('CLOCK_IN_PAST');
    expect((await call('GET', '/_sim/clock')).body.now).toBe('2026-01-05T02:00:00.000Z');
  });

  it('refuses names a URL cannot carry, and deletes snapshots', async () => {
    const { call } = makeApp();
    for (const name of ['.', '..', '.hidden', 'a/b', '']) {
      expect((await call('POST', '/_sim/snapshots', { body: { name } })).status, name).toBe(400);
    }
    expect((await call('POST', '/_sim/snapshots', { body: { name: 'v1.0_a-b' } })).status).toBe(201);
    expect((await call('DELETE', '/_sim/snapshots/v1.0_a-b')).status).toBe(204);
    expect((await call('GET', '/_sim/snapshots')).body.items).toEqual([]);
    const again = await call('DELETE', '/_sim/snapshots/v1.0_a-b');
    expect(again.status).toBe(404);
    expect(again.body.code).toBe('SNAPSHOT_NOT_FOUND');
    expect((await call('POST', '/_sim/snapshots/v1.0_a-b/restore')).status).toBe(404);
  });
});
