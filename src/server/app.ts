/**
 * The HTTP app: the public API (`/v1`), the control API (`/_sim`), the OpenAPI document and
 * its viewer, around the tenants' worlds (one simulator each). Everything cross-cutting is here,
 * in the order it runs: identifying the caller, logging and the `X-Drsim-Time` header (the
 * caller's world's time), the request journal and HTTP chaos (both the caller's tenant's), the
 * body limit and media type, authentication; then the routes; then the one error handler.
 * Tests drive it with `app.request()`; src/server/serve.ts puts it on a port.
 */
import type { HttpBindings } from '@hono/node-server';
import { type Context, type ErrorHandler, Hono, type MiddlewareHandler, type Next } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { lazyConsoleApp } from '../console/lazy.js';
import type { Simulator } from '../sim/contract.js';
import type { Worlds } from '../sim/worlds.js';
import type { AppEnv } from './app-env.js';
import { type AuthConfig, authenticate, identify, requireControlAccess } from './auth.js';
import { chaosMiddleware } from './http-chaos.js';
import { IdempotencyStore } from './idempotency.js';
import { journalMiddleware } from './journal.js';
import { type Layer, runLayers } from './layers.js';
import { type Logger, silentLogger } from './logger.js';
import { plainAnswerOf, setPlainHeader, settledHeaders } from './plain-answer.js';
import { HTTP_ERROR_CODES, HttpProblem, handleError, problemResponse } from './problem.js';
import { refuseUnknownQuery } from './query-guard.js';
import { KeptMatchRouter } from './router.js';
import { registerDocsRoutes } from './routes/docs.js';
import { declareApiRoutes } from './routes/lazy.js';
import { sharedWorld, Tenancy } from './tenancy.js';

export interface CreateAppOptions {
  /** The tenants' worlds (`createWorlds`): each tenant's simulation is its own. */
  worlds?: Worlds;
  /** Instead of `worlds`: one simulator shared by every tenant (no isolation between them). */
  sim?: Simulator;
  /** Tokens and their policies; none is development mode (any token, tenant = token). */
  auth?: AuthConfig;
  /** Addresses any world and the whole server through the control API (health excepted). */
  adminToken?: string;
  logger?: Logger;
  /** How many requests the journal keeps. Default 1000. */
  journalCapacity?: number;
  /** Aborted when the server stops: chaos delays end at once. */
  signal?: AbortSignal;
  /**
   * Origins a browser may call from (CORS), e.g. `http://localhost:5173` or `*`. Default none:
   * no CORS headers, so only same-origin pages (the console) can call.
   */
  cors?: string | string[];
}

/** Headers a browser client sends and may read, for CORS. */
const CORS_REQUEST_HEADERS = ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Drsim-Admin-Token'];
const CORS_RESPONSE_HEADERS = ['Location', 'Retry-After', 'X-Drsim-Time', 'WWW-Authenticate', 'Allow'];

/** The largest request body, except an imported state (docs/operations.md). */
export const MAX_BODY_BYTES = 1024 * 1024;
/** An exported state can be far larger than any API request; only the admin may send one. */
export const MAX_STATE_BYTES = 64 * 1024 * 1024;

const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json\s*(;|$)/i;

/**
 * Creates the app. Each call has its own chaos rules, journals and ephemeral tenants; the
 * worlds are the caller's.
 *
 * @example
 * const app = createApp({ worlds: createWorlds({ seed: 7 }) });
 * const res = await app.request('/v1/dr-pairs', { headers: { Authorization: 'Bearer demo' } });
 */
export function createApp(options: CreateAppOptions): Hono<AppEnv> {
  const { logger = silentLogger } = options;
  const worlds = options.worlds ?? (options.sim ? sharedWorld(options.sim) : undefined);
  if (!worlds) throw new Error('createApp needs worlds (createWorlds()) or a sim');
  const tenancy = new Tenancy(worlds, options.journalCapacity, options.signal);
  const sim = tenancy.router();
  const app = new Hono<AppEnv>({ router: new KeptMatchRouter() });
  const identity = {
    ...options.auth,
    ...(options.adminToken !== undefined && { adminToken: options.adminToken }),
    ephemeral: tenancy.tokens,
    isEphemeralTenant: (tenant: string) => tenancy.isEphemeral(tenant),
  };

  // Answers are kept in the world the request concerns, and expire by its simulated time.
  const idempotency = new IdempotencyStore((c) => {
    const world = c.get('world');
    if (world) return world;
    const caller = c.get('caller');
    const tenant = c.req.query('tenant') ?? caller?.tenant;
    if (!tenant || !(caller?.admin || tenant === caller?.tenant)) return null;
    return tenancy.worlds.has(tenant) ? tenancy.world(tenant) : null;
  });

  if (options.cors !== undefined) {
    // First, so that a preflight is answered before auth, chaos or the journal see it.
    app.use(
      cors({
        origin: options.cors,
        allowHeaders: CORS_REQUEST_HEADERS,
        exposeHeaders: CORS_RESPONSE_HEADERS,
        allowMethods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
        maxAge: 600,
      }),
    );
    // cors makes the answer's Response before the route runs, so the route's answer is copied
    // into it: made the ordinary way, it is copied as it always was (src/server/plain-answer.ts).
    app.use(async (c, next) => {
      c.set('plainAnswers', false);
      await next();
    });
  }
  const onError: ErrorHandler<AppEnv> = (err, c) =>
    handleError(err, c, (error) => logger.error(`${c.req.method} ${c.req.path} failed: ${describe(error)}`));
  // Every request's cross-cutting layers, in the order they run; `v1` and `control` only on those
  // paths (as `app.use('/v1/*', …)` would: the path itself or below it).
  const layers: [scope: 'all' | 'v1' | 'control', layer: MiddlewareHandler<AppEnv>][] = [
    [
      'all',
      (c, next) => {
        const caller = identify(identity, c.req.header('authorization'), c.req.header('x-drsim-admin-token'));
        c.set('caller', caller);
        return next();
      },
    ],
    // The log line and `X-Drsim-Time`, and `Connection: close` when the body went unread: one
    // layer, since both only look at the answer once it is made.
    ['all', logRequests(logger, closeUnreadBody)],
    ['all', journalMiddleware(tenancy)],
    ['all', chaosMiddleware(tenancy)],
    // Authentication first: nobody gets a byte of their body read before they are known.
    ['v1', authenticate()],
    [
      'v1',
      (c, next) => {
        c.set('world', tenancy.world(c.get('tenant')));
        return next();
      },
    ],
    ['control', requireControlAccess()],
    ['all', limitBody()],
    ['v1', requireJsonBody()],
    ['control', requireJsonBody()],
    ['v1', refuseUnknownQuery()],
    ['control', refuseUnknownQuery()],
    ['v1', idempotency.middleware()],
    ['control', idempotency.middleware()],
  ];
  app.use(runInOne(layers, onError));

  // Each route's schemas and validators are built on its first request (routes/lazy.ts).
  const api = declareApiRoutes(app, { sim, tenancy }, onError);
  registerDocsRoutes(app, api);
  app.route('/console', lazyConsoleApp({ api: app }));
  app.get('/', (c) => c.redirect('/console'));
  // Routing is strict about a trailing slash; the console's address typed with one still opens it.
  app.get('/console/', (c) => c.redirect('/console'));

  app.notFound(notFoundOrWrongMethod(app));
  app.onError(onError);
  return app;
}

/**
 * The layers as one middleware: the ones of the request's path, run by `runLayers` (one async
 * frame per layer that waits for the rest, instead of one per layer as hono's compose has).
 */
function runInOne(
  layers: [scope: 'all' | 'v1' | 'control', layer: MiddlewareHandler<AppEnv>][],
  onError: ErrorHandler<AppEnv>,
): MiddlewareHandler<AppEnv> {
  const of = (scope: 'v1' | 'control' | null) =>
    layers.filter(([s]) => s === 'all' || s === scope).map(([, layer]) => layer as Layer);
  const v1 = of('v1');
  const control = of('control');
  const other = of(null);
  return (c, next) => {
    const path = c.req.path;
    const chain =
      path === '/v1' || path.startsWith('/v1/')
        ? v1
        : path === '/_sim' || path.startsWith('/_sim/')
          ? control
          : other;
    return runLayers(chain, c, next, onError as ErrorHandler);
  };
}

/**
 * One line per request; also stamps every answer about a world with that world's simulated time.
 * `settle` is called on the answer first (what a layer inside this one would have done).
 */
function logRequests(logger: Logger, settle: (c: Context<AppEnv>) => void): MiddlewareHandler<AppEnv> {
  // A logger at `warn` or `error` prints only the lines of failed requests: the others' lines are
  // not made.
  const infoLines = logger.level === 'info' || logger.level === 'debug';
  return async (c, next) => {
    const started = performance.now();
    await next();
    settle(c);
    try {
      const world = c.get('world');
      if (world) setHeader(c, 'X-Drsim-Time', world.clock().now);
    } catch {
      // The simulator is closed while the server drains; the answer stands without the header.
    }
    if (!infoLines && c.res.status < 500) return;
    const ms = (performance.now() - started).toFixed(1);
    const line = `${c.req.method} ${c.req.path} ${c.res.status} ${ms}ms tenant=${c.get('caller')?.tenant ?? '-'}`;
    if (c.res.status >= 500) logger.error(line);
    else logger.info(line);
  };
}

/**
 * Sets a header of the answer already made, in place. hono's `c.header` would first copy the
 * answer into a new Response, which makes @hono/node-server build a full Response with web
 * streams and write it chunk by chunk, instead of writing the string it holds in one go: that
 * copy cost a fifth of a small request and delayed its answer by event-loop turns
 * (docs/performance.md). Headers that cannot change in place (an immutable Response) go the
 * copying way.
 */
function setHeader(c: Context, name: string, value: string): void {
  const plain = plainAnswerOf(c.res);
  if (plain) {
    setPlainHeader(plain, name, value);
    return;
  }
  try {
    c.res.headers.set(name, value);
  } catch {
    c.header(name, value);
  }
}

/**
 * An answer given before the request's body has fully arrived (a 401, 413, 415, or a route that
 * ignores its body) says `Connection: close`: the server will not read the rest, so it closes
 * the connection after answering, and a client's next request goes on a fresh connection
 * instead of failing on a dropped one.
 */
function closeUnreadBody(c: Context): void {
  const incoming = (c.env as Partial<HttpBindings> | undefined)?.incoming;
  if (incoming && !incoming.complete && !settledHeaders(c.res).has('connection')) {
    c.res.headers.set('Connection', 'close');
  }
}

function limitBody(): MiddlewareHandler {
  const tooLarge = (limit: number) => (): never => {
    throw new HttpProblem(
      413,
      HTTP_ERROR_CODES.PAYLOAD_TOO_LARGE,
      `The request body is over ${limit} bytes.`,
      { limit },
      // The rest of the body is never read: the connection cannot carry another request.
      { Connection: 'close' },
    );
  };
  const api = bodyLimit({ maxSize: MAX_BODY_BYTES, onError: tooLarge(MAX_BODY_BYTES) });
  const state = bodyLimit({ maxSize: MAX_STATE_BYTES, onError: tooLarge(MAX_STATE_BYTES) });
  // GET and HEAD carry no body; a request off the socket with a Content-Length (and no
  // Transfer-Encoding) is judged by it, as hono's bodyLimit does, but without asking for the
  // body stream: that keeps @hono/node-server from building a full Request with web streams,
  // and lets the route read the body straight from the socket.
  return (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const isState = c.req.method === 'PUT' && c.req.path === '/_sim/state';
    const length = declaredLength(c);
    if (length !== undefined) {
      return Number.parseInt(length || '0', 10) > (isState ? MAX_STATE_BYTES : MAX_BODY_BYTES)
        ? tooLarge(isState ? MAX_STATE_BYTES : MAX_BODY_BYTES)()
        : next();
    }
    return (isState ? state : api)(c, next);
  };
}

/**
 * An API request that carries a body must say it is JSON, whatever the route does with it.
 * Only the APIs: pages mounted beside them may take forms.
 */
function requireJsonBody(): MiddlewareHandler {
  return (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    // A declared length says at once whether there is a body: no await for the usual request.
    const declared = declaredLength(c);
    if (declared === undefined) return refuseOtherMedia(c, next);
    if (declared.trim() !== '0') refuseIfNotJson(c);
    return next();
  };
}

async function refuseOtherMedia(c: Context, next: Next): Promise<void> {
  if (await hasBody(c)) refuseIfNotJson(c);
  await next();
}

function refuseIfNotJson(c: Context): void {
  const type = c.req.header('content-type') ?? '';
  if (!JSON_MEDIA_TYPE.test(type)) {
    throw new HttpProblem(
      415,
      HTTP_ERROR_CODES.UNSUPPORTED_MEDIA_TYPE,
      `Request bodies must be application/json${type ? `, not ${type}` : ''}.`,
    );
  }
}

/**
 * Whether the request carries bytes. Without Content-Length the body is read from a copy (the
 * body limit has already buffered it), since a bare `POST` over HTTP/1.1 still has a stream.
 */
async function hasBody(c: Context): Promise<boolean> {
  const declared = declaredLength(c);
  if (declared !== undefined) return declared.trim() !== '0';
  if (c.req.raw.body === null) return false;
  const length = c.req.header('content-length');
  if (length !== undefined) return length.trim() !== '0';
  return (await c.req.raw.clone().arrayBuffer()).byteLength > 0;
}

/**
 * The Content-Length of a request that came off a socket (its body stream always exists then) and
 * has no Transfer-Encoding; undefined otherwise, when the body itself must be looked at.
 */
function declaredLength(c: Context): string | undefined {
  if (!(c.env as Partial<HttpBindings> | undefined)?.incoming) return undefined;
  if (c.req.header('transfer-encoding') !== undefined) return undefined;
  return c.req.header('content-length');
}

/** hono answers unknown paths and wrong methods alike; tell them apart (404 vs 405 + Allow). */
function notFoundOrWrongMethod(app: Hono<AppEnv>) {
  let routes: { method: string; matches: RegExp }[] | undefined;
  return (c: Context) => {
    routes ??= app.routes
      .filter((route) => route.method !== 'ALL')
      .map((route) => ({ method: route.method, matches: routePattern(route.path) }));
    const allowed = [
      ...new Set(routes.filter((route) => route.matches.test(c.req.path)).map((r) => r.method)),
    ];
    // A route of this method matched and itself found nothing (c.notFound()): that is a 404.
    const method = c.req.method === 'HEAD' ? 'GET' : c.req.method;
    if (allowed.length > 0 && !allowed.includes(method)) {
      if (allowed.includes('GET')) allowed.push('HEAD');
      return problemResponse(
        c,
        405,
        HTTP_ERROR_CODES.METHOD_NOT_ALLOWED,
        `${c.req.method} is not allowed on ${c.req.path}; use ${allowed.join(', ')}.`,
        { allowed },
        { Allow: allowed.join(', ') },
      );
    }
    return problemResponse(
      c,
      404,
      HTTP_ERROR_CODES.ROUTE_NOT_FOUND,
      `No route ${c.req.method} ${c.req.path}.`,
    );
  };
}

/** A hono route path (`/v1/servers/:id/files/:path{.+}`) as a regular expression. */
function routePattern(path: string): RegExp {
  const source = path
    .split('/')
    .map((segment) => {
      const param = /^:\w+(?:\{(.+)\})?$/.exec(segment);
      if (param) return param[1] ?? '[^/]+';
      if (segment === '*') return '.*';
      return segment.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return new RegExp(`^${source}/?$`);
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
