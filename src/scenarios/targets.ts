/**
 * Where scenarios run: an in-process simulator (the default: fast, no port) or any server that
 * implements the drsim API. Each run starts from a fresh world seeded with the run's seed; on a
 * server that means importing the state a fresh in-process simulator with that seed exports,
 * so both targets begin from exactly the same state.
 */
import { createClient } from '../client/client.js';
import { remoteSimulator } from '../client/remote-simulator.js';
import { createApp } from '../server/app.js';
import {
  type AsyncSimulator,
  asyncSimulator,
  type CreateSimulatorOptions,
  type Simulator,
} from '../sim/contract.js';
import { createSimulator } from '../sim/index.js';
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
    seed,
    ...(scenario.setup.startTime !== undefined && {
      startTime: new Date(scenario.setup.startTime).toISOString(),
    }),
    ...(scenario.setup.timeZone !== undefined && { timeZone: scenario.setup.timeZone }),
    progression: { default: 'clock' },
  };
}

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
        http: { chaos: client.sim.chaos, retry },
        close: async () => sim.close(),
      };
    },
  };
}

const HTTP_STEPS = new Set(['addHttpChaos', 'removeHttpChaos', 'httpRetry']);
/** The scenario has HTTP steps, so in-process it must run over HTTP too. */
export const usesHttp = (scenario: Scenario): boolean => scenario.steps.some((s) => HTTP_STEPS.has(s.kind));

export interface RemoteTargetOptions {
  url: string;
  token: string;
  adminToken?: string;
  /** The token's tenant when the server maps tokens to tenants (default: the token). */
  tenant?: string;
}

export function remoteTarget(options: RemoteTargetOptions): Target {
  const tenant = options.tenant ?? options.token;
  // One switch per target; each run turns it back on (runs go one after another).
  const retry = { enabled: true };
  const clientOptions = {
    baseUrl: options.url,
    token: options.token,
    tenant,
    ...(options.adminToken !== undefined && { adminToken: options.adminToken }),
    fetch: retryingFetch((input, init) => fetch(input, init), retry),
  };
  const sim = remoteSimulator(clientOptions);
  const chaos = createClient(clientOptions).sim.chaos;
  const flags = ['--target', options.url, '--token', options.token];
  if (options.adminToken !== undefined) flags.push('--admin-token', options.adminToken);
  if (options.tenant !== undefined) flags.push('--tenant', options.tenant);
  return {
    name: options.url,
    flags,
    open: async (scenario, seed) => {
      const fresh = createSimulator(simulatorOptions(scenario, seed));
      const state = fresh.exportState();
      fresh.close();
      await sim.importState(state);
      retry.enabled = true;
      return { sim, tenant, http: { chaos, retry }, close: async () => {} };
    },
  };
}
