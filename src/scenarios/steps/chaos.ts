/**
 * The chaos step: a storm of random moves — user actions (mostly allowed ones, some not),
 * clock advances, fault rules added and removed, outages, shadows started by hand, writes —
 * drawn from the scenario's own seeded generator, with every invariant checked after each
 * move. Refusals are fine (a random action is often not allowed); anything that is not a
 * coded refusal fails. Then, unless `settle: false`, the faults go, the outages end and the
 * clock runs 6h: every job must have ended (tigerbeetle's liveness phase after the safety one).
 */
import { USER_ACTIONS, type UserAction } from '../../machine/index.js';
import { ERROR_CODES } from '../../sim/errors.js';
import { FAULT_TARGETS } from '../../sim/faults.js';
import type { ActionRequest, DrPair, FaultEffect, FaultRuleInput, FaultTarget } from '../../sim/types.js';
import { checkInvariants } from '../invariants.js';
import { createPrng, type Prng } from '../prng.js';
import type { Step } from '../scenario.js';
import { describeError, isCodedError, StepFailure } from '../step-failure.js';
import { durationMs, type World } from '../world.js';

const MAX_FAULTS = 4;
const SETTLE_MS = 6 * 3_600_000;
const REFUSALS = new Set<string>(Object.keys(ERROR_CODES));
const REPLICATING_STATUSES = new Set(['STARTING_REPLICATION', 'REPLICATING', 'PAUSED', 'REPLICATION_ERROR']);

interface Move {
  describe: string;
  run(): Promise<unknown>;
}

class Storm {
  readonly faults: string[] = [];

  constructor(
    private readonly world: World,
    private readonly rng: Prng,
    private readonly pairs: string[],
    private readonly maxAdvanceMs: number,
    private readonly options: { faults: boolean; outages: boolean },
  ) {}

  private get sim() {
    return this.world.sim;
  }

  async draw(): Promise<Move> {
    const r = this.rng.next();
    const { faults, outages } = this.options;
    if (r < 0.4) return this.action();
    if (r < 0.72) return this.advance();
    if (faults && r < 0.84) return this.faults.length < MAX_FAULTS ? this.addFault() : this.removeFault();
    if (faults && r < 0.88 && this.faults.length > 0) return this.removeFault();
    if (outages && r < 0.93) return this.outage();
    if (outages && r < 0.96) return this.handPower();
    return this.write();
  }

  private advance(): Move {
    // Log-uniform from 1 minute: many short steps, now and then a long one.
    const ms = Math.round(60_000 * (this.maxAdvanceMs / 60_000) ** this.rng.next());
    return { describe: `advance ${Math.round(ms / 1000)}s`, run: () => this.sim.advance(ms) };
  }

  private async pointId(pair: DrPair): Promise<string> {
    if (this.rng.chance(0.1)) return 'rp-gone';
    const points = (await this.sim.listRecoveryPoints(this.world.tenant, pair.id, { limit: 100 })).items;
    return points.length > 0 ? this.rng.pick(points).id : 'rp-none';
  }

  private async action(): Promise<Move> {
    const name = this.rng.pick(this.pairs);
    const pair = await this.world.pair(name);
    const allowed = pair.allowedActions;
    const action: UserAction =
      allowed.length > 0 && this.rng.chance(0.85) ? this.rng.pick(allowed) : this.rng.pick(USER_ACTIONS);
    const request = await this.request(action, name, pair);
    return {
      describe: `${action} on ${name}${'recoveryPointId' in request ? ` to ${request.recoveryPointId}` : ''}`,
      run: async () => {
        const job = await this.sim.act(this.world.tenant, pair.id, request);
        this.world.lastJobId = job.id;
      },
    };
  }

  private async request(action: UserAction, name: string, pair: DrPair): Promise<ActionRequest> {
    switch (action) {
      case 'startReplication':
        return { action, shadowName: `${name}-shadow`, intervalHours: this.rng.between(1, 12) };
      case 'testFailover':
        return {
          action,
          testServerName: `chaos-${name}`.padEnd(5, '-'),
          recoveryPointId: await this.pointId(pair),
        };
      case 'changeTestRecoveryPoint':
      case 'failover':
      case 'changeRecoveryPoint':
        return { action, recoveryPointId: await this.pointId(pair) };
      case 'commitFailover':
        return { action, deleteAllRecoveryPoints: this.rng.chance(0.5) };
      default:
        return { action } as ActionRequest;
    }
  }

  private effectFor(target: FaultTarget): FaultEffect {
    if (target === 'recoveryPoint') return { kind: 'corrupt' };
    if (target === 'replication')
      return this.rng.chance(0.5) ? { kind: 'stall' } : { kind: 'fail', code: 'COPY_FAILED' };
    const r = this.rng.next();
    if (r < 0.5) return { kind: 'fail', code: this.rng.pick(['COPY_FAILED', 'INJECTED_FAULT']) };
    if (r < 0.8) return { kind: 'delay', duration: `${this.rng.between(1, 30)}m` };
    return { kind: 'hang' };
  }

  private addFault(): Move {
    const target = this.rng.pick(FAULT_TARGETS);
    const rule: FaultRuleInput = {
      target,
      effect: this.effectFor(target),
      tenant: this.world.tenant,
      trigger: this.rng.chance(0.5) ? { times: this.rng.between(1, 3) } : { probability: 0.5 },
    };
    return {
      describe: `add fault ${target} ${rule.effect.kind}`,
      run: async () => this.faults.push((await this.sim.addFault(rule)).id),
    };
  }

  private removeFault(): Move {
    const index = this.rng.between(0, this.faults.length - 1);
    const [id] = this.faults.splice(index, 1);
    return { describe: `remove fault ${id}`, run: () => this.sim.removeFault(id as string) };
  }

  private async outage(): Promise<Move> {
    const pair = await this.world.pair(this.rng.pick(this.pairs));
    const server = pair.mainServer;
    const down = server.powerState === 'DOWN';
    return {
      describe: `${down ? 'recover' : 'outage of'} ${server.id}`,
      run: () =>
        down
          ? this.sim.recoverServer(this.world.tenant, server.id)
          : this.sim.failServer(this.world.tenant, server.id),
    };
  }

  /** Starting a replicating shadow by hand is a documented way to break replication. */
  private async handPower(): Promise<Move> {
    const pair = await this.world.pair(this.rng.pick(this.pairs));
    const shadow = pair.shadowServer;
    if (!shadow || !REPLICATING_STATUSES.has(pair.status) || shadow.powerState === 'DOWN')
      return this.advance();
    const start = shadow.powerState !== 'RUNNING';
    return {
      describe: `${start ? 'start' : 'stop'} shadow ${shadow.id} by hand`,
      run: () =>
        start
          ? this.sim.startServer(this.world.tenant, shadow.id)
          : this.sim.stopServer(this.world.tenant, shadow.id),
    };
  }

  private async write(): Promise<Move> {
    const pair = await this.world.pair(this.rng.pick(this.pairs));
    const server = pair.mainServer;
    const path = `chaos/file-${this.rng.between(1, 5)}.txt`;
    return {
      describe: `write ${path} on ${server.id}`,
      run: () => this.sim.writeFile(this.world.tenant, server.id, path, `chaos ${this.rng.next()}`),
    };
  }

  /** Faults off, outages over, time passes: whatever was running must finish. */
  async settle(): Promise<void> {
    for (const rule of await this.sim.listFaults(this.world.tenant)) {
      const added = this.world.addedFaults.find((f) => f.id === rule.id);
      if (added) added.removedFired = rule.fired;
      await this.sim.removeFault(rule.id);
    }
    this.faults.length = 0;
    for (const name of this.pairs) {
      const pair = await this.world.pair(name);
      if (pair.mainServer.powerState === 'DOWN')
        await this.sim.recoverServer(this.world.tenant, pair.mainServer.id);
    }
    await this.sim.advance(SETTLE_MS);
    for (const name of this.pairs) {
      const jobs = (await this.sim.listJobs(this.world.tenant, this.world.pairId(name), { limit: 500 }))
        .items;
      const stuck = jobs.filter((job) => job.status === 'RUNNING' || job.status === 'QUEUED');
      if (stuck.length > 0) {
        throw new StepFailure(
          `after the storm, with no faults and no outages, pair "${name}" still has unfinished jobs 6h later`,
          'every job SUCCEEDED or FAILED',
          stuck
            .map(
              (job) =>
                `${job.id} ${job.type} ${job.status} at ${job.steps.find((s) => s.status === 'RUNNING')?.name ?? '?'}`,
            )
            .join('; '),
        );
      }
    }
  }
}

export async function CHAOS_RUNNER(world: World, step: Step<'chaos'>): Promise<void> {
  const { body } = step;
  const rng = createPrng(world.seed, step.index + 1);
  const pairs = body.pairs ?? [...world.pairs.keys()];
  if (pairs.length === 0) throw new StepFailure('chaos needs a pair to act on; add one under setup.pairs');
  const storm = new Storm(world, rng, pairs, durationMs(body.maxAdvance ?? '3h'), {
    faults: body.faults ?? true,
    outages: body.outages ?? true,
  });
  for (let i = 1; i <= body.actions; i++) {
    const move = await storm.draw();
    const where = `at chaos move ${i}/${body.actions} (${move.describe})`;
    try {
      await move.run();
    } catch (err) {
      if (!isCodedError(err) || !REFUSALS.has(err.code)) {
        throw new StepFailure(
          `the engine failed ${where}`,
          'a result or a coded refusal',
          describeError(err),
        );
      }
    }
    await checkInvariants(world, where);
  }
  if (body.settle ?? true) await storm.settle();
}
