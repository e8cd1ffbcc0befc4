/**
 * Errors are values with stable codes. The engine throws only `DrError` for a caller's
 * mistake or a refused action; the HTTP layer maps codes to statuses in one place
 * (src/server/problem.ts). Anything else that escapes is a bug (a 500).
 */

export const ERROR_CODES = {
  /** Malformed input: wrong type, missing field, value out of range. */
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  NOT_FOUND: 'NOT_FOUND',
  SERVER_NOT_FOUND: 'SERVER_NOT_FOUND',
  PAIR_NOT_FOUND: 'PAIR_NOT_FOUND',
  JOB_NOT_FOUND: 'JOB_NOT_FOUND',
  FILE_NOT_FOUND: 'FILE_NOT_FOUND',
  FAULT_NOT_FOUND: 'FAULT_NOT_FOUND',
  SNAPSHOT_NOT_FOUND: 'SNAPSHOT_NOT_FOUND',
  /** The server has no volume at that index. */
  VOLUME_NOT_FOUND: 'VOLUME_NOT_FOUND',
  /** A volume change the service does not make: shrinking, removing the boot volume, a 17th volume (details: reason). */
  VOLUME_CHANGE_REFUSED: 'VOLUME_CHANGE_REFUSED',
  /** No world of that tenant (control API, admin or an ephemeral tenant's own token). */
  TENANT_NOT_FOUND: 'TENANT_NOT_FOUND',
  /** A world of that tenant exists already. */
  TENANT_EXISTS: 'TENANT_EXISTS',
  /** The statechart refused the action in the pair's current status (details: status, allowedActions). */
  INVALID_STATE: 'INVALID_STATE',
  /** The named recovery point does not exist for this pair, or is no longer available. */
  RECOVERY_POINT_NOT_FOUND: 'RECOVERY_POINT_NOT_FOUND',
  /** Attach refusals. */
  SERVER_EXPIRED: 'SERVER_EXPIRED',
  MULTI_ATTACH_VOLUME: 'MULTI_ATTACH_VOLUME',
  SERVER_ALREADY_PAIRED: 'SERVER_ALREADY_PAIRED',
  SHADOW_STILL_PAIRING: 'SHADOW_STILL_PAIRING',
  FAILOVER_NOT_COMMITTED: 'FAILOVER_NOT_COMMITTED',
  /** A region the catalogue does not list, when the catalogue is strict. */
  REGION_NOT_FOUND: 'REGION_NOT_FOUND',
  /** A VPC, subnet, security group, placement group, flavor, volume type or IOPS the region does not offer (details: field, region, offered). */
  NOT_IN_REGION: 'NOT_IN_REGION',
  /** A private or floating IP address another server of the tenant uses. */
  IP_ADDRESS_IN_USE: 'IP_ADDRESS_IN_USE',
  /** A prepaid account's credit cannot cover Start Replication or Test Failover. */
  INSUFFICIENT_CREDIT: 'INSUFFICIENT_CREDIT',
  /** A server action that its power state or role does not allow (e.g. writing to a stopped server). */
  SERVER_STATE_CONFLICT: 'SERVER_STATE_CONFLICT',
  /** An advance to a time before the simulated now (time never goes backwards). */
  CLOCK_IN_PAST: 'CLOCK_IN_PAST',
  /** An imported state or snapshot is well-formed but inconsistent (details: problems). */
  STATE_INCONSISTENT: 'STATE_INCONSISTENT',
  /** The same Idempotency-Key was used for a different request. */
  IDEMPOTENCY_KEY_REUSED: 'IDEMPOTENCY_KEY_REUSED',
  /** A snapshot of that name exists and the request did not ask to overwrite it. */
  SNAPSHOT_EXISTS: 'SNAPSHOT_EXISTS',
  /** Errors a job ends with (job.error.code). */
  MAIN_SERVER_DOWN: 'MAIN_SERVER_DOWN',
  SHADOW_STARTED_MANUALLY: 'SHADOW_STARTED_MANUALLY',
  SHADOW_SERVER_DOWN: 'SHADOW_SERVER_DOWN',
  SERVER_DOWN: 'SERVER_DOWN',
  COPY_FAILED: 'COPY_FAILED',
  RECOVERY_POINT_CORRUPT: 'RECOVERY_POINT_CORRUPT',
  REPLICATION_STALLED: 'REPLICATION_STALLED',
  INTERRUPTED: 'INTERRUPTED',
  INJECTED_FAULT: 'INJECTED_FAULT',
  /** A step met a record that disappeared (the server it works on was deleted). */
  SERVER_MISSING: 'SERVER_MISSING',
  /** A step failed without a more specific code. */
  STEP_FAILED: 'STEP_FAILED',
} as const;

export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

/** Codes a refused engine call throws: the `code` of a problem document. */
export const REFUSAL_CODES = [
  'VALIDATION_FAILED',
  'NOT_FOUND',
  'SERVER_NOT_FOUND',
  'PAIR_NOT_FOUND',
  'JOB_NOT_FOUND',
  'FILE_NOT_FOUND',
  'FAULT_NOT_FOUND',
  'SNAPSHOT_NOT_FOUND',
  'VOLUME_NOT_FOUND',
  'VOLUME_CHANGE_REFUSED',
  'TENANT_NOT_FOUND',
  'TENANT_EXISTS',
  'INVALID_STATE',
  'RECOVERY_POINT_NOT_FOUND',
  'SERVER_EXPIRED',
  'MULTI_ATTACH_VOLUME',
  'SERVER_ALREADY_PAIRED',
  'SHADOW_STILL_PAIRING',
  'FAILOVER_NOT_COMMITTED',
  'INSUFFICIENT_CREDIT',
  'SERVER_STATE_CONFLICT',
  'CLOCK_IN_PAST',
  'STATE_INCONSISTENT',
  'IDEMPOTENCY_KEY_REUSED',
  'SNAPSHOT_EXISTS',
] as const satisfies readonly ErrorCode[];
export type RefusalCode = (typeof REFUSAL_CODES)[number];

/** Codes only a job (or replication) ends with: `job.error.code`, `replication.error.code`. */
export const JOB_FAILURE_CODES = [
  'MAIN_SERVER_DOWN',
  'SHADOW_STARTED_MANUALLY',
  'SHADOW_SERVER_DOWN',
  'SERVER_DOWN',
  'COPY_FAILED',
  'RECOVERY_POINT_CORRUPT',
  'REPLICATION_STALLED',
  'INTERRUPTED',
  'INJECTED_FAULT',
  'SERVER_MISSING',
  'STEP_FAILED',
] as const satisfies readonly ErrorCode[];

/**
 * Failures of the real service that a `fail` fault rule may name besides the engine's own, so a
 * test can see the error a client meets there (a restore, a snapshot, a quota, the API behind).
 */
export const SERVICE_FAILURE_CODES = [
  'RESTORE_FAILED',
  'SNAPSHOT_FAILED',
  'QUOTA_EXCEEDED',
  'API_UNAVAILABLE',
  'TIMEOUT',
] as const;
export type ServiceFailureCode = (typeof SERVICE_FAILURE_CODES)[number];

/** Every code a `fail` fault rule may name (without one: INJECTED_FAULT). */
export const FAULT_FAILURE_CODES = [...JOB_FAILURE_CODES, ...SERVICE_FAILURE_CODES] as const;
export type FaultFailureCode = (typeof FAULT_FAILURE_CODES)[number];

export type OperationErrorCode = ErrorCode | ServiceFailureCode;

/**
 * Every code an operation error (`job.error`, `replication.error`, a test failover's error) can
 * carry, closed: the job failures, the codes a fault rule may name, and the code of any engine
 * refusal a step meets mid-job (a record gone, a choice the region no longer offers). The
 * OpenAPI enum `OperationErrorCode` and the client's type derive from this list.
 */
export const OPERATION_ERROR_CODES: readonly [OperationErrorCode, ...OperationErrorCode[]] = [
  ...FAULT_FAILURE_CODES,
  ...Object.values(ERROR_CODES).filter((code) => !(JOB_FAILURE_CODES as readonly string[]).includes(code)),
];

const OPERATION_ERROR_CODE_SET: ReadonlySet<string> = new Set(OPERATION_ERROR_CODES);
export const isOperationErrorCode = (code: string): code is OperationErrorCode =>
  OPERATION_ERROR_CODE_SET.has(code);

export class DrError extends Error {
  override readonly name = 'DrError';
  constructor(
    readonly code: ErrorCode | (string & {}),
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }

  static is(value: unknown): value is DrError {
    return value instanceof DrError;
  }
}
