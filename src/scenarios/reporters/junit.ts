/**
 * JUnit XML, as CI systems read it: a testsuite per scenario file, a testcase per run (named
 * with its seed), a <failure> with the whole failure report, and an <error> per invalid file.
 */
import type { ScenarioResult } from '../runner.js';
import { formatProblem, type Problem } from '../yaml-source.js';
import { formatFailure } from './pretty.js';

/** Escapes text for XML, dropping characters XML 1.0 cannot hold at all. */
export function xmlEscape(text: string): string {
  return text
    .replace(/[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;');
}

const attrs = (values: Record<string, string | number>) =>
  Object.entries(values)
    .map(([k, v]) => ` ${k}="${xmlEscape(String(v))}"`)
    .join('');
const secs = (ms: number) => (ms / 1000).toFixed(3);

export function toJUnit(
  results: readonly ScenarioResult[],
  totalMs: number,
  problems: readonly Problem[] = [],
): string {
  const byFile = new Map<string, ScenarioResult[]>();
  for (const result of results) byFile.set(result.file, [...(byFile.get(result.file) ?? []), result]);
  const failures = results.filter((r) => r.status === 'failed').length;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({ name: 'drsim scenarios', tests: results.length + problems.length, failures, errors: problems.length, time: secs(totalMs) })}>`,
  ];
  for (const [file, runs] of byFile) {
    const time = runs.reduce((sum, r) => sum + r.durationMs, 0);
    const failed = runs.filter((r) => r.status === 'failed').length;
    lines.push(
      `  <testsuite${attrs({ name: file, tests: runs.length, failures: failed, errors: 0, time: secs(time) })}>`,
    );
    for (const run of runs) {
      const head = `    <testcase${attrs({ classname: file, name: `${run.name} (seed ${run.seed})`, time: secs(run.durationMs) })}`;
      if (!run.failure) {
        lines.push(`${head}/>`);
        continue;
      }
      lines.push(
        `${head}>`,
        `      <failure${attrs({ message: run.failure.message, type: run.failure.checkers ? 'InvariantViolation' : 'StepFailure' })}>${xmlEscape(formatFailure(run))}</failure>`,
        '    </testcase>',
      );
    }
    lines.push('  </testsuite>');
  }
  if (problems.length > 0) {
    lines.push(
      `  <testsuite${attrs({ name: 'invalid scenario files', tests: problems.length, failures: 0, errors: problems.length, time: '0.000' })}>`,
    );
    for (const problem of problems) {
      lines.push(
        `    <testcase${attrs({ classname: problem.file, name: `${problem.file}:${problem.line}`, time: '0.000' })}>`,
        `      <error${attrs({ message: problem.message, type: 'InvalidScenario' })}>${xmlEscape(formatProblem(problem))}</error>`,
        '    </testcase>',
      );
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}
