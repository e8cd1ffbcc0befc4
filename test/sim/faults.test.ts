// Fault rules: what validation accepts and refuses (and how it says so), and how rules match;
// then, at the end of the file, each effect and trigger driven through the engine.
import { describe, expect, it } from 'vitest';
import { USER_ACTIONS } from '../../src/machine/index.js';
import type { Simulator } from '../../src/sim/contract.js';
import { DrError } from '../../src/sim/errors.js';
import { type FaultContext, matchFault, validateFaultRule } from '../../src/sim/faults.js';
import { createRng, type Rng } from '../../src/sim/rng.js';
import type { FaultRule, FaultRuleInput, Job } from '../../src/sim/types.js';
import {
  actAndWait,
  allEvents,
  attachMain,
  checkedSims,
  createMain,
  expectRefused as expectCallRefused,
  HOUR_MS,
  lastTickIso,
  MINUTE_MS,
  newSim,
  OTHER_TENANT,
  pointOnTheHour,
  pointsOf,
  protectedPair,
  TENANT,
  TICK_MS,
  waitForJob,
} from './support/world.js';

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

  it('fail: a code outside the closed list (even UPPER_SNAKE_CASE), an empty message', () => {
    expectRefused(
      { target: 'failover', effect: { kind: 'fail', code: 'copy failed' } },
      'effect.code',
      /COPY_FAILED/,
    );
    expectRefused(
      { target: 'failover', effect: { kind: 'fail', code: 'MY_OWN_CODE' } },
      'effect.code',
      /one of MAIN_SERVER_DOWN, .*RESTORE_FAILED/,
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

// ---------------------------------------------------------------- the effects, through the engine
//
// Each effect and trigger driven through `createSimulator`: `fail` (the job ends FAILED with the
// code and the pair takes the statechart's failure branch), `delay` (the job ends later by exactly
// the duration), `hang` (the job stays RUNNING until the rule is removed), `corrupt` (failing over
// or testing to that point fails with RECOVERY_POINT_CORRUPT, another point works), `stall` (no
// points while active, the RPO grows, points resume after removal), and the triggers: a seeded
// `probability`, `times`, and the `from`/`until` window. Every firing is counted on the rule and
// logged as one `fault.fired` event. Every test ends with the invariant checkers.

const makeSim = checkedSims();

const firings = (sim: Simulator, faultId: string) =>
  allEvents(sim, { kinds: ['fault.fired'] }).filter((e) => e.data.faultId === faultId);

const ruleOf = (sim: Simulator, faultId: string): FaultRule => {
  const found = sim.listFaults().find((r) => r.id === faultId);
  if (!found) throw new Error(`no fault rule ${faultId}`);
  return found;
};

/** The rule's counter and its fault.fired events agree, and it fired `times` times. */
function expectFired(sim: Simulator, faultId: string, times: number): void {
  expect(ruleOf(sim, faultId).fired).toBe(times);
  expect(firings(sim, faultId)).toHaveLength(times);
}

const failedStep = (job: Job) => job.steps.find((s) => s.status === 'FAILED');

describe('fault effects through the engine', () => {
  describe('fail', () => {
    it('on one step of Start Replication: the job fails with the code there, the pair goes to Error, restart recovers', () => {
      const sim = makeSim();
      const pair = attachMain(sim, createMain(sim).id);
      const added = sim.addFault({
        target: 'startReplication',
        selector: { pairId: pair.id, step: 'full copy' },
        effect: { kind: 'fail', code: 'COPY_FAILED', message: 'disk full' },
      });
      const job = sim.act(TENANT, pair.id, {
        action: 'startReplication',
        shadowName: 'web-01-dr',
        intervalHours: 1,
      });
      const done = waitForJob(sim, job.id);
      expect(done.status).toBe('FAILED');
      expect(done.error).toEqual({ code: 'COPY_FAILED', message: 'disk full' });
      expect(failedStep(done)?.name).toBe('full copy');
      const index = done.steps.findIndex((s) => s.name === 'full copy');
      expect(done.steps.slice(0, index).every((s) => s.status === 'SUCCEEDED')).toBe(true);
      expect(done.steps.slice(index + 1).every((s) => s.status === 'SKIPPED')).toBe(true);

      const failed = sim.getPair(TENANT, pair.id);
      expect(failed.status).toBe('REPLICATION_ERROR');
      expect(failed.replication.error?.code).toBe('COPY_FAILED');
      expect(failed.allowedActions).toContain('restartReplication');
      expect(failed.allowedActions).not.toContain('failover'); // no point yet
      expectFired(sim, added.id, 1);
      expect(firings(sim, added.id)[0]!.data).toMatchObject({
        jobId: job.id,
        step: 'full copy',
        target: 'startReplication',
      });

      sim.removeFault(added.id);
      actAndWait(sim, pair.id, { action: 'restartReplication' });
      expect(sim.getPair(TENANT, pair.id).status).toBe('REPLICATING');
    });

    // Found by the crash test (and pinned by engine-regressions.test.ts too): Restart after a start
    // that failed before its shadow existed ran 'create shadow' with no name and threw out of
    // `advance`, wedging the clock.
    it('on the first step of Start Replication (no shadow yet): Restart Replication creates the shadow and replicates', () => {
      const sim = makeSim();
      const pair = attachMain(sim, createMain(sim).id);
      sim.addFault({ target: 'startReplication', trigger: { times: 1 }, effect: { kind: 'fail' } });
      const start = sim.act(TENANT, pair.id, {
        action: 'startReplication',
        shadowName: 'web-01-dr',
        intervalHours: 1,
      });
      expect(failedStep(waitForJob(sim, start.id))?.name).toBe('create shadow');
      expect(sim.getPair(TENANT, pair.id)).toMatchObject({ status: 'REPLICATION_ERROR', shadowServer: null });
      const restart = sim.act(TENANT, pair.id, { action: 'restartReplication' });
      expect(() => waitForJob(sim, restart.id)).not.toThrow();
      expect(sim.getJob(TENANT, restart.id).status).toBe('SUCCEEDED');
      expect(sim.getPair(TENANT, pair.id)).toMatchObject({
        status: 'REPLICATING',
        shadowServer: { name: 'web-01-dr', role: 'SHADOW', powerState: 'STOPPED' },
      });
    });

    it('on Failover: FAILOVER_FAILED with Restart Replication and Failover allowed; failing over again works', () => {
      const sim = makeSim();
      const { pair, shadowId } = protectedPair(sim);
      const point = pointOnTheHour(sim, pair.id);
      const added = sim.addFault({ target: 'failover', trigger: { times: 1 }, effect: { kind: 'fail' } });
      const job = sim.act(TENANT, pair.id, { action: 'failover', recoveryPointId: point.id });
      const done = waitForJob(sim, job.id);
      expect(done.status).toBe('FAILED');
      expect(done.error?.code).toBe('INJECTED_FAULT');
      const failed = sim.getPair(TENANT, pair.id);
      expect(failed.status).toBe('FAILOVER_FAILED');
      expect(failed.statusLabel).toBe('Failover Error');
      expect(failed.allowedActions).toEqual(expect.arrayContaining(['restartReplication', 'failover']));
      expect(failed.activeRecoveryPointId).toBeNull();
      expect(sim.getServer(TENANT, shadowId).powerState).toBe('STOPPED');
      expectFired(sim, added.id, 1);

      actAndWait(sim, pair.id, { action: 'failover', recoveryPointId: point.id });
      expect(sim.getPair(TENANT, pair.id)).toMatchObject({
        status: 'FAILED_OVER',
        activeRecoveryPointId: point.id,
      });
      expectFired(sim, added.id, 1);
    });

    it('on Commit Failover: back to FAILED_OVER, the commit can be tried again', () => {
      const sim = makeSim();
      const { pair } = protectedPair(sim);
      const point = pointOnTheHour(sim, pair.id);
      actAndWait(sim, pair.id, { action: 'failover', recoveryPointId: point.id });
      const added = sim.addFault({
        target: 'commitFailover',
        selector: { step: 'finalize' },
        effect: { kind: 'fail' },
      });
      const job = sim.act(TENANT, pair.id, { action: 'commitFailover', deleteAllRecoveryPoints: true });
      expect(waitForJob(sim, job.id).status).toBe('FAILED');
      expect(sim.getPair(TENANT, pair.id)).toMatchObject({
        status: 'FAILED_OVER',
        activeRecoveryPointId: point.id,
      });
      expect(pointsOf(sim, pair.id).length).toBeGreaterThan(0);
      sim.removeFault(added.id);
      actAndWait(sim, pair.id, { action: 'commitFailover', deleteAllRecoveryPoints: true });
      expect(sim.getPair(TENANT, pair.id).status).toBe('COMMITTED');
    });

    it('on Test Failover: the test environment fails (clean it), replication goes on', () => {
      const sim = makeSim();
      const { pair } = protectedPair(sim);
      const point = pointOnTheHour(sim, pair.id);
      sim.addFault({ target: 'testFailover', effect: { kind: 'fail', code: 'QUOTA_EXCEEDED' } });
      const job = sim.act(TENANT, pair.id, {
        action: 'testFailover',
        testServerName: 'web-01-test',
        recoveryPointId: point.id,
      });
      expect(waitForJob(sim, job.id).error?.code).toBe('QUOTA_EXCEEDED');
      const failed = sim.getPair(TENANT, pair.id);
      expect(failed.status).toBe('REPLICATING');
      expect(failed.testFailover).toMatchObject({ state: 'FAILED', error: { code: 'QUOTA_EXCEEDED' } });
      expect(failed.allowedActions).toContain('cleanTestEnvironment');
      actAndWait(sim, pair.id, { action: 'cleanTestEnvironment' });
      expect(sim.getPair(TENANT, pair.id).testFailover).toBeNull();
    });

    it('on an action that completes at once (Stop Replication): the job fails and the status does not move', () => {
      const sim = makeSim();
      const { pair } = protectedPair(sim);
      const added = sim.addFault({
        target: 'stopReplication',
        effect: { kind: 'fail', code: 'API_UNAVAILABLE' },
      });
      const job = sim.act(TENANT, pair.id, { action: 'stopReplication' });
      expect(job.status).toBe('FAILED');
      expect(job.error?.code).toBe('API_UNAVAILABLE');
      expect(sim.getPair(TENANT, pair.id).status).toBe('REPLICATING');
      expectFired(sim, added.id, 1);
    });

    it('on periodic replication: the pair goes to Error with the code and stays there until restarted', () => {
      const sim = makeSim();
      const { pair } = protectedPair(sim);
      const added = sim.addFault({
        target: 'replication',
        selector: { pairId: pair.id },
        trigger: { times: 1 },
        effect: { kind: 'fail', code: 'SNAPSHOT_FAILED' },
      });
      sim.advance(TICK_MS);
      const failed = sim.getPair(TENANT, pair.id);
      expect(failed.status).toBe('REPLICATION_ERROR');
      expect(failed.replication.error?.code).toBe('SNAPSHOT_FAILED');
      expectFired(sim, added.id, 1);
      const points = pointsOf(sim, pair.id).map((p) => p.id);
      sim.advance('2h');
      expect(sim.getPair(TENANT, pair.id).status).toBe('REPLICATION_ERROR');
      expect(pointsOf(sim, pair.id).map((p) => p.id)).toEqual(points);
      actAndWait(sim, pair.id, { action: 'restartReplication' });
      expect(sim.getPair(TENANT, pair.id).status).toBe('REPLICATING');
    });

    it("applies only to its tenant's pairs", () => {
      const sim = makeSim();
      const added = sim.addFault({
        target: 'startReplication',
        tenant: OTHER_TENANT,
        effect: { kind: 'fail' },
      });
      const { pair } = protectedPair(sim);
      expect(sim.getPair(TENANT, pair.id).status).toBe('REPLICATING');
      expectFired(sim, added.id, 0);
      expect(sim.listFaults(TENANT).map((r) => r.id)).not.toContain(added.id);
      expect(sim.listFaults(OTHER_TENANT).map((r) => r.id)).toContain(added.id);
      const theirs = attachMain(sim, createMain(sim, 'other-01', {}, OTHER_TENANT).id, OTHER_TENANT);
      const job = sim.act(OTHER_TENANT, theirs.id, {
        action: 'startReplication',
        shadowName: 'dr',
        intervalHours: 1,
      });
      expect(waitForJob(sim, job.id, { tenant: OTHER_TENANT }).status).toBe('FAILED');
      expectFired(sim, added.id, 1);
    });
  });

  describe('delay', () => {
    /** Start Replication on a fresh simulator, with or without a rule; the job as it ended. */
    function startWith(input: FaultRuleInput | null): Job {
      const sim = makeSim({ seed: 5 });
      const pair = attachMain(sim, createMain(sim).id);
      if (input) sim.addFault(input);
      const job = sim.act(TENANT, pair.id, {
        action: 'startReplication',
        shadowName: 'web-01-dr',
        intervalHours: 1,
      });
      return waitForJob(sim, job.id);
    }
    const endMs = (job: Job) => Date.parse(job.endedAt!);

    it('on one step: the job ends later by exactly the duration', () => {
      const plain = startWith(null);
      const delayed = startWith({
        target: 'startReplication',
        selector: { step: 'full copy' },
        effect: { kind: 'delay', duration: '10m' },
      });
      expect(delayed.status).toBe('SUCCEEDED');
      expect(endMs(delayed) - endMs(plain)).toBe(10 * MINUTE_MS);
    });

    // Engine bug (found here, open): without a step selector the rule matches every step as it
    // begins, so an 8-step job ends 8 × 10 minutes later; faults.ts documents "the job, or the
    // targeted step, takes that much longer". Fails until fixed.
    it('on a whole job: the job ends later by exactly the duration', () => {
      const plain = startWith(null);
      const delayed = startWith({ target: 'startReplication', effect: { kind: 'delay', duration: '10m' } });
      expect(delayed.status).toBe('SUCCEEDED');
      expect(endMs(delayed) - endMs(plain)).toBe(10 * MINUTE_MS);
    });
  });

  describe('hang', () => {
    it('holds the job RUNNING however long the clock runs; removing the rule lets it finish', () => {
      const sim = makeSim();
      const { pair } = protectedPair(sim);
      const point = pointOnTheHour(sim, pair.id);
      const added = sim.addFault({
        target: 'failover',
        selector: { step: 'restore from recovery point' },
        effect: { kind: 'hang' },
      });
      const job = sim.act(TENANT, pair.id, { action: 'failover', recoveryPointId: point.id });
      sim.advance('3d');
      const held = sim.getJob(TENANT, job.id);
      expect(held.status).toBe('RUNNING');
      expect(held.steps.find((s) => s.status === 'RUNNING')?.name).toBe('restore from recovery point');
      expect(sim.getPair(TENANT, pair.id).status).toBe('FAILOVER_PROCESSING');
      expectFired(sim, added.id, 1);

      sim.removeFault(added.id);
      expect(sim.listFaults()).toEqual([]);
      const done = waitForJob(sim, job.id, { maxMs: HOUR_MS });
      expect(done.status).toBe('SUCCEEDED');
      expect(sim.getPair(TENANT, pair.id).status).toBe('FAILED_OVER');
    });

    it('a held job also resists stepping by hand in manual progression', () => {
      const sim = makeSim();
      const pair = attachMain(sim, createMain(sim).id);
      sim.setProgression('default', 'manual');
      const added = sim.addFault({ target: 'startReplication', effect: { kind: 'hang' } });
      const job = sim.act(TENANT, pair.id, {
        action: 'startReplication',
        shadowName: 'web-01-dr',
        intervalHours: 1,
      });
      for (let i = 0; i < 5; i++) sim.stepJob(TENANT, job.id);
      sim.stepJob(TENANT, job.id);
      expect(sim.getJob(TENANT, job.id).steps[0]!.status).toBe('RUNNING');
      sim.removeFault(added.id);
      let last = sim.getJob(TENANT, job.id);
      for (let i = 0; i < 20 && last.status === 'RUNNING'; i++) last = sim.stepJob(TENANT, job.id);
      expect(last.status).toBe('SUCCEEDED');
    });
  });

  describe('corrupt', () => {
    it('a corrupt point makes failover fail with RECOVERY_POINT_CORRUPT; another point succeeds', () => {
      const sim = makeSim();
      const { pair } = protectedPair(sim);
      const good = pointOnTheHour(sim, pair.id);
      const bad = pointOnTheHour(sim, pair.id);
      const added = sim.addFault({
        target: 'recoveryPoint',
        selector: { recoveryPointId: bad.id },
        effect: { kind: 'corrupt' },
      });
      // The named point is marked at once.
      expectFired(sim, added.id, 1);
      expect(firings(sim, added.id)[0]!.data.recoveryPointId).toBe(bad.id);
      expect(sim.exportState().recoveryPoints.find((p) => p.id === bad.id)?.corrupt).toBe(true);

      const job = sim.act(TENANT, pair.id, { action: 'failover', recoveryPointId: bad.id });
      const done = waitForJob(sim, job.id);
      expect(done.status).toBe('FAILED');
      expect(done.error?.code).toBe('RECOVERY_POINT_CORRUPT');
      expect(failedStep(done)?.name).toBe('restore from recovery point');
      expect(sim.getPair(TENANT, pair.id).status).toBe('FAILOVER_FAILED');

      actAndWait(sim, pair.id, { action: 'failover', recoveryPointId: good.id });
      expect(sim.getPair(TENANT, pair.id)).toMatchObject({
        status: 'FAILED_OVER',
        activeRecoveryPointId: good.id,
      });

      // Changing to the corrupt point fails and leaves the failover server on the point it had.
      const change = sim.act(TENANT, pair.id, { action: 'changeRecoveryPoint', recoveryPointId: bad.id });
      expect(waitForJob(sim, change.id).error?.code).toBe('RECOVERY_POINT_CORRUPT');
      const after = sim.getPair(TENANT, pair.id);
      expect(after).toMatchObject({ status: 'FAILED_OVER', activeRecoveryPointId: good.id });
      const shadowFiles = sim.listFiles(TENANT, after.shadowServer!.id).map((f) => [f.path, f.checksum]);
      expect(shadowFiles).toEqual(
        sim.recoveryPointFiles(TENANT, pair.id, good.id).map((f) => [f.path, f.checksum]),
      );
    });

    it('a rule without a point corrupts the next points taken (here once); a test failover to it fails', () => {
      const sim = makeSim();
      const { pair } = protectedPair(sim);
      sim.advanceTo('2026-01-05T00:50:00.000Z');
      const added = sim.addFault({
        target: 'recoveryPoint',
        selector: { pairId: pair.id },
        trigger: { times: 1 },
        effect: { kind: 'corrupt' },
      });
      const bad = pointOnTheHour(sim, pair.id);
      expectFired(sim, added.id, 1);
      expect(firings(sim, added.id)[0]!.data.recoveryPointId).toBe(bad.id);
      const good = pointOnTheHour(sim, pair.id);
      const corrupt = new Map(sim.exportState().recoveryPoints.map((p) => [p.id, p.corrupt]));
      expect(corrupt.get(bad.id)).toBe(true);
      expect(corrupt.get(good.id)).toBe(false);

      const job = sim.act(TENANT, pair.id, {
        action: 'testFailover',
        testServerName: 'web-01-test',
        recoveryPointId: bad.id,
      });
      expect(waitForJob(sim, job.id).error?.code).toBe('RECOVERY_POINT_CORRUPT');
      expect(sim.getPair(TENANT, pair.id).testFailover?.state).toBe('FAILED');
      actAndWait(sim, pair.id, { action: 'cleanTestEnvironment' });
      actAndWait(sim, pair.id, {
        action: 'testFailover',
        testServerName: 'web-01-test',
        recoveryPointId: good.id,
      });
      expect(sim.getPair(TENANT, pair.id).testFailover?.state).toBe('READY');
    });
  });

  describe('stall', () => {
    it('takes no points while active (status unchanged, RPO grows); points resume after removal', () => {
      const sim = makeSim();
      const { pair } = protectedPair(sim);
      sim.advanceTo('2026-01-05T01:00:00.000Z');
      const added = sim.addFault({
        target: 'replication',
        selector: { pairId: pair.id },
        effect: { kind: 'stall' },
      });
      const before = pointsOf(sim, pair.id).map((p) => p.id);
      sim.advance('2h');
      const stalled = sim.getPair(TENANT, pair.id);
      expect(stalled.status).toBe('REPLICATING');
      expect(stalled.replication.rpoSeconds).toBe(2 * 3600);
      expect(pointsOf(sim, pair.id).map((p) => p.id)).toEqual(before);
      expectFired(sim, added.id, 8);

      sim.removeFault(added.id);
      sim.advance(TICK_MS);
      expect(sim.getPair(TENANT, pair.id).replication.rpoSeconds).toBe(0);
      expect(pointsOf(sim, pair.id)[0]!.createdAt).toBe(sim.clock().now);
    });
  });

  describe('triggers', () => {
    /** A stall with probability 0.5 over 40 ticks; returns the times it fired. */
    function stallFirings(seed: number): string[] {
      const sim = newSim({ seed });
      try {
        const { pair } = protectedPair(sim);
        sim.advanceTo('2026-01-05T01:00:00.000Z');
        const added = sim.addFault({
          target: 'replication',
          trigger: { probability: 0.5 },
          effect: { kind: 'stall' },
        });
        sim.advance(40 * TICK_MS);
        const times = firings(sim, added.id).map((e) => e.at);
        // Each tick either fired the rule or took a point.
        const created = allEvents(sim, { pairId: pair.id, kinds: ['recoveryPoint.created'] }).filter(
          (e) => Date.parse(e.at) > Date.parse('2026-01-05T01:00:00.000Z'),
        );
        expect(times.length + created.length).toBe(40);
        expect(new Set([...times, ...created.map((e) => e.at)]).size).toBe(40);
        expect(ruleOf(sim, added.id).fired).toBe(times.length);
        return times;
      } finally {
        sim.close();
      }
    }

    it('probability: seeded, so the same seed fires at the same ticks; about half of them fire', () => {
      const first = stallFirings(21);
      expect(stallFirings(21)).toEqual(first);
      expect(first.length).toBeGreaterThan(5);
      expect(first.length).toBeLessThan(35);
      const other = stallFirings(22);
      expect(other.length).toBeGreaterThan(5);
      expect(other.length).toBeLessThan(35);
    });

    it('times: fires exactly that often, then the rule stays but matches no more', () => {
      const sim = makeSim();
      const { pair } = protectedPair(sim);
      sim.advanceTo('2026-01-05T01:00:00.000Z');
      const added = sim.addFault({ target: 'replication', trigger: { times: 3 }, effect: { kind: 'stall' } });
      sim.advance(3 * TICK_MS);
      expect(pointsOf(sim, pair.id)[0]!.createdAt).toBe('2026-01-05T01:00:00.000Z');
      sim.advance(TICK_MS);
      expect(pointsOf(sim, pair.id)[0]!.createdAt).toBe('2026-01-05T02:00:00.000Z');
      sim.advance('2h');
      expectFired(sim, added.id, 3);
      expect(firings(sim, added.id).map((e) => e.at)).toEqual([
        '2026-01-05T01:15:00.000Z',
        '2026-01-05T01:30:00.000Z',
        '2026-01-05T01:45:00.000Z',
      ]);
    });

    it('from/until: fires only in the window from ≤ now < until', () => {
      const sim = makeSim();
      const { pair } = protectedPair(sim);
      const added = sim.addFault({
        target: 'replication',
        trigger: { from: '2026-01-05T02:00:00Z', until: '2026-01-05T03:00:00Z' },
        effect: { kind: 'stall' },
      });
      sim.advanceTo('2026-01-05T05:00:00.000Z');
      const fired = firings(sim, added.id).map((e) => e.at);
      expect(fired).toEqual([
        '2026-01-05T02:00:00.000Z',
        '2026-01-05T02:15:00.000Z',
        '2026-01-05T02:30:00.000Z',
        '2026-01-05T02:45:00.000Z',
      ]);
      const created = allEvents(sim, { pairId: pair.id, kinds: ['recoveryPoint.created'] }).map((e) => e.at);
      for (const at of fired) expect(created).not.toContain(at);
      expect(created).toContain('2026-01-05T01:45:00.000Z');
      expect(created).toContain('2026-01-05T03:00:00.000Z');
      expect(ruleOf(sim, added.id).trigger).toEqual({
        from: '2026-01-05T02:00:00.000Z',
        until: '2026-01-05T03:00:00.000Z',
      });
    });

    it('a window on a job step: the rule applies only when the step begins inside it', () => {
      const sim = makeSim();
      const pair = attachMain(sim, createMain(sim).id);
      sim.addFault({
        target: 'startReplication',
        selector: { step: 'full copy' },
        trigger: { until: '2026-01-05T00:01:00Z' },
        effect: { kind: 'fail' },
      });
      // 'full copy' begins minutes after the window closed: nothing fires.
      const job = sim.act(TENANT, pair.id, {
        action: 'startReplication',
        shadowName: 'web-01-dr',
        intervalHours: 1,
      });
      expect(Date.parse(job.createdAt)).toBeLessThan(Date.parse('2026-01-05T00:01:00Z'));
      expect(waitForJob(sim, job.id).status).toBe('SUCCEEDED');
      expect(allEvents(sim, { kinds: ['fault.fired'] })).toEqual([]);
    });
  });

  describe('rules through the engine', () => {
    it('a malformed rule is refused with VALIDATION_FAILED and changes nothing', () => {
      const sim = makeSim();
      const bad: unknown[] = [
        { target: 'failover', effect: { kind: 'stall' } },
        { target: 'replication', effect: { kind: 'corrupt' } },
        { target: 'recoveryPoint', effect: { kind: 'fail' } },
        { target: 'failover', effect: { kind: 'delay', duration: 0 } },
        { target: 'failover', trigger: { probability: 1.5 }, effect: { kind: 'fail' } },
        {
          target: 'failover',
          trigger: { from: '2026-01-05T03:00:00Z', until: '2026-01-05T02:00:00Z' },
          effect: { kind: 'fail' },
        },
      ];
      protectedPair(sim);
      for (const input of bad) {
        expectCallRefused(sim, () => sim.addFault(input as FaultRuleInput), 'VALIDATION_FAILED');
      }
      expectCallRefused(sim, () => sim.removeFault('flt-nope'), 'FAULT_NOT_FOUND');
      expect(sim.listFaults()).toEqual([]);
    });

    it('a removed rule fires no more', () => {
      const sim = makeSim();
      const { pair } = protectedPair(sim);
      const added = sim.addFault({ target: 'replication', effect: { kind: 'stall' } });
      sim.advance(TICK_MS);
      const count = firings(sim, added.id).length;
      expect(count).toBeGreaterThan(0);
      sim.removeFault(added.id);
      sim.advance('1h');
      expect(firings(sim, added.id)).toHaveLength(count);
      expect(pointsOf(sim, pair.id)[0]!.createdAt).toBe(lastTickIso(sim));
    });
  });
});
