/**
 * What the HTTP layer keeps per request (hono's `Env`): the caller's tenant and the policy of
 * its token, set by the auth middleware and read by the routes; the caller as identified.
 */
import type { Simulator } from '../sim/contract.js';
import type { Caller, Policy } from './auth.js';

export interface AppEnv {
  Variables: {
    caller: Caller;
    tenant: string;
    policy: Policy;
    /** The world the request acted on, for `X-Drsim-Time`. */
    world: Simulator;
    /** False when read answers must be made as ordinary Responses (src/server/plain-answer.ts). */
    plainAnswers: boolean;
    /** The request body's text, once a validator has read it (the journal keeps it). */
    bodyText: string;
    /** The query string as `c.req.queries()` parses it, once (src/server/request-query.ts). */
    queries: Record<string, string[]>;
  };
}
