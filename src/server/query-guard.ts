/**
 * Unknown query parameters are refused like unknown body fields (400 VALIDATION_FAILED), so a
 * typo such as `?limt=5` is not silently ignored. The parameters each operation knows are those
 * its OpenAPI declaration lists (routes/lazy.ts, checked against the declarations by a test).
 */
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './app-env.js';
import { HttpProblem } from './problem.js';
import { requestQueries } from './request-query.js';
import { API_ROUTES } from './routes/lazy.js';

interface KnownQuery {
  method: string;
  matches: RegExp;
  names: Set<string>;
}

/** Paths whose matching routes are kept: a list polled with a query matches once, not each time. */
const MATCHES_KEPT = 512;

export function refuseUnknownQuery(): MiddlewareHandler<AppEnv> {
  let known: KnownQuery[] | undefined;
  const matched = new Map<string, KnownQuery[]>();
  return (c, next) => {
    // No query string, no unknown parameter: the common case skips matching every route.
    if (!c.req.url.includes('?')) return next();
    known ??= knownQueries();
    const method = c.req.method === 'HEAD' ? 'GET' : c.req.method;
    const key = `${method} ${c.req.path}`;
    let matching = matched.get(key);
    if (!matching) {
      matching = known.filter((route) => route.method === method && route.matches.test(c.req.path));
      if (matched.size >= MATCHES_KEPT) matched.clear();
      matched.set(key, matching);
    }
    if (matching.length > 0) {
      const unknown = Object.keys(requestQueries(c)).filter(
        (name) => !matching.some((route) => route.names.has(name)),
      );
      if (unknown.length > 0) {
        const names = matching.flatMap((route) => [...route.names]);
        throw new HttpProblem(
          400,
          'VALIDATION_FAILED',
          `Unknown query parameter ${unknown.map((name) => `'${name}'`).join(', ')}; ${
            names.length > 0 ? `this operation takes ${names.join(', ')}` : 'this operation takes none'
          }.`,
          {
            errors: unknown.map((name) => ({ in: 'query', path: name, message: 'Unknown query parameter' })),
          },
        );
      }
    }
    return next();
  };
}

function knownQueries(): KnownQuery[] {
  return API_ROUTES.flatMap(({ method, path, query }) => {
    if (query === undefined) return [];
    const source = path.replace(/[.+?^$()|[\]\\]/g, '\\$&').replace(/:\w+/g, '[^/]+');
    return [{ method, matches: new RegExp(`^${source}/?$`), names: new Set(query) }];
  });
}
