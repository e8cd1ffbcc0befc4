/**
 * `drsim/testing`: a fresh, isolated drsim per test file — its own simulator (seed, clock,
 * database), its own tenant and token, and a typed client already pointed at it. On a free
 * port of this process, or in-process with no port at all (requests go straight to the app).
 */
import { createClient, type DrsimClient } from '../client/client.js';
import { createApp } from '../server/app.js';
import { silentLogger } from '../server/logger.js';
import { startServer } from '../server/serve.js';
import type { Simulator } from '../sim/contract.js';
import { createWorlds } from '../sim/index.js';
import type { ProgressionMode, ProgressionSettings } from '../sim/types.js';

export interface StartDrsimOptions {
  /** Seeds every random choice, ids included. Default 1. */
  seed?: number;
  /** `:memory:` (default) or a file path. */
  db?: string;
  /** Skip the port: the client's fetch calls the app directly. Default false. */
  inProcess?: boolean;
  /** How jobs advance: one mode for every job type, or per type (`{ failover: 'manual' }`). */
  progression?: ProgressionMode | ProgressionSettings;
  /** The bearer token, which is also the tenant (development mode). Default: a new one per instance. */
  token?: string;
  /** Protect the control API with this token (the client sends it). */
  adminToken?: string;
}

export interface RunningDrsim {
  /** Where it answers: `http://127.0.0.1:<port>`, or a placeholder origin when in-process. */
  url: string;
  token: string;
  /** The token's tenant (the same string in development mode). */
  tenant: string;
  /** A client for `tenant`, with the admin token when one was set. */
  client: DrsimClient;
  /** The simulator behind it, for assertions a client cannot make. */
  sim: Simulator;
  /** Closes the port (if any) and the simulator. Safe to call twice. */
  stop(): Promise<void>;
}

/** What `url` is in-process: `.invalid` can never resolve, so a stray real fetch fails loudly. */
export const IN_PROCESS_URL = 'http://drsim.invalid';

let instances = 0;

/**
 * Starts an isolated drsim for one test file.
 *
 * @example
 * let drsim: RunningDrsim;
 * beforeAll(async () => { drsim = await startDrsim({ seed: 7 }); });
 * afterAll(() => drsim.stop());
 *
 * it('attaches a server', async () => {
 *   const server = await drsim.client.servers.create({ name: 'web-01', region: 'HCM-3' });
 *   const pair = await drsim.client.pairs.attach({ mainServerId: server.id, shadow: { region: 'HAN-1', vpcId: 'vpc-dr', subnetId: 'subnet-dr-a' } });
 *   expect(pair.status).toBe('ATTACHED');
 * });
 */
export async function startDrsim(options: StartDrsimOptions = {}): Promise<RunningDrsim> {
  instances++;
  const token = options.token ?? `test-${process.pid}-${instances}`;
  const seed = options.seed ?? 1;
  const db = options.db ?? ':memory:';
  const progression: ProgressionSettings | undefined =
    typeof options.progression === 'string' ? { default: options.progression } : options.progression;
  const clientOptions = {
    token,
    ...(options.adminToken === undefined ? {} : { adminToken: options.adminToken }),
  };

  if (options.inProcess) {
    const worlds = createWorlds({ seed, db, wallClock: Date.now });
    // The token's world has the seed asked for (not one derived from it), as a simulator would.
    const sim = worlds.has(token)
      ? worlds.get(token)
      : worlds.create(token, { seed, ...(progression && { progression }) });
    const app = createApp({
      worlds,
      logger: silentLogger,
      ...(options.adminToken === undefined ? {} : { adminToken: options.adminToken }),
    });
    const client = createClient({
      ...clientOptions,
      baseUrl: IN_PROCESS_URL,
      fetch: async (input, init) => app.request(input, init),
    });
    let stopped = false;
    const stop = async () => {
      if (!stopped) worlds.close();
      stopped = true;
    };
    return { url: IN_PROCESS_URL, token, tenant: token, client, sim, stop };
  }

  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    seed,
    db,
    logger: silentLogger,
    ...(options.adminToken === undefined ? {} : { adminToken: options.adminToken }),
  });
  try {
    // The token's world has the seed asked for; the server takes no progression option, and
    // the simulator's setter is the same thing.
    if (!server.worlds.has(token)) server.worlds.create(token, { seed });
    for (const [kind, mode] of Object.entries(progression ?? {})) {
      if (mode) server.worlds.get(token).setProgression(kind as keyof ProgressionSettings, mode);
    }
  } catch (err) {
    await server.close();
    throw err;
  }
  const client = createClient({ ...clientOptions, baseUrl: server.url });
  return {
    url: server.url,
    token,
    tenant: token,
    client,
    sim: server.worlds.get(token),
    stop: () => server.close(),
  };
}

export { createClient, type DrsimClient } from '../client/client.js';
export { DrsimApiError } from '../client/errors.js';
