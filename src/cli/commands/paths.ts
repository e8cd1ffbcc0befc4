/** `drsim paths`: every user journey through the lifecycle, as a Markdown checklist. */
import { parseArgs } from 'node:util';
import { type DrPairStatus, STATUSES } from '../../machine/index.js';
import { journeys, journeysMarkdown } from '../../scenarios/paths.js';
import { UsageError } from '../args.js';

export const PATHS_USAGE = `Usage: drsim paths [--to STATUS] [--max-depth N] [--revisits N]

Lists every distinct user journey through the DR pair lifecycle, from a freshly attached pair: user
actions the statechart allows and the outcomes the service reports (succeeds, fails,
replication fails...), never in the same state twice, as a Markdown checklist grouped by
where the journeys end.

Options:
  --to STATUS     journeys that reach this status (default: those ending in a final state,
                  COMMITTED or DETACHED); one of ${STATUSES.join(', ')}
  --max-depth N   the most steps in a journey (default 8)
  --revisits N    let a journey come back to a state N times, to list retry loops such as
                  "failover fails, failover again" (default 0: no state twice)
  --help          this text
`;

export async function run(argv: string[]): Promise<number> {
  let values: { to?: string; 'max-depth'?: string; revisits?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        to: { type: 'string' },
        'max-depth': { type: 'string' },
        revisits: { type: 'string' },
        help: { type: 'boolean' },
      },
      strict: true,
    }));
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  if (values.help) {
    process.stdout.write(PATHS_USAGE);
    return 0;
  }
  const to = values.to?.toUpperCase();
  if (to !== undefined && !(STATUSES as readonly string[]).includes(to)) {
    throw new UsageError(`--to ${values.to}: expected one of ${STATUSES.join(', ')}`);
  }
  const depthText = values['max-depth'] ?? '8';
  const maxDepth = Number(depthText);
  if (!/^\d+$/.test(depthText) || maxDepth < 1 || maxDepth > 20)
    throw new UsageError(`--max-depth ${depthText}: expected 1 to 20`);
  const revisitsText = values.revisits ?? '0';
  const revisits = Number(revisitsText);
  if (!/^\d+$/.test(revisitsText) || revisits > 3)
    throw new UsageError(`--revisits ${revisitsText}: expected 0 to 3`);
  const options = { maxDepth, revisits, ...(to !== undefined && { to: to as DrPairStatus }) };
  process.stdout.write(journeysMarkdown(journeys(options), options));
  return 0;
}
