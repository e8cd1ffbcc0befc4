/**
 * The small shapes scenario files are built from: durations, references to pairs, servers,
 * recovery points, jobs and faults, and the enums the engine defines. Each carries the
 * description and examples an editor shows and the parser's messages quote.
 */
import { z } from 'zod';
import { STATUSES, TEST_STATES, USER_ACTIONS } from '../../machine/index.js';
import { ERROR_CODES, FAULT_FAILURE_CODES, OPERATION_ERROR_CODES } from '../../sim/errors.js';
import { FAULT_TARGETS } from '../../sim/faults.js';
import { type RecoveryPointTag as RecoveryPointTagName, SIM_EVENT_KINDS } from '../../sim/types.js';

/** The same grammar as the engine's parseDuration, which the parser runs afterwards. */
const DURATION_TEXT = /^\s*(\d+(\.\d+)?\s*(ms|w|d|h|m|s)\s*)+$/;

export const Duration = z.union([z.number().int().min(0), z.string().regex(DURATION_TEXT)]).meta({
  id: 'Duration',
  description: 'A simulated duration: 90s, 15m, 2h, 1d, 1w, 1h30m (or a number of milliseconds).',
  examples: ['15m', '2h', '1h30m'],
});

export const Label = z
  .string()
  .regex(/^[A-Za-z][\w-]*$/)
  .meta({
    id: 'Label',
    description: 'A name for later steps to refer to: letters, digits, _ and -, starting with a letter.',
    examples: ['first-failover'],
  });

export const PairRef = z
  .string()
  .min(1)
  .meta({
    id: 'PairRef',
    description:
      'A DR pair by the name given in setup.pairs or by an attach step. May be left out while only one pair exists.',
    examples: ['web'],
  });

export const ServerRef = z
  .string()
  .min(1)
  .meta({
    id: 'ServerRef',
    description:
      "A server: a name from setup.servers, or 'shadow of PAIR', 'main of PAIR', 'test server of PAIR'.",
    examples: ['web-1', 'shadow of web', 'main of web', 'test server of web'],
  });

export const RecoveryPointRef = z
  .string()
  .min(1)
  .meta({
    id: 'RecoveryPointRef',
    description:
      "A recovery point of the pair: latest, previous (the one before latest), oldest, active (the one the failover server runs from), tested (the one the test server runs from), 'DURATION ago' (the newest point at least that old), or a name given by a remember step.",
    examples: ['latest', 'previous', 'oldest', 'active', 'tested', '30m ago'],
  });

export const JobRef = z
  .string()
  .min(1)
  .meta({
    id: 'JobRef',
    description:
      'A job: previous (the job of the latest action step before this one) or the `as` name of an action step.',
    examples: ['previous'],
  });

export const FaultRef = z
  .string()
  .min(1)
  .meta({
    id: 'FaultRef',
    description: 'A fault rule: previous (the latest addFault) or the `as` name of an addFault step.',
    examples: ['previous'],
  });

export const Status = z.enum(STATUSES).meta({
  id: 'Status',
  description: "A DR pair's status (docs/lifecycle.md).",
});

export const TestState = z.enum(TEST_STATES).meta({
  id: 'TestState',
  description: 'The state of the test-failover environment ("In Testing Failover"); NONE when there is none.',
});

export const UserActionName = z.enum(USER_ACTIONS).meta({ id: 'UserAction', description: 'A user action.' });

export const JobStatus = z.enum(['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED']).meta({ id: 'JobStatus' });

const ERROR_CODE_NAMES = Object.keys(ERROR_CODES) as [
  keyof typeof ERROR_CODES,
  ...(keyof typeof ERROR_CODES)[],
];

/** What a request can meet on the way under HTTP chaos, besides the engine's refusals. */
export const TRANSPORT_ERROR_CODES = ['CHAOS_INJECTED', 'CONNECTION_LOST'] as const;

export const ErrorCode = z.enum([...ERROR_CODE_NAMES, ...TRANSPORT_ERROR_CODES]).meta({
  id: 'ErrorCode',
  description:
    'An error code the engine refuses an action with (src/sim/errors.ts), or, under HTTP chaos with retries off, CHAOS_INJECTED (an injected 429/500/503) or CONNECTION_LOST (a dropped connection).',
});

/** A job's error code: one of the closed list an operation error can carry (src/sim/errors.ts). */
export const JobErrorCode = z.enum(OPERATION_ERROR_CODES).meta({
  id: 'OperationErrorCode',
  description:
    "A job's or replication's error code, e.g. COPY_FAILED or RECOVERY_POINT_CORRUPT (OPERATION_ERROR_CODES in src/sim/errors.ts).",
});

/** The code a `fail` fault rule may name. */
export const FaultFailureCode = z.enum(FAULT_FAILURE_CODES).meta({
  id: 'FaultFailureCode',
  description:
    "The code a `fail` fault rule gives the failed job: one of the engine's job failures or a service failure (RESTORE_FAILED, SNAPSHOT_FAILED, QUOTA_EXCEEDED, API_UNAVAILABLE, TIMEOUT); default INJECTED_FAULT.",
});

export const FaultTarget = z.enum(FAULT_TARGETS as [string, ...string[]]).meta({
  id: 'FaultTarget',
  description: "What a fault rule acts on: a user action's job, 'replication' or 'recoveryPoint'.",
});

export const EVENT_KINDS = SIM_EVENT_KINDS;

export const EventKind = z
  .enum(EVENT_KINDS)
  .meta({ id: 'EventKind', description: 'A kind of simulation event.' });

/** The tags a recovery point carries (src/sim/types.ts RecoveryPointTag). */
export const RECOVERY_POINT_TAGS = [
  'interval',
  'daily',
  'weekly',
  'first',
] as const satisfies readonly RecoveryPointTagName[];
export const RecoveryPointTag = z.enum(RECOVERY_POINT_TAGS).meta({
  id: 'RecoveryPointTag',
  description: "A recovery point's retention tag: interval, daily, weekly, or first (the full copy's point).",
});

export const PowerState = z.enum(['RUNNING', 'STOPPED', 'DOWN']);
export const ServerRole = z.enum(['STANDALONE', 'MAIN', 'SHADOW', 'PRIMARY', 'RETIRED', 'TEST']);
export const VolumeType = z.enum(['SSD', 'NVMe']);

const Money = z.number().min(0).max(1e15);
/** An account change, as `PUT /_sim/account` takes it (decision 0012). */
export const AccountSettings = z
  .strictObject({
    mode: z.enum(['postpaid', 'prepaid']).optional().describe('Default postpaid.'),
    creditBalance: Money.optional().describe('Prepaid only: the balance, set now.'),
    rates: z
      .strictObject({
        currency: z
          .string()
          .regex(/^[A-Z]{3}$/)
          .optional(),
        volumeGbHour: z.strictObject({ SSD: Money.optional(), NVMe: Money.optional() }).optional(),
        serverHour: Money.optional(),
        transmissionGb: Money.optional(),
      })
      .optional()
      .describe("Prices per unit (drsim's defaults otherwise, not the service's prices)."),
  })
  .meta({ id: 'AccountSettings', description: 'The account: mode, prepaid credit balance, rates.' });
export const UsageItemName = z.enum([
  'shadowVolumes',
  'shadowServer',
  'transmission',
  'testServer',
  'testVolumes',
]);
export const LocalDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .meta({ description: 'A local date, YYYY-MM-DD.' });
