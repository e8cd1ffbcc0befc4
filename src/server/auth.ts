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

/**
 * A token's policy: one of the managed policies (`full`, `read-only`), `none` (a user without
 * access: 403 on everything), or a custom policy listing IAM actions (decision 0008).
 */
export type Policy = 'full' | 'read-only' | 'none' | { actions: string[] };
export const MANAGED_POLICIES = ['full', 'read-only', 'none'] as const;

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

const NO_GRANTS = new Map<string, TokenGrant>();
const grantMaps = new WeakMap<TokenGrant[], Map<string, TokenGrant>>();

/** The configured tokens by token; made once per list, since every request asks. */
function grantsOf(tokens: TokenGrant[] | undefined): Map<string, TokenGrant> {
  if (!tokens) return NO_GRANTS;
  let grants = grantMaps.get(tokens);
  if (!grants) {
    grants = new Map(tokens.map((grant) => [grant.token, grant]));
    grantMaps.set(tokens, grants);
  }
  return grants;
}

export function identify(
  config: IdentityConfig,
  authorization: string | undefined,
  adminHeader: string | undefined,
): Caller {
  const grants = grantsOf(config.tokens);
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
  return (c, next) => {
    const caller = c.get('caller');
    if (caller.refused !== null) {
      throw new HttpProblem(401, HTTP_ERROR_CODES.UNAUTHORIZED, caller.refused, {}, CHALLENGE);
    }
    if (caller.tenant === null || caller.policy === null) {
      throw new HttpProblem(401, HTTP_ERROR_CODES.UNAUTHORIZED, 'A bearer token is required.', {}, CHALLENGE);
    }
    c.set('tenant', caller.tenant);
    c.set('policy', caller.policy);
    if (caller.policy === 'none') {
      throw new HttpProblem(
        403,
        HTTP_ERROR_CODES.FORBIDDEN,
        'The token carries no policy: it has no access.',
        {
          policy: 'none',
        },
      );
    }
    return next();
  };
}

/**
 * The IAM actions drsim checks: the service's documented SDR actions, and vServer actions for the
 * server routes (a separate permission on the service), `vserver:` first.
 */
export const IAM_ACTIONS = [
  'DrPairAttachServer',
  'DrPairStartReplication',
  'DrPairStopReplication',
  'DrPairResumeReplication',
  'DrPairRestartReplication',
  'DrPairTestFailover',
  'DrPairChangeRecoveryPoint',
  'DrPairCleanTestEnvironment',
  'DrPairFailover',
  'DrPairCommitFailover',
  'DrPairDetachServer',
  'DrPairUpdateSettings',
  'ListDrPairs',
  'GetDrPair',
  'GetDrPairHistory',
  'GetDrPairRecoveryPoints',
  'vserver:ListServers',
  'vserver:GetServer',
  'vserver:CreateServer',
  'vserver:StartServer',
  'vserver:StopServer',
  'vserver:WriteServerFile',
  'vserver:UpdateServerVolumes',
  'vserver:RenewServer',
  'vserver:ListRegions',
] as const;

/** The read-only managed policy grants the List and Get actions. */
export const isReadAction = (action: string): boolean => /^(vserver:)?(List|Get)/.test(action);

/** Whether `policy` grants the IAM action (a custom policy may end an entry with `*`). */
export function allows(policy: Policy, action: string): boolean {
  if (policy === 'full') return true;
  if (policy === 'none') return false;
  if (policy === 'read-only') return isReadAction(action);
  return policy.actions.some((granted) =>
    granted.endsWith('*') ? action.startsWith(granted.slice(0, -1)) : granted === action,
  );
}

/** `full`, `read-only`, `none` or `custom`. */
export const policyName = (policy: Policy): 'full' | 'read-only' | 'none' | 'custom' =>
  typeof policy === 'string' ? policy : 'custom';

/**
 * Guards a route: a token whose policy does not grant the IAM action, e.g. `DrPairFailover` or
 * `vserver:StartServer`, gets 403 naming it. Runs before validation, so a refused caller learns
 * nothing about its payload.
 */
export function requirePermission(iamAction: string): MiddlewareHandler<AppEnv> {
  return (c, next) => {
    const policy = c.get('policy');
    if (!allows(policy, iamAction)) {
      throw new HttpProblem(
        403,
        HTTP_ERROR_CODES.FORBIDDEN,
        `The token's ${policyName(policy)} policy does not allow ${iamAction}.`,
        { action: iamAction, policy: policyName(policy) },
      );
    }
    return next();
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
    // Only a full-access token changes its own world; read-only and custom policies read it.
    if (!caller.admin && caller.policy === 'none') {
      throw new HttpProblem(
        403,
        HTTP_ERROR_CODES.FORBIDDEN,
        'The token carries no policy: it has no access.',
        {
          policy: 'none',
        },
      );
    }
    if (!caller.admin && caller.policy !== 'full' && c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      const name = caller.policy === null ? null : policyName(caller.policy);
      throw new HttpProblem(
        403,
        HTTP_ERROR_CODES.FORBIDDEN,
        `The token's ${name} policy does not allow changing the simulation.`,
        { policy: name },
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

/** A policy as the tokens file writes it. */
function parsePolicy(value: unknown, actions: unknown, where: string): Policy {
  if (value === undefined && actions === undefined) return 'none';
  if (Array.isArray(actions) || value === 'custom') {
    if (!Array.isArray(actions) || actions.some((a) => typeof a !== 'string' || !IAM_ACTION.test(a))) {
      throw new Error(`${where}: a custom policy needs "actions", a list of IAM action names`);
    }
    return { actions: [...(actions as string[])] };
  }
  if (!(MANAGED_POLICIES as readonly unknown[]).includes(value)) {
    throw new Error(`${where}.policy must be "full", "read-only", "none" or "custom" (with "actions")`);
  }
  return value as Policy;
}

const IAM_ACTION = /^(\*|[A-Za-z][A-Za-z0-9]*(:[A-Za-z*][A-Za-z0-9*]*)?\*?)$/;

/**
 * Reads `{ "tokens": [{ "token", "tenant", "policy", "actions"? }] }` (the `--tokens` file):
 * `policy` is `full`, `read-only`, `none` (or left out: no access) or `custom` with `actions`.
 * Throws a readable message for the CLI on anything else.
 */
export function parseTokensFile(json: unknown): TokenGrant[] {
  const tokens = (json as { tokens?: unknown } | null)?.tokens;
  if (!Array.isArray(tokens)) throw new Error('the tokens file needs a "tokens" array');
  return tokens.map((entry, index) => {
    const { token, tenant, policy, actions } = (entry ?? {}) as Record<string, unknown>;
    if (typeof token !== 'string' || token === '') throw new Error(`tokens[${index}].token must be a string`);
    if (typeof tenant !== 'string' || tenant === '')
      throw new Error(`tokens[${index}].tenant must be a string`);
    return { token, tenant, policy: parsePolicy(policy, actions, `tokens[${index}]`) };
  });
}

/**
 * Reads one `--token` flag: `TOKEN:TENANT:full|read-only|none`, or
 * `TOKEN:TENANT:custom=Action1,Action2` (a custom policy; vServer actions keep their colon).
 * The token itself may contain colons.
 */
export function parseTokenFlag(flag: string): TokenGrant {
  const usage = `--token ${flag}: expected TOKEN:TENANT:full|read-only|none or TOKEN:TENANT:custom=Action1,Action2`;
  const custom = flag.lastIndexOf(':custom=');
  if (custom >= 0) {
    const parts = flag.slice(0, custom).split(':');
    const tenant = parts.pop();
    const token = parts.join(':');
    const actions = flag.slice(custom + ':custom='.length).split(',');
    if (!token || !tenant || actions.some((a) => !IAM_ACTION.test(a))) throw new Error(usage);
    return { token, tenant, policy: { actions } };
  }
  const parts = flag.split(':');
  const policy = parts.pop();
  const tenant = parts.pop();
  const token = parts.join(':');
  if (!token || !tenant || !(MANAGED_POLICIES as readonly unknown[]).includes(policy)) throw new Error(usage);
  return { token, tenant, policy: policy as Policy };
}
