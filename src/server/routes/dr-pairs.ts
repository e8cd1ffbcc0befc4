/**
 * `/v1/dr-pairs`: attaching a server, and reading pairs with their history, recovery points
 * (and the data each captured) and jobs. The actions on a pair are in pair-actions.ts.
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Simulator } from '../../sim/contract.js';
import { keysetPage } from '../../sim/pagination.js';
import type { AppEnv } from '../app-env.js';
import { requirePermission } from '../auth.js';
import { jsonAnswer, jsonValueAnswer } from '../plain-answer.js';
import { ReadCache } from '../read-cache.js';
import { IdempotencyHeadersSchema } from '../schemas/actions.js';
import {
  EXAMPLE_IDS,
  IdParams,
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
  AttachManySchema,
  AttachSchema,
  DrPairSchema,
  EventQuerySchema,
  JobSchema,
  ListPairsQuerySchema,
  PairSettingsSchema,
  RecoveryPointSchema,
  SimEventSchema,
} from '../schemas/dr-pairs.js';
import { FileEntrySchema } from '../schemas/servers.js';

const tags = ['DR pairs'];

export function registerDrPairRoutes(app: OpenAPIHono<AppEnv>, sim: Simulator): void {
  const listPairs = createRoute({
    method: 'get',
    path: '/v1/dr-pairs',
    operationId: 'ListDrPairs',
    middleware: requirePermission('ListDrPairs'),
    summary: "List the tenant's DR pairs, optionally by status",
    description: 'Pairs in attach order, a page at a time; `status` keeps those in one status.',
    tags,
    request: { query: PageQuerySchema.extend(ListPairsQuerySchema.shape) },
    responses: {
      200: json(pageOf(DrPairSchema, 'DrPairPage'), 'A page of pairs.'),
      ...problems(...V1_PROBLEMS),
    },
  });
  const cache = new ReadCache(sim);
  app.openapi(listPairs, (c) => {
    const tenant = c.get('tenant');
    const query = c.req.valid('query');
    const json = cache.pairPage(tenant, JSON.stringify(query), () => sim.listPairs(tenant, query));
    // The same document c.json would send, served from the cache when nothing changed.
    return jsonAnswer(c, json) as never;
  });

  const attach = createRoute({
    method: 'post',
    path: '/v1/dr-pairs',
    operationId: 'DrPairAttachServer',
    summary: 'Attach a main server: the pair starts ATTACHED',
    description:
      'Pairs a main server with a shadow placement. Refused with 409 when the server is already paired, is a shadow still pairing, or waits for a failover commit; with 422 when it is expired or has a multi-attach volume.',
    tags,
    middleware: requirePermission('DrPairAttachServer'),
    request: { headers: IdempotencyHeadersSchema, body: jsonBody(AttachSchema) },
    responses: {
      201: json(DrPairSchema, 'The new pair, with `Location` set to it.', { location: true }),
      ...problems(...V1_BODY, 404, 409, 422),
    },
  });
  app.openapi(attach, (c) => {
    const pair = sim.attach(c.get('tenant'), c.req.valid('json'));
    return jsonValueAnswer(c, pair, 201, {
      Location: `/v1/dr-pairs/${encodeURIComponent(pair.id)}`,
    }) as never;
  });

  const attachMany = createRoute({
    method: 'post',
    path: '/v1/dr-pairs/batch',
    operationId: 'DrPairAttachServers',
    summary: 'Attach several main servers at once (one Attach a Server): all or nothing',
    description:
      "The console's Attach a Server with several main servers selected: one shadow placement (region, VPC, subnet) for all, each pair named after its main server, in the order given. Needs `DrPairAttachServer`. When any server is refused nothing is attached: the problem has the first refusal's code and status (as a single attach of that server would answer), a `detail` naming every refused server, and `failures` — `[{ index, mainServerId, code, detail }]`, one per refused server. A server listed twice is a 400.",
    tags,
    middleware: requirePermission('DrPairAttachServer'),
    request: { headers: IdempotencyHeadersSchema, body: jsonBody(AttachManySchema) },
    responses: {
      201: json(
        z.object({ items: z.array(DrPairSchema) }).openapi('AttachedPairs'),
        'The new pairs, in the order of `mainServerIds`.',
      ),
      ...problems(...V1_BODY, 404, 409, 422),
    },
  });
  app.openapi(attachMany, (c) =>
    c.json({ items: sim.attachMany(c.get('tenant'), c.req.valid('json')) }, 201),
  );

  const getPair = createRoute({
    method: 'get',
    path: '/v1/dr-pairs/{id}',
    operationId: 'GetDrPair',
    middleware: requirePermission('GetDrPair'),
    summary: 'Get a DR pair with its status and allowed actions',
    description: 'The pair, its servers, replication state, test failover and the actions allowed now.',
    tags,
    request: { params: IdParams },
    responses: { 200: json(DrPairSchema, 'The pair.'), ...problems(...V1_READ_ONE) },
  });
  app.openapi(getPair, (c) => c.json(sim.getPair(c.get('tenant'), c.req.valid('param').id), 200));

  const changeSettings = createRoute({
    method: 'patch',
    path: '/v1/dr-pairs/{id}',
    operationId: 'DrPairUpdateSettings',
    summary: "Change a running pair's interval or shadow flavor",
    description:
      "Changes `intervalHours` (1–12; the interval rule and retention use it from the next recovery point) and/or `shadowFlavor` (a flavor the shadow's region offers, else 422 NOT_IN_REGION). Accepted while Replicating, Pending or Error; otherwise 409 INVALID_STATE.",
    tags,
    middleware: requirePermission('DrPairUpdateSettings'),
    request: { params: IdParams, body: jsonBody(PairSettingsSchema) },
    responses: {
      200: json(DrPairSchema, 'The pair with its new settings.'),
      ...problems(...V1_BODY, 404, 409, 422),
    },
  });
  app.openapi(changeSettings, (c) =>
    c.json(sim.changePairSettings(c.get('tenant'), c.req.valid('param').id, c.req.valid('json')), 200),
  );

  const history = createRoute({
    method: 'get',
    path: '/v1/dr-pairs/{id}/history',
    operationId: 'GetDrPairHistory',
    middleware: requirePermission('GetDrPairHistory'),
    summary: "The pair's operation history, oldest first",
    description: 'Events of the pair by sequence number; `kinds` and `afterSeq` filter them.',
    tags,
    request: { params: IdParams, query: PageQuerySchema.extend(EventQuerySchema.shape) },
    responses: {
      200: json(pageOf(SimEventSchema, 'SimEventPage'), 'A page of events.'),
      ...problems(...V1_READ_ONE),
    },
  });
  app.openapi(history, (c) =>
    c.json(sim.history(c.get('tenant'), c.req.valid('param').id, c.req.valid('query')), 200),
  );

  const recoveryPoints = createRoute({
    method: 'get',
    path: '/v1/dr-pairs/{id}/recovery-points',
    operationId: 'GetDrPairRecoveryPoints',
    middleware: requirePermission('GetDrPairRecoveryPoints'),
    summary: "The pair's recovery points, newest first",
    description:
      'Points by creation time, newest first; the cursor is keyed by time, so a point made between two pages never repeats an item.',
    tags,
    request: { params: IdParams, query: PageQuerySchema },
    responses: {
      200: json(pageOf(RecoveryPointSchema, 'RecoveryPointPage'), 'A page of recovery points.'),
      ...problems(...V1_READ_ONE),
    },
  });
  app.openapi(recoveryPoints, (c) =>
    c.json(sim.listRecoveryPoints(c.get('tenant'), c.req.valid('param').id, c.req.valid('query')), 200),
  );

  const pointFiles = createRoute({
    method: 'get',
    path: '/v1/dr-pairs/{id}/recovery-points/{rpId}/files',
    operationId: 'GetDrPairRecoveryPointFiles',
    middleware: requirePermission('GetDrPairRecoveryPoints'),
    summary: "The main server's files as the recovery point captured them",
    description:
      'The captured files by path, without content; an unknown point of a known pair is a 422 RECOVERY_POINT_NOT_FOUND.',
    tags,
    request: {
      params: IdParams.extend({ rpId: idParam('rpId', EXAMPLE_IDS.recoveryPoint) }),
      query: PageQuerySchema,
    },
    responses: {
      200: json(pageOf(FileEntrySchema, 'FilePage'), 'A page of captured files.'),
      ...problems(...V1_READ_ONE, 422),
    },
  });
  app.openapi(pointFiles, (c) => {
    const { id, rpId } = c.req.valid('param');
    const files = sim.recoveryPointFiles(c.get('tenant'), id, rpId);
    return c.json(
      keysetPage(files, (file) => file.path, c.req.valid('query')),
      200,
    );
  });

  const jobs = createRoute({
    method: 'get',
    path: '/v1/dr-pairs/{id}/jobs',
    operationId: 'ListDrPairJobs',
    middleware: requirePermission('GetDrPairHistory'),
    summary: "The pair's jobs, one per action",
    description: 'Jobs in the order they started.',
    tags,
    request: { params: IdParams, query: PageQuerySchema },
    responses: { 200: json(pageOf(JobSchema, 'JobPage'), 'A page of jobs.'), ...problems(...V1_READ_ONE) },
  });
  app.openapi(jobs, (c) =>
    c.json(sim.listJobs(c.get('tenant'), c.req.valid('param').id, c.req.valid('query')), 200),
  );
}
