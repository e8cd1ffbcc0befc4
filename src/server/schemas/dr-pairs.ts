/**
 * DR pairs, recovery points, jobs and history events as the API shows them; each mirrors its
 * type in src/sim/types.ts, and the route handlers' typing fails if the two drift apart.
 */
import { z } from '@hono/zod-openapi';
import { STATUSES, TEST_STATES, USER_ACTIONS } from '../../machine/index.js';
import { OPERATION_ERROR_CODES } from '../../sim/errors.js';
import { MAX_ATTACH_MANY } from '../../sim/pairs.js';
import { SIM_EVENT_KINDS } from '../../sim/types.js';
import { EXAMPLE_IDS, IsoSchema } from './common.js';
import { ServerSummarySchema } from './servers.js';

export const OperationErrorSchema = z
  .object({
    code: z.enum(OPERATION_ERROR_CODES).openapi('OperationErrorCode', {
      description:
        'Closed: the job failures, the codes a `fail` fault rule may name, and any engine refusal a step meets mid-job.',
      example: 'MAIN_SERVER_DOWN',
    }),
    message: z.string(),
  })
  .openapi('OperationError');

export const ShadowPlacementInputSchema = z
  .object({
    region: z.string().min(1).max(64).openapi({ example: 'HAN-1' }),
    vpcId: z.string().min(1).max(100).openapi({ example: 'vpc-dr' }),
    subnetId: z.string().min(1).max(100).openapi({ example: 'subnet-dr-a' }),
  })
  .strict()
  .openapi('ShadowPlacementChoice');

/** The pair's placement: the attach choice, then what Start Replication chose. */
export const ShadowPlacementSchema = z
  .object({
    region: z.string().openapi({ example: 'HAN-1' }),
    vpcId: z.string().openapi({ example: 'vpc-dr' }),
    subnetId: z.string().openapi({ example: 'subnet-dr-a' }),
    securityGroupId: z.string().nullable().optional(),
    placementGroupId: z.string().nullable().optional(),
    volumeType: z.enum(['SSD', 'NVMe']).nullable().optional().openapi({
      description: "Start Replication's volume type (null: the main's, with the region's fallback).",
    }),
    iops: z.number().int().nullable().optional().openapi({
      description: "Start Replication's IOPS (null: the main's, limited to the region's range).",
    }),
  })
  .openapi('ShadowPlacement');

export const DrPairStatusSchema = z.enum(STATUSES).openapi('DrPairStatus');
export const UserActionSchema = z.enum(USER_ACTIONS).openapi('UserAction');

export const DrPairSchema = z
  .object({
    id: z.string().openapi({ example: EXAMPLE_IDS.pair }),
    name: z.string(),
    status: DrPairStatusSchema,
    statusLabel: z.string().openapi({ example: 'Replicating' }),
    testFailover: z
      .object({
        state: z.enum(TEST_STATES).exclude(['NONE']),
        label: z.string(),
        testServer: ServerSummarySchema.nullable(),
        recoveryPointId: z.string().nullable().openapi({
          example: EXAMPLE_IDS.recoveryPoint,
          description: 'The point the test server runs from, or `now` for a test of the current time.',
        }),
        error: OperationErrorSchema.nullable(),
      })
      .nullable(),
    allowedActions: z.array(UserActionSchema),
    mainServer: ServerSummarySchema,
    shadowServer: ServerSummarySchema.nullable(),
    shadowPlacement: ShadowPlacementSchema,
    replication: z.object({
      intervalHours: z.number().int().nullable(),
      shadowMatchesMain: z.boolean().nullable().openapi({
        description:
          "Whether the shadow's volumes match the main's (count, size, type, IOPS); false after the main's drives changed, until Restart Replication rebuilds the shadow. Null without a shadow.",
      }),
      lastRecoveryPointAt: IsoSchema.nullable(),
      rpoSeconds: z.number().nullable(),
      error: OperationErrorSchema.nullable(),
    }),
    activeRecoveryPointId: z.string().nullable().openapi({ example: EXAMPLE_IDS.recoveryPoint }),
    currentJobId: z.string().nullable().openapi({ example: EXAMPLE_IDS.job }),
    createdAt: IsoSchema,
    updatedAt: IsoSchema,
  })
  .openapi('DrPair');

export const AttachSchema = z
  .object({
    mainServerId: z.string().min(1).max(100).openapi({ example: EXAMPLE_IDS.server }),
    shadow: ShadowPlacementInputSchema,
    name: z.string().min(1).max(100).optional(),
  })
  .strict()
  .openapi('AttachServer');

export const AttachManySchema = z
  .object({
    mainServerIds: z
      .array(z.string().min(1).max(100))
      .min(1)
      .max(MAX_ATTACH_MANY)
      .openapi({
        description: `1 to ${MAX_ATTACH_MANY} distinct main servers; each pair is named after its main server.`,
        example: [EXAMPLE_IDS.server],
      }),
    shadow: ShadowPlacementInputSchema,
  })
  .strict()
  .openapi('AttachServers');

export const ListPairsQuerySchema = z.object({ status: DrPairStatusSchema.optional() });

export const RecoveryPointSchema = z
  .object({
    id: z.string().openapi({ example: EXAMPLE_IDS.recoveryPoint }),
    pairId: z.string().openapi({ example: EXAMPLE_IDS.pair }),
    createdAt: IsoSchema,
    status: z.enum(['AVAILABLE', 'READ_ONLY']),
    tags: z.array(z.enum(['interval', 'daily', 'weekly', 'first'])),
    sizeBytes: z.number().int(),
    dataVersion: z.number().int(),
    consistency: z.literal('crash-consistent'),
    pinned: z.boolean().openapi({
      description:
        'In use (a restore reads it, or the test or failover server runs from it): retention keeps it.',
    }),
    pinnedBy: z.array(z.enum(['restore', 'test-server', 'failover-server'])),
  })
  .openapi('RecoveryPoint');

export const JobSchema = z
  .object({
    id: z.string().openapi({ example: EXAMPLE_IDS.job }),
    type: UserActionSchema,
    pairId: z.string().openapi({ example: EXAMPLE_IDS.pair }),
    status: z.enum(['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED']),
    steps: z.array(
      z.object({
        name: z.string(),
        status: z.enum(['PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'SKIPPED']),
        startedAt: IsoSchema.nullable(),
        endedAt: IsoSchema.nullable(),
        log: z.array(z.string()),
      }),
    ),
    error: OperationErrorSchema.nullable(),
    request: z.record(z.string(), z.unknown()),
    createdAt: IsoSchema,
    endedAt: IsoSchema.nullable(),
  })
  .openapi('Job');

export { SIM_EVENT_KINDS };

export const SimEventSchema = z
  .object({
    seq: z.number().int(),
    at: IsoSchema,
    tenant: z.string(),
    pairId: z.string().nullable(),
    kind: z.enum(SIM_EVENT_KINDS),
    data: z.record(z.string(), z.unknown()),
  })
  .openapi('SimEvent');

/** `?kinds=a,b` as a list of event kinds. */
const KindsSchema = z
  .string()
  .max(1024)
  .transform((value) => value.split(',').filter(Boolean))
  .pipe(z.array(z.enum(SIM_EVENT_KINDS)))
  .openapi({
    type: 'string',
    pattern: `^(${SIM_EVENT_KINDS.map((kind) => kind.replace(/\./g, '\\.')).join('|')})(,(${SIM_EVENT_KINDS.map((kind) => kind.replace(/\./g, '\\.')).join('|')}))*$`,
    description: `Comma-separated event kinds: ${SIM_EVENT_KINDS.join(', ')}.`,
    example: 'pair.transition,job.ended',
  });

export const EventQuerySchema = z.object({
  kinds: KindsSchema.optional(),
  afterSeq: z.coerce.number().int().min(0).optional().openapi({
    type: 'integer',
    description: 'Only events after this sequence number.',
  }),
});

export const PairSettingsSchema = z
  .object({
    intervalHours: z.number().int().min(1).max(12).optional().openapi({ example: 4 }),
    shadowFlavor: z.string().min(1).max(64).optional().openapi({ example: 'general.4c8g' }),
  })
  .strict()
  .openapi('PairSettings');
