/**
 * The API's routes declared without building them. Building a route means its zod schemas
 * (each `.openapi()` a clone, every method bound to every instance) and validators: for ~80
 * routes that was most of drsim's own start, before the first request could be answered
 * (docs/performance.md). Here each route is declared by method and path only, in the order the
 * route modules declare them (hono matches in that order, and 404/405 read these routes); the
 * first request to a route loads and builds its group (routes/build.ts: zod, the group's schemas
 * and routes) and hands the request to the real handlers with the same context. The OpenAPI
 * document is built when it is first asked for. test/server/lazy-routes.test.ts checks that
 * this list and the route modules agree.
 */
import type { ErrorHandler, Handler, Hono } from 'hono';
import type { Simulator } from '../../sim/contract.js';
import type { AppEnv } from '../app-env.js';
import { runLayers } from '../layers.js';
import type { Tenancy } from '../tenancy.js';
import type { BuiltGroup } from './build.js';
import { healthHandler } from './health.js';

/** A route module: its routes are built together, on the first request to one of them. */
export type RouteGroup =
  | 'servers'
  | 'dr-pairs'
  | 'pair-actions'
  | 'jobs'
  | 'regions'
  | 'account'
  | 'control'
  | 'tenants';

export interface RouteDeps {
  sim: Simulator;
  tenancy: Tenancy;
}

export interface ApiRoute {
  group: RouteGroup;
  /** Upper case, as hono keeps it. */
  method: string;
  /** hono's form: `/v1/servers/:id`. */
  path: string;
  /** The query parameters the document declares; undefined for a route left out of it. */
  query: readonly string[] | undefined;
}

/**
 * Each route as `METHOD PATH`, then ` ?a&b` for its query parameters, or ` hidden` when it is
 * not in the document; by group in the order app.ts registered them.
 */
const DECLARED: Record<RouteGroup, readonly string[]> = {
  servers: [
    'POST /v1/servers',
    'GET /v1/servers ?limit&cursor',
    'GET /v1/servers/:id',
    'POST /v1/servers/:id/start',
    'POST /v1/servers/:id/stop',
    'POST /v1/servers/:id/volumes',
    'PATCH /v1/servers/:id/volumes/:index',
    'DELETE /v1/servers/:id/volumes/:index',
    'POST /v1/servers/:id/renew',
    'GET /v1/servers/:id/files ?limit&cursor',
    'GET /v1/servers/:id/file ?path',
    'PUT /v1/servers/:id/file ?path',
    'GET /v1/servers/:id/files/:path{.+} hidden',
    'PUT /v1/servers/:id/files/:path{.+} hidden',
  ],
  'dr-pairs': [
    'GET /v1/dr-pairs ?limit&cursor&status',
    'POST /v1/dr-pairs',
    'POST /v1/dr-pairs/batch',
    'GET /v1/dr-pairs/:id',
    'PATCH /v1/dr-pairs/:id',
    'GET /v1/dr-pairs/:id/history ?limit&cursor&kinds&afterSeq',
    'GET /v1/dr-pairs/:id/recovery-points ?limit&cursor',
    'GET /v1/dr-pairs/:id/recovery-points/:rpId/files ?limit&cursor',
    'GET /v1/dr-pairs/:id/jobs ?limit&cursor',
  ],
  'pair-actions': [
    'POST /v1/dr-pairs/:id/start-replication',
    'POST /v1/dr-pairs/:id/stop-replication',
    'POST /v1/dr-pairs/:id/resume-replication',
    'POST /v1/dr-pairs/:id/restart-replication',
    'POST /v1/dr-pairs/:id/test-failover',
    'POST /v1/dr-pairs/:id/test-failover/change-recovery-point',
    'POST /v1/dr-pairs/:id/clean-test-environment',
    'POST /v1/dr-pairs/:id/failover',
    'POST /v1/dr-pairs/:id/change-recovery-point',
    'POST /v1/dr-pairs/:id/commit-failover',
    'DELETE /v1/dr-pairs/:id',
  ],
  jobs: ['GET /v1/jobs/:id'],
  regions: ['GET /v1/regions', 'GET /v1/regions/:id'],
  account: ['GET /v1/account', 'GET /v1/account/usage ?from&to', 'GET /v1/dr-pairs/:id/usage ?from&to'],
  control: [
    'GET /_sim/health',
    'GET /_sim/clock ?tenant',
    'PUT /_sim/clock ?tenant',
    'POST /_sim/clock/advance ?tenant&async',
    'GET /_sim/advances/:id',
    'DELETE /_sim/advances/:id',
    'GET /_sim/progression ?tenant',
    'PUT /_sim/progression ?tenant',
    'PUT /_sim/account ?tenant',
    'GET /_sim/regions ?tenant',
    'PUT /_sim/regions ?tenant',
    'DELETE /_sim/regions ?tenant',
    'GET /_sim/faults ?tenant&limit&cursor',
    'GET /_sim/faults/:id ?tenant',
    'POST /_sim/faults ?tenant',
    'DELETE /_sim/faults/:id ?tenant',
    'GET /_sim/chaos ?tenant&limit&cursor',
    'GET /_sim/chaos/:id ?tenant',
    'POST /_sim/chaos ?tenant',
    'DELETE /_sim/chaos/:id ?tenant',
    'DELETE /_sim/chaos ?tenant',
    'POST /_sim/servers/:id/outage ?tenant',
    'POST /_sim/servers/:id/recover ?tenant',
    'PUT /_sim/servers/:id/workload ?tenant',
    'POST /_sim/jobs/:id/step ?tenant',
    'GET /_sim/snapshots ?tenant&limit&cursor',
    'GET /_sim/snapshots/:name ?tenant',
    'POST /_sim/snapshots ?tenant',
    'POST /_sim/snapshots/:name/restore ?tenant',
    'DELETE /_sim/snapshots/:name ?tenant',
    'GET /_sim/state ?tenant&scope',
    'PUT /_sim/state ?tenant&scope',
    'GET /_sim/checks ?tenant',
    'GET /_sim/events ?limit&cursor&kinds&afterSeq&tenant&pairId',
    'GET /_sim/requests ?method&path&tenant&limit&cursor',
    'GET /_sim/requests/count ?method&path&tenant',
    'DELETE /_sim/requests ?tenant',
  ],
  tenants: [
    'GET /_sim/identity',
    'GET /_sim/tenants ?limit&cursor',
    'POST /_sim/tenants',
    'GET /_sim/tenants/:tenant',
    'DELETE /_sim/tenants/:tenant',
    'POST /_sim/tenants/:tenant/reset',
    'POST /_sim/reset',
  ],
};

/** The groups in the order their routes are declared (and listed in the document). */
export const GROUPS = Object.keys(DECLARED) as RouteGroup[];

export const API_ROUTES: readonly ApiRoute[] = Object.entries(DECLARED).flatMap(([group, lines]) =>
  lines.map((line) => {
    const [method = '', path = '', rest] = line.split(' ');
    const query = rest === 'hidden' ? undefined : rest ? rest.slice(1).split('&') : [];
    return { group: group as RouteGroup, method, path, query };
  }),
);

/**
 * Routes answered without building their group: liveness is what an orchestrator (or a test
 * harness) waits for, and it validates nothing.
 */
const PLAIN: Record<string, (deps: RouteDeps) => Handler<AppEnv>> = {
  'GET /_sim/health': (deps) => healthHandler(deps.tenancy),
};

export type DocumentConfig = Parameters<typeof import('./build.js').buildDocument>[1];

export interface LazyApi {
  /** The OpenAPI 3.1 document of every route (CONFIG its top level), built once from the route modules. */
  document(config: DocumentConfig): Promise<Record<string, unknown>>;
}

/**
 * Declares every API route on APP. ON_ERROR is the app's error handler: hono answers an error
 * where it is thrown, so the real handlers run under it as they would have had they been
 * declared on APP.
 */
export function declareApiRoutes(app: Hono<AppEnv>, deps: RouteDeps, onError: ErrorHandler<AppEnv>): LazyApi {
  let builder: Promise<typeof import('./build.js')> | undefined;
  const build = () => {
    builder ??= import('./build.js');
    return builder;
  };
  const groups = new Map<RouteGroup, Promise<BuiltGroup>>();
  const group = (name: RouteGroup) => {
    let built = groups.get(name);
    if (!built) {
      built = build().then((b) => b.buildGroup(name, deps));
      // A failed build (a bug) is retried by the next request instead of failing every one.
      built.catch(() => groups.delete(name));
      groups.set(name, built);
    }
    return built;
  };
  for (const route of API_ROUTES) {
    const key = `${route.method} ${route.path}`;
    const plain = PLAIN[key];
    if (plain) {
      app.on(route.method, route.path, plain(deps));
      continue;
    }
    let chain: Handler[] | undefined;
    app.on(route.method, route.path, async (c, next) => {
      if (!chain) {
        chain = (await group(route.group)).handlers.get(key);
        if (!chain) throw new Error(`the ${route.group} routes have no ${key}`);
      }
      // As hono's compose would, except that the route's index (which names its path parameters)
      // stays the lazy route's: it has the same path.
      await runLayers(chain, c, next, onError as ErrorHandler);
      return c.finalized ? c.res : undefined;
    });
  }
  let document: Promise<Record<string, unknown>> | undefined;
  return {
    document(config) {
      document ??= Promise.all([build(), ...GROUPS.map(group)]).then(([b, ...built]) =>
        b.buildDocument(built, config),
      );
      document.catch(() => {
        document = undefined;
      });
      return document;
    },
  };
}
