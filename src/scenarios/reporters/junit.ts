/**
 * JUnit XML, as CI systems read it: a testsuite per scenario file, a testcase per run (named
 * with its seed, its fingerprint as a property), a <failure> with the whole failure report, a
 * <skipped> for runs `--bail` did not make, warnings in <system-out>, and one testcase with an
 * <error> per invalid file. Without timing (`--no-timing`) no `time` attribute is written.
 */
import type { ScenarioResult } from '../runner.js';
import { formatProblem, type Problem } from '../yaml-source.js';
import { formatFailure } from './pretty.js';
import { type ReportOptions, summarize } from './summary.js';

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

const attrs = (values: Record<string, string | number | undefined>) =>
  Object.entries(values)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${xmlEscape(String(v))}"`)
    .join('');
const secs = (ms: number) => (ms / 1000).toFixed(3);

export function toJUnit(
  results: readonly ScenarioResult[],
  totalMs: number,
  problems: readonly Problem[] = [],
  options: ReportOptions = {},
): string {
  const timing = options.timing ?? true;
  const time = (ms: number) => (timing ? secs(ms) : undefined);
  const byFile = new Map<string, ScenarioResult[]>();
  for (const result of results) byFile.set(result.file, [...(byFile.get(result.file) ?? []), result]);
  const problemsByFile = new Map<string, Problem[]>();
  for (const problem of problems)
    problemsByFile.set(problem.file, [...(problemsByFile.get(problem.file) ?? []), problem]);
  const summary = summarize(results, problems);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({ name: 'drsim scenarios', tests: results.length + summary.invalidFiles, failures: summary.failed, errors: summary.invalidFiles, skipped: summary.skipped, time: time(totalMs) })}>`,
  ];
  for (const [file, runs] of byFile) {
    const count = (status: ScenarioResult['status']) => runs.filter((r) => r.status === status).length;
    lines.push(
      `  <testsuite${attrs({ name: file, tests: runs.length, failures: count('failed'), errors: 0, skipped: count('skipped'), time: time(runs.reduce((sum, r) => sum + r.durationMs, 0)) })}>`,
    );
    for (const run of runs) {
      lines.push(
        `    <testcase${attrs({ classname: file, name: `${run.name} (seed ${run.seed})`, time: time(run.durationMs) })}>`,
      );
      if (run.status === 'skipped')
        lines.push(
          `      <skipped${attrs({ message: 'not run: an earlier failure stopped the run (--bail, or the target stopped answering)' })}/>`,
        );
      if (run.failure) {
        lines.push(
          `      <failure${attrs({ message: run.failure.message, type: run.failure.checkers ? 'InvariantViolation' : 'StepFailure' })}>${xmlEscape(formatFailure(run))}</failure>`,
        );
      }
      if (run.fingerprint !== null) {
        lines.push(
          '      <properties>',
          `        <property${attrs({ name: 'seed', value: run.seed })}/>`,
          `        <property${attrs({ name: 'fingerprint', value: run.fingerprint })}/>`,
          '      </properties>',
        );
      }
      if (run.warnings.length > 0)
        lines.push(
          `      <system-out>${xmlEscape(run.warnings.map((w) => `warning: ${w}`).join('\n'))}</system-out>`,
        );
      lines.push('    </testcase>');
    }
    lines.push('  </testsuite>');
  }
  if (problemsByFile.size > 0) {
    lines.push(
      `  <testsuite${attrs({ name: 'invalid scenario files', tests: problemsByFile.size, failures: 0, errors: problemsByFile.size, time: time(0) })}>`,
    );
    for (const [file, list] of problemsByFile) {
      lines.push(
        `    <testcase${attrs({ classname: file, name: file, time: time(0) })}>`,
        `      <error${attrs({ message: `${list.length} problem(s): ${list[0]?.message ?? ''}`, type: 'InvalidScenario' })}>${xmlEscape(list.map(formatProblem).join('\n'))}</error>`,
        '    </testcase>',
      );
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}
