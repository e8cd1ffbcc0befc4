/**
 * The one place where failures become HTTP: DrError codes map to statuses here, and every
 * error response — the engine's refusals, validation failures, auth, unknown routes, chaos —
 * is written here as an RFC 9457 problem document (`application/problem+json`) carrying a
 * stable `code`. `app.onError` and the zod `defaultHook` both end up in this module, so a
 * client sees one error shape whatever refused its request.
 */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';
import { DrError, ERROR_CODES, REFUSAL_CODES } from '../sim/errors.js';

/** Codes the HTTP layer adds to the engine's (src/sim/errors.ts). */
export const HTTP_ERROR_CODES = {
  MALFORMED_JSON: 'MALFORMED_JSON',
  UNAUTHORIZED: 'UNAUTHORIZED',
  FORBIDDEN: 'FORBIDDEN',
  ROUTE_NOT_FOUND: 'ROUTE_NOT_FOUND',
  METHOD_NOT_ALLOWED: 'METHOD_NOT_ALLOWED',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  /** An HTTP chaos rule answered instead of the route (src/server/http-chaos.ts). */
  CHAOS_INJECTED: 'CHAOS_INJECTED',
  /** No advance job by that id (src/server/advance.ts); they live in the server's memory. */
  ADVANCE_NOT_FOUND: 'ADVANCE_NOT_FOUND',
  INTERNAL: 'INTERNAL',
} as const;

/** Every `code` a problem document can carry: the engine's refusals and the HTTP layer's. */
export const PROBLEM_CODES = [...REFUSAL_CODES, ...Object.values(HTTP_ERROR_CODES)] as const;
export type ProblemCode = (typeof PROBLEM_CODES)[number];

/**
 * Status per engine code. Attach refusals are split by whether waiting can fix them: a main
 * server that is expired or has a multi-attach volume can never be attached (422), while
 * "already paired", "shadow still pairing" and "failover not committed" are conflicts with
 * the current state of other resources that a later request may not meet (409).
 */
const STATUS_BY_CODE: Record<string, ContentfulStatusCode> = {
  [ERROR_CODES.VALIDATION_FAILED]: 400,
  [ERROR_CODES.NOT_FOUND]: 404,
  [ERROR_CODES.SERVER_NOT_FOUND]: 404,
  [ERROR_CODES.PAIR_NOT_FOUND]: 404,
  [ERROR_CODES.JOB_NOT_FOUND]: 404,
  [ERROR_CODES.FILE_NOT_FOUND]: 404,
  [ERROR_CODES.FAULT_NOT_FOUND]: 404,
  [ERROR_CODES.SNAPSHOT_NOT_FOUND]: 404,
  [ERROR_CODES.VOLUME_NOT_FOUND]: 404,
  [ERROR_CODES.VOLUME_CHANGE_REFUSED]: 422,
  [ERROR_CODES.TENANT_NOT_FOUND]: 404,
  [ERROR_CODES.TENANT_EXISTS]: 409,
  [ERROR_CODES.INVALID_STATE]: 409,
  [ERROR_CODES.RECOVERY_POINT_NOT_FOUND]: 422,
  [ERROR_CODES.SERVER_EXPIRED]: 422,
  [ERROR_CODES.MULTI_ATTACH_VOLUME]: 422,
  [ERROR_CODES.SERVER_ALREADY_PAIRED]: 409,
  [ERROR_CODES.SHADOW_STILL_PAIRING]: 409,
  [ERROR_CODES.FAILOVER_NOT_COMMITTED]: 409,
  [ERROR_CODES.SERVER_STATE_CONFLICT]: 409,
  [ERROR_CODES.IDEMPOTENCY_KEY_REUSED]: 422,
  [ERROR_CODES.REGION_NOT_FOUND]: 422,
  [ERROR_CODES.NOT_IN_REGION]: 422,
  [ERROR_CODES.IP_ADDRESS_IN_USE]: 409,
  [ERROR_CODES.INSUFFICIENT_CREDIT]: 402,
  [ERROR_CODES.CLOCK_IN_PAST]: 409,
  [ERROR_CODES.STATE_INCONSISTENT]: 422,
  [ERROR_CODES.SNAPSHOT_EXISTS]: 409,
  [HTTP_ERROR_CODES.MALFORMED_JSON]: 400,
  [HTTP_ERROR_CODES.UNAUTHORIZED]: 401,
  [HTTP_ERROR_CODES.FORBIDDEN]: 403,
  [HTTP_ERROR_CODES.ROUTE_NOT_FOUND]: 404,
  [HTTP_ERROR_CODES.ADVANCE_NOT_FOUND]: 404,
  [HTTP_ERROR_CODES.METHOD_NOT_ALLOWED]: 405,
  [HTTP_ERROR_CODES.PAYLOAD_TOO_LARGE]: 413,
  [HTTP_ERROR_CODES.UNSUPPORTED_MEDIA_TYPE]: 415,
  [HTTP_ERROR_CODES.INTERNAL]: 500,
};

const TITLES: Partial<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/**
 * The HTTP status of an error code. An engine code this table does not know is a refusal we
 * have not classified yet; 422 keeps it a client-side answer rather than a misleading 500.
 */
export function statusForCode(code: string): ContentfulStatusCode {
  return STATUS_BY_CODE[code] ?? 422;
}

/** The codes a problem of `status` can carry (chaos adds CHAOS_INJECTED to 429, 500, 503). */
export function codesForStatus(status: number): ProblemCode[] {
  const codes = PROBLEM_CODES.filter((code) => STATUS_BY_CODE[code] === status);
  return [429, 500, 503].includes(status) ? [...codes, HTTP_ERROR_CODES.CHAOS_INJECTED] : codes;
}

/** The `type` URI of a code: absolute and stable, not meant to be dereferenced. */
export const problemType = (code: string): string => `urn:drsim:problem:${code}`;

export interface FieldError {
  /** Which part of the request: body, query, path or header (absent when the engine found it). */
  in?: 'body' | 'query' | 'path' | 'header' | 'cookie';
  /** Dotted path to the field inside that part; empty for the part as a whole. */
  path: string;
  message: string;
}

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

/**
 * A refusal by the HTTP layer itself (auth, routing, media type, chaos). Thrown from
 * middleware and written by `handleError` like any engine error.
 */
export class HttpProblem extends Error {
  override readonly name = 'HttpProblem';
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    detail: string,
    readonly extensions: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }
}

/**
 * A request the HTTP chaos asked to lose: `handleError` rethrows it so that the in-process
 * `app.request` rejects as a failed fetch would (a real socket is destroyed before).
 */
export class DroppedConnection extends Error {
  override readonly name = 'DroppedConnection';
}

/** Writes one problem document. Extensions never overwrite the standard members. */
export function problemResponse(
  c: Context,
  status: ContentfulStatusCode,
  code: string,
  detail: string,
  extensions: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Response {
  const body: ProblemDocument = {
    ...extensions,
    type: problemType(code),
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    code,
    instance: c.req.path,
  };
  return c.body(JSON.stringify(body), status, {
    ...headers,
    'Content-Type': 'application/problem+json',
  });
}

/** Errors that escape a route and are not a client's mistake; the app logs them. */
export type InternalErrorListener = (err: unknown, c: Context) => void;

/** `app.onError`: the one error handler. */
export function handleError(err: unknown, c: Context, onInternal?: InternalErrorListener): Response {
  if (err instanceof DroppedConnection) throw err;
  if (DrError.is(err)) {
    return problemResponse(c, statusForCode(err.code), err.code, err.message, detailMembers(err.details));
  }
  if (err instanceof HttpProblem) {
    return problemResponse(c, err.status, err.code, err.message, err.extensions, err.headers);
  }
  if (err instanceof HTTPException) return fromHttpException(err, c);
  onInternal?.(err, c);
  return problemResponse(
    c,
    500,
    HTTP_ERROR_CODES.INTERNAL,
    'The simulator failed unexpectedly; this is a bug.',
  );
}

/**
 * An engine error's details as problem members. RFC 9457 reserves `status` for the HTTP
 * status, so INVALID_STATE's pair status is renamed `pairStatus`; the engine's field errors
 * (`{ path, expected }`) take the same shape as the schema's (`{ path, message }`).
 */
function detailMembers(details: Record<string, unknown>): Record<string, unknown> {
  const { status, errors, ...rest } = details;
  return {
    ...rest,
    ...(status === undefined ? {} : { pairStatus: status }),
    ...(Array.isArray(errors) ? { errors: errors.map(engineFieldError) } : {}),
  };
}

function engineFieldError(error: unknown): FieldError {
  const { path, expected, message } = (error ?? {}) as Record<string, unknown>;
  return {
    path: String(path ?? ''),
    message: typeof message === 'string' ? message : `expected ${String(expected ?? 'a valid value')}`,
  };
}

/** hono and @hono/zod-openapi throw HTTPException for malformed JSON (400) and media types (415). */
function fromHttpException(err: HTTPException, c: Context): Response {
  switch (err.status) {
    case 400:
      return problemResponse(c, 400, HTTP_ERROR_CODES.MALFORMED_JSON, 'The request body is not valid JSON.');
    case 413:
      return problemResponse(c, 413, HTTP_ERROR_CODES.PAYLOAD_TOO_LARGE, 'The request body is over 1 MiB.');
    case 415:
      return problemResponse(
        c,
        415,
        HTTP_ERROR_CODES.UNSUPPORTED_MEDIA_TYPE,
        'Request bodies must be application/json.',
      );
    default: {
      const status = err.status as ContentfulStatusCode;
      const code = status >= 500 ? HTTP_ERROR_CODES.INTERNAL : ERROR_CODES.VALIDATION_FAILED;
      return problemResponse(c, status, code, err.message || (TITLES[status] ?? 'Error'));
    }
  }
}

const TARGETS: Record<string, FieldError['in']> = {
  json: 'body',
  query: 'query',
  param: 'path',
  header: 'header',
  cookie: 'cookie',
};

/** Field errors of a failed zod parse, e.g. `{ in: 'body', path: 'shadow.region', message }`. */
export function fieldErrors(target: string, error: ZodError): FieldError[] {
  return error.issues.map((issue) => ({
    in: TARGETS[target] ?? 'body',
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
}

/** The zod `defaultHook`: a failed validation is a 400 problem listing every field. */
export function validationHook(
  result: { target: string } & ({ success: true } | { success: false; error: ZodError }),
  c: Context,
): Response | undefined {
  if (result.success) return undefined;
  const errors = fieldErrors(result.target, result.error);
  const first = errors[0];
  const where = first ? `${first.in}${first.path ? ` ${first.path}` : ''}: ${first.message}` : '';
  return problemResponse(c, 400, ERROR_CODES.VALIDATION_FAILED, `The request is not valid (${where}).`, {
    errors,
  });
}
