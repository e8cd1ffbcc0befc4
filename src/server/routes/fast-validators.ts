/**
 * Query strings, path parameters and headers checked without an await. @hono/zod-openapi checks
 * them with `safeParseAsync` inside two async functions (hono's validator and zod-validator's),
 * and reads the headers as all of them: @hono/node-server then builds a full `Headers` of the
 * request (validated, sorted) only for the one `Idempotency-Key` the schema declares. For a job
 * read those were ~5 % of its CPU, for an action a few µs; for a list page of 10,000 pairs the
 * query's two async frames, their promises and microtask turns were ~10 % of the JavaScript a
 * cached page costs (docs/performance.md).
 *
 * Here the same schema parses the same value: the query as hono's validator reads it (each
 * name's one value, or all of them when repeated), `c.req.param()` for parameters, and for
 * headers the declared ones, by their lower-case names (what the full set, whose keys are matched
 * to the schema's without regard to case, holds for them; the schema strips the others). A
 * failure is answered by the same hook with the same result, so the answer is the same problem;
 * the validated data is what `c.req.valid()` returned before. They run in @hono/zod-openapi's
 * order (the route's middleware, then query, parameters, headers, body). Only routes with the
 * app's own hook are served so.
 *
 * A JSON body likewise, when the request says `Content-Type: application/json` (with or without
 * `charset=utf-8`), as nearly every client does: @hono/zod-openapi's media-type gate, hono's
 * validator and zod-validator's were three more async functions and `safeParseAsync`, a few µs of
 * every write (docs/performance.md). The body is read and parsed as hono reads it
 * (`c.req.json()`, whose text the journal keeps), a malformed one is the same HTTPException, and
 * the same schema and hook judge it. Any other media type, or none, goes through
 * @hono/zod-openapi's own layers, made for the same body declaration.
 */
import { OpenAPIHono, type RouteConfig } from '@hono/zod-openapi';
import type { Context, Handler, MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ZodType } from 'zod';
import type { AppEnv } from '../app-env.js';
import { type Layer, runLayers } from '../layers.js';
import { validationHook } from '../problem.js';
import { validatorQuery } from '../request-query.js';

type Target = 'query' | 'param' | 'header' | 'json';

/** The validator of TARGET against SCHEMA, as zod-validator's with the app's hook would answer. */
function checkWith(target: 'query' | 'param' | 'header', schema: ZodType): MiddlewareHandler<AppEnv> {
  const names = target === 'header' ? declaredHeaders(schema) : undefined;
  return ((c: Context<AppEnv>, next: () => Promise<void>) => {
    const value = names ? headersOf(c, names) : target === 'query' ? validatorQuery(c) : c.req.param();
    return parseAndSettle(c, target, schema, value, next);
  }) as unknown as MiddlewareHandler<AppEnv>;
}

/** `c.req.valid('json')` of SCHEMA's body: the request's JSON judged in place, or ORIGINAL's layers. */
function checkJsonBody(schema: ZodType, original: Layer[]): MiddlewareHandler<AppEnv> {
  return ((c: Context<AppEnv>, next: () => Promise<void>) => {
    const type = c.req.header('content-type');
    if (type === undefined || !PLAIN_JSON.test(type)) return runLayers(original, c, next, rethrow);
    // As hono's `c.req.json()`: the cached text, parsed.
    return c.req.text().then<Promise<void> | Response, never>((text) => {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        throw malformed();
      }
      c.set('bodyText', text);
      return parseAndSettle(c, 'json', schema, value, next);
    }, malformed);
  }) as unknown as MiddlewareHandler<AppEnv>;
}

const malformed = (): never => {
  throw new HTTPException(400, { message: 'Malformed JSON in request body' });
};

/** The media types whose bodies hono's and @hono/zod-openapi's checks all take as JSON alike. */
const PLAIN_JSON = /^application\/json(?:; ?charset=utf-8)?$/i;

/** Errors go on to the layer around, whose error handler is the app's, as each layer's would. */
const rethrow = (err: unknown): never => {
  throw err;
};

function parseAndSettle(
  c: Context<AppEnv>,
  target: Target,
  schema: ZodType,
  value: unknown,
  next: () => Promise<void>,
): Promise<void> | Response {
  let result: ReturnType<ZodType['safeParse']>;
  try {
    result = schema.safeParse(value);
  } catch {
    return schema
      .safeParseAsync(value)
      .then((awaited) => settle(c, target, value, awaited, next) as Promise<void>);
  }
  return settle(c, target, value, result, next);
}

/**
 * @hono/zod-openapi's own layers for a body declaration alone (its media-type gate and JSON
 * validator, with the app's hook), in a throwaway app.
 */
function originalBodyLayers(body: NonNullable<RouteConfig['request']>['body']): Layer[] {
  const probe = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  const route = { method: 'post', path: '/', request: { body }, responses: {}, hide: true } as const;
  probe.openapi(route as unknown as RouteConfig, (() => undefined) as never);
  return probe.routes.slice(0, -1).map((r) => r.handler as Handler as Layer);
}

/** The JSON schema of a body that declares that one media type, or undefined. */
function jsonBodySchema(body: NonNullable<RouteConfig['request']>['body']): ZodType | undefined {
  const content = body?.content as Record<string, { schema?: unknown }> | undefined;
  if (!content) return undefined;
  const types = Object.keys(content);
  if (types.length !== 1 || types[0] !== 'application/json') return undefined;
  const schema = content['application/json']?.schema as { _zod?: unknown } | undefined;
  return schema && typeof schema === 'object' && '_zod' in schema
    ? (schema as unknown as ZodType)
    : undefined;
}

function settle(
  c: Context<AppEnv>,
  target: Target,
  value: unknown,
  result: ReturnType<ZodType['safeParse']>,
  next: () => Promise<void>,
): Promise<void> | Response {
  if (!result.success) {
    const answer = validationHook({ ...result, data: value, target } as never, c);
    if (answer) return answer;
  }
  // zod-validator answers a failure its hook let through with the result itself (not drsim's hook).
  if (!result.success) return c.json(result, 400);
  c.req.addValidatedData(target, result.data as never);
  return next();
}

/** A plain object schema's keys, or undefined for any other (passthrough, strict, not an object). */
function declaredHeaders(schema: ZodType): string[] | undefined {
  const def = (
    schema as unknown as { _zod?: { def?: { type?: string; catchall?: unknown; shape?: object } } }
  )._zod?.def;
  if (def?.type !== 'object' || def.catchall !== undefined || !def.shape) return undefined;
  return Object.keys(def.shape);
}

function headersOf(c: Context, names: string[]): Record<string, string> {
  const value: Record<string, string> = {};
  for (const name of names) {
    const header = c.req.header(name.toLowerCase());
    if (header !== undefined) value[name] = header;
  }
  return value;
}

/**
 * Makes APP's `openapi()` check the query, path parameters and headers of the routes it can
 * (above) with `checkWith`, in the place @hono/zod-openapi's validators had: after the route's
 * middleware, before the body's. The route is declared for the document as it was given.
 */
export function checkParamsAndHeadersInPlace(app: OpenAPIHono<AppEnv>): void {
  const openapi = app.openapi;
  app.openapi = ((config: RouteConfig, handler: never, hook?: unknown) => {
    const request = config.request;
    const headers = request?.headers as ZodType | undefined;
    const headerNames = headers && declaredHeaders(headers);
    if (
      hook !== undefined ||
      !request ||
      (!request.query && !request.params && !headers) ||
      (headers && !headerNames)
    ) {
      return openapi(config as never, handler, hook as never);
    }
    const { middleware, hide, ...route } = config;
    if (!hide) app.openAPIRegistry.registerPath(route);
    const bodySchema = jsonBodySchema(request.body);
    const checks = [
      ...(middleware === undefined ? [] : Array.isArray(middleware) ? middleware : [middleware]),
      ...(request.query ? [checkWith('query', request.query as ZodType)] : []),
      ...(request.params ? [checkWith('param', request.params as ZodType)] : []),
      ...(headers ? [checkWith('header', headers)] : []),
      ...(bodySchema ? [checkJsonBody(bodySchema, originalBodyLayers(request.body))] : []),
    ];
    const rest = {
      ...request,
      query: undefined,
      params: undefined,
      headers: undefined,
      ...(bodySchema && { body: undefined }),
    };
    return openapi({ ...route, request: rest, middleware: checks, hide: true } as never, handler, undefined);
  }) as typeof app.openapi;
}
