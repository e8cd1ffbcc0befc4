/** `drsim chart`: the lifecycle statechart, drawn from the machine itself. */
import { parseArgs } from 'node:util';
import { chartGraph, toDot, toMermaid } from '../../machine/chart.js';
import { UsageError } from '../args.js';

export const CHART_USAGE = `Usage: drsim chart [--format mermaid|json|dot]

Prints the DR pair lifecycle statechart (src/machine), generated from the machine's own
definition: a Mermaid state diagram (default), Graphviz dot, or its states and transitions as
JSON. Every format has the machine's transitions exactly; edges are labelled with the action a
person clicks (Failover) or the outcome they see (succeeds), conditions in brackets.

Options:
  --format F   mermaid (default), dot or json
  --help       this text
`;

const FORMATS = ['mermaid', 'json', 'dot'] as const;

export async function run(argv: string[]): Promise<number> {
  let values: { format?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { format: { type: 'string' }, help: { type: 'boolean' } },
      strict: true,
    }));
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  if (values.help) {
    process.stdout.write(CHART_USAGE);
    return 0;
  }
  const format = values.format ?? 'mermaid';
  if (!(FORMATS as readonly string[]).includes(format))
    throw new UsageError(`--format ${format}: expected one of ${FORMATS.join(', ')}`);
  const graph = chartGraph();
  process.stdout.write(
    format === 'json'
      ? `${JSON.stringify(graph, null, 2)}\n`
      : format === 'dot'
        ? toDot(graph)
        : toMermaid(graph),
  );
  return 0;
}
