/**
 * Verdicts CI can trust: every name a scenario uses is checked before anything runs (a rule on
 * a step that does not exist, a matcher field no event has), a fault rule that never fired is
 * reported, expectations on fault rules and recovery point tags, expectEvents failures that
 * show the nearest events, and fingerprints that tell runs apart.
 */
import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../src/scenarios/yaml-source.js';
import { createSimulator } from '../../src/sim/index.js';
import { JOB_STEP_NAMES } from '../../src/sim/job-plans.js';
import { parse, run, withSteps } from './helpers.js';

const problems = (text: string) => parse(text).problems.map(formatProblem);

describe('names are checked before anything runs', () => {
  it('a fault rule on a step its job does not have is invalid, case included, with the real steps listed', () => {
    for (const step of ['restore from point', 'Restore From Recovery Point']) {
      const found = problems(
        withSteps(
          `  - addFault: { target: failover, selector: { step: '${step}' }, effect: { kind: fail } }\n`,
        ),
      );
      expect(found).toHaveLength(1);
      expect(found[0]).toContain(
        `steps[0].addFault.selector.step: "${step}" is not a step of the failover job`,
      );
      if (step !== 'restore from point')
        expect(found[0]).toContain('Did you mean "restore from recovery point"?');
      for (const name of JOB_STEP_NAMES.failover) expect(found[0]).toContain(`"${name}"`);
    }
    expect(
      problems(
        withSteps(
          "  - addFault: { target: replication, selector: { step: 'full copy' }, effect: { kind: stall } }\n",
        ),
      ),
    ).toEqual([expect.stringContaining('target replication has no job steps')]);
    expect(
      problems(
        withSteps(
          "  - addFault: { target: failover, selector: { step: 'restore from recovery point' }, effect: { kind: fail } }\n",
        ),
      ),
    ).toEqual([]);
  });

  it('the engine refuses such a rule too, whoever adds it', () => {
    const sim = createSimulator({ seed: 1 });
    expect(() =>
      sim.addFault({
        target: 'failover',
        selector: { step: 'restore from point' },
        effect: { kind: 'fail' },
      }),
    ).toThrow(/not a step of the failover job/);
    sim.close();
  });

  it('an expectEvents matcher with a field or value no event of its kind has is invalid', () => {
    const found = problems(
      withSteps(
        [
          '  - expectEvents:',
          '      none:',
          '        - { kind: pair.transition, too: FAILED_OVER }',
          '        - { kind: pair.transition, to: Failed_Over }',
          '        - { kind: job.ended, type: failover, status: DONE }',
          '        - { kind: recoveryPoint.deleted, reason: commit }',
          '',
        ].join('\n'),
      ),
    );
    expect(found).toHaveLength(3);
    expect(found[0]).toMatch(
      /none\[0\]\.too: a pair\.transition event has no field "too".*Did you mean "to"\?/,
    );
    expect(found[1]).toMatch(
      /none\[1\]\.to: to of a pair\.transition event is never "Failed_Over".*Did you mean "FAILED_OVER"\?/,
    );
    expect(found[2]).toMatch(/none\[2\]\.status: .*never "DONE".*SUCCEEDED, FAILED/);
  });
});

describe('fault rules that never fire', () => {
  const neverFires = withSteps(
    [
      "  - addFault: { target: failover, selector: { step: 'restore from recovery point' }, effect: { kind: fail } }",
      '    as: restore-fails',
      '  - advance: 1h',
      '',
    ].join('\n'),
  );

  it('are reported as a warning of the run, which still passes', async () => {
    const result = await run(neverFires);
    expect(result.status).toBe('passed');
    expect(result.warnings).toEqual([
      expect.stringMatching(/^fault rule "restore-fails" \(inline\.scenario\.yaml:\d+\) never fired/),
    ]);
  });

  it('expectFaultFired fails when a rule has not fired, and passes when it has', async () => {
    const failed = await run(`${neverFires}  - expectFaultFired: restore-fails\n`);
    expect(failed.failure).toMatchObject({
      message: expect.stringContaining('fault rule "restore-fails"'),
      expected: 'fired at least 1 times',
      found: 'fired 0 times',
    });
    const passed = await run(
      `${neverFires}  - failover: { recoveryPoint: latest }\n  - waitForJob: previous\n  - removeFault: restore-fails\n  - expectFaultFired: { fault: restore-fails, times: 1 }\n  - expectJob: { status: FAILED }\n`,
    );
    expect(passed.failure).toBeUndefined();
    expect(passed.warnings).toEqual([]);
  });
});

describe('expectations', () => {
  it('expectEvents shows the nearest matching events, and says when the match came too early', async () => {
    const result = await run(
      withSteps(
        [
          '  - failover: { recoveryPoint: latest }',
          '  - waitForJob: previous',
          '  - expectEvents:',
          '      inOrder:',
          '        - { kind: pair.transition, to: FAILOVER_PROCESSING }',
          '        - { kind: job.ended, type: failover, status: SUCCEEDED }',
          '        - { kind: pair.transition, to: FAILED_OVER }',
          '',
        ].join('\n'),
      ),
    );
    expect(result.failure?.message).toContain('event 3 of inOrder did not happen after event 2');
    expect(result.failure?.found).toMatch(
      /nearest matching events:\n.*FAILOVER_PROCESSING → FAILED_OVER.*it comes before event 2/,
    );
  });

  it('recovery point tags: counts per tag and the tags of one point', async () => {
    const ok = await run(
      withSteps(
        '  - expectRecoveryPoints: { tags: { daily: 1, interval: { atLeast: 1 }, weekly: { atMost: 1 }, first: 0 } }\n  - expectRecoveryPoint: { recoveryPoint: oldest, tags: [weekly, daily, interval] }\n',
      ),
    );
    expect(ok.failure).toBeUndefined();
    const bad = await run(withSteps('  - expectRecoveryPoints: { tags: { daily: 2 } }\n'));
    expect(bad.failure).toMatchObject({
      expected: 'daily: exactly 2',
      found: 'tags: first 0, interval 2, daily 1, weekly 1',
    });
    const tags = await run(withSteps('  - expectRecoveryPoint: { recoveryPoint: oldest, tags: [daily] }\n'));
    expect(tags.failure?.expected).toBe('tags daily');
  });
});

describe('fingerprints', () => {
  it('equal for the same seed, different for another', async () => {
    const text = withSteps('  - chaos: { actions: 20 }\n');
    const [a, b, c] = [
      await run(text, undefined, 7),
      await run(text, undefined, 7),
      await run(text, undefined, 8),
    ];
    expect(a.fingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(b.fingerprint).toBe(a.fingerprint);
    expect(c.fingerprint).not.toBe(a.fingerprint);
  });

  it('seeds are whole numbers from 0 to 2^32 − 1: a larger one is a mistake, not a repeat of a smaller one', () => {
    expect(problems(withSteps('  - advance: 1h\n').replace('seed: 5', 'seed: 4294967295'))).toEqual([]);
    expect(problems(withSteps('  - advance: 1h\n').replace('seed: 5', 'seed: 4294967296'))).toEqual([
      expect.stringContaining('seed'),
    ]);
  });
});
