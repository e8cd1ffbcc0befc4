/**
 * How the console's pages read data: through the public API itself, in process
 * (`app.request`), with the visitor's own bearer token. Nothing here touches the simulator,
 * so a page can only show what that tenant's client would get from `/v1` — and a refusal is
 * the API's own problem document, shown as such.
 */
import type { Page } from '../sim/types.js';

/** What the console needs of the app it is mounted in: hono's `app.request`. */
export interface ApiHost {
  request(path: string, init?: RequestInit): Response | Promise<Response>;
}

/** The credentials a visitor chose in the header and the simulation panel (cookies). */
export interface Credentials {
  token: string;
  /** The tenant the control API's per-tenant routes name; the token in development mode. */
  tenant: string;
  /** Only needed when the server was started with `--admin-token`. */
  adminToken: string | null;
}

export interface Problem {
  status: number;
  code: string;
  detail: string;
  errors?: { path: string; message: string }[];
}

/** A non-2xx answer, carried up to the page that renders it. */
export class ApiFailure extends Error {
  override readonly name = 'ApiFailure';
  constructor(
    readonly path: string,
    readonly problem: Problem,
  ) {
    super(`${path}: ${problem.status} ${problem.code}: ${problem.detail}`);
  }
}

/** The most items a list route returns in one page (the engine's limit). */
const PAGE_LIMIT = 500;
/** A bound on paging, so a page render cannot loop on a server that keeps answering cursors. */
const MAX_PAGES = 200;

export class ConsoleApi {
  /** The simulated time of the last answer (`X-Drsim-Time`). */
  now: string | null = null;

  constructor(
    private readonly host: ApiHost,
    readonly credentials: Credentials,
  ) {}

  /** GET a `/v1` resource as the visitor's tenant. */
  get<T>(path: string): Promise<T> {
    return this.send<T>(path, { Authorization: `Bearer ${this.credentials.token}` });
  }

  /**
   * GET a `/_sim` resource of the visitor's tenant's world: with the visitor's token (which
   * picks the world) and the admin token when the visitor gave one.
   */
  control<T>(path: string): Promise<T> {
    const admin = this.credentials.adminToken;
    return this.send<T>(path, {
      Authorization: `Bearer ${this.credentials.token}`,
      ...(admin ? { 'X-Drsim-Admin-Token': admin } : {}),
    });
  }

  /** Every item of a paged `/v1` list, following `nextCursor`. */
  async all<T>(path: string): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < MAX_PAGES; pages++) {
      const separator = path.includes('?') ? '&' : '?';
      const query = `limit=${PAGE_LIMIT}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page: Page<T> = await this.get<Page<T>>(`${path}${separator}${query}`);
      items.push(...page.items);
      cursor = page.nextCursor;
      if (!cursor) break;
    }
    return items;
  }

  /** Like `get`, but a refusal is returned as a value for pages that can live without it. */
  async attempt<T>(load: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; problem: Problem }> {
    try {
      return { ok: true, value: await load };
    } catch (err) {
      if (err instanceof ApiFailure) return { ok: false, problem: err.problem };
      throw err;
    }
  }

  private async send<T>(path: string, headers: Record<string, string>): Promise<T> {
    const res = await this.host.request(path, { headers: { Accept: 'application/json', ...headers } });
    this.now = res.headers.get('x-drsim-time') ?? this.now;
    const text = await res.text();
    const body = text ? (JSON.parse(text) as unknown) : null;
    if (!res.ok) throw new ApiFailure(path, toProblem(res.status, body));
    return body as T;
  }
}

function toProblem(status: number, body: unknown): Problem {
  const doc = (body ?? {}) as Partial<Problem> & { title?: string };
  return {
    status,
    code: typeof doc.code === 'string' ? doc.code : `HTTP_${status}`,
    detail: typeof doc.detail === 'string' ? doc.detail : (doc.title ?? `HTTP ${status}`),
    ...(Array.isArray(doc.errors) ? { errors: doc.errors } : {}),
  };
}

export const enc = encodeURIComponent;
