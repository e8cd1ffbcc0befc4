/**
 * User actions: each becomes one engine call (`attach` or `act`). With `expectError` the action
 * must be refused with that code, and the refusal must leave the pair exactly as it was.
 */
import { isDeepStrictEqual } from 'node:util';
import { type ActionRequest, CURRENT_TIME, type DrPair, type NetworkChoice } from '../../sim/types.js';
import type { Step } from '../scenario.js';
import type { ActionKind } from '../schema/steps.js';
import { describeError, errorCode, StepFailure } from '../step-failure.js';
import { World } from '../world.js';
import type { StepRunners } from './types.js';

const DEFAULT_PLACEMENT = { region: 'han-1', vpcId: 'vpc-dr', subnetId: 'subnet-dr' };

/** A test server name the engine accepts (5 to 50 of [A-Za-z0-9_-]). */
const testServerName = (pair: string): string =>
  `test-${pair}`
    .replace(/[^\w-]/g, '-')
    .padEnd(5, '-')
    .slice(0, 50);

/** A recovery point id; for an action that must be refused, a missing point is sent as an unknown id. */
async function pointFor(world: World, step: Step<ActionKind>, text: string): Promise<string> {
  const pair = World.pairOf(step.body as { pair?: string });
  const id = await world.findPoint(pair, text);
  if (id !== null) return id;
  if (step.expectError) return `rp-missing-${text.replace(/\W+/g, '-')}`;
  return world.pointId(pair, text);
}

/** A step's network fields as the action's `network`, or nothing when it names none. */
function networkOf(body: {
  vpc?: string;
  subnet?: string;
  privateIp?: string;
  floatingIp?: boolean | string;
  securityGroup?: string;
}): { network?: NetworkChoice } {
  const network: NetworkChoice = {
    ...(body.vpc !== undefined && { vpcId: body.vpc }),
    ...(body.subnet !== undefined && { subnetId: body.subnet }),
    ...(body.privateIp !== undefined && { privateIp: body.privateIp }),
    ...(body.floatingIp !== undefined && { floatingIp: body.floatingIp }),
    ...(body.securityGroup !== undefined && { securityGroupId: body.securityGroup }),
  };
  return Object.keys(network).length > 0 ? { network } : {};
}

async function request(world: World, step: Step<Exclude<ActionKind, 'attach'>>): Promise<ActionRequest> {
  const s = step as Step<ActionKind>;
  const b = step.body as Record<string, unknown> & { pair?: string };
  switch (step.kind) {
    case 'startReplication': {
      const body = (step as Step<'startReplication'>).body;
      const main = (await world.pair(World.pairOf(body))).mainServer.name;
      return {
        action: 'startReplication',
        shadowName: body.shadowName ?? `${main}-shadow`,
        intervalHours: body.intervalHours ?? 1,
        ...(body.region !== undefined && { region: body.region }),
        ...networkOf(body),
        ...(body.placementGroup !== undefined && { placementGroupId: body.placementGroup }),
        ...(body.volumeType !== undefined && { volumeType: body.volumeType }),
        ...(body.iops !== undefined && { iops: body.iops }),
        ...(body.flavor !== undefined && { flavor: body.flavor }),
      };
    }
    case 'testFailover': {
      const body = (step as Step<'testFailover'>).body;
      return {
        action: 'testFailover',
        testServerName: body.testServerName ?? testServerName(World.pairOf(body)),
        recoveryPointId:
          body.recoveryPoint === CURRENT_TIME
            ? CURRENT_TIME
            : await pointFor(world, s, body.recoveryPoint ?? 'latest'),
        ...(body.region !== undefined && { region: body.region }),
        ...networkOf(body),
        ...(body.volumeType !== undefined && { volumeType: body.volumeType }),
        ...(body.iops !== undefined && { iops: body.iops }),
        ...(body.instanceFamily !== undefined && { instanceFamily: body.instanceFamily }),
      };
    }
    case 'changeTestRecoveryPoint':
      if (b.recoveryPoint === CURRENT_TIME)
        return { action: 'changeTestRecoveryPoint', recoveryPointId: CURRENT_TIME };
      return { action: step.kind, recoveryPointId: await pointFor(world, s, b.recoveryPoint as string) };
    case 'failover':
    case 'changeRecoveryPoint':
      return { action: step.kind, recoveryPointId: await pointFor(world, s, b.recoveryPoint as string) };
    case 'commitFailover':
      return {
        action: 'commitFailover',
        deleteAllRecoveryPoints: (step as Step<'commitFailover'>).body.deleteAllRecoveryPoints,
      };
    default:
      return { action: step.kind } as ActionRequest;
  }
}

/** What a refused action must leave untouched: the pair, or the list of pairs for attach. */
async function observed(world: World, step: Step<ActionKind>): Promise<unknown> {
  if (step.kind === 'attach')
    return (await world.sim.listPairs(world.tenant, { limit: 500 })).items.map(stable);
  return stable(await world.pair(World.pairOf(step.body as { pair?: string })));
}

const stable = ({ updatedAt: _u, ...pair }: DrPair) => pair;

async function perform(world: World, step: Step<ActionKind>): Promise<string> {
  if (step.kind === 'attach') {
    const body = (step as Step<'attach'>).body;
    const pair = await world.sim.attach(world.tenant, {
      mainServerId: await world.serverId(body.server),
      name: body.name,
      shadow: {
        region: body.shadow?.region ?? DEFAULT_PLACEMENT.region,
        vpcId: body.shadow?.vpc ?? DEFAULT_PLACEMENT.vpcId,
        subnetId: body.shadow?.subnet ?? DEFAULT_PLACEMENT.subnetId,
      },
    });
    world.pairs.set(body.name, pair.id);
    return `pair ${pair.id} ${pair.status}`;
  }
  const pair = World.pairOf(step.body as { pair?: string });
  // A key per run and step makes a retried action safe: the service answers the same job.
  const job = await world.sim.act(
    world.tenant,
    world.pairId(pair),
    await request(world, step as Step<Exclude<ActionKind, 'attach'>>),
    { idempotencyKey: `drsim-run-${world.runId}-step-${step.index + 1}` },
  );
  world.lastJobId = job.id;
  if (step.as !== undefined) world.jobs.set(step.as, job.id);
  return `job ${job.id} ${job.status}`;
}

async function runAction(world: World, step: Step<ActionKind>): Promise<void> {
  const expected = step.expectError;
  if (!expected) {
    try {
      await perform(world, step);
    } catch (err) {
      if (err instanceof StepFailure) throw err;
      throw new StepFailure(`${step.kind} was refused`, 'the action to be accepted', describeError(err));
    }
    return;
  }
  const want = `refused with ${expected.code}${expected.message ? ` (message containing "${expected.message}")` : ''}`;
  const before = await observed(world, step);
  let accepted: string;
  try {
    accepted = await perform(world, step);
  } catch (err) {
    if (err instanceof StepFailure) throw err;
    const matches =
      errorCode(err) === expected.code &&
      (!expected.message || (err instanceof Error && err.message.includes(expected.message)));
    if (!matches)
      throw new StepFailure(`${step.kind} was refused, but not as expected`, want, describeError(err));
    const after = await observed(world, step);
    if (!isDeepStrictEqual(before, after)) {
      throw new StepFailure(
        `${step.kind} was refused but changed the pair`,
        JSON.stringify(before),
        JSON.stringify(after),
      );
    }
    return;
  }
  throw new StepFailure(`${step.kind} was accepted`, want, `accepted: ${accepted}`);
}

export const ACTION_RUNNERS: StepRunners<ActionKind> = {
  attach: runAction,
  startReplication: runAction,
  stopReplication: runAction,
  resumeReplication: runAction,
  restartReplication: runAction,
  testFailover: runAction,
  changeTestRecoveryPoint: runAction,
  cleanTestEnvironment: runAction,
  failover: runAction,
  changeRecoveryPoint: runAction,
  commitFailover: runAction,
  detach: runAction,
};
