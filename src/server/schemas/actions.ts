/**
 * The bodies of the DR pair actions; fields map 1:1 to `ActionRequest` in src/sim/types.ts
 * (the route adds `action`). Ranges follow the service's dialogs: an interval of 1 to 12
 * hours, a test server name of 5–50 letters, digits, `_` or `-`.
 */
import { z } from '@hono/zod-openapi';
import { EXAMPLE_IDS } from './common.js';

const VolumeTypeSchema = z.enum(['SSD', 'NVMe']);
const IopsSchema = z.number().int().min(100).max(100_000);
/** The engine's bounds (src/sim/actions.ts validateRequest). */
const Region = z.string().min(1).max(64);
const Name = z.string().min(1).max(64);
const NetworkId = z.string().min(1).max(100);
const RecoveryPointId = z.string().min(1).max(100).openapi({ example: EXAMPLE_IDS.recoveryPoint });

const NetworkSchema = z
  .object({
    vpcId: NetworkId.optional().openapi({ example: 'vpc-dr' }),
    subnetId: NetworkId.optional().openapi({ example: 'subnet-dr-a' }),
    privateIp: z.ipv4().optional().openapi({
      example: '10.30.1.20',
      description: 'An IPv4 address in the subnet; allocated when left out.',
    }),
    floatingIp: z.union([z.boolean(), z.ipv4()]).optional().openapi({
      description: '`true` allocates a floating IP, an address uses that one; left out or `false`: none.',
    }),
    securityGroupId: NetworkId.optional().openapi({
      example: 'sg-han-default',
      description: "A security group of the chosen region; default: the region's first.",
    }),
  })
  .strict()
  .openapi('NetworkChoice');

export const StartReplicationSchema = z
  .object({
    shadowName: z.string().min(1).max(100).openapi({ example: 'web-01-shadow' }),
    region: Region.optional().openapi({ example: 'HAN-1' }),
    intervalHours: z.number().int().min(1).max(12).openapi({ example: 4 }),
    network: NetworkSchema.optional(),
    placementGroupId: NetworkId.optional().openapi({ example: 'pg-han-spread' }),
    volumeType: VolumeTypeSchema.optional(),
    iops: IopsSchema.optional(),
    flavor: Name.optional(),
  })
  .strict()
  .openapi('StartReplication');

export const TestFailoverSchema = z
  .object({
    testServerName: z
      .string()
      .regex(/^[A-Za-z0-9_-]{5,50}$/, '5 to 50 letters, digits, _ or -')
      .openapi({ example: 'web-01-test' }),
    recoveryPointId: RecoveryPointId.optional().openapi({
      description:
        "A recovery point of the pair, or `now` (the default): the main server's data at this moment.",
    }),
    region: Region.optional().openapi({ description: "Default: the shadow server's region." }),
    network: NetworkSchema.optional(),
    volumeType: VolumeTypeSchema.optional(),
    iops: IopsSchema.optional(),
    instanceFamily: Name.optional(),
  })
  .strict()
  .openapi('TestFailover');

export const RecoveryPointChoiceSchema = z
  .object({ recoveryPointId: RecoveryPointId })
  .strict()
  .openapi('RecoveryPointChoice');

export const CommitFailoverSchema = z
  .object({ deleteAllRecoveryPoints: z.boolean() })
  .strict()
  .openapi('CommitFailover');

/** Actions without arguments take no body, or an empty object. */
export const NoArgumentsSchema = z.object({}).strict().openapi('NoArguments');

/** The longest `Idempotency-Key` (src/server/idempotency.ts keeps keys for `IDEMPOTENCY_TTL`). */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 200;

export const IdempotencyHeadersSchema = z.object({
  'Idempotency-Key': z.string().min(1).max(MAX_IDEMPOTENCY_KEY_LENGTH).optional().openapi({
    description:
      'Makes the request safe to retry: the same key with the same request answers the first response again (status and body) without acting twice; the same key with another request is a 422 IDEMPOTENCY_KEY_REUSED. Keys belong to the tenant and are kept for 24 hours of simulated time.',
    example: '5f1c2a9e-failover-1',
  }),
});
