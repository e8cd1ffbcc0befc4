/**
 * Simulation steps: the clock, fault rules, outages, servers powered by hand, data written on
 * a server, and names for recovery points. (Chaos has its own module.)
 */
import type { AccountInput } from '../../sim/accounts.js';
import type { FaultRuleInput, FaultTarget } from '../../sim/types.js';
import { durationMs, World } from '../world.js';
import { CHAOS_RUNNER } from './chaos.js';
import type { StepRunners } from './types.js';

type SimulationKind =
  | 'advance'
  | 'addFault'
  | 'removeFault'
  | 'outage'
  | 'recover'
  | 'startServer'
  | 'stopServer'
  | 'writeFile'
  | 'setWorkload'
  | 'addVolume'
  | 'resizeVolume'
  | 'removeVolume'
  | 'renewServer'
  | 'changeSettings'
  | 'remember'
  | 'setAccount'
  | 'chaos';

const iso = (ms: number): string => new Date(ms).toISOString();

export const SIMULATION_RUNNERS: StepRunners<SimulationKind> = {
  advance: async (world, { body }) => {
    await world.sim.advance(durationMs(body.by));
  },
  addFault: async (world, step) => {
    const { target, effect, selector, trigger } = step.body;
    const pairName =
      selector?.pair ?? (selector?.recoveryPoint !== undefined ? World.pairOf(selector) : undefined);
    const now = await world.nowMs();
    const from = trigger?.after !== undefined ? now + durationMs(trigger.after) : undefined;
    const until = trigger?.for !== undefined ? (from ?? now) + durationMs(trigger.for) : undefined;
    const rule: FaultRuleInput = {
      target: target as FaultTarget,
      effect,
      tenant: world.tenant,
      selector: {
        ...(pairName !== undefined && { pairId: world.pairId(pairName) }),
        ...(selector?.recoveryPoint !== undefined &&
          pairName !== undefined && {
            recoveryPointId: await world.pointId(pairName, selector.recoveryPoint),
          }),
        ...(selector?.step !== undefined && { step: selector.step }),
      },
      trigger: {
        ...(trigger?.times !== undefined && { times: trigger.times }),
        ...(trigger?.probability !== undefined && { probability: trigger.probability }),
        ...(from !== undefined && { from: iso(from) }),
        ...(until !== undefined && { until: iso(until) }),
      },
    };
    const added = await world.sim.addFault(rule);
    world.lastFaultId = added.id;
    if (step.as !== undefined) world.faults.set(step.as, added.id);
    world.addedFaults.push({
      id: added.id,
      name: step.as ?? `the addFault of step ${step.index + 1}`,
      line: step.line,
      removedFired: null,
    });
  },
  removeFault: async (world, { body }) => {
    const id = world.faultId(body.fault);
    const fired = await world.faultFired(id);
    await world.sim.removeFault(id);
    const added = world.addedFaults.find((f) => f.id === id);
    if (added) added.removedFired = fired ?? 0;
  },
  outage: async (world, { body }) => {
    await world.sim.failServer(world.tenant, await world.serverId(body.server));
  },
  recover: async (world, { body }) => {
    await world.sim.recoverServer(world.tenant, await world.serverId(body.server));
  },
  startServer: async (world, { body }) => {
    await world.sim.startServer(world.tenant, await world.serverId(body.server));
  },
  stopServer: async (world, { body }) => {
    await world.sim.stopServer(world.tenant, await world.serverId(body.server));
  },
  writeFile: async (world, { body }) => {
    await world.sim.writeFile(world.tenant, await world.serverId(body.server), body.path, body.content);
  },
  setWorkload: async (world, { body }) => {
    await world.sim.setWorkload(world.tenant, await world.serverId(body.server), body.writesPerMinute);
  },
  addVolume: async (world, { body }) => {
    const { server, ...volume } = body;
    await world.sim.addVolume(world.tenant, await world.serverId(server), volume);
  },
  resizeVolume: async (world, { body }) => {
    await world.sim.resizeVolume(world.tenant, await world.serverId(body.server), body.volume, {
      sizeGb: body.sizeGb,
    });
  },
  removeVolume: async (world, { body }) => {
    await world.sim.removeVolume(world.tenant, await world.serverId(body.server), body.volume);
  },
  renewServer: async (world, { body }) => {
    await world.sim.renewServer(world.tenant, await world.serverId(body.server), {
      ...(body.months !== undefined && { months: body.months }),
    });
  },
  changeSettings: async (world, { body }) => {
    const { pair, ...settings } = body;
    await world.sim.changePairSettings(world.tenant, world.pairId(World.pairOf({ pair })), settings);
  },
  setAccount: async (world, { body }) => {
    await world.sim.setAccount(world.tenant, body as AccountInput);
  },
  remember: async (world, { body }) => {
    world.points.set(body.name, await world.pointId(World.pairOf(body), body.recoveryPoint));
  },
  chaos: CHAOS_RUNNER,
};
