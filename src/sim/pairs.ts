/**
 * DR pairs: attaching, the statechart glue and the view a client sees. Every change of a
 * pair's status goes through `sendEvent`, which asks the statechart and refuses with
 * INVALID_STATE (carrying the status and allowed actions) when the machine says no.
 */
import { transition } from 'xstate';
import {
  allowedActions,
  type DrPairEvent,
  type DrPairSnapshot,
  drPairMachine,
  labelOf,
  STATUS_LABELS,
  statusOf,
  TEST_STATE_LABELS,
  testStateOf,
  type UserAction,
} from '../machine/index.js';
import type { StoredPair } from './contract.js';
import type { Engine } from './engine.js';
import { DrError, isOperationErrorCode } from './errors.js';
import { volumesMatch } from './pair-settings.js';
import { catalogueOf } from './placement.js';
import { knownRegion, subnetIn, vpcIn } from './regions.js';
import { iso, machineTexts, type PairRow, pairFromRow } from './rows.js';
import { loadServer, type ServerRecord, setRole } from './servers.js';
import type {
  AttachFailure,
  AttachInput,
  AttachManyInput,
  DrPair,
  OperationErrorView,
  PowerState,
  ServerRole,
  ServerSummary,
} from './types.js';
import { check, isRecord, optionalString, requireString } from './validate.js';

export type PairRecord = StoredPair & { seq: number };

/**
 * The statechart keeps an error as the engine gave it (a job's or replication's, whose code is of
 * the closed list already); the view says so to the type checker.
 */
function errorView(error: { code: string; message: string } | null): OperationErrorView | null {
  if (!error) return null;
  return { code: isOperationErrorCode(error.code) ? error.code : 'STEP_FAILED', message: error.message };
}

const FINAL = new Set(['COMMITTED', 'DETACHED']);
const WAITING_FOR_COMMIT = new Set([
  'FAILOVER_PROCESSING',
  'FAILED_OVER',
  'CHANGING_RECOVERY_POINT',
  'COMMITTING',
]);

/**
 * Pair rows kept across requests, at most this many (a pair's row is ~1 KB of heap): reading the
 * row was ~3 µs of a stop or resume's ~33 in the engine (docs/performance.md, "fourth round").
 */
const PAIR_ROWS_KEPT = 1024;

/**
 * The pair's row as stored. Kept in `ctx.pairRows`: `savePair`, the only writer of an existing
 * pair's row, replaces it; a rollback, an import or a reset clears them all. Rows are never
 * changed in place (`pairFromRow` copies what it reads).
 */
function storedPairRow(e: Engine, pairId: string): PairRow | undefined {
  const rows = e.ctx.pairRows;
  let row = rows.get(pairId);
  if (row === undefined) {
    row = e.st.pairById.get(pairId);
    if (row !== undefined) {
      if (rows.size >= PAIR_ROWS_KEPT) rows.clear();
      rows.set(pairId, row);
    }
  }
  return row;
}

export function loadPair(e: Engine, tenant: string, pairId: string): PairRecord {
  const row = typeof pairId === 'string' ? storedPairRow(e, pairId) : undefined;
  if (!row || row.tenant !== tenant) {
    throw new DrError('PAIR_NOT_FOUND', `No DR pair '${String(pairId)}' in this tenant.`, { pairId });
  }
  return pairFromRow(row);
}

export function pairById(e: Engine, pairId: string): PairRecord | null {
  const row = storedPairRow(e, pairId);
  return row ? pairFromRow(row) : null;
}

/**
 * Resolved snapshots and their allowed actions, by the persisted snapshot's text. Pairs share
 * a handful of distinct states, and asking the statechart for every action on every list view
 * would dominate a read (the machine is pure, so memoising it cannot go stale).
 */
const resolved = new Map<
  string,
  {
    snapshot: DrPairSnapshot;
    allowed: Map<boolean, UserAction[]>;
    /** The statechart's answers for this snapshot, by the event's text: `can` and the next snapshot. */
    can: Map<string, boolean>;
    next: Map<string, DrPairSnapshot>;
  }
>();
const MEMO_LIMIT = 2000;
/** Distinct events remembered per snapshot (events carrying errors or ids vary without end). */
const EVENT_MEMO_LIMIT = 64;

function resolve(pair: PairRecord) {
  const key = machineTexts.get(pair.machine as object) ?? JSON.stringify(pair.machine);
  let entry = resolved.get(key);
  if (!entry) {
    if (resolved.size >= MEMO_LIMIT) resolved.clear();
    const snapshot = drPairMachine.resolveState(
      pair.machine as Parameters<typeof drPairMachine.resolveState>[0],
    );
    entry = { snapshot, allowed: new Map(), can: new Map(), next: new Map() };
    resolved.set(key, entry);
  }
  return entry;
}

export function snapshotOf(pair: PairRecord): DrPairSnapshot {
  return resolve(pair).snapshot;
}

/**
 * Whether the pair's statechart accepts `event` now (`snapshot.can`), memoised like the
 * snapshot: the machine is pure, so the same snapshot and event always give the same answer.
 */
export function pairCan(pair: PairRecord, event: DrPairEvent): boolean {
  const entry = resolve(pair);
  const key = JSON.stringify(event);
  let can = entry.can.get(key);
  if (can === undefined) {
    can = entry.snapshot.can(event);
    if (entry.can.size < EVENT_MEMO_LIMIT) entry.can.set(key, can);
  }
  return can;
}

/** The statechart's next snapshot for `event` (xstate's pure `transition`), memoised likewise. */
function nextSnapshot(pair: PairRecord, event: DrPairEvent): DrPairSnapshot {
  const entry = resolve(pair);
  const key = JSON.stringify(event);
  let next = entry.next.get(key);
  if (!next) {
    [next] = transition(drPairMachine, entry.snapshot, event);
    if (entry.next.size < EVENT_MEMO_LIMIT) entry.next.set(key, next);
  }
  return next;
}

/**
 * The stored shape of a next snapshot, made once per snapshot with its text (`machineTexts`):
 * next snapshots are memoised, so a stop or resume saves the pair without serialising its
 * statechart again (snapshots are replaced, never changed).
 */
const storedMachines = new WeakMap<DrPairSnapshot, { value: unknown; context: unknown }>();
function storedMachine(next: DrPairSnapshot): { value: unknown; context: unknown } {
  let machine = storedMachines.get(next);
  if (!machine) {
    machine = { value: next.value, context: next.context };
    machineTexts.set(machine, JSON.stringify(machine));
    storedMachines.set(next, machine);
  }
  return machine;
}

/** The user actions the pair's statechart accepts now. */
export function allowedOf(e: Engine, pair: PairRecord): UserAction[] {
  const entry = resolve(pair);
  const hasPoint = hasAvailablePoint(e, pair.id);
  let allowed = entry.allowed.get(hasPoint);
  if (!allowed) {
    allowed = allowedActions(entry.snapshot, { hasAvailableRecoveryPoint: hasPoint });
    entry.allowed.set(hasPoint, allowed);
  }
  return [...allowed];
}

export function hasAvailablePoint(e: Engine, pairId: string): boolean {
  return e.ctx.pointsOf(pairId).length > 0;
}

export function savePair(e: Engine, pair: PairRecord): void {
  pair.updatedAt = iso(e.ctx.clock.nowMs());
  e.ctx.rowChanges++;
  const columns = {
    id: pair.id,
    shadow_server_id: pair.shadowServerId,
    test_server_id: pair.testServerId,
    interval_hours: pair.intervalHours,
    placement: JSON.stringify(pair.placement),
    machine: machineTexts.get(pair.machine as object) ?? JSON.stringify(pair.machine),
    status: pair.status,
    test_state: pair.testState,
    current_job_id: pair.currentJobId,
    current_test_job_id: pair.currentTestJobId,
    replication_error: pair.replicationError ? JSON.stringify(pair.replicationError) : null,
    updated_at_ms: e.ctx.clock.nowMs(),
  };
  e.st.updatePair.run(columns);
  const kept = e.ctx.pairRows.get(pair.id);
  if (kept) e.ctx.pairRows.set(pair.id, { ...kept, ...columns });
}

/** The refusal a client sees when the statechart does not accept an action now. */
export function invalidState(e: Engine, pair: PairRecord, action: string): DrError {
  const snapshot = snapshotOf(pair);
  const allowed = allowedOf(e, pair);
  return new DrError(
    'INVALID_STATE',
    `'${action}' is not allowed while the pair is ${labelOf(snapshot)} (${statusOf(snapshot)}${
      testStateOf(snapshot) === 'NONE' ? '' : `, test failover ${testStateOf(snapshot)}`
    }).`,
    { status: statusOf(snapshot), testFailover: testStateOf(snapshot), allowedActions: allowed, action },
  );
}

/** Sends an event to the pair's statechart; throws INVALID_STATE when it is not accepted. */
export function sendEvent(
  e: Engine,
  pair: PairRecord,
  event: DrPairEvent,
  data: Record<string, unknown> = {},
): void {
  if (!pairCan(pair, event)) throw invalidState(e, pair, event.type);
  const next = nextSnapshot(pair, event);
  const from = pair.status;
  const testFrom = pair.testState;
  pair.machine = storedMachine(next);
  pair.status = statusOf(next);
  pair.testState = testStateOf(next);
  pair.replicationError =
    next.context.lastError && pair.status === 'REPLICATION_ERROR' ? errorView(next.context.lastError) : null;
  savePair(e, pair);
  if (from !== pair.status || testFrom !== pair.testState) {
    e.ctx.emit(pair.tenant, pair.id, 'pair.transition', {
      event: event.type,
      from,
      to: pair.status,
      testFrom,
      testTo: pair.testState,
      activeRecoveryPointId: next.context.activeRecoveryPointId,
      ...data,
    });
  }
}

export function attach(e: Engine, tenant: string, input: AttachInput): PairRecord {
  check(isRecord(input), 'body', 'an object { mainServerId, shadow: { region, vpcId, subnetId } }');
  const mainServerId = requireString(input.mainServerId, 'mainServerId', 1, 100);
  check(isRecord(input.shadow), 'shadow', 'an object { region, vpcId, subnetId }');
  const placement = {
    region: requireString(input.shadow.region, 'shadow.region', 1, 64),
    vpcId: requireString(input.shadow.vpcId, 'shadow.vpcId', 1, 100),
    subnetId: requireString(input.shadow.subnetId, 'shadow.subnetId', 1, 100),
  };
  const name = optionalString(input.name, 'name', 1, 100);
  const main = loadServer(e, tenant, mainServerId);
  refuseUnfit(e, main);
  const region = knownRegion(catalogueOf(e), placement.region, 'shadow.region');
  if (region)
    subnetIn(region, vpcIn(region, placement.vpcId, 'shadow.vpcId'), placement.subnetId, 'shadow.subnetId');
  const now = e.ctx.clock.nowMs();
  const id = e.ctx.rng.id('drp');
  const [initial] = [drPairMachine.resolveState({ value: 'ATTACHED', context: initialContext() })];
  e.ctx.rowChanges++;
  e.st.insertPair.run({
    id,
    seq: e.ctx.nextSeq(),
    tenant,
    name: name ?? main.name,
    main_server_id: main.id,
    shadow_server_id: null,
    test_server_id: null,
    placement: JSON.stringify(placement),
    interval_hours: null,
    machine: JSON.stringify({ value: initial.value, context: initial.context }),
    status: 'ATTACHED',
    test_state: 'NONE',
    current_job_id: null,
    current_test_job_id: null,
    replication_error: null,
    created_at_ms: now,
    updated_at_ms: now,
  });
  e.ctx.emit(tenant, id, 'pair.attached', { mainServerId: main.id, placement });
  setRole(e, main, 'MAIN', id);
  return loadPair(e, tenant, id);
}

/** The most main servers one Attach a Server request takes. */
export const MAX_ATTACH_MANY = 50;

/**
 * Attach a Server with several main servers selected: one operation, all or nothing. The
 * placement is checked once; then each server is attached in turn and every refusal is
 * collected. Any refusal throws (the caller's transaction then rolls every attach back), with
 * the first refusal's code so that its HTTP status is the one a single attach would have had.
 */
export function attachMany(e: Engine, tenant: string, input: AttachManyInput): PairRecord[] {
  check(isRecord(input), 'body', 'an object { mainServerIds, shadow: { region, vpcId, subnetId } }');
  const ids: unknown = input.mainServerIds;
  check(
    Array.isArray(ids) && ids.length >= 1 && ids.length <= MAX_ATTACH_MANY,
    'mainServerIds',
    `a list of 1 to ${MAX_ATTACH_MANY} server ids`,
  );
  const mainServerIds = (ids as unknown[]).map((id, i) => requireString(id, `mainServerIds[${i}]`, 1, 100));
  const twice = mainServerIds.findIndex((id, i) => mainServerIds.indexOf(id) !== i);
  check(
    twice < 0,
    `mainServerIds[${twice}]`,
    `a server listed once (${mainServerIds[twice]} is listed twice)`,
  );
  check(isRecord(input.shadow), 'shadow', 'an object { region, vpcId, subnetId }');
  const shadow = {
    region: requireString(input.shadow.region, 'shadow.region', 1, 64),
    vpcId: requireString(input.shadow.vpcId, 'shadow.vpcId', 1, 100),
    subnetId: requireString(input.shadow.subnetId, 'shadow.subnetId', 1, 100),
  };
  const region = knownRegion(catalogueOf(e), shadow.region, 'shadow.region');
  if (region)
    subnetIn(region, vpcIn(region, shadow.vpcId, 'shadow.vpcId'), shadow.subnetId, 'shadow.subnetId');

  const pairs: PairRecord[] = [];
  const failures: AttachFailure[] = [];
  mainServerIds.forEach((mainServerId, index) => {
    try {
      pairs.push(attach(e, tenant, { mainServerId, shadow }));
    } catch (err) {
      if (!(err instanceof DrError)) throw err;
      failures.push({ index, mainServerId, code: err.code, detail: err.message });
    }
  });
  const [first] = failures;
  if (first) {
    const which = failures.map((f) => `${f.mainServerId} (mainServerIds[${f.index}]): ${f.detail}`);
    throw new DrError(first.code, `Nothing was attached. ${which.join(' ')}`, {
      mainServerId: first.mainServerId,
      failures,
    });
  }
  return pairs;
}

function initialContext() {
  return drPairMachine.config.context as ReturnType<typeof snapshotOf>['context'];
}

/** The documented attach refusals, each with its own code. */
function refuseUnfit(e: Engine, main: ServerRecord): void {
  if (main.expired) {
    throw new DrError(
      'SERVER_EXPIRED',
      `Server ${main.id} expired at ${main.expiresAt}; renew it before protecting it.`,
    );
  }
  if (main.volumes.some((v) => v.multiAttach)) {
    throw new DrError(
      'MULTI_ATTACH_VOLUME',
      `Server ${main.id} has a multi-attach volume, which replication cannot protect.`,
    );
  }
  const pair = main.pairId ? pairById(e, main.pairId) : null;
  if (!pair || FINAL.has(pair.status)) return;
  if (main.role === 'SHADOW') {
    throw WAITING_FOR_COMMIT.has(pair.status)
      ? new DrError(
          'FAILOVER_NOT_COMMITTED',
          `Server ${main.id} is the shadow of ${pair.id}, whose failover is not committed yet.`,
        )
      : new DrError('SHADOW_STILL_PAIRING', `Server ${main.id} is the shadow of ${pair.id}, still pairing.`);
  }
  throw new DrError(
    'SERVER_ALREADY_PAIRED',
    `Server ${main.id} is already protected by DR pair ${pair.id}.`,
    {
      pairId: pair.id,
    },
  );
}

export function lastPointAtMs(e: Engine, pairId: string): number | null {
  const points = e.ctx.pointsOf(pairId);
  return points.length > 0 ? points[points.length - 1]!.createdAtMs : null;
}

/**
 * A pair's `replication.rpoSeconds` at `nowMs`, its last recovery point made at `lastMs`: the one
 * field of a pair's view that moves with the clock alone (the read cache re-renders list pages
 * with it, src/server/pair-page.ts).
 */
export const rpoSecondsAt = (lastMs: number, nowMs: number): number => Math.floor((nowMs - lastMs) / 1000);

type ServerSummaryRow = ReturnType<Engine['st']['serverSummaryById']['get']>;

function summaryOf(row: ServerSummaryRow): ServerSummary | null {
  return row
    ? {
        id: row.id,
        name: row.name,
        region: row.region,
        role: row.role as ServerRole,
        powerState: row.power_state as PowerState,
      }
    : null;
}

/** The pair as the API shows it. */
export function pairView(e: Engine, pair: PairRecord): DrPair {
  const snapshot = snapshotOf(pair);
  const mainRow = e.st.serverSummaryById.get(pair.mainServerId);
  const shadowRow = pair.shadowServerId ? e.st.serverSummaryById.get(pair.shadowServerId) : undefined;
  const main = summaryOf(mainRow);
  const shadow = summaryOf(shadowRow);
  const test = pair.testServerId ? summaryOf(e.st.serverSummaryById.get(pair.testServerId)) : null;
  const lastMs = lastPointAtMs(e, pair.id);
  const now = e.ctx.clock.nowMs();
  const testState = testStateOf(snapshot);
  return {
    id: pair.id,
    name: pair.name,
    status: pair.status,
    statusLabel: STATUS_LABELS[pair.status],
    testFailover:
      testState === 'NONE'
        ? null
        : {
            state: testState,
            label: TEST_STATE_LABELS[testState] ?? testState,
            testServer: test,
            recoveryPointId:
              snapshot.context.testRecoveryPointId ?? snapshot.context.pendingTestRecoveryPointId,
            error: errorView(snapshot.context.testError),
          },
    allowedActions: allowedOf(e, pair),
    mainServer: main ?? {
      id: pair.mainServerId,
      name: '',
      region: '',
      role: 'RETIRED',
      powerState: 'STOPPED',
    },
    shadowServer: shadow,
    shadowPlacement: pair.placement,
    replication: {
      intervalHours: pair.intervalHours,
      shadowMatchesMain: volumesMatch(e, pair, mainRow, shadowRow),
      lastRecoveryPointAt: lastMs === null ? null : iso(lastMs),
      rpoSeconds: lastMs === null ? null : rpoSecondsAt(lastMs, now),
      error: pair.replicationError,
    },
    activeRecoveryPointId: snapshot.context.activeRecoveryPointId,
    currentJobId: pair.currentJobId ?? pair.currentTestJobId,
    createdAt: pair.createdAt,
    updatedAt: pair.updatedAt,
  };
}
