/**
 * `drsim run [files or folders...]`: runs scenario files in-process (default) or against a
 * server (`--target`), with seeds, repeats, shards and a choice of report. Exit code 0 when
 * every run passed, 1 when one failed, 2 when a file is invalid (or an option is).
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadScenarios } from '../../scenarios/discover.js';
import { parseShard, planRuns } from '../../scenarios/plan.js';
import { toJson } from '../../scenarios/reporters/json.js';
import { toJUnit } from '../../scenarios/reporters/junit.js';
import { Progress, toPrettyText } from '../../scenarios/reporters/pretty.js';
import { runAll } from '../../scenarios/runner.js';
import { inProcessTarget, remoteTarget } from '../../scenarios/targets.js';
import { formatProblem } from '../../scenarios/yaml-source.js';
import { UsageError } from '../args.js';

export const RUN_USAGE = `Usage: drsim run [files or folders...] [options]

Runs scenario files (*.scenario.yaml; default: the scenarios/ folder). Every invariant checker
runs after every step. See docs/scenarios.md for the file format.

Options:
  --target URL       run against a drsim server (or any server implementing its API)
                     instead of in-process; each run imports a fresh state seeded like it
  --token T          the bearer token for --target (required with it)
  --admin-token T    the control API's token, when the server has one
  --tenant NAME      the token's tenant, when the server maps tokens to tenants (default: the token)
  --seed N           use this seed instead of each scenario's own
  --repeat N         run each scenario N times with N seeds derived from its seed (chaos)
  --shard K/N        run only the K-th of N deterministic shares of the runs (CI jobs)
  --grep TEXT        only scenarios whose file or name contains TEXT
  --bail             stop at the first failure
  --reporter R       pretty (default), junit or json
  --out FILE         write the report to FILE; progress still goes to the terminal
  --list             print the runs (file, seed, name) without running them
  --help             this text

Progress is a live line on a terminal and plain lines in CI (CI set, or output not a terminal).
A failure prints the seed, the step (file:line), what was expected and found, the last events
and one command that reproduces it.

Exit codes: 0 every run passed, 1 a run failed, 2 a scenario file (or an option) is invalid.
`;

const FLAGS = {
  target: { type: 'string' },
  token: { type: 'string' },
  'admin-token': { type: 'string' },
  tenant: { type: 'string' },
  seed: { type: 'string' },
  repeat: { type: 'string' },
  shard: { type: 'string' },
  grep: { type: 'string' },
  bail: { type: 'boolean' },
  reporter: { type: 'string' },
  out: { type: 'string' },
  list: { type: 'boolean' },
  help: { type: 'boolean' },
} as const;

const REPORTERS = ['pretty', 'junit', 'json'] as const;

function wholeNumber(flag: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text.trim()) || Number(text) < min || !Number.isSafeInteger(Number(text))) {
    throw new UsageError(`--${flag} ${text}: expected a whole number of at least ${min}`);
  }
  return Number(text);
}

function parse(argv: string[]) {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof FLAGS; allowPositionals: true; strict: true }>>;
  try {
    parsed = parseArgs({ args: argv, options: FLAGS, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  const { values, positionals } = parsed;
  const reporter = values.reporter ?? 'pretty';
  if (!(REPORTERS as readonly string[]).includes(reporter)) {
    throw new UsageError(`--reporter ${reporter}: expected one of ${REPORTERS.join(', ')}`);
  }
  const shard = values.shard === undefined ? undefined : parseShard(values.shard);
  if (shard === null) throw new UsageError(`--shard ${values.shard}: expected K/N with 1 ≤ K ≤ N, e.g. 2/4`);
  if (values.target !== undefined && values.token === undefined) {
    throw new UsageError('--target needs --token (the bearer token of the public API)');
  }
  return {
    ...values,
    paths: positionals.length > 0 ? positionals : ['scenarios'],
    reporter: reporter as (typeof REPORTERS)[number],
    shard,
    seed: wholeNumber('seed', values.seed, 0),
    repeat: wholeNumber('repeat', values.repeat, 1),
  };
}

export async function run(argv: string[]): Promise<number> {
  const args = parse(argv);
  if (args.help) {
    process.stdout.write(RUN_USAGE);
    return 0;
  }
  const { scenarios, problems } = loadScenarios(args.paths);
  const grep = args.grep?.toLowerCase();
  const chosen = grep
    ? scenarios.filter((s) => `${s.file} ${s.name}`.toLowerCase().includes(grep))
    : scenarios;
  const units = planRuns(chosen, {
    ...(args.seed !== undefined && { seed: args.seed }),
    ...(args.repeat !== undefined && { repeat: args.repeat }),
    ...(args.shard && { shard: args.shard }),
  });

  const report = (text: string) => (args.out ? writeFileSync(args.out, text) : process.stdout.write(text));
  if (problems.length > 0) {
    process.stderr.write(
      `${problems.map(formatProblem).join('\n')}\n\n${problems.length} problem(s) in scenario files; nothing was run.\n`,
    );
    if (args.reporter === 'junit') report(toJUnit([], 0, problems));
    if (args.reporter === 'json') report(toJson([], 0, problems));
    return 2;
  }
  if (args.list) {
    for (const unit of units)
      process.stdout.write(`${unit.scenario.file}\tseed ${unit.seed}\t${unit.scenario.name}\n`);
    return 0;
  }

  const target =
    args.target === undefined
      ? inProcessTarget()
      : remoteTarget({
          url: args.target,
          token: args.token as string,
          ...(args['admin-token'] !== undefined && { adminToken: args['admin-token'] }),
          ...(args.tenant !== undefined && { tenant: args.tenant }),
        });
  // A machine-readable report on stdout keeps stdout clean: progress goes to stderr then.
  const progressStream = args.reporter !== 'pretty' && !args.out ? process.stderr : process.stdout;
  const terminal = Boolean((progressStream as NodeJS.WriteStream).isTTY) && !process.env.CI;
  const progress = new Progress(progressStream, terminal, terminal && !process.env.NO_COLOR);

  const started = performance.now();
  const results = await runAll(units, target, {
    ...(args.bail && { bail: true }),
    onStart: (unit, index, total) => progress.start(unit, index, total),
    onResult: (result) => progress.result(result),
  });
  const totalMs = Math.round(performance.now() - started);
  progress.summary(results, totalMs);
  if (args.reporter === 'junit') report(toJUnit(results, totalMs));
  if (args.reporter === 'json') report(toJson(results, totalMs));
  if (args.reporter === 'pretty' && args.out) report(toPrettyText(results, totalMs));
  return results.some((r) => r.status === 'failed') ? 1 : 0;
}
