/**
 * Issue #12 item 7: accounts and costs. Postpaid by default; prepaid with a credit balance;
 * costs accrue on the virtual clock from the shadow's volumes, cross-region transmission, the
 * test server while it exists and (prepaid) the running shadow server; Start Replication and
 * Test Failover refused with INSUFFICIENT_CREDIT when the balance cannot cover their first day.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { type DrPairEvent, drPairMachine } from '../../src/machine/index.js';
import { DEFAULT_RATES } from '../../src/sim/accounts.js';
import {
  actAndWait,
  attachMain,
  checkedSims,
  createMain,
  DAY_MS,
  expectRefused,
  HOUR_MS,
  newSim,
  nowMs,
  protectedPair,
  requestFor,
  START,
  TENANT,
  TEST,
} from './support/world.js';

const makeSim = checkedSims();
/** createMain's default: one 40 GB SSD volume; main in HCM01, shadow in HAN01 (another region). */
const GB = 40;

function itemsOn(sim: ReturnType<typeof makeSim>, pairId: string | null, date: string) {
  const day = sim.usage(TENANT, pairId, { from: date, to: date }).days[0]!;
  return Object.fromEntries(day.items.map((line) => [line.item, line]));
}

describe('an account', () => {
  it('is postpaid at drsim’s default rates until set', () => {
    const sim = makeSim();
    expect(sim.account(TENANT)).toMatchObject({
      mode: 'postpaid',
      balance: null,
      unpaid: 0,
      totalCost: 0,
      currency: 'VND',
      rates: DEFAULT_RATES,
    });
  });

  it('is set prepaid with a credit balance, and refuses a malformed change', () => {
    const sim = makeSim();
    expect(sim.setAccount(TENANT, { mode: 'prepaid', creditBalance: 500_000 })).toMatchObject({
      mode: 'prepaid',
      balance: 500_000,
      creditSetAt: sim.clock().now,
    });
    expectRefused(sim, () => sim.setAccount(TENANT, { creditBalance: -1 }), 'VALIDATION_FAILED');
    expectRefused(sim, () => sim.setAccount(TENANT, { mode: 'gold' as never }), 'VALIDATION_FAILED');
    expectRefused(
      sim,
      () => sim.setAccount(TENANT, { rates: { volumeGbHour: { HDD: 1 } as never } }),
      'VALIDATION_FAILED',
    );
    expectRefused(
      sim,
      () => sim.setAccount(TENANT, { mode: 'postpaid', creditBalance: 5 }),
      'VALIDATION_FAILED',
    );
  });
});

describe('costs on the virtual clock', () => {
  it('bill the shadow volumes by capacity and type, and the full copy sent to another region', () => {
    // Days counted in UTC below (the default zone is Asia/Ho_Chi_Minh).
    const sim = makeSim({ timeZone: 'UTC' });
    const { pair } = protectedPair(sim);
    const shadowCreated = Date.parse(sim.getServer(TENANT, pair.shadowServer!.id).createdAt);
    sim.advanceTo('2026-01-06T00:00:00.000Z');
    const items = itemsOn(sim, pair.id, '2026-01-05');
    const hours = (Date.parse('2026-01-06T00:00:00.000Z') - shadowCreated) / HOUR_MS;
    expect(items.shadowVolumes).toMatchObject({ volumeType: 'SSD', unit: 'GB-hour' });
    expect(items.shadowVolumes!.quantity).toBeCloseTo(GB * hours, 5);
    expect(items.shadowVolumes!.amount).toBeCloseTo(GB * hours * DEFAULT_RATES.volumeGbHour.SSD, 2);
    expect(items.transmission).toMatchObject({
      quantity: GB,
      unit: 'GB',
      amount: GB * DEFAULT_RATES.transmissionGb,
    });
    // A postpaid account does not pay the shadow server, which stays powered off anyway.
    expect(items.shadowServer).toBeUndefined();
    // A whole day later: a whole day of volumes, no new transmission (nothing was written).
    sim.advanceTo('2026-01-07T00:00:00.000Z');
    expect(itemsOn(sim, pair.id, '2026-01-06')).toEqual({
      shadowVolumes: {
        item: 'shadowVolumes',
        volumeType: 'SSD',
        quantity: GB * 24,
        unit: 'GB-hour',
        amount: GB * 24 * DEFAULT_RATES.volumeGbHour.SSD,
      },
    });
  });

  it('do not bill transmission when the shadow is in the main server’s region', () => {
    const sim = makeSim();
    const main = createMain(sim, 'web-01', { region: 'HAN01' });
    const pair = attachMain(sim, main.id);
    actAndWait(sim, pair.id, START);
    sim.advance('1d');
    expect(sim.usage(TENANT, pair.id).days.flatMap((d) => d.items.map((l) => l.item))).not.toContain(
      'transmission',
    );
  });

  it('bill later cross-region points by the bytes written since the point before', () => {
    const sim = makeSim();
    const { pair, mainId } = protectedPair(sim);
    sim.advanceTo('2026-01-06T00:00:00.000Z');
    const content = 'x'.repeat(1_048_576);
    sim.writeFile(TENANT, mainId, 'data/big.bin', content);
    sim.advance('1h');
    const sent = itemsOn(sim, pair.id, '2026-01-06').transmission!;
    expect(sent.quantity).toBeCloseTo(1 / 1024, 6);
  });

  // Decision 0015: a transmission that rounds to no quantity (the seeded workload's ~100 bytes a
  // tick) is not stored; it billed nothing and no usage report showed it.
  it('property: a cross-region point stores a transmission exactly when its quantity rounds above 0', () => {
    const GIB = 1024 ** 3;
    const micro = (bytes: number) => Math.round((bytes / GIB) * 1e6) / 1e6;
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer({ min: 0, max: 4000 }), fc.constantFrom(0, 536, 537)), {
          minLength: 1,
          maxLength: 6,
        }),
        (sizes) => {
          const sim = newSim();
          try {
            const { pair, mainId } = protectedPair(sim);
            const from = nowMs(sim);
            for (const [i, size] of sizes.entries()) {
              if (size > 0) sim.writeFile(TENANT, mainId, `data/f-${i}.bin`, 'x'.repeat(size));
              sim.advance('15m');
            }
            const sent = (sim.exportState().charges ?? []).filter(
              (c) => c.item === 'transmission' && c.pairId === pair.id && c.startMs > from,
            );
            expect(sent.map((c) => c.quantity)).toEqual(sizes.map(micro).filter((q) => q > 0));
            const usage = sim.usage(TENANT, pair.id).days.flatMap((d) => d.items);
            const billed = usage.filter((l) => l.item === 'transmission').reduce((s, l) => s + l.quantity, 0);
            expect(billed).toBeCloseTo(GB + sizes.map(micro).reduce((s, q) => s + q, 0), 6);
          } finally {
            sim.close();
          }
        },
      ),
      { numRuns: 15 },
    );
  });

  it('bill the test server and its volumes while it exists, and stop when it is cleaned', () => {
    const sim = makeSim();
    const { pair } = protectedPair(sim);
    sim.advanceTo('2026-01-06T00:00:00.000Z');
    actAndWait(sim, pair.id, TEST);
    sim.advanceTo('2026-01-06T12:00:00.000Z');
    actAndWait(sim, pair.id, { action: 'cleanTestEnvironment' });
    const cleanedAt = nowMs(sim);
    const afterClean = itemsOn(sim, pair.id, '2026-01-06');
    sim.advanceTo('2026-01-07T00:00:00.000Z');
    const day = itemsOn(sim, pair.id, '2026-01-06');
    expect(day.testServer!.quantity).toBeGreaterThan(11);
    expect(day.testServer!.quantity).toBeLessThan((cleanedAt - Date.parse('2026-01-06T00:00:00Z')) / HOUR_MS);
    expect(day.testServer!.amount).toBeCloseTo(day.testServer!.quantity * DEFAULT_RATES.serverHour, 1);
    expect(day.testVolumes!.quantity).toBeCloseTo(day.testServer!.quantity * GB, 4);
    // Nothing of the test accrues after the clean.
    expect(day.testServer).toEqual(afterClean.testServer);
  });

  it('keep the price they accrued at when rates change', () => {
    // Days counted in UTC below (the default zone is Asia/Ho_Chi_Minh).
    const sim = makeSim({ timeZone: 'UTC' });
    const { pair } = protectedPair(sim);
    sim.advanceTo('2026-01-06T00:00:00.000Z');
    sim.setAccount(TENANT, { rates: { volumeGbHour: { SSD: 10 } } });
    sim.advanceTo('2026-01-07T00:00:00.000Z');
    expect(itemsOn(sim, pair.id, '2026-01-06').shadowVolumes!.amount).toBe(GB * 24 * 10);
    expect(itemsOn(sim, pair.id, '2026-01-05').shadowVolumes!.amount).toBeLessThan(GB * 24 * 4 + 0.01);
  });

  it('are per local day in the world’s time zone', () => {
    const sim = makeSim({ timeZone: 'Asia/Ho_Chi_Minh' });
    protectedPair(sim);
    sim.advanceTo('2026-01-07T17:00:00.000Z'); // 2026-01-08 00:00 in UTC+7
    const report = sim.usage(TENANT, null, { from: '2026-01-07', to: '2026-01-07' });
    expect(report.timeZone).toBe('Asia/Ho_Chi_Minh');
    expect(report.days[0]!.items.find((l) => l.item === 'shadowVolumes')!.quantity).toBe(GB * 24);
  });

  it('sum per account with each pair’s total, and refuse a bad range', () => {
    const sim = makeSim();
    const a = protectedPair(sim, { name: 'web-01' });
    const b = protectedPair(sim, { name: 'web-02' });
    sim.advance('2d');
    const account = sim.usage(TENANT, null);
    const one = sim.usage(TENANT, a.pair.id);
    const two = sim.usage(TENANT, b.pair.id);
    expect(account.pairs).toEqual(
      [
        { pairId: a.pair.id, total: one.total },
        { pairId: b.pair.id, total: two.total },
      ].sort((x, y) => (x.pairId < y.pairId ? -1 : 1)),
    );
    expect(account.total).toBeCloseTo(one.total + two.total, 2);
    expect(sim.account(TENANT).totalCost).toBeCloseTo(account.total, 0);
    expect(() => sim.usage(TENANT, null, { from: '2026-02-01', to: '2026-01-01' })).toThrow(/from/);
    expect(() => sim.usage(TENANT, null, { from: '2026-13-01' })).toThrow(/YYYY-MM-DD/);
    expect(() => sim.usage(TENANT, 'dr-nope')).toThrow(/dr-nope/);
  });
});

describe('a prepaid account', () => {
  it('without credit is refused Start Replication with INSUFFICIENT_CREDIT, and nothing changes', () => {
    const sim = makeSim();
    const pair = attachMain(sim, createMain(sim).id);
    sim.setAccount(TENANT, { mode: 'prepaid' });
    const refused = expectRefused(sim, () => sim.act(TENANT, pair.id, START), 'INSUFFICIENT_CREDIT');
    const firstDay = GB * 24 * DEFAULT_RATES.volumeGbHour.SSD + GB * DEFAULT_RATES.transmissionGb;
    expect(refused.details).toMatchObject({ action: 'startReplication', balance: 0, required: firstDay });
    // Exactly the first day is enough.
    sim.setAccount(TENANT, { creditBalance: firstDay });
    actAndWait(sim, pair.id, START);
    expect(sim.getPair(TENANT, pair.id).status).toBe('REPLICATING');
  });

  it('is refused INVALID_STATE before INSUFFICIENT_CREDIT when the state does not allow the action', () => {
    const sim = makeSim();
    const { pair } = protectedPair(sim);
    sim.setAccount(TENANT, { mode: 'prepaid' });
    expectRefused(sim, () => sim.act(TENANT, pair.id, START), 'INVALID_STATE');
  });

  it('without enough credit is refused Test Failover; replication goes on', () => {
    const sim = makeSim();
    const { pair } = protectedPair(sim);
    sim.setAccount(TENANT, { mode: 'prepaid', creditBalance: 1000 });
    const refused = expectRefused(sim, () => sim.act(TENANT, pair.id, TEST), 'INSUFFICIENT_CREDIT');
    expect(refused.details).toMatchObject({
      action: 'testFailover',
      required: 24 * (DEFAULT_RATES.serverHour + GB * DEFAULT_RATES.volumeGbHour.SSD),
    });
    expect(sim.getPair(TENANT, pair.id)).toMatchObject({ status: 'REPLICATING', testFailover: null });
  });

  it('pays the fees from its credit, never below zero; what it cannot cover is unpaid', () => {
    const sim = makeSim();
    sim.setAccount(TENANT, { mode: 'prepaid', creditBalance: 40_000 });
    protectedPair(sim);
    const first = sim.account(TENANT);
    expect(first.balance).toBeLessThan(40_000);
    sim.advance('10d');
    const later = sim.account(TENANT);
    expect(later.balance).toBe(0);
    expect(later.unpaid).toBeGreaterThan(0);
    expect(later.unpaid).toBeCloseTo(later.totalCost - 40_000, 1);
  });

  it('pays the shadow server while it runs (a postpaid account does not)', () => {
    const sim = makeSim();
    const { pair, shadowId } = protectedPair(sim);
    sim.setAccount(TENANT, { mode: 'prepaid', creditBalance: 1e9 });
    sim.advanceTo('2026-01-06T00:00:00.000Z');
    sim.startServer(TENANT, shadowId);
    sim.advanceTo('2026-01-06T06:00:00.000Z');
    sim.stopServer(TENANT, shadowId);
    sim.advanceTo('2026-01-07T00:00:00.000Z');
    const day = itemsOn(sim, pair.id, '2026-01-06');
    expect(day.shadowServer).toMatchObject({ quantity: 6, amount: 6 * DEFAULT_RATES.serverHour });
  });
});

describe('the statechart judges the credit', () => {
  it('refuses START_REPLICATION and TEST_FAILOVER whose credit is not covered, accepts them covered or unchecked', () => {
    const actor = createActor(drPairMachine).start();
    const snapshot = actor.getSnapshot();
    const start = (credit?: { covered: boolean }): DrPairEvent =>
      credit ? { type: 'START_REPLICATION', credit } : { type: 'START_REPLICATION' };
    expect(snapshot.can(start({ covered: false }))).toBe(false);
    expect(snapshot.can(start({ covered: true }))).toBe(true);
    expect(snapshot.can(start())).toBe(true);
    actor.send(start());
    actor.send({ type: 'REPLICATION_STARTED' });
    const protectedNow = actor.getSnapshot();
    const rp = { id: 'rp-1', available: true };
    expect(protectedNow.can({ type: 'TEST_FAILOVER', recoveryPoint: rp, credit: { covered: false } })).toBe(
      false,
    );
    expect(protectedNow.can({ type: 'TEST_FAILOVER', recoveryPoint: rp, credit: { covered: true } })).toBe(
      true,
    );
    actor.stop();
  });
});

describe('export and import', () => {
  it('carry the account and the meters, so usage is the same after a round trip', () => {
    const sim = makeSim();
    sim.setAccount(TENANT, { mode: 'prepaid', creditBalance: 1e6 });
    const { pair } = protectedPair(sim);
    sim.advance('1d');
    const state = sim.exportState();
    expect(state.charges!.length).toBeGreaterThan(0);
    const copy = makeSim();
    copy.importState(state);
    expect(copy.account(TENANT)).toEqual(sim.account(TENANT));
    expect(copy.usage(TENANT, pair.id)).toEqual(sim.usage(TENANT, pair.id));
    sim.advance('1d');
    copy.advance('1d');
    expect(copy.usage(TENANT, null)).toEqual(sim.usage(TENANT, null));
  });

  it('refuse meters that name no pair, lie in the future or a negative price', () => {
    const sim = makeSim();
    protectedPair(sim);
    sim.advance('1h');
    const state = sim.exportState();
    const charge = state.charges![0]!;
    const bad = (patch: object) => ({ ...state, charges: [{ ...charge, ...patch }] });
    expectRefused(sim, () => sim.importState(bad({ pairId: 'dr-nope' })), 'STATE_INCONSISTENT');
    expectRefused(sim, () => sim.importState(bad({ startMs: nowMs(sim) + DAY_MS })), 'STATE_INCONSISTENT');
    expectRefused(sim, () => sim.importState(bad({ unitPrice: -1 })), 'VALIDATION_FAILED');
    expectRefused(
      sim,
      () =>
        sim.importState({
          ...state,
          settings: { ...state.settings, accounts: { [TENANT]: { mode: 'gold' } } },
        } as never),
      'VALIDATION_FAILED',
    );
  });
});

describe('properties', () => {
  type Step =
    | { kind: 'advance'; minutes: number }
    | { kind: 'credit'; amount: number }
    | {
        kind: 'act';
        action:
          | 'startReplication'
          | 'testFailover'
          | 'cleanTestEnvironment'
          | 'stopReplication'
          | 'resumeReplication';
      }
    | { kind: 'power'; on: boolean };
  const step: fc.Arbitrary<Step> = fc.oneof(
    fc.record({ kind: fc.constant('advance' as const), minutes: fc.integer({ min: 1, max: 3000 }) }),
    fc.record({ kind: fc.constant('credit' as const), amount: fc.integer({ min: 0, max: 200_000 }) }),
    fc.record({
      kind: fc.constant('act' as const),
      action: fc.constantFrom(
        'startReplication' as const,
        'testFailover' as const,
        'cleanTestEnvironment' as const,
        'stopReplication' as const,
        'resumeReplication' as const,
      ),
    }),
    fc.record({ kind: fc.constant('power' as const), on: fc.boolean() }),
  );

  it('the balance never goes negative, costs only grow with time, and a refusal costs nothing', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 14 }), fc.boolean(), (steps, sameRegion) => {
        const sim = newSim();
        try {
          const main = createMain(sim, 'web-01', sameRegion ? { region: 'HAN01' } : {});
          const pair = attachMain(sim, main.id);
          sim.setAccount(TENANT, { mode: 'prepaid', creditBalance: 50_000 });
          let total = 0;
          for (const s of steps) {
            if (s.kind === 'advance') sim.advance(s.minutes * 60_000);
            else if (s.kind === 'credit') sim.setAccount(TENANT, { creditBalance: s.amount });
            else if (s.kind === 'power') {
              const shadow = sim.getPair(TENANT, pair.id).shadowServer;
              if (shadow) {
                try {
                  if (s.on) sim.startServer(TENANT, shadow.id);
                  else sim.stopServer(TENANT, shadow.id);
                } catch {
                  // A DOWN or busy server refuses; that is not what this property checks.
                }
              }
            } else {
              const request = requestFor(s.action);
              const before = sim.account(TENANT);
              try {
                sim.act(TENANT, pair.id, request);
              } catch (error) {
                const after = sim.account(TENANT);
                expect(after.balance).toBe(before.balance);
                expect(after.totalCost).toBe(before.totalCost);
                if ((error as { code?: string }).code === 'INSUFFICIENT_CREDIT') {
                  const details = (error as { details: { balance: number; required: number } }).details;
                  expect(details.balance).toBeLessThan(details.required);
                }
              }
            }
            const account = sim.account(TENANT);
            expect(account.balance).toBeGreaterThanOrEqual(0);
            expect(account.totalCost).toBeGreaterThanOrEqual(total);
            total = account.totalCost;
          }
          // Usage up to now never shrinks when looked at again later.
          const before = sim.usage(TENANT, null).total;
          sim.advance('1h');
          expect(sim.usage(TENANT, null).total).toBeGreaterThanOrEqual(before);
        } finally {
          sim.close();
        }
      }),
      { numRuns: 25, seed: 12 },
    );
  });
});
