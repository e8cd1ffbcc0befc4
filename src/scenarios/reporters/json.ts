/** The machine-readable report: every run with its outcome and, for a failure, all its details. */
import type { ScenarioResult } from '../runner.js';
import type { Problem } from '../yaml-source.js';
import { type ReportOptions, summarize } from './summary.js';

export function toJson(
  results: readonly ScenarioResult[],
  totalMs: number,
  problems: readonly Problem[] = [],
  options: ReportOptions = {},
): string {
  const timing = options.timing ?? true;
  const summary = summarize(results, problems);
  return `${JSON.stringify(
    {
      format: 'drsim-scenario-report',
      version: 1,
      summary: { ...summary, ...(timing && { durationMs: totalMs }) },
      problems,
      results: results.map(({ transitions: _t, durationMs, ...result }) => ({
        ...result,
        ...(timing && { durationMs }),
      })),
    },
    null,
    2,
  )}\n`;
}
