/**
 * Builds a group of API routes for routes/lazy.ts, on the first request to one of them: the
 * group's module (its zod schemas and @hono/zod-openapi declarations) on an app of its own,
 * whose handlers the lazy routes then call; and the OpenAPI document from every group, declared
 * in the same order as when all of them were built at startup, so it is the same document.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Handler } from 'hono';
import { loadZod } from '../../sim/lazy-zod.js';
import type { AppEnv } from '../app-env.js';
import { validationHook } from '../problem.js';
import { registerComponents } from '../schemas/common.js';
import { checkParamsAndHeadersInPlace } from './fast-validators.js';
import type { RouteDeps, RouteGroup } from './lazy.js';

type Register = (app: OpenAPIHono<AppEnv>, deps: RouteDeps) => void;

const MODULES: Record<RouteGroup, () => Promise<Register>> = {
  servers: () => import('./servers.js').then((m) => (app, deps) => m.registerServerRoutes(app, deps.sim)),
  'dr-pairs': () => import('./dr-pairs.js').then((m) => (app, deps) => m.registerDrPairRoutes(app, deps.sim)),
  'pair-actions': () =>
    import('./pair-actions.js').then((m) => (app, deps) => m.registerPairActionRoutes(app, deps.sim)),
  jobs: () => import('./jobs.js').then((m) => (app, deps) => m.registerJobRoutes(app, deps.sim)),
  regions: () => import('./regions.js').then((m) => (app, deps) => m.registerRegionRoutes(app, deps.sim)),
  account: () => import('./account.js').then((m) => (app, deps) => m.registerAccountRoutes(app, deps.sim)),
  control: () =>
    import('./control.js').then((m) => (app, deps) => m.registerControlRoutes(app, deps.tenancy)),
  tenants: () => import('./tenants.js').then((m) => (app, deps) => m.registerTenantRoutes(app, deps.tenancy)),
};

type Definitions = OpenAPIHono<AppEnv>['openAPIRegistry']['definitions'];

export interface BuiltGroup {
  /** Each route's handlers in order (middleware, validators, handler), by `METHOD path`. */
  handlers: Map<string, Handler[]>;
  /** What the group declared for the document. */
  definitions: Definitions;
}

export async function buildGroup(group: RouteGroup, deps: RouteDeps): Promise<BuiltGroup> {
  // A route may import a state (PUT /_sim/state, a restore, a reset): the engine's check of it
  // then finds zod loaded, the same copy as the routes'.
  const [register] = await Promise.all([MODULES[group](), loadZod()]);
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  checkParamsAndHeadersInPlace(app);
  register(app, deps);
  const handlers = new Map<string, Handler[]>();
  for (const route of app.routes) {
    const key = `${route.method} ${route.path}`;
    const list = handlers.get(key) ?? [];
    list.push(route.handler as Handler);
    handlers.set(key, list);
  }
  return { handlers, definitions: app.openAPIRegistry.definitions };
}

export function buildDocument(
  groups: BuiltGroup[],
  config: Parameters<OpenAPIHono['getOpenAPI31Document']>[0],
): Record<string, unknown> {
  const app = new OpenAPIHono<AppEnv>();
  registerComponents(app.openAPIRegistry);
  for (const { definitions } of groups) {
    for (const definition of definitions) {
      // Groups declare routes only; the shared components are registered once, above.
      if (definition.type !== 'route') throw new Error(`a route group declared a ${definition.type}`);
      app.openAPIRegistry.registerPath(definition.route);
    }
  }
  return app.getOpenAPI31Document(config) as unknown as Record<string, unknown>;
}
