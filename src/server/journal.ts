/**
 * The request journal: what clients asked of the public API, for tests to verify as they
 * would with a mock ("was failover called once, with rp_3?"). One per tenant: a request goes
 * into its caller's tenant's journal (one without a known tenant into none). A bounded ring
 * buffer, so a long-running server keeps only the latest requests. The control API is not
 * journaled, so verifying does not change what is verified.
 */
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './app-env.js';
import { methodMatches, pathMatcher } from './path-pattern.js';

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
}

/** Bodies up to 1 MiB are accepted; keeping each in a 1000-entry journal would hold a gigabyte. */
const MAX_KEPT_BODY = 16 * 1024;

export interface JournalFilter {
  method?: string;
  path?: string;
}

export class RequestJournal {
  private readonly entries: JournalEntry[] = [];
  private seq = 0;

  constructor(readonly capacity = 1000) {}

  record(entry: Omit<JournalEntry, 'seq'>): void {
    this.entries.push({ seq: ++this.seq, ...entry });
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
  }

  find(filter: JournalFilter = {}): JournalEntry[] {
    const matches = filter.path === undefined ? () => true : pathMatcher(filter.path);
    return this.entries.filter((entry) => methodMatches(filter.method, entry.method) && matches(entry.path));
  }

  count(filter: JournalFilter = {}): number {
    return this.find(filter).length;
  }

  clear(): void {
    this.entries.length = 0;
  }

  /** Records every request outside `/_sim`, whatever answered it. */
  middleware(simNow: () => string): MiddlewareHandler<AppEnv> {
    return async (c, next) => {
      if (c.req.path.startsWith('/_sim/') || c.req.path === '/_sim') return next();
      const simTime = simNow();
      const started = performance.now();
      let status = 0; // stays 0 when chaos dropped the connection
      try {
        await next();
        status = c.res.status;
      } finally {
        const text = await readBody(c.req.bodyCache.text);
        this.record({
          simTime,
          method: c.req.method,
          path: c.req.path,
          query: c.req.query(),
          status,
          durationMs: Math.round((performance.now() - started) * 1000) / 1000,
          tenant: c.get('caller')?.tenant ?? null,
          idempotencyKey: c.req.header('idempotency-key') ?? null,
          ...(text === undefined ? {} : { bodyLength: text.length }),
          ...(text === undefined || text.length > MAX_KEPT_BODY ? {} : { body: parseOrKeep(text) }),
        });
      }
    };
  }
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
  return async (c, next) => {
    const tenant = c.get('caller')?.tenant;
    if (!tenant || c.req.path.startsWith('/_sim/') || c.req.path === '/_sim') return next();
    return tenancy.journal(tenant).middleware(() => tenancy.world(tenant).clock().now)(c, next);
  };
}
