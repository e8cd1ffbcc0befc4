/**
 * Schemas every part of the API shares: the problem document, list pages and their query,
 * path parameters, and the error responses a route declares. Declared once here so the
 * OpenAPI document and the validation cannot disagree.
 */
import { z } from '@hono/zod-openapi';

export const IsoSchema = z.string().openapi({ example: '2026-01-05T00:15:00.000Z', format: 'date-time' });

export const FieldErrorSchema = z
  .object({
    in: z.enum(['body', 'query', 'path', 'header', 'cookie']).optional(),
    path: z.string().openapi({ example: 'shadow.region' }),
    message: z.string(),
  })
  .openapi('FieldError');

export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: 'urn:drsim:problem:INVALID_STATE' }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string().openapi({ example: 'INVALID_STATE' }),
    instance: z.string().optional(),
    errors: z.array(FieldErrorSchema).optional(),
  })
  .catchall(z.unknown())
  .openapi('Problem', {
    description:
      'RFC 9457 problem document with a stable `code`. Engine errors add their details as members: INVALID_STATE carries the pair `status` and `allowedActions`.',
  });

/** A list page of `item`. */
export function pageOf<T extends z.ZodType>(item: T, name: string) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() }).openapi(name);
}

export const PageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).optional().openapi({ example: 50 }),
  cursor: z.string().min(1).max(512).optional(),
});

/** Ids the engine made; the bound keeps hostile input from reaching it. */
export const IdSchema = z.string().min(1).max(128);

export const idParam = (name: string, example: string) =>
  IdSchema.openapi({ param: { name, in: 'path' }, example });

export const IdParams = z.object({ id: idParam('id', 'pair_1') });

const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: 'Malformed JSON (MALFORMED_JSON) or a field of the wrong type or range (VALIDATION_FAILED, with `errors`).',
  401: 'No bearer token, or an unknown one (UNAUTHORIZED).',
  403: "The token's read-only policy does not allow this action (FORBIDDEN, with `action`).",
  404: "Unknown id, or another tenant's resource.",
  409: 'Refused in the current state: INVALID_STATE (with `pairStatus` and `allowedActions`), SERVER_STATE_CONFLICT, or an attach conflict.',
  413: 'The body is over 1 MiB (PAYLOAD_TOO_LARGE).',
  415: 'A body that is not application/json (UNSUPPORTED_MEDIA_TYPE).',
  422: 'RECOVERY_POINT_NOT_FOUND, an attach refusal (SERVER_EXPIRED, MULTI_ATTACH_VOLUME) or IDEMPOTENCY_KEY_REUSED.',
  500: 'A bug in the simulator (INTERNAL), or a response injected by an HTTP chaos rule.',
};

const problemResponse = (status: number) => ({
  description: PROBLEM_DESCRIPTIONS[status] ?? 'Problem',
  content: { 'application/problem+json': { schema: ProblemSchema } },
});

/** The problem responses of a route, by status. */
export function problems<S extends number>(...statuses: readonly S[]) {
  return Object.fromEntries(statuses.map((status) => [status, problemResponse(status)])) as {
    [K in S]: ReturnType<typeof problemResponse>;
  };
}

/** Errors any authenticated `/v1` route can answer. */
export const BASE_PROBLEMS = [400, 401, 404, 500] as const;
/** Errors of a write: the base ones plus policy, body and state refusals. */
export const WRITE_PROBLEMS = [...BASE_PROBLEMS, 403, 409, 413, 415, 422] as const;

export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

export const jsonBody = <T extends z.ZodType>(schema: T, required = true) => ({
  required,
  content: { 'application/json': { schema } },
});
