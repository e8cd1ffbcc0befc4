/**
 * Reading scenario files: every mistake is reported at its file, line and column, with what to
 * write instead; references are checked against what exists at that step; short forms become
 * the canonical bodies the runner gets.
 */
import { describe, expect, it } from 'vitest';
import { STEP_KINDS, STEP_SPECS } from '../../src/scenarios/schema/steps.js';
import { formatProblem } from '../../src/scenarios/yaml-source.js';
import { ONE_PAIR, parse, scenario, withSteps } from './helpers.js';

/** The problems of a file whose steps are `steps`, as `line:col: message` lines. */
function problems(text: string): string[] {
  return parse(text, 'x.scenario.yaml').problems.map((p) => formatProblem(p).replace('x.scenario.yaml:', ''));
}

/** The line of `needle` in `text`, 1-based. */
const lineOf = (text: string, needle: string): number =>
  text.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('mistakes are reported with file, line and a suggestion', () => {
  it('an unknown step kind suggests the closest one', () => {
    const text = withSteps('  - advance: 1h\n  - falover: { recoveryPoint: latest }\n');
    expect(problems(text)).toEqual([
      `${lineOf(text, 'falover')}:5: steps[1]: unknown step "falover". Did you mean "failover"?`,
    ]);
  });

  it('an unknown key points at the key and suggests the closest', () => {
    const text = withSteps('  - failover: { recoveryPont: latest }\n');
    const found = problems(text);
    expect(found).toContainEqual(
      `${lineOf(text, 'recoveryPont')}:17: steps[0].failover.recoveryPont: unknown key "recoveryPont". Did you mean "recoveryPoint"?`,
    );
    expect(found.some((p) => p.includes('"recoveryPoint" is required'))).toBe(true);
  });

  it('a wrong value of an enum suggests the closest value', () => {
    const text = withSteps('  - expectStatus: FAILEDOVER\n');
    expect(problems(text)).toEqual([
      `${lineOf(text, 'FAILEDOVER')}:19: steps[0].expectStatus: "FAILEDOVER" is not a valid status. Did you mean "FAILED_OVER"?`,
    ]);
  });

  it('a wrong type says what was expected, with examples', () => {
    const [problem] = problems(withSteps('  - advance: true\n'));
    expect(problem).toMatch(
      /steps\[0\]\.advance: expected .* but found boolean true\. A simulated duration.*"15m"/,
    );
  });

  it('a duration the engine cannot read is reported with its reason', () => {
    const [problem] = problems(withSteps('  - advance: 30m1h\n'));
    expect(problem).toMatch(
      /steps\[0\]\.advance: Invalid duration "30m1h": units must go from largest to smallest/,
    );
  });

  it('bad references: a pair, a recovery point, a job name, a fault name, a server', () => {
    const text = withSteps(
      [
        '  - failover: { pair: wbe, recoveryPoint: latest }',
        '  - failover: { recoveryPoint: lates }',
        '  - testFailover: { recoveryPoint: before-restart }',
        '  - expectJob: { job: frist, status: SUCCEEDED }',
        '  - removeFault: noisy',
        '  - outage: web-2',
        '  - outage: shadow of wbe',
        '',
      ].join('\n'),
    );
    const found = problems(text);
    expect(found).toEqual([
      expect.stringMatching(
        /^\d+:\d+: steps\[0\]\.failover\.pair: no pair "wbe" here\. Did you mean "web"\?$/,
      ),
      expect.stringMatching(
        /steps\[1\]\.failover\.recoveryPoint: "lates" is not a recovery point reference\. Did you mean "latest"\?/,
      ),
      expect.stringMatching(
        /steps\[2\]\.testFailover\.recoveryPoint: "before-restart" is not a recovery point reference/,
      ),
      expect.stringMatching(/steps\[3\]\.expectJob\.job: no job "frist"/),
      expect.stringMatching(/steps\[4\]\.removeFault: no fault "noisy"/),
      expect.stringMatching(/steps\[5\]\.outage: no server "web-2"\. Did you mean "web-1"\?/),
      expect.stringMatching(/steps\[6\]\.outage: no pair "wbe" here\. Did you mean "web"\?/),
    ]);
    expect(found[0]?.startsWith(`${lineOf(text, 'pair: wbe')}:`)).toBe(true);
  });

  it('a name is usable only after the step that defines it', () => {
    const found = problems(
      withSteps(
        [
          '  - expectJob: { job: first, status: SUCCEEDED }',
          '  - failover: { recoveryPoint: latest }',
          '    as: first',
          '  - failover: { recoveryPoint: kept }',
          '  - remember: { name: kept, recoveryPoint: latest }',
          '',
        ].join('\n'),
      ),
    );
    expect(found).toEqual([
      expect.stringMatching(/steps\[0\]\.expectJob\.job: no job "first"/),
      expect.stringMatching(/steps\[2\].*"kept"/),
    ]);
  });

  it('previous needs an earlier action or fault rule', () => {
    const found = problems(withSteps('  - waitForJob: previous\n  - removeFault: previous\n'));
    expect(found).toEqual([
      expect.stringMatching(/steps\[0\]\.waitForJob: there is no action step before this one/),
      expect.stringMatching(/steps\[1\]\.removeFault: there is no addFault step before this one/),
    ]);
  });

  it('expectError belongs to actions only, and names a known code', () => {
    const found = problems(
      withSteps(
        '  - expectRpo: { below: 20m }\n    expectError: INVALID_STATE\n  - detach: web\n    expectError: INVALID_STAT\n',
      ),
    );
    expect(found).toEqual([
      expect.stringMatching(
        /steps\[0\]: expectError applies to user actions only, and expectRpo is not one; remove it\./,
      ),
      expect.stringMatching(
        /steps\[1\]\.expectError: "INVALID_STAT" is not a valid error code\. Did you mean "INVALID_STATE"\?/,
      ),
    ]);
  });

  it('a step with two kinds, an empty expectation, an invalid fault rule', () => {
    const found = problems(
      withSteps(
        [
          '  - advance: 1h',
          '    detach: web',
          '  - expectStatus: {}',
          '  - addFault: { target: replication, effect: { kind: corrupt } }',
          '',
        ].join('\n'),
      ),
    );
    expect(found).toEqual([
      expect.stringMatching(/steps\[0\]: a step has one kind, but this one has advance and detach/),
      expect.stringMatching(
        /steps\[1\]\.expectStatus: say what to expect: write status and\/or testFailover/,
      ),
      expect.stringMatching(/steps\[2\]\.addFault: Invalid fault rule: .*corrupt applies to recovery points/),
    ]);
  });

  it('the pair may be left out only while one pair exists', () => {
    const text = `${ONE_PAIR.replace('  pairs:', '    - name: db-1\n  pairs:')}steps:\n  - attach: { server: db-1, name: db }\n  - detach:\n`;
    expect(problems(text)).toEqual([
      expect.stringMatching(
        /steps\[1\]\.detach: name the pair with `pair:`; 2 pairs exist at this step: web, db\./,
      ),
    ]);
  });

  it('YAML syntax errors and top-level mistakes', () => {
    expect(problems('name: [unclosed\n')[0]).toMatch(/^\d+:\d+: YAML: /);
    expect(problems('- just a list\n')).toEqual([expect.stringMatching(/a scenario is a mapping/)]);
    expect(problems('name: x\nsteps: []\nseeed: 3\n')).toEqual([
      expect.stringMatching(/^2:\d+: steps: must have at least 1 items/),
      expect.stringMatching(/^3:1: seeed: unknown key "seeed"\. Did you mean "seed"\?/),
    ]);
    expect(problems(`${ONE_PAIR.replace('main: web-1', 'main: web-2')}steps:\n  - advance: 1h\n`)).toEqual([
      expect.stringMatching(
        /setup\.pairs\[0\]\.main: no server "web-2" in setup\.servers\. Did you mean "web-1"\?/,
      ),
    ]);
  });
});

describe('canonical steps', () => {
  it('short forms become bodies, the only pair is filled in, lines are kept', () => {
    const text = withSteps(
      [
        '  - advance: 90m',
        '  - detach:',
        '  - expectStatus: DETACHED',
        '  - expectAllowedActions: []',
        '  - expectRecoveryPoints: 0',
        '',
      ].join('\n'),
    );
    const s = scenario(text);
    expect(s.steps.map(({ kind, body, line }) => ({ kind, body, line }))).toEqual([
      { kind: 'advance', body: { by: '90m' }, line: lineOf(text, 'advance: 90m') },
      { kind: 'detach', body: { pair: 'web' }, line: lineOf(text, 'detach:') },
      { kind: 'expectStatus', body: { pair: 'web', status: 'DETACHED' }, line: lineOf(text, 'expectStatus') },
      {
        kind: 'expectAllowedActions',
        body: { pair: 'web', exactly: [] },
        line: lineOf(text, 'expectAllowedActions'),
      },
      {
        kind: 'expectRecoveryPoints',
        body: { pair: 'web', count: 0 },
        line: lineOf(text, 'expectRecoveryPoints'),
      },
    ]);
    expect(s.seed).toBe(5);
    expect(s.setupLine).toBe(lineOf(text, 'setup:'));
  });

  it('expectError and as are read beside the step', () => {
    const s = scenario(
      withSteps(
        '  - stopReplication: web\n    as: stop\n  - stopReplication: web\n    expectError: { code: INVALID_STATE, message: not allowed }\n',
      ),
    );
    expect(s.steps[0]?.as).toBe('stop');
    expect(s.steps[1]?.expectError).toEqual({ code: 'INVALID_STATE', message: 'not allowed' });
  });

  it("every step kind's documented example parses", () => {
    const setup = `${ONE_PAIR.replace('  pairs:', '    - name: db-1\n  pairs:')}steps:\n  - startReplication: web\n`;
    for (const kind of STEP_KINDS) {
      const example = STEP_SPECS[kind].example.replace(/^/gm, '  ');
      // Examples name pairs web and db; db exists once the attach example ran.
      const prefix =
        kind === 'attach' || example.includes('db-1') ? '' : '  - attach: { server: db-1, name: db }\n';
      const s = scenario(`${setup}${prefix}${example}\n`, `${kind}.scenario.yaml`);
      expect(s.steps.map((step) => step.kind)).toContain(kind);
    }
  });
});
