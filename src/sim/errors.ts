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
  /** A server action that its power state or role does not allow (e.g. writing to a stopped server). */
  SERVER_STATE_CONFLICT: 'SERVER_STATE_CONFLICT',
  /** An advance to a time before the simulated now (time never goes backwards). */
  CLOCK_IN_PAST: 'CLOCK_IN_PAST',
  /** An imported state or snapshot is well-formed but inconsistent (details: problems). */
  STATE_INCONSISTENT: 'STATE_INCONSISTENT',
  /** The same Idempotency-Key was used for a different action or pair. */
  IDEMPOTENCY_KEY_REUSED: 'IDEMPOTENCY_KEY_REUSED',
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
} as const;

export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

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
