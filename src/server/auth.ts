/**
 * Bearer tokens as the service's IAM has them: each token belongs to one tenant and carries a
 * managed policy, full access or read-only. With no tokens configured (development mode) any
 * bearer token is accepted with full access and is a tenant of its own, so `demo` sees the
 * demo data. Writes name the IAM action they need, and a read-only token is refused with it.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './app-env.js';
import { HTTP_ERROR_CODES, HttpProblem } from './problem.js';

export type Policy = 'full' | 'read-only';
export const POLICIES: readonly Policy[] = ['full', 'read-only'];

export interface TokenGrant {
  token: string;
  tenant: string;
  policy: Policy;
}

/** How tokens are checked; `tokens: []` or undefined is development mode. */
export interface AuthConfig {
  tokens?: TokenGrant[];
}

const CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="drsim"' };

/** The token of an `Authorization: Bearer …` header, or null. */
export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? '');
  return match?.[1] ?? null;
}

/**
 * Who is calling, from `Authorization: Bearer …` and `X-Drsim-Admin-Token`; resolved once per
 * request, before the journal and chaos (which are the caller's tenant's).
 */
export interface Caller {
  /** The bearer token's tenant; null without one (or with the admin token alone). */
  tenant: string | null;
  policy: Policy | null;
  /** Holds the admin token, or the server has no tokens at all (development: nothing is protected). */
  admin: boolean;
  /** The bearer token belongs to an ephemeral tenant (created through `POST /_sim/tenants`). */
  ephemeral: boolean;
  /** Tokens or an admin token are configured. */
  protected: boolean;
  /** Why the credentials were refused (a 401), if they were. */
  refused: string | null;
}

export interface IdentityConfig extends AuthConfig {
  adminToken?: string;
  /** Tokens of ephemeral tenants, made at run time. */
  ephemeral: Map<string, TokenGrant>;
  /** Whether a name is an ephemeral tenant's: in development mode its name is not a token for it. */
  isEphemeralTenant(tenant: string): boolean;
}

export function identify(
  config: IdentityConfig,
  authorization: string | undefined,
  adminHeader: string | undefined,
): Caller {
  const grants = new Map((config.tokens ?? []).map((grant) => [grant.token, grant]));
  const development = grants.size === 0;
  const isProtected = !development || config.adminToken !== undefined;
  const caller: Caller = {
    tenant: null,
    policy: null,
    admin: !isProtected,
    ephemeral: false,
    protected: isProtected,
    refused: null,
  };
  const adminToken = config.adminToken;
  if (adminHeader !== undefined && adminToken !== undefined) {
    if (!sameToken(adminHeader, adminToken))
      return { ...caller, refused: 'The admin token is not the right one.' };
    caller.admin = true;
  }
  const token = bearerToken(authorization);
  if (token === null) {
    if (authorization !== undefined && authorization.trim() !== '') {
      return { ...caller, refused: 'The Authorization header must be `Bearer <token>`.' };
    }
    return caller;
  }
  if (adminToken !== undefined && sameToken(token, adminToken)) return { ...caller, admin: true };
  const ephemeral = config.ephemeral.get(token);
  const grant =
    ephemeral ??
    grants.get(token) ??
    (development && !config.isEphemeralTenant(token)
      ? { token, tenant: token, policy: 'full' as const }
      : undefined);
  if (!grant) return { ...caller, refused: 'The bearer token is not known.' };
  return { ...caller, tenant: grant.tenant, policy: grant.policy, ephemeral: ephemeral !== undefined };
}

/** Refuses a `/v1` request without a tenant's token: 401 with a Bearer challenge. */
export function authenticate(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const caller = c.get('caller');
    if (caller.refused !== null) {
      throw new HttpProblem(401, HTTP_ERROR_CODES.UNAUTHORIZED, caller.refused, {}, CHALLENGE);
    }
    if (caller.tenant === null || caller.policy === null) {
      throw new HttpProblem(401, HTTP_ERROR_CODES.UNAUTHORIZED, 'A bearer token is required.', {}, CHALLENGE);
    }
    c.set('tenant', caller.tenant);
    c.set('policy', caller.policy);
    await next();
  };
}

/**
 * Guards a write: a read-only token gets 403 naming the IAM action, e.g. `DrPairFailover`.
 * Runs before validation so a refused caller learns nothing about its payload.
 */
export function requireWrite(iamAction: string): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.get('policy') !== 'full') {
      throw new HttpProblem(
        403,
        HTTP_ERROR_CODES.FORBIDDEN,
        `The token's read-only policy does not allow ${iamAction}.`,
        { action: iamAction, policy: c.get('policy') },
      );
    }
    await next();
  };
}

/**
 * Guards the control API. With no tokens configured at all (development) it is open. Otherwise
 * it takes the admin token (any world, the whole server) or a tenant's token (that tenant's
 * own world; a read-only token only reads). `/_sim/health` never needs a token.
 */
export function requireControlAccess(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.req.path === '/_sim/health') return next();
    const caller = c.get('caller');
    if (caller.refused !== null) {
      throw new HttpProblem(401, HTTP_ERROR_CODES.UNAUTHORIZED, caller.refused, {}, CHALLENGE);
    }
    if (!caller.admin && caller.tenant === null) {
      throw new HttpProblem(
        401,
        HTTP_ERROR_CODES.UNAUTHORIZED,
        "The control API needs the admin token, or a tenant's token for that tenant's own world.",
        {},
        CHALLENGE,
      );
    }
    if (!caller.admin && caller.policy !== 'full' && c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      throw new HttpProblem(
        403,
        HTTP_ERROR_CODES.FORBIDDEN,
        "The token's read-only policy does not allow changing the simulation.",
        { policy: caller.policy },
      );
    }
    await next();
  };
}

/**
 * Compares two secrets in time that does not depend on where they differ (nor on their
 * lengths: both are hashed first), so timing reveals nothing of the admin token.
 */
export function sameToken(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * Reads `{ "tokens": [{ "token", "tenant", "policy" }] }` (the `--tokens` file).
 * Throws a readable message for the CLI on anything else.
 */
export function parseTokensFile(json: unknown): TokenGrant[] {
  const tokens = (json as { tokens?: unknown } | null)?.tokens;
  if (!Array.isArray(tokens)) throw new Error('the tokens file needs a "tokens" array');
  return tokens.map((entry, index) => {
    const { token, tenant, policy } = (entry ?? {}) as Record<string, unknown>;
    if (typeof token !== 'string' || token === '') throw new Error(`tokens[${index}].token must be a string`);
    if (typeof tenant !== 'string' || tenant === '')
      throw new Error(`tokens[${index}].tenant must be a string`);
    if (!POLICIES.includes(policy as Policy)) {
      throw new Error(`tokens[${index}].policy must be "full" or "read-only"`);
    }
    return { token, tenant, policy: policy as Policy };
  });
}

/** Reads one `--token TOKEN:TENANT:POLICY` flag; the token itself may contain colons. */
export function parseTokenFlag(flag: string): TokenGrant {
  const parts = flag.split(':');
  const policy = parts.pop();
  const tenant = parts.pop();
  const token = parts.join(':');
  if (!token || !tenant || !POLICIES.includes(policy as Policy)) {
    throw new Error(`--token ${flag}: expected TOKEN:TENANT:full|read-only`);
  }
  return { token, tenant, policy: policy as Policy };
}
