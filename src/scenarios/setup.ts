/**
 * A scenario's setup: servers, pairs attached (and replicating, when asked), then the clock
 * advanced. Replication of every pair starts at once and the runner waits for all of them,
 * so several pairs cost no more simulated time than one.
 */
import type { AccountInput } from '../sim/accounts.js';
import type { RegionCatalogue } from '../sim/regions.js';
import type { SetupInput } from './schema/scenario.js';
import { StepFailure } from './step-failure.js';
import { durationMs, type World } from './world.js';

const REPLICATION_TIMEOUT_MS = 2 * 3_600_000;
const POLL_MS = 30_000;
const DAY_MS = 86_400_000;

export async function runSetup(world: World, setup: SetupInput): Promise<void> {
  const { sim, tenant } = world;
  if (setup.regions !== undefined) await sim.setRegions(setup.regions as unknown as RegionCatalogue);
  if (setup.account !== undefined) await sim.setAccount(tenant, setup.account as AccountInput);
  const now = await world.nowMs();
  for (const server of setup.servers ?? []) {
    const expiresAt = server.expired
      ? now - DAY_MS
      : server.expiresIn !== undefined
        ? now + durationMs(server.expiresIn)
        : null;
    const created = await sim.createServer(tenant, {
      name: server.name,
      region: server.region ?? 'hcm-1',
      ...(server.flavor !== undefined && { flavor: server.flavor }),
      ...(server.volumes !== undefined && {
        volumes: server.volumes.map((v) => ({ multiAttach: false, ...v })),
      }),
      ...(server.files !== undefined && { files: server.files }),
      ...(server.powerState !== undefined && { powerState: server.powerState }),
      ...(expiresAt !== null && { expiresAt: new Date(expiresAt).toISOString() }),
    });
    world.servers.set(server.name, created.id);
    if (server.workload) await sim.setWorkload(tenant, created.id, server.workload);
  }

  const jobs: { name: string; id: string }[] = [];
  for (const pair of setup.pairs ?? []) {
    const attached = await sim.attach(tenant, {
      mainServerId: world.servers.get(pair.main) as string,
      name: pair.name,
      shadow: {
        region: pair.shadow?.region ?? 'han-1',
        vpcId: pair.shadow?.vpc ?? 'vpc-dr',
        subnetId: pair.shadow?.subnet ?? 'subnet-dr',
      },
    });
    world.pairs.set(pair.name, attached.id);
    if (!pair.replicate) continue;
    const options = pair.replicate === true ? {} : pair.replicate;
    const job = await sim.act(tenant, attached.id, {
      action: 'startReplication',
      shadowName: options.shadowName ?? `${pair.main}-shadow`,
      intervalHours: options.intervalHours ?? 1,
    });
    jobs.push({ name: pair.name, id: job.id });
  }

  for (let waited = 0; jobs.length > 0; waited += POLL_MS) {
    const pending = [];
    for (const job of jobs) {
      const seen = await sim.getJob(tenant, job.id);
      if (seen.status === 'FAILED') {
        throw new StepFailure(
          `setup: replication of pair "${job.name}" failed`,
          'the pair Replicating',
          `${seen.error?.code}: ${seen.error?.message}`,
        );
      }
      if (seen.status !== 'SUCCEEDED') pending.push(job);
    }
    if (pending.length === 0) break;
    if (waited >= REPLICATION_TIMEOUT_MS) {
      throw new StepFailure(
        'setup: replication did not start within 2h',
        'the pairs Replicating',
        `still running: ${pending.map((j) => j.name).join(', ')}`,
      );
    }
    jobs.splice(0, jobs.length, ...pending);
    await sim.advance(POLL_MS);
  }

  if (setup.advance !== undefined) await sim.advance(durationMs(setup.advance));
}
