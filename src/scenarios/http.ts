/**
 * The runner's own HTTP client policy, as a careful real client would have it: a 429 or 503 is
 * retried after the `Retry-After` it carries (seconds or an HTTP date; 1s when absent), at most
 * `RETRY_POLICY.retries` times, each wait at most `maxWaitMs`. The service answers those before
 * doing anything, so any method may be retried. A dropped connection is retried only when the
 * request is safe to repeat: GET, PUT, DELETE, or a POST carrying an Idempotency-Key (every
 * action the runner sends carries one). A 500 is never retried. A scenario turns the policy off
 * with `httpRetry: false`, to check that a failure surfaces.
 */
import type { FetchLike } from '../client/client.js';

export const RETRY_POLICY = {
  /** Retries after the first attempt. */
  retries: 3,
  /** The longest single wait, whatever Retry-After says. */
  maxWaitMs: 5_000,
  /** The wait when a 429/503 has no Retry-After, or before retrying a dropped connection. */
  defaultWaitMs: 1_000,
} as const;

const RETRIED_STATUSES = new Set([429, 503]);
const REPEATABLE_METHODS = new Set(['GET', 'HEAD', 'PUT', 'DELETE']);

export interface RetrySwitch {
  enabled: boolean;
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function retryAfterMs(header: string | null, nowMs: number = Date.now()): number | null {
  if (header === null) return null;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function repeatable(init: RequestInit | undefined): boolean {
  const method = (init?.method ?? 'GET').toUpperCase();
  if (REPEATABLE_METHODS.has(method)) return true;
  const headers = new Headers(init?.headers);
  return headers.has('idempotency-key');
}

/** `fetch` with the retry policy while `retry.enabled`; the body must be a string (the client's is). */
export function retryingFetch(base: FetchLike, retry: RetrySwitch): FetchLike {
  return async (input, init) => {
    for (let attempt = 0; ; attempt++) {
      const last = !retry.enabled || attempt >= RETRY_POLICY.retries;
      let response: Response;
      try {
        response = await base(input, init);
      } catch (err) {
        if (last || !repeatable(init)) throw err;
        await sleep(RETRY_POLICY.defaultWaitMs);
        continue;
      }
      if (last || !RETRIED_STATUSES.has(response.status)) return response;
      const wait = retryAfterMs(response.headers.get('retry-after')) ?? RETRY_POLICY.defaultWaitMs;
      await response.body?.cancel();
      await sleep(Math.min(wait, RETRY_POLICY.maxWaitMs));
    }
  };
}
