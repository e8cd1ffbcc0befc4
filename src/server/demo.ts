/**
 * Demo data for `drsim serve --demo`: servers and DR pairs of tenant `demo` with a day of
 * recovery points already made, one pair in each state a person wants to look at (replicating
 * with a test failover, paused, failed over waiting for commit, replication error, committed,
 * attached only), plus servers that attaching refuses. Built only through the Simulator API,
 * so it is exactly what a client could have done.
 */
import type { Simulator } from '../sim/contract.js';
import type { DrPair, Volume } from '../sim/types.js';

export const DEMO_TENANT = 'demo';

const REGION = 'HCM-3';
const SHADOW = { region: 'HAN-1', vpcId: 'vpc-dr-han', subnetId: 'subnet-dr-han-a' };
const ssd = (sizeGb: number): Volume => ({ type: 'SSD', iops: 3000, sizeGb, multiAttach: false });

/** What each demo pair is for; the keys are the main servers' names. */
const PAIRS = {
  'web-01': 'replicating, with a test failover ready',
  'db-01': 'replicating every 4 hours',
  'app-01': 'replication stopped (Pending)',
  'erp-01': 'failed over, waiting for commit',
  'batch-01': 'replication error: its main server is down',
  'legacy-01': 'failover committed',
  'files-01': 'attached, replication not started',
} as const;
type DemoName = keyof typeof PAIRS;

/**
 * Seeds the demo tenant, only into an empty database; returns false (and changes nothing)
 * when the simulator already holds anything.
 */
export function seedDemo(sim: Simulator): boolean {
  if (sim.events({ limit: 1 }).items.length > 0) return false;
  const t = DEMO_TENANT;

  const pairs = {} as Record<DemoName, DrPair>;
  for (const name of Object.keys(PAIRS) as DemoName[]) {
    const server = sim.createServer(t, {
      name,
      region: REGION,
      flavor: name === 'db-01' ? 'memory.8c32g' : 'general.2c4g',
      volumes:
        name === 'db-01'
          ? [ssd(40), { type: 'NVMe', iops: 16000, sizeGb: 500, multiAttach: false }]
          : [ssd(40)],
      files: {
        'etc/hostname': name,
        'etc/motd': `${name}: ${PAIRS[name]}`,
        'var/lib/app/state.json': JSON.stringify({ version: 1 }),
      },
    });
    pairs[name] = sim.attach(t, { mainServerId: server.id, shadow: SHADOW });
  }
  // Servers the attach dialog shows but refuses.
  sim.createServer(t, {
    name: 'old-01',
    region: REGION,
    expiresAt: sim.clock().now,
    files: { 'etc/hostname': 'old-01' },
  });
  sim.createServer(t, {
    name: 'cluster-01',
    region: REGION,
    volumes: [ssd(40), { type: 'SSD', iops: 3000, sizeGb: 200, multiAttach: true }],
  });

  for (const name of ['web-01', 'db-01', 'app-01', 'erp-01', 'batch-01', 'legacy-01'] as const) {
    sim.act(t, pairs[name].id, {
      action: 'startReplication',
      shadowName: `${name}-shadow`,
      intervalHours: name === 'db-01' ? 4 : 1,
    });
  }

  // A day of replication, with the data changing every few hours so the points differ.
  for (let hour = 6; hour <= 24; hour += 6) {
    sim.advance('6h');
    for (const name of ['web-01', 'db-01', 'erp-01', 'legacy-01'] as const) {
      const mainId = pairs[name].mainServer.id;
      sim.writeFile(t, mainId, 'var/lib/app/state.json', JSON.stringify({ version: hour / 6 + 1 }));
      sim.writeFile(t, mainId, `var/log/app/${String(hour).padStart(2, '0')}00.log`, `hour ${hour}: ok\n`);
    }
  }

  const latestPoint = (name: DemoName) => {
    const points = sim.listRecoveryPoints(t, pairs[name].id).items;
    const newest = points.reduce((a, b) => (a.createdAt >= b.createdAt ? a : b));
    return newest.id;
  };
  sim.act(t, pairs['app-01'].id, { action: 'stopReplication' });
  sim.act(t, pairs['erp-01'].id, { action: 'failover', recoveryPointId: latestPoint('erp-01') });
  sim.act(t, pairs['legacy-01'].id, { action: 'failover', recoveryPointId: latestPoint('legacy-01') });
  sim.act(t, pairs['web-01'].id, {
    action: 'testFailover',
    testServerName: 'web-01-test',
    recoveryPointId: latestPoint('web-01'),
  });
  sim.failServer(t, pairs['batch-01'].mainServer.id);
  sim.advance('1h');
  sim.act(t, pairs['legacy-01'].id, { action: 'commitFailover', deleteAllRecoveryPoints: false });
  sim.advance('1h');
  return true;
}
