/**
 * A request's query string, parsed once. hono parses the URL again on every `c.req.queries()`
 * and `c.req.query()`, and a list read asked three times (the unknown-parameter check, the
 * route's validator, the journal): with a page's cursor in it, a twelfth of what the request
 * allocated (docs/performance.md, "List pages of 10,000 pairs, seventh round").
 */
import type { Context } from 'hono';
import type { AppEnv } from './app-env.js';

/** `c.req.queries()`, parsed on the first call of the request. Callers must not change it. */
export function requestQueries(c: Context<AppEnv>): Readonly<Record<string, string[]>> {
  let queries = c.get('queries');
  if (queries === undefined) {
    queries = c.req.queries();
    c.set('queries', queries);
  }
  return queries;
}

/**
 * `c.req.query()` of the same request: each name's first value, in the order the names first
 * come, in an object without a prototype (as hono makes it).
 */
export function requestQuery(c: Context<AppEnv>): Record<string, string> {
  const query: Record<string, string> = Object.create(null);
  const queries = requestQueries(c);
  for (const name in queries) query[name] = (queries[name] as string[])[0] as string;
  return query;
}

/** The same query as hono's validator reads it: a name's value, or its values when repeated. */
export function validatorQuery(c: Context<AppEnv>): Record<string, string | string[]> {
  return Object.fromEntries(
    Object.entries(requestQueries(c)).map(([name, values]) =>
      values.length === 1 ? [name, values[0] as string] : [name, values],
    ),
  );
}
