/**
 * Every kind of scenario step: its canonical body (an object), the short form it may also be
 * written in (`- detach: web` for `- detach: { pair: web }`), a one-line summary and an example.
 * The parser, the JSON Schema, docs/scenarios.md and the runner's step table all come from here,
 * so a new step kind cannot be documented in one place and missing in another.
 */
import { z } from 'zod';
import {
  AccountSettings,
  Duration,
  ErrorCode,
  EventKind,
  FaultFailureCode,
  FaultRef,
  FaultTarget,
  JobErrorCode,
  JobRef,
  JobStatus,
  Label,
  LocalDate,
  PairRef,
  PowerState,
  RecoveryPointRef,
  RecoveryPointTag,
  ServerRef,
  ServerRole,
  Status,
  TestState,
  UsageItemName,
  UserActionName,
  VolumeType,
} from './primitives.js';

export type StepCategory = 'action' | 'request' | 'simulation' | 'wait' | 'expectation';

export interface StepSpec<B extends z.ZodObject = z.ZodObject, C extends StepCategory = StepCategory> {
  category: C;
  summary: string;
  body: B;
  /** A scalar or list written instead of the body: it becomes the body's `key`. */
  shorthand?: { key: string; schema: z.ZodType };
  /** The step may be written with no value at all (`- cleanTestEnvironment:`). */
  empty?: boolean;
  /** YAML of one or more steps, shown in docs/scenarios.md and parsed by the tests. */
  example: string;
}

const spec = <B extends z.ZodObject, C extends StepCategory>(s: StepSpec<B, C>): StepSpec<B, C> => s;
const optionalPair = { pair: PairRef.optional() };
const pairOnly = z.strictObject(optionalPair);
const pairShorthand = { key: 'pair', schema: PairRef };

const Placement = z
  .strictObject({
    region: z.string().min(1).optional().describe("The shadow's region (default han-1)."),
    vpc: z.string().min(1).optional().describe('Default vpc-dr.'),
    subnet: z.string().min(1).optional().describe('Default subnet-dr.'),
  })
  .meta({ id: 'ShadowPlacement', description: 'Where the shadow server goes.' });

const withPoint = (what: string) =>
  z.strictObject({ ...optionalPair, recoveryPoint: RecoveryPointRef.describe(what) });

const Selector = z.strictObject({
  pair: PairRef.optional().describe('Only this pair (default: every pair).'),
  step: z.string().min(1).optional().describe("Only this step of the job, e.g. 'full copy'."),
  recoveryPoint: RecoveryPointRef.optional().describe('Only this recovery point (target recoveryPoint).'),
});

const Trigger = z.strictObject({
  times: z.number().int().min(1).optional().describe('Fire this many times, then stop.'),
  probability: z
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe("Fire with this probability (the engine's seeded draw)."),
  after: Duration.optional().describe('Start firing this long after the step.'),
  for: Duration.optional().describe('Stop firing this long after it starts.'),
});

const HttpMethod = z.enum(['GET', 'POST', 'PUT', 'DELETE', '*']);

const HttpChaosRef = z
  .string()
  .min(1)
  .meta({
    id: 'HttpChaosRef',
    description:
      'An HTTP chaos rule: previous (the latest addHttpChaos) or the `as` name of an addHttpChaos step.',
    examples: ['previous'],
  });

const HttpChaosEffect = z
  .discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('status'),
      status: z.union([z.literal(429), z.literal(500), z.literal(503)]),
      retryAfter: Duration.optional().describe(
        'The Retry-After of a 429 or 503, in whole seconds (default 1s).',
      ),
    }),
    z.strictObject({
      kind: z.literal('latency'),
      duration: Duration.describe('Added before the answer (at most 60s).'),
    }),
    z.strictObject({ kind: z.literal('drop') }),
  ])
  .meta({
    id: 'HttpChaosEffect',
    description:
      'status: answer 429, 500 or 503 (a problem+json, with Retry-After on 429/503); latency: delay the answer; drop: close the connection without an answer.',
  });

const Effect = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('fail'),
    code: FaultFailureCode.optional(),
    message: z.string().min(1).optional(),
  }),
  z.strictObject({ kind: z.literal('delay'), duration: Duration }),
  z.strictObject({ kind: z.literal('hang') }),
  z.strictObject({ kind: z.literal('corrupt') }),
  z.strictObject({ kind: z.literal('stall') }),
]);

const EventMatcher = z
  .object({ kind: EventKind })
  .catchall(z.union([z.string(), z.number(), z.boolean(), z.null()]))
  .meta({
    id: 'EventMatcher',
    description:
      "An event's kind and any fields its data must have, e.g. { kind: pair.transition, to: FAILED_OVER }.",
  });

const TagCount = z.union([
  z.number().int().min(0),
  z.strictObject({ atLeast: z.number().int().min(0).optional(), atMost: z.number().int().min(0).optional() }),
]);

const waitOptions = {
  timeout: Duration.optional().describe('Simulated time to wait at most (default 2h).'),
  poll: Duration.optional().describe('Simulated time between looks (default 30s).'),
};

export const STEP_SPECS = {
  // ---------------------------------------------------------------- user actions
  attach: spec({
    category: 'action',
    summary: 'Attach a main server: creates a DR pair with the given name.',
    body: z.strictObject({
      server: ServerRef.describe('The main server.'),
      name: z.string().min(1).max(100).describe('The name later steps use for the new pair.'),
      shadow: Placement.optional(),
    }),
    example: '- attach: { server: db-1, name: db, shadow: { region: han-1 } }',
  }),
  startReplication: spec({
    category: 'action',
    summary: 'Start Replication: create the shadow and run the full copy.',
    body: z.strictObject({
      ...optionalPair,
      intervalHours: z.number().int().min(1).max(12).optional().describe('1 to 12 (default 1).'),
      shadowName: z
        .string()
        .min(1)
        .max(100)
        .optional()
        .describe('Default: the main server name + "-shadow".'),
      region: z.string().min(1).optional(),
      vpc: z.string().min(1).optional(),
      subnet: z.string().min(1).optional(),
      privateIp: z.string().min(1).optional().describe('Allocated from the subnet when left out.'),
      floatingIp: z
        .union([z.boolean(), z.string().min(1)])
        .optional()
        .describe('true allocates one.'),
      securityGroup: z.string().min(1).optional().describe("Default: the region's first."),
      placementGroup: z.string().min(1).optional(),
      volumeType: VolumeType.optional(),
      iops: z.number().int().min(100).max(100_000).optional(),
      flavor: z.string().min(1).optional(),
    }),
    shorthand: pairShorthand,
    empty: true,
    example: '- startReplication: { pair: db, intervalHours: 4 }',
  }),
  stopReplication: spec({
    category: 'action',
    summary: 'Stop Replication: the pair goes to Pending; points are kept.',
    body: pairOnly,
    shorthand: pairShorthand,
    empty: true,
    example: '- stopReplication: web',
  }),
  resumeReplication: spec({
    category: 'action',
    summary: 'Resume Replication: back to Replicating.',
    body: pairOnly,
    shorthand: pairShorthand,
    empty: true,
    example: '- resumeReplication: web',
  }),
  restartReplication: spec({
    category: 'action',
    summary: 'Restart Replication: deletes every recovery point and runs a new full copy.',
    body: pairOnly,
    shorthand: pairShorthand,
    empty: true,
    example: '- restartReplication: web',
  }),
  testFailover: spec({
    category: 'action',
    summary: 'Test Failover: a temporary test server from a recovery point; replication goes on.',
    body: z.strictObject({
      ...optionalPair,
      recoveryPoint: RecoveryPointRef.optional().describe('Default latest; `now` tests the current time.'),
      testServerName: z.string().optional().describe('5 to 50 letters, digits, _ or - (default test-PAIR).'),
      region: z.string().min(1).optional().describe("Default: the shadow server's."),
      vpc: z.string().min(1).optional(),
      subnet: z.string().min(1).optional(),
      privateIp: z.string().min(1).optional().describe('Allocated from the subnet when left out.'),
      floatingIp: z
        .union([z.boolean(), z.string().min(1)])
        .optional()
        .describe('true allocates one.'),
      securityGroup: z.string().min(1).optional().describe("Default: the region's first."),
      volumeType: VolumeType.optional(),
      iops: z.number().int().min(100).max(100_000).optional(),
      instanceFamily: z.string().min(1).optional(),
    }),
    shorthand: pairShorthand,
    empty: true,
    example: '- testFailover: { pair: web, recoveryPoint: 1h ago }',
  }),
  changeTestRecoveryPoint: spec({
    category: 'action',
    summary: "Change the test server's recovery point.",
    body: withPoint('The point to restore the test server to.'),
    example: '- changeTestRecoveryPoint: { pair: web, recoveryPoint: latest }',
  }),
  cleanTestEnvironment: spec({
    category: 'action',
    summary: 'Clean Test Environment: delete the test server and its resources.',
    body: pairOnly,
    shorthand: pairShorthand,
    empty: true,
    example: '- cleanTestEnvironment: web',
  }),
  failover: spec({
    category: 'action',
    summary: 'Failover to a recovery point; replication stops completely.',
    body: withPoint('The point to fail over to.'),
    example: '- failover: { pair: web, recoveryPoint: latest }',
  }),
  changeRecoveryPoint: spec({
    category: 'action',
    summary: 'Change Recovery Point of the failover server (before commit).',
    body: withPoint('The point to restore the failover server to.'),
    example: '- changeRecoveryPoint: { pair: web, recoveryPoint: previous }',
  }),
  commitFailover: spec({
    category: 'action',
    summary: 'Commit Failover, keeping or deleting the recovery points.',
    body: z.strictObject({
      ...optionalPair,
      deleteAllRecoveryPoints: z.boolean().describe('The "Delete all associated recovery points" option.'),
    }),
    example: '- commitFailover: { pair: web, deleteAllRecoveryPoints: true }',
  }),
  detach: spec({
    category: 'action',
    summary: 'Detach: remove the pairing.',
    body: pairOnly,
    shorthand: pairShorthand,
    empty: true,
    example: '- detach: web',
  }),

  // ---------------------------------------------------------------- simulation
  advance: spec({
    category: 'simulation',
    summary: 'Advance the simulated clock; scheduled work (job steps, recovery points, retention) fires.',
    body: z.strictObject({ by: Duration }),
    shorthand: { key: 'by', schema: Duration },
    example: '- advance: 2h',
  }),
  addFault: spec({
    category: 'simulation',
    summary: 'Add a fault rule (src/sim/faults.ts); name it with `as` to remove it later.',
    body: z.strictObject({
      target: FaultTarget,
      effect: Effect,
      selector: Selector.optional(),
      trigger: Trigger.optional(),
    }),
    example: [
      '- addFault: { target: failover, effect: { kind: fail, code: COPY_FAILED }, trigger: { times: 1 } }',
      '  as: copy-fails',
    ].join('\n'),
  }),
  removeFault: spec({
    category: 'simulation',
    summary: 'Remove a fault rule (a hung job then continues).',
    body: z.strictObject({ fault: FaultRef.optional().describe('Default previous.') }),
    shorthand: { key: 'fault', schema: FaultRef },
    empty: true,
    example: [
      '- addFault: { target: replication, effect: { kind: stall } }',
      '  as: stalled',
      '- advance: 1h',
      '- removeFault: stalled',
    ].join('\n'),
  }),
  outage: spec({
    category: 'simulation',
    summary: 'A disaster: the server goes DOWN until a recover step.',
    body: z.strictObject({ server: ServerRef }),
    shorthand: { key: 'server', schema: ServerRef },
    example: '- outage: main of web',
  }),
  recover: spec({
    category: 'simulation',
    summary: 'End an outage: the server is back.',
    body: z.strictObject({ server: ServerRef }),
    shorthand: { key: 'server', schema: ServerRef },
    example: '- recover: web-1',
  }),
  startServer: spec({
    category: 'simulation',
    summary: 'Power a server on by hand (starting a shadow breaks its replication).',
    body: z.strictObject({ server: ServerRef }),
    shorthand: { key: 'server', schema: ServerRef },
    example: '- startServer: shadow of web',
  }),
  stopServer: spec({
    category: 'simulation',
    summary: 'Power a server off by hand.',
    body: z.strictObject({ server: ServerRef }),
    shorthand: { key: 'server', schema: ServerRef },
    example: '- stopServer: shadow of web',
  }),
  writeFile: spec({
    category: 'simulation',
    summary: 'Write a file on a running server.',
    body: z.strictObject({ server: ServerRef, path: z.string().min(1), content: z.string() }),
    example: "- writeFile: { server: web-1, path: app/config.txt, content: 'v2' }",
  }),
  setWorkload: spec({
    category: 'simulation',
    summary: 'A seeded background workload writing files on a server (0 stops it).',
    body: z.strictObject({ server: ServerRef, writesPerMinute: z.number().min(0).max(60) }),
    example: '- setWorkload: { server: web-1, writesPerMinute: 3 }',
  }),
  addVolume: spec({
    category: 'simulation',
    summary:
      'Add a volume (drive) to a server; on a protected main the shadow matches again only after restartReplication (decision 0011).',
    body: z.strictObject({
      server: ServerRef,
      type: VolumeType,
      sizeGb: z.number().int().min(1).max(16_384).optional().describe('Default 40.'),
      iops: z.number().int().min(100).max(100_000).optional().describe('Default 3000.'),
    }),
    example: '- addVolume: { server: web-1, type: SSD, sizeGb: 200 }',
  }),
  resizeVolume: spec({
    category: 'simulation',
    summary: 'Grow volume `volume` (0-based) of a server to `sizeGb` (volumes only grow).',
    body: z.strictObject({
      server: ServerRef,
      volume: z.number().int().min(0).max(15),
      sizeGb: z.number().int().min(1).max(16_384),
    }),
    example: '- resizeVolume: { server: web-1, volume: 0, sizeGb: 80 }',
  }),
  removeVolume: spec({
    category: 'simulation',
    summary: 'Remove data volume `volume` (1 and up; the boot volume 0 stays).',
    body: z.strictObject({ server: ServerRef, volume: z.number().int().min(1).max(15) }),
    example: '- removeVolume: { server: web-1, volume: 1 }',
  }),
  renewServer: spec({
    category: 'simulation',
    summary: "Renew a server's subscription by `months` of 30 days (default 1), from now if it expired.",
    body: z.strictObject({ server: ServerRef, months: z.number().int().min(1).max(36).optional() }),
    shorthand: { key: 'server', schema: ServerRef },
    example: '- renewServer: { server: web-1, months: 12 }',
  }),
  changeSettings: spec({
    category: 'simulation',
    summary:
      "Change a Replicating, Pending or Error pair's interval (from the next recovery point) and/or its shadow's flavor.",
    body: z.strictObject({
      ...optionalPair,
      intervalHours: z.number().int().min(1).max(12).optional(),
      shadowFlavor: z.string().min(1).max(64).optional(),
    }),
    example: '- changeSettings: { pair: web, intervalHours: 4 }',
  }),
  setAccount: spec({
    category: 'simulation',
    summary:
      "Change the tenant's account now: mode, the prepaid credit balance, rates (as PUT /_sim/account takes them).",
    body: AccountSettings,
    example: '- setAccount: { mode: prepaid, creditBalance: 2000000 }',
  }),
  remember: spec({
    category: 'simulation',
    summary:
      'Give a recovery point a name, to refer to it after it is no longer latest (or no longer exists).',
    body: z.strictObject({ ...optionalPair, name: Label, recoveryPoint: RecoveryPointRef }),
    example: '- remember: { pair: web, name: before-restart, recoveryPoint: latest }',
  }),
  addHttpChaos: spec({
    category: 'simulation',
    summary:
      "HTTP chaos on the service's API for this run: answer 429/500/503 (with Retry-After), add latency or drop the connection, for requests matching a method and path. Its random draws are seeded from the run's seed, so a reproduce command replays it exactly. In-process, the run then talks to the service over an in-process HTTP app. Name it with `as` to remove it.",
    body: z.strictObject({
      method: HttpMethod.optional().describe('GET, POST, PUT, DELETE or * (default: any).'),
      path: z
        .string()
        .regex(/^\/v1\//)
        .max(512)
        .describe(
          'A path pattern of the public API: `*` within one segment, `**` across, e.g. /v1/dr-pairs/*/failover. The control API (/_sim) is never subject to chaos.',
        ),
      effect: HttpChaosEffect,
      times: z.number().int().min(1).optional().describe('Fire this many times, then stop.'),
      probability: z
        .number()
        .min(0)
        .max(1)
        .optional()
        .describe("Fire with this probability (the run's seeded draw)."),
      phase: z
        .enum(['before', 'after'])
        .optional()
        .describe(
          'before (default): answer instead of the service, nothing changes; after: the service acts, then its answer is lost.',
        ),
    }),
    example: [
      '- addHttpChaos: { method: POST, path: /v1/dr-pairs/*/failover, effect: { kind: status, status: 503, retryAfter: 1s }, times: 2 }',
      '  as: flaky-failover',
      '- failover: { pair: web, recoveryPoint: latest }   # retried after Retry-After: accepted',
      '- removeHttpChaos: flaky-failover',
    ].join('\n'),
  }),
  removeHttpChaos: spec({
    category: 'simulation',
    summary: 'Remove an HTTP chaos rule of this run (every rule is removed when the run ends).',
    body: z.strictObject({ rule: HttpChaosRef.optional().describe('Default previous.') }),
    shorthand: { key: 'rule', schema: HttpChaosRef },
    empty: true,
    example: [
      '- addHttpChaos: { path: /v1/**, effect: { kind: latency, duration: 200ms } }',
      '  as: slow',
      '- removeHttpChaos: slow',
    ].join('\n'),
  }),
  httpRetry: spec({
    category: 'simulation',
    summary:
      "Turn the runner's HTTP retry policy on or off (on by default): off, a 429/503 or a dropped connection fails the step that met it.",
    body: z.strictObject({
      enabled: z.boolean().describe('false: no retries from here on; true: retries again.'),
    }),
    shorthand: { key: 'enabled', schema: z.boolean() },
    example: [
      '- httpRetry: false',
      '- addHttpChaos: { method: POST, path: /v1/dr-pairs/*/failover, effect: { kind: status, status: 503 }, times: 1 }',
      '- failover: { pair: web, recoveryPoint: latest }',
      '  expectError: CHAOS_INJECTED',
    ].join('\n'),
  }),
  chaos: spec({
    category: 'simulation',
    summary:
      "N random actions, clock advances, faults and outages drawn from the scenario's seeded generator; asserts the invariants after each.",
    body: z.strictObject({
      actions: z.number().int().min(1).max(10_000).describe('How many random moves.'),
      pairs: z.array(PairRef).min(1).optional().describe('The pairs to act on (default all).'),
      maxAdvance: Duration.optional().describe('The longest single clock advance (default 3h).'),
      faults: z.boolean().optional().describe('Add and remove random fault rules (default true).'),
      outages: z.boolean().optional().describe('Random outages and servers started by hand (default true).'),
      settle: z
        .boolean()
        .optional()
        .describe(
          'Afterwards remove the faults, end the outages, advance 6h and require every job to have ended (default true).',
        ),
    }),
    shorthand: { key: 'actions', schema: z.number().int().min(1).max(10_000) },
    example: '- chaos: { actions: 200, maxAdvance: 2h }',
  }),

  // ---------------------------------------------------------------- waits
  waitForJob: spec({
    category: 'wait',
    summary: 'Advance the clock until a job ends (SUCCEEDED or FAILED); fails after the timeout.',
    body: z.strictObject({ job: JobRef.optional().describe('Default previous.'), ...waitOptions }),
    shorthand: { key: 'job', schema: JobRef },
    empty: true,
    example: '- waitForJob: { job: previous, timeout: 1h }',
  }),
  waitForStatus: spec({
    category: 'wait',
    summary: 'Advance the clock until the pair has a status (one of a list) and/or test state.',
    body: z.strictObject({
      ...optionalPair,
      status: z.union([Status, z.array(Status).min(1)]).optional(),
      testFailover: TestState.optional(),
      ...waitOptions,
    }),
    shorthand: { key: 'status', schema: Status },
    example: '- waitForStatus: { pair: web, status: REPLICATING, timeout: 1h }',
  }),

  // ---------------------------------------------------------------- expectations
  expectStatus: spec({
    category: 'expectation',
    summary: "The pair's status and/or test-failover state now.",
    body: z.strictObject({ ...optionalPair, status: Status.optional(), testFailover: TestState.optional() }),
    shorthand: { key: 'status', schema: Status },
    example: '- expectStatus: { pair: web, status: FAILED_OVER, testFailover: NONE }',
  }),
  expectAllowedActions: spec({
    category: 'expectation',
    summary: "The pair's allowed actions: exactly a set, or including / excluding some.",
    body: z.strictObject({
      ...optionalPair,
      exactly: z.array(UserActionName).optional(),
      includes: z.array(UserActionName).optional(),
      excludes: z.array(UserActionName).optional(),
    }),
    shorthand: { key: 'exactly', schema: z.array(UserActionName) },
    example: '- expectAllowedActions: { pair: web, exactly: [changeRecoveryPoint, commitFailover] }',
  }),
  expectJob: spec({
    category: 'expectation',
    summary: "A job's type, status and error code (null: no error).",
    body: z.strictObject({
      job: JobRef.optional().describe('Default previous.'),
      type: UserActionName.optional(),
      status: JobStatus.optional(),
      errorCode: z.union([JobErrorCode, z.null()]).optional(),
    }),
    example: '- expectJob: { job: previous, status: FAILED, errorCode: RECOVERY_POINT_CORRUPT }',
  }),
  expectRecoveryPoints: spec({
    category: 'expectation',
    summary: "The number of the pair's recovery points, and their age.",
    body: z.strictObject({
      ...optionalPair,
      count: z.number().int().min(0).optional(),
      atLeast: z.number().int().min(0).optional(),
      atMost: z.number().int().min(0).optional(),
      maxAge: Duration.optional().describe('No point is older than this.'),
      tags: z
        .partialRecord(RecoveryPointTag, TagCount)
        .optional()
        .describe(
          'How many points carry each tag: a number (exactly) or { atLeast, atMost }, e.g. { daily: 7, weekly: { atLeast: 1 } }. A point may carry several tags.',
        ),
    }),
    shorthand: { key: 'count', schema: z.number().int().min(0) },
    example: [
      '- expectRecoveryPoints: { pair: web, atLeast: 2, maxAge: 30d }',
      '- expectRecoveryPoints: { pair: web, tags: { daily: 7, weekly: { atLeast: 1 } } }',
    ].join('\n'),
  }),
  expectRecoveryPoint: spec({
    category: 'expectation',
    summary: "One recovery point's tags (exactly this set) and whether it still exists.",
    body: z.strictObject({
      ...optionalPair,
      recoveryPoint: RecoveryPointRef.describe('The point, e.g. latest, oldest or a remembered name.'),
      tags: z.array(RecoveryPointTag).optional().describe('Exactly these tags, in any order ([] for none).'),
      exists: z
        .boolean()
        .optional()
        .describe('false: the point must be gone (deleted by retention, restart or commit). Default true.'),
    }),
    example: [
      '- expectRecoveryPoint: { pair: web, recoveryPoint: oldest, tags: [first] }',
      '- remember: { pair: web, name: before-restart, recoveryPoint: latest }',
      '- restartReplication: web',
      '- expectRecoveryPoint: { pair: web, recoveryPoint: before-restart, exists: false }',
    ].join('\n'),
  }),
  expectFaultFired: spec({
    category: 'expectation',
    summary:
      'How often a fault rule has fired so far (default: at least once). A rule that never fires by the end of a run is also reported as a warning.',
    body: z.strictObject({
      fault: FaultRef.optional().describe('Default previous.'),
      times: z.number().int().min(0).optional().describe('Exactly this many times (0: never).'),
      atLeast: z.number().int().min(0).optional().describe('At least this many times (default 1).'),
    }),
    shorthand: { key: 'fault', schema: FaultRef },
    empty: true,
    example: [
      "- addFault: { target: failover, selector: { step: 'restore from recovery point' }, effect: { kind: fail } }",
      '  as: restore-fails',
      '- failover: { pair: web, recoveryPoint: latest }',
      '- waitForJob: previous',
      '- expectFaultFired: { fault: restore-fails, times: 1 }',
    ].join('\n'),
  }),
  expectData: spec({
    category: 'expectation',
    summary: "A server's files equal the main server's files at a recovery point (paths and checksums).",
    body: z.strictObject({
      ...optionalPair,
      server: ServerRef.optional().describe("Default 'shadow of PAIR' (the failover server)."),
      recoveryPoint: RecoveryPointRef.optional().describe(
        "Default active, or tested for 'test server of PAIR'.",
      ),
    }),
    shorthand: pairShorthand,
    empty: true,
    example: '- expectData: { pair: web, server: shadow of web, recoveryPoint: active }',
  }),
  expectRpo: spec({
    category: 'expectation',
    summary: "The pair's RPO (time since its newest recovery point) below and/or at least a bound.",
    body: z.strictObject({ ...optionalPair, below: Duration.optional(), atLeast: Duration.optional() }),
    example: '- expectRpo: { pair: web, below: 20m }',
  }),
  expectEvents: spec({
    category: 'expectation',
    summary:
      'Events in this order (others may come between), and events that must not have happened. Each matcher names an event kind and fields of its data with their exact values; a field or value no event of that kind can have is a mistake in the file. Events of one instant come in the order described under "Events at one instant".',
    body: z.strictObject({
      ...optionalPair,
      since: z
        .string()
        .min(1)
        .optional()
        .describe("'start' (default) or the `as` name of an earlier step: only events from that step on."),
      inOrder: z.array(EventMatcher).optional(),
      none: z.array(EventMatcher).optional(),
    }),
    example: [
      '- expectEvents:',
      '    pair: web',
      '    inOrder:',
      '      - { kind: pair.transition, to: FAILOVER_PROCESSING }',
      '      - { kind: pair.transition, to: FAILED_OVER }       # logged before the job ends',
      '      - { kind: job.ended, type: failover, status: SUCCEEDED }',
      '    none:',
      '      - { kind: recoveryPoint.deleted, reason: commit }',
    ].join('\n'),
  }),
  request: spec({
    category: 'request',
    summary:
      "One call of the service's public API exactly as a client made it, and what its answer must be: the status, the problem code, and fields of the JSON body. `drsim journal export --as-scenario` writes these from a client's session.",
    body: z.strictObject({
      method: z.enum(['GET', 'POST', 'PUT', 'DELETE']).describe('The HTTP method.'),
      path: z
        .string()
        .regex(/^\/v1\/[^?#\s]*$/)
        .describe('A path of the public API, e.g. /v1/dr-pairs/drp-8acj53a44k/failover (no query string).'),
      query: z.record(z.string(), z.string()).optional().describe('Query parameters.'),
      body: z.unknown().optional().describe('The JSON body sent.'),
      idempotencyKey: z.string().min(1).max(200).optional().describe('Sent as the `Idempotency-Key` header.'),
      expect: z
        .strictObject({
          status: z.number().int().min(100).max(599).optional().describe('The HTTP status.'),
          code: z
            .string()
            .regex(/^[A-Z][A-Z0-9_]*$/)
            .optional()
            .describe('The problem code of a refusal, e.g. INVALID_STATE or FORBIDDEN.'),
          body: z
            .unknown()
            .optional()
            .describe(
              'Fields the JSON answer must have: a mapping matches on the keys it names (others may be there), a list item by item and with the same length, any other value exactly.',
            ),
        })
        .optional()
        .describe(
          'What the answer must be (default: anything): `status`, `code` (the problem code) and `body` (fields the JSON answer must have: a mapping matches on the keys it names, a list item by item and with the same length, any other value exactly).',
        ),
    }),
    example: [
      '- request: { method: POST, path: /v1/servers, body: { name: web-01, region: HCM-3 } }',
      '- request:',
      '    method: POST',
      '    path: /v1/dr-pairs/drp-missing/failover',
      '    body: { recoveryPointId: rp-1 }',
      '    expect: { status: 404, code: PAIR_NOT_FOUND }',
    ].join('\n'),
  }),
  expectServer: spec({
    category: 'expectation',
    summary: "A server's power state, role, flavor, volume sizes and expiry.",
    body: z.strictObject({
      server: ServerRef,
      powerState: PowerState.optional(),
      role: ServerRole.optional(),
      flavor: z.string().min(1).optional(),
      volumeSizesGb: z
        .array(z.number().int().min(1))
        .optional()
        .describe("The sizes of the server's volumes, in order."),
      expired: z.boolean().optional(),
    }),
    example: [
      '- expectServer: { server: shadow of web, powerState: RUNNING, role: SHADOW }',
      '- expectServer: { server: shadow of web, volumeSizesGb: [40, 200], flavor: general.4c8g }',
    ].join('\n'),
  }),
  expectCost: spec({
    category: 'expectation',
    summary:
      'What the DR costs so far, from the usage report: one pair or (without `pair`) the whole account, over local days `from`–`to` (default: the 366 days up to `to`, which is today by default), one item or all. Give `total` (exact, to 2 decimals) and/or `atLeast`/`atMost`.',
    body: z.strictObject({
      pair: PairRef.optional().describe('Default: every pair of the account.'),
      item: UsageItemName.optional().describe('Default: every item.'),
      from: LocalDate.optional(),
      to: LocalDate.optional(),
      total: z.number().min(0).optional(),
      atLeast: z.number().min(0).optional(),
      atMost: z.number().min(0).optional(),
    }),
    example:
      '- expectCost: { pair: web, item: shadowVolumes, from: 2026-01-05, to: 2026-01-05, total: 3840 }',
  }),
  expectAccount: spec({
    category: 'expectation',
    summary: "The tenant's account now: its mode, prepaid balance and unpaid fees (to 2 decimals).",
    body: z.strictObject({
      mode: z.enum(['postpaid', 'prepaid']).optional(),
      balance: z.number().min(0).optional(),
      unpaid: z.number().min(0).optional(),
    }),
    example: '- expectAccount: { mode: prepaid, balance: 0 }',
  }),
} as const;

export type StepKind = keyof typeof STEP_SPECS;
export const STEP_KINDS = Object.keys(STEP_SPECS) as StepKind[];
export type StepBody<K extends StepKind> = z.output<(typeof STEP_SPECS)[K]['body']>;
export type ActionKind = {
  [K in StepKind]: (typeof STEP_SPECS)[K]['category'] extends 'action' ? K : never;
}[StepKind];
export const isActionKind = (kind: StepKind): kind is ActionKind => STEP_SPECS[kind].category === 'action';

/** The keys every step may carry beside its kind. */
export const STEP_EXTRAS = {
  as: Label.optional().describe(
    "A name for this step: an action's job, an addFault's rule, and where expectEvents' since starts.",
  ),
  expectError: z
    .union([ErrorCode, z.strictObject({ code: ErrorCode, message: z.string().min(1).optional() })])
    .optional()
    .meta({
      description:
        'Actions only: the action must be refused with this error code (and a message containing `message`); nothing may change.',
      examples: ['INVALID_STATE', 'RECOVERY_POINT_NOT_FOUND'],
    }),
};
