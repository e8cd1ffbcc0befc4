/** The counts every report shows; each counts exactly what its name says. */
import type { ScenarioResult } from '../runner.js';
import type { Problem } from '../yaml-source.js';

export interface ReportOptions {
  /** Wall-clock durations in the report (default true); `--no-timing` leaves them out. */
  timing?: boolean;
}

export interface Summary {
  /** Runs planned: passed + failed + skipped. */
  runs: number;
  passed: number;
  failed: number;
  /** Runs not made because `--bail` stopped at a failure. */
  skipped: number;
  /** Runs with at least one warning (e.g. a fault rule that never fired). */
  runsWithWarnings: number;
  /** Scenario files (or paths) with at least one problem. */
  invalidFiles: number;
  /** Problems found in those files. */
  problems: number;
}

export function summarize(results: readonly ScenarioResult[], problems: readonly Problem[]): Summary {
  const count = (status: ScenarioResult['status']) => results.filter((r) => r.status === status).length;
  return {
    runs: results.length,
    passed: count('passed'),
    failed: count('failed'),
    skipped: count('skipped'),
    runsWithWarnings: results.filter((r) => r.warnings.length > 0).length,
    invalidFiles: new Set(problems.map((p) => p.file)).size,
    problems: problems.length,
  };
}
