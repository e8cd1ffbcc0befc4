/**
 * Issue #12 item 10: a main server's drives change (add, grow, remove), after which the shadow no
 * longer matches until Restart Replication rebuilds it; a running pair's interval and shadow
 * flavor change; an expired server is renewed. Decision 0011.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/sim/contract.js';
import {
  actAndWait,
  checkedSims,
  createMain,
  DAY_MS,
  expectRefused,
  HOUR_MS,
  protectedPair,
  TENANT,
} from './support/world.js';

const sims = checkedSims();

const volumesOf = (sim: Simulator, id: string) =>
  sim.getServer(TENANT, id).volumes.map(({ type, iops, sizeGb }) => ({ type, iops, sizeGb }));

describe('drives of a server', () => {
  it('adds, grows and removes volumes; never shrinks; keeps the boot volume', () => {
    const sim = sims();
    const server = createMain(sim, 'db-01', { volumes: [{ type: 'SSD', sizeGb: 40 }] });
    expect(sim.addVolume(TENANT, server.id, { type: 'NVMe', sizeGb: 100 }).volumes).toHaveLength(2);
    expect(sim.resizeVolume(TENANT, server.id, 1, { sizeGb: 150 }).volumes[1]!.sizeGb).toBe(150);
    const shrink = expectRefused(
      sim,
      () => sim.resizeVolume(TENANT, server.id, 1, { sizeGb: 100 }),
      'VOLUME_CHANGE_REFUSED',
    );
    expect(shrink.details.reason).toBe('shrink');
    expectRefused(sim, () => sim.removeVolume(TENANT, server.id, 0), 'VOLUME_CHANGE_REFUSED');
    expectRefused(sim, () => sim.removeVolume(TENANT, server.id, 2), 'VOLUME_NOT_FOUND');
    expectRefused(sim, () => sim.addVolume(TENANT, server.id, { type: 'HDD' as 'SSD' }), 'VALIDATION_FAILED');
    expect(sim.removeVolume(TENANT, server.id, 1).volumes).toEqual([
      { type: 'SSD', iops: 3000, sizeGb: 40, multiAttach: false },
    ]);
  });

  it("refuses to change a shadow's drives and a multi-attach volume on a protected main", () => {
    const sim = sims();
    const { mainId, shadowId } = protectedPair(sim);
    expectRefused(sim, () => sim.addVolume(TENANT, shadowId, { type: 'SSD' }), 'SERVER_STATE_CONFLICT');
    expectRefused(
      sim,
      () => sim.addVolume(TENANT, mainId, { type: 'SSD', multiAttach: true }),
      'MULTI_ATTACH_VOLUME',
    );
  });
});

describe('a drive change on a replicating pair', () => {
  it('leaves the shadow as it was until Restart Replication rebuilds it to the main', () => {
    const sim = sims();
    const { pair, mainId, shadowId } = protectedPair(sim);
    expect(sim.getPair(TENANT, pair.id).replication.shadowMatchesMain).toBe(true);
    sim.addVolume(TENANT, mainId, { type: 'SSD', sizeGb: 200 });
    sim.resizeVolume(TENANT, mainId, 0, { sizeGb: 60 });
    expect(volumesOf(sim, shadowId)).toHaveLength(1);
    expect(sim.getPair(TENANT, pair.id).replication.shadowMatchesMain).toBe(false);
    // Replication goes on meanwhile.
    sim.advance(HOUR_MS);
    expect(sim.getPair(TENANT, pair.id).status).toBe('REPLICATING');

    const restart = actAndWait(sim, pair.id, { action: 'restartReplication' });
    const attachStep = restart.steps.find((s) => s.name === 'attach volumes')!;
    expect(attachStep.status).toBe('SUCCEEDED');
    expect(attachStep.log.join('\n')).toContain('rebuilt');
    expect(restart.steps.find((s) => s.name === 'create shadow')!.status).toBe('SKIPPED');
    expect(volumesOf(sim, shadowId)).toEqual(volumesOf(sim, mainId));
    const after = sim.getPair(TENANT, pair.id);
    expect(after.replication.shadowMatchesMain).toBe(true);
    expect(after.shadowServer!.id).toBe(shadowId);
  });

  it('a restart with unchanged drives still skips the shadow steps', () => {
    const sim = sims();
    const { pair } = protectedPair(sim);
    const restart = actAndWait(sim, pair.id, { action: 'restartReplication' });
    expect(restart.steps.find((s) => s.name === 'attach volumes')!.status).toBe('SKIPPED');
  });

  it("in a region without the main's volume type, the rebuilt volume falls back to the region's default", () => {
    const sim = sims();
    const main = createMain(sim, 'db-01', { region: 'HCM-3', volumes: [{ type: 'SSD' }] });
    const pair = sim.attach(TENANT, {
      mainServerId: main.id,
      shadow: { region: 'HAN-1', vpcId: 'vpc-dr', subnetId: 'subnet-dr-a' },
    });
    actAndWait(sim, pair.id, { action: 'startReplication', shadowName: 'db-01-shadow', intervalHours: 1 });
    sim.addVolume(TENANT, main.id, { type: 'NVMe', sizeGb: 100, iops: 20_000 });
    expect(sim.getPair(TENANT, pair.id).replication.shadowMatchesMain).toBe(false);
    actAndWait(sim, pair.id, { action: 'restartReplication' });
    const shadow = sim.getServer(TENANT, sim.getPair(TENANT, pair.id).shadowServer!.id);
    expect(shadow.volumes[1]).toMatchObject({ type: 'SSD', sizeGb: 100, iops: 3000 });
    expect(sim.getPair(TENANT, pair.id).replication.shadowMatchesMain).toBe(true);
  });

  it("property: after any drive changes and a restart, the shadow's drives equal the main's", () => {
    type Change =
      | { kind: 'add'; sizeGb: number }
      | { kind: 'grow'; index: number; by: number }
      | { kind: 'remove'; index: number };
    const change: fc.Arbitrary<Change> = fc.oneof(
      fc.record({ kind: fc.constant('add' as const), sizeGb: fc.integer({ min: 1, max: 500 }) }),
      fc.record({
        kind: fc.constant('grow' as const),
        index: fc.nat(5),
        by: fc.integer({ min: 1, max: 100 }),
      }),
      fc.record({ kind: fc.constant('remove' as const), index: fc.integer({ min: 1, max: 5 }) }),
    );
    fc.assert(
      fc.property(fc.array(change, { minLength: 1, maxLength: 6 }), (changes) => {
        const sim = sims();
        const { pair, mainId, shadowId } = protectedPair(sim);
        for (const c of changes) {
          const count = sim.getServer(TENANT, mainId).volumes.length;
          if (c.kind === 'add' && count < 16)
            sim.addVolume(TENANT, mainId, { type: 'NVMe', sizeGb: c.sizeGb });
          if (c.kind === 'grow' && c.index < count) {
            const size = sim.getServer(TENANT, mainId).volumes[c.index]!.sizeGb;
            sim.resizeVolume(TENANT, mainId, c.index, { sizeGb: Math.min(16_384, size + c.by) });
          }
          if (c.kind === 'remove' && c.index < count) sim.removeVolume(TENANT, mainId, c.index);
        }
        actAndWait(sim, pair.id, { action: 'restartReplication' });
        expect(volumesOf(sim, shadowId)).toEqual(volumesOf(sim, mainId));
        expect(sim.getPair(TENANT, pair.id).replication.shadowMatchesMain).toBe(true);
      }),
      { numRuns: 15 },
    );
  });
});

describe('settings of a running pair', () => {
  it('a longer interval applies from the next recovery point', () => {
    // The interval's hours are counted in UTC here (getUTCHours below).
    const sim = sims({ timeZone: 'UTC' });
    const { pair } = protectedPair(sim, { intervalHours: 1 });
    sim.advance(3 * HOUR_MS);
    const hourly = sim.listRecoveryPoints(TENANT, pair.id).items.length;
    expect(sim.changePairSettings(TENANT, pair.id, { intervalHours: 4 }).replication.intervalHours).toBe(4);
    // Nothing is deleted by the change itself.
    expect(sim.listRecoveryPoints(TENANT, pair.id).items.length).toBe(hourly);
    sim.advance(DAY_MS);
    const times = sim
      .listRecoveryPoints(TENANT, pair.id, { limit: 500 })
      .items.map((p) => new Date(p.createdAt))
      .filter((d) => d.getTime() > Date.parse(sim.clock().now) - 20 * HOUR_MS);
    for (const t of times.slice(1)) expect(t.getUTCHours() % 4, t.toISOString()).toBe(0);
  });

  it('is refused outside Replicating, Pending and Error, and with a flavor the region lacks', () => {
    const sim = sims();
    const main = createMain(sim, 'db-01', { region: 'HCM-3' });
    const pair = sim.attach(TENANT, {
      mainServerId: main.id,
      shadow: { region: 'HAN-1', vpcId: 'vpc-dr', subnetId: 'subnet-dr-a' },
    });
    expectRefused(sim, () => sim.changePairSettings(TENANT, pair.id, { intervalHours: 2 }), 'INVALID_STATE');
    actAndWait(sim, pair.id, { action: 'startReplication', shadowName: 'db-01-shadow', intervalHours: 1 });
    const refused = expectRefused(
      sim,
      () => sim.changePairSettings(TENANT, pair.id, { shadowFlavor: 'memory.4c16g' }),
      'NOT_IN_REGION',
    );
    expect(refused.details.offered).toContain('memory.8c32g');
    expectRefused(sim, () => sim.changePairSettings(TENANT, pair.id, {}), 'VALIDATION_FAILED');
    const changed = sim.changePairSettings(TENANT, pair.id, { shadowFlavor: 'memory.8c32g' });
    expect(sim.getServer(TENANT, changed.shadowServer!.id).flavor).toBe('memory.8c32g');
    sim.act(TENANT, pair.id, { action: 'stopReplication' });
    expect(sim.changePairSettings(TENANT, pair.id, { intervalHours: 6 }).replication.intervalHours).toBe(6);
    const point = sim.listRecoveryPoints(TENANT, pair.id).items[0]!;
    sim.act(TENANT, pair.id, { action: 'failover', recoveryPointId: point.id });
    expectRefused(sim, () => sim.changePairSettings(TENANT, pair.id, { intervalHours: 2 }), 'INVALID_STATE');
  });

  it("a restart keeps the shadow's changed flavor", () => {
    const sim = sims();
    const { pair, shadowId } = protectedPair(sim);
    sim.changePairSettings(TENANT, pair.id, { shadowFlavor: 'custom.16c64g' });
    actAndWait(sim, pair.id, { action: 'restartReplication' });
    expect(sim.getServer(TENANT, shadowId).flavor).toBe('custom.16c64g');
  });
});

describe('export and import', () => {
  it("keep the start's volume choices and the drift; refuse a bad volume type or volume list", () => {
    const sim = sims();
    const { pair, mainId } = protectedPair(sim);
    sim.addVolume(TENANT, mainId, { type: 'SSD', sizeGb: 10 });
    const state = sim.exportState();
    expect(state.pairs[0]!.placement.volumeType).toBeNull();
    const copy = sims();
    copy.importState(state);
    expect(copy.getPair(TENANT, pair.id).replication.shadowMatchesMain).toBe(false);
    const badType = structuredClone(state);
    (badType.pairs[0]!.placement as { volumeType: string }).volumeType = 'HDD';
    expectRefused(copy, () => copy.importState(badType), 'VALIDATION_FAILED');
    const noVolumes = structuredClone(state);
    noVolumes.servers[0]!.volumes = [];
    expectRefused(copy, () => copy.importState(noVolumes), 'VALIDATION_FAILED');
  });
});

describe('renewing a server', () => {
  it('an expired server is refused at attach, renewed from now, then attachable', () => {
    const sim = sims();
    const server = createMain(sim, 'old-01', { expiresAt: '2026-01-01T00:00:00.000Z' });
    expect(sim.getServer(TENANT, server.id).expired).toBe(true);
    expectRefused(
      sim,
      () =>
        sim.attach(TENANT, { mainServerId: server.id, shadow: { region: 'X', vpcId: 'v', subnetId: 's' } }),
      'SERVER_EXPIRED',
    );
    const renewed = sim.renewServer(TENANT, server.id, { months: 2 });
    expect(renewed.expired).toBe(false);
    expect(Date.parse(renewed.expiresAt!)).toBe(Date.parse(sim.clock().now) + 60 * DAY_MS);
    // A server not yet expired is extended from its expiry.
    expect(Date.parse(sim.renewServer(TENANT, server.id).expiresAt!)).toBe(
      Date.parse(sim.clock().now) + 90 * DAY_MS,
    );
    expect(
      sim.attach(TENANT, { mainServerId: server.id, shadow: { region: 'X', vpcId: 'v', subnetId: 's' } })
        .status,
    ).toBe('ATTACHED');
    expectRefused(sim, () => sim.renewServer(TENANT, server.id, { months: 37 }), 'VALIDATION_FAILED');
    const forever = createMain(sim, 'new-01');
    expectRefused(sim, () => sim.renewServer(TENANT, forever.id), 'SERVER_STATE_CONFLICT');
  });
});
