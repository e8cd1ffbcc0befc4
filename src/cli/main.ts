/**
 * The `drsim` command line: a map from command name to the module that runs it, with a
 * one-line summary each for `drsim --help`. Commands load lazily so one command's
 * dependencies never slow another. Run it with `node bin/drsim.js` or `tsx src/cli/main.ts`.
 */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { UsageError } from './args.js';

/** What a command module exports: run with the arguments after its name; resolves to the exit code. */
export interface CommandModule {
  run(argv: string[]): Promise<number>;
}

interface CommandEntry {
  summary: string;
  load: () => Promise<CommandModule>;
}

export const COMMANDS: Record<string, CommandEntry> = {
  serve: {
    summary: 'Run the fake backend: public API, control API and docs on a port',
    load: () => import('./commands/serve.js'),
  },
  run: { summary: 'Run scenario files (in-process or --target)', load: () => import('./commands/run.js') },
  chart: { summary: 'Print the lifecycle statechart', load: () => import('./commands/chart.js') },
  paths: { summary: 'List every user journey', load: () => import('./commands/paths.js') },
  'check-flow': { summary: 'Check a flow spec', load: () => import('./commands/check-flow.js') },
  coverage: { summary: 'Statechart coverage of scenarios', load: () => import('./commands/coverage.js') },
  journal: {
    summary: "Export a tenant's request journal (--as-scenario: a replaying scenario)",
    load: () => import('./commands/journal.js'),
  },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const lines = Object.entries(COMMANDS).map(([name, { summary }]) => `  ${name.padEnd(width)}  ${summary}`);
  return `Usage: drsim <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun "drsim <command> --help" for a command's options.\n`;
}

/**
 * A reader that stops early (`drsim run --list | head`) closes the pipe: that is not an error,
 * so the command ends quietly instead of crashing with EPIPE.
 */
const guarded = new WeakSet<NodeJS.WriteStream>();
function endQuietlyOnClosedPipe(stream: NodeJS.WriteStream): void {
  if (guarded.has(stream)) return;
  guarded.add(stream);
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
  });
}

export async function main(argv: string[]): Promise<number> {
  endQuietlyOnClosedPipe(process.stdout);
  endQuietlyOnClosedPipe(process.stderr);
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name === undefined ? 2 : 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    process.stderr.write(`drsim: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  try {
    return await (await command.load()).run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`drsim ${name}: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}

const entry = process.argv[1];
if (entry && import.meta.url === pathToFileURL(realpathSync(entry)).href) {
  process.exitCode = await main(process.argv.slice(2));
}
