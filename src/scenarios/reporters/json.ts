/** The machine-readable report: every run with its outcome and, for a failure, all its details. */
import type { ScenarioResult } from '../runner.js';
import type { Problem } from '../yaml-source.js';

export function toJson(
  results: readonly ScenarioResult[],
  totalMs: number,
  problems: readonly Problem[] = [],
): string {
  const failed = results.filter((r) => r.status === 'failed').length;
  return `${JSON.stringify(
    {
      format: 'drsim-scenario-report',
      version: 1,
      summary: {
        runs: results.length,
        passed: results.length - failed,
        failed,
        invalidFiles: problems.length,
        durationMs: totalMs,
      },
      problems,
      results: results.map(({ transitions: _t, ...result }) => result),
    },
    null,
    2,
  )}\n`;
}
