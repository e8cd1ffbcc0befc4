/**
 * `act`: a user action on a pair becomes a job. The order of checks gives the most useful
 * refusal first: an unknown pair (404), a malformed request (400), an action the statechart
 * does not allow now (409 INVALID_STATE), then a recovery point the pair does not have (422).
 * A refused action changes nothing; an accepted one sends its event and starts its job in the
 * same transaction.
 */
import { actionEvent, USER_ACTIONS, type UserAction } from '../machine/index.js';
import { creditCheck } from './accounts.js';
import type { Engine } from './engine.js';
import { DrError } from './errors.js';
import { matchFault } from './faults.js';
import { planSteps } from './job-plans.js';
import { createJob, finishAtOnce, type JobRecord, loadJob, startJob } from './jobs.js';
import {
  hasAvailablePoint,
  invalidState,
  loadPair,
  type PairRecord,
  pairCan,
  savePair,
  sendEvent,
} from './pairs.js';
import { activateSnapshotService, type ResolvedPlacement, resolvePlacement } from './placement.js';
import { deleteAllPoints, fired, loadPoint, pointFact } from './recovery-points.js';
import { failIfUnhealthy } from './replication.js';
import { serverById, setRole } from './servers.js';
import { type ActionRequest, CURRENT_TIME, type NetworkChoice } from './types.js';
import { check, integerIn, isRecord, optionalString, requireString } from './validate.js';

const TEST_ACTIONS = new Set<UserAction>(['testFailover', 'changeTestRecoveryPoint', 'cleanTestEnvironment']);
const AT_ONCE = new Set<UserAction>(['stopReplication', 'resumeReplication', 'detach']);
const NAME = /^[A-Za-z0-9_-]{5,50}$/;

function networkOf(value: unknown): NetworkChoice | undefined {
  if (value === undefined) return undefined;
  check(
    isRecord(value),
    'network',
    'an object { vpcId, subnetId, privateIp?, floatingIp?, securityGroupId? }',
  );
  const text = (key: string) =>
    value[key] === undefined ? {} : { [key]: requireString(value[key], `network.${key}`, 1, 100) };
  const floating = value.floatingIp;
  check(
    floating === undefined || typeof floating === 'boolean' || typeof floating === 'string',
    'network.floatingIp',
    'true, false or an IPv4 address',
  );
  return {
    ...text('vpcId'),
    ...text('subnetId'),
    ...text('privateIp'),
    ...text('securityGroupId'),
    ...(floating !== undefined && { floatingIp: floating as boolean | string }),
  };
}

function volumeTypeOf(value: unknown): 'SSD' | 'NVMe' {
  check(value === 'SSD' || value === 'NVMe', 'volumeType', "'SSD' or 'NVMe'");
  return value;
}

/** Checks the request's shape and returns it normalised (unknown fields dropped). */
export function validateRequest(request: unknown): ActionRequest {
  check(isRecord(request), 'body', 'an object with an `action` field');
  const action = request.action as UserAction;
  check(USER_ACTIONS.includes(action), 'action', `one of ${USER_ACTIONS.join(', ')}`);
  const volume = () => ({
    ...(request.volumeType !== undefined && { volumeType: volumeTypeOf(request.volumeType) }),
    ...(request.iops !== undefined && { iops: integerIn(request.iops, 'iops', 100, 100_000) }),
  });
  switch (action) {
    case 'startReplication': {
      const network = networkOf(request.network);
      return {
        action,
        shadowName: requireString(request.shadowName, 'shadowName', 1, 100),
        intervalHours: integerIn(request.intervalHours, 'intervalHours', 1, 12),
        ...(request.region !== undefined && { region: requireString(request.region, 'region', 1, 64) }),
        ...(network && { network }),
        ...(request.placementGroupId !== undefined && {
          placementGroupId: requireString(request.placementGroupId, 'placementGroupId', 1, 100),
        }),
        ...(request.flavor !== undefined && { flavor: requireString(request.flavor, 'flavor', 1, 64) }),
        ...volume(),
      };
    }
    case 'testFailover': {
      const name = request.testServerName;
      check(typeof name === 'string' && NAME.test(name), 'testServerName', '5 to 50 letters, digits, _ or -');
      const network = networkOf(request.network);
      return {
        action,
        testServerName: name as string,
        recoveryPointId:
          request.recoveryPointId === undefined || request.recoveryPointId === null
            ? CURRENT_TIME
            : requireString(request.recoveryPointId, 'recoveryPointId', 1, 100),
        ...(request.region !== undefined && { region: requireString(request.region, 'region', 1, 64) }),
        ...(network && { network }),
        ...(optionalString(request.instanceFamily, 'instanceFamily', 1, 64) !== undefined && {
          instanceFamily: request.instanceFamily as string,
        }),
        ...volume(),
      };
    }
    case 'changeTestRecoveryPoint':
    case 'failover':
    case 'changeRecoveryPoint':
      return { action, recoveryPointId: requireString(request.recoveryPointId, 'recoveryPointId', 1, 100) };
    case 'commitFailover':
      check(typeof request.deleteAllRecoveryPoints === 'boolean', 'deleteAllRecoveryPoints', 'true or false');
      return { action, deleteAllRecoveryPoints: request.deleteAllRecoveryPoints as boolean };
    default:
      return { action } as ActionRequest;
  }
}

export function act(
  e: Engine,
  tenant: string,
  pairId: string,
  raw: unknown,
  options: { idempotencyKey?: string } = {},
): JobRecord {
  const pair = loadPair(e, tenant, pairId);
  const request = validateRequest(raw);
  const key = options.idempotencyKey;
  if (key !== undefined) {
    check(
      typeof key === 'string' && key.length > 0 && key.length <= 200,
      'Idempotency-Key',
      'a string of 1 to 200 characters',
    );
    const seen = e.st.idempotencyGet.get(tenant, key);
    if (seen) {
      const first = loadJob(e, tenant, seen.job_id);
      // The same key with another request (another pair, action or argument) is refused: a
      // client must not believe it failed over to the point it just named when it did not.
      const { action: _action, ...args } = request;
      if (seen.pair_id !== pair.id || seen.action !== request.action || !sameRequest(first.request, args)) {
        throw new DrError(
          'IDEMPOTENCY_KEY_REUSED',
          `Idempotency-Key '${key}' was first used for ${seen.action} on ${seen.pair_id} with another request; use a new key for a new request.`,
          { firstRequest: { action: seen.action, pairId: seen.pair_id, jobId: seen.job_id } },
        );
      }
      return first;
    }
  }
  const probed = eventFor(e, pair, request);
  const prepared = prepare(e, pair, request);
  const event = withCredit(e, pair, request, probed, prepared);
  const job = begin(e, pair, request, event, prepared);
  if (key !== undefined) e.st.idempotencyPut.run(tenant, key, pair.id, request.action, job.id);
  return job;
}

function sameRequest(a: unknown, b: unknown): boolean {
  return JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));
}

function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (isRecord(value)) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sorted(value[key])]),
    );
  }
  return value;
}

function eventFor(e: Engine, pair: PairRecord, request: ActionRequest) {
  const probe = actionEvent(request.action, {
    recoveryPoint: { id: 'probe', available: hasAvailablePoint(e, pair.id) },
    deleteAllRecoveryPoints: request.action === 'commitFailover' ? request.deleteAllRecoveryPoints : false,
  });
  if (!pairCan(pair, probe)) throw invalidState(e, pair, request.action);
  if ('recoveryPointId' in request && request.recoveryPointId !== undefined) {
    if (request.recoveryPointId === CURRENT_TIME && TEST_ACTIONS.has(request.action)) {
      return actionEvent(request.action, { recoveryPoint: { id: CURRENT_TIME, available: true } });
    }
    loadPoint(e, pair.id, request.recoveryPointId);
    return actionEvent(request.action, { recoveryPoint: pointFact(e, pair.id, request.recoveryPointId) });
  }
  return probe;
}

/**
 * A prepaid account's credit, judged by the statechart's `creditCovers` guard: Start Replication
 * and Test Failover carry whether the balance covers their first day (accounts.ts). Checked last,
 * once the state, the recovery point and the placement are known good, because the cost depends
 * on the resolved placement (the volumes, the region).
 */
function withCredit(
  e: Engine,
  pair: PairRecord,
  request: ActionRequest,
  event: ReturnType<typeof actionEvent>,
  prepared: Prepared,
): ReturnType<typeof actionEvent> {
  const placement = prepared.result.placement as ResolvedPlacement | undefined;
  if (!placement) return event;
  const main = serverById(e, pair.mainServerId);
  if (!main) return event;
  const fact = creditCheck(e, pair.tenant, {
    action: request.action,
    volumes: placement.volumes,
    crossRegion: placement.region !== main.region,
    mainGb: main.volumes.reduce((sum, v) => sum + v.sizeGb, 0),
  });
  if (!fact) return event;
  const judged = { ...event, credit: { covered: fact.covered } } as ReturnType<typeof actionEvent>;
  if (!pairCan(pair, judged)) {
    throw new DrError(
      'INSUFFICIENT_CREDIT',
      `The prepaid balance ${fact.balance} ${fact.currency} cannot cover ${request.action}'s first day (${fact.required} ${fact.currency}); add credit (PUT /_sim/account) and try again.`,
      { action: request.action, required: fact.required, balance: fact.balance, currency: fact.currency },
    );
  }
  return judged;
}

/** What an accepted action settles before its job starts: where new servers go, what "now" holds. */
interface Prepared {
  result: Record<string, unknown>;
  notes: string[];
}

/**
 * Resolves the placement of a shadow (Start Replication) or test server (Test Failover) against
 * the region catalogue, refusing a choice the region does not offer, and captures the main
 * server's data version for a test of the current time.
 */
function prepare(e: Engine, pair: PairRecord, request: ActionRequest): Prepared {
  const result: Record<string, unknown> = {};
  const notes: string[] = [];
  const current = 'recoveryPointId' in request && request.recoveryPointId === CURRENT_TIME;
  const placed = request.action === 'startReplication' || request.action === 'testFailover';
  // Most actions (stop, resume, detach, …) need nothing of the main server: not read for them.
  if (!current && !placed) return { result, notes };
  const main = serverById(e, pair.mainServerId);
  if ('recoveryPointId' in request && request.recoveryPointId === CURRENT_TIME && main) {
    result.capturedDataVersion = main.dataVersion;
    notes.push(`recovery point: current time (main server data version ${main.dataVersion})`);
  }
  if ((request.action === 'startReplication' || request.action === 'testFailover') && main) {
    const shadow = pair.shadowServerId ? serverById(e, pair.shadowServerId) : null;
    const start = request.action === 'startReplication';
    const placement = resolvePlacement(
      e,
      pair.tenant,
      {
        ...(request.region !== undefined && { region: request.region }),
        ...(request.network !== undefined && { network: request.network }),
        ...(start &&
          request.placementGroupId !== undefined && { placementGroupId: request.placementGroupId }),
        ...(start
          ? request.flavor !== undefined && { flavor: request.flavor }
          : request.instanceFamily !== undefined && { flavor: request.instanceFamily }),
        ...(request.volumeType !== undefined && { volumeType: request.volumeType }),
        ...(request.iops !== undefined && { iops: request.iops }),
      },
      {
        // Test Failover's region defaults to the shadow server's (the documented dialog).
        region: start ? pair.placement.region : (shadow?.region ?? pair.placement.region),
        vpcId: pair.placement.vpcId,
        subnetId: pair.placement.subnetId,
        flavor: main.flavor,
        volumes: main.volumes,
      },
      start ? 'flavor' : 'instanceFamily',
    );
    result.placement = placement;
    notes.push(...placement.notes);
    if (activateSnapshotService(e, placement.region)) {
      notes.push(`activated the Snapshot service in region ${placement.region} (it may cost extra)`);
      e.ctx.emit(pair.tenant, pair.id, 'region.snapshotServiceActivated', { region: placement.region });
    }
  }
  return { result, notes };
}

function begin(
  e: Engine,
  pair: PairRecord,
  request: ActionRequest,
  event: ReturnType<typeof actionEvent>,
  prepared: Prepared,
): JobRecord {
  const { action, ...args } = request;
  const job = createJob(e, pair, action, args, planSteps(e, pair, { type: action, request: args }), {
    store: !AT_ONCE.has(action),
  });
  job.result = prepared.result;
  job.steps.find((s) => s.status === 'PENDING')?.log.push(...prepared.notes);
  if (AT_ONCE.has(action)) {
    // Only `fail` means anything for an action that completes at once (decision 0002).
    const failRules = e.ctx.faults.filter((r) => r.effect.kind === 'fail');
    const rule =
      failRules.length > 0
        ? matchFault(
            failRules,
            {
              tenant: pair.tenant,
              target: action,
              pairId: pair.id,
              step: job.steps[0]?.name,
              nowMs: e.ctx.clock.nowMs(),
            },
            e.ctx.rng,
          )
        : null;
    if (rule?.effect.kind === 'fail') {
      fired(e, rule.id, pair.tenant, pair.id, { jobId: job.id });
      finishAtOnce(
        e,
        job,
        {
          code: rule.effect.code ?? 'INJECTED_FAULT',
          message: rule.effect.message ?? `${action} failed (fault rule ${rule.id}).`,
        },
        [],
        pair,
      );
      return job;
    }
    sendEvent(e, pair, event, { jobId: job.id });
    // Resumed onto an outage (or a shadow started by hand meanwhile): replication fails at once.
    if (action === 'resumeReplication') failIfUnhealthy(e, pair);
    const log = action === 'detach' ? detach(e, pair) : [`status is now ${pair.status}`];
    finishAtOnce(e, job, null, log, pair);
    return job;
  }
  if (action === 'restartReplication') {
    const count = deleteAllPoints(e, pair, 'restart');
    job.steps.find((s) => s.status === 'PENDING')?.log.push(`deleted ${count} recovery points`);
  }
  sendEvent(e, pair, event, { jobId: job.id });
  if (TEST_ACTIONS.has(action)) pair.currentTestJobId = job.id;
  else pair.currentJobId = job.id;
  if (action === 'startReplication') {
    pair.intervalHours = request.intervalHours;
    // The region, VPC and subnet chosen at Start Replication become the pair's placement.
    const placement = prepared.result.placement as ResolvedPlacement;
    pair.placement = {
      region: placement.region,
      vpcId: placement.network.vpcId,
      subnetId: placement.network.subnetId,
      securityGroupId: placement.network.securityGroupId,
      placementGroupId: placement.placementGroupId,
      volumeType: request.volumeType ?? null,
      iops: request.iops ?? null,
    };
  }
  savePair(e, pair);
  startJob(e, job);
  return loadJob(e, pair.tenant, job.id);
}

function detach(e: Engine, pair: PairRecord): string[] {
  const removed = deleteAllPoints(e, pair, 'detach');
  for (const id of [pair.mainServerId, pair.shadowServerId]) {
    const server = id ? serverById(e, id) : null;
    if (server && server.pairId === pair.id) setRole(e, server, 'STANDALONE', null);
  }
  return [`pairing removed; ${removed} recovery points deleted; servers kept as standalone servers`];
}
