/** `drsim coverage`: runs the scenario library in-process and reports the statechart it exercised. */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { coverageMarkdown, coverageOf } from '../../scenarios/coverage.js';
import { loadScenarios } from '../../scenarios/discover.js';
import { planRuns } from '../../scenarios/plan.js';
import { runAll } from '../../scenarios/runner.js';
import { inProcessTarget } from '../../scenarios/targets.js';
import { formatProblem } from '../../scenarios/yaml-source.js';
import { UsageError } from '../args.js';

export const COVERAGE_USAGE = `Usage: drsim coverage [files or folders...] [--format markdown|json] [--out FILE]

Runs the scenarios (default: the scenarios/ folder) in-process and reports which statechart
states and transitions they exercised, as tables, with the states and transitions no scenario
reaches.

Options:
  --format F   markdown (default) or json
  --out FILE   write the report to FILE instead of the terminal
  --help       this text

Exit codes: 0 the report was made (failed scenarios count up to their failure, and are named
on stderr), 2 a scenario file is invalid.
`;

export async function run(argv: string[]): Promise<number> {
  let parsed: { values: { format?: string; out?: string; help?: boolean }; positionals: string[] };
  try {
    parsed = parseArgs({
      args: argv,
      options: { format: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(COVERAGE_USAGE);
    return 0;
  }
  const format = values.format ?? 'markdown';
  if (format !== 'markdown' && format !== 'json')
    throw new UsageError(`--format ${format}: expected markdown or json`);
  const paths = positionals.length > 0 ? positionals : ['scenarios'];
  const { scenarios, problems } = loadScenarios(paths);
  if (problems.length > 0) {
    process.stderr.write(`${problems.map(formatProblem).join('\n')}\n`);
    return 2;
  }
  const results = await runAll(planRuns(scenarios), inProcessTarget());
  for (const failed of results.filter((r) => r.status === 'failed')) {
    process.stderr.write(
      `failed: ${failed.failure?.location ?? failed.file}: ${failed.failure?.message ?? ''}\n`,
    );
  }
  const report = coverageOf(results);
  const text =
    format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : coverageMarkdown(report, paths.join(' '));
  if (values.out) writeFileSync(values.out, text);
  else process.stdout.write(text);
  return 0;
}
