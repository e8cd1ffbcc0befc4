/**
 * Query strings, path parameters and headers are checked without @hono/zod-openapi's async
 * validators (src/server/routes/fast-validators.ts). For any query string, path parameter and
 * `Idempotency-Key` a client sends, the answer — the problem of an invalid one, or what the handler read from a valid one —
 * must be the one @hono/zod-openapi's own validators give with the same schemas and hook; and
 * for any JSON body, valid or not, under any media type a client may name (or none), on a route
 * whose body is required and one whose body may be left out.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AppEnv } from '../../src/server/app-env.js';
import { handleError, validationHook } from '../../src/server/problem.js';
import { checkParamsAndHeadersInPlace } from '../../src/server/routes/fast-validators.js';
import { IdempotencyHeadersSchema } from '../../src/server/schemas/actions.js';
import { idParam, PageQuerySchema } from '../../src/server/schemas/common.js';
import { EventQuerySchema, ListPairsQuerySchema } from '../../src/server/schemas/dr-pairs.js';

function app(fast: boolean) {
  const api = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  if (fast) checkParamsAndHeadersInPlace(api);
  const route = createRoute({
    method: 'post',
    path: '/things/{id}/parts/{part}',
    request: {
      params: z.object({ id: idParam('id', 'x-1'), part: idParam('part', 'p-1') }),
      headers: IdempotencyHeadersSchema,
      body: { content: { 'application/json': { schema: z.object({ n: z.number().optional() }) } } },
    },
    responses: { 200: { description: 'ok' } },
  });
  api.openapi(route, (c) =>
    c.json({ params: c.req.valid('param'), headers: c.req.valid('header'), body: c.req.valid('json') }, 200),
  );
  const optional = createRoute({
    method: 'post',
    path: '/things/{id}/stop',
    request: {
      params: z.object({ id: idParam('id', 'x-1') }),
      body: {
        required: false,
        content: { 'application/json': { schema: z.object({ force: z.boolean().optional() }).strict() } },
      },
    },
    responses: { 200: { description: 'ok' } },
  });
  api.openapi(optional, (c) => c.json({ body: c.req.valid('json') ?? null }, 200));
  const list = createRoute({
    method: 'get',
    path: '/things',
    request: { query: PageQuerySchema.extend(ListPairsQuerySchema.shape) },
    responses: { 200: { description: 'ok' } },
  });
  api.openapi(list, (c) => c.json({ query: c.req.valid('query') }, 200));
  const events = createRoute({
    method: 'get',
    path: '/things/{id}/events',
    request: { params: z.object({ id: idParam('id', 'x-1') }), query: EventQuerySchema },
    responses: { 200: { description: 'ok' } },
  });
  api.openapi(events, (c) => c.json({ params: c.req.valid('param'), query: c.req.valid('query') }, 200));
  api.onError((err, c) => handleError(err, c));
  return api;
}

const segment = fc.oneof(
  fc.string({ minLength: 1, maxLength: 140 }).map(encodeURIComponent),
  fc.constantFrom('job-2m7xq0d9ra', '%E2%9C%93', 'a%2Fb', '%ZZ', 'x'.repeat(128), 'x'.repeat(129)),
);

describe('path parameters and headers checked in place', () => {
  it('answer as @hono/zod-openapi’s validators do', async () => {
    const fast = app(true);
    const original = app(false);
    await fc.assert(
      fc.asyncProperty(
        segment,
        segment,
        fc.option(fc.oneof(fc.string({ maxLength: 210 }), fc.constantFrom('', ' ', 'k'.repeat(201)))),
        fc.constantFrom('{}', '{"n":1}', '{"n":"x"}'),
        async (id, part, key, body) => {
          const ask = async (api: OpenAPIHono<AppEnv>) => {
            const headers: Record<string, string> = { 'content-type': 'application/json' };
            if (key !== null) headers['Idempotency-Key'] = key.replace(/[^\x20-\x7e]/g, '?');
            const res = await api.request(`/things/${id}/parts/${part}`, { method: 'POST', headers, body });
            return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
          };
          expect(await ask(fast)).toEqual(await ask(original));
        },
      ),
    );
  });

  it('judge a JSON body as @hono/zod-openapi’s validators do, whatever its media type', async () => {
    const fast = app(true);
    const original = app(false);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/things/t-1/parts/p-1', '/things/t-1/stop'),
        fc.option(
          fc.constantFrom(
            'application/json',
            'application/json; charset=utf-8',
            'APPLICATION/JSON;charset=UTF-8',
            'application/json; charset=latin1',
            'application/json ',
            'application/merge-patch+json',
            'application/jsonx',
            'text/plain',
            'multipart/form-data; boundary=x',
          ),
        ),
        fc.oneof(
          fc.constantFrom(
            '{}',
            '{"n":1}',
            '{"n":"x"}',
            '',
            '{',
            'null',
            '[1]',
            '{"force":true}',
            '{"force":1,"n":2}',
          ),
          fc.json(),
          fc.string({ maxLength: 20 }),
        ),
        async (path, type, body) => {
          const ask = async (api: OpenAPIHono<AppEnv>) => {
            const headers: Record<string, string> = type === null ? {} : { 'content-type': type };
            const res = await api.request(path, { method: 'POST', headers, body });
            return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
          };
          expect(await ask(fast)).toEqual(await ask(original));
        },
      ),
    );
  });

  it('judge a query string as @hono/zod-openapi’s validators do', async () => {
    const fast = app(true);
    const original = app(false);
    const name = fc.constantFrom(
      'limit',
      'cursor',
      'status',
      'kinds',
      'afterSeq',
      'other',
      '__proto__',
      'a%20b',
    );
    const value = fc.oneof(
      fc.constantFrom(
        '',
        '1',
        '100',
        '0',
        '501',
        '2.5',
        '-1',
        'x',
        'MTAw',
        'REPLICATING',
        'ATTACHED',
        'c'.repeat(513),
      ),
      fc.string({ maxLength: 20 }).map(encodeURIComponent),
      fc.constantFrom('%ZZ', '%E2%9C%93', 'a+b'),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/things', '/things/t-1/events', '/things/%ZZ/events'),
        fc.array(fc.tuple(name, fc.option(value)), { maxLength: 4 }),
        async (path, pairs) => {
          const query = pairs.map(([n, v]) => (v === null ? n : `${n}=${v}`)).join('&');
          const ask = async (api: OpenAPIHono<AppEnv>) => {
            const res = await api.request(query ? `${path}?${query}` : path);
            return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
          };
          expect(await ask(fast)).toEqual(await ask(original));
        },
      ),
    );
  });

  it('declare the routes for the document as they were given', () => {
    const doc = (api: OpenAPIHono<AppEnv>) =>
      api.getOpenAPI31Document({ openapi: '3.1.0', info: { title: 't', version: '1' } });
    expect(doc(app(true))).toEqual(doc(app(false)));
  });
});
