/**
 * `/v1/servers`: a tenant's servers, their power, and the files on them. A file is addressed
 * as `/v1/servers/{id}/file?path=app/orders.db`, a form OpenAPI can express whatever slashes
 * the path holds; the older `/v1/servers/{id}/files/{path...}` (rest of the URL, or one
 * `%2F`-encoded segment) stays as an undocumented alias.
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Simulator } from '../../sim/contract.js';
import { keysetPage } from '../../sim/pagination.js';
import type { AppEnv } from '../app-env.js';
import { requirePermission } from '../auth.js';
import { jsonValueAnswer } from '../plain-answer.js';
import { IdempotencyHeadersSchema } from '../schemas/actions.js';
import {
  EXAMPLE_IDS,
  idParam,
  json,
  jsonBody,
  PageQuerySchema,
  pageOf,
  problems,
  V1_BODY,
  V1_PROBLEMS,
  V1_READ_ONE,
} from '../schemas/common.js';
import {
  CreateServerSchema,
  FileContentSchema,
  FileEntrySchema,
  FilePathSchema,
  RenewServerSchema,
  ResizeVolumeSchema,
  ServerSchema,
  VolumeInputSchema,
  WriteFileSchema,
} from '../schemas/servers.js';

const tags = ['Servers'];
const ServerParams = z.object({ id: idParam('id', EXAMPLE_IDS.server) });
const FileQuery = z.object({ path: FilePathSchema });

/** hono's router pattern for "the rest of the URL", e.g. `etc/nginx/nginx.conf` (the alias). */
const REST_OF_PATH = '/v1/servers/{id}/files/{path{.+}}';

export function registerServerRoutes(app: OpenAPIHono<AppEnv>, sim: Simulator): void {
  const createServer = createRoute({
    method: 'post',
    path: '/v1/servers',
    operationId: 'CreateServer',
    summary: 'Create a server in the tenant',
    description:
      'Creates a standalone server, running unless `powerState` says otherwise, with optional volumes and files. With an `Idempotency-Key`, a retry answers the first response again.',
    tags,
    middleware: requirePermission('vserver:CreateServer'),
    request: { headers: IdempotencyHeadersSchema, body: jsonBody(CreateServerSchema) },
    responses: {
      201: json(ServerSchema, 'The server, with `Location` set to it.', { location: true }),
      ...problems(...V1_BODY, 422),
    },
  });
  app.openapi(createServer, (c) => {
    const server = sim.createServer(c.get('tenant'), c.req.valid('json'));
    return jsonValueAnswer(c, server, 201, {
      Location: `/v1/servers/${encodeURIComponent(server.id)}`,
    }) as never;
  });

  const listServers = createRoute({
    method: 'get',
    path: '/v1/servers',
    operationId: 'ListServers',
    middleware: requirePermission('vserver:ListServers'),
    summary: "List the tenant's servers",
    description: 'Servers in creation order, a page at a time.',
    tags,
    request: { query: PageQuerySchema },
    responses: {
      200: json(pageOf(ServerSchema, 'ServerPage'), 'A page of servers.'),
      ...problems(...V1_PROBLEMS),
    },
  });
  app.openapi(listServers, (c) => c.json(sim.listServers(c.get('tenant'), c.req.valid('query')), 200));

  const getServer = createRoute({
    method: 'get',
    path: '/v1/servers/{id}',
    operationId: 'GetServer',
    middleware: requirePermission('vserver:GetServer'),
    summary: 'Get a server',
    description: 'The server with its power state, role and data version.',
    tags,
    request: { params: ServerParams },
    responses: { 200: json(ServerSchema, 'The server.'), ...problems(...V1_READ_ONE) },
  });
  app.openapi(getServer, (c) => c.json(sim.getServer(c.get('tenant'), c.req.valid('param').id), 200));

  for (const power of ['start', 'stop'] as const) {
    const operationId = power === 'start' ? 'StartServer' : 'StopServer';
    const route = createRoute({
      method: 'post',
      path: `/v1/servers/{id}/${power}`,
      operationId,
      summary: power === 'start' ? 'Power a server on' : 'Power a server off',
      description:
        power === 'start'
          ? 'Powers the server on. Starting a replicating shadow by hand breaks its replication (SHADOW_STARTED_MANUALLY). A server that is down is a 409 SERVER_STATE_CONFLICT.'
          : 'Powers the server off. A server that is down is a 409 SERVER_STATE_CONFLICT.',
      tags,
      middleware: requirePermission(`vserver:${operationId}`),
      request: { params: ServerParams, headers: IdempotencyHeadersSchema },
      responses: {
        200: json(ServerSchema, 'The server.'),
        ...problems(...V1_PROBLEMS, 403, 404, 409, 422),
      },
    });
    app.openapi(route, (c) => {
      const { id } = c.req.valid('param');
      const tenant = c.get('tenant');
      return c.json(power === 'start' ? sim.startServer(tenant, id) : sim.stopServer(tenant, id), 200);
    });
  }

  const VolumeParams = ServerParams.extend({
    index: z
      .string()
      .regex(/^\d{1,2}$/, 'a volume index such as 1')
      .openapi({
        param: { name: 'index', in: 'path' },
        example: '1',
        description: 'The volume, from 0 (the boot volume).',
      }),
  });

  const addVolume = createRoute({
    method: 'post',
    path: '/v1/servers/{id}/volumes',
    operationId: 'AddServerVolume',
    summary: 'Add a volume (drive) to a server',
    description:
      "Adds a volume at the end of the server's list. A shadow or test server's volumes follow their pair (409 SERVER_STATE_CONFLICT); a protected main cannot get a multi-attach volume (422 MULTI_ATTACH_VOLUME); a 17th volume is 422 VOLUME_CHANGE_REFUSED. On a protected main the shadow keeps its volumes (`replication.shadowMatchesMain` turns false) until Restart Replication rebuilds it.",
    tags,
    middleware: requirePermission('vserver:UpdateServerVolumes'),
    request: { params: ServerParams, body: jsonBody(VolumeInputSchema) },
    responses: {
      200: json(ServerSchema, 'The server with its new volume.'),
      ...problems(...V1_BODY, 404, 409, 422),
    },
  });
  app.openapi(addVolume, (c) =>
    c.json(sim.addVolume(c.get('tenant'), c.req.valid('param').id, c.req.valid('json')), 200),
  );

  const resizeVolume = createRoute({
    method: 'patch',
    path: '/v1/servers/{id}/volumes/{index}',
    operationId: 'ResizeServerVolume',
    summary: 'Grow a volume',
    description:
      'Grows volume `index` to `sizeGb`. Volumes only grow: a smaller size is 422 VOLUME_CHANGE_REFUSED; an index the server does not have is 404 VOLUME_NOT_FOUND.',
    tags,
    middleware: requirePermission('vserver:UpdateServerVolumes'),
    request: { params: VolumeParams, body: jsonBody(ResizeVolumeSchema) },
    responses: {
      200: json(ServerSchema, 'The server with the grown volume.'),
      ...problems(...V1_BODY, 404, 409, 422),
    },
  });
  app.openapi(resizeVolume, (c) => {
    const { id, index } = c.req.valid('param');
    return c.json(sim.resizeVolume(c.get('tenant'), id, Number(index), c.req.valid('json')), 200);
  });

  const removeVolume = createRoute({
    method: 'delete',
    path: '/v1/servers/{id}/volumes/{index}',
    operationId: 'RemoveServerVolume',
    summary: 'Remove a data volume',
    description:
      'Removes volume `index`; the volumes after it move up one place. The boot volume (0) stays: 422 VOLUME_CHANGE_REFUSED.',
    tags,
    middleware: requirePermission('vserver:UpdateServerVolumes'),
    request: { params: VolumeParams },
    responses: {
      200: json(ServerSchema, 'The server without the volume.'),
      ...problems(...V1_READ_ONE, 409, 422),
    },
  });
  app.openapi(removeVolume, (c) => {
    const { id, index } = c.req.valid('param');
    return c.json(sim.removeVolume(c.get('tenant'), id, Number(index)), 200);
  });

  const renew = createRoute({
    method: 'post',
    path: '/v1/servers/{id}/renew',
    operationId: 'RenewServer',
    summary: "Renew a server's subscription",
    description:
      'Extends `expiresAt` by `months` (1–36, default 1) of 30 simulated days, counted from now when the server already expired, so that it can be attached again. A server that never expires is 409 SERVER_STATE_CONFLICT.',
    tags,
    middleware: requirePermission('vserver:RenewServer'),
    request: {
      params: ServerParams,
      headers: IdempotencyHeadersSchema,
      body: jsonBody(RenewServerSchema, false),
    },
    responses: {
      200: json(ServerSchema, 'The server with its new expiry.'),
      ...problems(...V1_BODY, 404, 409),
    },
  });
  app.openapi(renew, async (c) => {
    const { id } = c.req.valid('param');
    return c.json(sim.renewServer(c.get('tenant'), id, c.req.valid('json') ?? {}), 200);
  });

  const listFiles = createRoute({
    method: 'get',
    path: '/v1/servers/{id}/files',
    operationId: 'ListServerFiles',
    middleware: requirePermission('vserver:GetServer'),
    summary: "List a server's files",
    description: 'The files of the current data version, by path, without their content.',
    tags,
    request: { params: ServerParams, query: PageQuerySchema },
    responses: {
      200: json(pageOf(FileEntrySchema, 'FilePage'), 'A page of files.'),
      ...problems(...V1_READ_ONE),
    },
  });
  app.openapi(listFiles, (c) =>
    c.json(
      keysetPage(
        sim.listFiles(c.get('tenant'), c.req.valid('param').id),
        (file) => file.path,
        c.req.valid('query'),
      ),
      200,
    ),
  );

  const getFile = createRoute({
    method: 'get',
    path: '/v1/servers/{id}/file',
    operationId: 'GetServerFile',
    middleware: requirePermission('vserver:GetServer'),
    summary: 'Read a file',
    description: 'The file at `path` (slashes as they are, e.g. `app/orders.db`) with its content.',
    tags,
    request: { params: ServerParams, query: FileQuery },
    responses: { 200: json(FileContentSchema, 'The file and its content.'), ...problems(...V1_READ_ONE) },
  });
  app.openapi(getFile, (c) => {
    const { id } = c.req.valid('param');
    return c.json(sim.readFile(c.get('tenant'), id, c.req.valid('query').path), 200);
  });

  const putFile = createRoute({
    method: 'put',
    path: '/v1/servers/{id}/file',
    operationId: 'PutServerFile',
    summary: 'Write a file on a running server',
    description:
      'Writes the file at `path` as a new data version of the server; a stopped or down server is a 409 SERVER_STATE_CONFLICT.',
    tags,
    middleware: requirePermission('vserver:WriteServerFile'),
    request: { params: ServerParams, query: FileQuery, body: jsonBody(WriteFileSchema) },
    responses: { 200: json(FileEntrySchema, 'The file as written.'), ...problems(...V1_BODY, 404, 409) },
  });
  app.openapi(putFile, (c) => {
    const { id } = c.req.valid('param');
    const { path } = c.req.valid('query');
    return c.json(sim.writeFile(c.get('tenant'), id, path, c.req.valid('json').content), 200);
  });

  // The alias: the path as the rest of the URL. Not in the document (OpenAPI cannot say it).
  const AliasParams = ServerParams.extend({ path: FilePathSchema });
  app.openapi({ ...getFile, path: REST_OF_PATH, hide: true, request: { params: AliasParams } }, (c) => {
    const { id, path } = c.req.valid('param');
    return c.json(sim.readFile(c.get('tenant'), id, path), 200);
  });
  app.openapi(
    {
      ...putFile,
      path: REST_OF_PATH,
      hide: true,
      request: { params: AliasParams, body: jsonBody(WriteFileSchema) },
    },
    (c) => {
      const { id, path } = c.req.valid('param');
      return c.json(sim.writeFile(c.get('tenant'), id, path, c.req.valid('json').content), 200);
    },
  );
}
