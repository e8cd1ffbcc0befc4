/**
 * `/v1/jobs/{id}`: how a client follows an action it started (the `Location` of every 202).
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Simulator } from '../../sim/contract.js';
import type { AppEnv } from '../app-env.js';
import { BASE_PROBLEMS, idParam, json, problems } from '../schemas/common.js';
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
    summary: 'Read a job (a read never advances it, also in manual progression)',
    tags: ['Jobs'],
    request: { params: z.object({ id: idParam('id', 'job_1') }) },
    responses: { 200: json(JobSchema, 'The job.'), ...problems(...BASE_PROBLEMS) },
  });
  app.openapi(getJob, (c) => c.json(sim.getJob(c.get('tenant'), c.req.valid('param').id), 200));
}
