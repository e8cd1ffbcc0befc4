/**
 * Worlds the simulation benchmarks run: N replicating pairs in one tenant, set up through the
 * public in-process API (servers, attach, Start Replication with jobs completing at once).
 */
import { createSimulator, type Simulator } from '../../src/sim/index.js';

export const TENANT = 'bench';
/** Writes per minute of the servers that have a workload (one in ten). */
export const WRITES_PER_MINUTE = 0.2;

export interface BenchWorld {
  sim: Simulator;
  setupMs: number;
}

/**
 * `pairs` pairs at intervals 1–12 h (pair i: 1 + i mod 12), or all at `intervalHours`; one
 * server in ten runs the seeded workload (none with `workload: false`).
 */
export function replicatingWorld(
  db: string,
  pairs: number,
  options: { intervalHours?: number; seed?: number; workload?: boolean } = {},
): BenchWorld {
  const t0 = performance.now();
  const sim = createSimulator({ seed: options.seed ?? 7, db, progression: { default: 'immediate' } });
  addPairs(sim, TENANT, pairs, options.intervalHours, options.workload);
  return { sim, setupMs: performance.now() - t0 };
}

export function addPairs(
  sim: Simulator,
  tenant: string,
  pairs: number,
  intervalHours?: number,
  workload = true,
): void {
  for (let i = 0; i < pairs; i++) {
    const server = sim.createServer(tenant, {
      name: `app-${i}`,
      region: 'HCM',
      files: { 'etc/app.conf': `id=${i}\n`, 'data/seed.txt': 'x'.repeat(256) },
    });
    const pair = sim.attach(tenant, {
      mainServerId: server.id,
      shadow: { region: 'HAN', vpcId: 'vpc-1', subnetId: 'subnet-1' },
    });
    sim.act(tenant, pair.id, {
      action: 'startReplication',
      shadowName: `app-${i}-dr`,
      intervalHours: intervalHours ?? 1 + (i % 12),
    });
    if (workload && i % 10 === 0) sim.setWorkload(tenant, server.id, WRITES_PER_MINUTE);
  }
}
