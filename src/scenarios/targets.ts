/**
 * Where scenarios run: an in-process simulator (the default: fast, no port) or a served drsim.
 * Each run starts from a fresh world seeded with the run's seed; on a server that is a fresh
 * ephemeral tenant made with the same options, so both targets begin from exactly the same state.
 */
import { createClient } from '../client/client.js';
import { DrsimApiError } from '../client/errors.js';
import { remoteSimulator } from '../client/remote-simulator.js';
import { createApp } from '../server/app.js';
import {
  type AsyncSimulator,
  asyncSimulator,
  type CreateSimulatorOptions,
  type Simulator,
} from '../sim/contract.js';
import { createSimulator, DEFAULT_TIME_ZONE } from '../sim/index.js';
import { retryingFetch } from './http.js';
import type { Scenario } from './scenario.js';
import type { HttpSide } from './world.js';

export interface OpenWorld {
  sim: AsyncSimulator;
  tenant: string;
  /** Present when the run talks to the service over HTTP (a server, or in-process with HTTP chaos). */
  http?: HttpSide;
  close(): Promise<void>;
}

export interface Target {
  /** Shown in reports: `in-process` or the server's URL. */
  name: string;
  /** The command-line flags that choose this target again, for the reproduce command. */
  flags: string[];
  open(scenario: Scenario, seed: number): Promise<OpenWorld>;
}

const IN_PROCESS_TENANT = 'scenario';

export function simulatorOptions(scenario: Scenario, seed: number): CreateSimulatorOptions {
  return {
    seed: scenario.setup.worldSeed ?? seed,
    ...(scenario.setup.startTime !== undefined && {
      startTime: new Date(scenario.setup.startTime).toISOString(),
    }),
    timeZone: scenario.setup.timeZone ?? DEFAULT_TIME_ZONE,
    progression: progressionOf(scenario),
  };
}

/** The scenario's progression: clock for every job unless `setup.progression` says otherwise. */
const progressionOf = (scenario: Scenario) => ({ default: 'clock' as const, ...scenario.setup.progression });

/** Sends a `request` step's call with a token, through `fetch`. */
const sender =
  (baseUrl: string, token: string, fetch: (input: string, init?: RequestInit) => Promise<Response>) =>
  (path: string, init: RequestInit) => {
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${token}`);
    return fetch(`${baseUrl}${path}`, { ...init, headers });
  };

/**
 * @param wrap lets a test run the library against an altered engine (the mutation check).
 */
export function inProcessTarget(wrap: (sim: Simulator) => Simulator = (sim) => sim): Target {
  return {
    name: 'in-process',
    flags: [],
    open: async (scenario, seed) => {
      const sim = wrap(createSimulator(simulatorOptions(scenario, seed)));
      if (!usesHttp(scenario))
        return { sim: asyncSimulator(sim), tenant: IN_PROCESS_TENANT, close: async () => sim.close() };
      // HTTP chaos needs HTTP: the run talks to the service through its app, in this process.
      const app = createApp({ sim });
      const retry = { enabled: true };
      const options = {
        baseUrl: 'http://in-process',
        token: IN_PROCESS_TENANT,
        fetch: retryingFetch((input, init) => Promise.resolve(app.request(input, init)), retry),
      };
      const client = createClient(options);
      return {
        sim: remoteSimulator(options),
        tenant: IN_PROCESS_TENANT,
        http: { chaos: client.sim.chaos, retry, send: sender(options.baseUrl, options.token, options.fetch) },
        close: async () => sim.close(),
      };
    },
  };
}

const HTTP_STEPS = new Set(['addHttpChaos', 'removeHttpChaos', 'httpRetry', 'request']);
/** The scenario has HTTP steps, so in-process it must run over HTTP too. */
export const usesHttp = (scenario: Scenario): boolean => scenario.steps.some((s) => HTTP_STEPS.has(s.kind));

export interface RemoteTargetOptions {
  url: string;
  /** A bearer token of the server: a tenant's (full access) or the admin token. */
  token: string;
  /** The admin token, when the server has one and `token` is a read-only tenant's. */
  adminToken?: string;
  /** Leave each run's ephemeral tenant on the server afterwards, to look at it. */
  keep?: boolean;
  /** Told the name of each tenant kept with `keep`. */
  onKept?(tenant: string, scenarioFile: string): void;
}

/**
 * A served drsim shared with others: each run gets a fresh ephemeral tenant of its own
 * (`POST /_sim/tenants`, seeded like the run, with a token of its own), runs in it, and removes
 * it afterwards unless `keep`. Nothing of any other tenant is read or changed, so parallel
 * shards and a demo on the same server never see each other. Which tenant the token is comes
 * from the server (`GET /_sim/identity`), never from a flag.
 *
 * The reproduce command names the target but no token: `drsim run` reads `DRSIM_TOKEN` (and
 * `DRSIM_ADMIN_TOKEN`) when `--token` is not given, so no secret is printed.
 */
export function remoteTarget(options: RemoteTargetOptions): Target {
  const owner = createClient({
    baseUrl: options.url,
    token: options.token,
    ...(options.adminToken !== undefined && { adminToken: options.adminToken }),
  });
  const http = (input: string | URL | Request, init?: RequestInit) => fetch(input, init);
  return {
    name: options.url,
    flags: ['--target', options.url],
    open: async (scenario, seed) => {
      const created = await owner.sim.tenants.create({
        seed: scenario.setup.worldSeed ?? seed,
        ...(scenario.setup.startTime !== undefined && {
          startTime: new Date(scenario.setup.startTime).toISOString(),
        }),
        // Named always: a scenario means the same on a server started with another --time-zone.
        timeZone: scenario.setup.timeZone ?? DEFAULT_TIME_ZONE,
        progression: progressionOf(scenario),
        clock: { mode: 'manual' },
      });
      if (created.token === null) throw new Error(`the server made no token for tenant ${created.tenant}`);
      // The run's own retry switch and chaos rules: runs in parallel never share them.
      const retry = { enabled: true };
      const clientOptions = {
        baseUrl: options.url,
        token: created.token,
        tenant: created.tenant,
        fetch: retryingFetch(http, retry),
      };
      const mine = createClient(clientOptions);
      return {
        sim: remoteSimulator(clientOptions),
        tenant: created.tenant,
        http: { chaos: mine.sim.chaos, retry, send: sender(options.url, created.token, clientOptions.fetch) },
        close: async () => {
          if (options.keep) {
            options.onKept?.(created.tenant, scenario.file);
            return;
          }
          await mine.sim.tenants.remove(created.tenant);
        },
      };
    },
  };
}

/**
 * Why the token cannot run scenarios on the server (unknown, read-only without an admin token),
 * or null when it can: asked of the server, before anything runs.
 */
export async function remoteTargetProblem(options: RemoteTargetOptions): Promise<string | null> {
  const client = createClient({
    baseUrl: options.url,
    token: options.token,
    ...(options.adminToken !== undefined && { adminToken: options.adminToken }),
  });
  try {
    const who = await client.sim.identity();
    if (who.admin || who.policy === 'full') return null;
    return `the token's tenant ${who.tenant ?? '(none)'} has a ${who.policy ?? 'missing'} policy; each run creates a tenant of its own, which needs a full-access token`;
  } catch (err) {
    if (DrsimApiError.is(err))
      return `the server refused the token: ${err.status} ${err.code}: ${err.problem.detail}`;
    return err instanceof Error ? err.message : String(err);
  }
}
