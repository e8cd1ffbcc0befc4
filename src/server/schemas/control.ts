/**
 * The control API's shapes (`/_sim`): clock, progression, fault rules, HTTP chaos rules,
 * snapshots, exported state, checker verdicts and the request journal.
 */
import { z } from '@hono/zod-openapi';
import { USER_ACTIONS } from '../../machine/index.js';
import { FAULT_FAILURE_CODES } from '../../sim/errors.js';
import { IsoSchema } from './common.js';

export const DurationSchema = z
  .union([z.number().int().min(0), z.string().min(1).max(32)])
  .openapi('Duration', {
    description: 'Milliseconds, or a string such as `90s`, `15m`, `2h`, `1d`, `1h30m`.',
  });

export const ClockSchema = z
  .object({
    now: IsoSchema,
    mode: z.enum(['manual', 'realtime']),
    speed: z.number().openapi({ description: 'Simulated seconds per wall second in realtime mode.' }),
    timeZone: z.string().openapi({
      description:
        'The IANA zone of the world\'s retention day and week ("00:00", "Sunday"), fixed when the world is made; times stay in UTC (`Z`).',
      example: 'Asia/Ho_Chi_Minh',
    }),
  })
  .openapi('Clock');

export const ClockSettingsSchema = z
  .object({
    mode: z.enum(['manual', 'realtime']).optional(),
    speed: z.number().positive().max(1_000_000).optional(),
  })
  .strict()
  .openapi('ClockSettings');

export const AdvanceSchema = z
  .union([
    z.object({ by: DurationSchema }).strict(),
    z.object({ to: z.iso.datetime({ offset: true }) }).strict(),
  ])
  .openapi('Advance', { example: { by: '15m' } });

export const AdvanceQuerySchema = z.object({
  async: z.enum(['true', 'false']).optional().openapi({
    description:
      'true: run the advance as an advance job and answer 202 at once (`Location`: the job), for advances of up to 36,600 days; without it the call answers when the advance is done, at most 366 days.',
    example: 'true',
  }),
});

export const AdvanceJobSchema = z
  .object({
    id: z.string(),
    tenant: z.string(),
    status: z.enum(['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED']),
    from: IsoSchema.openapi({
      description: 'Simulated time when the job began (while queued: when it was accepted).',
    }),
    to: IsoSchema.openapi({ description: 'The simulated time it advances to.' }),
    reached: IsoSchema.openapi({ description: 'Simulated time reached so far (committed).' }),
    percent: z
      .number()
      .int()
      .min(0)
      .max(100)
      .openapi({ description: 'Share of the simulated span covered; 100 only once SUCCEEDED.' }),
    fired: z.number().int().openapi({ description: 'Scheduled items fired so far.' }),
    createdAt: IsoSchema.openapi({ description: 'Wall-clock time the job was accepted.' }),
    endedAt: IsoSchema.nullable().openapi({ description: 'Wall-clock time it ended, or null.' }),
    error: z
      .object({ status: z.number().int(), code: z.string(), detail: z.string() })
      .nullable()
      .openapi({ description: 'Why it FAILED: the problem a synchronous advance would have answered.' }),
  })
  .openapi('AdvanceJob', {
    example: {
      id: 'adv-1',
      tenant: 'acme',
      status: 'RUNNING',
      from: '2026-01-05T00:00:00.000Z',
      to: '2027-01-05T00:00:00.000Z',
      reached: '2026-04-12T06:15:00.000Z',
      percent: 26,
      fired: 91234,
      createdAt: '2026-12-02T04:30:00.000Z',
      endedAt: null,
      error: null,
    },
  });

export const AdvanceResultSchema = z
  .object({ from: IsoSchema, to: IsoSchema, fired: z.number().int(), clock: ClockSchema })
  .openapi('AdvanceResult');

export const ProgressionModeSchema = z.enum(['clock', 'immediate', 'manual']).openapi('ProgressionMode');
const PROGRESSION_KEYS = [...USER_ACTIONS, 'default'] as const;
export const ProgressionSchema = z
  .object(Object.fromEntries(PROGRESSION_KEYS.map((key) => [key, ProgressionModeSchema.optional()])))
  .strict()
  .openapi('Progression', {
    description: 'How jobs advance, per job type (`default` for the rest).',
    example: { default: 'clock', failover: 'manual' },
  });

export const FaultTargetSchema = z.enum([...USER_ACTIONS, 'replication', 'recoveryPoint']);
const FaultSelectorSchema = z
  .object({
    pairId: z.string().optional(),
    recoveryPointId: z.string().optional(),
    step: z.string().optional(),
  })
  .strict();
const FaultTriggerSchema = z
  .object({
    times: z.number().int().optional(),
    probability: z.number().optional(),
    from: IsoSchema.optional(),
    until: IsoSchema.optional(),
  })
  .strict();
const FaultEffectSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('fail'),
      code: z
        .enum(FAULT_FAILURE_CODES)
        .openapi('FaultFailureCode', {
          description:
            "The code the failed job gets: one of the engine's job failures or a service failure; default INJECTED_FAULT.",
        })
        .optional(),
      message: z.string().max(1024).optional(),
    })
    .strict(),
  z.object({ kind: z.literal('delay'), duration: DurationSchema }).strict(),
  z.object({ kind: z.literal('hang') }).strict(),
  z.object({ kind: z.literal('corrupt') }).strict(),
  z.object({ kind: z.literal('stall') }).strict(),
]);

/** The shape only; the engine judges the values (e.g. a probability outside 0..1). */
export const FaultRuleInputSchema = z
  .object({
    target: FaultTargetSchema,
    selector: FaultSelectorSchema.optional(),
    trigger: FaultTriggerSchema.optional(),
    effect: FaultEffectSchema,
    tenant: z.string().min(1).max(128).optional(),
  })
  .strict()
  .openapi('FaultRuleInput', {
    example: { target: 'failover', effect: { kind: 'fail', code: 'COPY_FAILED' }, trigger: { times: 1 } },
  });

export const FaultRuleSchema = z
  .object({
    id: z.string(),
    tenant: z.string().nullable(),
    target: FaultTargetSchema,
    selector: FaultSelectorSchema,
    trigger: FaultTriggerSchema,
    effect: FaultEffectSchema,
    fired: z.number().int(),
    createdAt: IsoSchema,
  })
  .openapi('FaultRule');

export const ChaosEffectSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('status'),
      status: z.union([z.literal(429), z.literal(500), z.literal(503)]),
      retryAfterSeconds: z.number().int().min(0).max(3600).optional(),
    })
    .strict(),
  z.object({ kind: z.literal('latency'), ms: z.number().int().min(0).max(60_000) }).strict(),
  z.object({ kind: z.literal('drop') }).strict(),
]);

export const ChaosRuleInputSchema = z
  .object({
    method: z.string().min(1).max(16).optional().openapi({ description: 'HTTP method, or `*` (default).' }),
    path: z.string().min(1).max(512).openapi({
      description: 'Path pattern: `*` matches within one segment, `**` across segments.',
      example: '/v1/dr-pairs/*/failover',
    }),
    effect: ChaosEffectSchema,
    times: z.number().int().min(1).optional().openapi({ description: 'Fire this many times, then stop.' }),
    probability: z
      .number()
      .min(0)
      .max(1)
      .optional()
      .openapi({ description: 'Seeded from the simulator seed.' }),
    phase: z.enum(['before', 'after']).optional().openapi({
      description:
        '`before` (default) answers instead of the route, so nothing changes; `after` lets the route act and then loses its answer.',
    }),
    seed: z.number().int().min(0).max(0xffff_ffff).optional().openapi({
      description:
        "Seeds this rule's own generator, so its probability draws depend only on the requests it matches (default: the simulator's generator).",
    }),
  })
  .strict()
  .openapi('ChaosRuleInput');

export const ChaosRuleSchema = z
  .object({
    id: z.string(),
    method: z.string(),
    path: z.string(),
    effect: ChaosEffectSchema,
    times: z.number().int().nullable(),
    probability: z.number().nullable(),
    phase: z.enum(['before', 'after']),
    seed: z.number().int().nullable(),
    fired: z.number().int(),
  })
  .openapi('ChaosRule');

export const TenantQuerySchema = z.object({
  tenant: z.string().min(1).max(128).optional().openapi({
    description:
      "The tenant whose world the call acts on. Default: the bearer token's tenant. A tenant's token may name only its own; the admin token any (`*` where a rule may be for every tenant).",
    example: 'acme',
  }),
});

export const ServerStateScopeSchema = z.object({
  scope: z.enum(['tenant', 'server']).optional().openapi({
    description: '`server`: every world at once (admin only). Default `tenant`: one world.',
  }),
});

export const TenantBodySchema = z.object({ tenant: z.string().min(1).max(128).optional() }).strict();

export const WorkloadSchema = z
  .object({ writesPerMinute: z.number().min(0).max(60), tenant: z.string().min(1).max(128).optional() })
  .strict()
  .openapi('Workload');

export const SnapshotSchema = z.object({ name: z.string(), createdAt: IsoSchema }).openapi('Snapshot');
export const SnapshotNameSchema = z
  .object({
    name: z
      .string()
      .min(1)
      .max(100)
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, _, . or -, starting with a letter or digit'),
    overwrite: z
      .boolean()
      .optional()
      .openapi({ description: 'Replace a snapshot of that name (default false: 409 SNAPSHOT_EXISTS).' }),
  })
  .strict()
  .openapi('SnapshotName');

export const SimStateSchema = z
  .object({ format: z.enum(['drsim-state', 'drsim-server-state']), version: z.literal(1) })
  .catchall(z.unknown())
  .openapi('SimState', {
    description:
      "A world's state (`drsim-state`, as `sim.exportState()` writes it) or, with `scope=server`, every world's (`drsim-server-state`: `{ seed, worlds: [{ tenant, ephemeral, options, state }] }`).",
  });

export const CheckerVerdictSchema = z
  .object({ name: z.string(), description: z.string(), ok: z.boolean(), violations: z.array(z.string()) })
  .openapi('CheckerVerdict');

export const JournalEntrySchema = z
  .object({
    seq: z.number().int(),
    simTime: IsoSchema,
    method: z.string(),
    path: z.string(),
    query: z.record(z.string(), z.string()),
    status: z.number().int(),
    durationMs: z.number(),
    tenant: z.string().nullable(),
    idempotencyKey: z.string().nullable(),
    body: z.unknown().optional().openapi({
      description: 'The body as sent (parsed when JSON), when the route read it and it is at most 16 KiB.',
    }),
    bodyLength: z.number().int().optional(),
    response: z
      .object({
        code: z
          .string()
          .optional()
          .openapi({ description: 'The problem code, when the answer was a problem.' }),
        body: z.unknown().optional().openapi({
          description:
            'The key fields of a JSON answer (ids, names, statuses, types, codes; a page as its `items`), not times.',
        }),
      })
      .optional()
      .openapi({
        description: 'What the answer said, for a replay to check; absent for an answer that was not JSON.',
      }),
  })
  .openapi('JournalEntry');

export const JournalQuerySchema = z.object({
  method: z.string().min(1).max(16).optional(),
  path: z.string().min(1).max(512).optional().openapi({ description: 'Path pattern, as for chaos rules.' }),
});

export const HealthSchema = z
  .object({
    status: z.literal('ok'),
    seed: z.number().openapi({ description: "The server seed every world's default seed derives from." }),
    tenant: z.string().optional().openapi({
      description:
        "The world the rest describes: the bearer token's tenant (or `?tenant=` with the admin token), when it has a world.",
    }),
    time: IsoSchema.optional().openapi({ description: "That world's simulated time." }),
    worldSeed: z.number().optional().openapi({ description: "That world's seed." }),
    stateVersion: z
      .number()
      .int()
      .optional()
      .openapi({ description: "Changes with every committed change of that world's state." }),
  })
  .openapi('Health');

export const IdentitySchema = z
  .object({
    tenant: z.string().nullable().openapi({ description: "The bearer token's tenant; null without one." }),
    policy: z.enum(['full', 'read-only', 'none', 'custom']).nullable(),
    admin: z.boolean().openapi({
      description: 'Holds the admin token (or the server has no tokens at all: nothing is protected).',
    }),
    ephemeral: z.boolean().openapi({ description: 'The tenant is an ephemeral one (POST /_sim/tenants).' }),
    protected: z.boolean().openapi({ description: 'The server has tokens or an admin token configured.' }),
  })
  .openapi('Identity');

export const TenantSchema = z
  .object({
    tenant: z.string(),
    seed: z.number(),
    ephemeral: z
      .boolean()
      .openapi({ description: 'In memory only; removed with DELETE or when the server stops.' }),
    createdBy: z
      .string()
      .nullable()
      .openapi({ description: 'The tenant whose token created it (null: the admin).' }),
    clock: ClockSchema,
  })
  .openapi('Tenant');

export const CreatedTenantSchema = TenantSchema.extend({
  token: z.string().nullable().openapi({
    description: 'The bearer token of an ephemeral tenant, for `/v1` and its own `/_sim` world; shown once.',
  }),
}).openapi('CreatedTenant');

export const CreateTenantSchema = z
  .object({
    tenant: z
      .string()
      .min(1)
      .max(128)
      .regex(/^[\x21-\x7e]+$/, 'visible ASCII characters')
      .optional()
      .openapi({
        description: 'The name; admin only (a tenant token gets a generated `<its tenant>~<random>`).',
      }),
    ephemeral: z.boolean().optional().openapi({
      description: 'Default true. A tenant token can create only ephemeral tenants.',
    }),
    seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional().openapi({
      description: "The world's seed. Default: derived from the server seed and the name.",
    }),
    startTime: z.iso.datetime({ offset: true }).optional(),
    timeZone: z.string().min(1).max(64).optional().openapi({
      description:
        "IANA zone of the retention day and week, e.g. `UTC`. Default: the server's (`--time-zone`, `Asia/Ho_Chi_Minh` unless set). An unknown zone is a 400.",
    }),
    progression: ProgressionSchema.optional(),
    clock: ClockSettingsSchema.optional(),
  })
  .strict()
  .openapi('CreateTenant', { example: { seed: 7, startTime: '2026-01-05T00:00:00Z' } });

export const ServerResetSchema = z
  .object({ scope: z.literal('server') })
  .strict()
  .openapi('ServerReset', { description: 'Says explicitly that every world goes.' });
