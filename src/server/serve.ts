/**
 * Puts the app on a port: opens the tenants' worlds (a file database resumes where it stopped),
 * seeds the demo tenant on request, keeps realtime worlds in step with the wall clock (handed to
 * the engine here: src/sim reads no ambient time), and shuts down without losing an
 * acknowledged change — stop accepting, let in-flight requests finish, then close the worlds
 * (every change was already committed in its transaction).
 */
import type { AddressInfo } from 'node:net';
import { type Http2Bindings, type HttpBindings, serve } from '@hono/node-server';
import type { Hono } from 'hono';
import type { Simulator } from '../sim/contract.js';
import { createWorlds, type Worlds } from '../sim/index.js';
import type { ProgressionSettings } from '../sim/types.js';
import { createApp } from './app.js';
import type { AppEnv } from './app-env.js';
import type { TokenGrant } from './auth.js';
import { DEMO_TENANT, seedDemo } from './demo.js';
import { tuneGcForServing } from './gc-tuning.js';
import { createLogger, type Logger } from './logger.js';
import { DroppedConnection } from './problem.js';
import { routedSimulator } from './tenancy.js';

export interface ServeOptions {
  /** 0 picks a free port. Default 4010. */
  port?: number;
  host?: string;
  /** `:memory:` (default) or a file path. */
  db?: string;
  seed?: number;
  /**
   * When > 0, worlds made on first use (the demo tenant's included) run their clock in realtime
   * at this many simulated seconds per second; ephemeral tenants start manual unless told.
   */
  speed?: number;
  demo?: boolean;
  /** Days of simulated time every world keeps its history in full (docs/operations.md); default 90. */
  historyRetentionDays?: number;
  /**
   * IANA zone of every new world that names none (the retention day and week); default
   * `Asia/Ho_Chi_Minh`. An unknown zone is a DrError VALIDATION_FAILED before anything opens.
   */
  timeZone?: string;
  tokens?: TokenGrant[];
  adminToken?: string;
  /** Origins browsers may call from (CORS), or `*`; default none. */
  cors?: string | string[];
  /** How jobs advance in worlds made on first use (default: with the clock). */
  progression?: ProgressionSettings;
  logger?: Logger;
}

export interface RunningServer {
  /** e.g. `http://127.0.0.1:4010` */
  url: string;
  port: number;
  /** The tenants' worlds. */
  worlds: Worlds;
  /** Tenant-scoped calls (`sim.createServer('demo', …)`) go to that tenant's world. */
  sim: Simulator;
  app: Hono<AppEnv>;
  /** Stops accepting, waits for in-flight requests, closes the simulator. Safe to call twice. */
  close(): Promise<void>;
}

const REALTIME_SYNC_MS = 250;
/** How long in-flight requests may take to finish before their connections are cut. */
const DRAIN_TIMEOUT_MS = 10_000;
/**
 * Connection limits (docs/operations.md): a client has 10 s to send its headers and 60 s for the
 * whole request, an idle keep-alive connection is closed after 5 s, and at most 1024
 * connections are open at once (more are refused by closing them).
 */
export const HEADERS_TIMEOUT_MS = 10_000;
export const REQUEST_TIMEOUT_MS = 60_000;
export const KEEP_ALIVE_TIMEOUT_MS = 5_000;
export const MAX_CONNECTIONS = 1024;

/**
 * The tenants' worlds as `serve` opens them: the database, the defaults of worlds made on first
 * use (realtime clock, progression), and the demo tenant's data on request.
 */
export function openWorlds(
  options: Pick<
    ServeOptions,
    'db' | 'seed' | 'speed' | 'demo' | 'progression' | 'historyRetentionDays' | 'timeZone'
  >,
  logger: Logger,
): Worlds {
  const realtime = options.speed !== undefined && options.speed > 0;
  const defaults = {
    ...(realtime && { clock: { mode: 'realtime' as const, speed: options.speed } }),
    ...(options.progression && { progression: options.progression }),
  };
  const worlds = createWorlds({
    seed: options.seed ?? 1,
    db: options.db ?? ':memory:',
    wallClock: Date.now,
    ...(options.historyRetentionDays !== undefined && { historyRetentionDays: options.historyRetentionDays }),
    ...(options.timeZone !== undefined && { timeZone: options.timeZone }),
    ...(Object.keys(defaults).length > 0 && { defaults }),
  });
  try {
    if (options.demo) {
      logger.info(
        seedDemo(worlds.get(DEMO_TENANT))
          ? 'seeded the demo tenant'
          : 'the demo tenant has data already: demo data not seeded',
      );
    }
  } catch (err) {
    worlds.close();
    throw err;
  }
  return worlds;
}

/** Keeps realtime worlds in step with the wall clock; returns the function that stops it. */
export function keepRealtimeInStep(worlds: Worlds, logger: Logger): () => void {
  // A realtime clock can also be switched on later through PUT /_sim/clock, so always tick.
  const ticker = setInterval(() => {
    for (const world of worlds.list()) {
      if (world.clock.mode !== 'realtime') continue;
      try {
        worlds.get(world.tenant).syncRealtime();
      } catch (err) {
        logger.error(
          `realtime clock sync of tenant ${world.tenant} failed: ${err instanceof Error ? err.message : String(err)}`,
        );
      }
    }
  }, REALTIME_SYNC_MS);
  ticker.unref();
  return () => clearInterval(ticker);
}

export async function startServer(options: ServeOptions = {}): Promise<RunningServer> {
  tuneGcForServing();
  const logger = options.logger ?? createLogger('info');
  const worlds = openWorlds(options, logger);

  const stopping = new AbortController();
  const app = createApp({
    worlds,
    logger,
    signal: stopping.signal,
    ...(options.tokens ? { auth: { tokens: options.tokens } } : {}),
    ...(options.adminToken ? { adminToken: options.adminToken } : {}),
    ...(options.cors === undefined ? {} : { cors: options.cors }),
  });

  const stopTicking = keepRealtimeInStep(worlds, logger);

  let inFlight = 0;
  // Not an async function: an answer's promise is handed on as it is, without a frame of its own
  // around it on every request.
  const fetch = (request: Request, env: HttpBindings | Http2Bindings): Response | Promise<Response> => {
    if (stopping.signal.aborted) {
      // A request on a kept-alive connection after shutdown began: refused, never half-served.
      return new Response(
        JSON.stringify({
          type: 'about:blank',
          title: 'Service Unavailable',
          status: 503,
          code: 'SHUTTING_DOWN',
          detail: 'The server is shutting down.',
        }),
        { status: 503, headers: { 'Content-Type': 'application/problem+json', Connection: 'close' } },
      );
    }
    inFlight++;
    let answer: Response | Promise<Response>;
    try {
      answer = app.fetch(request, env);
    } catch (err) {
      inFlight--;
      return answered(err);
    }
    if (!(answer instanceof Promise)) {
      inFlight--;
      return answer;
    }
    return answer.then(
      (res) => {
        inFlight--;
        return res;
      },
      (err: unknown) => {
        inFlight--;
        return answered(err);
      },
    );
  };
  // Chaos already destroyed the socket; nobody will read this.
  const answered = (err: unknown): Response => {
    if (err instanceof DroppedConnection) return new Response(null, { status: 500 });
    throw err;
  };

  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve(
      {
        fetch,
        port: options.port ?? 4010,
        hostname: options.host ?? '127.0.0.1',
        serverOptions: {
          headersTimeout: HEADERS_TIMEOUT_MS,
          requestTimeout: REQUEST_TIMEOUT_MS,
          keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
        },
      },
      () => resolve(s),
    );
    s.once('error', reject);
  });
  (server as { maxConnections?: number }).maxConnections = MAX_CONNECTIONS;
  const { port } = server.address() as AddressInfo;
  const host = options.host ?? '127.0.0.1';
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  logger.info(`drsim listening on ${url} (seed ${worlds.seed}, db ${options.db ?? ':memory:'})`);
  if (!isLoopback(host) && !options.adminToken) {
    logger.warn(
      `serving on ${host}, beyond this machine, without an admin token: anyone who can reach ${url} can drive the control API (/_sim). Pass --admin-token, or --host 127.0.0.1.`,
    );
  }

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      stopTicking();
      stopping.abort();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      if ('closeIdleConnections' in server) server.closeIdleConnections();
      const deadline = Date.now() + DRAIN_TIMEOUT_MS;
      while (inFlight > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      if ('closeAllConnections' in server) server.closeAllConnections();
      await closed;
      worlds.close();
      logger.info('drsim stopped');
    })();
    return closing;
  };
  return { url, port, worlds, sim: routedSimulator((tenant) => worlds.get(tenant)), app, close };
}

/** Whether `host` is reachable from this machine only. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return (
    bare === 'localhost' || bare === '::1' || /^127\.\d+\.\d+\.\d+$/.test(bare) || bare === '::ffff:127.0.0.1'
  );
}
