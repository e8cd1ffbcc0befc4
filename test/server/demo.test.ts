/** `seedDemo`: the demo tenant's pairs, one in each state worth looking at, only into an empty database. */
import { describe, expect, it } from 'vitest';
import { DEMO_TENANT, seedDemo } from '../../src/server/demo.js';
import { createSimulator } from '../../src/sim/index.js';

describe('seedDemo', () => {
  it('seeds pairs in every interesting state with a day of recovery points', () => {
    const sim = createSimulator({ seed: 1 });
    expect(seedDemo(sim)).toBe(true);
    const pairs = sim.listPairs(DEMO_TENANT).items;
    const byName = Object.fromEntries(pairs.map((pair) => [pair.name, pair]));
    expect(byName['web-01']).toMatchObject({ status: 'REPLICATING', testFailover: { state: 'READY' } });
    expect(byName['db-01']?.status).toBe('REPLICATING');
    expect(byName['app-01']?.status).toBe('PAUSED');
    expect(byName['erp-01']?.status).toBe('FAILED_OVER');
    expect(byName['batch-01']).toMatchObject({
      status: 'REPLICATION_ERROR',
      replication: { error: { code: 'MAIN_SERVER_DOWN' } },
    });
    expect(byName['legacy-01']?.status).toBe('COMMITTED');
    expect(byName['files-01']?.status).toBe('ATTACHED');
    const points = sim.listRecoveryPoints(DEMO_TENANT, byName['web-01']?.id ?? '').items;
    expect(points.length).toBeGreaterThanOrEqual(24);
    const names = sim.listServers(DEMO_TENANT, { limit: 100 }).items.map((server) => server.name);
    expect(names).toEqual(expect.arrayContaining(['old-01', 'cluster-01']));
    expect(sim.check().filter((verdict) => !verdict.ok)).toEqual([]);
    sim.close();
  });

  it('does nothing to a database that holds anything', () => {
    const sim = createSimulator({ seed: 1 });
    sim.createServer('someone', { name: 'x', region: 'r' });
    const before = JSON.stringify(sim.exportState());
    expect(seedDemo(sim)).toBe(false);
    expect(JSON.stringify(sim.exportState())).toBe(before);
    sim.close();
  });

  it('is the same for the same seed', () => {
    const a = createSimulator({ seed: 5 });
    const b = createSimulator({ seed: 5 });
    seedDemo(a);
    seedDemo(b);
    expect(JSON.stringify(a.exportState())).toBe(JSON.stringify(b.exportState()));
  });
});
