/**
 * Data fidelity: a recovery point captures the main server's files exactly as they were at its
 * moment, and a failover, a change of recovery point or a test failover makes the target server's
 * files exactly those of the chosen point (paths, checksums, sizes and contents), while the main
 * server keeps changing through the seeded workload and API writes. Contents written through the
 * API are also checked against what this test itself wrote, not only against the engine's view
 * (`recoveryPointFiles`).
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/sim/contract.js';
import type { FileEntry, RecoveryPoint } from '../../src/sim/types.js';
import {
  actAndWait,
  checkedSims,
  expectChecksPass,
  MINUTE_MS,
  newSim,
  pointOnTheHour,
  pointsOf,
  protectedPair,
  TENANT,
  TICK_MS,
} from './support/world.js';

const sha256 = (content: string): string => `sha256:${createHash('sha256').update(content).digest('hex')}`;

/** The files as a map path → checksum and size: what "the same data" means. */
const dataOf = (files: readonly FileEntry[]) =>
  Object.fromEntries(files.map((f) => [f.path, { checksum: f.checksum, sizeBytes: f.sizeBytes }]));

/** API writes to the main server, in order, with the data version each produced. */
interface Written {
  version: number;
  path: string;
  content: string;
}

/** What this test wrote to `path` as of `dataVersion` (the last write at or before it). */
function expectedContent(log: readonly Written[], path: string, dataVersion: number): string | undefined {
  let content: string | undefined;
  for (const w of log) if (w.path === path && w.version <= dataVersion) content = w.content;
  return content;
}

/**
 * Asserts that `serverId`'s files equal the point's, by the engine's own listing and by reading
 * each file back; and that the API-written files hold what this test wrote as of the point.
 */
function expectServerAtPoint(
  sim: Simulator,
  serverId: string,
  pairId: string,
  point: RecoveryPoint,
  log: readonly Written[],
  initial: Record<string, string>,
): void {
  const expected = sim.recoveryPointFiles(TENANT, pairId, point.id);
  const actual = sim.listFiles(TENANT, serverId);
  expect(dataOf(actual)).toEqual(dataOf(expected));
  for (const file of actual) {
    const read = sim.readFile(TENANT, serverId, file.path);
    expect(sha256(read.content)).toBe(file.checksum);
    expect(Buffer.byteLength(read.content)).toBe(file.sizeBytes);
  }
  for (const path of new Set([...log.map((w) => w.path), ...Object.keys(initial)])) {
    const want = expectedContent(log, path, point.dataVersion) ?? initial[path];
    const has = actual.some((f) => f.path === path);
    if (want === undefined) expect(has, `${path} did not exist at ${point.createdAt}`).toBe(false);
    else expect(sim.readFile(TENANT, serverId, path).content, `${path} as of ${point.createdAt}`).toBe(want);
  }
}

const makeSim = checkedSims();

const INITIAL = { 'etc/app.conf': 'mode=production\n', 'data/orders.csv': 'id,total\n' };

describe('recovery points capture the data at their moment', () => {
  it('write, take a point, write again: the point holds the first content, the main the second', () => {
    const sim = makeSim({ seed: 11 });
    const { pair, mainId } = protectedPair(sim, { files: INITIAL });
    const first = sim.writeFile(TENANT, mainId, 'data/orders.csv', 'id,total\n1,10\n');
    // To the next full hour: its point is taken of the data as it is then, and with a 1-hour
    // interval retention keeps it (points off the interval go when the next one is made).
    const point = pointOnTheHour(sim, pair.id);
    sim.writeFile(TENANT, mainId, 'data/orders.csv', 'id,total\n1,10\n2,25\n');
    sim.writeFile(TENANT, mainId, 'data/new.txt', 'created after the point');

    expect(point.dataVersion).toBe(first.version);
    const captured = sim.recoveryPointFiles(TENANT, pair.id, point.id);
    const orders = captured.find((f) => f.path === 'data/orders.csv')!;
    expect(orders.checksum).toBe(sha256('id,total\n1,10\n'));
    expect(captured.map((f) => f.path).sort()).toEqual(['data/orders.csv', 'etc/app.conf']);
    expect(sim.readFile(TENANT, mainId, 'data/orders.csv').content).toBe('id,total\n1,10\n2,25\n');
    // Later writes never change what an existing point captured.
    sim.advance('2h');
    expect(sim.recoveryPointFiles(TENANT, pair.id, point.id)).toEqual(captured);
  });

  it("each point's data version is the main's at the tick, with the workload's writes of that tick in it", () => {
    const sim = makeSim({ seed: 12 });
    const { pair, mainId } = protectedPair(sim, { files: INITIAL });
    sim.setWorkload(TENANT, mainId, 3);
    for (let i = 0; i < 6; i++) {
      sim.advance(TICK_MS);
      const point = pointsOf(sim, pair.id)[0]!;
      const main = sim.getServer(TENANT, mainId);
      expect(point.createdAt).toBe(
        new Date(Math.floor(Date.parse(sim.clock().now) / TICK_MS) * TICK_MS).toISOString(),
      );
      expect(point.dataVersion).toBe(main.dataVersion);
      expect(dataOf(sim.recoveryPointFiles(TENANT, pair.id, point.id))).toEqual(
        dataOf(sim.listFiles(TENANT, mainId)),
      );
    }
  });
});

describe('failover and change of recovery point restore exactly the chosen point', () => {
  it('the shadow equals the point after failover and after each change, while the main keeps changing', () => {
    const sim = makeSim({ seed: 13 });
    const { pair, mainId, shadowId } = protectedPair(sim, { files: INITIAL });
    const log: Written[] = [];
    const write = (path: string, content: string) => {
      const entry = sim.writeFile(TENANT, mainId, path, content);
      log.push({ version: entry.version, path, content });
    };
    sim.setWorkload(TENANT, mainId, 1.5);
    for (let i = 1; i <= 8; i++) {
      write('data/orders.csv', `id,total\n${i},${i * 10}\n`);
      if (i % 3 === 0) write(`data/report-${i}.txt`, `report ${i}`);
      sim.advance(20 * MINUTE_MS);
    }
    sim.advanceTo('2026-01-05T03:00:00.000Z');
    const points = pointsOf(sim, pair.id);
    expect(points.length).toBeGreaterThanOrEqual(3);
    const newest = points[0]!;
    const oldest = points[points.length - 1]!;
    const middle = points[Math.floor(points.length / 2)]!;
    expect(new Set([newest.dataVersion, middle.dataVersion, oldest.dataVersion]).size).toBe(3);

    actAndWait(sim, pair.id, { action: 'failover', recoveryPointId: middle.id });
    expectServerAtPoint(sim, shadowId, pair.id, middle, log, INITIAL);

    // The main keeps changing (workload and API writes); the failover server does not follow it.
    write('data/orders.csv', 'id,total\nafter-failover\n');
    sim.advance('1h');
    expect(sim.getServer(TENANT, mainId).dataVersion).toBeGreaterThan(newest.dataVersion);
    expectServerAtPoint(sim, shadowId, pair.id, middle, log, INITIAL);
    expect(dataOf(sim.listFiles(TENANT, shadowId))).not.toEqual(dataOf(sim.listFiles(TENANT, mainId)));

    actAndWait(sim, pair.id, { action: 'changeRecoveryPoint', recoveryPointId: oldest.id });
    expectServerAtPoint(sim, shadowId, pair.id, oldest, log, INITIAL);
    actAndWait(sim, pair.id, { action: 'changeRecoveryPoint', recoveryPointId: newest.id });
    expectServerAtPoint(sim, shadowId, pair.id, newest, log, INITIAL);

    actAndWait(sim, pair.id, { action: 'commitFailover', deleteAllRecoveryPoints: false });
    expectServerAtPoint(sim, shadowId, pair.id, newest, log, INITIAL);
  });

  it('a test failover server holds exactly its point, also after changing it, and the shadow is untouched', () => {
    const sim = makeSim({ seed: 14 });
    const { pair, mainId, shadowId } = protectedPair(sim, { files: INITIAL });
    const log: Written[] = [];
    sim.setWorkload(TENANT, mainId, 2);
    sim.advanceTo('2026-01-05T01:00:00.000Z');
    const entry = sim.writeFile(TENANT, mainId, 'data/orders.csv', 'id,total\n7,70\n');
    log.push({ version: entry.version, path: 'data/orders.csv', content: 'id,total\n7,70\n' });
    sim.advanceTo('2026-01-05T02:00:00.000Z');
    const [second, first] = pointsOf(sim, pair.id).filter((p) => p.createdAt.endsWith(':00:00.000Z'));
    const shadowBefore = sim.listFiles(TENANT, shadowId);

    const test = actAndWait(sim, pair.id, {
      action: 'testFailover',
      testServerName: 'web-01-test',
      recoveryPointId: first!.id,
    });
    const testServerId = sim.getPair(TENANT, pair.id).testFailover!.testServer!.id;
    expect(test.status).toBe('SUCCEEDED');
    expectServerAtPoint(sim, testServerId, pair.id, first!, log, INITIAL);
    actAndWait(sim, pair.id, { action: 'changeTestRecoveryPoint', recoveryPointId: second!.id });
    expectServerAtPoint(sim, testServerId, pair.id, second!, log, INITIAL);
    expect(sim.listFiles(TENANT, shadowId)).toEqual(shadowBefore);
  });

  it('property: for random writes and a random point, failover restores exactly that point', () => {
    const write = fc.record({
      path: fc.constantFrom('a.txt', 'data/b.txt', 'data/c/d.txt', 'e.log'),
      content: fc.string({ maxLength: 40 }),
      waitMinutes: fc.integer({ min: 0, max: 50 }),
    });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.array(write, { minLength: 1, maxLength: 12 }),
        fc.nat(),
        fc.constantFrom(0, 0.5, 2),
        (seed, writes, pick, workload) => {
          const run = newSim({ seed });
          try {
            const { pair, mainId, shadowId } = protectedPair(run, { files: INITIAL });
            run.setWorkload(TENANT, mainId, workload);
            const log: Written[] = [];
            for (const w of writes) {
              const entry = run.writeFile(TENANT, mainId, w.path, w.content);
              log.push({ version: entry.version, path: w.path, content: w.content });
              run.advance(w.waitMinutes * MINUTE_MS);
            }
            run.advance(TICK_MS);
            const points = pointsOf(run, pair.id);
            const point = points[pick % points.length]!;
            // A failover right away: replication stops, retention cannot delete the chosen point.
            actAndWait(run, pair.id, { action: 'failover', recoveryPointId: point.id });
            expectServerAtPoint(run, shadowId, pair.id, point, log, INITIAL);
            expectChecksPass(run, `failover to ${point.id}`);
          } finally {
            run.close();
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});
