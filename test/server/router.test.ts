/**
 * The app's router keeps the matches it made (src/server/router.ts). Whatever order clients ask
 * in, each match must be the one hono's default router makes for the same routes: the same
 * middlewares and handler, in the same order, with the same path parameters.
 */
import fc from 'fast-check';
import { RegExpRouter } from 'hono/router/reg-exp-router';
import { SmartRouter } from 'hono/router/smart-router';
import { TrieRouter } from 'hono/router/trie-router';
import { describe, expect, it } from 'vitest';
import { KeptMatchRouter } from '../../src/server/router.js';
import { makeApp } from './helpers.js';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

describe('the app router', () => {
  it('matches every request as hono’s default router does, however often it is asked', () => {
    const { app } = makeApp();
    const kept = new KeptMatchRouter<number>();
    const reference = new SmartRouter<number>({ routers: [new RegExpRouter(), new TrieRouter()] });
    app.routes.forEach((route, index) => {
      kept.add(route.method, route.path, index);
      reference.add(route.method, route.path, index);
    });
    // Paths of every route with its parameters filled in, their prefixes, a trailing slash,
    // and paths no route has.
    const filled = app.routes.map((route) =>
      route.path
        .replace(/:path\{[^}]+\}/, 'etc/app/config.json')
        .replace(/:(\w+)/g, (_, name: string) => `${name}-1`)
        .replace(/\*$/, 'page'),
    );
    const paths = [
      ...new Set([
        ...filled,
        ...filled.map((path) => `${path}/`),
        ...filled.map((path) => path.split('/').slice(0, -1).join('/') || '/'),
        '/v1/dr-pairs/batch',
        '/v1/dr-pairs/drp-1/batch',
        '/v1/jobs/job%2D1',
        '/nowhere',
      ]),
    ];
    const asked = fc.record({ method: fc.constantFrom(...METHODS), path: fc.constantFrom(...paths) });
    fc.assert(
      fc.property(fc.array(asked, { minLength: 1, maxLength: 60 }), (requests) => {
        for (const { method, path } of requests) {
          expect(kept.match(method, path)).toEqual(reference.match(method, path));
        }
      }),
    );
  });

  it('is the router the app routes with', () => {
    expect(makeApp().app.router).toBeInstanceOf(KeptMatchRouter);
  });
});
