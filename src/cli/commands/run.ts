/**
 * `drsim run [files or folders...]`: runs scenario files in-process (default) or against a
 * server (`--target`), with seeds, repeats, shards and a choice of report. Exit code 0 when
 * every run passed, 1 when one failed, 2 when a file is invalid (or an option is).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadScenarios } from '../../scenarios/discover.js';
import { parseShard, planRuns } from '../../scenarios/plan.js';
import { MAX_SEED } from '../../scenarios/prng.js';
import { toJson } from '../../scenarios/reporters/json.js';
import { toJUnit } from '../../scenarios/reporters/junit.js';
import { Progress, toPrettyText } from '../../scenarios/reporters/pretty.js';
import { runAll, type ScenarioResult } from '../../scenarios/runner.js';
import { inProcessTarget, remoteTarget, remoteTargetProblem } from '../../scenarios/targets.js';
import { formatProblem } from '../../scenarios/yaml-source.js';
import { UsageError } from '../args.js';

export const RUN_USAGE = `Usage: drsim run [files or folders...] [options]

Runs scenario files (*.scenario.yaml; default: the scenarios/ folder). Every invariant checker
runs after every step. See docs/scenarios.md for the file format.

Options:
  --target URL       run against a served drsim instead of in-process: each run gets a fresh
                     ephemeral tenant of its own (seeded like it), removed afterwards; no
                     other tenant is read or changed, so shards and a demo can share a server
  --token T          a full-access bearer token of the server (default: DRSIM_TOKEN); the
                     server says which tenant it is
  --admin-token T    the admin token (default: DRSIM_ADMIN_TOKEN), needed only when --token
                     is read-only
  --keep             leave each run's tenant on the server (its name is printed)
  --seed N           use this seed instead of each scenario's own (0 to 4294967295)
  --repeat N         run each scenario N times with N seeds derived from its seed (chaos)
  --shard K/N        run only the K-th of N deterministic shares of the runs (CI jobs)
  --grep TEXT        only scenarios whose file or name contains TEXT
  --bail             stop at the first failure
  --reporter R       pretty (default), junit or json
  --out FILE         write the report to FILE (its folder is created); progress still goes
                     to the terminal
  --no-timing        leave wall-clock times out of the reports, so that two runs with the same
                     seed give byte-identical JSON and JUnit
  --list             print the runs (file, seed, name) without running them
  --help             this text

Progress is a live line on a terminal and plain lines in CI (CI set, or output not a terminal).
A failure prints the seed, the step (file:line), what was expected and found, the last events
and one command that reproduces it.

A file with a mistake makes the whole command invalid: every problem of every file is printed
and nothing is run.

Exit codes: 0 every run passed; 1 a run failed; 2 invalid input or configuration: a scenario
file with a mistake, a bad option, --grep matching no scenario, or a --target that does not
answer or refuses the token (one error, nothing run).

Against a --target the reproduce command names the target but no token: it reads
DRSIM_TOKEN (and DRSIM_ADMIN_TOKEN), so no secret is ever printed.
`;

const FLAGS = {
  target: { type: 'string' },
  token: { type: 'string' },
  'admin-token': { type: 'string' },
  tenant: { type: 'string' },
  keep: { type: 'boolean' },
  seed: { type: 'string' },
  repeat: { type: 'string' },
  shard: { type: 'string' },
  grep: { type: 'string' },
  bail: { type: 'boolean' },
  reporter: { type: 'string' },
  out: { type: 'string' },
  list: { type: 'boolean' },
  'no-timing': { type: 'boolean' },
  help: { type: 'boolean' },
} as const;

const REPORTERS = ['pretty', 'junit', 'json'] as const;

const nonEmpty = (text: string | undefined): string | undefined => (text ? text : undefined);

function wholeNumber(flag: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || value < min || value > max) {
    throw new UsageError(`--${flag} ${text}: expected a whole number from ${min} to ${max}`);
  }
  return value;
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
  const token = values.token ?? nonEmpty(process.env.DRSIM_TOKEN);
  const adminToken = values['admin-token'] ?? nonEmpty(process.env.DRSIM_ADMIN_TOKEN);
  if (values.target !== undefined && token === undefined) {
    throw new UsageError('--target needs --token or DRSIM_TOKEN (a bearer token of the server)');
  }
  return {
    ...values,
    token,
    adminToken,
    paths: positionals.length > 0 ? positionals : ['scenarios'],
    reporter: reporter as (typeof REPORTERS)[number],
    shard,
    seed: wholeNumber('seed', values.seed, 0, MAX_SEED),
    repeat: wholeNumber('repeat', values.repeat, 1, 100_000),
    timing: !values['no-timing'],
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
  const options = { timing: args.timing };

  const report = (text: string) => {
    if (!args.out) return process.stdout.write(text);
    mkdirSync(dirname(resolve(args.out)), { recursive: true });
    writeFileSync(args.out, text);
  };
  if (problems.length > 0) {
    const files = new Set(problems.map((p) => p.file)).size;
    process.stderr.write(
      `${problems.map(formatProblem).join('\n')}\n\n${problems.length} problem(s) in ${files} scenario file(s); nothing was run.\n`,
    );
    if (args.reporter === 'junit') report(toJUnit([], 0, problems, options));
    if (args.reporter === 'json') report(toJson([], 0, problems, options));
    return 2;
  }
  if (grep !== undefined && chosen.length === 0) {
    process.stderr.write(
      `drsim run: --grep ${JSON.stringify(args.grep)} matches none of the ${scenarios.length} scenario(s) in ${args.paths.join(' ')}; nothing was run.\n`,
    );
    return 2;
  }
  if (args.list) {
    for (const unit of units)
      process.stdout.write(`${unit.scenario.file}\tseed ${unit.seed}\t${unit.scenario.name}\n`);
    return 0;
  }

  const remote =
    args.target === undefined
      ? undefined
      : {
          url: args.target,
          token: args.token as string,
          ...(args.adminToken !== undefined && { adminToken: args.adminToken }),
          ...(args.keep && { keep: true }),
          onKept: (tenant: string, file: string) =>
            process.stderr.write(`drsim run: kept tenant ${tenant} (${file})\n`),
        };
  if (remote !== undefined) {
    if (args.tenant !== undefined) {
      process.stderr.write(
        'drsim run: --tenant is ignored: the server says which tenant the token is, and each run gets a tenant of its own.\n',
      );
    }
    const unreachable = await unreachableReason(remote.url);
    if (unreachable !== null) {
      process.stderr.write(
        `drsim run: --target ${remote.url} does not answer (${unreachable}); nothing was run.\n`,
      );
      return 2;
    }
    const problem = await remoteTargetProblem(remote);
    if (problem !== null) {
      process.stderr.write(`drsim run: --target ${remote.url}: ${problem}; nothing was run.\n`);
      return 2;
    }
  }
  const target = remote === undefined ? inProcessTarget() : remoteTarget(remote);
  // A machine-readable report on stdout keeps stdout clean: progress goes to stderr then.
  const progressStream = args.reporter !== 'pretty' && !args.out ? process.stderr : process.stdout;
  const terminal = Boolean((progressStream as NodeJS.WriteStream).isTTY) && !process.env.CI;
  const progress = new Progress(progressStream, terminal, terminal && !process.env.NO_COLOR, args.timing);

  const started = performance.now();
  const gone = args.target === undefined ? undefined : watchTarget(args.target);
  const results = await runAll(units, target, {
    ...(args.bail && { bail: true }),
    ...(gone && { stopAfter: gone.stopAfter }),
    onStart: (unit, index, total) => progress.start(unit, index, total),
    onResult: (result) => progress.result(result),
  });
  const totalMs = Math.round(performance.now() - started);
  progress.summary(results, totalMs);
  if (args.reporter === 'junit') report(toJUnit(results, totalMs, [], options));
  if (args.reporter === 'json') report(toJson(results, totalMs, [], options));
  if (args.reporter === 'pretty' && args.out) report(toPrettyText(results, totalMs, options));
  const lost = gone?.reason();
  if (lost) {
    process.stderr.write(
      `drsim run: --target ${args.target} stopped answering (${lost}); the runs after it were not made.\n`,
    );
    return 2;
  }
  return results.some((r) => r.status === 'failed') ? 1 : 0;
}

/**
 * A server that stops answering mid-run is one configuration error, not a failure per
 * scenario: after a run failed on a lost connection, the target is asked for its health, and
 * when it does not answer the remaining runs are skipped.
 */
export function watchTarget(url: string) {
  let lost: string | null = null;
  return {
    stopAfter: async (result: ScenarioResult): Promise<boolean> => {
      if (!/CONNECTION_LOST|fetch failed|ECONNREFUSED/.test(result.failure?.message ?? '')) return false;
      lost = await unreachableReason(url);
      return lost !== null;
    },
    reason: (): string | null => lost,
  };
}

/** Null when the server answers its health check; otherwise why not, in a few words. */
async function unreachableReason(url: string): Promise<string | null> {
  let health: URL;
  try {
    health = new URL('_sim/health', url.endsWith('/') ? url : `${url}/`);
  } catch {
    return 'not a URL';
  }
  try {
    const response = await fetch(health, { signal: AbortSignal.timeout(10_000) });
    await response.body?.cancel();
    return response.ok ? null : `GET ${health.pathname} answered ${response.status}`;
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    return cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
  }
}
