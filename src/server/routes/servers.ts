/**
 * `/v1/servers`: a tenant's servers, their power, and the files on them. File paths may
 * contain slashes, so those routes match the rest of the URL while the OpenAPI document
 * shows them as one `{path}` parameter.
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Simulator } from '../../sim/contract.js';
import type { AppEnv } from '../app-env.js';
import { requireWrite } from '../auth.js';
import {
  BASE_PROBLEMS,
  idParam,
  json,
  jsonBody,
  PageQuerySchema,
  pageOf,
  problems,
  WRITE_PROBLEMS,
} from '../schemas/common.js';
import {
  CreateServerSchema,
  FileContentSchema,
  FileEntrySchema,
  FileListSchema,
  FilePathSchema,
  ServerSchema,
  WriteFileSchema,
} from '../schemas/servers.js';

const tags = ['Servers'];
const ServerParams = z.object({ id: idParam('id', 'srv_1') });
const FileParams = ServerParams.extend({ path: FilePathSchema });

/** hono's router pattern for "the rest of the URL", e.g. `etc/nginx/nginx.conf`. */
const REST_OF_PATH = '/v1/servers/{id}/files/{path{.+}}';

export function registerServerRoutes(app: OpenAPIHono<AppEnv>, sim: Simulator): void {
  const createServer = createRoute({
    method: 'post',
    path: '/v1/servers',
    operationId: 'CreateServer',
    summary: 'Create a server in the tenant',
    tags,
    middleware: requireWrite('CreateServer'),
    request: { body: jsonBody(CreateServerSchema) },
    responses: {
      201: json(ServerSchema, 'The server, with `Location` set to it.'),
      ...problems(...WRITE_PROBLEMS),
    },
  });
  app.openapi(createServer, (c) => {
    const server = sim.createServer(c.get('tenant'), c.req.valid('json'));
    return c.json(server, 201, { Location: `/v1/servers/${encodeURIComponent(server.id)}` });
  });

  const listServers = createRoute({
    method: 'get',
    path: '/v1/servers',
    operationId: 'ListServers',
    summary: "List the tenant's servers",
    tags,
    request: { query: PageQuerySchema },
    responses: {
      200: json(pageOf(ServerSchema, 'ServerPage'), 'A page of servers.'),
      ...problems(400, 401, 500),
    },
  });
  app.openapi(listServers, (c) => c.json(sim.listServers(c.get('tenant'), c.req.valid('query')), 200));

  const getServer = createRoute({
    method: 'get',
    path: '/v1/servers/{id}',
    operationId: 'GetServer',
    summary: 'Get a server',
    tags,
    request: { params: ServerParams },
    responses: { 200: json(ServerSchema, 'The server.'), ...problems(...BASE_PROBLEMS) },
  });
  app.openapi(getServer, (c) => c.json(sim.getServer(c.get('tenant'), c.req.valid('param').id), 200));

  for (const power of ['start', 'stop'] as const) {
    const operationId = power === 'start' ? 'StartServer' : 'StopServer';
    const route = createRoute({
      method: 'post',
      path: `/v1/servers/{id}/${power}`,
      operationId,
      summary:
        power === 'start'
          ? 'Power a server on (starting a replicating shadow breaks its replication)'
          : 'Power a server off',
      tags,
      middleware: requireWrite(operationId),
      request: { params: ServerParams },
      responses: { 200: json(ServerSchema, 'The server.'), ...problems(...WRITE_PROBLEMS) },
    });
    app.openapi(route, (c) => {
      const { id } = c.req.valid('param');
      const tenant = c.get('tenant');
      return c.json(power === 'start' ? sim.startServer(tenant, id) : sim.stopServer(tenant, id), 200);
    });
  }

  const listFiles = createRoute({
    method: 'get',
    path: '/v1/servers/{id}/files',
    operationId: 'ListServerFiles',
    summary: "List a server's files",
    tags,
    request: { params: ServerParams },
    responses: { 200: json(FileListSchema, 'Every file (one page).'), ...problems(...BASE_PROBLEMS) },
  });
  app.openapi(listFiles, (c) => {
    const items = sim.listFiles(c.get('tenant'), c.req.valid('param').id);
    return c.json({ items, nextCursor: null }, 200);
  });

  const getFile = createRoute({
    method: 'get',
    path: '/v1/servers/{id}/files/{path}',
    operationId: 'GetServerFile',
    summary: 'Read a file (the path may contain slashes)',
    tags,
    request: { params: FileParams },
    responses: { 200: json(FileContentSchema, 'The file and its content.'), ...problems(...BASE_PROBLEMS) },
  });
  app.openAPIRegistry.registerPath(getFile);
  app.openapi({ ...getFile, path: REST_OF_PATH, hide: true }, (c) => {
    const { id, path } = c.req.valid('param');
    return c.json(sim.readFile(c.get('tenant'), id, path), 200);
  });

  const putFile = createRoute({
    method: 'put',
    path: '/v1/servers/{id}/files/{path}',
    operationId: 'PutServerFile',
    summary: 'Write a file on a running server (the path may contain slashes)',
    tags,
    middleware: requireWrite('PutServerFile'),
    request: { params: FileParams, body: jsonBody(WriteFileSchema) },
    responses: { 200: json(FileEntrySchema, 'The file as written.'), ...problems(...WRITE_PROBLEMS) },
  });
  const { middleware: _guard, ...putFileDoc } = putFile;
  app.openAPIRegistry.registerPath(putFileDoc);
  app.openapi({ ...putFile, path: REST_OF_PATH, hide: true }, (c) => {
    const { id, path } = c.req.valid('param');
    return c.json(sim.writeFile(c.get('tenant'), id, path, c.req.valid('json').content), 200);
  });
}
