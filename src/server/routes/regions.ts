/**
 * `/v1/regions`: the region catalogue, as a client lists it to fill the Start Replication and
 * Test Failover dialogs (VPCs, subnets, security groups, placement groups, volume types, flavors).
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Simulator } from '../../sim/contract.js';
import { DrError } from '../../sim/errors.js';
import type { AppEnv } from '../app-env.js';
import { requirePermission } from '../auth.js';
import { idParam, json, problems, V1_PROBLEMS, V1_READ_ONE } from '../schemas/common.js';
import { RegionSchema } from '../schemas/regions.js';
import { worldOf } from '../tenancy.js';

const tags = ['Regions'];

export function registerRegionRoutes(app: OpenAPIHono<AppEnv>, sim: Simulator): void {
  const listRegions = createRoute({
    method: 'get',
    path: '/v1/regions',
    operationId: 'ListRegions',
    description:
      'What the Start Replication and Test Failover dialogs offer, region by region; attach, start and test choices are checked against it.',
    summary:
      'List the regions with their VPCs, subnets, security groups, placement groups, volume types and flavors',
    tags,
    middleware: requirePermission('ListRegions'),
    responses: {
      200: json(
        z.object({ items: z.array(RegionSchema), nextCursor: z.null() }).openapi('RegionList'),
        'Every region (one page).',
      ),
      ...problems(...V1_PROBLEMS),
    },
  });
  app.openapi(listRegions, (c) =>
    c.json({ items: worldOf(sim, c.get('tenant')).regions().regions, nextCursor: null }, 200),
  );

  const getRegion = createRoute({
    method: 'get',
    path: '/v1/regions/{id}',
    operationId: 'GetRegion',
    description: 'One region of the catalogue; 404 for a region it does not list.',
    summary: 'Get a region',
    tags,
    middleware: requirePermission('ListRegions'),
    request: { params: z.object({ id: idParam('id', 'HAN-1') }) },
    responses: { 200: json(RegionSchema, 'The region.'), ...problems(...V1_READ_ONE) },
  });
  app.openapi(getRegion, (c) => {
    const { id } = c.req.valid('param');
    const region = worldOf(sim, c.get('tenant'))
      .regions()
      .regions.find((r) => r.id === id);
    if (!region) throw new DrError('NOT_FOUND', `No region '${id}'.`, { regionId: id });
    return c.json(region, 200);
  });
}
