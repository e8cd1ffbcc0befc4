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

/** Resolves the caller of every `/v1` request into `tenant` and `policy`. */
export function authenticate(config: AuthConfig = {}): MiddlewareHandler<AppEnv> {
  const grants = new Map((config.tokens ?? []).map((grant) => [grant.token, grant]));
  const development = grants.size === 0;
  return async (c, next) => {
    const token = bearerToken(c.req.header('authorization'));
    if (token === null) {
      throw new HttpProblem(401, HTTP_ERROR_CODES.UNAUTHORIZED, 'A bearer token is required.', {}, CHALLENGE);
    }
    const grant = development ? { token, tenant: token, policy: 'full' as const } : grants.get(token);
    if (!grant) {
      throw new HttpProblem(
        401,
        HTTP_ERROR_CODES.UNAUTHORIZED,
        'The bearer token is not known.',
        {},
        CHALLENGE,
      );
    }
    c.set('tenant', grant.tenant);
    c.set('policy', grant.policy);
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
 * Guards the control API when an admin token is configured, except `/_sim/health`, which
 * orchestrators probe without credentials. Accepts the token as a bearer token or in
 * `X-Drsim-Admin-Token`, so a client can keep its tenant token in `Authorization`.
 */
export function requireAdmin(adminToken: string | undefined): MiddlewareHandler {
  return async (c, next) => {
    if (adminToken !== undefined && c.req.path !== '/_sim/health') {
      const given = c.req.header('x-drsim-admin-token') ?? bearerToken(c.req.header('authorization'));
      if (given === undefined || given === null || !sameToken(given, adminToken)) {
        throw new HttpProblem(
          401,
          HTTP_ERROR_CODES.UNAUTHORIZED,
          'The control API needs the admin token.',
          {},
          CHALLENGE,
        );
      }
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
