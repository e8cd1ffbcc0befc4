import { DrsimNetworkError } from '../client/errors.js';

/** A step that did not go as the scenario says: what it expected and what it found. */
export class StepFailure extends Error {
  override readonly name = 'StepFailure';
  constructor(
    message: string,
    readonly expected?: string,
    readonly found?: string,
  ) {
    super(message);
  }
}

/** An error with a code, as the engine (DrError) and the HTTP client both throw them. */
export interface CodedError {
  code: string;
  message: string;
}

export function isCodedError(err: unknown): err is CodedError {
  return (
    typeof err === 'object' &&
    err !== null &&
    typeof (err as { code?: unknown }).code === 'string' &&
    typeof (err as { message?: unknown }).message === 'string'
  );
}

/**
 * A request whose connection was lost (a dropped connection, a server gone) has no code of its own.
 * The client reports it as DrsimNetworkError, wrapping what fetch threw; in-process the chaos
 * layer's DroppedConnection may also reach us bare.
 */
export function errorCode(err: unknown): string | null {
  if (isCodedError(err)) return err.code;
  if (err instanceof DrsimNetworkError) return 'CONNECTION_LOST';
  if (err instanceof Error && (err.name === 'DroppedConnection' || err.message === 'fetch failed'))
    return 'CONNECTION_LOST';
  return null;
}

export const describeError = (err: unknown): string => {
  if (isCodedError(err)) return `${err.code}: ${err.message}`;
  const code = errorCode(err);
  const message = err instanceof Error ? err.message : String(err);
  return code === null ? message : `${code}: ${message}`;
};

/** An invariant checker found the state wrong: the engine broke a guarantee, whatever the scenario said. */
export class InvariantViolation extends StepFailure {
  constructor(
    message: string,
    expected: string,
    found: string,
    readonly checkers: string[],
  ) {
    super(message, expected, found);
  }
}
