/** `drsim check-flow FILE`: a product flow replayed on the statechart; exit 0 valid, 1 diverges, 2 invalid file. */
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { checkFlow, formatFlow } from '../../scenarios/flow.js';
import { formatProblem } from '../../scenarios/yaml-source.js';
import { UsageError } from '../args.js';

export const CHECK_FLOW_USAGE = `Usage: drsim check-flow FILE

Checks a flow spec (YAML) against the DR pair statechart. A flow is a list of lines, each a
user action (startReplication, failover, commitFailover: { deleteAllRecoveryPoints: true }...),
an outcome (succeeds, fails, test succeeds, test fails, replication fails, replication
recovers) or what the design shows (expect: Replicating, or expect: { status: REPLICATING,
test: READY }; status names or console labels). It starts from a freshly attached pair.

Prints the state after each line, then that the flow is valid or where it diverges and why:
an action not allowed in that state, explained by the one condition that failed in the
console's words ("the test environment is being cleaned"), with what is possible there; an
outcome nothing could have; or a status that cannot be shown there.

Exit codes: 0 valid, 1 the flow diverges, 2 the file cannot be read.
`;

export async function run(argv: string[]): Promise<number> {
  let parsed: { values: { help?: boolean }; positionals: string[] };
  try {
    parsed = parseArgs({
      args: argv,
      options: { help: { type: 'boolean' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  if (parsed.values.help) {
    process.stdout.write(CHECK_FLOW_USAGE);
    return 0;
  }
  const [file, ...extra] = parsed.positionals;
  if (file === undefined || extra.length > 0)
    throw new UsageError('expected one flow file, e.g. drsim check-flow my.flow.yaml');
  if (!existsSync(file)) {
    process.stderr.write(`${file}: no such file.\n`);
    return 2;
  }
  const result = checkFlow(file, readFileSync(file, 'utf8'));
  if (result.problems.length > 0) {
    process.stderr.write(`${result.problems.map(formatProblem).join('\n')}\n`);
    return 2;
  }
  process.stdout.write(formatFlow(file, result));
  return result.divergence ? 1 : 0;
}
