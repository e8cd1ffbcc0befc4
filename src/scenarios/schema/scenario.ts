/**
 * A scenario file as a whole: name, seed, setup and steps; and the JSON Schema that editors
 * read (schemas/scenario.schema.json, generated from these definitions by
 * `npx tsx src/scenarios/write-schema.ts`; a test fails when the file is out of date).
 */
import { z } from 'zod';
import { USER_ACTIONS } from '../../machine/index.js';
import { MAX_SEED } from '../prng.js';
import { AccountSettings, Duration, ServerRef, VolumeType } from './primitives.js';
import { STEP_EXTRAS, STEP_KINDS, STEP_SPECS, type StepKind } from './steps.js';

const Volume = z.strictObject({
  type: VolumeType,
  iops: z.number().int().min(100).max(100_000),
  sizeGb: z.number().int().min(1).max(16_384),
  multiAttach: z.boolean().optional(),
});

export const SetupServer = z
  .strictObject({
    name: z.string().min(1).max(100).describe('The name steps use for this server.'),
    region: z.string().min(1).optional().describe('Default hcm-1.'),
    flavor: z.string().min(1).optional(),
    volumes: z.array(Volume).min(1).optional().describe('Default one 40 GB SSD.'),
    files: z.record(z.string(), z.string()).optional().describe('Initial files: path → content.'),
    workload: z.number().min(0).max(60).optional().describe('Background writes per simulated minute.'),
    powerState: z.enum(['RUNNING', 'STOPPED']).optional(),
    expired: z.boolean().optional().describe('The server has already expired (attach refuses it).'),
    expiresIn: Duration.optional().describe('The server expires this long after the start.'),
  })
  .meta({ id: 'SetupServer' });

export const SetupPair = z
  .strictObject({
    name: z.string().min(1).max(100).describe('The name steps use for this pair.'),
    main: ServerRef.describe('A server from setup.servers.'),
    shadow: z
      .strictObject({
        region: z.string().min(1).optional(),
        vpc: z.string().min(1).optional(),
        subnet: z.string().min(1).optional(),
      })
      .optional(),
    replicate: z
      .union([
        z.boolean(),
        z.strictObject({
          intervalHours: z.number().int().min(1).max(12).optional(),
          shadowName: z.string().min(1).max(100).optional(),
        }),
      ])
      .optional()
      .describe('Start replication during setup and wait until the pair is Replicating.'),
  })
  .meta({ id: 'SetupPair' });

export const Setup = z
  .strictObject({
    startTime: z.iso
      .datetime({ offset: true })
      .optional()
      .describe('Simulated start (default 2026-01-05T00:00:00Z, a Monday).'),
    timeZone: z
      .string()
      .min(1)
      .optional()
      .describe(
        "IANA zone of the retention day and week (default Asia/Ho_Chi_Minh, whatever the target server's --time-zone).",
      ),
    worldSeed: z
      .number()
      .int()
      .min(0)
      .max(Number.MAX_SAFE_INTEGER)
      .optional()
      .describe(
        "The engine's seed, when it must be a given world's (an exported session's): then `seed`, --seed and --repeat vary only the chaos draws.",
      ),
    progression: z
      .partialRecord(z.enum(['default', ...USER_ACTIONS]), z.enum(['clock', 'immediate', 'manual']))
      .optional()
      .describe(
        'How jobs advance, as PUT /_sim/progression sets it: clock (default), immediate or manual, for every job (`default`) or per action.',
      ),
    regions: z
      .looseObject({
        strict: z.boolean().optional(),
        regions: z.array(z.looseObject({ id: z.string().min(1) })),
      })
      .optional()
      .describe(
        "The region catalogue (as PUT /_sim/regions takes it): regions with vpcs, securityGroups, placementGroups, volumeTypes, flavors. Default: drsim's (HCM-3, HAN-1).",
      ),
    account: AccountSettings.optional().describe(
      "The tenant's account, set before anything else (as PUT /_sim/account takes it): mode postpaid (default) or prepaid, creditBalance, rates.",
    ),
    servers: z.array(SetupServer).optional(),
    pairs: z.array(SetupPair).optional(),
    advance: Duration.optional().describe('Advance the clock once the pairs are set up.'),
  })
  .meta({ id: 'Setup' });

const stepSchemas = new Map<StepKind, z.ZodObject>();

/** The schema of one step of `kind`, as written: its body (or short form) and the extras. */
export function stepSchema(kind: StepKind): z.ZodObject {
  const known = stepSchemas.get(kind);
  if (known) return known;
  const s = STEP_SPECS[kind];
  const forms: z.ZodType[] = [s.body];
  if (s.shorthand) forms.unshift(s.shorthand.schema);
  if (s.empty) forms.push(z.null());
  const body = forms.length === 1 ? s.body : z.union(forms as [z.ZodType, z.ZodType, ...z.ZodType[]]);
  const extras = s.category === 'action' ? STEP_EXTRAS : { as: STEP_EXTRAS.as };
  const schema = z.strictObject({ [kind]: body.describe(s.summary), ...extras });
  stepSchemas.set(kind, schema);
  return schema;
}

const scenarioFields = {
  name: z.string().min(1).describe('What the scenario shows, in a sentence.'),
  description: z.string().optional(),
  seed: z
    .number()
    .int()
    .min(0)
    .max(MAX_SEED)
    .optional()
    .describe(
      'Seeds the engine, the chaos steps and HTTP chaos: a whole number from 0 to 4294967295 (2^32 − 1), each its own run (default 1; --seed overrides).',
    ),
  tags: z.array(z.string().min(1)).optional(),
  setup: Setup.optional(),
};

/** The head of a file; the parser checks each step apart, against its kind's schema. */
export const ScenarioHead = z.strictObject({ ...scenarioFields, steps: z.array(z.unknown()).min(1) });

export type ScenarioHeadInput = z.output<typeof ScenarioHead>;
export type SetupInput = z.output<typeof Setup>;

/** The JSON Schema of a scenario file (draft-07, what yaml-language-server reads best). */
export function scenarioJsonSchema(): Record<string, unknown> {
  const steps = STEP_KINDS.map((kind) => stepSchema(kind));
  const whole = z
    .strictObject({
      ...scenarioFields,
      steps: z
        .array(z.union(steps as unknown as [z.ZodType, z.ZodType, ...z.ZodType[]]))
        .min(1)
        .describe('What happens, in order: user actions, simulation steps, waits and expectations.'),
    })
    .meta({
      title: 'drsim scenario',
      description: 'A *.scenario.yaml file run by `drsim run` (docs/scenarios.md).',
    });
  return {
    $id: 'https://drsim.dev/schemas/scenario.schema.json',
    ...z.toJSONSchema(whole, { target: 'draft-07', io: 'input', unrepresentable: 'any' }),
  };
}

export { STEP_KINDS, STEP_SPECS, type StepKind };
