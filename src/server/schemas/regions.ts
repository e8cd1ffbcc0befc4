/**
 * The region catalogue as the API shows it (src/sim/regions.ts): what a client lists to fill the
 * Start Replication and Test Failover dialogs, and what the control API replaces.
 */
import { z } from '@hono/zod-openapi';

const Id = z.string().min(1).max(64);
const Name = z.string().min(1).max(100);
const Cidr = z.string().min(9).max(18).openapi({ example: '10.30.1.0/24' });

export const RegionSchema = z
  .object({
    id: Id.openapi({ example: 'HAN-1' }),
    name: Name.openapi({ example: 'Ha Noi 1' }),
    vpcs: z.array(
      z.object({
        id: Id.openapi({ example: 'vpc-dr-han' }),
        name: Name,
        cidr: Cidr,
        subnets: z.array(
          z.object({ id: Id.openapi({ example: 'subnet-dr-han-a' }), name: Name, cidr: Cidr }),
        ),
      }),
    ),
    securityGroups: z.array(z.object({ id: Id.openapi({ example: 'sg-han-default' }), name: Name })),
    placementGroups: z.array(
      z.object({
        id: Id.openapi({ example: 'pg-han-spread' }),
        name: Name,
        policy: z.enum(['affinity', 'anti-affinity', 'soft-anti-affinity']),
      }),
    ),
    volumeTypes: z
      .array(
        z.object({
          type: z.enum(['SSD', 'NVMe']),
          minIops: z.number().int(),
          maxIops: z.number().int(),
          defaultIops: z.number().int(),
        }),
      )
      .openapi({ description: "The first is the region's default: a missing type falls back to it." }),
    flavors: z
      .array(
        z.object({
          id: Id.openapi({ example: 'general.2c4g' }),
          family: Id.openapi({ example: 'general' }),
          vcpus: z.number().int(),
          memoryGb: z.number().int(),
        }),
      )
      .openapi({ description: "The first is the region's default flavor." }),
    snapshotServiceEnabled: z.boolean().openapi({
      description:
        'The Snapshot service is active here; the service activates it at first use (it may cost extra).',
    }),
  })
  .openapi('Region');

export const RegionCatalogueSchema = z
  .object({
    strict: z.boolean().openapi({ description: 'Refuse regions not listed (else they are free text).' }),
    regions: z.array(RegionSchema),
  })
  .openapi('RegionCatalogue');

/** A catalogue to set: the engine checks it and fills defaults (names, CIDRs, IOPS). */
export const RegionCatalogueInputSchema = z
  .object({
    strict: z.boolean().optional(),
    regions: z.array(
      z
        .object({
          id: Id,
          name: Name.optional(),
          vpcs: z
            .array(
              z.object({
                id: Id,
                name: Name.optional(),
                cidr: Cidr.optional(),
                subnets: z
                  .array(z.object({ id: Id, name: Name.optional(), cidr: Cidr.optional() }))
                  .optional(),
              }),
            )
            .optional(),
          securityGroups: z.array(z.object({ id: Id, name: Name.optional() })).optional(),
          placementGroups: z
            .array(
              z.object({
                id: Id,
                name: Name.optional(),
                policy: z.enum(['affinity', 'anti-affinity', 'soft-anti-affinity']).optional(),
              }),
            )
            .optional(),
          volumeTypes: z
            .array(
              z.object({
                type: z.enum(['SSD', 'NVMe']),
                minIops: z.number().int().optional(),
                maxIops: z.number().int(),
                defaultIops: z.number().int().optional(),
              }),
            )
            .min(1),
          flavors: z
            .array(
              z.object({
                id: Id,
                family: Id.optional(),
                vcpus: z.number().int().optional(),
                memoryGb: z.number().int().optional(),
              }),
            )
            .min(1),
          snapshotServiceEnabled: z.boolean().optional(),
        })
        .strict(),
    ),
  })
  .strict()
  .openapi('RegionCatalogueInput');
