/**
 * HTTP chaos in scenarios: rules for the run only, seeded from its seed, the runner's retry
 * policy (Retry-After honoured, bounded) and the switch that turns it off so a failure shows —
 * in-process (over the app) and against a served drsim.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { retryAfterMs } from '../../src/scenarios/http.js';
import { inProcessTarget, remoteTarget, type Target } from '../../src/scenarios/targets.js';
import { createLogger } from '../../src/server/logger.js';
import { type RunningServer, startServer } from '../../src/server/serve.js';
import { parse, run, withSteps } from './helpers.js';

const RETRIED = withSteps(
  [
    '  - addHttpChaos: { method: POST, path: /v1/dr-pairs/*/failover, effect: { kind: status, status: 503, retryAfter: 1s }, times: 2 }',
    '    as: flaky',
    '  - failover: { recoveryPoint: latest }',
    '  - waitForJob: previous',
    '  - expectStatus: FAILED_OVER',
    '',
  ].join('\n'),
);

const SURFACES = withSteps(
  [
    '  - httpRetry: false',
    '  - addHttpChaos: { method: POST, path: /v1/dr-pairs/*/failover, effect: { kind: status, status: 503 }, times: 1 }',
    '  - failover: { recoveryPoint: latest }',
    '    expectError: CHAOS_INJECTED',
    '  - addHttpChaos: { method: POST, path: /v1/dr-pairs/*/failover, effect: { kind: drop }, times: 1 }',
    '  - failover: { recoveryPoint: latest }',
    '    expectError: CONNECTION_LOST',
    '  - expectStatus: REPLICATING',
    '  - httpRetry: true',
    '  - failover: { recoveryPoint: latest }',
    '  - waitForJob: previous',
    '',
  ].join('\n'),
);

const FLAKY = withSteps(
  [
    '  - addHttpChaos: { path: /v1/**, effect: { kind: status, status: 429, retryAfter: 0s }, probability: 0.3 }',
    '  - failover: { recoveryPoint: latest }',
    '  - waitForJob: previous',
    '  - expectStatus: FAILED_OVER',
    '',
  ].join('\n'),
);

function checks(name: string, target: () => Target) {
  describe(name, () => {
    it('a 503 with Retry-After is retried and the action goes through', async () => {
      const result = await run(RETRIED, target());
      expect(result.failure).toBeUndefined();
    });

    it('with retries off, the injected answer and the dropped connection surface as the step error', async () => {
      const result = await run(SURFACES, target());
      expect(result.failure).toBeUndefined();
    });

    it('without retries an unexpected 503 fails the step, naming it', async () => {
      const result = await run(
        withSteps(
          '  - httpRetry: false\n  - addHttpChaos: { path: /v1/dr-pairs/*, method: GET, effect: { kind: status, status: 503 } }\n  - expectStatus: REPLICATING\n',
        ),
        target(),
      );
      expect(result.failure?.message).toContain('CHAOS_INJECTED');
    });

    it('the same seed draws the same chaos: the same fingerprint, run after run', async () => {
      const [a, b] = [await run(FLAKY, target(), 11), await run(FLAKY, target(), 11)];
      expect(a.failure).toBeUndefined();
      expect(b.fingerprint).toBe(a.fingerprint);
    });
  });
}

checks('in-process (over the app)', () => inProcessTarget());

describe('against a served drsim', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ port: 0, seed: 2, logger: createLogger('error', () => {}) });
  });
  afterAll(() => server?.close());
  checks('served', () => remoteTarget({ url: server.url, token: 'chaos' }));
});

describe('the policy and the file', () => {
  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(retryAfterMs('2')).toBe(2000);
    expect(retryAfterMs('Wed, 02 Dec 2026 00:00:10 GMT', Date.parse('2026-12-02T00:00:00Z'))).toBe(10_000);
    expect(retryAfterMs(null)).toBeNull();
    expect(retryAfterMs('soon')).toBeNull();
  });

  it('checks HTTP chaos steps before running', () => {
    const problems = (steps: string) => parse(withSteps(steps)).problems.map((p) => p.message);
    expect(problems('  - addHttpChaos: { path: /_sim/clock, effect: { kind: drop } }\n')).toHaveLength(1);
    expect(problems('  - addHttpChaos: { path: /v1/**, effect: { kind: teapot } }\n')).toHaveLength(1);
    expect(problems('  - addHttpChaos: { path: /v1/**, effect: { kind: latency, duration: 2m } }\n')).toEqual(
      [expect.stringContaining('a latency is at most 60s')],
    );
    expect(problems('  - removeHttpChaos: nothing\n')).toEqual([
      expect.stringContaining('no rule "nothing"'),
    ]);
  });
});
