// Fault rules: what validation accepts and refuses (and how it says so), and how rules match.
import { describe, expect, it } from 'vitest';
import { USER_ACTIONS } from '../../src/machine/index.js';
import { DrError } from '../../src/sim/errors.js';
import { type FaultContext, matchFault, validateFaultRule } from '../../src/sim/faults.js';
import { createRng, type Rng } from '../../src/sim/rng.js';
import type { FaultRule } from '../../src/sim/types.js';

function refusal(input: unknown): DrError {
  try {
    validateFaultRule(input);
  } catch (error) {
    if (error instanceof DrError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(input)} to be refused`);
}

/** Expects `input` to be refused for `field`, with a message that names it. */
function expectRefused(input: unknown, field: string, hint?: RegExp): void {
  const error = refusal(input);
  expect(error.code).toBe('VALIDATION_FAILED');
  expect(error.details).toEqual({ field });
  expect(error.message).toContain(field);
  if (hint) expect(error.message).toMatch(hint);
}

const failover = { target: 'failover', effect: { kind: 'fail' } };

describe('validateFaultRule accepts', () => {
  it('every user action, replication and recoveryPoint as targets', () => {
    for (const target of USER_ACTIONS)
      expect(validateFaultRule({ target, effect: { kind: 'hang' } }).target).toBe(target);
    expect(validateFaultRule({ target: 'replication', effect: { kind: 'stall' } }).target).toBe(
      'replication',
    );
    expect(validateFaultRule({ target: 'recoveryPoint', effect: { kind: 'corrupt' } }).target).toBe(
      'recoveryPoint',
    );
  });

  it('each effect with its fields, and returns a clean copy', () => {
    const rule = validateFaultRule({
      target: 'startReplication',
      selector: { pairId: 'drp-abc', step: 'full copy' },
      trigger: {
        times: 2,
        probability: 0.5,
        from: '2026-01-05T10:00:00+07:00',
        until: '2026-01-06T00:00:00Z',
      },
      effect: { kind: 'fail', code: 'COPY_FAILED', message: 'disk full' },
      tenant: 'acme',
    });
    expect(rule).toEqual({
      target: 'startReplication',
      selector: { pairId: 'drp-abc', step: 'full copy' },
      // Times come back in UTC.
      trigger: {
        times: 2,
        probability: 0.5,
        from: '2026-01-05T03:00:00.000Z',
        until: '2026-01-06T00:00:00.000Z',
      },
      effect: { kind: 'fail', code: 'COPY_FAILED', message: 'disk full' },
      tenant: 'acme',
    });
    expect(
      validateFaultRule({ target: 'failover', effect: { kind: 'delay', duration: '10m' } }).effect,
    ).toEqual({
      kind: 'delay',
      duration: '10m',
    });
    expect(
      validateFaultRule({ target: 'failover', effect: { kind: 'delay', duration: 5000 } }).effect,
    ).toEqual({
      kind: 'delay',
      duration: 5000,
    });
    expect(validateFaultRule(failover)).toEqual({
      target: 'failover',
      selector: {},
      trigger: {},
      effect: { kind: 'fail' },
    });
    expect(
      validateFaultRule({ target: 'replication', effect: { kind: 'fail', code: 'MAIN_SERVER_DOWN' } }).effect
        .kind,
    ).toBe('fail');
    expect(validateFaultRule({ ...failover, trigger: { probability: 0 } }).trigger).toEqual({
      probability: 0,
    });
    expect(validateFaultRule({ ...failover, trigger: { probability: 1 } }).trigger).toEqual({
      probability: 1,
    });
  });
});

describe('validateFaultRule refuses, naming the field', () => {
  it('a rule that is not an object, or has unknown fields', () => {
    for (const input of [null, undefined, 'fail', [failover], 42]) expectRefused(input, 'rule');
    expectRefused(
      { ...failover, probability: 0.5 },
      'probability',
      /target, selector, trigger, effect, tenant/,
    );
    expectRefused({ ...failover, trigger: { probabilty: 0.5 } }, 'trigger.probabilty', /probability/);
    expectRefused({ ...failover, selector: { pair: 'x' } }, 'selector.pair', /pairId/);
    expectRefused({ target: 'failover', effect: { kind: 'hang', duration: '1m' } }, 'effect.duration');
  });

  it('a missing or unknown target', () => {
    expectRefused({ effect: { kind: 'fail' } }, 'target', /failover/);
    expectRefused({ target: 'Failover', effect: { kind: 'fail' } }, 'target', /'replication'/);
    expectRefused({ target: 'replicate', effect: { kind: 'fail' } }, 'target');
  });

  it('a missing or unknown effect kind', () => {
    expectRefused({ target: 'failover' }, 'effect');
    expectRefused({ target: 'failover', effect: 'fail' }, 'effect');
    expectRefused({ target: 'failover', effect: {} }, 'effect.kind', /fail, delay, hang, corrupt, stall/);
    expectRefused({ target: 'failover', effect: { kind: 'explode' } }, 'effect.kind');
  });

  it('fail: a code that is not UPPER_SNAKE_CASE, an empty message', () => {
    expectRefused(
      { target: 'failover', effect: { kind: 'fail', code: 'copy failed' } },
      'effect.code',
      /COPY_FAILED/,
    );
    expectRefused({ target: 'failover', effect: { kind: 'fail', code: 42 } }, 'effect.code');
    expectRefused({ target: 'failover', effect: { kind: 'fail', message: '' } }, 'effect.message');
    expectRefused(
      { target: 'failover', effect: { kind: 'fail', message: 'x'.repeat(501) } },
      'effect.message',
    );
  });

  it('delay: a missing, malformed, negative or zero duration', () => {
    expectRefused({ target: 'failover', effect: { kind: 'delay' } }, 'effect.duration', /10m/);
    expectRefused(
      { target: 'failover', effect: { kind: 'delay', duration: '10 minutes' } },
      'effect.duration',
      /15m/,
    );
    expectRefused({ target: 'failover', effect: { kind: 'delay', duration: -1 } }, 'effect.duration');
    expectRefused(
      { target: 'failover', effect: { kind: 'delay', duration: '0s' } },
      'effect.duration',
      /at least/,
    );
    expectRefused({ target: 'failover', effect: { kind: 'delay', duration: true } }, 'effect.duration');
  });

  it('corrupt on anything but recoveryPoint, and recoveryPoint with anything but corrupt', () => {
    expectRefused(
      { target: 'failover', effect: { kind: 'corrupt' } },
      'effect.kind',
      /target 'recoveryPoint'/,
    );
    expectRefused({ target: 'replication', effect: { kind: 'corrupt' } }, 'effect.kind', /recoveryPoint/);
    expectRefused({ target: 'recoveryPoint', effect: { kind: 'fail' } }, 'effect.kind', /only corrupt/);
    expectRefused({ target: 'recoveryPoint', effect: { kind: 'hang' } }, 'effect.kind');
  });

  it('stall on anything but replication', () => {
    expectRefused(
      { target: 'startReplication', effect: { kind: 'stall' } },
      'effect.kind',
      /target 'replication'/,
    );
    expectRefused({ target: 'recoveryPoint', effect: { kind: 'stall' } }, 'effect.kind');
  });

  it('bad selectors', () => {
    expectRefused({ ...failover, selector: 'drp-1' }, 'selector');
    expectRefused({ ...failover, selector: { pairId: '' } }, 'selector.pairId');
    expectRefused({ ...failover, selector: { recoveryPointId: 7 } }, 'selector.recoveryPointId');
    expectRefused(
      { target: 'recoveryPoint', selector: { step: 'copy' }, effect: { kind: 'corrupt' } },
      'selector.step',
    );
  });

  it('bad triggers: times, probability, from, until', () => {
    for (const times of [0, -1, 1.5, '2', Number.POSITIVE_INFINITY]) {
      expectRefused({ ...failover, trigger: { times } }, 'trigger.times', /whole number/);
    }
    for (const probability of [-0.1, 1.01, Number.NaN, '0.5']) {
      expectRefused({ ...failover, trigger: { probability } }, 'trigger.probability', /from 0 to 1/);
    }
    for (const from of [
      '2026-01-05',
      '2026-02-30T00:00:00Z',
      '2026-01-05T10:00:00',
      'yesterday',
      1767600000000,
    ]) {
      expectRefused({ ...failover, trigger: { from } }, 'trigger.from', /2026-01-05T10:00:00Z/);
    }
    expectRefused({ ...failover, trigger: { until: '2026-01-05T24:00:00Z' } }, 'trigger.until');
    expectRefused(
      { ...failover, trigger: { from: '2026-01-05T10:00:00Z', until: '2026-01-05T10:00:00Z' } },
      'trigger.until',
      /later than/,
    );
    expectRefused({ ...failover, trigger: [] }, 'trigger');
  });

  it('an empty tenant', () => {
    expectRefused({ ...failover, tenant: '' }, 'tenant');
    expectRefused({ ...failover, tenant: 3 }, 'tenant');
  });
});

// ---------------------------------------------------------------- matching

const NOW = Date.parse('2026-01-05T12:00:00Z');
let nextId = 0;

function rule(overrides: Partial<FaultRule> & Pick<FaultRule, 'target'>): FaultRule {
  return {
    id: `flt-${nextId++}`,
    tenant: null,
    selector: {},
    trigger: {},
    effect: { kind: 'fail' },
    fired: 0,
    createdAt: '2026-01-05T00:00:00.000Z',
    ...overrides,
  };
}

const ctx = (overrides: Partial<FaultContext> = {}): FaultContext => ({
  tenant: 'acme',
  target: 'failover',
  pairId: 'drp-1',
  nowMs: NOW,
  ...overrides,
});

/** An rng that records how often it was drawn and returns the given values in turn. */
function scriptedRng(values: number[]): Rng & { draws: number } {
  const base = createRng(1);
  const rng = {
    ...base,
    draws: 0,
    next() {
      const value = values[rng.draws];
      rng.draws++;
      if (value === undefined) throw new Error('drew more than scripted');
      return value;
    },
  };
  return rng;
}

describe('matchFault', () => {
  it('matches on target, and returns null when nothing matches', () => {
    const onFailover = rule({ target: 'failover' });
    const rng = scriptedRng([]);
    expect(matchFault([onFailover], ctx(), rng)).toBe(onFailover);
    expect(matchFault([onFailover], ctx({ target: 'testFailover' }), rng)).toBeNull();
    expect(matchFault([], ctx(), rng)).toBeNull();
  });

  it('returns the first matching rule in the given order', () => {
    const a = rule({ target: 'failover', selector: { pairId: 'drp-2' } });
    const b = rule({ target: 'failover' });
    const c = rule({ target: 'failover' });
    expect(matchFault([a, b, c], ctx(), scriptedRng([]))).toBe(b);
    expect(matchFault([c, b], ctx(), scriptedRng([]))).toBe(c);
  });

  it('matches the rule’s tenant, or any tenant when it is null', () => {
    const acme = rule({ target: 'failover', tenant: 'acme' });
    const anyone = rule({ target: 'failover', tenant: null });
    expect(matchFault([acme], ctx(), scriptedRng([]))).toBe(acme);
    expect(matchFault([acme], ctx({ tenant: 'globex' }), scriptedRng([]))).toBeNull();
    expect(matchFault([acme, anyone], ctx({ tenant: 'globex' }), scriptedRng([]))).toBe(anyone);
  });

  it('matches each selector field that is set, and ignores those omitted', () => {
    const byPair = rule({ target: 'failover', selector: { pairId: 'drp-1' } });
    const byStep = rule({ target: 'startReplication', selector: { pairId: 'drp-1', step: 'full copy' } });
    const byPoint = rule({
      target: 'recoveryPoint',
      selector: { recoveryPointId: 'rp-9' },
      effect: { kind: 'corrupt' },
    });
    const rng = scriptedRng([]);
    expect(matchFault([byPair], ctx(), rng)).toBe(byPair);
    expect(matchFault([byPair], ctx({ pairId: 'drp-2' }), rng)).toBeNull();
    expect(matchFault([byPair], ctx({ pairId: undefined }), rng)).toBeNull();
    const start = ctx({ target: 'startReplication' });
    expect(matchFault([byStep], { ...start, step: 'full copy' }, rng)).toBe(byStep);
    expect(matchFault([byStep], { ...start, step: 'snapshot the main' }, rng)).toBeNull();
    expect(matchFault([byStep], start, rng)).toBeNull();
    const point = ctx({ target: 'recoveryPoint' });
    expect(matchFault([byPoint], { ...point, recoveryPointId: 'rp-9' }, rng)).toBe(byPoint);
    expect(matchFault([byPoint], { ...point, recoveryPointId: 'rp-8' }, rng)).toBeNull();
  });

  it('matches inside the time window from ≤ now < until', () => {
    const window = rule({
      target: 'failover',
      trigger: { from: '2026-01-05T12:00:00.000Z', until: '2026-01-05T13:00:00.000Z' },
    });
    const rng = scriptedRng([]);
    expect(matchFault([window], ctx({ nowMs: NOW - 1 }), rng)).toBeNull();
    expect(matchFault([window], ctx({ nowMs: NOW }), rng)).toBe(window);
    expect(matchFault([window], ctx({ nowMs: NOW + 3_599_999 }), rng)).toBe(window);
    expect(matchFault([window], ctx({ nowMs: NOW + 3_600_000 }), rng)).toBeNull();
    const onlyFrom = rule({ target: 'failover', trigger: { from: '2026-01-05T12:00:00.000Z' } });
    expect(matchFault([onlyFrom], ctx({ nowMs: NOW + 10 * 86_400_000 }), rng)).toBe(onlyFrom);
  });

  it('stops matching once the rule has fired `times` times', () => {
    const twice = rule({ target: 'failover', trigger: { times: 2 } });
    const rng = scriptedRng([]);
    expect(matchFault([twice], ctx(), rng)).toBe(twice);
    twice.fired = 1;
    expect(matchFault([twice], ctx(), rng)).toBe(twice);
    twice.fired = 2;
    expect(matchFault([twice], ctx(), rng)).toBeNull();
    expect(matchFault([rule({ target: 'failover', fired: 1000 })], ctx(), rng)).not.toBeNull();
  });

  it('fires a probability when the draw is below it, and draws only for rules that passed every other check', () => {
    const p = rule({ target: 'failover', trigger: { probability: 0.3 } });
    const fallback = rule({ target: 'failover' });
    const rng = scriptedRng([0.29, 0.3, 0.99]);
    expect(matchFault([p], ctx(), rng)).toBe(p);
    expect(matchFault([p, fallback], ctx(), rng)).toBe(fallback);
    expect(rng.draws).toBe(2);
    // Rules failing target, tenant, selector, window or times never draw.
    const failing = [
      rule({ target: 'detach', trigger: { probability: 1 } }),
      rule({ target: 'failover', tenant: 'globex', trigger: { probability: 1 } }),
      rule({ target: 'failover', selector: { pairId: 'drp-2' }, trigger: { probability: 1 } }),
      rule({ target: 'failover', trigger: { probability: 1, until: '2026-01-05T00:00:00.000Z' } }),
      rule({ target: 'failover', trigger: { probability: 1, times: 1 }, fired: 1 }),
    ];
    expect(matchFault(failing, ctx(), rng)).toBeNull();
    expect(rng.draws).toBe(2);
    // A rule that matched before the probabilistic one stops the search without a draw.
    expect(matchFault([fallback, p], ctx(), rng)).toBe(fallback);
    expect(rng.draws).toBe(2);
    // Probability 0 draws and never fires.
    expect(matchFault([rule({ target: 'failover', trigger: { probability: 0 } })], ctx(), rng)).toBeNull();
    expect(rng.draws).toBe(3);
  });

  it('fires about as often as the probability says, reproducibly for a seed', () => {
    const half = rule({ target: 'replication', trigger: { probability: 0.25 }, effect: { kind: 'stall' } });
    const outcomes = (seed: number) => {
      const rng = createRng(seed);
      return Array.from(
        { length: 4000 },
        () => matchFault([half], ctx({ target: 'replication' }), rng) !== null,
      );
    };
    const first = outcomes(5);
    expect(outcomes(5)).toEqual(first);
    const rate = first.filter(Boolean).length / first.length;
    expect(rate).toBeGreaterThan(0.22);
    expect(rate).toBeLessThan(0.28);
  });

  it('matches rules that validateFaultRule produced', () => {
    const input = validateFaultRule({
      target: 'failover',
      selector: { pairId: 'drp-1' },
      trigger: { from: '2026-01-05T19:00:00+07:00', times: 1 },
      effect: { kind: 'delay', duration: '5m' },
    });
    const stored: FaultRule = {
      ...input,
      id: 'flt-x',
      tenant: input.tenant ?? null,
      selector: input.selector ?? {},
      trigger: input.trigger ?? {},
      fired: 0,
      createdAt: '2026-01-05T00:00:00.000Z',
    };
    expect(matchFault([stored], ctx(), scriptedRng([]))).toBe(stored);
    expect(matchFault([stored], ctx({ nowMs: NOW - 1 }), scriptedRng([]))).toBeNull();
  });
});
