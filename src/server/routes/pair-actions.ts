/**
 * The actions on a DR pair, one path each under `/v1/dr-pairs/{id}/`, plus detach as
 * `DELETE /v1/dr-pairs/{id}`. Every action answers 202 with its job and
 * `Location: /v1/jobs/{jobId}`; an `Idempotency-Key` makes a retry return the same job.
 * The table below is the whole mapping: path, engine action, operation id and IAM action.
 */
import { createRoute, type OpenAPIHono, type z } from '@hono/zod-openapi';
import type { UserAction } from '../../machine/index.js';
import type { Simulator } from '../../sim/contract.js';
import type { ActionRequest } from '../../sim/types.js';
import type { AppEnv } from '../app-env.js';
import { requirePermission } from '../auth.js';
import { jsonValueAnswer } from '../plain-answer.js';
import {
  CommitFailoverSchema,
  IdempotencyHeadersSchema,
  NoArgumentsSchema,
  RecoveryPointChoiceSchema,
  StartReplicationSchema,
  TestFailoverSchema,
} from '../schemas/actions.js';
import { IdParams, json, jsonBody, problems, V1_BODY } from '../schemas/common.js';
import { JobSchema } from '../schemas/dr-pairs.js';

interface PairAction {
  action: UserAction;
  /** Path under `/v1/dr-pairs/{id}`; empty for detach, which is the DELETE of the pair. */
  path: string;
  operationId: string;
  /**
   * The IAM action a token needs. The service documents one DrPairChangeRecoveryPoint action
   * for both "Change Recovery Point" buttons (after a failover and during a test).
   */
  iamAction: string;
  summary: string;
  body: z.ZodObject | null;
}

export const PAIR_ACTIONS: readonly PairAction[] = [
  {
    action: 'startReplication',
    path: '/start-replication',
    operationId: 'DrPairStartReplication',
    iamAction: 'DrPairStartReplication',
    summary: 'Start replication: create the shadow and run the full copy',
    body: StartReplicationSchema,
  },
  {
    action: 'stopReplication',
    path: '/stop-replication',
    operationId: 'DrPairStopReplication',
    iamAction: 'DrPairStopReplication',
    summary: 'Stop replication (status Pending); recovery points are kept',
    body: null,
  },
  {
    action: 'resumeReplication',
    path: '/resume-replication',
    operationId: 'DrPairResumeReplication',
    iamAction: 'DrPairResumeReplication',
    summary: 'Resume a stopped replication',
    body: null,
  },
  {
    action: 'restartReplication',
    path: '/restart-replication',
    operationId: 'DrPairRestartReplication',
    iamAction: 'DrPairRestartReplication',
    summary: 'Restart replication: delete every recovery point and copy everything again',
    body: null,
  },
  {
    action: 'testFailover',
    path: '/test-failover',
    operationId: 'DrPairTestFailover',
    iamAction: 'DrPairTestFailover',
    summary: 'Start a test failover to a recovery point; replication goes on',
    body: TestFailoverSchema,
  },
  {
    action: 'changeTestRecoveryPoint',
    path: '/test-failover/change-recovery-point',
    operationId: 'DrPairChangeTestRecoveryPoint',
    iamAction: 'DrPairChangeRecoveryPoint',
    summary: "Change the test server's recovery point",
    body: RecoveryPointChoiceSchema,
  },
  {
    action: 'cleanTestEnvironment',
    path: '/clean-test-environment',
    operationId: 'DrPairCleanTestEnvironment',
    iamAction: 'DrPairCleanTestEnvironment',
    summary: 'Delete the test environment',
    body: null,
  },
  {
    action: 'failover',
    path: '/failover',
    operationId: 'DrPairFailover',
    iamAction: 'DrPairFailover',
    summary: 'Fail over to a recovery point; replication stops',
    body: RecoveryPointChoiceSchema,
  },
  {
    action: 'changeRecoveryPoint',
    path: '/change-recovery-point',
    operationId: 'DrPairChangeRecoveryPoint',
    iamAction: 'DrPairChangeRecoveryPoint',
    summary: 'After a failover, restore the shadow to another recovery point',
    body: RecoveryPointChoiceSchema,
  },
  {
    action: 'commitFailover',
    path: '/commit-failover',
    operationId: 'DrPairCommitFailover',
    iamAction: 'DrPairCommitFailover',
    summary: 'Commit the failover: the shadow becomes the primary',
    body: CommitFailoverSchema,
  },
  {
    action: 'detach',
    path: '',
    operationId: 'DrPairDetachServer',
    iamAction: 'DrPairDetachServer',
    summary: 'Detach the server: remove the pairing',
    body: null,
  },
];

/** The actions a prepaid account needs credit for (the pricing page). */
const CREDIT_CHECKED = new Set<UserAction>(['startReplication', 'testFailover']);

export function registerPairActionRoutes(app: OpenAPIHono<AppEnv>, sim: Simulator): void {
  for (const spec of PAIR_ACTIONS) {
    const route = createRoute({
      method: spec.path === '' ? 'delete' : 'post',
      path: `/v1/dr-pairs/{id}${spec.path}`,
      operationId: spec.operationId,
      summary: spec.summary,
      description: `Starts the \`${spec.action}\` job and answers it at once; follow it at its \`Location\`. Refused with 409 INVALID_STATE when the pair's status does not allow it (see \`allowedActions\`). Needs the IAM action \`${spec.iamAction}\`.${spec.body === null ? ' Takes no body (or `{}`).' : ''}`,
      tags: ['DR pair actions'],
      middleware: requirePermission(spec.iamAction),
      request: {
        params: IdParams,
        headers: IdempotencyHeadersSchema,
        body: jsonBody(spec.body ?? NoArgumentsSchema, spec.body !== null),
      },
      responses: {
        202: json(JobSchema, 'The job, with `Location: /v1/jobs/{jobId}`.', { location: true }),
        ...problems(...V1_BODY, 404, 409, 422, ...(CREDIT_CHECKED.has(spec.action) ? ([402] as const) : [])),
      },
    });
    app.openapi(route, (c) => {
      const request = { ...(c.req.valid('json') as object), action: spec.action } as ActionRequest;
      const idempotencyKey = c.req.valid('header')['Idempotency-Key'];
      const job = sim.act(
        c.get('tenant'),
        c.req.valid('param').id,
        request,
        idempotencyKey ? { idempotencyKey } : {},
      );
      return jsonValueAnswer(c, job, 202, { Location: `/v1/jobs/${encodeURIComponent(job.id)}` }) as never;
    });
  }
}
