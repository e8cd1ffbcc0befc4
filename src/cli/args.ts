/**
 * Flag parsing for the CLI (node:util parseArgs), with each `serve` flag also readable from
 * its DRSIM_* environment variable; a flag wins over the environment. Mistakes become a
 * `UsageError` whose message the CLI prints as is.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseTokenFlag, parseTokensFile, type TokenGrant } from '../server/auth.js';
import { LOG_LEVELS, type LogLevel } from '../server/logger.js';
import { DEFAULT_TIME_ZONE, validateTimeZone } from '../sim/retention.js';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface ServeArgs {
  help: boolean;
  port: number;
  host: string;
  db: string;
  seed: number;
  speed: number | undefined;
  demo: boolean;
  historyRetentionDays: number | undefined;
  /** IANA zone of new worlds' retention day and week. */
  timeZone: string;
  logLevel: LogLevel;
  tokens: TokenGrant[] | undefined;
  adminToken: string | undefined;
  /** Origins browsers may call from (CORS); none by default. */
  cors: string[] | undefined;
}

export const SERVE_USAGE = `Usage: drsim serve [options]

Runs the fake Server Disaster Recovery backend: the public API (/v1), the control API
(/_sim), the OpenAPI document (/openapi.json) and its viewer (/docs).

Options (each also as an environment variable):
  --port N             port, 0 for any free one (DRSIM_PORT, default 4010)
  --host HOST          address to listen on (DRSIM_HOST, default 127.0.0.1)
  --db :memory:|FILE   database; a file keeps everything across restarts (DRSIM_DB, default :memory:)
  --seed N             seed of every random choice (DRSIM_SEED, default 1)
  --speed X            run the clock in realtime at X simulated seconds per second (DRSIM_SPEED)
  --time-zone ZONE     IANA zone of the retention day and week ("00:00", "Sunday") of every new
                       world (DRSIM_TIME_ZONE, default Asia/Ho_Chi_Minh); e.g. UTC, Europe/Berlin
  --demo               seed demo data for the token "demo" into an empty database (DRSIM_DEMO=1)
  --history-retention DAYS
                       days of simulated time each world keeps its full history, 1 to 36600
                       (DRSIM_HISTORY_RETENTION, default 90; see docs/operations.md)
  --log-level LEVEL    error|warn|info|debug (DRSIM_LOG_LEVEL, default info)
  --tokens FILE        JSON { "tokens": [{ "token", "tenant", "policy": "full"|"read-only" }] }
  --token T:TENANT:POLICY
                       one token (repeatable); with no tokens any bearer token is its own tenant
  --admin-token T      protect /_sim with this token (DRSIM_ADMIN_TOKEN)
  --cors ORIGIN        let browser pages from ORIGIN call (repeatable, or * for any; DRSIM_CORS,
                       comma-separated); default none: no CORS headers
  --help               this text
`;

const FLAGS = {
  help: { type: 'boolean' },
  port: { type: 'string' },
  host: { type: 'string' },
  db: { type: 'string' },
  seed: { type: 'string' },
  speed: { type: 'string' },
  demo: { type: 'boolean' },
  'history-retention': { type: 'string' },
  'time-zone': { type: 'string' },
  'log-level': { type: 'string' },
  tokens: { type: 'string' },
  token: { type: 'string', multiple: true },
  'admin-token': { type: 'string' },
  cors: { type: 'string', multiple: true },
} as const;

function integer(name: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^-?\d+$/.test(text.trim()) || value < min || value > max) {
    throw new UsageError(`--${name} ${text}: expected an integer from ${min} to ${max}`);
  }
  return value;
}

const truthy = (text: string | undefined) => text !== undefined && /^(1|true|yes|on)$/i.test(text);

export function parseServeArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): ServeArgs {
  let values: ReturnType<typeof parseArgs<{ options: typeof FLAGS; args: string[]; strict: true }>>['values'];
  try {
    ({ values } = parseArgs({ args: argv, options: FLAGS, strict: true, allowPositionals: false }));
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }

  const port = values.port ?? env.DRSIM_PORT;
  const seed = values.seed ?? env.DRSIM_SEED;
  const speedText = values.speed ?? env.DRSIM_SPEED;
  let speed: number | undefined;
  if (speedText !== undefined && speedText !== '') {
    speed = Number(speedText);
    if (!Number.isFinite(speed) || speed <= 0)
      throw new UsageError(`--speed ${speedText}: expected a number above 0`);
  }
  const retention = values['history-retention'] ?? env.DRSIM_HISTORY_RETENTION;
  const logLevel = values['log-level'] ?? env.DRSIM_LOG_LEVEL ?? 'info';
  if (!LOG_LEVELS.includes(logLevel as LogLevel)) {
    throw new UsageError(`--log-level ${logLevel}: expected one of ${LOG_LEVELS.join(', ')}`);
  }

  const timeZone = values['time-zone'] ?? (env.DRSIM_TIME_ZONE || DEFAULT_TIME_ZONE);
  if (!isTimeZone(timeZone)) {
    throw new UsageError(
      `--time-zone ${JSON.stringify(timeZone)}: not an IANA time zone; write e.g. Asia/Ho_Chi_Minh, UTC or Europe/Berlin`,
    );
  }

  let tokens: TokenGrant[] | undefined;
  try {
    if (values.tokens !== undefined) {
      tokens = parseTokensFile(JSON.parse(readFileSync(values.tokens, 'utf8')));
    }
    if (values.token !== undefined) tokens = [...(tokens ?? []), ...values.token.map(parseTokenFlag)];
  } catch (err) {
    throw new UsageError(`tokens: ${err instanceof Error ? err.message : String(err)}`);
  }

  return {
    help: values.help ?? false,
    port: port === undefined || port === '' ? 4010 : integer('port', port, 0, 65_535),
    host: values.host ?? env.DRSIM_HOST ?? '127.0.0.1',
    db: values.db ?? env.DRSIM_DB ?? ':memory:',
    seed: seed === undefined || seed === '' ? 1 : integer('seed', seed, 0, Number.MAX_SAFE_INTEGER),
    speed,
    demo: values.demo ?? truthy(env.DRSIM_DEMO),
    historyRetentionDays:
      retention === undefined || retention === ''
        ? undefined
        : integer('history-retention', retention, 1, 36_600),
    timeZone,
    logLevel: logLevel as LogLevel,
    tokens,
    adminToken: values['admin-token'] ?? (env.DRSIM_ADMIN_TOKEN || undefined),
    cors: corsOrigins(values.cors ?? (env.DRSIM_CORS ? env.DRSIM_CORS.split(',') : undefined)),
  };
}

function isTimeZone(name: string): boolean {
  try {
    validateTimeZone(name);
    return true;
  } catch {
    return false;
  }
}

/** `--cors` values: `*` or origins such as `http://localhost:5173` (scheme, host, optional port). */
function corsOrigins(values: string[] | undefined): string[] | undefined {
  if (values === undefined) return undefined;
  const origins = values.map((value) => value.trim()).filter((value) => value !== '');
  for (const origin of origins) {
    if (origin !== '*' && !/^https?:\/\/[^/\s]+$/.test(origin)) {
      throw new UsageError(`--cors ${origin}: expected * or an origin such as http://localhost:5173`);
    }
  }
  return origins.length > 0 ? origins : undefined;
}
