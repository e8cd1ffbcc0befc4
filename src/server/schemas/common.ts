/**
 * Schemas every part of the API shares: the problem document, list pages and their query,
 * path parameters, the response headers, and the responses a route declares. Declared once
 * here so the OpenAPI document and the validation cannot disagree. The problem responses and
 * headers are OpenAPI components (registerComponents), referenced by every operation.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';

type OpenAPIRegistry = OpenAPIHono['openAPIRegistry'];

import { DEFAULT_LIMIT, MAX_LIMIT } from '../../sim/pagination.js';
import { codesForStatus, PROBLEM_CODES } from '../problem.js';

export const IsoSchema = z.string().openapi({ example: '2026-01-05T00:15:00.000Z', format: 'date-time' });

export const FieldErrorSchema = z
  .object({
    in: z.enum(['body', 'query', 'path', 'header', 'cookie']).optional(),
    path: z.string().openapi({ example: 'shadow.region' }),
    message: z.string(),
  })
  .openapi('FieldError');

export const ProblemCodeSchema = z.enum(PROBLEM_CODES).openapi('ProblemCode');

export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: 'urn:drsim:problem:INVALID_STATE' }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: ProblemCodeSchema,
    instance: z.string().optional(),
    errors: z.array(FieldErrorSchema).optional(),
  })
  .catchall(z.unknown())
  .openapi('Problem', {
    description:
      'RFC 9457 problem document with a stable `code`. Engine errors add their details as members: INVALID_STATE carries `pairStatus` and `allowedActions`; IDEMPOTENCY_KEY_REUSED carries `firstRequest`; a chaos answer carries `ruleId`.',
  });

/** A list page of `item`. */
export function pageOf<T extends z.ZodType>(item: T, name: string) {
  return z
    .object({
      items: z.array(item),
      nextCursor: z.string().nullable().openapi({
        description: 'Pass as `cursor` for the next page; null on the last page.',
      }),
    })
    .openapi(name);
}

export const PageQuerySchema = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_LIMIT)
    .optional()
    .openapi({
      description: `Items per page, 1 to ${MAX_LIMIT} (default ${DEFAULT_LIMIT}).`,
      example: 50,
      type: 'integer',
    }),
  cursor: z
    .string()
    .min(1)
    .max(512)
    .optional()
    .openapi({ description: 'The `nextCursor` of the previous page.' }),
});

/** Ids the engine made; the bound keeps hostile input from reaching it. */
export const IdSchema = z.string().min(1).max(128);

export const idParam = (name: string, example: string) =>
  IdSchema.openapi({ param: { name, in: 'path' }, example });

/** Realistic examples: the engine's ids are a prefix and ten base-32 symbols. */
export const EXAMPLE_IDS = {
  server: 'srv-4fz2k8q1mc',
  pair: 'drp-8acj53a44k',
  job: 'job-2m7xq0d9ra',
  recoveryPoint: 'rp-5hd1w3n7tb',
  fault: 'flt-9kq2e6v0pz',
  chaos: 'chaos_1',
} as const;

export const IdParams = z.object({ id: idParam('id', EXAMPLE_IDS.pair) });

// ------------------------------------------------------------------ response headers

const ref = (kind: 'headers' | 'responses', name: string) => ({ $ref: `#/components/${kind}/${name}` });

const HEADERS = {
  'X-Drsim-Time': {
    description:
      'The simulated time of the world the answer concerns, when it was made. Every answer about a world carries it; one that concerns none (a 401 before the caller is known, health without a token) does not.',
    required: false,
    schema: { type: 'string', format: 'date-time' },
  },
  'Retry-After': {
    description: 'Seconds to wait before retrying.',
    required: true,
    schema: { type: 'integer', minimum: 0 },
  },
  'WWW-Authenticate': {
    description: 'The challenge: `Bearer realm="drsim"`.',
    required: true,
    schema: { type: 'string', example: 'Bearer realm="drsim"' },
  },
  Location: {
    description: 'The URL path of the resource created (or the job started); a GET on it answers.',
    required: true,
    schema: { type: 'string', format: 'uri-reference' },
  },
  Allow: {
    description:
      'The methods the path does answer, comma-separated (`GET, HEAD, POST`); HEAD is listed wherever GET is.',
    required: true,
    schema: { type: 'string', example: 'GET, HEAD, POST' },
  },
} as const;

/** The headers of a success response; `location` adds `Location`. */
function successHeaders(location: boolean) {
  return {
    'X-Drsim-Time': ref('headers', 'X-Drsim-Time'),
    ...(location ? { Location: ref('headers', 'Location') } : {}),
  };
}

// ------------------------------------------------------------------ problem responses

const PROBLEM_RESPONSES: Record<number, { name: string; description: string }> = {
  400: {
    name: 'BadRequest',
    description:
      'Malformed JSON (MALFORMED_JSON), or a field, query parameter or path parameter of the wrong type or range, or an unknown one (VALIDATION_FAILED, with `errors`).',
  },
  401: { name: 'Unauthorized', description: 'No token, or an unknown one (UNAUTHORIZED).' },
  403: {
    name: 'Forbidden',
    description:
      "The token's policy does not grant the route's IAM action (FORBIDDEN, with `action` and `policy`); a token with no policy gets it on every request.",
  },
  402: {
    name: 'PaymentRequired',
    description:
      "A prepaid account's credit cannot cover the action (INSUFFICIENT_CREDIT, with `required` and `balance`).",
  },
  404: { name: 'NotFound', description: "Unknown id, or another tenant's resource." },
  409: {
    name: 'Conflict',
    description:
      'Refused in the current state: INVALID_STATE (with `pairStatus` and `allowedActions`), SERVER_STATE_CONFLICT, IP_ADDRESS_IN_USE, an attach conflict, or SNAPSHOT_EXISTS.',
  },
  405: {
    name: 'MethodNotAllowed',
    description:
      'A path of this document with a method it does not declare (METHOD_NOT_ALLOWED, with `allowed`); `Allow` lists the methods it does. No operation lists it: every path answers it for every method it does not declare (`x-drsim-method-not-allowed` at the root of the document).',
  },
  413: { name: 'ContentTooLarge', description: 'The body is over the limit (PAYLOAD_TOO_LARGE).' },
  415: {
    name: 'UnsupportedMediaType',
    description: 'A body that is not application/json (UNSUPPORTED_MEDIA_TYPE).',
  },
  422: {
    name: 'UnprocessableContent',
    description:
      'RECOVERY_POINT_NOT_FOUND, an attach refusal (SERVER_EXPIRED, MULTI_ATTACH_VOLUME), a choice the region does not offer (NOT_IN_REGION, REGION_NOT_FOUND, with `field`, `region`, `offered`), or IDEMPOTENCY_KEY_REUSED (with `firstRequest`).',
  },
  429: {
    name: 'TooManyRequests',
    description: 'Injected by an HTTP chaos rule (CHAOS_INJECTED); retry after `Retry-After` seconds.',
  },
  500: {
    name: 'InternalServerError',
    description:
      'A bug in the simulator (INTERNAL), or an answer injected by an HTTP chaos rule (CHAOS_INJECTED).',
  },
  503: {
    name: 'ServiceUnavailable',
    description: 'Injected by an HTTP chaos rule (CHAOS_INJECTED); retry after `Retry-After` seconds.',
  },
};

function problemComponent(status: number) {
  const { description } = PROBLEM_RESPONSES[status] as { description: string };
  const headers: Record<string, unknown> = { 'X-Drsim-Time': ref('headers', 'X-Drsim-Time') };
  if (status === 429 || status === 503) headers['Retry-After'] = ref('headers', 'Retry-After');
  if (status === 401) headers['WWW-Authenticate'] = ref('headers', 'WWW-Authenticate');
  if (status === 405) headers.Allow = ref('headers', 'Allow');
  return {
    description,
    headers,
    content: {
      'application/problem+json': {
        schema: {
          allOf: [
            { $ref: '#/components/schemas/Problem' },
            {
              type: 'object',
              properties: { status: { const: status }, code: { enum: codesForStatus(status) } },
            },
          ],
        },
      },
    },
  };
}

/** Registers the shared headers, problem responses and security schemes of the document. */
export function registerComponents(registry: OpenAPIRegistry): void {
  registry.register('Problem', ProblemSchema);
  for (const [name, header] of Object.entries(HEADERS)) registry.registerComponent('headers', name, header);
  for (const [status, { name }] of Object.entries(PROBLEM_RESPONSES)) {
    registry.registerComponent('responses', name, problemComponent(Number(status)) as never);
  }
  registry.registerComponent('securitySchemes', 'bearerToken', {
    type: 'http',
    scheme: 'bearer',
    description:
      'A tenant token (any token in development mode, naming its own tenant). On `/_sim` the admin token is accepted here too.',
  });
  registry.registerComponent('securitySchemes', 'adminToken', {
    type: 'apiKey',
    in: 'header',
    name: 'X-Drsim-Admin-Token',
    description:
      'The admin token, when the server was started with one (`--admin-token`); lets a client keep its tenant token in `Authorization`.',
  });
}

/** The problem responses of a route, by status, as references to the components. */
export function problems<S extends number>(...statuses: readonly S[]) {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      ref('responses', PROBLEM_RESPONSES[status]?.name ?? 'InternalServerError'),
    ]),
  ) as { [K in S]: { $ref: string } };
}

/** Every `/v1` operation: validation (query parameters at least), auth, chaos, bugs. */
export const V1_PROBLEMS = [400, 401, 403, 429, 500, 503] as const;
/** A `/v1` read of one resource. */
export const V1_READ_ONE = [...V1_PROBLEMS, 404] as const;
/** A `/v1` write with a JSON body: policy, body and media type refusals on top. */
export const V1_BODY = [...V1_PROBLEMS, 403, 413, 415] as const;

export const json = <T extends z.ZodType>(
  schema: T,
  description: string,
  options: { location?: boolean } = {},
) => ({
  description,
  headers: successHeaders(options.location ?? false),
  content: { 'application/json': { schema } },
});

export const noContent = (description: string) => ({ description, headers: successHeaders(false) });

export const jsonBody = <T extends z.ZodType>(schema: T, required = true) => ({
  required,
  content: { 'application/json': { schema } },
});
