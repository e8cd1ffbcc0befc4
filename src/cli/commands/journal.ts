/**
 * `drsim journal export`: a tenant's request journal from a served drsim, as JSON or, with
 * `--as-scenario`, as a scenario file that replays the session and checks its answers
 * (src/scenarios/from-journal.ts) — for a client developer to attach to a bug report.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createClient } from '../../client/client.js';
import { DrsimApiError, DrsimNetworkError } from '../../client/errors.js';
import { journalToScenario } from '../../scenarios/from-journal.js';
import { DEFAULT_CATALOGUE } from '../../sim/regions.js';
import { UsageError } from '../args.js';

export const JOURNAL_USAGE = `Usage: drsim journal export --target URL [options]

Writes a tenant's request journal (GET /_sim/requests: the tenant's latest 1000 requests to
/v1) from a served drsim: as JSON, or with --as-scenario as a scenario file that replays the
session — the world's seed, time zone, progression and region catalogue, the clock moves
between the requests, the same requests — and expects the same answers (status, problem code,
key fields of the body). Run it with \`drsim run FILE\` (in-process or --target).

Options:
  --target URL       the served drsim (required)
  --token T          the tenant's bearer token (default: DRSIM_TOKEN)
  --admin-token T    the admin token (default: DRSIM_ADMIN_TOKEN), with --tenant for any tenant
  --tenant NAME      whose journal, with the admin token (default: the token's tenant)
  --as-scenario      write a scenario file (YAML) instead of the journal's JSON
  --name TEXT        the scenario's name (default: "Session of TENANT, replayed")
  --out FILE         write to FILE (default: standard output)
  --help             this text

Left out of a scenario, and listed on standard error: requests answered by HTTP chaos or
dropped, requests refused by the caller's policy (401, 403), and requests whose body was over
16 KiB. Exit codes: 0 written, 1 the server refused or did not answer, 2 a bad option.
`;

const FLAGS = {
  help: { type: 'boolean' },
  target: { type: 'string' },
  token: { type: 'string' },
  'admin-token': { type: 'string' },
  tenant: { type: 'string' },
  'as-scenario': { type: 'boolean' },
  name: { type: 'string' },
  out: { type: 'string' },
} as const;

export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h') {
    process.stdout.write(JOURNAL_USAGE);
    return sub === undefined ? 2 : 0;
  }
  if (sub !== 'export') throw new UsageError(`unknown subcommand "${sub}" (expected: export)`);
  let values: ReturnType<typeof parseArgs<{ options: typeof FLAGS; strict: true }>>['values'];
  try {
    ({ values } = parseArgs({ args: rest, options: FLAGS, strict: true, allowPositionals: false }));
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  if (values.help) {
    process.stdout.write(JOURNAL_USAGE);
    return 0;
  }
  if (values.target === undefined) throw new UsageError('--target URL is required');
  if (!/^https?:\/\/[^\s]+$/.test(values.target))
    throw new UsageError(`--target ${values.target}: expected a URL such as http://127.0.0.1:4010`);
  const token = values.token ?? (process.env.DRSIM_TOKEN || undefined);
  const adminToken = values['admin-token'] ?? (process.env.DRSIM_ADMIN_TOKEN || undefined);
  if (token === undefined && adminToken === undefined)
    throw new UsageError("give the tenant's token (--token or DRSIM_TOKEN) or the admin token with --tenant");
  if (token === undefined && values.tenant === undefined)
    throw new UsageError('with the admin token alone, name the tenant: --tenant NAME');

  const client = createClient({
    baseUrl: values.target.replace(/\/+$/, ''),
    token: token ?? '',
    ...(adminToken !== undefined && { adminToken }),
    ...(values.tenant !== undefined && { tenant: values.tenant }),
  });
  let text: string;
  try {
    const entries = await client.sim.requests.find();
    if (!values['as-scenario']) {
      text = `${JSON.stringify(entries, null, 2)}\n`;
    } else {
      const health = await client.sim.health();
      const state = await client.sim.exportState();
      const regions = await client.sim.regions();
      const tenant = health.tenant ?? values.tenant ?? '?';
      // The Snapshot service a session's first use of a region activated does not make it custom.
      const custom = canonical(regions) !== canonical(DEFAULT_CATALOGUE);
      const result = journalToScenario({
        entries,
        name: values.name ?? `Session of ${tenant}, replayed`,
        description: `Exported by drsim journal export --as-scenario from tenant ${tenant} at ${values.target}: ${entries.length} journaled requests.`,
        world: {
          seed: health.worldSeed ?? state.seed,
          timeZone: state.settings.timeZone,
          progression: state.settings.progression,
          ...(custom && { regions }),
        },
      });
      for (const skip of result.skipped)
        process.stderr.write(
          `drsim journal: left out request ${skip.seq} (${skip.request}): ${skip.reason}\n`,
        );
      if (result.truncated)
        process.stderr.write(
          'drsim journal: the journal has lost its oldest requests (it keeps 1000): the scenario starts from the oldest kept, in an empty world, and may not replay as the session went\n',
        );
      text = result.yaml;
    }
  } catch (err) {
    if (DrsimApiError.is(err)) {
      process.stderr.write(`drsim journal: ${err.status} ${err.code}: ${err.problem.detail ?? ''}\n`);
      return 1;
    }
    if (err instanceof DrsimNetworkError) {
      process.stderr.write(`drsim journal: ${values.target} did not answer: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  if (values.out !== undefined) writeFileSync(values.out, text);
  else process.stdout.write(text);
  return 0;
}

/** A catalogue as JSON with keys sorted, without `snapshotServiceEnabled` (use turns it on). */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v)
            .filter(([key]) => key !== 'snapshotServiceEnabled')
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}
