/**
 * Where scenarios run: an in-process simulator (the default: fast, no port) or any server that
 * implements the drsim API. Each run starts from a fresh world seeded with the run's seed; on a
 * server that means importing the state a fresh in-process simulator with that seed exports,
 * so both targets begin from exactly the same state.
 */
import { remoteSimulator } from '../client/remote-simulator.js';
import {
  type AsyncSimulator,
  asyncSimulator,
  type CreateSimulatorOptions,
  type Simulator,
} from '../sim/contract.js';
import { createSimulator } from '../sim/index.js';
import type { Scenario } from './scenario.js';

export interface OpenWorld {
  sim: AsyncSimulator;
  tenant: string;
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
      return { sim: asyncSimulator(sim), tenant: IN_PROCESS_TENANT, close: async () => sim.close() };
    },
  };
}

export interface RemoteTargetOptions {
  url: string;
  token: string;
  adminToken?: string;
  /** The token's tenant when the server maps tokens to tenants (default: the token). */
  tenant?: string;
}

export function remoteTarget(options: RemoteTargetOptions): Target {
  const tenant = options.tenant ?? options.token;
  const sim = remoteSimulator({
    baseUrl: options.url,
    token: options.token,
    tenant,
    ...(options.adminToken !== undefined && { adminToken: options.adminToken }),
  });
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
      return { sim, tenant, close: async () => {} };
    },
  };
}
