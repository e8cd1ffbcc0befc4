/**
 * What the HTTP layer keeps per request (hono's `Env`): the caller's tenant and the policy of
 * its token, set by the auth middleware and read by the routes.
 */
import type { Policy } from './auth.js';

export interface AppEnv {
  Variables: {
    tenant: string;
    policy: Policy;
  };
}
