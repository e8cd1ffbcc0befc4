/**
 * The bodies of the DR pair actions; fields map 1:1 to `ActionRequest` in src/sim/types.ts
 * (the route adds `action`). Ranges follow the service's dialogs: an interval of 1 to 12
 * hours, a test server name of 5–50 letters, digits, `_` or `-`.
 */
import { z } from '@hono/zod-openapi';
import { IdSchema } from './common.js';

const VolumeTypeSchema = z.enum(['SSD', 'NVMe']);
const IopsSchema = z.number().int().min(1).max(1_000_000);
const Short = z.string().min(1).max(128);

export const StartReplicationSchema = z
  .object({
    shadowName: z.string().min(1).max(255).openapi({ example: 'web-01-shadow' }),
    region: Short.optional().openapi({ example: 'HAN-1' }),
    intervalHours: z.number().int().min(1).max(12).openapi({ example: 4 }),
    volumeType: VolumeTypeSchema.optional(),
    iops: IopsSchema.optional(),
    flavor: Short.optional(),
  })
  .strict()
  .openapi('StartReplication');

export const TestFailoverSchema = z
  .object({
    testServerName: z
      .string()
      .regex(/^[A-Za-z0-9_-]{5,50}$/, '5 to 50 letters, digits, _ or -')
      .openapi({ example: 'web-01-test' }),
    recoveryPointId: IdSchema.openapi({ example: 'rp_1' }),
    region: Short.optional(),
    network: z.object({ vpcId: Short.optional(), subnetId: Short.optional() }).strict().optional(),
    volumeType: VolumeTypeSchema.optional(),
    iops: IopsSchema.optional(),
    instanceFamily: Short.optional(),
  })
  .strict()
  .openapi('TestFailover');

export const RecoveryPointChoiceSchema = z
  .object({ recoveryPointId: IdSchema.openapi({ example: 'rp_1' }) })
  .strict()
  .openapi('RecoveryPointChoice');

export const CommitFailoverSchema = z
  .object({ deleteAllRecoveryPoints: z.boolean() })
  .strict()
  .openapi('CommitFailover');

/** Actions without arguments take no body, or an empty object. */
export const NoArgumentsSchema = z.object({}).strict().openapi('NoArguments');

export const IdempotencyHeadersSchema = z.object({
  'Idempotency-Key': z.string().min(1).max(255).optional().openapi({
    description: 'A retried action with the same key returns the same job instead of starting another.',
    example: '5f1c2a9e-failover-1',
  }),
});
