/**
 * The human report: one line per run, a block for each failure (seed, step and line, expected
 * and found, the last events, the command that replays it), and a summary. On a terminal a
 * live line shows the run in progress; in CI (or piped) only plain lines are written.
 */
import type { RunUnit } from '../plan.js';
import type { ScenarioResult } from '../runner.js';
import { type ReportOptions, summarize } from './summary.js';

export interface Style {
  ok(text: string): string;
  bad(text: string): string;
  dim(text: string): string;
}

const plain: Style = { ok: (t) => t, bad: (t) => t, dim: (t) => t };
const ansi: Style = {
  ok: (t) => `\x1b[32m${t}\x1b[39m`,
  bad: (t) => `\x1b[31m${t}\x1b[39m`,
  dim: (t) => `\x1b[2m${t}\x1b[22m`,
};

const indent = (text: string, pad: string) => text.split('\n').join(`\n${pad}`);
const seconds = (ms: number) => (ms < 1000 ? `${ms}ms` : `${(ms / 1000).toFixed(1)}s`);

export function formatResultLine(result: ScenarioResult, style: Style = plain, timing = true): string {
  const mark =
    result.status === 'passed' ? style.ok('✓') : result.status === 'skipped' ? '-' : style.bad('✗');
  const detail =
    result.status === 'skipped'
      ? 'skipped: an earlier failure stopped the run'
      : timing
        ? seconds(result.durationMs)
        : undefined;
  const line = `${mark} ${result.file} — ${result.name} ${style.dim(`(seed ${result.seed}${detail ? `, ${detail}` : ''})`)}`;
  return [line, ...result.warnings.map((w) => `  ${style.bad('warning:')} ${w}`)].join('\n');
}

export function formatFailure(result: ScenarioResult, style: Style = plain): string {
  const f = result.failure;
  if (!f) return '';
  const where = f.step === 0 ? 'setup' : `step ${f.step} (${f.kind})`;
  const lines = [
    `  ${where} at ${f.location}, seed ${result.seed}, target ${result.target}`,
    `  ${style.bad(indent(f.message, '  '))}`,
  ];
  if (f.expected !== undefined) lines.push(`  expected: ${indent(f.expected, '            ')}`);
  if (f.found !== undefined) lines.push(`  found:    ${indent(f.found, '            ')}`);
  if (f.lastEvents.length > 0)
    lines.push('  last events:', ...f.lastEvents.map((e) => `    ${style.dim(e)}`));
  lines.push(`  reproduce: ${f.reproduce}`);
  return lines.join('\n');
}

export function formatSummary(
  results: readonly ScenarioResult[],
  totalMs: number,
  style: Style = plain,
  timing = true,
): string {
  const failed = results.filter((r) => r.status === 'failed');
  const { passed, skipped, runsWithWarnings } = summarize(results, []);
  const counts = [
    style.ok(`${passed} passed`),
    failed.length > 0 && style.bad(`${failed.length} failed`),
    skipped > 0 && `${skipped} skipped`,
    runsWithWarnings > 0 && style.bad(`${runsWithWarnings} with warnings`),
  ]
    .filter(Boolean)
    .join(', ');
  const lines = [
    `${counts} (${results.length} runs${timing ? `, ${seconds(totalMs)}` : ''}, ${results[0]?.target ?? 'in-process'})`,
  ];
  if (failed.length > 0) {
    lines.push(
      '',
      'Failed:',
      ...failed.map((r) => `  ${r.failure?.location ?? r.file}  ${style.dim(r.failure?.reproduce ?? '')}`),
    );
  }
  return lines.join('\n');
}

/** The whole report as plain text, for `--out` with the pretty reporter. */
export function toPrettyText(
  results: readonly ScenarioResult[],
  totalMs: number,
  options: ReportOptions = {},
): string {
  const timing = options.timing ?? true;
  const blocks = results.map((r) =>
    [formatResultLine(r, plain, timing), ...(r.failure ? [formatFailure(r)] : [])].join('\n'),
  );
  return `${[...blocks, '', formatSummary(results, totalMs, plain, timing)].join('\n')}\n`;
}

/** Writes the report as runs start and end; `live` redraws a status line on a terminal. */
export class Progress {
  private readonly style: Style;
  private liveLine = false;

  constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly live: boolean,
    color: boolean,
    private readonly timing = true,
  ) {
    this.style = color ? ansi : plain;
  }

  private clear(): void {
    if (this.liveLine) this.out.write('\r\x1b[2K');
    this.liveLine = false;
  }

  start(unit: RunUnit, index: number, total: number): void {
    if (!this.live) return;
    this.clear();
    this.out.write(this.style.dim(`[${index + 1}/${total}] ${unit.scenario.file} (seed ${unit.seed})…`));
    this.liveLine = true;
  }

  result(result: ScenarioResult): void {
    this.clear();
    this.out.write(`${formatResultLine(result, this.style, this.timing)}\n`);
    if (result.failure) this.out.write(`${formatFailure(result, this.style)}\n`);
  }

  summary(results: readonly ScenarioResult[], totalMs: number): void {
    this.clear();
    for (const skipped of results.filter((r) => r.status === 'skipped'))
      this.out.write(`${formatResultLine(skipped, this.style, this.timing)}\n`);
    this.out.write(`\n${formatSummary(results, totalMs, this.style, this.timing)}\n`);
  }
}
