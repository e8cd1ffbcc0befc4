/**
 * The server side of "a tenant is a world": the worlds (src/sim/worlds.ts) plus what the HTTP
 * layer keeps per tenant — HTTP chaos rules with their own PRNG (seeded from the world's seed),
 * the request journal, and the tokens of ephemeral tenants. `router()` is a Simulator whose
 * tenant-scoped calls go to the world of the tenant they name, so the `/v1` routes need not know
 * about worlds.
 */
import { randomBytes } from 'node:crypto';
import type { Simulator } from '../sim/contract.js';
import { DrError } from '../sim/errors.js';
import { serverStateJson, type WorldInfo, type WorldOptions, type Worlds } from '../sim/worlds.js';
import type { TokenGrant } from './auth.js';
import { HttpChaos } from './http-chaos.js';
import { RequestJournal } from './journal.js';

export interface EphemeralTenant {
  tenant: string;
  /** The token that reaches it, through `/v1` and `/_sim`. */
  token: string;
  /** The tenant whose token created it; null for the admin. */
  createdBy: string | null;
}

export interface TenantView extends WorldInfo {
  createdBy: string | null;
}

export class Tenancy {
  readonly #chaos = new Map<string, HttpChaos>();
  readonly #journals = new Map<string, RequestJournal>();
  readonly #ephemeral = new Map<string, EphemeralTenant>();
  /** Ephemeral tokens → grants, for `identify`. */
  readonly tokens = new Map<string, TokenGrant>();

  constructor(
    readonly worlds: Worlds,
    private readonly journalCapacity = 1000,
    /** Aborts on shutdown: cuts chaos delays short, stops long advances. */
    readonly signal?: AbortSignal,
  ) {}

  world(tenant: string): Simulator {
    return this.worlds.get(tenant);
  }

  chaos(tenant: string): HttpChaos {
    let chaos = this.#chaos.get(tenant);
    if (!chaos) {
      chaos = new HttpChaos(this.world(tenant).seed, this.signal);
      this.#chaos.set(tenant, chaos);
    }
    return chaos;
  }

  journal(tenant: string): RequestJournal {
    let journal = this.#journals.get(tenant);
    if (!journal) {
      journal = new RequestJournal(this.journalCapacity);
      this.#journals.set(tenant, journal);
    }
    return journal;
  }

  isEphemeral(tenant: string): boolean {
    return this.#ephemeral.has(tenant);
  }

  ephemeralOf(tenant: string): EphemeralTenant | undefined {
    return this.#ephemeral.get(tenant);
  }

  /** A new ephemeral world, in memory, reached with the token this returns. */
  createEphemeral(createdBy: string | null, options: WorldOptions): EphemeralTenant & { sim: Simulator } {
    const prefix = (createdBy ?? 'run').slice(0, 100);
    let tenant: string;
    do tenant = `${prefix}~${randomBytes(5).toString('hex')}`;
    while (this.worlds.has(tenant));
    const sim = this.worlds.create(tenant, { ...options, ephemeral: true });
    const token = `drsim_eph_${randomBytes(16).toString('hex')}`;
    const entry = { tenant, token, createdBy };
    this.#ephemeral.set(tenant, entry);
    this.tokens.set(token, { token, tenant, policy: 'full' });
    return { ...entry, sim };
  }

  view(info: WorldInfo): TenantView {
    return { ...info, createdBy: this.#ephemeral.get(info.tenant)?.createdBy ?? null };
  }

  info(tenant: string): TenantView {
    const info = this.worlds.list().find((world) => world.tenant === tenant);
    if (!info) throw new DrError('TENANT_NOT_FOUND', `No world of tenant '${tenant}'.`, { tenant });
    return this.view(info);
  }

  /** Deletes a world with its chaos rules, journal and (if ephemeral) token. */
  remove(tenant: string): void {
    this.worlds.remove(tenant);
    this.#forget(tenant);
  }

  /** A world starts over as it was created; its chaos rules and journal are emptied. */
  reset(tenant: string): void {
    this.worlds.reset(tenant);
    this.#chaos.delete(tenant);
    this.#journals.delete(tenant);
  }

  /** Every world goes, ephemeral ones and their tokens included. */
  clear(): void {
    this.worlds.clear();
    for (const tenant of [...this.#chaos.keys(), ...this.#journals.keys(), ...this.#ephemeral.keys()])
      this.#forget(tenant);
  }

  /** After a whole-server import: chaos, journals and ephemeral tokens belong to the old worlds. */
  forgetAll(): void {
    for (const tenant of [...this.#chaos.keys(), ...this.#journals.keys(), ...this.#ephemeral.keys()])
      this.#forget(tenant);
  }

  #forget(tenant: string): void {
    this.#chaos.delete(tenant);
    this.#journals.delete(tenant);
    const ephemeral = this.#ephemeral.get(tenant);
    if (ephemeral) this.tokens.delete(ephemeral.token);
    this.#ephemeral.delete(tenant);
  }

  /** A Simulator whose tenant-scoped calls go to that tenant's world (for the `/v1` routes). */
  router(): Simulator {
    return routedSimulator((tenant) => this.world(tenant));
  }
}

/** The world of `tenant` behind a routed simulator, or the simulator itself. */
export function worldOf(sim: Simulator, tenant: string): Simulator {
  const world = (sim as Partial<{ world: (tenant: string) => Simulator }>).world;
  return typeof world === 'function' ? world(tenant) : sim;
}

/** Methods whose first argument is the tenant. */
const TENANT_METHODS = [
  'account',
  'setAccount',
  'usage',
  'createServer',
  'listServers',
  'getServer',
  'listFiles',
  'readFile',
  'writeFile',
  'recoveryPointFiles',
  'startServer',
  'stopServer',
  'failServer',
  'recoverServer',
  'setWorkload',
  'addVolume',
  'resizeVolume',
  'removeVolume',
  'renewServer',
  'attach',
  'attachMany',
  'listPairs',
  'getPair',
  'changePairSettings',
  'listRecoveryPoints',
  'act',
  'history',
  'listJobs',
  'getJob',
  'stepJob',
  'resetTenant',
] as const;

/**
 * Dispatches each tenant-scoped call to `worldOf(tenant)`; calls that name no tenant (the clock,
 * faults, state) have no world to go to and throw, since only the control API makes them.
 */
export function routedSimulator(worldOf: (tenant: string) => Simulator): Simulator {
  const routed: Record<string, unknown> = {};
  for (const name of TENANT_METHODS) {
    routed[name] = (tenant: string, ...args: unknown[]) =>
      (worldOf(tenant)[name] as (...a: unknown[]) => unknown)(tenant, ...args);
  }
  routed.world = worldOf;
  return new Proxy(routed, {
    get(target, name) {
      if (typeof name === 'string' && name in target) return target[name];
      if (name === 'then') return undefined;
      throw new Error(`the routed simulator has no world for ${String(name)}: name a tenant`);
    },
  }) as unknown as Simulator;
}

/**
 * One simulator as the world of every tenant, as before worlds: for embedding `createApp` around
 * a simulator of your own. Tenants share its clock, PRNG and faults; worlds cannot be created
 * or removed, and a reset removes the tenant's data only.
 */
export function sharedWorld(sim: Simulator): Worlds {
  const refuse = (): never => {
    throw new DrError(
      'VALIDATION_FAILED',
      'This server runs one simulator shared by every tenant: worlds cannot be created or removed.',
    );
  };
  const info = (tenant: string): WorldInfo => ({
    tenant,
    seed: sim.seed,
    ephemeral: false,
    clock: sim.clock(),
  });
  return {
    get seed() {
      return sim.seed;
    },
    get: () => sim,
    has: () => true,
    create: refuse,
    remove: refuse,
    reset: (tenant) => sim.resetTenant(tenant),
    list: () => [info('*')],
    exportWorld: () => sim.exportState(),
    exportWorldJson: () => sim.exportStateJson(),
    exportStateJson: () =>
      serverStateJson(sim.seed, [{ tenant: '*', ephemeral: false, options: { seed: sim.seed }, sim }]),
    importWorld: (_tenant, state) => sim.importState(state),
    exportState: () => ({
      format: 'drsim-server-state',
      version: 1,
      seed: sim.seed,
      worlds: [{ tenant: '*', ephemeral: false, options: { seed: sim.seed }, state: sim.exportState() }],
    }),
    importState: (state) =>
      sim.importState(state.format === 'drsim-state' ? state : (state.worlds[0]?.state ?? refuse())),
    clear: refuse,
    close: () => sim.close(),
  };
}
