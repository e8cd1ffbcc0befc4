/**
 * docs/scenarios.md, written from the step table (src/scenarios/schema/steps.ts): every step
 * kind with its fields and an example. `npx tsx src/scenarios/write-generated.ts` rewrites it
 * (and the JSON Schema); a test fails when either is out of date.
 */
import type { z } from 'zod';
import { ERROR_CODES } from '../sim/errors.js';
import { isOptional, metaOf, typeWords, unwrap } from './schema/introspect.js';
import { STEP_KINDS, STEP_SPECS, type StepCategory } from './schema/steps.js';

const CATEGORIES: { category: StepCategory; title: string; intro: string }[] = [
  {
    category: 'action',
    title: 'User actions',
    intro:
      "Each is one call of the service's API. With `expectError: CODE` the action must be refused with that code, and the refusal must change nothing (the runner compares the pair before and after). An accepted action's job is the `previous` job of later steps; `as: NAME` names it.",
  },
  {
    category: 'simulation',
    title: 'Simulation steps',
    intro:
      'The world around the service: the clock, fault rules, outages, servers powered by hand, data, names for recovery points, chaos.',
  },
  {
    category: 'wait',
    title: 'Waits',
    intro:
      'A wait advances the simulated clock a `poll` at a time (default 30s) until its condition holds; it fails after `timeout` of simulated time (default 2h).',
  },
  {
    category: 'expectation',
    title: 'Expectations',
    intro:
      'An expectation reads the world and changes nothing. A mismatch fails the scenario with what was expected and what was found.',
  },
];

function fieldRows(body: z.ZodObject): string[] {
  return Object.entries(body.shape as Record<string, z.ZodType>).map(([key, schema]) => {
    const { description } = metaOf(schema);
    const required = isOptional(schema) ? '' : ' (required)';
    return `| \`${key}\`${required} | ${typeWords(unwrap(schema)).replaceAll('|', '\\|')} | ${description ?? ''} |`;
  });
}

function stepSection(kind: (typeof STEP_KINDS)[number]): string[] {
  const spec = STEP_SPECS[kind];
  const forms: string[] = [];
  if (spec.shorthand)
    forms.push(
      `Short form: \`- ${kind}: ${typeWords(spec.shorthand.schema).replaceAll('|', 'or')}\` stands for \`{ ${spec.shorthand.key}: … }\`.`,
    );
  if (spec.empty) forms.push(`\`- ${kind}:\` alone takes every default.`);
  const rows = fieldRows(spec.body);
  return [
    `### \`${kind}\``,
    '',
    spec.summary,
    '',
    ...(rows.length > 0 ? ['| field | type | meaning |', '|---|---|---|', ...rows, ''] : []),
    ...(forms.length > 0 ? [forms.join(' '), ''] : []),
    '```yaml',
    spec.example,
    '```',
    '',
  ];
}

export function scenariosDoc(): string {
  const toc = CATEGORIES.map(
    ({ category, title }) =>
      `- ${title}: ${STEP_KINDS.filter((k) => STEP_SPECS[k].category === category)
        .map((k) => `[\`${k}\`](#${k.toLowerCase()})`)
        .join(', ')}`,
  );
  const sections = CATEGORIES.flatMap(({ category, title, intro }) => [
    `## ${title}`,
    '',
    intro,
    '',
    ...STEP_KINDS.filter((k) => STEP_SPECS[k].category === category).flatMap(stepSection),
  ]);
  return `${[
    '# Scenario files',
    '',
    'Generated from `src/scenarios/schema/` by `npx tsx src/scenarios/write-generated.ts`; do not edit by hand',
    '(the test command fails when this page is out of date).',
    '',
    'A scenario is a YAML file, `*.scenario.yaml`, that sets up servers and DR pairs, then runs steps:',
    'user actions, simulation steps, waits and expectations. `drsim run` runs them in-process (the',
    'default: fast, no port) or against a server (`--target URL --token T`). **Every invariant checker of',
    "the engine runs after every step**; a violation fails the scenario with the checker's explanation.",
    '',
    'The first line names the JSON Schema, so that editors (VS Code with the YAML extension,',
    'JetBrains, anything using yaml-language-server) complete and check the file as you type:',
    '',
    '```yaml',
    '# yaml-language-server: $schema=../../schemas/scenario.schema.json',
    'name: Failover to the latest recovery point, check the data, commit',
    'seed: 42',
    'setup:',
    '  servers:',
    '    - name: web-1',
    "      files: { app/config.txt: 'v1' }",
    '      workload: 2                  # background writes per simulated minute',
    '  pairs:',
    '    - name: web',
    '      main: web-1',
    '      replicate: { intervalHours: 1 }   # start replication, wait until Replicating',
    '  advance: 3h',
    'steps:',
    '  - failover: { recoveryPoint: latest }',
    '  - expectStatus: FAILOVER_PROCESSING',
    '  - waitForJob: previous',
    '  - expectStatus: FAILED_OVER',
    '  - expectData: web                # the failover server holds the data of the point',
    '  - commitFailover: { deleteAllRecoveryPoints: false }',
    '  - waitForJob: previous',
    '  - expectStatus: COMMITTED',
    '```',
    '',
    'The library lives in `scenarios/`: every branch of the failover procedure and of the rest of the',
    'lifecycle, refusals at each state, and chaos storms.',
    '',
    '## The file',
    '',
    '| key | meaning |',
    '|---|---|',
    '| `name` (required) | What the scenario shows, in a sentence. |',
    '| `description`, `tags` | For people and for `--grep`. |',
    '| `seed` | Seeds the engine and the chaos steps (default 1). `--seed` overrides it; `--repeat N` derives N seeds from it. |',
    '| `setup.startTime`, `setup.timeZone` | The simulated start (default Monday 2026-01-05T00:00Z) and the zone of the retention day and week (default UTC). |',
    '| `setup.servers` | Servers by name: `region`, `flavor`, `volumes`, `files` (path → content), `workload` (writes per minute), `powerState`, `expired: true`, `expiresIn`. |',
    '| `setup.pairs` | Pairs by name: `main` (a setup server), `shadow` (`region`, `vpc`, `subnet`), `replicate: true` or `{ intervalHours, shadowName }` to start replication and wait until the pair is Replicating. |',
    '| `setup.advance` | A duration to advance once all that is done. |',
    '| `steps` (required) | The steps, in order, each a mapping with one step kind. |',
    '',
    'Every step may carry `as: NAME`: it names the job of an action, the rule of an `addFault`, and the',
    "point in the event log where `expectEvents`' `since: NAME` starts. Action steps may carry",
    `\`expectError: CODE\` (or \`{ code, message }\`), one of: ${Object.keys(ERROR_CODES)
      .map((c) => `\`${c}\``)
      .join(', ')}.`,
    '',
    '## References',
    '',
    'Steps name things the way people do; each is resolved when the step runs.',
    '',
    '| what | written as |',
    '|---|---|',
    '| a pair | its name from `setup.pairs` or an `attach` step; `pair:` may be left out while only one pair exists |',
    '| a server | a name from `setup.servers`, or `shadow of PAIR`, `main of PAIR`, `test server of PAIR` |',
    "| a recovery point | `latest`, `previous` (the one before latest), `oldest`, `active` (the failover server's), `tested` (the test server's), `30m ago` (the newest point at least that old), or a name given by `remember` |",
    '| a job | `previous` (the job of the latest accepted action) or the `as` name of an action step |',
    '| a fault rule | `previous` (the latest `addFault`) or the `as` name of an `addFault` step |',
    '',
    'Durations are written `90s`, `15m`, `2h`, `1d`, `1w`, `1h30m` (or a number of milliseconds).',
    '',
    '## Step kinds',
    '',
    ...toc,
    '',
    ...sections,
    '## Mistakes',
    '',
    'A file with a mistake is not run: `drsim run` prints each problem with its file, line and column and',
    'what to write instead, and exits with 2.',
    '',
    '```text',
    'scenarios/failover/x.scenario.yaml:12:5: steps[0]: unknown step "falover". Did you mean "failover"?',
    'scenarios/failover/x.scenario.yaml:14:32: steps[2].failover.recoveryPoint: "lates" is not a recovery point reference. Did you mean "latest"? …',
    'scenarios/failover/x.scenario.yaml:19:23: steps[7].failover.pair: no pair "wbe" here. Did you mean "web"?',
    'scenarios/failover/x.scenario.yaml:16:14: steps[4].advance: expected a number, text or a mapping (key: value) but found boolean true. A simulated duration: … For example: "15m", "2h", "1h30m".',
    '```',
    '',
    '## Running',
    '',
    '```sh',
    'drsim run                                   # every scenario in scenarios/, in-process',
    'drsim run scenarios/failover --bail         # a folder; stop at the first failure',
    'drsim run scenarios/chaos --repeat 20       # 20 seeds derived from each scenario seed',
    'drsim run --shard 2/4 --reporter junit --out junit.xml   # the 2nd of 4 CI jobs',
    'drsim run --target http://127.0.0.1:4010 --token acme    # against a served drsim',
    '```',
    '',
    'Options: `--seed N`, `--repeat N`, `--shard K/N` (run i goes to shard i mod N + 1 of the runs sorted by',
    'file: every job computes the same split), `--grep TEXT`, `--bail`, `--reporter pretty|junit|json`,',
    '`--out FILE`, `--list`, `--admin-token T`, `--tenant NAME`. On a terminal a live line shows progress; in',
    'CI (`CI` set, or output not a terminal) plain lines are written.',
    '',
    'Against a server, each run first imports the state a fresh in-process simulator with the same seed',
    'exports (`PUT /_sim/state`), so both targets start from the same world and give the same results.',
    '',
    'A failure prints the seed, the step and its `file:line`, what was expected and what was found, the',
    'last events, and one command that reproduces it exactly:',
    '',
    '```text',
    '✗ scenarios/failover/latest-and-commit.scenario.yaml — Failover to the latest recovery point, … (seed 42, 134ms)',
    '  step 9 (expectStatus) at scenarios/failover/latest-and-commit.scenario.yaml:31, seed 42, target in-process',
    '  pair "web" status is not as expected',
    '  expected: pair "web" status FAILED_OVER',
    '  found:    pair "web" status FAILOVER_FAILED',
    '  last events:',
    '    2026-01-05T03:14:00Z web pair.transition REPLICATING → FAILOVER_PROCESSING on FAILOVER',
    '    …',
    '  reproduce: node bin/drsim.js run scenarios/failover/latest-and-commit.scenario.yaml --seed 42',
    '```',
    '',
    'Exit codes: 0 every run passed, 1 a run failed, 2 a scenario file (or an option) is invalid.',
    '',
    '## Flow tools for product teams',
    '',
    '- `drsim chart [--format mermaid|json|dot]`: the lifecycle statechart, drawn from the machine.',
    '- `drsim paths [--to STATUS] [--max-depth N]`: every user journey through the lifecycle (user',
    '  actions and the outcomes the service reports, no state twice), as a Markdown checklist.',
    "- `drsim check-flow FILE`: a design's flow checked against the statechart; exit 0 valid, 1 it",
    '  diverges (where and why: the action is not allowed there — with what is — or the status cannot',
    '  follow), 2 the file cannot be read. A flow is a list of user actions, outcomes (`succeeds`,',
    '  `fails`, `test succeeds`, `test fails`, `replication fails`, `replication recovers`) and what the',
    '  design shows (`expect: Replicating`, `expect: { status: REPLICATING, test: READY }`):',
    '',
    '```yaml',
    'name: Fail over, retry once, commit',
    'flow:',
    '  - startReplication',
    '  - succeeds',
    '  - expect: Replicating',
    '  - failover',
    '  - fails',
    '  - expect: Failover Error',
    '  - failover',
    '  - succeeds',
    '  - commitFailover: { deleteAllRecoveryPoints: true }',
    '  - succeeds',
    '  - expect: Committed',
    '```',
    '',
    '- `drsim coverage [files or folders]`: runs the scenarios in-process and reports, as tables, which',
    '  statechart states and transitions they exercised, and those no scenario reaches.',
    '',
  ].join('\n')}`;
}
