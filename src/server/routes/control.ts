/**
 * The control API, `/_sim`: what tests and CI use to drive the simulation — the clock, job
 * progression, fault rules, HTTP chaos, server outages, tenant reset, snapshots, the whole
 * state, the checkers' verdict, events, the request journal and health. Protected by the
 * admin token when one is configured (health never is).
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Simulator } from '../../sim/contract.js';
import { parseDuration } from '../../sim/index.js';
import type { FaultRuleInput, ProgressionSettings } from '../../sim/types.js';
import type { AppEnv } from '../app-env.js';
import type { HttpChaos } from '../http-chaos.js';
import type { RequestJournal } from '../journal.js';
import { HttpProblem } from '../problem.js';
import { idParam, json, jsonBody, PageQuerySchema, pageOf, problems } from '../schemas/common.js';
import {
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
  SimStateSchema,
  SnapshotNameSchema,
  SnapshotSchema,
  TenantBodySchema,
  TenantQuerySchema,
  WorkloadSchema,
} from '../schemas/control.js';
import { EventQuerySchema, JobSchema, SimEventSchema } from '../schemas/dr-pairs.js';
import { ServerSchema } from '../schemas/servers.js';

export interface ControlDeps {
  sim: Simulator;
  chaos: HttpChaos;
  journal: RequestJournal;
}

const tags = ['Control (/_sim)'];
const security = [{ adminToken: [] }];
const CONTROL_PROBLEMS = [400, 401, 404, 500] as const;
const BODY_PROBLEMS = [...CONTROL_PROBLEMS, 409, 413, 415, 422] as const;
const noContent = (description: string) => ({ description });

/**
 * The longest single advance. The engine fires every 15-minute tick on the way, so a typo such
 * as `99999999d` would keep the server busy for hours; a year covers every retention rule.
 */
const MAX_ADVANCE_MS = 366 * 86_400_000;

function checkAdvance(ms: number): void {
  if (ms > MAX_ADVANCE_MS) {
    throw new HttpProblem(
      400,
      'VALIDATION_FAILED',
      'One advance may cover at most 366 days; advance in steps.',
      {
        errors: [{ in: 'body', path: 'by', message: 'at most 366 days' }],
      },
    );
  }
}

/** The tenant a control request names, in the query or the body. */
function requireTenant(query: string | undefined, body: string | undefined): string {
  const tenant = query ?? body;
  if (tenant === undefined) {
    throw new HttpProblem(400, 'VALIDATION_FAILED', 'Name the tenant: `?tenant=` or `{ "tenant" }`.', {
      errors: [{ in: 'query', path: 'tenant', message: 'Required' }],
    });
  }
  return tenant;
}

export function registerControlRoutes(app: OpenAPIHono<AppEnv>, { sim, chaos, journal }: ControlDeps): void {
  const route = <R extends Parameters<typeof createRoute>[0]>(config: R) =>
    createRoute({ tags, security, ...config });

  // ------------------------------------------------------------------ health, clock, progression

  app.openapi(
    createRoute({
      method: 'get',
      path: '/_sim/health',
      operationId: 'SimHealth',
      summary: 'Liveness; never needs a token',
      tags,
      security: [],
      responses: { 200: json(HealthSchema, 'Up.') },
    }),
    (c) =>
      c.json(
        { status: 'ok' as const, time: sim.clock().now, seed: sim.seed, stateVersion: sim.stateVersion() },
        200,
      ),
  );

  app.openapi(
    route({
      method: 'get',
      path: '/_sim/clock',
      operationId: 'SimGetClock',
      summary: 'The simulated clock',
      responses: { 200: json(ClockSchema, 'The clock.'), ...problems(401, 500) },
    }),
    (c) => c.json(sim.clock(), 200),
  );

  app.openapi(
    route({
      method: 'put',
      path: '/_sim/clock',
      operationId: 'SimSetClock',
      summary: 'Switch between manual and realtime mode, or change the speed',
      request: { body: jsonBody(ClockSettingsSchema) },
      responses: { 200: json(ClockSchema, 'The clock.'), ...problems(...BODY_PROBLEMS) },
    }),
    (c) => c.json(sim.setClock(c.req.valid('json')), 200),
  );

  app.openapi(
    route({
      method: 'post',
      path: '/_sim/clock/advance',
      operationId: 'SimAdvanceClock',
      summary:
        'Advance simulated time by a duration or to an instant (at most 366 days); scheduled work fires in order',
      request: { body: jsonBody(AdvanceSchema) },
      responses: { 200: json(AdvanceResultSchema, 'What fired.'), ...problems(...BODY_PROBLEMS) },
    }),
    (c) => {
      const body = c.req.valid('json');
      checkAdvance('by' in body ? parseDuration(body.by) : Date.parse(body.to) - Date.parse(sim.clock().now));
      const result = 'by' in body ? sim.advance(body.by) : sim.advanceTo(body.to);
      return c.json({ ...result, clock: sim.clock() }, 200);
    },
  );

  app.openapi(
    route({
      method: 'get',
      path: '/_sim/progression',
      operationId: 'SimGetProgression',
      summary: 'How jobs advance, per job type',
      responses: { 200: json(ProgressionSchema, 'The settings.'), ...problems(401, 500) },
    }),
    (c) => c.json(sim.progression(), 200),
  );

  app.openapi(
    route({
      method: 'put',
      path: '/_sim/progression',
      operationId: 'SimSetProgression',
      summary: 'Set the progression of the job types named (clock, immediate or manual)',
      request: { body: jsonBody(ProgressionSchema) },
      responses: { 200: json(ProgressionSchema, 'The settings.'), ...problems(...BODY_PROBLEMS) },
    }),
    (c) => {
      const settings = c.req.valid('json') as ProgressionSettings;
      for (const [kind, mode] of Object.entries(settings)) {
        if (mode) sim.setProgression(kind as keyof ProgressionSettings, mode);
      }
      return c.json(sim.progression(), 200);
    },
  );

  // ------------------------------------------------------------------ faults and chaos

  app.openapi(
    route({
      method: 'get',
      path: '/_sim/faults',
      operationId: 'SimListFaults',
      summary: 'The fault rules (of one tenant with `?tenant=`)',
      request: { query: TenantQuerySchema },
      responses: {
        200: json(pageOf(FaultRuleSchema, 'FaultRulePage'), 'Every rule.'),
        ...problems(...CONTROL_PROBLEMS),
      },
    }),
    (c) => c.json({ items: sim.listFaults(c.req.valid('query').tenant), nextCursor: null }, 200),
  );

  app.openapi(
    route({
      method: 'post',
      path: '/_sim/faults',
      operationId: 'SimAddFault',
      summary: 'Add a fault rule; the engine validates it',
      request: { query: TenantQuerySchema, body: jsonBody(FaultRuleInputSchema) },
      responses: { 201: json(FaultRuleSchema, 'The rule.'), ...problems(...BODY_PROBLEMS) },
    }),
    (c) => {
      const input = c.req.valid('json') as FaultRuleInput;
      const tenant = c.req.valid('query').tenant ?? input.tenant;
      const rule = sim.addFault(tenant === undefined ? input : { ...input, tenant });
      return c.json(rule, 201, { Location: `/_sim/faults/${encodeURIComponent(rule.id)}` });
    },
  );

  app.openapi(
    route({
      method: 'delete',
      path: '/_sim/faults/{id}',
      operationId: 'SimRemoveFault',
      summary: 'Remove a fault rule',
      request: { params: z.object({ id: idParam('id', 'fault_1') }) },
      responses: { 204: noContent('Removed.'), ...problems(...CONTROL_PROBLEMS) },
    }),
    (c) => {
      sim.removeFault(c.req.valid('param').id);
      return c.body(null, 204);
    },
  );

  app.openapi(
    route({
      method: 'get',
      path: '/_sim/chaos',
      operationId: 'SimListChaos',
      summary: 'The HTTP chaos rules',
      responses: {
        200: json(pageOf(ChaosRuleSchema, 'ChaosRulePage'), 'Every rule.'),
        ...problems(401, 500),
      },
    }),
    (c) => c.json({ items: chaos.list(), nextCursor: null }, 200),
  );

  app.openapi(
    route({
      method: 'post',
      path: '/_sim/chaos',
      operationId: 'SimAddChaos',
      summary: 'Add an HTTP chaos rule for a method and path pattern',
      request: { body: jsonBody(ChaosRuleInputSchema) },
      responses: { 201: json(ChaosRuleSchema, 'The rule.'), ...problems(...BODY_PROBLEMS) },
    }),
    (c) => {
      const rule = chaos.add(c.req.valid('json'));
      return c.json(rule, 201, { Location: `/_sim/chaos/${rule.id}` });
    },
  );

  app.openapi(
    route({
      method: 'delete',
      path: '/_sim/chaos/{id}',
      operationId: 'SimRemoveChaos',
      summary: 'Remove an HTTP chaos rule',
      request: { params: z.object({ id: idParam('id', 'chaos_1') }) },
      responses: { 204: noContent('Removed.'), ...problems(...CONTROL_PROBLEMS) },
    }),
    (c) => {
      const { id } = c.req.valid('param');
      if (!chaos.remove(id)) throw new HttpProblem(404, 'NOT_FOUND', `No chaos rule ${id}.`);
      return c.body(null, 204);
    },
  );

  app.openapi(
    route({
      method: 'delete',
      path: '/_sim/chaos',
      operationId: 'SimClearChaos',
      summary: 'Remove every HTTP chaos rule',
      responses: { 204: noContent('Cleared.'), ...problems(401, 500) },
    }),
    (c) => {
      chaos.clear();
      return c.body(null, 204);
    },
  );

  // ------------------------------------------------------------------ servers, jobs, tenants

  const ServerParams = z.object({ id: idParam('id', 'srv_1') });
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
        request: {
          params: ServerParams,
          query: TenantQuerySchema,
          body: jsonBody(TenantBodySchema, false),
        },
        responses: { 200: json(ServerSchema, 'The server.'), ...problems(...BODY_PROBLEMS) },
      }),
      (c) => {
        const tenant = requireTenant(c.req.valid('query').tenant, c.req.valid('json').tenant);
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
      request: { params: ServerParams, query: TenantQuerySchema, body: jsonBody(WorkloadSchema) },
      responses: { 204: noContent('Set.'), ...problems(...BODY_PROBLEMS) },
    }),
    (c) => {
      const body = c.req.valid('json');
      const tenant = requireTenant(c.req.valid('query').tenant, body.tenant);
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
      request: { params: z.object({ id: idParam('id', 'job_1') }), query: TenantQuerySchema },
      responses: { 200: json(JobSchema, 'The job.'), ...problems(...CONTROL_PROBLEMS) },
    }),
    (c) => {
      const tenant = requireTenant(c.req.valid('query').tenant, undefined);
      return c.json(sim.stepJob(tenant, c.req.valid('param').id), 200);
    },
  );

  app.openapi(
    route({
      method: 'post',
      path: '/_sim/tenants/{tenant}/reset',
      operationId: 'SimResetTenant',
      summary: 'Delete everything of one tenant (servers, pairs, points, jobs, faults, events)',
      request: { params: z.object({ tenant: idParam('tenant', 'demo') }) },
      responses: { 204: noContent('Reset.'), ...problems(...CONTROL_PROBLEMS) },
    }),
    (c) => {
      sim.resetTenant(c.req.valid('param').tenant);
      return c.body(null, 204);
    },
  );

  // ------------------------------------------------------------------ snapshots and state

  app.openapi(
    route({
      method: 'get',
      path: '/_sim/snapshots',
      operationId: 'SimListSnapshots',
      summary: 'Named snapshots of the whole state',
      responses: {
        200: json(pageOf(SnapshotSchema, 'SnapshotPage'), 'Every snapshot.'),
        ...problems(401, 500),
      },
    }),
    (c) => c.json({ items: sim.listSnapshots(), nextCursor: null }, 200),
  );

  app.openapi(
    route({
      method: 'post',
      path: '/_sim/snapshots',
      operationId: 'SimSaveSnapshot',
      summary: 'Save the whole state under a name (replacing a snapshot of that name)',
      request: { body: jsonBody(SnapshotNameSchema) },
      responses: { 201: json(SnapshotSchema, 'Saved.'), ...problems(...BODY_PROBLEMS) },
    }),
    (c) => {
      const { name } = c.req.valid('json');
      sim.saveSnapshot(name);
      const saved = sim.listSnapshots().find((snapshot) => snapshot.name === name);
      return c.json(saved ?? { name, createdAt: sim.clock().now }, 201);
    },
  );

  app.openapi(
    route({
      method: 'post',
      path: '/_sim/snapshots/{name}/restore',
      operationId: 'SimRestoreSnapshot',
      summary: 'Restore a named snapshot (checked in full first, like an import)',
      request: { params: z.object({ name: idParam('name', 'before-failover') }) },
      responses: { 204: noContent('Restored.'), ...problems(...CONTROL_PROBLEMS, 422) },
    }),
    (c) => {
      sim.restoreSnapshot(c.req.valid('param').name);
      return c.body(null, 204);
    },
  );

  app.openapi(
    route({
      method: 'delete',
      path: '/_sim/snapshots/{name}',
      operationId: 'SimDeleteSnapshot',
      summary: 'Delete a named snapshot',
      request: { params: z.object({ name: idParam('name', 'before-failover') }) },
      responses: { 204: noContent('Deleted.'), ...problems(...CONTROL_PROBLEMS) },
    }),
    (c) => {
      sim.deleteSnapshot(c.req.valid('param').name);
      return c.body(null, 204);
    },
  );

  app.openapi(
    route({
      method: 'get',
      path: '/_sim/state',
      operationId: 'SimExportState',
      summary: 'Export the whole state',
      responses: { 200: json(SimStateSchema, 'The state.'), ...problems(401, 500) },
    }),
    (c) => c.json(sim.exportState(), 200),
  );

  app.openapi(
    route({
      method: 'put',
      path: '/_sim/state',
      operationId: 'SimImportState',
      summary: 'Replace the whole state with an export (bodies up to 64 MiB here); checked in full first',
      request: { body: jsonBody(SimStateSchema) },
      responses: { 204: noContent('Imported.'), ...problems(...BODY_PROBLEMS) },
    }),
    (c) => {
      sim.importState(c.req.valid('json') as unknown as Parameters<Simulator['importState']>[0]);
      return c.body(null, 204);
    },
  );

  // ------------------------------------------------------------------ observation

  app.openapi(
    route({
      method: 'get',
      path: '/_sim/checks',
      operationId: 'SimChecks',
      summary: "The invariant checkers' verdict on the current state",
      responses: {
        200: json(
          z.object({ ok: z.boolean(), items: z.array(CheckerVerdictSchema) }).openapi('Checks'),
          'Verdicts.',
        ),
        ...problems(401, 500),
      },
    }),
    (c) => {
      const items = sim.check();
      return c.json({ ok: items.every((verdict) => verdict.ok), items }, 200);
    },
  );

  app.openapi(
    route({
      method: 'get',
      path: '/_sim/events',
      operationId: 'SimEvents',
      summary: 'Simulation events, all tenants or one',
      request: {
        query: PageQuerySchema.extend(EventQuerySchema.shape)
          .extend(TenantQuerySchema.shape)
          .extend({ pairId: z.string().min(1).max(128).optional() }),
      },
      responses: {
        200: json(pageOf(SimEventSchema, 'SimEventPage'), 'A page of events.'),
        ...problems(...CONTROL_PROBLEMS),
      },
    }),
    (c) => c.json(sim.events(c.req.valid('query')), 200),
  );

  app.openapi(
    route({
      method: 'get',
      path: '/_sim/requests',
      operationId: 'SimFindRequests',
      summary: 'Requests the public API received, oldest first (a bounded journal)',
      request: { query: JournalQuerySchema },
      responses: {
        200: json(pageOf(JournalEntrySchema, 'JournalPage'), 'The matching requests.'),
        ...problems(400, 401, 500),
      },
    }),
    (c) => c.json({ items: journal.find(c.req.valid('query')), nextCursor: null }, 200),
  );

  app.openapi(
    route({
      method: 'get',
      path: '/_sim/requests/count',
      operationId: 'SimCountRequests',
      summary: 'How many journaled requests match',
      request: { query: JournalQuerySchema },
      responses: {
        200: json(z.object({ count: z.number().int() }), 'The count.'),
        ...problems(400, 401, 500),
      },
    }),
    (c) => c.json({ count: journal.count(c.req.valid('query')) }, 200),
  );

  app.openapi(
    route({
      method: 'delete',
      path: '/_sim/requests',
      operationId: 'SimClearRequests',
      summary: 'Empty the request journal',
      responses: { 204: noContent('Cleared.'), ...problems(401, 500) },
    }),
    (c) => {
      journal.clear();
      return c.body(null, 204);
    },
  );
}
