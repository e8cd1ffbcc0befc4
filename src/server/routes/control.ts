/**
 * The control API, `/_sim`: what tests and CI use to drive a world — the clock, job
 * progression, fault rules, HTTP chaos, server outages, snapshots, the state, the checkers'
 * verdict, events, the request journal — and health. Each call acts on one world: the one
 * named by `?tenant=` (the admin token names any; a tenant's token only its own) or else the
 * caller's own (its bearer token's tenant). Rules for every tenant say so (`tenant=*`, admin
 * only); the whole server's state is `?scope=server` (admin only). Tenants: routes/tenants.ts.
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AccountInput } from '../../sim/accounts.js';
import { LATEST_MS } from '../../sim/clock.js';
import type { Simulator } from '../../sim/contract.js';
import { parseDuration } from '../../sim/index.js';
import { keysetPage } from '../../sim/pagination.js';
import type { RegionCatalogue } from '../../sim/regions.js';
import type { FaultRuleInput, ProgressionSettings } from '../../sim/types.js';
import { createAdvancer, targetOf } from '../advance.js';
import type { AppEnv } from '../app-env.js';
import { HTTP_ERROR_CODES, HttpProblem } from '../problem.js';
import { AccountInputSchema, AccountSchema } from '../schemas/account.js';
import { IdempotencyHeadersSchema } from '../schemas/actions.js';
import {
  EXAMPLE_IDS,
  idParam,
  json,
  jsonBody,
  noContent,
  PageQuerySchema,
  pageOf,
  problems,
} from '../schemas/common.js';
import {
  AdvanceJobSchema,
  AdvanceQuerySchema,
  AdvanceResultSchema,
  AdvanceSchema,
  ChaosRuleInputSchema,
  ChaosRuleSchema,
  CheckerVerdictSchema,
  ClockSchema,
  ClockSettingsSchema,
  FaultRuleInputSchema,
  FaultRuleSchema,
  HealthSchema,
  JournalEntrySchema,
  JournalQuerySchema,
  ProgressionSchema,
  ServerStateScopeSchema,
  SimStateSchema,
  SnapshotNameSchema,
  SnapshotSchema,
  TenantBodySchema,
  TenantQuerySchema,
  WorkloadSchema,
} from '../schemas/control.js';
import { EventQuerySchema, JobSchema, SimEventSchema } from '../schemas/dr-pairs.js';
import { RegionCatalogueInputSchema, RegionCatalogueSchema } from '../schemas/regions.js';
import { ServerSchema } from '../schemas/servers.js';
import { spooled } from '../spool.js';
import type { Tenancy } from '../tenancy.js';
import { healthHandler } from './health.js';

const tags = ['Control (/_sim)'];
/**
 * As it really is: a server without tokens takes any call; with tokens, a tenant's bearer token
 * acts on its own world and the admin token (`X-Drsim-Admin-Token`, or as a bearer token) on any.
 */
export const CONTROL_SECURITY: Record<string, string[]>[] = [{}, { adminToken: [] }, { bearerToken: [] }];
const security = CONTROL_SECURITY;
/** Every control operation: validation (query parameters at least), auth, another world (403), bugs. */
export const CONTROL = [400, 401, 403, 500] as const;
/** ...one that names a resource by id. */
const CONTROL_ONE = [...CONTROL, 404] as const;
/** ...one that takes a JSON body. */
const CONTROL_BODY = [...CONTROL, 413, 415] as const;

/**
 * The longest single advance. The engine fires every 15-minute tick on the way, so a typo such
 * as `99999999d` would keep the server busy for hours; a year covers every retention rule.
 */
const MAX_ADVANCE_MS = 366 * 86_400_000;
/** The longest advance job (`?async=true`): a century, cancellable, answered at once. */
const MAX_ASYNC_ADVANCE_MS = 36_600 * 86_400_000;

function checkAdvance(ms: number, async: boolean): void {
  if (ms > (async ? MAX_ASYNC_ADVANCE_MS : MAX_ADVANCE_MS)) {
    throw new HttpProblem(
      400,
      'VALIDATION_FAILED',
      async
        ? 'An advance job may cover at most 36,600 days.'
        : 'One advance may cover at most 366 days; advance in steps, or run a longer one as an advance job (?async=true).',
      {
        errors: [{ in: 'body', path: 'by', message: `at most ${async ? '36600' : '366'} days` }],
      },
    );
  }
}

/** Means "every tenant" where a rule may apply to all of them; the admin token only. */
export const ALL_TENANTS = '*';

/**
 * The tenant a control call acts on: the one it names (`?tenant=` or a body's `tenant`), else
 * the caller's own. A tenant's token may name only its own; the admin token any.
 */
export function targetTenant(c: Context<AppEnv>, named: string | undefined): string {
  const caller = c.get('caller');
  const tenant = named ?? caller.tenant;
  if (tenant === null) {
    throw new HttpProblem(
      400,
      'VALIDATION_FAILED',
      "Name the tenant whose world this acts on: `?tenant=` (or a body's `tenant`), or call with that tenant's bearer token.",
      { errors: [{ in: 'query', path: 'tenant', message: 'Required' }] },
    );
  }
  if (!caller.admin && tenant !== caller.tenant) {
    throw new HttpProblem(
      403,
      HTTP_ERROR_CODES.FORBIDDEN,
      `A tenant's token acts on its own world ('${caller.tenant}') only, not on '${tenant}'; the admin token addresses any.`,
      { tenant },
    );
  }
  return tenant;
}

/** Whole-server calls (every world's state, every tenant's rules) need the admin token. */
export function requireServerScope(c: Context<AppEnv>, what: string): void {
  if (!c.get('caller').admin) {
    throw new HttpProblem(403, HTTP_ERROR_CODES.FORBIDDEN, `${what} needs the admin token.`, {});
  }
}

export function registerControlRoutes(app: OpenAPIHono<AppEnv>, tenancy: Tenancy): void {
  const advancer = createAdvancer(tenancy.signal);
  /** The world a call acts on (and whose time `X-Drsim-Time` carries). */
  const worldFor = (c: Context<AppEnv>, named?: string): { tenant: string; sim: Simulator } => {
    const tenant = targetTenant(c, named);
    const sim = tenancy.world(tenant);
    c.set('world', sim);
    return { tenant, sim };
  };
  const everyTenant = (c: Context<AppEnv>, named: string | undefined): boolean => {
    if (named !== ALL_TENANTS) return false;
    requireServerScope(c, 'A rule for every tenant');
    return true;
  };
  const route = <R extends Parameters<typeof createRoute>[0]>(config: R) =>
    createRoute({ tags, security, ...config });

  // ------------------------------------------------------------------ health, clock, progression

  app.openapi(
    createRoute({
      method: 'get',
      path: '/_sim/health',
      operationId: 'SimHealth',
      summary: 'Liveness; never needs a token',
      description:
        "Up, with the server seed; with a token (or `?tenant=` and the admin token) also that world's time, seed and state version. Orchestrators probe it without credentials.",
      tags,
      security: [],
      responses: { 200: json(HealthSchema, 'Up.'), ...problems(400, 500) },
    }),
    healthHandler(tenancy),
  );

  app.openapi(
    route({
      method: 'get',
      path: '/_sim/clock',
      operationId: 'SimGetClock',
      summary: "The world's simulated clock",
      description: 'The simulated time, the mode (manual or realtime) and the realtime speed.',
      request: { query: TenantQuerySchema },
      responses: { 200: json(ClockSchema, 'The clock.'), ...problems(...CONTROL) },
    }),
    (c) => c.json(worldFor(c, c.req.valid('query').tenant).sim.clock(), 200),
  );

  app.openapi(
    route({
      method: 'put',
      path: '/_sim/clock',
      operationId: 'SimSetClock',
      summary: 'Switch between manual and realtime mode, or change the speed',
      description:
        'In manual mode time moves only by advance calls; in realtime mode it follows the wall clock times `speed`.',
      request: { query: TenantQuerySchema, body: jsonBody(ClockSettingsSchema) },
      responses: { 200: json(ClockSchema, 'The clock.'), ...problems(...CONTROL_BODY) },
    }),
    (c) => c.json(worldFor(c, c.req.valid('query').tenant).sim.setClock(c.req.valid('json')), 200),
  );

  app.openapi(
    route({
      method: 'post',
      path: '/_sim/clock/advance',
      operationId: 'SimAdvanceClock',
      summary: 'Advance simulated time by a duration or to an instant',
      description:
        'Moves the clock forward by `by` (e.g. `15m`, `2h`, `1d`) or to `to`, at most 366 days per call; every scheduled tick, job step and recovery point on the way fires in time order. A `to` in the past is a 409 CLOCK_IN_PAST. The advance runs in slices of about 50 ms that other requests are served between. With `?async=true` it runs as an advance job of up to 36,600 days instead: 202 at once, `Location` naming the job (`GET /_sim/advances/{id}` shows its progress).',
      request: {
        query: TenantQuerySchema.extend(AdvanceQuerySchema.shape),
        headers: IdempotencyHeadersSchema,
        body: jsonBody(AdvanceSchema),
      },
      responses: {
        200: json(AdvanceResultSchema, 'What fired.'),
        202: json(AdvanceJobSchema, 'Accepted as an advance job (`?async=true`), `Location` naming it.', {
          location: true,
        }),
        ...problems(...CONTROL_BODY, 409, 422),
      },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const { tenant, sim } = worldFor(c, query.tenant);
      const body = c.req.valid('json');
      const async = query.async === 'true';
      const now = sim.clock().now;
      checkAdvance('by' in body ? parseDuration(body.by) : Date.parse(body.to) - Date.parse(now), async);
      if (!async) {
        const result = await advancer.advance(sim, body);
        return c.json({ ...result, clock: sim.clock() }, 200);
      }
      const target = targetOf(now, body);
      if (Date.parse(target) < Date.parse(now)) sim.advanceTo(target); // the engine's CLOCK_IN_PAST
      if (Date.parse(target) > LATEST_MS) {
        throw new HttpProblem(
          400,
          'VALIDATION_FAILED',
          'to: a time no later than 9999-12-31T23:59:59.999Z.',
          {
            errors: [{ in: 'body', path: 'by' in body ? 'by' : 'to', message: 'no later than 9999-12-31' }],
          },
        );
      }
      const job = advancer.start(sim, tenant, body);
      return c.json(job, 202, { Location: `/_sim/advances/${job.id}` });
    },
  );

  const AdvanceParams = z.object({ id: idParam('id', 'adv-1') });
  const advanceJob = (c: Context<AppEnv>, id: string, cancel: boolean) => {
    const caller = c.get('caller');
    // A tenant's token sees its own world's advance jobs only; the admin token every job.
    const owner = caller.admin ? undefined : (caller.tenant ?? undefined);
    const job = cancel ? advancer.cancel(id, owner) : advancer.get(id, owner);
    if (!job) {
      throw new HttpProblem(
        404,
        HTTP_ERROR_CODES.ADVANCE_NOT_FOUND,
        `No advance job '${id}' (advance jobs live in the server's memory: the latest 100 that ended are kept, and a restart forgets them).`,
        { id },
      );
    }
    return job;
  };

  app.openapi(
    route({
      method: 'get',
      path: '/_sim/advances/{id}',
      operationId: 'SimGetAdvance',
      summary: 'An advance job: its progress while it runs, its result when done',
      description:
        'Status `QUEUED` (behind another advance of the world), `RUNNING`, `SUCCEEDED`, `FAILED` (with the problem) or `CANCELLED`; `reached` and `percent` say how far simulated time got.',
      request: { params: AdvanceParams },
      responses: { 200: json(AdvanceJobSchema, 'The advance job.'), ...problems(...CONTROL_ONE) },
    }),
    (c) => c.json(advanceJob(c, c.req.valid('param').id, false), 200),
  );

  app.openapi(
    route({
      method: 'delete',
      path: '/_sim/advances/{id}',
      operationId: 'SimCancelAdvance',
      summary: 'Stop an advance job at its next slice',
      description:
        'The clock stays where the job reached (every slice before is committed); the job ends `CANCELLED`. An ended job is answered as it is.',
      request: { params: AdvanceParams },
      responses: {
        202: json(AdvanceJobSchema, 'Asked to stop; the job as it is now.'),
        ...problems(...CONTROL_ONE),
      },
    }),
    (c) => c.json(advanceJob(c, c.req.valid('param').id, true), 202),
  );

  app.openapi(
    route({
      method: 'get',
      path: '/_sim/progression',
      operationId: 'SimGetProgression',
      summary: 'How jobs advance, per job type',
      description:
        '`clock` (steps take simulated time), `immediate` (a job ends at once) or `manual` (a job moves only when stepped).',
      request: { query: TenantQuerySchema },
      responses: { 200: json(ProgressionSchema, 'The settings.'), ...problems(...CONTROL) },
    }),
    (c) => c.json(worldFor(c, c.req.valid('query').tenant).sim.progression(), 200),
  );

  app.openapi(
    route({
      method: 'put',
      path: '/_sim/progression',
      operationId: 'SimSetProgression',
      summary: 'Set the progression of the job types named (clock, immediate or manual)',
      description:
        'Sets the progression of the job types named (`default` for the rest); the others keep theirs.',
      request: { query: TenantQuerySchema, body: jsonBody(ProgressionSchema) },
      responses: { 200: json(ProgressionSchema, 'The settings.'), ...problems(...CONTROL_BODY) },
    }),
    (c) => {
      const { sim } = worldFor(c, c.req.valid('query').tenant);
      const settings = c.req.valid('json') as ProgressionSettings;
      for (const [kind, mode] of Object.entries(settings)) {
        if (mode) sim.setProgression(kind as keyof ProgressionSettings, mode);
      }
      return c.json(sim.progression(), 200);
    },
  );

  // ------------------------------------------------------------------ account
  app.openapi(
    createRoute({
      method: 'put',
      path: '/_sim/account',
      operationId: 'SimSetAccount',
      summary: "Set the world's account: mode, prepaid credit balance, rates",
      description:
        'Postpaid by default. `mode: prepaid` with `creditBalance` sets the balance now (fees from now on are deducted from it); switching to prepaid without one starts from 0. `rates` replaces the prices named (fees already accrued keep theirs).',
      request: { query: TenantQuerySchema, body: jsonBody(AccountInputSchema) },
      responses: { 200: json(AccountSchema, 'The account.'), ...problems(...CONTROL_BODY) },
      tags,
      security,
    }),
    (c) => {
      const world = worldFor(c, c.req.valid('query').tenant);
      return c.json(world.sim.setAccount(world.tenant, c.req.valid('json') as AccountInput), 200);
    },
  );

  // ------------------------------------------------------------------ region catalogue

  app.openapi(
    route({
      method: 'get',
      path: '/_sim/regions',
      operationId: 'SimGetRegions',
      summary: "The world's region catalogue",
      description:
        'Regions with their VPCs and subnets, security groups, placement groups, volume types (IOPS limits) and flavors; what attach, Start Replication and Test Failover are checked against.',
      request: { query: TenantQuerySchema },
      responses: { 200: json(RegionCatalogueSchema, 'The catalogue.'), ...problems(...CONTROL) },
    }),
    (c) => c.json(worldFor(c, c.req.valid('query').tenant).sim.regions(), 200),
  );

  app.openapi(
    route({
      method: 'put',
      path: '/_sim/regions',
      operationId: 'SimSetRegions',
      summary: "Replace the world's region catalogue",
      description:
        'The first volume type and flavor of a region are its defaults; names, CIDRs and IOPS left out are filled in. `strict: true` refuses regions the catalogue does not list.',
      request: { query: TenantQuerySchema, body: jsonBody(RegionCatalogueInputSchema) },
      responses: { 200: json(RegionCatalogueSchema, 'The catalogue.'), ...problems(...CONTROL_BODY) },
    }),
    (c) =>
      c.json(
        worldFor(c, c.req.valid('query').tenant).sim.setRegions(c.req.valid('json') as RegionCatalogue),
        200,
      ),
  );

  app.openapi(
    route({
      method: 'delete',
      path: '/_sim/regions',
      operationId: 'SimResetRegions',
      summary: "Put drsim's default region catalogue back",
      description:
        "drsim's default: HCM-3 (SSD and NVMe) and HAN-1 (SSD only; its Snapshot service starts inactive).",
      request: { query: TenantQuerySchema },
      responses: { 200: json(RegionCatalogueSchema, 'The catalogue.'), ...problems(...CONTROL) },
    }),
    (c) => c.json(worldFor(c, c.req.valid('query').tenant).sim.setRegions(null), 200),
  );

  // ------------------------------------------------------------------ faults and chaos

  const FaultParams = z.object({ id: idParam('id', EXAMPLE_IDS.fault) });
  const faultKey = (rule: { createdAt: string; id: string }) => `${rule.createdAt}|${rule.id}`;
  const ChaosParams = z.object({ id: idParam('id', EXAMPLE_IDS.chaos) });
  const chaosKey = (rule: { id: string }) => Number(rule.id.replace(/^\D+/, ''));

  app.openapi(
    route({
      method: 'get',
      path: '/_sim/faults',
      operationId: 'SimListFaults',
      summary: "The world's fault rules (`?tenant=*`: every world's, admin only)",
      description: 'Fault rules by creation time, a page at a time.',
      request: { query: TenantQuerySchema.extend(PageQuerySchema.shape) },
      responses: {
        200: json(pageOf(FaultRuleSchema, 'FaultRulePage'), 'A page of rules.'),
        ...problems(...CONTROL),
      },
    }),
    (c) => {
      const { tenant: named, ...page } = c.req.valid('query');
      const rules = everyTenant(c, named)
        ? tenancy.worlds.list().flatMap((w) => tenancy.world(w.tenant).listFaults())
        : worldFor(c, named).sim.listFaults();
      return c.json(keysetPage(rules, faultKey, page), 200);
    },
  );

  app.openapi(
    route({
      method: 'get',
      path: '/_sim/faults/{id}',
      operationId: 'SimGetFault',
      summary: "One of the world's fault rules",
      description: 'The rule, with how many times it fired (the `Location` of a new rule).',
      request: { params: FaultParams, query: TenantQuerySchema },
      responses: { 200: json(FaultRuleSchema, 'The rule.'), ...problems(...CONTROL_ONE) },
    }),
    (c) => {
      const { id } = c.req.valid('param');
      const rule = worldFor(c, c.req.valid('query').tenant)
        .sim.listFaults()
        .find((candidate) => candidate.id === id);
      if (!rule) throw new HttpProblem(404, 'FAULT_NOT_FOUND', `No fault rule '${id}'.`);
      return c.json(rule, 200);
    },
  );

  app.openapi(
    route({
      method: 'post',
      path: '/_sim/faults',
      operationId: 'SimAddFault',
      summary:
        'Add a fault rule to the world (`tenant=*`: one to every world, admin only); the engine validates it',
      description:
        'A rule that fails, delays, hangs or stalls a job type or replication, or corrupts a recovery point; the engine validates it (400 VALIDATION_FAILED naming the field).',
      request: {
        query: TenantQuerySchema,
        headers: IdempotencyHeadersSchema,
        body: jsonBody(FaultRuleInputSchema),
      },
      responses: {
        201: json(FaultRuleSchema, 'The rule, with `Location` set to it.', { location: true }),
        200: json(pageOf(FaultRuleSchema, 'FaultRulePage'), 'With `tenant=*`: the rule added to each world.'),
        ...problems(...CONTROL_BODY, 422),
      },
    }),
    (c) => {
      const input = c.req.valid('json') as FaultRuleInput;
      const named = c.req.valid('query').tenant ?? input.tenant;
      if (everyTenant(c, named)) {
        const items = tenancy.worlds
          .list()
          .map((w) => tenancy.world(w.tenant).addFault({ ...input, tenant: w.tenant }));
        return c.json({ items, nextCursor: null }, 200);
      }
      const { tenant, sim } = worldFor(c, named);
      const rule = sim.addFault({ ...input, tenant });
      return c.json(rule, 201, { Location: `/_sim/faults/${encodeURIComponent(rule.id)}` });
    },
  );

  app.openapi(
    route({
      method: 'delete',
      path: '/_sim/faults/{id}',
      operationId: 'SimRemoveFault',
      summary: "Remove one of the world's fault rules",
      description:
        'Removes the rule; a job it holds (hang) stays held until stepped or the pair is acted on.',
      request: { params: FaultParams, query: TenantQuerySchema },
      responses: { 204: noContent('Removed.'), ...problems(...CONTROL_ONE) },
    }),
    (c) => {
      worldFor(c, c.req.valid('query').tenant).sim.removeFault(c.req.valid('param').id);
      return c.body(null, 204);
    },
  );

  app.openapi(
    route({
      method: 'get',
      path: '/_sim/chaos',
      operationId: 'SimListChaos',
      summary: "The tenant's HTTP chaos rules",
      description: 'HTTP chaos rules in creation order, with how many times each fired.',
      request: { query: TenantQuerySchema.extend(PageQuerySchema.shape) },
      responses: {
        200: json(pageOf(ChaosRuleSchema, 'ChaosRulePage'), 'A page of rules.'),
        ...problems(...CONTROL),
      },
    }),
    (c) => {
      const { tenant, ...page } = c.req.valid('query');
      return c.json(keysetPage(tenancy.chaos(worldFor(c, tenant).tenant).list(), chaosKey, page), 200);
    },
  );

  app.openapi(
    route({
      method: 'get',
      path: '/_sim/chaos/{id}',
      operationId: 'SimGetChaos',
      summary: "One of the tenant's HTTP chaos rules",
      description: 'The rule, with how many times it fired (the `Location` of a new rule).',
      request: { params: ChaosParams, query: TenantQuerySchema },
      responses: { 200: json(ChaosRuleSchema, 'The rule.'), ...problems(...CONTROL_ONE) },
    }),
    (c) => {
      const { id } = c.req.valid('param');
      const rule = tenancy
        .chaos(worldFor(c, c.req.valid('query').tenant).tenant)
        .list()
        .find((candidate) => candidate.id === id);
      if (!rule) throw new HttpProblem(404, 'NOT_FOUND', `No chaos rule ${id}.`);
      return c.json(rule, 200);
    },
  );

  app.openapi(
    route({
      method: 'post',
      path: '/_sim/chaos',
      operationId: 'SimAddChaos',
      summary:
        "Add an HTTP chaos rule for a method and path pattern to the tenant's requests (`tenant=*`: to every tenant's, admin only)",
      description:
        'Matching `/v1` requests of the tenant get a 429/500/503 problem (with `Retry-After` on 429 and 503), extra latency, or a dropped connection — every time, `times` times, or with a seeded `probability`.',
      request: {
        query: TenantQuerySchema,
        headers: IdempotencyHeadersSchema,
        body: jsonBody(ChaosRuleInputSchema),
      },
      responses: {
        201: json(ChaosRuleSchema, 'The rule, with `Location` set to it.', { location: true }),
        200: json(
          pageOf(ChaosRuleSchema, 'ChaosRulePage'),
          'With `tenant=*`: the rule added for each tenant.',
        ),
        ...problems(...CONTROL_BODY, 422),
      },
    }),
    (c) => {
      const named = c.req.valid('query').tenant;
      if (everyTenant(c, named)) {
        const items = tenancy.worlds.list().map((w) => tenancy.chaos(w.tenant).add(c.req.valid('json')));
        return c.json({ items, nextCursor: null }, 200);
      }
      const rule = tenancy.chaos(worldFor(c, named).tenant).add(c.req.valid('json'));
      return c.json(rule, 201, { Location: `/_sim/chaos/${encodeURIComponent(rule.id)}` });
    },
  );

  app.openapi(
    route({
      method: 'delete',
      path: '/_sim/chaos/{id}',
      operationId: 'SimRemoveChaos',
      summary: "Remove one of the tenant's HTTP chaos rules",
      description: 'Removes the rule; requests after this answer normally.',
      request: { params: ChaosParams, query: TenantQuerySchema },
      responses: { 204: noContent('Removed.'), ...problems(...CONTROL_ONE) },
    }),
    (c) => {
      const { id } = c.req.valid('param');
      if (!tenancy.chaos(worldFor(c, c.req.valid('query').tenant).tenant).remove(id))
        throw new HttpProblem(404, 'NOT_FOUND', `No chaos rule ${id}.`);
      return c.body(null, 204);
    },
  );

  app.openapi(
    route({
      method: 'delete',
      path: '/_sim/chaos',
      operationId: 'SimClearChaos',
      summary: "Remove every one of the tenant's HTTP chaos rules",
      description: 'Removes every HTTP chaos rule of the tenant.',
      request: { query: TenantQuerySchema },
      responses: { 204: noContent('Cleared.'), ...problems(...CONTROL) },
    }),
    (c) => {
      tenancy.chaos(worldFor(c, c.req.valid('query').tenant).tenant).clear();
      return c.body(null, 204);
    },
  );

  // ------------------------------------------------------------------ servers, jobs, tenants

  const ServerParams = z.object({ id: idParam('id', EXAMPLE_IDS.server) });
  for (const which of ['outage', 'recover'] as const) {
    app.openapi(
      route({
        method: 'post',
        path: `/_sim/servers/{id}/${which}`,
        operationId: which === 'outage' ? 'SimServerOutage' : 'SimServerRecover',
        summary:
          which === 'outage'
            ? 'A disaster: the server goes DOWN and replication from it fails'
            : 'End an outage: the server is back',
        description:
          which === 'outage'
            ? 'The server goes DOWN: replication from it fails (MAIN_SERVER_DOWN) and jobs that need it fail, until it recovers.'
            : 'A DOWN server comes back (a shadow that replication keeps off comes back off); a server that is not down is unchanged.',
        request: {
          params: ServerParams,
          query: TenantQuerySchema,
          headers: IdempotencyHeadersSchema,
          body: jsonBody(TenantBodySchema, false),
        },
        responses: { 200: json(ServerSchema, 'The server.'), ...problems(...CONTROL_BODY, 404, 422) },
      }),
      (c) => {
        const { tenant, sim } = worldFor(c, c.req.valid('query').tenant ?? c.req.valid('json').tenant);
        const { id } = c.req.valid('param');
        return c.json(which === 'outage' ? sim.failServer(tenant, id) : sim.recoverServer(tenant, id), 200);
      },
    );
  }

  app.openapi(
    route({
      method: 'put',
      path: '/_sim/servers/{id}/workload',
      operationId: 'SimSetWorkload',
      summary: 'A seeded background workload writing files on the server (0 stops it)',
      description:
        'The server writes files at `writesPerMinute` (0 stops it), drawn from the seeded generator.',
      request: { params: ServerParams, query: TenantQuerySchema, body: jsonBody(WorkloadSchema) },
      responses: { 204: noContent('Set.'), ...problems(...CONTROL_BODY, 404) },
    }),
    (c) => {
      const body = c.req.valid('json');
      const { tenant, sim } = worldFor(c, c.req.valid('query').tenant ?? body.tenant);
      sim.setWorkload(tenant, c.req.valid('param').id, body.writesPerMinute);
      return c.body(null, 204);
    },
  );

  app.openapi(
    route({
      method: 'post',
      path: '/_sim/jobs/{id}/step',
      operationId: 'SimStepJob',
      summary: 'Advance a job in manual progression by one step',
      description: 'Ends the running step of the job (and begins the next).',
      request: {
        params: z.object({ id: idParam('id', EXAMPLE_IDS.job) }),
        query: TenantQuerySchema,
        headers: IdempotencyHeadersSchema,
      },
      responses: { 200: json(JobSchema, 'The job.'), ...problems(...CONTROL_ONE, 422) },
    }),
    (c) => {
      const { tenant, sim } = worldFor(c, c.req.valid('query').tenant);
      return c.json(sim.stepJob(tenant, c.req.valid('param').id), 200);
    },
  );

  // ------------------------------------------------------------------ snapshots and state

  const W = (c: Context<AppEnv>) => worldFor(c, c.req.query('tenant'));
  const SnapshotParams = z.object({ name: idParam('name', 'before-failover') });

  app.openapi(
    route({
      method: 'get',
      path: '/_sim/snapshots',
      operationId: 'SimListSnapshots',
      summary: "The world's named snapshots",
      description: 'Snapshots by name, a page at a time.',
      request: { query: TenantQuerySchema.extend(PageQuerySchema.shape) },
      responses: {
        200: json(pageOf(SnapshotSchema, 'SnapshotPage'), 'A page of snapshots.'),
        ...problems(...CONTROL),
      },
    }),
    (c) => {
      const { tenant: _tenant, ...page } = c.req.valid('query');
      return c.json(
        keysetPage(W(c).sim.listSnapshots(), (snapshot) => snapshot.name, page),
        200,
      );
    },
  );

  app.openapi(
    route({
      method: 'get',
      path: '/_sim/snapshots/{name}',
      operationId: 'SimGetSnapshot',
      summary: "One of the world's named snapshots",
      description: 'The name and the simulated time it was taken (the `Location` of a saved snapshot).',
      request: { params: SnapshotParams, query: TenantQuerySchema },
      responses: { 200: json(SnapshotSchema, 'The snapshot.'), ...problems(...CONTROL_ONE) },
    }),
    (c) => {
      const { name } = c.req.valid('param');
      const snapshot = W(c)
        .sim.listSnapshots()
        .find((candidate) => candidate.name === name);
      if (!snapshot) throw new HttpProblem(404, 'SNAPSHOT_NOT_FOUND', `No snapshot named '${name}'.`);
      return c.json(snapshot, 200);
    },
  );

  app.openapi(
    route({
      method: 'post',
      path: '/_sim/snapshots',
      operationId: 'SimSaveSnapshot',
      summary: "Save the world's state under a name",
      description: 'A name in use is a 409 SNAPSHOT_EXISTS unless the body says `"overwrite": true`.',
      request: {
        query: TenantQuerySchema,
        headers: IdempotencyHeadersSchema,
        body: jsonBody(SnapshotNameSchema),
      },
      responses: {
        201: json(SnapshotSchema, 'Saved, with `Location` set to it.', { location: true }),
        ...problems(...CONTROL_BODY, 409, 422),
      },
    }),
    (c) => {
      const { sim } = W(c);
      const { name, overwrite } = c.req.valid('json');
      sim.saveSnapshot(name, { overwrite: overwrite ?? false });
      const saved = sim.listSnapshots().find((snapshot) => snapshot.name === name);
      return c.json(saved ?? { name, createdAt: sim.clock().now }, 201, {
        Location: `/_sim/snapshots/${encodeURIComponent(name)}`,
      });
    },
  );

  app.openapi(
    route({
      method: 'post',
      path: '/_sim/snapshots/{name}/restore',
      operationId: 'SimRestoreSnapshot',
      summary: "Restore one of the world's named snapshots (checked in full first, like an import)",
      description: "Replaces the world's state (its clock, faults, data) with the snapshot.",
      request: { params: SnapshotParams, query: TenantQuerySchema, headers: IdempotencyHeadersSchema },
      responses: { 204: noContent('Restored.'), ...problems(...CONTROL_ONE, 422) },
    }),
    (c) => {
      W(c).sim.restoreSnapshot(c.req.valid('param').name);
      return c.body(null, 204);
    },
  );

  app.openapi(
    route({
      method: 'delete',
      path: '/_sim/snapshots/{name}',
      operationId: 'SimDeleteSnapshot',
      summary: "Delete one of the world's named snapshots",
      description: 'Deletes the snapshot; the current state is unchanged.',
      request: { params: SnapshotParams, query: TenantQuerySchema },
      responses: { 204: noContent('Deleted.'), ...problems(...CONTROL_ONE) },
    }),
    (c) => {
      W(c).sim.deleteSnapshot(c.req.valid('param').name);
      return c.body(null, 204);
    },
  );

  app.openapi(
    route({
      method: 'get',
      path: '/_sim/state',
      operationId: 'SimExportState',
      summary: "Export the world's state (`?scope=server`: every world's, admin only)",
      description:
        'One JSON document that `PUT /_sim/state` takes back (up to its 64 MiB body limit), streamed with its `Content-Length`: read consistently, then sent a piece at a time.',
      request: { query: TenantQuerySchema.extend(ServerStateScopeSchema.shape) },
      responses: {
        200: json(
          SimStateSchema,
          'The state: a `drsim-state`, or with `scope=server` a `drsim-server-state`.',
        ),
        ...problems(...CONTROL),
      },
    }),
    (c) => {
      let pieces: Iterable<string>;
      if (c.req.valid('query').scope === 'server') {
        requireServerScope(c, "Exporting every world's state");
        pieces = tenancy.worlds.exportStateJson();
      } else pieces = tenancy.worlds.exportWorldJson(W(c).tenant);
      // Streamed from a spooled file: a state of any size is never one string (docs/operations.md).
      const { body, bytes } = spooled(pieces);
      return c.body(body, 200, {
        'Content-Type': 'application/json',
        'Content-Length': String(bytes),
      }) as never;
    },
  );

  app.openapi(
    route({
      method: 'put',
      path: '/_sim/state',
      operationId: 'SimImportState',
      summary:
        "Replace the world's state with an export of one tenant's (`?scope=server`: replace every world, admin only; bodies up to 64 MiB); checked in full first",
      description:
        'A bad state is a 400 VALIDATION_FAILED or 422 STATE_INCONSISTENT naming what is wrong, and nothing changes.',
      request: {
        query: TenantQuerySchema.extend(ServerStateScopeSchema.shape),
        body: jsonBody(SimStateSchema),
      },
      responses: { 204: noContent('Imported.'), ...problems(...CONTROL_BODY, 422) },
    }),
    (c) => {
      const state = c.req.valid('json') as never;
      if (c.req.valid('query').scope === 'server') {
        requireServerScope(c, 'Replacing every world');
        tenancy.worlds.importState(state);
        tenancy.forgetAll();
        return c.body(null, 204);
      }
      const { tenant } = W(c);
      if ((state as { format?: string }).format !== 'drsim-state') {
        throw new HttpProblem(
          400,
          'VALIDATION_FAILED',
          "A world takes a 'drsim-state' document; a 'drsim-server-state' goes to the whole server (?scope=server, admin only).",
          { errors: [{ in: 'body', path: 'format', message: "expected 'drsim-state'" }] },
        );
      }
      tenancy.worlds.importWorld(tenant, state);
      return c.body(null, 204);
    },
  );

  // ------------------------------------------------------------------ observation

  app.openapi(
    route({
      method: 'get',
      path: '/_sim/checks',
      operationId: 'SimChecks',
      summary: "The invariant checkers' verdict on the world's current state",
      description: '`ok` is true when every checker passes; each verdict lists its violations.',
      request: { query: TenantQuerySchema },
      responses: {
        200: json(
          z.object({ ok: z.boolean(), items: z.array(CheckerVerdictSchema) }).openapi('Checks'),
          'Verdicts.',
        ),
        ...problems(...CONTROL),
      },
    }),
    (c) => {
      const items = W(c).sim.check();
      return c.json({ ok: items.every((verdict) => verdict.ok), items }, 200);
    },
  );

  app.openapi(
    route({
      method: 'get',
      path: '/_sim/events',
      operationId: 'SimEvents',
      summary: "The world's simulation events",
      description: 'Events by sequence number; `pairId`, `kinds` and `afterSeq` filter them.',
      request: {
        query: PageQuerySchema.extend(EventQuerySchema.shape)
          .extend(TenantQuerySchema.shape)
          .extend({ pairId: z.string().min(1).max(128).optional().openapi({ example: EXAMPLE_IDS.pair }) }),
      },
      responses: {
        200: json(pageOf(SimEventSchema, 'SimEventPage'), 'A page of events.'),
        ...problems(...CONTROL),
      },
    }),
    (c) => {
      const { tenant: _tenant, ...query } = c.req.valid('query');
      return c.json(W(c).sim.events(query), 200);
    },
  );

  const journalOf = (c: Context<AppEnv>) => tenancy.journal(W(c).tenant);

  app.openapi(
    route({
      method: 'get',
      path: '/_sim/requests',
      operationId: 'SimFindRequests',
      summary: 'Requests the tenant made of the public API, oldest first (a bounded journal)',
      description:
        'The request journal (bounded: the oldest entries go first); `method` and `path` filter it.',
      request: { query: JournalQuerySchema.extend(TenantQuerySchema.shape).extend(PageQuerySchema.shape) },
      responses: {
        200: json(pageOf(JournalEntrySchema, 'JournalPage'), 'A page of matching requests.'),
        ...problems(...CONTROL),
      },
    }),
    (c) => {
      const { limit, cursor, tenant: _tenant, ...filter } = c.req.valid('query');
      const page = { ...(limit === undefined ? {} : { limit }), ...(cursor === undefined ? {} : { cursor }) };
      return c.json(
        keysetPage(journalOf(c).find(filter), (entry) => entry.seq, page),
        200,
      );
    },
  );

  app.openapi(
    route({
      method: 'get',
      path: '/_sim/requests/count',
      operationId: 'SimCountRequests',
      summary: "How many of the tenant's journaled requests match",
      description: 'The number of journal entries that `method` and `path` match.',
      request: { query: JournalQuerySchema.extend(TenantQuerySchema.shape) },
      responses: {
        200: json(z.object({ count: z.number().int() }).openapi('RequestCount'), 'The count.'),
        ...problems(...CONTROL),
      },
    }),
    (c) => c.json({ count: journalOf(c).count(c.req.valid('query')) }, 200),
  );

  app.openapi(
    route({
      method: 'delete',
      path: '/_sim/requests',
      operationId: 'SimClearRequests',
      summary: "Empty the tenant's request journal",
      description: 'Forgets every journaled request of the tenant.',
      request: { query: TenantQuerySchema },
      responses: { 204: noContent('Cleared.'), ...problems(...CONTROL) },
    }),
    (c) => {
      journalOf(c).clear();
      return c.body(null, 204);
    },
  );
}
