/**
 * Servers and their files as the API shows them (src/sim/types.ts `Server`, `FileEntry`...),
 * and what creating one or writing a file takes.
 */
import { z } from '@hono/zod-openapi';
import { IsoSchema } from './common.js';

export const VolumeSchema = z
  .object({
    type: z.enum(['SSD', 'NVMe']),
    iops: z.number().int().min(1).max(1_000_000).openapi({ example: 3000 }),
    sizeGb: z.number().int().min(1).max(65_536).openapi({ example: 100 }),
    multiAttach: z.boolean(),
  })
  .strict()
  .openapi('Volume');

export const ServerSchema = z
  .object({
    id: z.string().openapi({ example: 'srv_1' }),
    name: z.string(),
    region: z.string(),
    flavor: z.string(),
    volumes: z.array(VolumeSchema),
    powerState: z.enum(['RUNNING', 'STOPPED', 'DOWN']),
    role: z.enum(['STANDALONE', 'MAIN', 'SHADOW', 'PRIMARY', 'RETIRED', 'TEST']),
    expiresAt: IsoSchema.nullable(),
    expired: z.boolean(),
    pairId: z.string().nullable(),
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

const NameSchema = z.string().min(1).max(255);
const RegionSchema = z.string().min(1).max(64).openapi({ example: 'HCM-3' });

export const CreateServerSchema = z
  .object({
    name: NameSchema.openapi({ example: 'web-01' }),
    region: RegionSchema,
    flavor: z.string().min(1).max(64).optional().openapi({ example: 's1.medium' }),
    volumes: z.array(VolumeSchema).max(16).optional(),
    expiresAt: z.iso.datetime({ offset: true }).nullable().optional(),
    /** path → content */
    files: z
      .record(z.string().min(1).max(1024), z.string())
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

/** A file path may contain slashes: it is the rest of the URL. */
export const FilePathSchema = z
  .string()
  .min(1)
  .max(1024)
  .openapi({ param: { name: 'path', in: 'path' }, example: 'var/www/index.html' });
