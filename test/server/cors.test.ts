/**
 * CORS through hono's own middleware: off by default; with `cors` (`--cors ORIGIN`) a browser
 * page from that origin gets its preflight answered without a token and may read the answers.
 */
import { describe, expect, it } from 'vitest';
import { parseServeArgs } from '../../src/cli/args.js';
import { makeApp } from './helpers.js';

const ORIGIN = 'http://localhost:5173';

describe('CORS', () => {
  it('answers a preflight without a token, before auth and chaos', async () => {
    const { app, call } = makeApp({ cors: ORIGIN, adminToken: 'secret' });
    await call('POST', '/_sim/chaos', {
      body: { path: '/v1/**', effect: { kind: 'status', status: 503 } },
      headers: { 'X-Drsim-Admin-Token': 'secret' },
    });
    const preflight = await app.request('/v1/servers', {
      method: 'OPTIONS',
      headers: {
        Origin: ORIGIN,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization, content-type, idempotency-key',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('idempotency-key');
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
  });

  it('lets the page read answers and their headers', async () => {
    const { app } = makeApp({ cors: ORIGIN });
    const res = await app.request('/v1/servers', {
      headers: { Origin: ORIGIN, Authorization: 'Bearer web' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(res.headers.get('access-control-expose-headers')).toContain('X-Drsim-Time');
  });

  it('is off by default, and another origin gets no grant', async () => {
    const off = await makeApp().app.request('/v1/servers', {
      headers: { Origin: ORIGIN, Authorization: 'Bearer w' },
    });
    expect(off.headers.get('access-control-allow-origin')).toBeNull();
    const other = await makeApp({ cors: ORIGIN }).app.request('/v1/servers', {
      headers: { Origin: 'http://evil.example', Authorization: 'Bearer w' },
    });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('--cors takes origins or *, and refuses anything else', () => {
    expect(parseServeArgs(['--cors', ORIGIN, '--cors', 'https://app.example:8443'], {}).cors).toEqual([
      ORIGIN,
      'https://app.example:8443',
    ]);
    expect(parseServeArgs([], { DRSIM_CORS: '*' }).cors).toEqual(['*']);
    expect(parseServeArgs([], {}).cors).toBeUndefined();
    expect(() => parseServeArgs(['--cors', 'localhost'], {})).toThrow(/--cors localhost/);
  });
});
