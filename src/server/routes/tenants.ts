/**
 * Who am I, and the tenants' worlds: `GET /_sim/identity` (what the server makes of a token),
 * creating ephemeral tenants (a CI run's fresh world, reached with the token it answers),
 * reading, resetting and removing worlds, and the whole server's reset (admin, explicit).
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { keysetPage } from '../../sim/pagination.js';
import type { ProgressionSettings } from '../../sim/types.js';
import type { WorldOptions } from '../../sim/worlds.js';
import type { AppEnv } from '../app-env.js';
import { policyName } from '../auth.js';
import { HTTP_ERROR_CODES, HttpProblem } from '../problem.js';
import { IdempotencyHeadersSchema } from '../schemas/actions.js';
import { idParam, json, jsonBody, noContent, PageQuerySchema, pageOf, problems } from '../schemas/common.js';
import {
  CreatedTenantSchema,
  CreateTenantSchema,
  IdentitySchema,
  ServerResetSchema,
  TenantSchema,
} from '../schemas/control.js';
import type { Tenancy } from '../tenancy.js';
import { CONTROL_SECURITY, requireServerScope, targetTenant } from './control.js';

const tags = ['Control (/_sim)'];
const security = CONTROL_SECURITY;
const TenantParams = z.object({ tenant: idParam('tenant', 'acme') });

export function registerTenantRoutes(app: OpenAPIHono<AppEnv>, tenancy: Tenancy): void {
  const route = <R extends Parameters<typeof createRoute>[0]>(config: R) =>
    createRoute({ tags, security, ...config });

  /** Who may read, reset or remove a world: the admin, its own token, or its creator's. */
  const mayManage = (c: Context<AppEnv>, tenant: string): boolean => {
    const caller = c.get('caller');
    return (
      caller.admin ||
      caller.tenant === tenant ||
      (caller.tenant !== null && tenancy.ephemeralOf(tenant)?.createdBy === caller.tenant)
    );
  };
  const manageable = (c: Context<AppEnv>, tenant: string): void => {
    if (!mayManage(c, tenant)) {
      throw new HttpProblem(
        403,
        HTTP_ERROR_CODES.FORBIDDEN,
        `A tenant's token manages its own world and the ephemeral tenants it created only, not '${tenant}'.`,
        { tenant },
      );
    }
  };

  app.openapi(
    route({
      method: 'get',
      path: '/_sim/identity',
      operationId: 'SimIdentity',
      summary: "Who the caller is: the token's tenant and policy, and whether it holds the admin token",
      description: 'What the server makes of the credentials sent: tenant, policy, admin, ephemeral.',
      responses: { 200: json(IdentitySchema, 'The caller.'), ...problems(400, 401, 500) },
    }),
    (c) => {
      const { tenant, policy, admin, ephemeral } = c.get('caller');
      const name = policy === null ? null : policyName(policy);
      return c.json({ tenant, policy: name, admin, ephemeral, protected: c.get('caller').protected }, 200);
    },
  );

  app.openapi(
    route({
      method: 'get',
      path: '/_sim/tenants',
      operationId: 'SimListTenants',
      summary:
        'The worlds the caller may see: every one for the admin; else its own and the ephemeral ones it created',
      description: 'Each world with its seed, clock and whether it is ephemeral.',
      request: { query: PageQuerySchema },
      responses: {
        200: json(pageOf(TenantSchema, 'TenantPage'), 'A page of worlds, by name.'),
        ...problems(400, 401, 500),
      },
    }),
    (c) => {
      const items = tenancy.worlds
        .list()
        .filter((world) => mayManage(c, world.tenant))
        .map((world) => tenancy.view(world));
      return c.json(
        keysetPage(items, (world) => world.tenant, c.req.valid('query')),
        200,
      );
    },
  );

  app.openapi(
    route({
      method: 'post',
      path: '/_sim/tenants',
      operationId: 'SimCreateTenant',
      summary:
        'Create a tenant with a fresh world of its own: ephemeral (in memory, with a token of its own) by default',
      description:
        'A fresh world with its own clock, seed and progression; an ephemeral one answers a token of its own. Naming the tenant, or a lasting one, needs the admin token; a name in use is 409 TENANT_EXISTS.',
      request: { headers: IdempotencyHeadersSchema, body: jsonBody(CreateTenantSchema) },
      responses: {
        201: json(CreatedTenantSchema, 'The tenant, with `Location` set to it.', { location: true }),
        ...problems(400, 401, 403, 409, 413, 415, 422, 500),
      },
    }),
    (c) => {
      const caller = c.get('caller');
      const { tenant, ephemeral = true, startTime, progression, clock, ...rest } = c.req.valid('json');
      if (!caller.admin && (tenant !== undefined || !ephemeral)) {
        throw new HttpProblem(
          403,
          HTTP_ERROR_CODES.FORBIDDEN,
          'A tenant token creates ephemeral tenants with generated names only; naming one, or a lasting one, needs the admin token.',
          {},
        );
      }
      const options: WorldOptions = {
        ...rest,
        ...(startTime !== undefined && { startTime: new Date(startTime).toISOString() }),
        ...(progression !== undefined && { progression: progression as ProgressionSettings }),
        ...(clock !== undefined && { clock }),
      };
      let created: { tenant: string; token: string | null };
      if (ephemeral) {
        const made = tenancy.createEphemeral(caller.tenant, options);
        created = { tenant: made.tenant, token: made.token };
      } else {
        tenancy.worlds.create(tenant ?? '', options);
        created = { tenant: tenant ?? '', token: null };
      }
      const body = { ...tenancy.info(created.tenant), token: created.token };
      return c.json(body, 201, { Location: `/_sim/tenants/${encodeURIComponent(created.tenant)}` });
    },
  );

  app.openapi(
    route({
      method: 'get',
      path: '/_sim/tenants/{tenant}',
      operationId: 'SimGetTenant',
      summary: "A tenant's world: seed, clock, whether it is ephemeral",
      description: 'The world of the tenant (its own token, its creator, or the admin).',
      request: { params: TenantParams },
      responses: { 200: json(TenantSchema, 'The tenant.'), ...problems(400, 401, 403, 404, 500) },
    }),
    (c) => {
      const { tenant } = c.req.valid('param');
      manageable(c, tenant);
      return c.json(tenancy.info(tenant), 200);
    },
  );

  app.openapi(
    route({
      method: 'delete',
      path: '/_sim/tenants/{tenant}',
      operationId: 'SimDeleteTenant',
      summary:
        "Delete a tenant's world with everything in it (an ephemeral one: its own token or its creator's; any: the admin)",
      description: 'Removes the world and everything in it; the tenant starts afresh if it calls again.',
      request: { params: TenantParams },
      responses: { 204: noContent('Deleted.'), ...problems(400, 401, 403, 404, 500) },
    }),
    (c) => {
      const { tenant } = c.req.valid('param');
      manageable(c, tenant);
      if (!c.get('caller').admin && !tenancy.isEphemeral(tenant)) {
        throw new HttpProblem(
          403,
          HTTP_ERROR_CODES.FORBIDDEN,
          `'${tenant}' is not ephemeral: deleting it needs the admin token (a reset empties it).`,
          { tenant },
        );
      }
      tenancy.remove(tenant);
      return c.body(null, 204);
    },
  );

  app.openapi(
    route({
      method: 'post',
      path: '/_sim/tenants/{tenant}/reset',
      operationId: 'SimResetTenant',
      summary:
        "Start a tenant's world over as it was created: clock, seed, progression, data, faults, chaos and journal (snapshots stay)",
      description: 'Everything of the world goes back to how it was created; its snapshots stay.',
      request: { params: TenantParams, headers: IdempotencyHeadersSchema },
      responses: { 204: noContent('Reset.'), ...problems(400, 401, 403, 404, 422, 500) },
    }),
    (c) => {
      const { tenant } = c.req.valid('param');
      if (!mayManage(c, tenant)) targetTenant(c, tenant);
      // The caller's own world may not have been made yet: reset makes it fresh.
      tenancy.world(tenant);
      tenancy.reset(tenant);
      return c.body(null, 204);
    },
  );

  app.openapi(
    route({
      method: 'post',
      path: '/_sim/reset',
      operationId: 'SimResetServer',
      summary: 'Delete every world, ephemeral ones included (admin only; the body must say `scope: server`)',
      description:
        'Deletes every world and every ephemeral tenant; the body must say `{ "scope": "server" }`.',
      request: { headers: IdempotencyHeadersSchema, body: jsonBody(ServerResetSchema) },
      responses: {
        204: noContent('Every world deleted.'),
        ...problems(400, 401, 403, 413, 415, 422, 500),
      },
    }),
    (c) => {
      requireServerScope(c, 'Deleting every world');
      tenancy.clear();
      return c.body(null, 204);
    },
  );
}
