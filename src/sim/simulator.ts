/**
 * `createSimulator`: the fake DR backend's in-process API. Each public call that changes
 * anything is one transaction (`ctx.mutate`); reads never change state (a manual job moves
 * only on `stepJob`).
 */
import { STATUSES, USER_ACTIONS } from '../machine/index.js';
import { accountView, onBillingEvent, setAccount, usageReport } from './accounts.js';
import { act } from './actions.js';
import { runCheckers } from './checkers/index.js';
import { LATEST_MS } from './clock.js';
import type { AdvanceResult, CreateSimulatorOptions, Simulator } from './contract.js';
import { parseDuration } from './duration.js';
import type { Engine } from './engine.js';
import { DrError } from './errors.js';
import { validateFaultRule } from './faults.js';
import { initialRuntime, openContext } from './fresh-state.js';
import { answerStore } from './http-answers.js';
import { checkFaultStep } from './job-plans.js';
import { jobView, loadJob, releaseHung, resumeProgression, stepJob } from './jobs.js';
import { keysetPage, pageParams, toPage } from './pagination.js';
import { changePairSettings } from './pair-settings.js';
import { attach, attachMany, loadPair, pairById, pairView } from './pairs.js';
import { pinsOf } from './pinning.js';
import { catalogueOf } from './placement.js';
import { fired, listPoints, loadPoint } from './recovery-points.js';
import { validateCatalogue } from './regions.js';
import { onPowerChange, replicationStatements } from './replication.js';
import {
  type EventRow,
  jobFromRow,
  pairFromRow,
  serverFromRow,
  statements,
  toMs,
  unpackEvents,
} from './rows.js';
import { advanceTo } from './scheduler.js';
import { addVolume, removeVolume, renewServer, resizeVolume } from './server-changes.js';
import {
  createServer,
  filesAt,
  loadServer,
  publicServer,
  readFile,
  saveServer,
  setPower,
  validatePath,
  withoutContent,
  writeVersion,
} from './servers.js';
import * as stateIo from './state-io.js';
import { openStore } from './store.js';
import type {
  EventQuery,
  FaultRule,
  Page,
  PinReason,
  ProgressionMode,
  ProgressionSettings,
  RecoveryPoint,
  SimEvent,
} from './types.js';
import { check, isRecord, requireString } from './validate.js';

const PROGRESSION_MODES: readonly ProgressionMode[] = ['clock', 'immediate', 'manual'];
const MAX_FILE_BYTES = 1_048_576;
/** One call fires every quarter hour it covers; a bound keeps a typo from running for hours. */
const MAX_ADVANCE_MS = 366 * 24 * 60 * 60 * 1000;

export function createSimulator(options: CreateSimulatorOptions = {}): Simulator {
  const init = initialRuntime(options);
  const store = openStore(options.db ?? ':memory:', options.durability);
  const ctx = openContext(store, options, init);
  const e: Engine = { ctx, st: statements(store.db), store };
  ctx.onEmit = (tenant, pairId, kind, data) => onBillingEvent(e, tenant, pairId, kind, data);
  const rs = replicationStatements(e);
  const now = () => ctx.clock.nowMs();

  const mutate = ctx.mutate;
  const pointView = (
    { tenant: _t, corrupt: _c, ...point }: ReturnType<typeof listPoints>[number],
    pins: Map<string, PinReason[]>,
  ): RecoveryPoint => {
    const pinnedBy = pins.get(point.id) ?? [];
    return { ...point, pinned: pinnedBy.length > 0, pinnedBy };
  };

  let checked: { version: number; verdicts: ReturnType<typeof runCheckers> } | null = null;

  const sim: Simulator = {
    get seed() {
      return ctx.seed;
    },

    clock: () => ({
      now: ctx.clock.nowIso(),
      mode: ctx.clock.mode,
      speed: ctx.clock.speed,
      timeZone: ctx.settings.timeZone,
    }),
    advance: (duration) => {
      const ms = parseDuration(duration);
      check(ms <= MAX_ADVANCE_MS, 'duration', 'at most 366 days per call (advance again for more)');
      checkReachable(now() + ms, 'duration');
      return whole(advanceTo(e, rs, now() + ms));
    },
    advanceTo: (time) => {
      const target = typeof time === 'string' ? toMs(time) : Number.NaN;
      check(Number.isFinite(target), 'to', 'an ISO 8601 time');
      if (target < now()) {
        throw new DrError(
          'CLOCK_IN_PAST',
          `Simulated time never goes backwards: it is ${ctx.clock.nowIso()}, and ${new Date(target).toISOString()} is before that.`,
          { now: ctx.clock.nowIso(), to: new Date(target).toISOString() },
        );
      }
      check(target - now() <= MAX_ADVANCE_MS, 'to', 'a time at most 366 days ahead (advance again for more)');
      checkReachable(target, 'to');
      return whole(advanceTo(e, rs, target));
    },
    advanceSlice: (time, maxWork) => {
      const target = typeof time === 'string' ? toMs(time) : Number.NaN;
      check(Number.isFinite(target), 'to', 'an ISO 8601 time');
      checkReachable(target, 'to');
      check(Number.isInteger(maxWork) && maxWork > 0, 'maxWork', 'a positive integer');
      return advanceTo(e, rs, target, maxWork);
    },
    // A mode or speed is the clock's alone: no read shows it but the clock's own (contentVersion
    // stays, and list pages are re-rendered for it instead of built again, read-cache.ts).
    setClock: (settings) =>
      mutate(
        () => {
          ctx.clock.configure(settings);
          return sim.clock();
        },
        () => true,
      ),
    syncRealtime: () => whole(advanceTo(e, rs, ctx.clock.realtimeTarget())),

    progression: () => ({ default: 'clock', ...ctx.settings.progression }),
    setProgression: (kind, mode) =>
      mutate(() => {
        check(
          kind === 'default' || (USER_ACTIONS as readonly string[]).includes(kind),
          'kind',
          "'default' or a user action name",
        );
        check(PROGRESSION_MODES.includes(mode), 'mode', "'clock', 'immediate' or 'manual'");
        ctx.settings.progression = { ...ctx.settings.progression, [kind]: mode } as ProgressionSettings;
        resumeProgression(e);
      }),

    regions: () => structuredClone(catalogueOf(e)),
    setRegions: (catalogue) =>
      mutate(() => {
        if (catalogue === null) delete ctx.settings.regions;
        else ctx.settings.regions = validateCatalogue(catalogue);
        return structuredClone(catalogueOf(e));
      }),

    account: (tenant) => accountView(e, tenant),
    setAccount: (tenant, input) => mutate(() => setAccount(e, tenant, input)),
    usage: (tenant, pairId, range) => {
      check(range === undefined || isRecord(range), 'range', 'an object { from?, to? }');
      const dates = {
        ...(range?.from !== undefined && { from: requireString(range.from, 'from', 10, 10) }),
        ...(range?.to !== undefined && { to: requireString(range.to, 'to', 10, 10) }),
      };
      return usageReport(e, tenant, pairId === null ? null : loadPair(e, tenant, pairId).id, dates);
    },

    createServer: (tenant, input) => mutate(() => publicServer(createServer(e, tenant, input))),
    listServers: (tenant, page) => {
      const { limit, after } = pageParams(page);
      return toPage(
        e.st.serversOfTenant.all(tenant, after, limit + 1),
        limit,
        (r) => r.seq,
        (r) => publicServer(serverFromRow(r, now())),
      );
    },
    getServer: (tenant, id) => publicServer(loadServer(e, tenant, id)),
    listFiles: (tenant, id) => {
      const server = loadServer(e, tenant, id);
      return filesAt(e, server.id, server.dataVersion).map(withoutContent);
    },
    readFile: (tenant, id, path) => readFile(e, loadServer(e, tenant, id), validatePath(path)),
    writeFile: (tenant, id, path, content) =>
      mutate(() => {
        const server = loadServer(e, tenant, id);
        validatePath(path);
        check(
          typeof content === 'string' && Buffer.byteLength(content) <= MAX_FILE_BYTES,
          'content',
          'text of at most 1 MiB',
        );
        if (server.powerState !== 'RUNNING') {
          throw new DrError(
            'SERVER_STATE_CONFLICT',
            `Server ${server.id} is ${server.powerState}; data can be written only on a running server.`,
            {
              powerState: server.powerState,
            },
          );
        }
        writeVersion(e, server, [[path, content]], 'api');
        return withoutContent(readFile(e, server, path));
      }),
    recoveryPointFiles: (tenant, pairId, pointId) => {
      const pair = loadPair(e, tenant, pairId);
      const point = loadPoint(e, pair.id, pointId);
      return filesAt(e, pair.mainServerId, point.dataVersion).map(withoutContent);
    },
    addVolume: (tenant, id, volume) => mutate(() => publicServer(addVolume(e, tenant, id, volume))),
    resizeVolume: (tenant, id, index, change) =>
      mutate(() => publicServer(resizeVolume(e, tenant, id, index, change))),
    removeVolume: (tenant, id, index) => mutate(() => publicServer(removeVolume(e, tenant, id, index))),
    renewServer: (tenant, id, input) => mutate(() => publicServer(renewServer(e, tenant, id, input ?? {}))),
    startServer: (tenant, id) => power(tenant, id, 'RUNNING', 'started by hand'),
    stopServer: (tenant, id) => power(tenant, id, 'STOPPED', 'stopped by hand'),
    failServer: (tenant, id) =>
      mutate(() => {
        const server = loadServer(e, tenant, id);
        setPower(e, server, 'DOWN', 'outage');
        e.ctx.emit(tenant, server.pairId, 'server.outage', { serverId: server.id });
        onPowerChange(e, server);
        return publicServer(loadServer(e, tenant, id));
      }),
    recoverServer: (tenant, id) =>
      mutate(() => {
        const server = loadServer(e, tenant, id);
        if (server.powerState === 'DOWN') {
          setPower(e, server, powerAfterOutage(server), 'recovered');
          e.ctx.emit(tenant, server.pairId, 'server.recovered', { serverId: server.id });
          onPowerChange(e, server);
        }
        return publicServer(loadServer(e, tenant, id));
      }),
    setWorkload: (tenant, id, rate) =>
      mutate(() => {
        check(
          typeof rate === 'number' && rate >= 0 && rate <= 60,
          'writesPerMinute',
          'a number from 0 to 60',
        );
        const server = loadServer(e, tenant, id);
        server.workloadPerMinute = rate;
        saveServer(e, server);
      }),

    attach: (tenant, input) => mutate(() => pairView(e, attach(e, tenant, input))),
    attachMany: (tenant, input) =>
      mutate(() => attachMany(e, tenant, input).map((pair) => pairView(e, pair))),
    listPairs: (tenant, request = {}) => {
      const { limit, after } = pageParams(request);
      if (request.status !== undefined) {
        check(
          (STATUSES as readonly string[]).includes(request.status),
          'status',
          `one of ${STATUSES.join(', ')}`,
        );
      }
      const rows =
        request.status === undefined
          ? e.st.pairsOfTenant.all(tenant, after, limit + 1)
          : e.st.pairsOfTenantWithStatus.all(tenant, request.status, after, limit + 1);
      return toPage(
        rows,
        limit,
        (r) => r.seq,
        (r) => pairView(e, pairFromRow(r)),
      );
    },
    changePairSettings: (tenant, id, input) =>
      mutate(() => pairView(e, changePairSettings(e, tenant, id, input))),
    getPair: (tenant, id) => pairView(e, loadPair(e, tenant, id)),
    listRecoveryPoints: (tenant, pairId, page) => {
      const pair = loadPair(e, tenant, pairId);
      const pins = pinsOf(pair);
      // Newest first, keyed by time and id: a point made between two pages never repeats one.
      const points = listPoints(e, pair.id).map((p) => pointView(p, pins));
      return keysetPage(points, (point) => `${point.createdAt}|${point.id}`, page, 'desc');
    },
    act: (tenant, pairId, request, opts) => mutate(() => jobView(act(e, tenant, pairId, request, opts))),
    history: (tenant, pairId, query = {}) => {
      const pair = loadPair(e, tenant, pairId);
      const from = eventsFrom(query);
      return eventPage(unpackEvents(e.st.eventsOfPair.iterate(pair.id, from), from), query);
    },

    listJobs: (tenant, pairId, page) => {
      const pair = loadPair(e, tenant, pairId);
      const { limit, after } = pageParams(page);
      return toPage(
        e.st.jobsOfPair.all(pair.id, after, limit + 1),
        limit,
        (r) => r.seq,
        (r) => jobView(jobFromRow(r) as never),
      );
    },
    getJob: (tenant, id) => jobView(loadJob(e, tenant, id)),
    stepJob: (tenant, id) =>
      mutate(() => {
        stepJob(e, loadJob(e, tenant, id));
        return jobView(loadJob(e, tenant, id));
      }),

    addFault: (input) =>
      mutate(() => {
        const valid = validateFaultRule(input);
        checkFaultStep(valid.target, valid.selector?.step);
        const rule: FaultRule = {
          id: ctx.rng.id('flt'),
          tenant: valid.tenant ?? null,
          target: valid.target,
          selector: valid.selector ?? {},
          trigger: valid.trigger ?? {},
          effect: valid.effect,
          fired: 0,
          createdAt: ctx.clock.nowIso(),
        };
        e.st.insertFault.run(rule.id, ctx.nextSeq(), JSON.stringify(rule));
        ctx.faults.push(rule);
        corruptNamedPoint(rule);
        return structuredClone(rule);
      }),
    listFaults: (tenant) =>
      structuredClone(
        ctx.faults.filter((r) => tenant === undefined || r.tenant === null || r.tenant === tenant),
      ),
    removeFault: (id) =>
      mutate(() => {
        const index = ctx.faults.findIndex((r) => r.id === id);
        if (index === -1) throw new DrError('FAULT_NOT_FOUND', `No fault rule '${String(id)}'.`);
        ctx.faults.splice(index, 1);
        e.st.deleteFault.run(id);
        releaseHung(e, id);
      }),

    events: (query = {}) => {
      const from = eventsFrom(query);
      const rows =
        query.pairId !== undefined
          ? e.st.eventsOfPair.iterate(query.pairId, from)
          : e.st.eventsAfter.iterate(from);
      return eventPage(unpackEvents(rows, from), query);
    },
    check: () => {
      // The verdicts depend on the stored state alone, which changes only with a commit.
      if (checked?.version !== ctx.version) {
        checked = { version: ctx.version, verdicts: runCheckers(stateIo.exportState(e)) };
      }
      return structuredClone(checked.verdicts);
    },

    stateVersion: () => ctx.version,
    contentVersion: () => ctx.contentVersion,
    resetTenant: (tenant) => stateIo.resetTenant(e, tenant),
    exportState: () => stateIo.exportState(e),
    exportStateJson: () => stateIo.stateJson(stateIo.stateParts(e)),
    importState: (state) => stateIo.importState(e, state, readEverything),
    saveSnapshot: (name, options) => stateIo.saveSnapshot(e, name, options),
    restoreSnapshot: (name) => stateIo.restoreSnapshot(e, name, readEverything),
    deleteSnapshot: (name) => stateIo.deleteSnapshot(e, name),
    listSnapshots: () => stateIo.listSnapshots(e),
    httpAnswers: answerStore(store),
    close: () => store.close(),
  };

  /** Reads every record through its public view: an imported state must not break a read. */
  function readEverything(): void {
    for (const row of e.store.db.prepare('SELECT * FROM servers').iterate() as Iterable<
      Parameters<typeof serverFromRow>[0]
    >)
      publicServer(serverFromRow(row, now()));
    for (const row of e.store.db.prepare('SELECT * FROM pairs').iterate() as Iterable<
      Parameters<typeof pairFromRow>[0]
    >) {
      const pair = pairFromRow(row);
      pairView(e, pair);
      const pins = pinsOf(pair);
      for (const point of listPoints(e, pair.id)) pointView(point, pins);
    }
    for (const row of e.store.db.prepare('SELECT * FROM jobs').iterate() as Iterable<
      Parameters<typeof jobFromRow>[0]
    >)
      jobView(jobFromRow(row) as never);
  }

  function whole({ done: _done, ...result }: ReturnType<typeof advanceTo>): AdvanceResult {
    return result;
  }

  function checkReachable(target: number, field: string): void {
    check(target <= LATEST_MS, field, 'a time no later than 9999-12-31T23:59:59.999Z');
  }

  function eventsFrom(query: EventQuery): number {
    const { after } = pageParams({ limit: query.limit, cursor: query.cursor });
    return Math.max(after, query.afterSeq ?? 0);
  }

  /** A page of the events that pass the query's filters: filtered before paging, so pages are full. */
  function eventPage(
    rows: IterableIterator<EventRow>,
    query: EventQuery & { tenant?: string },
  ): Page<SimEvent> {
    const { limit } = pageParams({ limit: query.limit });
    const kinds = query.kinds ? new Set<string>(query.kinds) : null;
    const matched: EventRow[] = [];
    for (const row of rows) {
      if ((query.tenant && row.tenant !== query.tenant) || (kinds && !kinds.has(row.kind))) continue;
      matched.push(row);
      if (matched.length > limit) break;
    }
    if (matched.length > limit) rows.return?.();
    return toPage(matched, limit, (r) => r.seq, stateIo.eventFromRow);
  }

  /** A shadow that replication keeps powered off comes back off; any other server comes back on. */
  function powerAfterOutage(server: { role: string; pairId: string | null }): 'RUNNING' | 'STOPPED' {
    const status = server.role === 'SHADOW' && server.pairId ? pairById(e, server.pairId)?.status : undefined;
    return status !== undefined && KEPT_OFF.has(status) ? 'STOPPED' : 'RUNNING';
  }

  function power(tenant: string, id: string, state: 'RUNNING' | 'STOPPED', reason: string) {
    return mutate(() => {
      const server = loadServer(e, tenant, id);
      if (server.powerState === 'DOWN') {
        throw new DrError(
          'SERVER_STATE_CONFLICT',
          `Server ${server.id} is down (an outage); recover it first.`,
          {
            powerState: server.powerState,
          },
        );
      }
      setPower(e, server, state, reason);
      onPowerChange(e, server);
      return publicServer(loadServer(e, tenant, id));
    });
  }

  /** A corrupt rule naming an existing point corrupts it now; others wait for new points. */
  function corruptNamedPoint(rule: FaultRule): void {
    const pointId = rule.selector.recoveryPointId;
    if (rule.target !== 'recoveryPoint' || rule.effect.kind !== 'corrupt' || !pointId) return;
    const row = e.st.pointById.get(pointId);
    if (!row || (rule.tenant !== null && row.tenant !== rule.tenant)) return;
    e.st.corruptPoint.run(pointId);
    fired(e, rule.id, row.tenant, row.pair_id, { recoveryPointId: pointId });
  }

  engines.set(sim, e);
  return sim;
}

const engines = new WeakMap<Simulator, Engine>();
/** The engine behind a simulator, for tests that check its caches against its database. @internal */
export const engineOf = (sim: Simulator): Engine | undefined => engines.get(sim);

/** Statuses in which the shadow is kept powered off by replication. */
const KEPT_OFF = new Set([
  'STARTING_REPLICATION',
  'REPLICATING',
  'PAUSED',
  'REPLICATION_ERROR',
  'FAILOVER_FAILED',
]);
