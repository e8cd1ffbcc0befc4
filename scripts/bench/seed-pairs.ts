/** The tenant every HTTP bench measures: replicating pairs with a few recovery points each. */
import type { DrsimClient } from '../../src/client/index.js';
import type { DrPair } from '../../src/sim/types.js';

export const BENCH_TOKEN = 'bench';

/** `count` replicating pairs (1-hour interval), 3 simulated hours in, jobs on the clock again. */
export async function seedPairs(client: DrsimClient, count: number): Promise<DrPair[]> {
  await client.sim.setProgression({ default: 'immediate' });
  const pairs: DrPair[] = [];
  for (let i = 0; i < count; i++) {
    const name = `web-${String(i).padStart(3, '0')}`;
    const server = await client.servers.create({
      name,
      region: 'HCM-3',
      files: { 'etc/hostname': name, 'srv/app/config.json': JSON.stringify({ replica: i }) },
    });
    const pair = await client.pairs.attach({
      mainServerId: server.id,
      shadow: { region: 'HAN-1', vpcId: 'vpc-dr', subnetId: 'subnet-dr-a' },
    });
    await client.pairs.startReplication(pair.id, { shadowName: `${name}-shadow`, intervalHours: 1 });
    pairs.push(pair);
  }
  await client.sim.advance('3h');
  await client.sim.setProgression({ default: 'clock' });
  return pairs;
}
