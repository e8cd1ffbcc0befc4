/** Input checks that throw VALIDATION_FAILED naming the field and what to write instead. */
import { DrError } from './errors.js';

export function check(condition: boolean, field: string, expected: string): asserts condition {
  if (!condition) {
    throw new DrError('VALIDATION_FAILED', `${field}: expected ${expected}.`, {
      errors: [{ path: field, expected }],
    });
  }
}

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function requireString(value: unknown, field: string, min = 1, max = 200): string {
  check(
    typeof value === 'string' && value.length >= min && value.length <= max,
    field,
    `a string of ${min} to ${max} characters`,
  );
  return value;
}

export function optionalString(value: unknown, field: string, min = 1, max = 200): string | undefined {
  return value === undefined ? undefined : requireString(value, field, min, max);
}

export function integerIn(value: unknown, field: string, min: number, max: number): number {
  check(
    Number.isInteger(value) && (value as number) >= min && (value as number) <= max,
    field,
    `an integer from ${min} to ${max}`,
  );
  return value as number;
}
