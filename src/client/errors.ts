/**
 * What the client throws: `DrsimApiError` for every answer that is not 2xx (the server's
 * problem document, or a stand-in when something else answered), and `JobWaitTimeoutError`
 * when `waitForJob` gives up. Callers branch on `code`, which is stable, never on `detail`.
 */
import type { ProblemCode } from '../server/problem.js';
import type { OperationErrorCode } from '../sim/errors.js';
import type { Job } from '../sim/types.js';

export type { OperationErrorCode, ProblemCode };

/** A problem's code: one drsim writes, or `HTTP_<status>` when something else answered. */
export type ApiErrorCode = ProblemCode | `HTTP_${number}`;

/**
 * An RFC 9457 problem document as drsim writes it. Engine errors add their details as
 * members, e.g. INVALID_STATE carries `pairStatus` and `allowedActions`.
 */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ApiErrorCode;
  instance?: string;
  errors?: { in?: string; path: string; message: string }[];
  [member: string]: unknown;
}

const STANDARD_MEMBERS = new Set(['type', 'title', 'status', 'detail', 'code', 'instance']);

/**
 * A refused or failed request.
 *
 * @example
 * try {
 *   await client.pairs.failover(pairId, { recoveryPointId });
 * } catch (err) {
 *   if (DrsimApiError.is(err, 'INVALID_STATE')) console.log(err.problem.allowedActions);
 *   else throw err;
 * }
 */
export class DrsimApiError extends Error {
  override readonly name = 'DrsimApiError';
  /** The HTTP status. */
  readonly status: number;
  /** The problem's stable code, e.g. `INVALID_STATE`; `HTTP_<status>` when the body was not a problem. */
  readonly code: ApiErrorCode;
  readonly problem: Problem;
  /** Seconds, from `Retry-After` (429 and 503 answers). */
  readonly retryAfterSeconds: number | null;

  constructor(
    readonly method: string,
    readonly url: string,
    status: number,
    problem: Problem,
    retryAfterSeconds: number | null = null,
  ) {
    super(`${method} ${url}: ${status} ${problem.code}: ${problem.detail}`);
    this.status = status;
    this.code = problem.code;
    this.problem = problem;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** The problem's members beyond the standard ones (an engine error's details). */
  get details(): Record<string, unknown> {
    return Object.fromEntries(Object.entries(this.problem).filter(([key]) => !STANDARD_MEMBERS.has(key)));
  }

  /** True for a DrsimApiError, and when `code` is given, one with that code. */
  static is(value: unknown, code?: ApiErrorCode): value is DrsimApiError {
    return value instanceof DrsimApiError && (code === undefined || value.code === code);
  }
}

/**
 * The request never got an answer: the connection was refused or dropped (a chaos `drop`, a
 * server gone). `request` says which; `cause` is what `fetch` threw.
 */
export class DrsimNetworkError extends Error {
  override readonly name = 'DrsimNetworkError';
  readonly request: { method: string; url: string; idempotencyKey: string | null };
  constructor(method: string, url: string, idempotencyKey: string | null, cause: unknown) {
    super(`${method} ${url}: no answer (${cause instanceof Error ? cause.message : String(cause)})`, {
      cause,
    });
    this.request = { method, url, idempotencyKey };
  }

  static is(value: unknown): value is DrsimNetworkError {
    return value instanceof DrsimNetworkError;
  }
}

/**
 * `waitForJob` can see that the job will never move: the world's clock is manual and nothing
 * advances it (pass `advance`), or the job's progression is manual and nothing steps it (pass
 * `step: true`).
 */
export class JobWaitStuckError extends Error {
  override readonly name = 'JobWaitStuckError';
  constructor(
    readonly job: Job,
    readonly reason: 'manual-clock' | 'manual-progression',
  ) {
    super(
      reason === 'manual-clock'
        ? `Job ${job.id} (${job.type}) is ${job.status} and the clock is manual: nothing moves it. Pass { advance: '1m' } to waitForJob, or advance the clock.`
        : `Job ${job.id} (${job.type}) is ${job.status} under manual progression: nothing moves it. Pass { step: true } to waitForJob, or step it.`,
    );
  }
}

/** `waitForJob` ran out of time; `job` is what the last poll saw. */
export class JobWaitTimeoutError extends Error {
  override readonly name = 'JobWaitTimeoutError';
  constructor(
    readonly job: Job,
    readonly timeoutMs: number,
  ) {
    super(`Job ${job.id} (${job.type}) is still ${job.status} after ${timeoutMs} ms.`);
  }
}

/** Reads an error answer into a problem, whatever answered (drsim, a proxy, nothing readable). */
export async function problemOf(response: Response): Promise<Problem> {
  const text = await response.text().catch(() => '');
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const body = (parsed !== null && typeof parsed === 'object' ? parsed : {}) as Record<string, unknown>;
  const code = (typeof body.code === 'string' ? body.code : `HTTP_${response.status}`) as ApiErrorCode;
  return {
    ...body,
    type: typeof body.type === 'string' ? body.type : 'about:blank',
    title: typeof body.title === 'string' ? body.title : response.statusText || `HTTP ${response.status}`,
    status: response.status,
    detail: typeof body.detail === 'string' ? body.detail : text.slice(0, 500) || `HTTP ${response.status}`,
    code,
  };
}
