/**
 * The human report: one line per run, a block for each failure (seed, step and line, expected
 * and found, the last events, the command that replays it), and a summary. On a terminal a
 * live line shows the run in progress; in CI (or piped) only plain lines are written.
 */
import type { RunUnit } from '../plan.js';
import type { ScenarioResult } from '../runner.js';

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

export function formatResultLine(result: ScenarioResult, style: Style = plain): string {
  const mark = result.status === 'passed' ? style.ok('✓') : style.bad('✗');
  return `${mark} ${result.file} — ${result.name} ${style.dim(`(seed ${result.seed}, ${seconds(result.durationMs)})`)}`;
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
): string {
  const failed = results.filter((r) => r.status === 'failed');
  const passed = results.length - failed.length;
  const counts = `${style.ok(`${passed} passed`)}${failed.length > 0 ? `, ${style.bad(`${failed.length} failed`)}` : ''}`;
  const lines = [
    `${counts} (${results.length} runs, ${seconds(totalMs)}, ${results[0]?.target ?? 'in-process'})`,
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
export function toPrettyText(results: readonly ScenarioResult[], totalMs: number): string {
  const blocks = results.map((r) =>
    [formatResultLine(r), ...(r.failure ? [formatFailure(r)] : [])].join('\n'),
  );
  return `${[...blocks, '', formatSummary(results, totalMs)].join('\n')}\n`;
}

/** Writes the report as runs start and end; `live` redraws a status line on a terminal. */
export class Progress {
  private readonly style: Style;
  private liveLine = false;

  constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly live: boolean,
    color: boolean,
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
    this.out.write(`${formatResultLine(result, this.style)}\n`);
    if (result.failure) this.out.write(`${formatFailure(result, this.style)}\n`);
  }

  summary(results: readonly ScenarioResult[], totalMs: number): void {
    this.clear();
    this.out.write(`\n${formatSummary(results, totalMs, this.style)}\n`);
  }
}
