/**
 * `request`: one call of the public API as a client made it, and what its answer must be. The
 * steps `drsim journal export --as-scenario` writes from a client's session.
 */
import { StepFailure } from '../step-failure.js';
import type { World } from '../world.js';
import type { StepRunners } from './types.js';

export const REQUEST_RUNNERS: StepRunners<'request'> = {
  request: async (world, { body: step }) => {
    const send = sendOf(world);
    const query = new URLSearchParams(step.query ?? {}).toString();
    const headers: Record<string, string> = {};
    if (step.body !== undefined) headers['content-type'] = 'application/json';
    if (step.idempotencyKey !== undefined) headers['idempotency-key'] = step.idempotencyKey;
    const what = `${step.method} ${step.path}${query ? `?${query}` : ''}`;
    const res = await send(`${step.path}${query ? `?${query}` : ''}`, {
      method: step.method,
      headers,
      ...(step.body !== undefined && { body: JSON.stringify(step.body) }),
    });
    const text = await res.text();
    let answer: unknown = text;
    try {
      answer = text === '' ? null : JSON.parse(text);
    } catch {
      // not JSON: compared as text
    }
    const expected = step.expect;
    if (expected === undefined) return;
    const code = (answer as { code?: unknown } | null)?.code;
    if (expected.status !== undefined && res.status !== expected.status) {
      throw new StepFailure(
        `${what} was answered ${res.status}, not ${expected.status}`,
        `status ${expected.status}${expected.code ? ` ${expected.code}` : ''}`,
        `status ${res.status}${typeof code === 'string' ? ` ${code}` : ''}: ${clip(text)}`,
      );
    }
    if (expected.code !== undefined && code !== expected.code) {
      throw new StepFailure(
        `${what} was answered with code ${String(code ?? 'none')}, not ${expected.code}`,
        `code ${expected.code}`,
        `status ${res.status}: ${clip(text)}`,
      );
    }
    if (expected.body !== undefined) {
      const mismatch = firstMismatch(expected.body, answer, '');
      if (mismatch !== null) {
        throw new StepFailure(
          `${what}: the answer differs at ${mismatch.path || 'its top'}`,
          `${mismatch.path || 'body'}: ${JSON.stringify(mismatch.expected)}`,
          `${mismatch.path || 'body'}: ${mismatch.found === undefined ? '(missing)' : JSON.stringify(mismatch.found)}`,
        );
      }
    }
  },
};

function sendOf(world: World): NonNullable<World['http']>['send'] {
  if (!world.http) throw new StepFailure('this target has no HTTP API to send the request to');
  return world.http.send;
}

const clip = (text: string) => (text.length > 300 ? `${text.slice(0, 300)}…` : text);

interface Mismatch {
  path: string;
  expected: unknown;
  found: unknown;
}

/**
 * Where `found` differs from the pattern `expected`: a mapping matches on the keys it names, a
 * list item by item and with the same length, any other value exactly. Null when it matches.
 */
export function firstMismatch(expected: unknown, found: unknown, path: string): Mismatch | null {
  if (Array.isArray(expected)) {
    if (!Array.isArray(found)) return { path, expected, found };
    if (found.length !== expected.length)
      return { path: `${path}.length`, expected: expected.length, found: found.length };
    for (const [i, item] of expected.entries()) {
      const inner = firstMismatch(item, found[i], `${path}[${i}]`);
      if (inner) return inner;
    }
    return null;
  }
  if (expected !== null && typeof expected === 'object') {
    if (found === null || typeof found !== 'object' || Array.isArray(found)) return { path, expected, found };
    for (const [key, value] of Object.entries(expected)) {
      const inner = firstMismatch(
        value,
        (found as Record<string, unknown>)[key],
        path ? `${path}.${key}` : key,
      );
      if (inner) return inner;
    }
    return null;
  }
  return Object.is(expected, found) ? null : { path, expected, found };
}
