// A tenant is a world: what runs in one never changes what another observes, its timing or its draws.
import { readdirSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/sim/contract.js';
import { createSimulator, createWorlds, deriveSeed } from '../../src/sim/index.js';
import { trackedWorlds } from './support/tracked-worlds.js';

const SHADOW = { region: 'HAN-1', vpcId: 'vpc-dr', subnetId: 'subnet-dr-a' };

type Op =
  | { kind: 'server'; name: string }
  | { kind: 'replicate' }
  | { kind: 'advance'; minutes: number }
  | { kind: 'fault'; probability: number }
  | { kind: 'workload'; rate: number }
  | { kind: 'failover' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('server' as const), name: fc.constantFrom('web', 'db', 'app') }),
  fc.record({ kind: fc.constant('replicate' as const) }),
  fc.record({ kind: fc.constant('advance' as const), minutes: fc.integer({ min: 1, max: 600 }) }),
  fc.record({ kind: fc.constant('fault' as const), probability: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({ kind: fc.constant('workload' as const), rate: fc.integer({ min: 0, max: 5 }) }),
  fc.record({ kind: fc.constant('failover' as const) }),
);

/** Applies one operation; refusals are part of the outcome, so they are recorded too. */
function apply(sim: Simulator, tenant: string, op: Op, log: string[]): void {
  try {
    const servers = sim.listServers(tenant).items;
    const pairs = sim.listPairs(tenant).items;
    switch (op.kind) {
      case 'server':
        sim.createServer(tenant, { name: op.name, region: 'HCM-3', files: { 'etc/hostname': op.name } });
        break;
      case 'replicate': {
        const free = servers.find((s) => s.role === 'STANDALONE');
        if (free) {
          const pair = sim.attach(tenant, { mainServerId: free.id, shadow: SHADOW });
          sim.act(tenant, pair.id, { action: 'startReplication', shadowName: 'dr', intervalHours: 1 });
        }
        break;
      }
      case 'advance':
        sim.advance(op.minutes * 60_000);
        break;
      case 'fault':
        sim.addFault({
          tenant,
          target: 'failover',
          effect: { kind: 'fail' },
          trigger: { probability: op.probability },
        });
        break;
      case 'workload':
        if (servers[0]) sim.setWorkload(tenant, servers[0].id, op.rate);
        break;
      case 'failover': {
        const pair = pairs.find((p) => p.status === 'REPLICATING');
        const point = pair ? sim.listRecoveryPoints(tenant, pair.id).items[0] : undefined;
        if (pair && point) sim.act(tenant, pair.id, { action: 'failover', recoveryPointId: point.id });
        break;
      }
    }
  } catch (error) {
    log.push(`${op.kind}: ${(error as Error).message}`);
  }
}

const outcome = (sim: Simulator, log: string[]) =>
  JSON.stringify({ state: sim.exportState(), clock: sim.clock(), log });

const { worldsOf, tempDb } = trackedWorlds('drsim-worlds-');

describe('worlds', () => {
  it('gives tenant A byte-identical results whatever tenant B does at the same time', () => {
    fc.assert(
      fc.property(
        fc.array(opArb, { minLength: 1, maxLength: 12 }),
        fc.array(opArb, { maxLength: 12 }),
        fc.array(fc.boolean(), { maxLength: 24 }),
        (opsA, opsB, interleaving) => {
          const aloneLog: string[] = [];
          const alone = worldsOf({ seed: 3 });
          for (const op of opsA) apply(alone.get('acme'), 'acme', op, aloneLog);

          const sharedLog: string[] = [];
          const shared = worldsOf({ seed: 3 });
          const a = [...opsA];
          const b = [...opsB];
          for (const bFirst of interleaving) {
            const op = bFirst ? b.shift() : a.shift();
            if (op)
              apply(
                bFirst ? shared.get('beta') : shared.get('acme'),
                bFirst ? 'beta' : 'acme',
                op,
                bFirst ? [] : sharedLog,
              );
          }
          for (const op of a) apply(shared.get('acme'), 'acme', op, sharedLog);
          for (const op of b) apply(shared.get('beta'), 'beta', op, []);
          expect(outcome(shared.get('acme'), sharedLog)).toBe(outcome(alone.get('acme'), aloneLog));
        },
      ),
      { numRuns: 12 },
    );
  });

  it('seeds each world from (server seed, tenant) unless told; equal seeds make equal ids without colliding', () => {
    const worlds = worldsOf({ seed: 9 });
    expect(worlds.get('acme').seed).toBe(deriveSeed(9, 'acme'));
    expect(deriveSeed(9, 'acme')).not.toBe(deriveSeed(9, 'beta'));
    expect(deriveSeed(9, 'acme')).not.toBe(deriveSeed(10, 'acme'));
    const one = worlds.create('run-1', { seed: 42 });
    const two = worlds.create('run-2', { seed: 42 });
    const s1 = one.createServer('run-1', { name: 'web', region: 'HCM-3' });
    const s2 = two.createServer('run-2', { name: 'web', region: 'HCM-3' });
    expect(s1.id).toBe(s2.id);
    one.failServer('run-1', s1.id);
    expect(two.getServer('run-2', s2.id).powerState).toBe('RUNNING');
    expect(() => worlds.create('run-1')).toThrow(expect.objectContaining({ code: 'TENANT_EXISTS' }));
  });

  it('runs one world in realtime while another keeps a manual clock', () => {
    let wall = 1_000_000;
    const worlds = worldsOf({ wallClock: () => wall });
    const demo = worlds.get('demo');
    const ci = worlds.get('ci');
    demo.setClock({ mode: 'realtime', speed: 60 });
    demo.syncRealtime();
    wall += 60_000;
    demo.syncRealtime();
    ci.syncRealtime();
    expect(demo.clock().now).toBe('2026-01-05T01:00:00.000Z');
    expect(ci.clock()).toEqual({
      now: '2026-01-05T00:00:00.000Z',
      mode: 'manual',
      speed: 1,
      timeZone: 'Asia/Ho_Chi_Minh',
    });
    expect(() => createSimulator().setClock({ mode: 'realtime' })).toThrow(/wall clock/);
  });

  it('persists each world in a file of its own; removing a world deletes its file', () => {
    const db = tempDb();
    const first = createWorlds({ db, seed: 5 });
    const acme = first.get('acme');
    const server = acme.createServer('acme', { name: 'web', region: 'HCM-3' });
    acme.advance('1h');
    first.get('beta').advance('2h');
    first.create('gone', { seed: 1 }).advance('1h');
    first.create('scratch', { ephemeral: true }).advance('1h');
    first.remove('gone');
    const before = first.exportWorld('acme');
    first.close();
    expect(readdirSync(`${db}.worlds`).filter((f) => f.endsWith('.db'))).toHaveLength(2);

    const second = worldsOf({ db, seed: 99 });
    expect(second.seed).toBe(5);
    expect(second.list().map((w) => w.tenant)).toEqual(['acme', 'beta']);
    expect(second.exportWorld('acme')).toEqual(before);
    expect(second.get('acme').getServer('acme', server.id).name).toBe('web');
    expect(second.get('beta').clock().now).toBe('2026-01-05T02:00:00.000Z');
  });

  it('splits a database written before worlds into one world per tenant', () => {
    const db = tempDb();
    const old = createSimulator({ db, seed: 4 });
    const a = old.createServer('acme', { name: 'a', region: 'HCM-3' });
    const b = old.createServer('beta', { name: 'b', region: 'HCM-3' });
    old.addFault({ target: 'failover', effect: { kind: 'fail' } });
    old.advance('3h');
    old.close();

    const worlds = worldsOf({ db });
    expect(
      worlds
        .list()
        .map((w) => w.tenant)
        .sort(),
    ).toEqual(['acme', 'beta']);
    const acme = worlds.get('acme');
    expect(acme.listServers('acme').items.map((s) => s.id)).toEqual([a.id]);
    expect(acme.clock().now).toBe('2026-01-05T03:00:00.000Z');
    expect(acme.listFaults().map((r) => r.tenant)).toEqual(['acme']);
    expect(
      worlds
        .get('beta')
        .listServers('beta')
        .items.map((s) => s.id),
    ).toEqual([b.id]);
    expect(() => acme.getServer('acme', b.id)).toThrow(expect.objectContaining({ code: 'SERVER_NOT_FOUND' }));
  });

  it('exports and imports the whole server, and one world at a time', () => {
    const worlds = worldsOf({ seed: 2 });
    worlds.get('acme').createServer('acme', { name: 'a', region: 'HCM-3' });
    worlds.get('beta').advance('1h');
    const whole = worlds.exportState();
    expect(whole.worlds.map((w) => w.tenant)).toEqual(['acme', 'beta']);

    const copy = worldsOf({ seed: 8 });
    copy.get('other');
    copy.importState(whole);
    expect(copy.exportState()).toEqual(whole);

    // One tenant's data goes into another tenant's world as that tenant's.
    copy.importWorld('beta', worlds.exportWorld('acme'));
    expect(copy.get('beta').listServers('beta').items).toHaveLength(1);
    const legacy = createSimulator();
    legacy.createServer('x', { name: 'x', region: 'HCM-3' });
    legacy.createServer('y', { name: 'y', region: 'HCM-3' });
    expect(() => copy.importWorld('beta', legacy.exportState())).toThrow(/2 tenants/);
    copy.importState(legacy.exportState());
    expect(copy.list().map((w) => w.tenant)).toEqual(['x', 'y']);
  });

  it('resets a world to how it was created, keeping other worlds as they are', () => {
    const worlds = worldsOf();
    const run = worlds.create('run', { seed: 7, startTime: '2026-03-01T00:00:00.000Z' });
    run.createServer('run', { name: 'a', region: 'HCM-3' });
    run.setProgression('default', 'manual');
    run.addFault({ target: 'failover', effect: { kind: 'hang' } });
    run.advance('5h');
    worlds.get('other').advance('1h');
    const fresh = createSimulator({ seed: 7, startTime: '2026-03-01T00:00:00.000Z' });
    worlds.reset('run');
    expect(run.exportState()).toEqual(fresh.exportState());
    // Again, after more changes (the second reset reuses the new world's state).
    run.createServer('run', { name: 'b', region: 'HCM-3' });
    run.advance('2h');
    worlds.reset('run');
    expect(run.exportState()).toEqual(fresh.exportState());
    expect(worlds.get('other').clock().now).toBe('2026-01-05T01:00:00.000Z');
    expect(() => worlds.reset('nobody')).toThrow(expect.objectContaining({ code: 'TENANT_NOT_FOUND' }));
  });

  it('resets any world to byte for byte the state a new world with its options has', () => {
    const worldOptions = fc.record(
      {
        seed: fc.integer({ min: 0, max: 2 ** 40 }),
        startTime: fc
          .integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) })
          .map((ms) => new Date(ms).toISOString()),
        timeZone: fc.constantFrom('UTC', 'Asia/Ho_Chi_Minh', 'America/New_York'),
        progression: fc.record({
          default: fc.constantFrom('clock' as const, 'immediate' as const, 'manual' as const),
        }),
        clock: fc.record({ speed: fc.integer({ min: 1, max: 100 }) }),
      },
      { requiredKeys: [] },
    );
    const serverOptions = fc.record(
      { seed: fc.integer({ min: 0, max: 1000 }), historyRetentionDays: fc.integer({ min: 1, max: 400 }) },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(
        serverOptions,
        fc.array(fc.tuple(fc.boolean(), worldOptions), { maxLength: 4 }),
        (server, made) => {
          const worlds = createWorlds(server);
          const twin = createWorlds(server);
          try {
            made.forEach(([implicit, options], i) => {
              const tenant = `t${i}`;
              const sim = implicit ? worlds.get(tenant) : worlds.create(tenant, options);
              sim.createServer(tenant, { name: 'a', region: 'HCM-3' });
              sim.advance('3h');
              worlds.reset(tenant);
              const fresh = implicit ? twin.get(tenant) : twin.create(tenant, options);
              expect([...sim.exportStateJson()].join('')).toBe([...fresh.exportStateJson()].join(''));
            });
          } finally {
            worlds.close();
            twin.close();
          }
        },
      ),
      { numRuns: 30 },
    );
  });
});
