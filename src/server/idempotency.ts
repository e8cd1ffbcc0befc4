/**
 * `Idempotency-Key`, as the payment APIs people know have it: a POST (or DELETE) that carries a
 * key is answered once; the same key with the same request answers the first response again
 * (status, body, `Location`) without acting twice, and the same key with another request is a
 * 422 IDEMPOTENCY_KEY_REUSED naming the first request. Keys belong to the caller's tenant (on
 * the control API, to the caller) and are kept for `IDEMPOTENCY_TTL_MS` of the world's simulated time.
 *
 * Only answers the route itself gave are kept — successes and its refusals (404, 409, 422) —
 * so a request refused before it ran (400, 401, 403, 413, 415, chaos, a bug) can be fixed and
 * sent again with the same key. They are kept in the database of the world the request
 * concerns (src/sim/http-answers.ts), so a restart of a server with a database file keeps
 * them; a control-API request that concerns no world (creating a tenant, a whole-server
 * snapshot) is remembered in memory only.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { KeptAnswer, Simulator } from '../sim/contract.js';
import { ERROR_CODES } from '../sim/errors.js';
import type { AppEnv } from './app-env.js';
import { settledHeaders } from './plain-answer.js';
import { HttpProblem } from './problem.js';

/** How long a key is kept: 24 hours of simulated time. */
export const IDEMPOTENCY_TTL_MS = 24 * 3_600_000;
/** The most keys kept at once per world (the oldest go first). */
export const IDEMPOTENCY_CAPACITY = 10_000;

const KEPT_STATUSES = new Set([404, 409, 422]);
const REPLAYED_HEADERS = ['content-type', 'location'];

type StoredAnswer = KeptAnswer;

export class IdempotencyStore {
  /** Answers to requests that concern no world. */
  private readonly answers = new Map<string, StoredAnswer>();
  private readonly inFlight = new Map<string, Promise<void>>();

  /** `worldOf` is the world a request concerns (its clock and database), or null for none. */
  constructor(private readonly worldOf: (c: Context<AppEnv>) => Simulator | null) {}

  clear(): void {
    this.answers.clear();
  }

  middleware(): MiddlewareHandler<AppEnv> {
    const answerOnce = this.#answerOnce();
    // Only a POST or DELETE with a key is answered once: other requests pass without a promise of their own.
    return (c, next) =>
      (c.req.method === 'POST' || c.req.method === 'DELETE') && c.req.header('idempotency-key') !== undefined
        ? answerOnce(c, next)
        : next();
  }

  #answerOnce(): MiddlewareHandler<AppEnv> {
    return async (c, next) => {
      const key = c.req.header('idempotency-key');
      if (key === undefined || (c.req.method !== 'POST' && c.req.method !== 'DELETE')) return next();
      if (key.length === 0 || key.length > 200) return next(); // the route's schema refuses it (400)
      const caller = c.get('caller');
      const owner = c.req.path.startsWith('/_sim')
        ? `/_sim ${caller?.admin ? '(admin)' : (caller?.tenant ?? '')}`
        : (c.get('tenant') ?? '');
      const scope = `${owner}\u0000${key}`;
      // A second request with the key waits for the first, then is answered from it.
      while (this.inFlight.has(scope)) await this.inFlight.get(scope);
      // Claimed before the first await, so no second request with the key can slip in.
      let done = () => {};
      this.inFlight.set(
        scope,
        new Promise<void>((resolve) => {
          done = resolve;
        }),
      );
      try {
        const fingerprint = await fingerprintOf(c);
        // A control-API call may make its world on first use: looked for again after the route.
        let world = this.worldOf(c);
        const nowMs = () => (world ? Date.parse(world.clock().now) : 0);
        const stored =
          world?.httpAnswers.recall(scope, nowMs(), IDEMPOTENCY_TTL_MS) ?? this.lookup(scope, nowMs());
        if (stored) {
          if (stored.fingerprint !== fingerprint) {
            throw new HttpProblem(
              422,
              ERROR_CODES.IDEMPOTENCY_KEY_REUSED,
              `Idempotency-Key '${key}' was first used for ${stored.method} ${stored.path} with another request; use a new key for a new request.`,
              { firstRequest: { method: stored.method, path: stored.path } },
            );
          }
          return replay(c, stored);
        }
        await next();
        world ??= this.worldOf(c);
        // Read as a Response from here: a plain answer becomes the one it stands for first.
        settledHeaders(c.res);
        const { status } = c.res;
        const reused = c.res.headers.get('content-type')?.includes('problem') && status === 422;
        if ((status < 300 || KEPT_STATUSES.has(status)) && !(reused && (await isReuse(c.res)))) {
          const answer: StoredAnswer = {
            fingerprint,
            method: c.req.method,
            path: c.req.path,
            atMs: nowMs(),
            status,
            body: await c.res.clone().text(),
            headers: REPLAYED_HEADERS.flatMap((name) => {
              const value = c.res.headers.get(name);
              return value === null ? [] : [[name, value] as [string, string]];
            }),
          };
          if (world) world.httpAnswers.keep(scope, answer, IDEMPOTENCY_TTL_MS, IDEMPOTENCY_CAPACITY);
          else this.store(scope, answer);
        }
      } finally {
        this.inFlight.delete(scope);
        done();
      }
    };
  }

  private lookup(scope: string, nowMs: number): StoredAnswer | undefined {
    const stored = this.answers.get(scope);
    if (stored && nowMs - stored.atMs >= IDEMPOTENCY_TTL_MS) {
      this.answers.delete(scope);
      return undefined;
    }
    return stored;
  }

  private store(scope: string, answer: StoredAnswer): void {
    this.answers.set(scope, answer);
    if (this.answers.size > IDEMPOTENCY_CAPACITY) {
      const oldest = this.answers.keys().next().value;
      if (oldest !== undefined) this.answers.delete(oldest);
    }
  }
}

/** What makes two requests "the same": method, path, query and the body's JSON value. */
async function fingerprintOf(c: Context): Promise<string> {
  const text = c.req.raw.body === null ? '' : await c.req.text();
  let body: unknown = text;
  try {
    body = text === '' ? null : canonical(JSON.parse(text));
  } catch {
    // not JSON: compared as text (the route refuses it anyway)
  }
  const query = Object.entries(c.req.queries()).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([c.req.method, c.req.path, query, body]);
}

/** A JSON value with object keys sorted, so `{a,b}` and `{b,a}` are the same request. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

async function isReuse(res: Response): Promise<boolean> {
  try {
    return ((await res.clone().json()) as { code?: string }).code === ERROR_CODES.IDEMPOTENCY_KEY_REUSED;
  } catch {
    return false;
  }
}

function replay(c: Context, stored: StoredAnswer): Response {
  const headers = Object.fromEntries(stored.headers);
  if (stored.status === 204) return c.body(null, 204, headers);
  return c.body(stored.body, stored.status as never, headers);
}
