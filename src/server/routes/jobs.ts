/**
 * `/v1/jobs/{id}`: how a client follows an action it started (the `Location` of every 202).
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Simulator } from '../../sim/contract.js';
import type { AppEnv } from '../app-env.js';
import { requirePermission } from '../auth.js';
import { jsonAnswer } from '../plain-answer.js';
import { ReadCache } from '../read-cache.js';
import { EXAMPLE_IDS, idParam, json, problems, V1_READ_ONE } from '../schemas/common.js';
import { JobSchema } from '../schemas/dr-pairs.js';

/**
 * `GET /v1/jobs/{id}`: a read, which never changes anything. A job in manual progression moves
 * only on `POST /_sim/jobs/{id}/step` (reads never write, whatever the token may do).
 */
export function registerJobRoutes(app: OpenAPIHono<AppEnv>, sim: Simulator): void {
  const getJob = createRoute({
    method: 'get',
    path: '/v1/jobs/{id}',
    operationId: 'GetJob',
    middleware: requirePermission('GetDrPair'),
    summary: 'Read a job (a read never advances it, also in manual progression)',
    description: 'The job with its steps and logs; poll it until `status` is SUCCEEDED or FAILED.',
    tags: ['Jobs'],
    request: { params: z.object({ id: idParam('id', EXAMPLE_IDS.job) }) },
    responses: { 200: json(JobSchema, 'The job.'), ...problems(...V1_READ_ONE) },
  });
  // Jobs are polled far more often than they move: the answer is kept until the world changes.
  const cache = new ReadCache(sim);
  app.openapi(getJob, (c) => {
    const tenant = c.get('tenant');
    const { id } = c.req.valid('param');
    // The same document c.json would send.
    return jsonAnswer(
      c,
      cache.json(tenant, `job ${id}`, () => sim.getJob(tenant, id)),
    ) as never;
  });
}
