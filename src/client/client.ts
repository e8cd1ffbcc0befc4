/**
 * The typed client for drsim's HTTP API: every `/v1` route as a method, the control API
 * (`/_sim`) under `sim`, and `waitForJob`, which follows a 202's job to its end — advancing the
 * simulated clock between polls when asked, so a test never waits for wall time. It needs
 * nothing but `fetch`, so it runs against a served drsim, or in-process against the app.
 */
import type { AccountInput, AccountView, UsageReport } from '../sim/account-types.js';
import type { AdvanceResult, PairSettingsInput, SimState } from '../sim/contract.js';
import type { Region, RegionCatalogue } from '../sim/regions.js';
import type {
  ActionRequest,
  AttachInput,
  AttachManyInput,
  CheckerVerdict,
  ClockMode,
  ClockView,
  CreateServerInput,
  DrPair,
  Duration,
  EventQuery,
  FaultRule,
  FaultRuleInput,
  FileContent,
  FileEntry,
  Iso,
  Job,
  ListPairsRequest,
  Page,
  PageRequest,
  ProgressionSettings,
  RecoveryPoint,
  Server,
  SimEvent,
  VolumeInput,
} from '../sim/types.js';
import {
  DrsimApiError,
  DrsimNetworkError,
  JobWaitStuckError,
  JobWaitTimeoutError,
  problemOf,
} from './errors.js';

/** The `fetch` the client calls; the global one by default. */

/** An advance job (`POST /_sim/clock/advance?async=true`), as `GET /_sim/advances/{id}` answers. */
export interface AdvanceJobView {
  id: string;
  tenant: string;
  status: 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';
  from: Iso;
  to: Iso;
  reached: Iso;
  percent: number;
  fired: number;
  createdAt: string;
  endedAt: string | null;
  error: { status: number; code: string; detail: string } | null;
}
export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface ClientOptions {
  /** Where drsim answers, e.g. `http://127.0.0.1:4010` (a path prefix is kept). */
  baseUrl: string;
  /** The bearer token of the public API. */
  token: string;
  /** The control API's token, when the server was started with `--admin-token`. */
  adminToken?: string;
  /**
   * The token's tenant, which the control API needs named (outages, job steps, reset...).
   * Defaults to the token itself, as in development mode.
   */
  tenant?: string;
  fetch?: FetchLike;
  /** Sent with every request, e.g. a trace id. */
  headers?: Record<string, string>;
  /** Opt-in retries of 429/503 and unanswered requests (off by default). */
  retry?: RetryPolicy | boolean;
}

/** What an action takes besides the pair: its request without `action`. */
export type ActionArgs<A extends ActionRequest['action']> = Omit<
  Extract<ActionRequest, { action: A }>,
  'action'
>;

/**
 * Opt-in retries: a 429 or 503 is retried after its `Retry-After` (at most `maxDelayMs`), and a
 * request that got no answer is retried when that is safe — a GET, PUT or DELETE, or a POST
 * with an `Idempotency-Key`, which the client generates for every POST while retries are on.
 */
export interface RetryPolicy {
  /** Retries after the first attempt. Default 3. */
  retries?: number;
  /** Statuses to retry. Default [429, 503]. */
  statuses?: number[];
  /** Retry requests that got no answer (DrsimNetworkError). Default true. */
  network?: boolean;
  /** The longest wait between attempts, in wall milliseconds. Default 10 000. */
  maxDelayMs?: number;
  /** The wait when an answer names none (and after a network failure). Default 200. */
  delayMs?: number;
  /** How to wait; tests pass one that records the delays instead of sleeping. */
  sleep?: (ms: number) => Promise<void>;
  /** Makes the Idempotency-Key of a POST sent without one. Default `crypto.randomUUID()`. */
  idempotencyKey?: () => string;
}

export interface ActionOptions {
  /** Sent as `Idempotency-Key`: a retry with the same key returns the same job. */
  idempotencyKey?: string;
}

export interface WaitForJobOptions {
  /** Wall time to give up after (JobWaitTimeoutError). Default 30 000. */
  timeoutMs?: number;
  /** Wall time between polls. Default 100, or 0 with `advance` (the clock moves instead). */
  intervalMs?: number;
  /** Advance the simulated clock by this much between polls (through `/_sim`), e.g. `'1m'`. */
  advance?: Duration;
  /**
   * Step the job (`POST /_sim/jobs/{id}/step`) between polls: what moves a job in manual
   * progression, since a poll is a read and never does.
   */
  step?: boolean;
}

export interface Health {
  status: 'ok';
  /** The server seed. */
  seed: number;
  /** The world the rest describes (the token's tenant's), when it has one. */
  tenant?: string;
  time?: Iso;
  worldSeed?: number;
  /** Changes with every committed change of that world's state. */
  stateVersion?: number;
}

/** What the server makes of the client's token (`GET /_sim/identity`). */
export interface Identity {
  tenant: string | null;
  policy: 'full' | 'read-only' | null;
  admin: boolean;
  ephemeral: boolean;
  protected: boolean;
}

/** A tenant's world (`/_sim/tenants`). */
export interface TenantInfo {
  tenant: string;
  seed: number;
  ephemeral: boolean;
  createdBy: string | null;
  clock: ClockView;
}

/** How a new tenant's world starts (`POST /_sim/tenants`). */
export interface CreateTenantInput {
  /** Admin only: a tenant token gets a generated name. */
  tenant?: string;
  /** Default true; a tenant token can create only ephemeral tenants. */
  ephemeral?: boolean;
  seed?: number;
  startTime?: Iso;
  timeZone?: string;
  progression?: ProgressionSettings;
  clock?: { mode?: ClockMode; speed?: number };
}

/** A created tenant: an ephemeral one comes with its own token (shown once). */
export interface CreatedTenant extends TenantInfo {
  token: string | null;
}

/**
 * A rule as the control API takes it: for the client's tenant by default, another tenant's
 * (admin token), or `'*'` for every tenant (admin token; answers one rule per world).
 */
export type ClientFaultRuleInput = Omit<FaultRuleInput, 'tenant'> & { tenant?: string | null };

// The server's own shapes (type-only: the client pulls in no server code).
import type { ChaosRuleInput } from '../server/http-chaos.js';
import type { JournalEntry } from '../server/journal.js';

export type { ChaosEffect, ChaosRuleInput } from '../server/http-chaos.js';

export interface ChaosRule extends Required<Omit<ChaosRuleInput, 'times' | 'probability' | 'seed'>> {
  id: string;
  times: number | null;
  probability: number | null;
  seed: number | null;
  fired: number;
}

/** One request the public API received (the control API is not journaled). */
export type { JournalEntry };

export interface JournalFilter {
  method?: string;
  /** A path pattern, as for chaos rules: `/v1/dr-pairs/*\/failover`. */
  path?: string;
}

export type EventFilter = EventQuery & {
  /** Default: the client's tenant; `null` for every tenant. */
  tenant?: string | null;
};

export interface RequestOptions {
  query?: Record<string, string | number | boolean | readonly string[] | null | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
}

export type DrsimClient = ReturnType<typeof createClient>;

/** Path under `/v1/dr-pairs/{id}` and method of each action (detach is the DELETE of the pair). */
export const ACTION_ROUTES: Readonly<
  Record<ActionRequest['action'], { method: 'POST' | 'DELETE'; path: string }>
> = {
  startReplication: { method: 'POST', path: '/start-replication' },
  stopReplication: { method: 'POST', path: '/stop-replication' },
  resumeReplication: { method: 'POST', path: '/resume-replication' },
  restartReplication: { method: 'POST', path: '/restart-replication' },
  testFailover: { method: 'POST', path: '/test-failover' },
  changeTestRecoveryPoint: { method: 'POST', path: '/test-failover/change-recovery-point' },
  cleanTestEnvironment: { method: 'POST', path: '/clean-test-environment' },
  failover: { method: 'POST', path: '/failover' },
  changeRecoveryPoint: { method: 'POST', path: '/change-recovery-point' },
  commitFailover: { method: 'POST', path: '/commit-failover' },
  detach: { method: 'DELETE', path: '' },
};

const TERMINAL = new Set<Job['status']>(['SUCCEEDED', 'FAILED']);

const id = (value: string) => encodeURIComponent(value);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Creates a client for one tenant (its token).
 *
 * @example
 * const client = createClient({ baseUrl: 'http://127.0.0.1:4010', token: 'acme' });
 * const server = await client.servers.create({ name: 'web-01', region: 'HCM-3', files: { 'etc/hostname': 'web-01' } });
 * const pair = await client.pairs.attach({ mainServerId: server.id, shadow: { region: 'HAN-1', vpcId: 'vpc-dr', subnetId: 'subnet-dr-a' } });
 * const job = await client.pairs.startReplication(pair.id, { shadowName: 'web-01-shadow', intervalHours: 1 });
 * await client.waitForJob(job, { advance: '1m' }); // SUCCEEDED, in simulated minutes
 */
export function createClient(options: ClientOptions) {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const doFetch: FetchLike = options.fetch ?? ((input, init) => fetch(input, init));
  const tenant = options.tenant ?? options.token;
  const retry = retryPolicy(options.retry);
  const commonHeaders: Record<string, string> = {
    Accept: 'application/json, application/problem+json',
    ...options.headers,
    Authorization: `Bearer ${options.token}`,
    ...(options.adminToken === undefined ? {} : { 'X-Drsim-Admin-Token': options.adminToken }),
  };

  /**
   * Any route, answering its parsed JSON body (undefined for 204). Not 2xx throws DrsimApiError.
   * The typed methods below are all built on it.
   */
  async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const url = `${baseUrl}${path}${queryString(opts.query)}`;
    const headers: Record<string, string> = { ...commonHeaders, ...opts.headers };
    let body: string | undefined;
    if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['Content-Type'] = 'application/json';
    }
    // A retried POST must not act twice: while retries are on, every POST carries a key.
    if (
      retry &&
      method === 'POST' &&
      !Object.keys(headers).some((h) => h.toLowerCase() === 'idempotency-key')
    ) {
      headers['Idempotency-Key'] = retry.idempotencyKey();
    }
    const key = Object.entries(headers).find(([h]) => h.toLowerCase() === 'idempotency-key')?.[1] ?? null;
    const safe = method !== 'POST' || key !== null;
    let response: Response;
    for (let attempt = 0; ; attempt++) {
      try {
        response = await doFetch(url, { method, headers, ...(body === undefined ? {} : { body }) });
      } catch (err) {
        const failure = new DrsimNetworkError(method, url, key, err);
        if (!retry?.network || !safe || attempt >= retry.retries) throw failure;
        await retry.sleep(Math.min(retry.delayMs, retry.maxDelayMs));
        continue;
      }
      if (response.ok || !retry || attempt >= retry.retries || !retry.statuses.includes(response.status))
        break;
      const seconds = Number(response.headers.get('retry-after'));
      const wait =
        response.headers.has('retry-after') && Number.isFinite(seconds) ? seconds * 1000 : retry.delayMs;
      await response.body?.cancel();
      await retry.sleep(Math.min(wait, retry.maxDelayMs));
    }
    if (!response.ok) {
      const retryAfter = Number(response.headers.get('retry-after'));
      throw new DrsimApiError(
        method,
        url,
        response.status,
        await problemOf(response),
        Number.isFinite(retryAfter) && response.headers.has('retry-after') ? retryAfter : null,
      );
    }
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  const get = <T>(path: string, query?: RequestOptions['query']) => request<T>('GET', path, { query });
  const post = <T>(path: string, body?: unknown, query?: RequestOptions['query']) =>
    request<T>('POST', path, { body, query });
  const put = <T>(path: string, body: unknown, query?: RequestOptions['query']) =>
    request<T>('PUT', path, { body, query });
  const del = <T = void>(path: string) => request<T>('DELETE', path);
  /** Every item of a list route, following `nextCursor` (pages of the documented maximum, 500). */
  const all = async <T>(path: string, query: RequestOptions['query'] = {}): Promise<T[]> => {
    const found: T[] = [];
    let cursor: string | null = null;
    do {
      const page: Page<T> = await get<Page<T>>(path, { ...query, limit: 500, ...(cursor ? { cursor } : {}) });
      found.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor !== null);
    return found;
  };
  /** `null` means "every tenant"; undefined means the client's. */
  const tenantFilter = (value: string | null | undefined) => (value === null ? undefined : (value ?? tenant));

  function act(
    pairId: string,
    actionRequest: ActionRequest,
    actionOptions: ActionOptions = {},
  ): Promise<Job> {
    const { action, ...args } = actionRequest;
    const route = ACTION_ROUTES[action];
    const headers: Record<string, string> =
      actionOptions.idempotencyKey === undefined ? {} : { 'Idempotency-Key': actionOptions.idempotencyKey };
    return request<Job>(route.method, `/v1/dr-pairs/${id(pairId)}${route.path}`, { body: args, headers });
  }

  const servers = {
    create: (input: CreateServerInput) => post<Server>('/v1/servers', input),
    list: (page: PageRequest = {}) => get<Page<Server>>('/v1/servers', { ...page }),
    get: (serverId: string) => get<Server>(`/v1/servers/${id(serverId)}`),
    /** Every file on the server, by path. */
    files: (serverId: string) => all<FileEntry>(`/v1/servers/${id(serverId)}/files`),
    /** The file at `path`, e.g. `app/orders.db`. */
    readFile: (serverId: string, path: string) =>
      get<FileContent>(`/v1/servers/${id(serverId)}/file`, { path }),
    /** Only on a running server (SERVER_STATE_CONFLICT otherwise). */
    writeFile: (serverId: string, path: string, content: string) =>
      put<FileEntry>(`/v1/servers/${id(serverId)}/file`, { content }, { path }),
    /** Starting a replicating shadow by hand breaks its replication, as on the real service. */
    start: (serverId: string) => post<Server>(`/v1/servers/${id(serverId)}/start`),
    stop: (serverId: string) => post<Server>(`/v1/servers/${id(serverId)}/stop`),
    addVolume: (serverId: string, volume: VolumeInput) =>
      post<Server>(`/v1/servers/${id(serverId)}/volumes`, volume),
    resizeVolume: (serverId: string, index: number, change: { sizeGb: number }) =>
      request<Server>('PATCH', `/v1/servers/${id(serverId)}/volumes/${id(String(index))}`, { body: change }),
    removeVolume: (serverId: string, index: number) =>
      request<Server>('DELETE', `/v1/servers/${id(serverId)}/volumes/${id(String(index))}`),
    renew: (serverId: string, input: { months?: number } = {}) =>
      post<Server>(`/v1/servers/${id(serverId)}/renew`, input),
  };

  const pairs = {
    list: (listRequest: ListPairsRequest = {}) => get<Page<DrPair>>('/v1/dr-pairs', { ...listRequest }),
    get: (pairId: string) => get<DrPair>(`/v1/dr-pairs/${id(pairId)}`),
    attach: (input: AttachInput) => post<DrPair>('/v1/dr-pairs', input),
    /** Several main servers, one shadow placement: all are attached, or none (the error's `failures` say which). */
    attachMany: async (input: AttachManyInput) =>
      (await post<{ items: DrPair[] }>('/v1/dr-pairs/batch', input)).items,
    /** Changes a running pair's interval and/or shadow flavor. */
    changeSettings: (pairId: string, input: PairSettingsInput) =>
      request<DrPair>('PATCH', `/v1/dr-pairs/${id(pairId)}`, { body: input }),
    history: (pairId: string, query: EventQuery = {}) =>
      get<Page<SimEvent>>(`/v1/dr-pairs/${id(pairId)}/history`, { ...query }),
    /** Newest first. */
    recoveryPoints: (pairId: string, page: PageRequest = {}) =>
      get<Page<RecoveryPoint>>(`/v1/dr-pairs/${id(pairId)}/recovery-points`, { ...page }),
    /** The main server's files as the point captured them. */
    recoveryPointFiles: (pairId: string, recoveryPointId: string) =>
      all<FileEntry>(`/v1/dr-pairs/${id(pairId)}/recovery-points/${id(recoveryPointId)}/files`),
    jobs: (pairId: string, page: PageRequest = {}) =>
      get<Page<Job>>(`/v1/dr-pairs/${id(pairId)}/jobs`, { ...page }),
    /** Any action from its `ActionRequest`; the named methods below are shorthands. */
    act,
    startReplication: (pairId: string, args: ActionArgs<'startReplication'>, o?: ActionOptions) =>
      act(pairId, { action: 'startReplication', ...args }, o),
    stopReplication: (pairId: string, o?: ActionOptions) => act(pairId, { action: 'stopReplication' }, o),
    resumeReplication: (pairId: string, o?: ActionOptions) => act(pairId, { action: 'resumeReplication' }, o),
    /** Deletes every recovery point and copies everything again. */
    restartReplication: (pairId: string, o?: ActionOptions) =>
      act(pairId, { action: 'restartReplication' }, o),
    testFailover: (pairId: string, args: ActionArgs<'testFailover'>, o?: ActionOptions) =>
      act(pairId, { action: 'testFailover', ...args }, o),
    changeTestRecoveryPoint: (
      pairId: string,
      args: ActionArgs<'changeTestRecoveryPoint'>,
      o?: ActionOptions,
    ) => act(pairId, { action: 'changeTestRecoveryPoint', ...args }, o),
    cleanTestEnvironment: (pairId: string, o?: ActionOptions) =>
      act(pairId, { action: 'cleanTestEnvironment' }, o),
    failover: (pairId: string, args: ActionArgs<'failover'>, o?: ActionOptions) =>
      act(pairId, { action: 'failover', ...args }, o),
    changeRecoveryPoint: (pairId: string, args: ActionArgs<'changeRecoveryPoint'>, o?: ActionOptions) =>
      act(pairId, { action: 'changeRecoveryPoint', ...args }, o),
    commitFailover: (pairId: string, args: ActionArgs<'commitFailover'>, o?: ActionOptions) =>
      act(pairId, { action: 'commitFailover', ...args }, o),
    detach: (pairId: string, o?: ActionOptions) => act(pairId, { action: 'detach' }, o),
    /** Costs per local day (dates YYYY-MM-DD, both included; default the last 30 days). */
    usage: (pairId: string, range: { from?: string; to?: string } = {}) =>
      get<UsageReport>(`/v1/dr-pairs/${id(pairId)}/usage`, { ...range }),
  };

  const account = {
    /** Mode, prepaid balance, rates, fees accrued up to now. */
    get: () => get<AccountView>('/v1/account'),
    /** Costs per local day across all pairs, with each pair's total. */
    usage: (range: { from?: string; to?: string } = {}) =>
      get<UsageReport>('/v1/account/usage', { ...range }),
  };

  const regions = {
    /** Every region with its VPCs, subnets, security groups, placement groups, volume types and flavors. */
    list: () => all<Region>('/v1/regions'),
    get: (regionId: string) => get<Region>(`/v1/regions/${id(regionId)}`),
  };

  const jobs = {
    /** A read: never changes the job (under manual progression, `sim.stepJob` moves it). */
    get: (jobId: string) => get<Job>(`/v1/jobs/${id(jobId)}`),
  };

  const sim = {
    /** Never needs a token. */
    health: () => get<Health>('/_sim/health'),
    clock: () => get<ClockView>('/_sim/clock'),
    setClock: (settings: { mode?: ClockMode; speed?: number }) => put<ClockView>('/_sim/clock', settings),
    advance: (by: Duration) => post<AdvanceResult & { clock: ClockView }>('/_sim/clock/advance', { by }),
    advanceTo: (to: Iso) => post<AdvanceResult & { clock: ClockView }>('/_sim/clock/advance', { to }),
    /** A long advance (up to 36,600 days) as an advance job: answered at once; poll `advanceJob`. */
    startAdvance: (by: Duration) => post<AdvanceJobView>('/_sim/clock/advance', { by }, { async: 'true' }),
    /** An advance job's progress (`reached`, `percent`) or result (docs/operations.md). */
    advanceJob: (jobId: string) => get<AdvanceJobView>(`/_sim/advances/${id(jobId)}`),
    /** Stops an advance job at its next slice. */
    cancelAdvance: (jobId: string) => del<AdvanceJobView>(`/_sim/advances/${id(jobId)}`),
    progression: () => get<ProgressionSettings>('/_sim/progression'),
    /** Sets the account: mode, the prepaid credit balance (now), rates. */
    setAccount: (input: AccountInput) => put<AccountView>('/_sim/account', input),
    regions: () => get<RegionCatalogue>('/_sim/regions'),
    /** Replaces the region catalogue (the engine fills names, CIDRs and IOPS left out). */
    setRegions: (catalogue: RegionCatalogue) => put<RegionCatalogue>('/_sim/regions', catalogue),
    /** Puts drsim's default region catalogue back. */
    resetRegions: () => request<RegionCatalogue>('DELETE', '/_sim/regions'),
    /** Sets the job types named, e.g. `{ failover: 'manual' }` or `{ default: 'immediate' }`. */
    setProgression: (settings: ProgressionSettings) =>
      put<ProgressionSettings>('/_sim/progression', settings),
    /** Who the server takes the client's token for. */
    identity: () => get<Identity>('/_sim/identity'),
    tenants: {
      /** Every world for the admin; else the client's own and the ephemeral ones it created. */
      list: () => all<TenantInfo>('/_sim/tenants'),
      /** A fresh world; ephemeral by default, reached with the token in the answer. */
      create: (input: CreateTenantInput = {}) => post<CreatedTenant>('/_sim/tenants', input),
      get: (name: string) => get<TenantInfo>(`/_sim/tenants/${id(name)}`),
      remove: (name: string) => del(`/_sim/tenants/${id(name)}`),
    },
    /** Deletes every world (admin only). */
    resetServer: () => post<void>('/_sim/reset', { scope: 'server' }),
    /** Every world's state (admin only). */
    exportServerState: () => get<Record<string, unknown>>('/_sim/state', { scope: 'server' }),
    importServerState: (state: unknown) => put<void>('/_sim/state', state, { scope: 'server' }),
    faults: {
      /** The client's tenant's rules (or the named tenant's; `'*'`: every world's, admin only). */
      list: (ofTenant?: string | null) => all<FaultRule>('/_sim/faults', { tenant: tenantFilter(ofTenant) }),
      get: (faultId: string) => get<FaultRule>(`/_sim/faults/${id(faultId)}`),
      /**
       * Adds an engine fault rule, for the client's tenant unless the input names another
       * (`tenant: null` for all).
       *
       * @example
       * await client.sim.faults.add({ target: 'failover', effect: { kind: 'fail', code: 'COPY_FAILED' }, trigger: { times: 1 } });
       */
      add: ({ tenant: ruleTenant, ...input }: ClientFaultRuleInput) => {
        const scoped = tenantFilter(ruleTenant);
        return post<FaultRule>('/_sim/faults', scoped === undefined ? input : { ...input, tenant: scoped });
      },
      remove: (faultId: string) => del(`/_sim/faults/${id(faultId)}`),
    },
    chaos: {
      list: () => all<ChaosRule>('/_sim/chaos'),
      get: (ruleId: string) => get<ChaosRule>(`/_sim/chaos/${id(ruleId)}`),
      add: (input: ChaosRuleInput) => post<ChaosRule>('/_sim/chaos', input),
      remove: (ruleId: string) => del(`/_sim/chaos/${id(ruleId)}`),
      clear: () => del('/_sim/chaos'),
    },
    /** A disaster: the server goes DOWN and replication from it fails until `recover`. */
    outage: (serverId: string) => post<Server>(`/_sim/servers/${id(serverId)}/outage`, undefined, { tenant }),
    recover: (serverId: string) =>
      post<Server>(`/_sim/servers/${id(serverId)}/recover`, undefined, { tenant }),
    /** Seeded background writes per simulated minute (0 stops them). */
    setWorkload: (serverId: string, writesPerMinute: number) =>
      put<void>(`/_sim/servers/${id(serverId)}/workload`, { writesPerMinute, tenant }),
    /** Advances a job in manual progression by one step. */
    stepJob: (jobId: string) => post<Job>(`/_sim/jobs/${id(jobId)}/step`, undefined, { tenant }),
    /** Starts a tenant's world over as it was created (the client's by default). */
    resetTenant: (ofTenant: string = tenant) => post<void>(`/_sim/tenants/${id(ofTenant)}/reset`),
    snapshots: {
      list: () => all<{ name: string; createdAt: Iso }>('/_sim/snapshots'),
      get: (name: string) => get<{ name: string; createdAt: Iso }>(`/_sim/snapshots/${id(name)}`),
      /** A name in use is refused (409 SNAPSHOT_EXISTS) unless `overwrite: true`. */
      save: (name: string, saveOptions: { overwrite?: boolean } = {}) =>
        post<{ name: string; createdAt: Iso }>('/_sim/snapshots', {
          name,
          ...(saveOptions.overwrite ? { overwrite: true } : {}),
        }),
      restore: (name: string) => post<void>(`/_sim/snapshots/${id(name)}/restore`),
      delete: (name: string) => del(`/_sim/snapshots/${id(name)}`),
    },
    exportState: () => get<SimState>('/_sim/state'),
    importState: (state: SimState) => put<void>('/_sim/state', state),
    checks: () => get<{ ok: boolean; items: CheckerVerdict[] }>('/_sim/checks'),
    /** Events of the client's tenant's world by default (or the named tenant's). */
    events: ({ tenant: ofTenant, ...query }: EventFilter = {}) =>
      get<Page<SimEvent>>('/_sim/events', { ...query, tenant: tenantFilter(ofTenant) }),
    requests: {
      find: (filter: JournalFilter = {}) => all<JournalEntry>('/_sim/requests', { ...filter }),
      count: async (filter: JournalFilter = {}) =>
        (await get<{ count: number }>('/_sim/requests/count', { ...filter })).count,
      clear: () => del('/_sim/requests'),
    },
  };

  /**
   * Polls a job until it SUCCEEDED or FAILED and answers it (a FAILED job is not thrown: look at
   * `job.error`). With `advance`, the simulated clock moves that much between polls instead of
   * the test sleeping.
   *
   * @example
   * const job = await client.waitForJob(await client.pairs.failover(pairId, { recoveryPointId }), { advance: '1m' });
   * expect(job.status).toBe('SUCCEEDED');
   */
  async function waitForJob(job: string | { id: string }, waitOptions: WaitForJobOptions = {}): Promise<Job> {
    const jobId = typeof job === 'string' ? job : job.id;
    const timeoutMs = waitOptions.timeoutMs ?? 30_000;
    const intervalMs =
      waitOptions.intervalMs ?? (waitOptions.advance === undefined && !waitOptions.step ? 100 : 0);
    const deadline = Date.now() + timeoutMs;
    for (let poll = 0; ; poll++) {
      const current = await jobs.get(jobId);
      if (TERMINAL.has(current.status)) return current;
      if (poll === 0 && waitOptions.advance === undefined && !waitOptions.step) await failIfStuck(current);
      if (Date.now() >= deadline) throw new JobWaitTimeoutError(current, timeoutMs);
      if (waitOptions.step) await sim.stepJob(jobId);
      if (waitOptions.advance !== undefined) await sim.advance(waitOptions.advance);
      if (intervalMs > 0) await sleep(intervalMs);
    }
  }

  /**
   * A job nothing will move: the world's clock is manual (no advance given) or the job's type
   * progresses manually (no step asked). When the control API is closed to the client, it
   * cannot tell, and polls as before.
   */
  async function failIfStuck(current: Job): Promise<void> {
    let clock: ClockView;
    let progression: ProgressionSettings;
    try {
      [clock, progression] = await Promise.all([sim.clock(), sim.progression()]);
    } catch {
      return;
    }
    const mode =
      (progression as Record<string, string | undefined>)[current.type] ?? progression.default ?? 'clock';
    if (mode === 'manual') throw new JobWaitStuckError(current, 'manual-progression');
    if (mode === 'clock' && clock.mode === 'manual') throw new JobWaitStuckError(current, 'manual-clock');
  }

  return { baseUrl, tenant, request, servers, pairs, account, regions, jobs, sim, waitForJob };
}

function queryString(query: RequestOptions['query']): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    params.set(key, Array.isArray(value) ? value.join(',') : String(value));
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

interface ResolvedRetry {
  retries: number;
  statuses: number[];
  network: boolean;
  maxDelayMs: number;
  delayMs: number;
  sleep: (ms: number) => Promise<void>;
  idempotencyKey: () => string;
}

function retryPolicy(policy: RetryPolicy | boolean | undefined): ResolvedRetry | null {
  if (policy === undefined || policy === false) return null;
  const given = policy === true ? {} : policy;
  return {
    retries: given.retries ?? 3,
    statuses: given.statuses ?? [429, 503],
    network: given.network ?? true,
    maxDelayMs: given.maxDelayMs ?? 10_000,
    delayMs: given.delayMs ?? 200,
    sleep: given.sleep ?? sleep,
    idempotencyKey: given.idempotencyKey ?? (() => globalThis.crypto.randomUUID()),
  };
}
