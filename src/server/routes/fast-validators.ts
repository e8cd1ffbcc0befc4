/**
 * Path parameters and headers checked without an await. @hono/zod-openapi checks them with
 * `safeParseAsync` inside two async functions (hono's validator and zod-validator's), and reads
 * the headers as all of them: @hono/node-server then builds a full `Headers` of the request
 * (validated, sorted) only for the one `Idempotency-Key` the schema declares. For a job read
 * those were ~5 % of its CPU, for an action a few µs (docs/performance.md).
 *
 * Here the same schema parses the same value: `c.req.param()` for parameters, and for headers
 * the declared ones, by their lower-case names (what the full set, whose keys are matched to the
 * schema's without regard to case, holds for them; the schema strips the others). A failure is
 * answered by the same hook with the same result, so the answer is the same problem; the
 * validated data is what `c.req.valid()` returned before. Only routes without a query schema
 * (whose validator runs first) and with the app's own hook are served so.
 */
import type { OpenAPIHono, RouteConfig } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import type { ZodType } from 'zod';
import type { AppEnv } from '../app-env.js';
import { validationHook } from '../problem.js';

type Target = 'param' | 'header';

/** The validator of TARGET against SCHEMA, as zod-validator's with the app's hook would answer. */
function checkWith(target: Target, schema: ZodType): MiddlewareHandler<AppEnv> {
  const names = target === 'header' ? declaredHeaders(schema) : undefined;
  return ((c: Context<AppEnv>, next: () => Promise<void>) => {
    const value = names ? headersOf(c, names) : c.req.param();
    let result: ReturnType<ZodType['safeParse']>;
    try {
      result = schema.safeParse(value);
    } catch {
      // A schema that needs awaiting (none of drsim's): parsed as zod-validator does.
      return schema
        .safeParseAsync(value)
        .then((awaited) => settle(c, target, value, awaited, next) as Promise<undefined>);
    }
    return settle(c, target, value, result, next);
  }) as unknown as MiddlewareHandler<AppEnv>;
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
 * Makes APP's `openapi()` check the path parameters and headers of the routes it can (above) with
 * `checkWith`, in the place @hono/zod-openapi's validators had: after the route's middleware,
 * before the body's. The route is declared for the document as it was given.
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
      request.query ||
      (!request.params && !headers) ||
      (headers && !headerNames)
    ) {
      return openapi(config as never, handler, hook as never);
    }
    const { middleware, hide, ...route } = config;
    if (!hide) app.openAPIRegistry.registerPath(route);
    const checks = [
      ...(middleware === undefined ? [] : Array.isArray(middleware) ? middleware : [middleware]),
      ...(request.params ? [checkWith('param', request.params as ZodType)] : []),
      ...(headers ? [checkWith('header', headers)] : []),
    ];
    const rest = { ...request, params: undefined, headers: undefined };
    return openapi({ ...route, request: rest, middleware: checks, hide: true } as never, handler, undefined);
  }) as typeof app.openapi;
}
