/**
 * `/v1/dr-pairs`: attaching a server, and reading pairs with their history, recovery points
 * (and the data each captured) and jobs. The actions on a pair are in pair-actions.ts.
 */
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { Simulator } from '../../sim/contract.js';
import type { AppEnv } from '../app-env.js';
import { requireWrite } from '../auth.js';
import { ReadCache } from '../read-cache.js';
import {
  BASE_PROBLEMS,
  IdParams,
  idParam,
  json,
  jsonBody,
  PageQuerySchema,
  pageOf,
  problems,
  WRITE_PROBLEMS,
} from '../schemas/common.js';
import {
  AttachSchema,
  DrPairSchema,
  EventQuerySchema,
  JobSchema,
  ListPairsQuerySchema,
  RecoveryPointSchema,
  SimEventSchema,
} from '../schemas/dr-pairs.js';
import { FileListSchema } from '../schemas/servers.js';

const tags = ['DR pairs'];

export function registerDrPairRoutes(app: OpenAPIHono<AppEnv>, sim: Simulator): void {
  const listPairs = createRoute({
    method: 'get',
    path: '/v1/dr-pairs',
    operationId: 'ListDrPairs',
    summary: "List the tenant's DR pairs, optionally by status",
    tags,
    request: { query: PageQuerySchema.extend(ListPairsQuerySchema.shape) },
    responses: {
      200: json(pageOf(DrPairSchema, 'DrPairPage'), 'A page of pairs.'),
      ...problems(400, 401, 500),
    },
  });
  const cache = new ReadCache(sim);
  app.openapi(listPairs, (c) => {
    const tenant = c.get('tenant');
    const query = c.req.valid('query');
    const body = cache.json(tenant, JSON.stringify(query), () => sim.listPairs(tenant, query));
    // The same document c.json would send, served from the cache when nothing changed.
    return c.body(body, 200, { 'Content-Type': 'application/json' }) as never;
  });

  const attach = createRoute({
    method: 'post',
    path: '/v1/dr-pairs',
    operationId: 'DrPairAttachServer',
    summary: 'Attach a main server: the pair starts ATTACHED',
    tags,
    middleware: requireWrite('DrPairAttachServer'),
    request: { body: jsonBody(AttachSchema) },
    responses: {
      201: json(DrPairSchema, 'The new pair, with `Location` set to it.'),
      ...problems(...WRITE_PROBLEMS),
    },
  });
  app.openapi(attach, (c) => {
    const pair = sim.attach(c.get('tenant'), c.req.valid('json'));
    return c.json(pair, 201, { Location: `/v1/dr-pairs/${encodeURIComponent(pair.id)}` });
  });

  const getPair = createRoute({
    method: 'get',
    path: '/v1/dr-pairs/{id}',
    operationId: 'GetDrPair',
    summary: 'Get a DR pair with its status and allowed actions',
    tags,
    request: { params: IdParams },
    responses: { 200: json(DrPairSchema, 'The pair.'), ...problems(...BASE_PROBLEMS) },
  });
  app.openapi(getPair, (c) => c.json(sim.getPair(c.get('tenant'), c.req.valid('param').id), 200));

  const history = createRoute({
    method: 'get',
    path: '/v1/dr-pairs/{id}/history',
    operationId: 'GetDrPairHistory',
    summary: "The pair's operation history, oldest first",
    tags,
    request: { params: IdParams, query: PageQuerySchema.extend(EventQuerySchema.shape) },
    responses: {
      200: json(pageOf(SimEventSchema, 'SimEventPage'), 'A page of events.'),
      ...problems(...BASE_PROBLEMS),
    },
  });
  app.openapi(history, (c) =>
    c.json(sim.history(c.get('tenant'), c.req.valid('param').id, c.req.valid('query')), 200),
  );

  const recoveryPoints = createRoute({
    method: 'get',
    path: '/v1/dr-pairs/{id}/recovery-points',
    operationId: 'GetDrPairRecoveryPoints',
    summary: "The pair's recovery points",
    tags,
    request: { params: IdParams, query: PageQuerySchema },
    responses: {
      200: json(pageOf(RecoveryPointSchema, 'RecoveryPointPage'), 'A page of recovery points.'),
      ...problems(...BASE_PROBLEMS),
    },
  });
  app.openapi(recoveryPoints, (c) =>
    c.json(sim.listRecoveryPoints(c.get('tenant'), c.req.valid('param').id, c.req.valid('query')), 200),
  );

  const pointFiles = createRoute({
    method: 'get',
    path: '/v1/dr-pairs/{id}/recovery-points/{rpId}/files',
    operationId: 'GetDrPairRecoveryPointFiles',
    summary: "The main server's files as the recovery point captured them",
    tags,
    request: { params: IdParams.extend({ rpId: idParam('rpId', 'rp_1') }) },
    responses: {
      200: json(FileListSchema, 'Every captured file (one page).'),
      ...problems(...BASE_PROBLEMS, 422),
    },
  });
  app.openapi(pointFiles, (c) => {
    const { id, rpId } = c.req.valid('param');
    return c.json({ items: sim.recoveryPointFiles(c.get('tenant'), id, rpId), nextCursor: null }, 200);
  });

  const jobs = createRoute({
    method: 'get',
    path: '/v1/dr-pairs/{id}/jobs',
    operationId: 'ListDrPairJobs',
    summary: "The pair's jobs, one per action",
    tags,
    request: { params: IdParams, query: PageQuerySchema },
    responses: { 200: json(pageOf(JobSchema, 'JobPage'), 'A page of jobs.'), ...problems(...BASE_PROBLEMS) },
  });
  app.openapi(jobs, (c) =>
    c.json(sim.listJobs(c.get('tenant'), c.req.valid('param').id, c.req.valid('query')), 200),
  );
}
