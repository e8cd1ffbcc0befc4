/**
 * The request journal: what clients asked of the public API, for tests to verify as they
 * would with a mock ("was failover called once, with rp_3?"). One per tenant: a request goes
 * into its caller's tenant's journal (one without a known tenant into none). A bounded ring
 * buffer, so a long-running server keeps only the latest requests. The control API is not
 * journaled, so verifying does not change what is verified.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from './app-env.js';
import { methodMatches, pathMatcher } from './path-pattern.js';
import { type PlainAnswer, plainAnswerOf, SUMMARY_TEXT_LIMIT } from './plain-answer.js';
import { requestQuery } from './request-query.js';

export interface JournalEntry {
  seq: number;
  /** Simulated time when the request arrived. */
  simTime: string;
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
  durationMs: number;
  tenant: string | null;
  idempotencyKey: string | null;
  /** The body as sent (parsed when JSON), when the route read it and it is at most 16 KiB. */
  body?: unknown;
  /** The body's length in characters, when the route read it. */
  bodyLength?: number;
  /**
   * What the answer said, for a replay to check (`drsim journal export --as-scenario`): the
   * problem code of a problem, and the key fields of a JSON body (`answerSummary`).
   */
  response?: { code?: string; body?: unknown };
}

/** Bodies up to 1 MiB are accepted; keeping each in a 1000-entry journal would hold a gigabyte. */
const MAX_KEPT_BODY = 16 * 1024;
/**
 * Answers longer than this are not read for their summary. Reading and parsing every answer
 * cost a 100-pair list page five times its own CPU and held up to 1000 page summaries in
 * memory; the answers a replay checks (one pair, one job, a short page) are far smaller.
 */
const MAX_SUMMARIZED_ANSWER = SUMMARY_TEXT_LIMIT;
/** Fields that say which thing an answer is about and what state it is in; never times or secrets. */
const KEY_FIELDS = new Set([
  'id',
  'name',
  'status',
  'pairStatus',
  'type',
  'code',
  'state',
  'powerState',
  'role',
  'region',
  'action',
  'recoveryPointId',
  'activeRecoveryPointId',
  'currentJobId',
  'testFailover',
  'error',
  'mainServer',
  'shadowServer',
  'testServer',
]);
const MAX_SUMMARIZED_ITEMS = 100;
const MAX_TEXT = 200;

/**
 * The key fields of an answer: for an object, its identity and state fields (nested objects of
 * those names likewise), for a page its `items` (at most 100) and `nextCursor`'s presence.
 */
export function answerSummary(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object') {
    return typeof value === 'string' && value.length > MAX_TEXT ? undefined : value;
  }
  if (Array.isArray(value)) {
    return value.length > MAX_SUMMARIZED_ITEMS || depth > 2
      ? undefined
      : value.map((item) => answerSummary(item, depth + 1));
  }
  const summary: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (key === 'items' && depth === 0 && Array.isArray(field)) {
      const items = answerSummary(field, depth);
      if (items !== undefined) summary.items = items;
    } else if (KEY_FIELDS.has(key) && depth < 3) {
      const kept = answerSummary(field, depth + 1);
      if (kept !== undefined) summary[key] = kept;
    }
  }
  return summary;
}

type Summary = JournalEntry['response'] | undefined;

/**
 * The key fields of a JSON answer, or a function that works them out later. `sent` is the text
 * the route answered with when it built the answer with `c.json`/`c.body` (captured by
 * `captureAnswers`): reading it from there leaves the Response untouched, where reading the body
 * would turn @hono/node-server's lightweight Response into a full one with web streams (a third
 * of a small write's cost, docs/performance.md); and its summary is worked out only when the
 * journal is read, not on every request.
 */
async function summarize(res: Response, sent: string | undefined): Promise<Summary | (() => Summary)> {
  const type = res.headers.get('content-type') ?? '';
  if (!/json/.test(type)) return undefined;
  if (sent === undefined && res.body === null) return undefined;
  const length = Number(res.headers.get('content-length') ?? 0);
  if (length > MAX_SUMMARIZED_ANSWER) return undefined;
  if (sent !== undefined)
    return sent.length > MAX_SUMMARIZED_ANSWER ? undefined : () => summaryOf(type, sent);
  try {
    return summaryOf(type, await res.clone().text());
  } catch {
    return undefined;
  }
}

/**
 * `summarize` of a plain answer (src/server/plain-answer.ts): JSON without a Content-Length header
 * yet, its text kept when short enough; the same summary, without making its headers a Headers.
 */
function summarizePlain({ type, text }: PlainAnswer): (() => Summary) | undefined {
  return text === undefined || text.length > MAX_SUMMARIZED_ANSWER ? undefined : () => summaryOf(type, text);
}

function summaryOf(type: string, text: string): Summary {
  if (text.length > MAX_SUMMARIZED_ANSWER) return undefined;
  try {
    const body = JSON.parse(text) as unknown;
    const code = (body as { code?: unknown } | null)?.code;
    return type.includes('problem') && typeof code === 'string' ? { code } : { body: answerSummary(body) };
  } catch {
    return undefined;
  }
}

export interface JournalFilter {
  method?: string;
  path?: string;
}

export class RequestJournal {
  /**
   * The kept entries, oldest at `start`, as a ring: a full journal overwrites its oldest entry
   * instead of moving the other 999 (each request did, once full). Beside each entry, the
   * function that works out its answer's summary when the journal is read (`summarize`).
   */
  private readonly ring: JournalEntry[] = [];
  private readonly pending: ((() => Summary) | undefined)[] = [];
  /**
   * Beside each entry, the body's text until the journal is read: parsed then, not on every
   * request (most entries are overwritten unread), and the text is smaller to keep than its value.
   */
  private readonly bodies: (string | undefined)[] = [];
  private start = 0;
  private size = 0;
  private readonly room: number;
  private seq = 0;

  constructor(readonly capacity = 1000) {
    this.room = Number.isNaN(capacity) ? Number.POSITIVE_INFINITY : Math.max(0, Math.floor(capacity));
  }

  record(entry: Omit<JournalEntry, 'seq'>, summary?: () => Summary): void {
    this.#keep({ seq: ++this.seq, ...entry }, summary);
  }

  #keep(kept: JournalEntry, summary: (() => Summary) | undefined, body?: string): void {
    if (this.room === 0) return;
    let slot: number;
    if (this.size < this.room) slot = (this.start + this.size++) % this.room;
    else {
      slot = this.start;
      this.start = (this.start + 1) % this.room;
    }
    this.ring[slot] = kept;
    this.pending[slot] = summary;
    this.bodies[slot] = body;
  }

  find(filter: JournalFilter = {}): JournalEntry[] {
    const matches = filter.path === undefined ? () => true : pathMatcher(filter.path);
    const found: JournalEntry[] = [];
    for (let i = 0; i < this.size; i++) {
      const slot = (this.start + i) % this.room;
      const entry = this.ring[slot] as JournalEntry;
      if (!methodMatches(filter.method, entry.method) || !matches(entry.path)) continue;
      found.push(entry);
      const body = this.bodies[slot];
      if (body !== undefined) {
        this.bodies[slot] = undefined;
        entry.body = parseOrKeep(body);
      }
      const summary = this.pending[slot];
      if (!summary) continue;
      this.pending[slot] = undefined;
      const response = summary();
      if (response) entry.response = response;
    }
    return found;
  }

  count(filter: JournalFilter = {}): number {
    return this.find(filter).length;
  }

  clear(): void {
    this.ring.length = 0;
    this.pending.length = 0;
    this.bodies.length = 0;
    this.start = 0;
    this.size = 0;
  }

  /** Records every request outside `/_sim`, whatever answered it. */
  middleware(simNow: () => string): MiddlewareHandler<AppEnv> {
    return (c, next) => this.around(c, next, simNow);
  }

  /** Runs `next` and records the request; `simNow` is the simulated time it arrived at. */
  async around(c: Context<AppEnv>, next: () => Promise<void>, simNow: () => string): Promise<void> {
    if (c.req.path.startsWith('/_sim/') || c.req.path === '/_sim') return next();
    const simTime = simNow();
    const started = performance.now();
    let status = 0; // stays 0 when chaos dropped the connection
    let response: Summary | (() => Summary);
    const sent = captureAnswers(c);
    try {
      await next();
      status = c.res.status;
      const plain = plainAnswerOf(c.res);
      response = plain ? summarizePlain(plain) : await summarize(c.res, sent.by(c.res));
    } finally {
      // Nothing to wait for when no validator read the body (every GET), or it said what it read.
      const cached = c.req.bodyCache.text;
      const text = c.get('bodyText') ?? (cached === undefined ? undefined : await readBody(cached));
      const entry: JournalEntry = {
        seq: ++this.seq,
        simTime,
        method: c.req.method,
        path: c.req.path,
        query: queryOf(c),
        status,
        durationMs: Math.round((performance.now() - started) * 1000) / 1000,
        tenant: c.get('caller')?.tenant ?? null,
        idempotencyKey: c.req.header('idempotency-key') ?? null,
      };
      let body: string | undefined;
      if (text !== undefined) {
        entry.bodyLength = text.length;
        if (text.length <= MAX_KEPT_BODY) {
          // Its place among the fields, filled when the journal is read (`find`).
          entry.body = undefined;
          body = text;
        }
      }
      if (typeof response === 'object') entry.response = response;
      this.#keep(entry, typeof response === 'function' ? response : undefined, body);
    }
  }
}

/**
 * Remembers the text of each answer the route builds with `c.json` or `c.body` (a string body),
 * with the Response it became: `by(res)` is the text of `res` if it was built so, else undefined.
 */
function captureAnswers(c: Context): { by(res: Response): string | undefined } {
  let last: { res: Response; text: string } | undefined;
  const body = c.body;
  const captured = ((data: unknown, ...rest: unknown[]) => {
    const res = (body as (...args: unknown[]) => Response)(data, ...rest);
    last = typeof data === 'string' ? { res, text: data } : undefined;
    return res;
  }) as typeof c.body;
  c.body = captured;
  // The same as hono's own `c.json`, through `c.body` so that its text is kept.
  c.json = ((object: unknown, arg?: unknown, headers?: Record<string, string>) =>
    captured(JSON.stringify(object), arg as never, {
      'Content-Type': 'application/json',
      ...headers,
    })) as unknown as typeof c.json;
  return { by: (res) => (last && last.res === res ? last.text : undefined) };
}

/**
 * `c.req.query()`: what hono finds after the URL's `?`, and nothing (its empty, prototype-less
 * object) without one, as most API requests are; asked so, hono would still walk the URL for it.
 * With one, the query the route's checks already parsed (src/server/request-query.ts).
 */
function queryOf(c: Context<AppEnv>): Record<string, string> {
  return c.req.url.indexOf('?', 8) === -1 ? Object.create(null) : requestQuery(c);
}

/** The body text hono cached when a validator read it; nothing when nobody did. */
async function readBody(cached: unknown): Promise<string | undefined> {
  try {
    const text = await cached; // hono types the cache as values; it holds promises
    return typeof text === 'string' ? text : undefined;
  } catch {
    return undefined;
  }
}

function parseOrKeep(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Journals each request outside `/_sim` in its caller's tenant's journal. */
export function journalMiddleware(tenancy: {
  journal(tenant: string): RequestJournal;
  world(tenant: string): { clock(): { now: string } };
}): MiddlewareHandler<AppEnv> {
  return (c, next) => {
    const tenant = c.get('caller')?.tenant;
    if (!tenant || c.req.path.startsWith('/_sim/') || c.req.path === '/_sim') return next();
    return tenancy.journal(tenant).around(c, next, () => tenancy.world(tenant).clock().now);
  };
}
