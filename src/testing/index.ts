/**
 * `drsim/testing`: a fresh, isolated drsim per test file — its own simulator (seed, clock,
 * database), its own tenant and token, and a typed client already pointed at it. On a free
 * port of this process, or in-process with no port at all (requests go straight to the app).
 */
import { createClient, type DrsimClient } from '../client/client.js';
import { createApp } from '../server/app.js';
import { type Policy, parseTokenFlag, type TokenGrant } from '../server/auth.js';
import { silentLogger } from '../server/logger.js';
import { keepRealtimeInStep, openWorlds, startServer } from '../server/serve.js';
import type { Simulator } from '../sim/contract.js';
import type { Worlds } from '../sim/index.js';
import type { ProgressionMode, ProgressionSettings } from '../sim/types.js';
import { reserveWorld } from '../sim/worlds.js';

/**
 * A token `startDrsim` configures, as `drsim serve --token` and `--tokens` do: an object, or the
 * flag's text `TOKEN:TENANT:full|read-only|none` / `TOKEN:TENANT:custom=Action1,Action2`.
 */
export type DrsimToken = { token: string; tenant: string; policy: DrsimPolicy } | string;
/** `full`, `read-only`, `none` (403 on everything) or a custom list of IAM actions. */
export type DrsimPolicy = Policy;

export interface StartDrsimOptions {
  /**
   * Seeds the world of the client's tenant (ids included) and, as the server seed, every other
   * world's derived seed (as `drsim serve --seed`). Default 1.
   */
  seed?: number;
  /** `:memory:` (default) or a file path; a file resumes where it stopped (`--db`). */
  db?: string;
  /** Skip the port: the client's fetch calls the app directly. Default false. */
  inProcess?: boolean;
  /** How jobs advance: one mode for every job type, or per type (`{ failover: 'manual' }`). */
  progression?: ProgressionMode | ProgressionSettings;
  /**
   * Run every world's clock in realtime at this many simulated seconds per second (`--speed`);
   * default: a manual clock.
   */
  speed?: number;
  /** Seed the demo tenant `demo` (`--demo`). Default false. */
  demo?: boolean;
  /**
   * The tokens the server knows (`--token`, `--tokens`): then only these are accepted, each for
   * its tenant with its policy. Default none: development mode, any bearer token is a tenant.
   */
  tokens?: DrsimToken[];
  /**
   * The bearer token of `client`: with `tokens`, one of them (default the first); without,
   * any string, which is also the tenant. Default: a new one per instance.
   */
  token?: string;
  /** Protect the control API with this token (`--admin-token`); every client sends it. */
  adminToken?: string;
  /** Origins browsers may call from (`--cors`), or `*`. Default none. */
  cors?: string | string[];
  /**
   * IANA zone of the retention day and week ("00:00", "Sunday") of every world
   * (`--time-zone`). Default `Asia/Ho_Chi_Minh`; an unknown zone rejects with a DrError
   * VALIDATION_FAILED.
   */
  timeZone?: string;
}

export interface RunningDrsim {
  /** Where it answers: `http://127.0.0.1:<port>`, or a placeholder origin when in-process. */
  url: string;
  token: string;
  /** The token's tenant (the same string in development mode). */
  tenant: string;
  /** A client for `tenant`, with the admin token when one was set. */
  client: DrsimClient;
  /**
   * A client with another bearer token (e.g. a read-only one of `tokens`), pointed at this
   * drsim, with the admin token when one was set.
   */
  clientFor(token: string): DrsimClient;
  /** The simulator of the client's tenant, for assertions a client cannot make. */
  sim: Simulator;
  /** Every tenant's world. */
  worlds: Worlds;
  /** Closes the port (if any) and the simulator. Safe to call twice. */
  stop(): Promise<void>;
}

/** What `url` is in-process: `.invalid` can never resolve, so a stray real fetch fails loudly. */
export const IN_PROCESS_URL = 'http://drsim.invalid';

let instances = 0;

function grantOf(token: DrsimToken, index: number): TokenGrant {
  if (typeof token === 'string') {
    try {
      return parseTokenFlag(token);
    } catch (err) {
      throw new Error(`startDrsim: tokens[${index}]: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  const { token: value, tenant, policy } = token;
  const known =
    policy === 'full' ||
    policy === 'read-only' ||
    policy === 'none' ||
    (typeof policy === 'object' && Array.isArray(policy?.actions));
  if (typeof value !== 'string' || value === '' || typeof tenant !== 'string' || tenant === '' || !known) {
    throw new Error(
      `startDrsim: tokens[${index}] needs a token, a tenant and a policy ('full', 'read-only', 'none' or { actions: [...] })`,
    );
  }
  return {
    token: value,
    tenant,
    policy: typeof policy === 'string' ? policy : { actions: [...policy.actions] },
  };
}

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
 *
 * @example
 * // 403s and read-only access:
 * const drsim = await startDrsim({ tokens: ['ops:acme:full', 'viewer:acme:read-only'] });
 * await drsim.clientFor('viewer').servers.create({ name: 'web-01', region: 'HCM-3' }); // DrsimApiError 403 FORBIDDEN
 */
export async function startDrsim(options: StartDrsimOptions = {}): Promise<RunningDrsim> {
  instances++;
  const grants = (options.tokens ?? []).map(grantOf);
  let token: string;
  let tenant: string;
  if (grants.length > 0) {
    const grant = options.token === undefined ? grants[0] : grants.find((g) => g.token === options.token);
    if (!grant) throw new Error(`startDrsim: token '${options.token}' is not one of the tokens`);
    token = grant.token;
    tenant = grant.tenant;
  } else {
    token = options.token ?? `test-${process.pid}-${instances}`;
    tenant = token;
  }
  const seed = options.seed ?? 1;
  const progression: ProgressionSettings | undefined =
    typeof options.progression === 'string' ? { default: options.progression } : options.progression;
  const serveOptions = {
    seed,
    db: options.db ?? ':memory:',
    ...(progression && { progression }),
    ...(options.speed !== undefined && { speed: options.speed }),
    ...(options.demo !== undefined && { demo: options.demo }),
    ...(grants.length > 0 && { tokens: grants }),
    ...(options.adminToken !== undefined && { adminToken: options.adminToken }),
    ...(options.cors !== undefined && { cors: options.cors }),
    ...(options.timeZone !== undefined && { timeZone: options.timeZone }),
  };
  // The client's world has the seed asked for (not one derived from it), as a simulator would.
  // It is reserved, not opened: its options are checked now, and it opens with its first use
  // (a request of its tenant, or `sim`), so a start pays for no database it may not use yet.
  const prepare = (worlds: Worlds) => {
    if (!worlds.has(tenant)) reserveWorld(worlds, tenant, { seed, ...(progression && { progression }) });
  };

  let url: string;
  let worlds: Worlds;
  let fetcher: typeof fetch | undefined;
  let close: () => Promise<void>;
  if (options.inProcess) {
    worlds = openWorlds(serveOptions, silentLogger);
    const stopTicking = keepRealtimeInStep(worlds, silentLogger);
    let stopped = false;
    close = async () => {
      if (!stopped) {
        stopTicking();
        worlds.close();
      }
      stopped = true;
    };
    try {
      prepare(worlds);
    } catch (err) {
      await close();
      throw err;
    }
    const app = createApp({
      worlds,
      logger: silentLogger,
      ...(grants.length > 0 && { auth: { tokens: grants } }),
      ...(options.adminToken !== undefined && { adminToken: options.adminToken }),
      ...(options.cors !== undefined && { cors: options.cors }),
    });
    url = IN_PROCESS_URL;
    fetcher = async (input, init) => app.request(input, init);
  } else {
    const server = await startServer({ ...serveOptions, port: 0, host: '127.0.0.1', logger: silentLogger });
    try {
      prepare(server.worlds);
    } catch (err) {
      await server.close();
      throw err;
    }
    url = server.url;
    worlds = server.worlds;
    close = () => server.close();
  }
  // Opened with its first use; at the latest when it stops, so that `sim` read after `stop()`
  // is the closed simulator, as it always was, rather than a world made anew.
  let sim: Simulator | null = null;
  const simulator = () => {
    sim ??= worlds.get(tenant);
    return sim;
  };
  const stopWorlds = close;
  const stop = async () => {
    if (!sim && worlds.has(tenant)) simulator();
    await stopWorlds();
  };
  const clientFor = (bearer: string) =>
    createClient({
      baseUrl: url,
      token: bearer,
      ...(options.adminToken !== undefined && { adminToken: options.adminToken }),
      ...(fetcher && { fetch: fetcher }),
    });
  return {
    url,
    token,
    tenant,
    client: clientFor(token),
    clientFor,
    get sim() {
      return simulator();
    },
    worlds,
    stop,
  };
}

export { createClient, type DrsimClient } from '../client/client.js';
export { DrsimApiError } from '../client/errors.js';
