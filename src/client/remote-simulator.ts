/**
 * `remoteSimulator`: the engine's API (`AsyncSimulator`) spoken over HTTP to a served drsim, so
 * the scenario runner and other tools drive a remote server exactly as they drive an in-process
 * simulator (`asyncSimulator(createSimulator())`): the same answers, and the same `DrError`
 * codes when something is refused. Tenant-scoped calls go to `/v1` with the token, whose tenant
 * they must name; control calls go to `/_sim`.
 */
import type { AsyncSimulator } from '../sim/contract.js';
import { DrError } from '../sim/errors.js';
import type { Job } from '../sim/types.js';
import { ACTION_ROUTES, type ClientOptions, createClient } from './client.js';
import { DrsimApiError } from './errors.js';

export type RemoteSimulatorOptions = ClientOptions;

/**
 * An AsyncSimulator backed by a drsim server.
 *
 * Differences that cannot be helped, because the HTTP API has no route for them:
 * - `syncRealtime()` advances by nothing: a served drsim keeps its realtime clock in step itself.
 * - `close()` closes nothing: the server belongs to whoever started it.
 *
 * @example
 * const sim = remoteSimulator({ baseUrl: 'http://127.0.0.1:4010', token: 'acme' });
 * const server = await sim.createServer('acme', { name: 'web-01', region: 'HCM-3' });
 * await sim.advance('1h');
 */
export function remoteSimulator(options: RemoteSimulatorOptions): AsyncSimulator {
  const client = createClient(options);
  const { tenant: ownTenant } = client;

  /** The public API knows only the token's tenant; naming another is a caller's mistake. */
  function own(tenant: string): void {
    if (tenant !== ownTenant) {
      throw new DrError(
        'VALIDATION_FAILED',
        `tenant: this remote simulator acts for tenant '${ownTenant}' (its token's), not '${tenant}'.`,
        { errors: [{ path: 'tenant', expected: `'${ownTenant}'` }] },
      );
    }
  }

  /** A tenant-scoped call of the public API: the tenant is checked, then dropped. */
  const forTenant =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    async (tenant: string, ...args: A): Promise<R> => {
      own(tenant);
      return call(...args);
    };

  const remote: AsyncSimulator = {
    clock: () => client.sim.clock(),
    stateVersion: async () => (await client.sim.health()).stateVersion ?? 0,
    advance: async (duration) => withoutClock(await client.sim.advance(duration)),
    advanceTo: async (time) => withoutClock(await client.sim.advanceTo(time)),
    setClock: (settings) => client.sim.setClock(settings),
    syncRealtime: async () => withoutClock(await client.sim.advance(0)),

    regions: () => client.sim.regions(),
    setRegions: (catalogue) =>
      catalogue === null ? client.sim.resetRegions() : client.sim.setRegions(catalogue),
    account: forTenant(client.account.get),
    setAccount: forTenant(client.sim.setAccount),
    usage: forTenant((pairId: string | null, range?: { from?: string; to?: string }) =>
      pairId === null ? client.account.usage(range) : client.pairs.usage(pairId, range),
    ),
    progression: async () => {
      const settings = await client.sim.progression();
      return { ...settings, default: settings.default ?? 'clock' };
    },
    setProgression: async (kind, mode) => {
      await client.sim.setProgression({ [kind]: mode });
    },

    createServer: forTenant(client.servers.create),
    listServers: forTenant(client.servers.list),
    getServer: forTenant(client.servers.get),
    listFiles: forTenant(client.servers.files),
    readFile: forTenant(client.servers.readFile),
    writeFile: forTenant(client.servers.writeFile),
    recoveryPointFiles: forTenant(client.pairs.recoveryPointFiles),
    startServer: forTenant(client.servers.start),
    stopServer: forTenant(client.servers.stop),
    addVolume: forTenant(client.servers.addVolume),
    resizeVolume: forTenant(client.servers.resizeVolume),
    removeVolume: forTenant(client.servers.removeVolume),
    renewServer: forTenant(client.servers.renew),
    failServer: (tenant, serverId) =>
      client.request('POST', `/_sim/servers/${encodeURIComponent(serverId)}/outage`, { query: { tenant } }),
    recoverServer: (tenant, serverId) =>
      client.request('POST', `/_sim/servers/${encodeURIComponent(serverId)}/recover`, { query: { tenant } }),
    setWorkload: (tenant, serverId, writesPerMinute) =>
      client.request('PUT', `/_sim/servers/${encodeURIComponent(serverId)}/workload`, {
        body: { writesPerMinute, tenant },
      }),

    attach: forTenant(client.pairs.attach),
    attachMany: forTenant(client.pairs.attachMany),
    listPairs: forTenant(client.pairs.list),
    getPair: forTenant(client.pairs.get),
    changePairSettings: forTenant(client.pairs.changeSettings),
    listRecoveryPoints: forTenant(client.pairs.recoveryPoints),
    act: async (tenant, pairId, request, actOptions) => {
      own(tenant);
      if (!Object.hasOwn(ACTION_ROUTES, request?.action)) {
        throw new DrError(
          'VALIDATION_FAILED',
          `action: expected one of ${Object.keys(ACTION_ROUTES).join(', ')}.`,
          {
            errors: [{ path: 'action', expected: 'a user action' }],
          },
        );
      }
      return await client.pairs.act(pairId, request, actOptions);
    },
    history: forTenant(client.pairs.history),

    listJobs: async (tenant, pairId, page) => {
      own(tenant);
      const jobs = await client.pairs.jobs(pairId, page);
      return jobs;
    },
    getJob: async (tenant, jobId) => {
      own(tenant);
      return await client.jobs.get(jobId);
    },
    stepJob: async (tenant, jobId) =>
      await client.request<Job>('POST', `/_sim/jobs/${encodeURIComponent(jobId)}/step`, {
        query: { tenant },
      }),

    // The engine's own tenant semantics: a rule without a tenant applies to all of them.
    addFault: (input) => client.request('POST', '/_sim/faults', { body: input }),
    listFaults: (tenant) => client.sim.faults.list(tenant ?? null),
    removeFault: (faultId) => client.sim.faults.remove(faultId),

    events: (query = {}) => client.sim.events({ ...query, tenant: query.tenant ?? null }),
    check: async () => (await client.sim.checks()).items,

    resetTenant: (tenant) => client.sim.resetTenant(tenant),
    exportState: () => client.sim.exportState(),
    importState: (state) => client.sim.importState(state),
    saveSnapshot: async (name, options) => {
      await client.sim.snapshots.save(name, options);
    },
    restoreSnapshot: (name) => client.sim.snapshots.restore(name),
    deleteSnapshot: (name) => client.sim.snapshots.delete(name),
    listSnapshots: () => client.sim.snapshots.list(),
    close: async () => {},
  };

  return asDrErrors(remote);
}

function withoutClock<T extends { clock?: unknown }>({ clock: _clock, ...result }: T): Omit<T, 'clock'> {
  return result;
}

/** Problems become DrError with the problem's code, message and details, as the engine throws them. */
function asDrErrors(remote: AsyncSimulator): AsyncSimulator {
  const wrapped = {} as Record<string, unknown>;
  for (const [name, method] of Object.entries(remote) as [
    string,
    (...args: unknown[]) => Promise<unknown>,
  ][]) {
    wrapped[name] = async (...args: unknown[]) => {
      try {
        return await method(...args);
      } catch (err) {
        throw DrsimApiError.is(err) ? toDrError(err) : err;
      }
    };
  }
  return wrapped as AsyncSimulator;
}

/**
 * The engine's details back from the problem's members: the HTTP layer renamed INVALID_STATE's
 * `status` to `pairStatus` (RFC 9457 reserves `status`), so it is renamed back.
 */
export function toDrError(err: DrsimApiError): DrError {
  const { pairStatus, ...details } = err.details;
  const error = new DrError(err.code, err.problem.detail, {
    ...details,
    ...(pairStatus === undefined ? {} : { status: pairStatus }),
  });
  Object.defineProperty(error, 'cause', {
    value: err,
    enumerable: false,
    configurable: true,
    writable: true,
  });
  return error;
}
