/**
 * The one error mapping: engine codes to statuses, problem documents, and the pin that an
 * unexpected throw — and only that — becomes a 500.
 */
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/server/logger.js';
import { statusForCode } from '../../src/server/problem.js';
import { ERROR_CODES } from '../../src/sim/errors.js';
import { createSimulator } from '../../src/sim/index.js';
import { expectProblem, makeApp } from './helpers.js';

describe('statusForCode', () => {
  it('maps every engine refusal to a 4xx', () => {
    const refusals = Object.values(ERROR_CODES);
    for (const code of refusals) {
      expect(statusForCode(code), code).toBeGreaterThanOrEqual(400);
      expect(statusForCode(code), code).toBeLessThan(500);
    }
    expect(statusForCode('INVALID_STATE')).toBe(409);
    expect(statusForCode('RECOVERY_POINT_NOT_FOUND')).toBe(422);
    expect(statusForCode('PAIR_NOT_FOUND')).toBe(404);
    expect(statusForCode('SERVER_EXPIRED')).toBe(422);
    expect(statusForCode('MULTI_ATTACH_VOLUME')).toBe(422);
    expect(statusForCode('SERVER_ALREADY_PAIRED')).toBe(409);
    expect(statusForCode('SHADOW_STILL_PAIRING')).toBe(409);
    expect(statusForCode('FAILOVER_NOT_COMMITTED')).toBe(409);
  });
});

describe('an unexpected throw', () => {
  it('is a 500 INTERNAL problem, logged, with no internals in the answer', async () => {
    const sim = createSimulator({ seed: 1 });
    const broken = Object.create(sim, {
      listServers: {
        value: () => {
          throw new TypeError('secret internals');
        },
      },
    });
    const lines: string[] = [];
    const { call } = makeApp({ sim: broken, logger: createLogger('error', (line) => lines.push(line)) });
    const res = await call('GET', '/v1/servers');
    expectProblem(res, 500, 'INTERNAL');
    expect(JSON.stringify(res.body)).not.toContain('secret');
    expect(lines.join('\n')).toContain('secret internals');
  });
});
