/**
 * `/v1/account` and `/v1/dr-pairs/{id}/usage`: what the tenant's DR costs, per day, from the
 * billed items (decision 0012). Reading costs is like listing pairs (`ListDrPairs`); one pair's
 * usage is like reading it (`GetDrPair`).
 */
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { Simulator } from '../../sim/contract.js';
import type { AppEnv } from '../app-env.js';
import { requirePermission } from '../auth.js';
import { AccountSchema, UsageQuerySchema, UsageReportSchema } from '../schemas/account.js';
import { IdParams, json, problems, V1_PROBLEMS, V1_READ_ONE } from '../schemas/common.js';

const tags = ['Account'];

export function registerAccountRoutes(app: OpenAPIHono<AppEnv>, sim: Simulator): void {
  const getAccount = createRoute({
    method: 'get',
    path: '/v1/account',
    operationId: 'GetAccount',
    middleware: requirePermission('ListDrPairs'),
    summary: "The tenant's account: mode, prepaid balance, rates, fees so far",
    description:
      'Postpaid by default. A prepaid balance is the credit as set minus the fees accrued since, never below 0; what it did not cover is `unpaid`.',
    tags,
    responses: { 200: json(AccountSchema, 'The account.'), ...problems(...V1_PROBLEMS) },
  });
  app.openapi(getAccount, (c) => c.json(sim.account(c.get('tenant')), 200));

  const accountUsage = createRoute({
    method: 'get',
    path: '/v1/account/usage',
    operationId: 'GetAccountUsage',
    middleware: requirePermission('ListDrPairs'),
    summary: 'Costs per local day across all pairs, with each pair’s total',
    description:
      'Each day (the world’s time zone) with its billed items: quantity, unit and amount. Today shows what accrued up to now.',
    tags,
    request: { query: UsageQuerySchema },
    responses: { 200: json(UsageReportSchema, 'The usage report.'), ...problems(...V1_PROBLEMS) },
  });
  app.openapi(accountUsage, (c) => c.json(sim.usage(c.get('tenant'), null, c.req.valid('query')), 200));

  const pairUsage = createRoute({
    method: 'get',
    path: '/v1/dr-pairs/{id}/usage',
    operationId: 'GetDrPairUsage',
    middleware: requirePermission('GetDrPair'),
    summary: 'Costs of one pair per local day',
    description:
      'The shadow’s volumes, cross-region transmission, the test server and (prepaid) the running shadow server.',
    tags: ['DR pairs'],
    request: { params: IdParams, query: UsageQuerySchema },
    responses: { 200: json(UsageReportSchema, 'The usage report.'), ...problems(...V1_READ_ONE) },
  });
  app.openapi(pairUsage, (c) =>
    c.json(sim.usage(c.get('tenant'), c.req.valid('param').id, c.req.valid('query')), 200),
  );
}
