/**
 * Servers and their files as the API shows them (src/sim/types.ts `Server`, `FileEntry`...),
 * and what creating one or writing a file takes.
 */
import { z } from '@hono/zod-openapi';
import { EXAMPLE_IDS, IsoSchema } from './common.js';

export const VolumeSchema = z
  .object({
    type: z.enum(['SSD', 'NVMe']),
    iops: z.number().int().min(100).max(100_000).openapi({ example: 3000 }),
    sizeGb: z.number().int().min(1).max(16_384).openapi({ example: 100 }),
    multiAttach: z.boolean(),
  })
  .strict()
  .openapi('Volume');

/** A volume to create: `iops` (default 3000), `sizeGb` (default 40) and `multiAttach` (default false) may be left out. */
export const VolumeInputSchema = z
  .object({
    type: z.enum(['SSD', 'NVMe']),
    iops: z.number().int().min(100).max(100_000).optional().openapi({ example: 3000 }),
    sizeGb: z.number().int().min(1).max(16_384).optional().openapi({ example: 100 }),
    multiAttach: z.boolean().optional(),
  })
  .strict()
  .openapi('VolumeInput');

export const ServerNetworkSchema = z
  .object({
    vpcId: z.string().openapi({ example: 'vpc-dr' }),
    subnetId: z.string().openapi({ example: 'subnet-dr-a' }),
    privateIp: z.string().nullable().openapi({ example: '10.30.1.10' }),
    floatingIp: z.string().nullable().openapi({ example: '103.107.180.10' }),
    securityGroupId: z.string().nullable().openapi({ example: 'sg-han-default' }),
  })
  .openapi('ServerNetwork');

export const ServerSchema = z
  .object({
    id: z.string().openapi({ example: EXAMPLE_IDS.server }),
    name: z.string(),
    region: z.string(),
    flavor: z.string(),
    volumes: z.array(VolumeSchema),
    network: ServerNetworkSchema.nullable(),
    placementGroupId: z.string().nullable(),
    powerState: z.enum(['RUNNING', 'STOPPED', 'DOWN']),
    role: z.enum(['STANDALONE', 'MAIN', 'SHADOW', 'PRIMARY', 'RETIRED', 'TEST']),
    expiresAt: IsoSchema.nullable(),
    expired: z.boolean(),
    pairId: z.string().nullable().openapi({ example: EXAMPLE_IDS.pair }),
    dataVersion: z.number().int(),
    createdAt: IsoSchema,
    updatedAt: IsoSchema,
  })
  .openapi('Server');

export const ServerSummarySchema = ServerSchema.pick({
  id: true,
  name: true,
  region: true,
  role: true,
  powerState: true,
}).openapi('ServerSummary');

const NameSchema = z.string().min(1).max(100);
/** The engine's rule for a file path (src/sim/servers.ts validatePath). */
const FilePathSchemaBase = z
  .string()
  .min(1)
  .max(512)
  .regex(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we reject
    /^(?!\/)(?!.*(?:^|\/)\.{1,2}(?:\/|$))(?!.*\/\/)(?!.*\/$)[^\u0000-\u001f]+$/,
    'a relative path such as data/app.db',
  );

const RegionSchema = z.string().min(1).max(64).openapi({ example: 'HCM-3' });

export const CreateServerSchema = z
  .object({
    name: NameSchema.openapi({ example: 'web-01' }),
    region: RegionSchema,
    flavor: z.string().min(1).max(64).optional().openapi({ example: 's1.medium' }),
    volumes: z.array(VolumeInputSchema).min(1).max(16).optional(),
    expiresAt: z.iso.datetime({ offset: true }).nullable().optional(),
    /** path → content */
    files: z
      .record(FilePathSchemaBase, z.string())
      .optional()
      .openapi({ example: { 'etc/hostname': 'web-01' } }),
    powerState: z.enum(['RUNNING', 'STOPPED']).optional(),
  })
  .strict()
  .openapi('CreateServer');

export const FileEntrySchema = z
  .object({
    path: z.string().openapi({ example: 'var/www/index.html' }),
    checksum: z
      .string()
      .openapi({ example: 'sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae' }),
    sizeBytes: z.number().int(),
    version: z.number().int(),
    updatedAt: IsoSchema,
  })
  .openapi('FileEntry');

export const FileContentSchema = FileEntrySchema.extend({ content: z.string() }).openapi('FileContent');

export const FileListSchema = z
  .object({ items: z.array(FileEntrySchema), nextCursor: z.string().nullable() })
  .openapi('FileList');

export const WriteFileSchema = z.object({ content: z.string() }).strict().openapi('WriteFile');

/** A file path, as the `path` query parameter (slashes as they are). */
export const FilePathSchema = FilePathSchemaBase.openapi({
  param: { name: 'path', in: 'query' },
  example: 'var/www/index.html',
  description: 'A relative path such as `app/orders.db` (no leading `/`, no empty, `.` or `..` segments).',
});

export const ResizeVolumeSchema = z
  .object({
    sizeGb: z
      .number()
      .int()
      .min(1)
      .max(16_384)
      .openapi({ example: 200, description: 'The new size; at least the current one.' }),
  })
  .strict()
  .openapi('ResizeVolume');

export const RenewServerSchema = z
  .object({
    months: z
      .number()
      .int()
      .min(1)
      .max(36)
      .optional()
      .openapi({ example: 12, description: 'Months of 30 days; default 1.' }),
  })
  .strict()
  .openapi('RenewServer');
