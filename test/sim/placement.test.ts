/**
 * Issue #12 items 1, 2, 6 and 12: Start Replication's network and placement settings, the region
 * chosen there applied to the pair, Test Failover's documented options (current time, IP,
 * floating IP) and the region catalogue (validation, fallback to the region's default volume
 * type, the Snapshot service activated on first use).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CATALOGUE } from '../../src/sim/regions.js';
import type { Volume } from '../../src/sim/types.js';
import {
  actAndWait,
  allEvents,
  checkedSims,
  createMain,
  expectRefused,
  pointsOf,
  TENANT,
  waitForJob,
} from './support/world.js';

const makeSim = checkedSims();
const HCM = { region: 'HCM-3', vpcId: 'vpc-dr-hcm', subnetId: 'subnet-dr-hcm-a' };

function attachedInHcm(sim: ReturnType<typeof makeSim>, volumes?: Volume[]) {
  const main = createMain(sim, 'web-01', { region: 'HCM-3', ...(volumes && { volumes }) });
  return sim.attach(TENANT, { mainServerId: main.id, shadow: HCM });
}

const FULL_START = {
  action: 'startReplication' as const,
  shadowName: 'web-01-dr',
  intervalHours: 4,
  region: 'HAN-1',
  network: {
    vpcId: 'vpc-dr',
    subnetId: 'subnet-dr-b',
    privateIp: '10.30.2.25',
    floatingIp: true,
    securityGroupId: 'sg-han-web',
  },
  placementGroupId: 'pg-han-spread',
  flavor: 'general.4c8g',
};

describe('Start Replication with network and placement settings', () => {
  it('creates the shadow in the chosen region, network and placement group, and moves the pair there', () => {
    const sim = makeSim();
    const pair = attachedInHcm(sim);
    actAndWait(sim, pair.id, FULL_START);
    const after = sim.getPair(TENANT, pair.id);
    expect(after.shadowPlacement).toEqual({
      region: 'HAN-1',
      vpcId: 'vpc-dr',
      subnetId: 'subnet-dr-b',
      securityGroupId: 'sg-han-web',
      placementGroupId: 'pg-han-spread',
      // No volume type or IOPS chosen: the main's, by the region's rules (kept for a rebuild).
      volumeType: null,
      iops: null,
    });
    const shadow = sim.getServer(TENANT, after.shadowServer!.id);
    expect(shadow).toMatchObject({
      region: 'HAN-1',
      flavor: 'general.4c8g',
      placementGroupId: 'pg-han-spread',
      network: {
        vpcId: 'vpc-dr',
        subnetId: 'subnet-dr-b',
        privateIp: '10.30.2.25',
        securityGroupId: 'sg-han-web',
      },
    });
    expect(shadow.network?.floatingIp).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
  });

  it('refuses what the region does not offer, naming the field (NOT_IN_REGION), and changes nothing', () => {
    const sim = makeSim();
    const pair = attachedInHcm(sim);
    const bad = [
      { network: { ...FULL_START.network, vpcId: 'vpc-hcm-prod' } },
      { network: { ...FULL_START.network, subnetId: 'subnet-dr-han-a' } },
      { network: { ...FULL_START.network, securityGroupId: 'sg-hcm-web' } },
      { network: { ...FULL_START.network, privateIp: '10.99.0.5' } },
      { placementGroupId: 'pg-hcm-spread' },
      { flavor: 'memory.4c16g' },
      { volumeType: 'NVMe' as const },
      { iops: 50_000 },
    ];
    for (const change of bad) {
      const error = expectRefused(
        sim,
        () => sim.act(TENANT, pair.id, { ...FULL_START, ...change }),
        'NOT_IN_REGION',
      );
      expect(error.details.region).toBe('HAN-1');
    }
  });

  it('refuses a private IP another server uses (IP_ADDRESS_IN_USE)', () => {
    const sim = makeSim();
    const first = attachedInHcm(sim);
    actAndWait(sim, first.id, FULL_START);
    const other = createMain(sim, 'web-02', { region: 'HCM-3' });
    const second = sim.attach(TENANT, { mainServerId: other.id, shadow: HCM });
    expectRefused(
      sim,
      () => sim.act(TENANT, second.id, { ...FULL_START, shadowName: 'web-02-dr' }),
      'IP_ADDRESS_IN_USE',
    );
  });

  it('falls back to the region default volume type when the region lacks the main one', () => {
    const sim = makeSim();
    const pair = attachedInHcm(sim, [{ type: 'NVMe', iops: 20_000, sizeGb: 100, multiAttach: false }]);
    const job = actAndWait(sim, pair.id, {
      action: 'startReplication',
      shadowName: 'web-01-dr',
      intervalHours: 1,
      region: 'HAN-1',
    });
    const shadow = sim.getServer(TENANT, sim.getPair(TENANT, pair.id).shadowServer!.id);
    expect(shadow.volumes).toEqual([{ type: 'SSD', iops: 3000, sizeGb: 100, multiAttach: false }]);
    // Another region: its first VPC and subnet, its default security group.
    expect(shadow.network).toMatchObject({
      vpcId: 'vpc-dr',
      subnetId: 'subnet-dr-a',
      securityGroupId: 'sg-han-default',
    });
    expect(job.steps[0]!.log.join('\n')).toMatch(/no NVMe; using its default SSD/);
  });

  it('activates the Snapshot service of a region on first use', () => {
    const sim = makeSim();
    expect(sim.regions().regions.find((r) => r.id === 'HAN-1')?.snapshotServiceEnabled).toBe(false);
    const pair = attachedInHcm(sim);
    actAndWait(sim, pair.id, { ...FULL_START, network: undefined });
    expect(sim.regions().regions.find((r) => r.id === 'HAN-1')?.snapshotServiceEnabled).toBe(true);
    expect(allEvents(sim, { kinds: ['region.snapshotServiceActivated'] }).map((e) => e.data.region)).toEqual([
      'HAN-1',
    ]);
  });
});

describe('attach against the catalogue', () => {
  it('refuses a VPC or subnet the listed region lacks; unlisted regions stay free text unless strict', () => {
    const sim = makeSim();
    const main = createMain(sim);
    expectRefused(
      sim,
      () => sim.attach(TENANT, { mainServerId: main.id, shadow: { ...HCM, vpcId: 'vpc-dr' } }),
      'NOT_IN_REGION',
    );
    expectRefused(
      sim,
      () => sim.attach(TENANT, { mainServerId: main.id, shadow: { ...HCM, subnetId: 'subnet-dr-a' } }),
      'NOT_IN_REGION',
    );
    sim.setRegions({ ...DEFAULT_CATALOGUE, strict: true });
    expectRefused(
      sim,
      () =>
        sim.attach(TENANT, { mainServerId: main.id, shadow: { region: 'SGN-9', vpcId: 'v', subnetId: 's' } }),
      'REGION_NOT_FOUND',
    );
    sim.setRegions(null);
    expect(
      sim.attach(TENANT, { mainServerId: main.id, shadow: { region: 'SGN-9', vpcId: 'v', subnetId: 's' } })
        .status,
    ).toBe('ATTACHED');
  });

  it('is editable: a region added to the catalogue is validated like the default ones', () => {
    const sim = makeSim();
    const set = sim.setRegions({
      strict: true,
      regions: [
        {
          id: 'SGN-1',
          name: 'Singapore 1',
          vpcs: [
            {
              id: 'vpc-sg',
              name: 'sg',
              cidr: '10.60.0.0/16',
              subnets: [{ id: 'sub-sg', name: 'a', cidr: '10.60.1.0/24' }],
            },
          ],
          securityGroups: [],
          placementGroups: [],
          volumeTypes: [{ type: 'SSD', minIops: 100, maxIops: 5000, defaultIops: 1000 }],
          flavors: [{ id: 'general.2c4g', family: 'general', vcpus: 2, memoryGb: 4 }],
          snapshotServiceEnabled: true,
        },
      ],
    });
    expect(set.regions.map((r) => r.id)).toEqual(['SGN-1']);
    const main = createMain(sim, 'web-01', { region: 'SGN-1' });
    const pair = sim.attach(TENANT, {
      mainServerId: main.id,
      shadow: { region: 'SGN-1', vpcId: 'vpc-sg', subnetId: 'sub-sg' },
    });
    actAndWait(sim, pair.id, { action: 'startReplication', shadowName: 'web-01-dr', intervalHours: 1 });
    const shadow = sim.getServer(TENANT, sim.getPair(TENANT, pair.id).shadowServer!.id);
    expect(shadow.volumes[0]).toMatchObject({ type: 'SSD', iops: 3000 });
    expect(shadow.network?.privateIp).toBe('10.60.1.10');
    expect(() => sim.setRegions({ strict: false, regions: [{ id: 'X' }] } as never)).toThrow(/volumeTypes/);
  });
});

describe('Test Failover options', () => {
  function replicatingInHan(sim: ReturnType<typeof makeSim>) {
    const pair = attachedInHcm(sim);
    actAndWait(sim, pair.id, { ...FULL_START, network: { vpcId: 'vpc-dr', subnetId: 'subnet-dr-a' } });
    return pair;
  }

  it('defaults to the shadow server region and network, not the attach region', () => {
    const sim = makeSim();
    const pair = replicatingInHan(sim);
    actAndWait(sim, pair.id, {
      action: 'testFailover',
      testServerName: 'web-01-test',
      recoveryPointId: pointsOf(sim, pair.id)[0]!.id,
    });
    const test = sim.getServer(TENANT, sim.getPair(TENANT, pair.id).testFailover!.testServer!.id);
    expect(test.region).toBe('HAN-1');
    expect(test.network).toMatchObject({ vpcId: 'vpc-dr', subnetId: 'subnet-dr-a', floatingIp: null });
  });

  it('tests the current time with a floating IP and a chosen IP', () => {
    const sim = makeSim();
    const pair = replicatingInHan(sim);
    const main = sim.getPair(TENANT, pair.id).mainServer.id;
    sim.advance('20m');
    sim.writeFile(TENANT, main, 'data/orders.csv', 'id,total\n1,10\n2,20\n');
    const job = actAndWait(sim, pair.id, {
      action: 'testFailover',
      testServerName: 'web-01-now',
      recoveryPointId: 'now',
      network: { privateIp: '10.30.1.77', floatingIp: true },
    });
    expect(job.request.recoveryPointId).toBe('now');
    const view = sim.getPair(TENANT, pair.id).testFailover!;
    expect(view.recoveryPointId).toBe('now');
    const test = sim.getServer(TENANT, view.testServer!.id);
    expect(test.network?.privateIp).toBe('10.30.1.77');
    expect(test.network?.floatingIp).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(sim.readFile(TENANT, test.id, 'data/orders.csv').content).toBe('id,total\n1,10\n2,20\n');
  });

  it('defaults the recovery point to the current time when none is named', () => {
    const sim = makeSim();
    const pair = replicatingInHan(sim);
    const job = sim.act(TENANT, pair.id, { action: 'testFailover', testServerName: 'web-01-now' });
    expect(waitForJob(sim, job.id).status).toBe('SUCCEEDED');
    expect(job.request.recoveryPointId).toBe('now');
  });
});

describe('Addresses in use', () => {
  type Step =
    | { kind: 'start'; floating: boolean; ip: number | null }
    | { kind: 'test' | 'clean'; pick: number; floating: boolean };
  const step: fc.Arbitrary<Step> = fc.oneof(
    fc.record({
      kind: fc.constant('start' as const),
      floating: fc.boolean(),
      ip: fc.option(fc.integer({ min: 8, max: 20 }), { freq: 3 }),
    }),
    fc.record({ kind: fc.constant('test' as const), pick: fc.nat(), floating: fc.boolean() }),
    fc.record({ kind: fc.constant('clean' as const), pick: fc.nat(), floating: fc.constant(false) }),
  );
  const net = (floating: boolean, ip: number | null = null) => ({
    subnetId: 'subnet-dr-a',
    ...(floating && { floatingIp: true }),
    ...(ip !== null && { privateIp: `10.30.1.${ip}` }),
  });

  /** Runs the steps; what each placement gave (address or refusal), in order. */
  function run(sim: ReturnType<typeof makeSim>, steps: Step[], pairs: string[]): string[] {
    const seen: string[] = [];
    const attempt = (fn: () => void) => {
      try {
        fn();
      } catch (error) {
        seen.push((error as { code?: string }).code ?? String(error));
      }
    };
    for (const s of steps) {
      if (s.kind === 'start') {
        const main = createMain(sim, `web-${pairs.length}`, { region: 'HCM-3' });
        const pair = sim.attach(TENANT, { mainServerId: main.id, shadow: HCM });
        pairs.push(pair.id);
        attempt(() => {
          actAndWait(sim, pair.id, {
            ...FULL_START,
            shadowName: `web-${pairs.length}-dr`,
            network: { vpcId: 'vpc-dr', ...net(s.floating, s.ip) },
          });
          const shadow = sim.getServer(TENANT, sim.getPair(TENANT, pair.id).shadowServer!.id);
          seen.push(`${shadow.network?.privateIp} ${shadow.network?.floatingIp}`);
        });
      } else if (pairs.length > 0) {
        const pairId = pairs[s.pick % pairs.length]!;
        const request =
          s.kind === 'test'
            ? ({
                action: 'testFailover',
                testServerName: 'web-test',
                ...(s.floating && { network: { floatingIp: true } }),
              } as const)
            : ({ action: 'cleanTestEnvironment' } as const);
        attempt(() => {
          actAndWait(sim, pairId, request);
          const test = sim.getPair(TENANT, pairId).testFailover?.testServer;
          seen.push(test ? `${sim.getServer(TENANT, test.id).network?.privateIp}` : 'cleaned');
        });
      }
    }
    return seen;
  }

  it('a placement picks the same addresses after any history as a simulator opened on the same state', () => {
    fc.assert(
      fc.property(
        fc.array(step, { maxLength: 14 }),
        fc.array(step, { minLength: 1, maxLength: 5 }),
        (before, after) => {
          const sim = makeSim({ progression: { default: 'immediate' } });
          const pairs: string[] = [];
          run(sim, before, pairs);
          const twin = makeSim();
          twin.importState(sim.exportState());
          const twinPairs = [...pairs];
          expect(run(twin, after, twinPairs)).toEqual(run(sim, after, pairs));
          expect(twin.exportState()).toEqual(sim.exportState());
        },
      ),
      { numRuns: 25 },
    );
  });

  it("gives a deleted test server's address to the next server placed in its subnet", () => {
    const sim = makeSim({ progression: { default: 'immediate' } });
    const pairs: string[] = [];
    const placed = run(
      sim,
      [
        { kind: 'start', floating: false, ip: null },
        { kind: 'test', pick: 0, floating: false },
        { kind: 'start', floating: false, ip: null },
        { kind: 'clean', pick: 0, floating: false },
        { kind: 'start', floating: false, ip: null },
      ],
      pairs,
    );
    expect(placed).toEqual([
      '10.30.1.10 null',
      '10.30.1.11',
      '10.30.1.12 null',
      'cleaned',
      '10.30.1.11 null',
    ]);
  });
});
