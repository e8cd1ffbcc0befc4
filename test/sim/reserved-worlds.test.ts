// A reserved world (startDrsim's) opens on its first use; until then and after, it is the world
// `create` would have made: the same refusals, listing, ids and state, byte for byte.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createWorlds, DrError, type WorldOptions, type Worlds } from '../../src/sim/index.js';
import { reserveWorld } from '../../src/sim/worlds.js';
import { trackedWorlds } from './support/tracked-worlds.js';

const { worldsOf, tempDb } = trackedWorlds('drsim-reserved-');

/** What a client could observe of one world after a few calls. */
function used(worlds: Worlds, tenant: string): string {
  const sim = worlds.get(tenant);
  const server = sim.createServer(tenant, { name: 'web-01', region: 'HCM-3' });
  const pair = sim.attach(tenant, {
    mainServerId: server.id,
    shadow: { region: 'HAN-1', vpcId: 'vpc-dr', subnetId: 'subnet-dr-a' },
  });
  sim.act(tenant, pair.id, { action: 'startReplication', shadowName: 'dr', intervalHours: 1 });
  sim.advance('2h');
  return JSON.stringify({ list: worlds.list(), state: [...sim.exportStateJson()].join('') });
}

const refusal = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (error) {
    return error instanceof DrError ? { code: error.code, message: error.message } : String(error);
  }
  return 'accepted';
};

describe('reserved worlds', () => {
  it('list, open and behave as the world create() makes, for any options', () => {
    const worldOptions: fc.Arbitrary<WorldOptions> = fc.record(
      {
        seed: fc.integer({ min: 0, max: 2 ** 40 }),
        startTime: fc
          .integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) })
          .map((ms) => new Date(ms).toISOString()),
        timeZone: fc.constantFrom('UTC', 'Asia/Ho_Chi_Minh', 'America/New_York'),
        progression: fc.record({ default: fc.constantFrom('clock', 'immediate', 'manual') }),
        clock: fc.record({ speed: fc.integer({ min: 1, max: 100 }) }),
      },
      { requiredKeys: [] },
    ) as fc.Arbitrary<WorldOptions>;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), worldOptions, (seed, options) => {
        const made = worldsOf({ seed });
        const reserved = worldsOf({ seed });
        made.create('t', options);
        reserveWorld(reserved, 't', options);
        // Listed (as the realtime ticker lists it) before it opens, as the made one is.
        expect(reserved.has('t')).toBe(true);
        expect(reserved.list()).toEqual(made.list());
        expect(used(reserved, 't')).toBe(used(made, 't'));
      }),
      { numRuns: 25 },
    );
  });

  it('refuses what create() refuses, when reserved', () => {
    const cases: [string, WorldOptions][] = [
      ['bad tenant', {}],
      ['t', { seed: 1.5 }],
      ['t', { timeZone: 'Mars/Olympus' }],
      ['t', { startTime: 'yesterday' }],
      ['t', { clock: { speed: -1 } }],
    ];
    for (const [tenant, options] of cases) {
      const expected = refusal(() => worldsOf().create(tenant, options));
      expect(expected).not.toBe('accepted');
      const worlds = worldsOf();
      expect(refusal(() => reserveWorld(worlds, tenant, options))).toEqual(expected);
      expect(worlds.has(tenant)).toBe(false);
    }
    const worlds = worldsOf();
    worlds.create('t');
    expect(refusal(() => reserveWorld(worlds, 't'))).toEqual(refusal(() => worlds.create('t')));
  });

  it('can be reset, exported, imported and removed before it is first used', () => {
    const worlds = worldsOf({ seed: 3 });
    const twin = worldsOf({ seed: 3 });
    reserveWorld(worlds, 'a', { seed: 7 });
    twin.create('a', { seed: 7 });
    expect(JSON.stringify(worlds.exportWorld('a'))).toBe(JSON.stringify(twin.exportWorld('a')));
    reserveWorld(worlds, 'b');
    worlds.remove('b');
    expect(worlds.has('b')).toBe(false);
    expect(refusal(() => worlds.remove('b'))).toMatchObject({ code: 'TENANT_NOT_FOUND' });
    reserveWorld(worlds, 'c');
    worlds.reset('c');
    twin.create('c');
    expect([...worlds.exportStateJson()].join('')).toBe([...twin.exportStateJson()].join(''));
  });

  it('is made at once in a registry file, which lists it when reopened', () => {
    const db = tempDb();
    const worlds = createWorlds({ db });
    reserveWorld(worlds, 'a', { seed: 5 });
    worlds.close();
    const again = worldsOf({ db });
    expect(again.list().map((w) => [w.tenant, w.seed])).toEqual([['a', 5]]);
  });
});
