/**
 * The console is mounted lazily (src/console/lazy.ts): its routes are declared without loading
 * it. The declared list must be the console's own, or a page would answer 404 / 405.
 */
import { describe, expect, it } from 'vitest';
import { consoleApp } from '../../src/console/index.js';
import { CONSOLE_PATHS } from '../../src/console/lazy.js';
import { makeApp } from './helpers.js';

describe('the console mounted lazily', () => {
  it('declares exactly the routes of the console', () => {
    const real = consoleApp({ api: { request: () => new Response() } });
    expect(real.routes.every((route) => route.method === 'GET')).toBe(true);
    expect(new Set(real.routes.map((route) => route.path))).toEqual(new Set(CONSOLE_PATHS));
  });

  it('serves its pages and assets on the first request, and refuses other methods with 405', async () => {
    const { call } = makeApp();
    const page = await call('GET', '/console/simulation');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(String(page.body)).toContain('Simulation panel');
    const css = await call('GET', '/console/assets/console.css');
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    const missing = await call('GET', '/console/assets/nothing.css');
    expect(missing.status).toBe(404);
    const wrong = await call('POST', '/console/rows', { body: {} });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET, HEAD');
  });

  it('opens from its address typed with a trailing slash', async () => {
    const { call } = makeApp();
    const slash = await call('GET', '/console/');
    expect(slash.status).toBe(302);
    expect(slash.headers.get('location')).toBe('/console');
  });
});
