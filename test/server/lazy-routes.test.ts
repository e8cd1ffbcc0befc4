/**
 * The API's routes are declared by method and path (src/server/routes/lazy.ts) and built on
 * their first request. The declared list must be what the route modules declare, in their
 * order, with the query parameters their document lists (the unknown-query guard reads them);
 * and the served document must be the one the route modules describe when all are built at once.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { describe, expect, it } from 'vitest';
import type { AppEnv } from '../../src/server/app-env.js';
import { validationHook } from '../../src/server/problem.js';
import { registerAccountRoutes } from '../../src/server/routes/account.js';
import { buildGroup } from '../../src/server/routes/build.js';
import { registerControlRoutes } from '../../src/server/routes/control.js';
import { DOCUMENT } from '../../src/server/routes/docs.js';
import { registerDrPairRoutes } from '../../src/server/routes/dr-pairs.js';
import { registerJobRoutes } from '../../src/server/routes/jobs.js';
import { API_ROUTES, GROUPS, type RouteDeps } from '../../src/server/routes/lazy.js';
import { registerPairActionRoutes } from '../../src/server/routes/pair-actions.js';
import { registerRegionRoutes } from '../../src/server/routes/regions.js';
import { registerServerRoutes } from '../../src/server/routes/servers.js';
import { registerTenantRoutes } from '../../src/server/routes/tenants.js';
import { registerComponents } from '../../src/server/schemas/common.js';
import { Tenancy } from '../../src/server/tenancy.js';
import { createWorlds } from '../../src/sim/index.js';
import { makeApp } from './helpers.js';

function deps(): RouteDeps {
  const tenancy = new Tenancy(createWorlds({ seed: 7 }));
  return { tenancy, sim: tenancy.router() };
}

describe('the API routes declared lazily', () => {
  it('are exactly those of the route modules, in their order, with their documented query parameters', async () => {
    const d = deps();
    const built: { group: string; key: string; query: string[] | undefined }[] = [];
    for (const group of GROUPS) {
      const { handlers, definitions } = await buildGroup(group, d);
      const documented = new Map<string, string[]>(
        definitions.flatMap((definition) =>
          definition.type === 'route'
            ? [
                [
                  `${definition.route.method.toUpperCase()} ${definition.route.path.replaceAll(/\/{(.+?)}/g, '/:$1')}`,
                  Object.keys(
                    (definition.route.request?.query as { shape?: object } | undefined)?.shape ?? {},
                  ),
                ] as const,
              ]
            : [],
        ),
      );
      for (const key of handlers.keys()) {
        built.push({ group, key, query: documented.get(key) });
      }
    }
    const declared = API_ROUTES.map(({ group, method, path, query }) => ({
      group,
      key: `${method} ${path}`,
      query: query && [...query],
    }));
    expect(declared).toEqual(built);
  });

  it('serve the document the route modules describe when all are built at once', async () => {
    const d = deps();
    const eager = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
    registerComponents(eager.openAPIRegistry);
    registerServerRoutes(eager, d.sim);
    registerDrPairRoutes(eager, d.sim);
    registerPairActionRoutes(eager, d.sim);
    registerJobRoutes(eager, d.sim);
    registerRegionRoutes(eager, d.sim);
    registerAccountRoutes(eager, d.sim);
    registerControlRoutes(eager, d.tenancy);
    registerTenantRoutes(eager, d.tenancy);
    const expected = JSON.stringify({
      ...eager.getOpenAPI31Document(DOCUMENT),
      servers: [{ url: 'http://localhost', description: 'This drsim server.' }],
    });

    const { app } = makeApp();
    const res = await app.request('http://localhost/openapi.json');
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(expected);
  });

  it('answer first requests that arrive together, each with its own validation', async () => {
    const { call } = makeApp();
    const [created, refused, listed, health] = await Promise.all([
      call('POST', '/v1/servers', { body: { name: 'web-01', region: 'HCM-3' } }),
      call('POST', '/v1/servers', { body: { name: '', region: 'HCM-3' } }),
      call('GET', '/v1/servers?limit=1'),
      call('GET', '/_sim/health', { token: null }),
    ]);
    expect(created.status).toBe(201);
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe('VALIDATION_FAILED');
    expect(refused.body.errors[0]).toMatchObject({ in: 'body', path: 'name' });
    expect(listed.status).toBe(200);
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('ok');
  });
});
