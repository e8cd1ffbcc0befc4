/**
 * `drsim serve`: runs the server until SIGINT or SIGTERM, then shuts down cleanly (in-flight
 * requests finish, the database is closed after its last committed change).
 */
import { createLogger } from '../../server/logger.js';
import { startServer } from '../../server/serve.js';
import { DatabaseInUseError, DatabaseTooNewError } from '../../sim/index.js';
import { parseServeArgs, SERVE_USAGE } from '../args.js';
import { settleHeapForServing } from '../heap.js';

export async function run(argv: string[]): Promise<number> {
  const args = parseServeArgs(argv);
  if (args.help) {
    process.stdout.write(SERVE_USAGE);
    return 0;
  }
  const logger = createLogger(args.logLevel);
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer({
      port: args.port,
      host: args.host,
      db: args.db,
      seed: args.seed,
      demo: args.demo,
      timeZone: args.timeZone,
      logger,
      ...(args.speed === undefined ? {} : { speed: args.speed }),
      ...(args.historyRetentionDays === undefined ? {} : { historyRetentionDays: args.historyRetentionDays }),
      ...(args.tokens === undefined ? {} : { tokens: args.tokens }),
      ...(args.adminToken === undefined ? {} : { adminToken: args.adminToken }),
      ...(args.cors === undefined ? {} : { cors: args.cors.includes('*') ? '*' : args.cors }),
    });
  } catch (err) {
    if (err instanceof DatabaseInUseError || err instanceof DatabaseTooNewError) {
      process.stderr.write(`drsim serve: ${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    settleHeapForServing();
  }
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info(`${signal}: shutting down`);
      server.close().then(resolve, (err: unknown) => {
        logger.error(`shutdown failed: ${err instanceof Error ? err.message : String(err)}`);
        resolve();
      });
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  return 0;
}
