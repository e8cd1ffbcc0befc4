/**
 * The reports: JUnit XML that a strict well-formedness check accepts (whatever the failure
 * text holds), JSON that reads back, and the human report with everything needed to replay.
 */
import { describe, expect, it } from 'vitest';
import { toJson } from '../../src/scenarios/reporters/json.js';
import { toJUnit } from '../../src/scenarios/reporters/junit.js';
import { formatFailure, formatResultLine, formatSummary } from '../../src/scenarios/reporters/pretty.js';
import type { ScenarioResult } from '../../src/scenarios/runner.js';
import { run, withSteps } from './helpers.js';
import { parseXml } from './xml.js';

const passed: ScenarioResult = {
  file: 'scenarios/a.scenario.yaml',
  name: 'A & B <passes>',
  seed: 1,
  repeat: 0,
  target: 'in-process',
  status: 'passed',
  durationMs: 12,
  steps: 3,
  stepsRun: 3,
  warnings: [],
  fingerprint: 'sha256:00',
  transitions: [],
};

const nasty = 'quotes " \' ampersand & less < greater > control \u0001\u0008 ]]> emoji 🚀 entity &amp;';
const failed: ScenarioResult = {
  ...passed,
  file: 'scenarios/b.scenario.yaml',
  name: `fails ${nasty}`,
  seed: 7,
  status: 'failed',
  stepsRun: 1,
  failure: {
    step: 2,
    kind: 'expectStatus',
    location: 'scenarios/b.scenario.yaml:14',
    message: `status is not as expected ${nasty}`,
    expected: 'status "COMMITTED"',
    found: `status <FAILED_OVER> ${nasty}`,
    lastEvents: ['2026-01-05T00:00:00Z web pair.transition A → B', nasty],
    reproduce: "npx drsim run 'scenarios/b.scenario.yaml' --seed 7",
  },
};

describe('JUnit', () => {
  it('is well-formed XML with a suite per file, a case per run and the failure in full', () => {
    const xml = toJUnit([passed, failed, { ...passed, seed: 2, repeat: 1 }], 1234);
    const root = parseXml(xml);
    expect(root.name).toBe('testsuites');
    expect(root.attrs).toMatchObject({ tests: '3', failures: '1', errors: '0', time: '1.234' });
    expect(root.children.map((s) => [s.attrs.name, s.attrs.tests, s.attrs.failures])).toEqual([
      ['scenarios/a.scenario.yaml', '2', '0'],
      ['scenarios/b.scenario.yaml', '1', '1'],
    ]);
    const [suiteA, suiteB] = root.children;
    expect(suiteA?.children.map((c) => c.attrs.name)).toEqual([
      'A & B <passes> (seed 1)',
      'A & B <passes> (seed 2)',
    ]);
    const failure = suiteB?.children[0]?.children[0];
    expect(failure?.name).toBe('failure');
    expect(failure?.attrs.message).toContain(
      'status is not as expected quotes " \' ampersand & less < greater >',
    );
    expect(failure?.text).toContain('reproduce: npx drsim run');
    expect(failure?.text).toContain('found:    status <FAILED_OVER>');
    expect(failure?.text).toContain('emoji 🚀');
  });

  it('lists invalid files as errors', () => {
    const root = parseXml(
      toJUnit([], 0, [{ file: 'x.scenario.yaml', line: 3, col: 5, message: 'unknown step "falover" <&>' }]),
    );
    expect(root.attrs).toMatchObject({ tests: '1', errors: '1' });
    expect(root.children[0]?.children[0]?.children[0]?.attrs.message).toBe(
      '1 problem(s): unknown step "falover" <&>',
    );
  });

  it('the checker itself refuses what is not well-formed', () => {
    for (const bad of [
      '<a><b></a></b>',
      '<a x="1" x="2"/>',
      '<a>&nbsp;</a>',
      '<a>1 < 2</a>',
      '<a/><b/>',
      '<a>\u0001</a>',
      '<a x=1/>',
    ]) {
      expect(() => parseXml(bad), bad).toThrow();
    }
  });

  it('a real failing run reports as valid JUnit', async () => {
    const result = await run(withSteps('  - expectStatus: COMMITTED\n'));
    const root = parseXml(toJUnit([result], result.durationMs));
    expect(root.children[0]?.children[0]?.children[0]?.attrs.type).toBe('StepFailure');
  });
});

describe('JSON and pretty reports', () => {
  it('JSON reads back with the summary and every failure detail', () => {
    const report = JSON.parse(toJson([passed, failed], 99));
    expect(report.summary).toEqual({
      runs: 2,
      passed: 1,
      failed: 1,
      skipped: 0,
      runsWithWarnings: 0,
      invalidFiles: 0,
      problems: 0,
      durationMs: 99,
    });
    expect(report.results[0].fingerprint).toBe('sha256:00');
    expect(report.results[1].failure.reproduce).toBe(failed.failure?.reproduce);
    expect(report.results[0].transitions).toBeUndefined();
  });

  it('pretty shows the seed, the step and its line, expected, found, the events and the replay command', () => {
    expect(formatResultLine(failed)).toBe(`✗ scenarios/b.scenario.yaml — ${failed.name} (seed 7, 12ms)`);
    const text = formatFailure(failed);
    for (const part of [
      'step 2 (expectStatus) at scenarios/b.scenario.yaml:14, seed 7',
      'expected: status "COMMITTED"',
      'found:    status <FAILED_OVER>',
      'last events:',
      'reproduce: npx drsim run',
    ]) {
      expect(text).toContain(part);
    }
    expect(formatSummary([passed, failed], 2500)).toMatch(
      /^1 passed, 1 failed \(2 runs, 2\.5s, in-process\)\n\nFailed:\n {2}scenarios\/b\.scenario\.yaml:14 /,
    );
  });
});
