/**
 * The engine's in-process API (`Simulator`), what it exports (`SimState`), and the pure
 * helpers' signatures. The HTTP server, the scenario runner and the console use only this.
 */
import type { DrPairStatus, TestFailoverState } from '../machine/index.js';
import type { AccountInput, AccountSettings, AccountView, UsageItem, UsageReport } from './account-types.js';
import type { RegionCatalogue } from './regions.js';
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
  OperationErrorView,
  Page,
  PageRequest,
  ProgressionMode,
  ProgressionSettings,
  RecoveryPoint,
  Server,
  ShadowPlacement,
  SimEvent,
  VolumeInput,
} from './types.js';

export interface PairSettingsInput {
  /** 1 to 12; the interval rule and retention use it from the next recovery point. */
  intervalHours?: number;
  /** A flavor the shadow's region offers. */
  shadowFlavor?: string;
}

export interface CreateSimulatorOptions {
  /** Seeds the one PRNG every random choice (ids included) comes from. Default 1. */
  seed?: number;
  /** `':memory:'` (default) or a file path; a file resumes exactly where it stopped. */
  db?: string;
  /** What a committed change survives: `process` (default: a killed process) or `power` (also a power loss; slower). */
  durability?: 'process' | 'power';
  /** Simulated start time for a new database. Default `2026-01-05T00:00:00.000Z` (a Monday). */
  startTime?: Iso;
  /**
   * IANA time zone of retention's day and week boundaries ("00:00", "Sunday"). Default
   * `Asia/Ho_Chi_Minh`, where the service is operated. Fixed for the world's life: a database
   * that exists keeps the zone it was made with.
   */
  timeZone?: string;
  /**
   * Days of simulated time the history keeps in full (default 90): older events, ended jobs
   * and superseded file versions that nothing kept needs are pruned as time passes
   * (docs/operations.md). Kept with the state; given for an existing database, it replaces the
   * stored one.
   */
  historyRetentionDays?: number;
  progression?: ProgressionSettings;
  clock?: { mode?: ClockMode; speed?: number };
  /**
   * The wall clock realtime mode follows (milliseconds since the epoch, e.g. `Date.now`). The
   * engine reads no ambient time: without one, realtime mode is refused.
   */
  wallClock?: () => number;
}

export interface AdvanceResult {
  from: Iso;
  to: Iso;
  /** Scheduled events that fired (job steps, recovery points, retention, faults). */
  fired: number;
}

export interface Simulator {
  readonly seed: number;

  // clock
  clock(): ClockView;
  /** Moves simulated time forward; scheduled work fires in time order (ties by creation order). */
  advance(duration: Duration): AdvanceResult;
  /** Advances to an absolute time; a time before now is refused (CLOCK_IN_PAST). */
  advanceTo(time: Iso): AdvanceResult;
  /**
   * One slice of an advance toward `time`: fires at most `maxWork` scheduled items and commits;
   * `done` once the clock is at `time` (at once if it is already there or past). The server
   * advances in slices and serves other requests between them; `advanceTo` is all slices.
   */
  advanceSlice(time: Iso, maxWork: number): AdvanceResult & { done: boolean };
  setClock(settings: { mode?: ClockMode; speed?: number }): ClockView;
  /** In realtime mode: catches simulated time up with the wall clock. The server calls it on a timer. */
  syncRealtime(): AdvanceResult;

  // progression
  progression(): Required<Pick<ProgressionSettings, 'default'>> & ProgressionSettings;
  setProgression(kind: keyof ProgressionSettings, mode: ProgressionMode): void;

  // region catalogue
  /** The regions a shadow or test server can go to, with what each offers (decision 0009). */
  regions(): RegionCatalogue;
  /** Replaces the catalogue (validated); `null` puts drsim's default back. */
  setRegions(catalogue: RegionCatalogue | null): RegionCatalogue;

  // accounts and costs (decision 0012)
  /** The tenant's account: mode, balance (prepaid), rates, fees accrued up to now. */
  account(tenant: string): AccountView;
  /** Changes mode, sets the prepaid credit balance now, and/or replaces rates. */
  setAccount(tenant: string, input: AccountInput): AccountView;
  /** Costs per local day, all pairs (`pairId` null) or one pair; `from`/`to` are dates YYYY-MM-DD. */
  usage(tenant: string, pairId: string | null, range?: { from?: string; to?: string }): UsageReport;

  // servers (per tenant)
  createServer(tenant: string, input: CreateServerInput): Server;
  listServers(tenant: string, page?: PageRequest): Page<Server>;
  getServer(tenant: string, serverId: string): Server;
  listFiles(tenant: string, serverId: string): FileEntry[];
  readFile(tenant: string, serverId: string, path: string): FileContent;
  /** Writes data on a running server (SERVER_STATE_CONFLICT otherwise). */
  writeFile(tenant: string, serverId: string, path: string, content: string): FileEntry;
  /** The main server's files as a recovery point captured them. */
  recoveryPointFiles(tenant: string, pairId: string, recoveryPointId: string): FileEntry[];
  /** Adds a volume (drive) to a standalone, main or primary server. */
  addVolume(tenant: string, serverId: string, volume: VolumeInput): Server;
  /** Grows volume `index` (0-based) to `sizeGb`; shrinking is VOLUME_CHANGE_REFUSED. */
  resizeVolume(tenant: string, serverId: string, index: number, change: { sizeGb: number }): Server;
  /** Removes data volume `index` (1 and up; the boot volume 0 stays). */
  removeVolume(tenant: string, serverId: string, index: number): Server;
  /** Extends the server's expiry by `months` (default 1) of 30 days, from now if it already expired. */
  renewServer(tenant: string, serverId: string, input?: { months?: number }): Server;
  /** Power on by hand. Starting a replicating shadow breaks its replication, as on the real service. */
  startServer(tenant: string, serverId: string): Server;
  stopServer(tenant: string, serverId: string): Server;
  /** A disaster: the server goes DOWN (replication from it fails) until `recoverServer`. */
  failServer(tenant: string, serverId: string): Server;
  recoverServer(tenant: string, serverId: string): Server;
  /** A seeded background workload writing files on the server, per simulated minute. 0 stops it. */
  setWorkload(tenant: string, serverId: string, writesPerMinute: number): void;

  // pairs
  attach(tenant: string, input: AttachInput): DrPair;
  /**
   * Attaches several main servers with one shadow placement, all or nothing: when any server is
   * refused nothing is attached, and the DrError (the first refusal's code) lists every refused
   * server in `details.failures`.
   */
  attachMany(tenant: string, input: AttachManyInput): DrPair[];
  listPairs(tenant: string, request?: ListPairsRequest): Page<DrPair>;
  getPair(tenant: string, pairId: string): DrPair;
  /** Changes a replicating, pending or failed pair's interval and/or shadow flavor (INVALID_STATE otherwise). */
  changePairSettings(tenant: string, pairId: string, input: PairSettingsInput): DrPair;
  listRecoveryPoints(tenant: string, pairId: string, page?: PageRequest): Page<RecoveryPoint>;
  /** Starts the action as a job; throws DrError (INVALID_STATE, RECOVERY_POINT_NOT_FOUND, VALIDATION_FAILED...) when refused, with nothing changed. */
  act(tenant: string, pairId: string, request: ActionRequest, options?: { idempotencyKey?: string }): Job;
  history(tenant: string, pairId: string, query?: EventQuery): Page<SimEvent>;

  // jobs
  listJobs(tenant: string, pairId: string, page?: PageRequest): Page<Job>;
  /** Reads a job; never changes it (a manual job moves only on `stepJob`). */
  getJob(tenant: string, jobId: string): Job;
  /** Advances a job in manual progression by one step. */
  stepJob(tenant: string, jobId: string): Job;

  // faults
  addFault(input: FaultRuleInput): FaultRule;
  listFaults(tenant?: string): FaultRule[];
  removeFault(faultId: string): void;

  // observation
  events(query?: EventQuery & { tenant?: string }): Page<SimEvent>;
  check(): CheckerVerdict[];

  // state
  /** Changes with every committed change (not persisted): equal values mean the state is the same. */
  stateVersion(): number;
  /**
   * Like `stateVersion`, but the same after the clock moved forward with nothing due or changed
   * its mode or speed: while it stays, every read answers the same apart from the clock's own
   * and what it derives from the clock's time (a pair's `replication.rpoSeconds`).
   */
  contentVersion(): number;
  resetTenant(tenant: string): void;
  exportState(): SimState;
  /**
   * The export's JSON text (the bytes of `JSON.stringify(exportState())`), a record at a time,
   * so a large state is never one string. Consume it in one synchronous run (a consistent read).
   */
  exportStateJson(): Iterable<string>;
  importState(state: SimState): void;
  /** Saves the whole state under `name`; an existing name is SNAPSHOT_EXISTS unless `overwrite`. */
  saveSnapshot(name: string, options?: { overwrite?: boolean }): void;
  restoreSnapshot(name: string): void;
  /** Deletes a named snapshot (SNAPSHOT_NOT_FOUND if there is none). */
  deleteSnapshot(name: string): void;
  listSnapshots(): { name: string; createdAt: Iso }[];
  /** The HTTP API's idempotency answers, kept in this world's database (not part of its state). */
  readonly httpAnswers: AnswerStore;
  close(): void;
}

/**
 * The HTTP API's idempotency answers of one world (src/sim/http-answers.ts), in its database.
 */
export interface KeptAnswer {
  /** What makes two requests the same (method, path, query, body). */
  fingerprint: string;
  method: string;
  path: string;
  /** Simulated time of the answer. */
  atMs: number;
  status: number;
  body: string;
  headers: [string, string][];
}

export interface AnswerStore {
  /** The answer kept for `scope`, unless it is `ttlMs` old or older at `nowMs` (then it is gone). */
  recall(scope: string, nowMs: number, ttlMs: number): KeptAnswer | undefined;
  /** Keeps an answer (replacing one of the scope); drops expired ones and the oldest beyond `capacity`. */
  keep(scope: string, answer: KeptAnswer, ttlMs: number, capacity: number): void;
}

// ---------------------------------------------------------------- stored state (export/import, checkers)

export interface StoredServer extends Server {
  tenant: string;
  /** Creation order, for stable listing and cursors. */
  seq: number;
  /** Total size of the current files. */
  dataBytes: number;
  /** Writes per simulated minute of the seeded workload. */
  workloadPerMinute: number;
}
/** One version of one file; `content: null` is a deletion. */
export interface StoredFile {
  serverId: string;
  path: string;
  version: number;
  content: string | null;
  checksum: string | null;
  writtenAt: Iso;
}
export interface StoredPair {
  id: string;
  seq: number;
  tenant: string;
  name: string;
  mainServerId: string;
  shadowServerId: string | null;
  testServerId: string | null;
  placement: ShadowPlacement;
  intervalHours: number | null;
  /** The statechart's persisted snapshot (machine.getPersistedSnapshot). */
  machine: unknown;
  /** Read off the snapshot, kept beside it for queries. */
  status: DrPairStatus;
  testState: TestFailoverState;
  currentJobId: string | null;
  currentTestJobId: string | null;
  lastRecoveryPointAt: Iso | null;
  replicationError: OperationErrorView | null;
  createdAt: Iso;
  updatedAt: Iso;
}
/** Pins are derived from the pair's state, so the stored point has none. */
export interface StoredRecoveryPoint extends Omit<RecoveryPoint, 'pinned' | 'pinnedBy'> {
  tenant: string;
  corrupt: boolean;
}
export interface StoredJob extends Job {
  seq: number;
  tenant: string;
  /** The fault rule holding the job (effect `hang`), if any. */
  hungBy: string | null;
  /** Facts the checkers read, e.g. `{ recoveryPointId, shadowDataVersion }` after a restore. */
  result: Record<string, unknown>;
}
export interface SimState {
  format: 'drsim-state';
  version: 1;
  seed: number;
  rng: unknown;
  clock: { nowMs: number; mode: ClockMode; speed: number };
  settings: {
    timeZone: string;
    progression: ProgressionSettings;
    historyRetentionDays?: number;
    regions?: RegionCatalogue;
    accounts?: Record<string, AccountSettings>;
  };
  servers: StoredServer[];
  files: StoredFile[];
  pairs: StoredPair[];
  recoveryPoints: StoredRecoveryPoint[];
  jobs: StoredJob[];
  faults: FaultRule[];
  events: SimEvent[];
  /** Pending scheduled work. */
  schedule: { atMs: number; seq: number; kind: string; payload: Record<string, unknown> }[];
  idempotency: { tenant: string; key: string; pairId: string; action: string; jobId: string }[];
  /** The billing meters (accounts.ts); absent in a state from before accounts. */
  charges?: StoredCharge[];
  /** Counters for ids and sequences. */
  counters: Record<string, number>;
}
/** One billing meter: open (`endMs` null) while its resource exists; a transmission has start = end. */
export interface StoredCharge {
  seq: number;
  tenant: string;
  pairId: string;
  item: UsageItem;
  serverId: string | null;
  volumeType: 'SSD' | 'NVMe' | null;
  quantity: number;
  unitPrice: number;
  startMs: number;
  endMs: number | null;
}

// ---------------------------------------------------------------- pure helpers

/** src/sim/retention.ts: which recovery points the documented rules delete at `nowMs`. */
export interface RetentionInput {
  /** All the pair's current points, oldest first. */
  points: { id: string; createdAtMs: number }[];
  /** The point just created at nowMs (also in `points`). */
  newPointId: string;
  nowMs: number;
  intervalHours: number;
  timeZone: string;
  /** Points in use (a restore running from them, a test or failover server on them): never deleted. */
  pinned?: ReadonlySet<string>;
  /** Return tags for the new point only (the engine's hot path, when older tags cannot change). */
  onlyNewTags?: boolean;
}
export type RetentionFn = (input: RetentionInput) => {
  deleted: { id: string; reason: 'interval' | 'daily' | 'weekly' | 'age' | 'count' }[];
  tags: Record<string, ('interval' | 'daily' | 'weekly')[]>;
};

/** src/sim/checkers/*.ts: one checker per module, pure over the stored state. */
export interface Checker {
  name: string;
  description: string;
  check(state: SimState): string[];
}

export type { CheckerVerdict, Duration };

/**
 * The Simulator with every method returning a promise: what the scenario runner and other
 * tools drive, in-process (`asyncSimulator(sim)`) or over HTTP (`remoteSimulator` in
 * src/client). Over HTTP the tenant is the token's; a `tenant` argument must match it.
 */
export type AsyncSimulator = {
  [K in Exclude<
    keyof Simulator,
    'seed' | 'advanceSlice' | 'httpAnswers' | 'exportStateJson' | 'contentVersion'
  >]: Simulator[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never;
};

/** Wraps an in-process simulator as an AsyncSimulator. */
export function asyncSimulator(sim: Simulator): AsyncSimulator {
  const wrapped = {} as Record<string, unknown>;
  for (const key of Object.keys(sim) as (keyof Simulator)[]) {
    const value = sim[key];
    if (typeof value === 'function') {
      wrapped[key] = async (...args: unknown[]) => (value as (...a: unknown[]) => unknown).apply(sim, args);
    }
  }
  return wrapped as AsyncSimulator;
}
