/**
 * Keyset pagination: however items are created and deleted between two page requests, a walk
 * through the pages never gives an item twice and never skips one that existed throughout.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keysetPage } from '../../src/sim/pagination.js';
import { createServer, latest, makeApp, replicatingPair } from './helpers.js';

type Step = { kind: 'page' } | { kind: 'insert'; key: number } | { kind: 'delete'; index: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.constant({ kind: 'page' as const }),
  fc.record({ kind: fc.constant('insert' as const), key: fc.integer({ min: 0, max: 1000 }) }),
  fc.record({ kind: fc.constant('delete' as const), index: fc.nat() }),
);

describe('keyset pagination', () => {
  for (const order of ['asc', 'desc'] as const) {
    it(`never repeats or skips under concurrent inserts and deletes (${order})`, () => {
      fc.assert(
        fc.property(
          fc.uniqueArray(fc.integer({ min: 0, max: 1000 }), { maxLength: 40 }),
          fc.array(step, { maxLength: 60 }),
          fc.integer({ min: 1, max: 7 }),
          (initial, steps, limit) => {
            let items = [...initial];
            const deleted = new Set<number>();
            const seen: number[] = [];
            let cursor: string | null | undefined;
            const page = () => {
              const answer = keysetPage(items, (key) => key, { limit, ...(cursor ? { cursor } : {}) }, order);
              seen.push(...answer.items);
              cursor = answer.nextCursor;
            };
            page();
            for (const s of steps) {
              if (cursor === null) break;
              if (s.kind === 'page') page();
              else if (s.kind === 'insert' && !items.includes(s.key)) items.push(s.key);
              else if (s.kind === 'delete' && items.length > 0) {
                const [gone] = items.splice(s.index % items.length, 1);
                deleted.add(gone as number);
              }
            }
            while (cursor !== null) page();
            expect(new Set(seen).size).toBe(seen.length);
            for (const key of initial) if (!deleted.has(key)) expect(seen).toContain(key);
            items = [];
          },
        ),
      );
    });
  }

  it('a recovery point made between two page requests does not make page 2 repeat an item', async () => {
    const { call } = makeApp();
    const { pair } = await replicatingPair(call, 'alice', 6);
    const first = await call('GET', `/v1/dr-pairs/${pair.id}/recovery-points?limit=2`);
    await call('POST', '/_sim/clock/advance', { body: { by: '1h' } });
    const second = await call(
      'GET',
      `/v1/dr-pairs/${pair.id}/recovery-points?limit=2&cursor=${first.body.nextCursor}`,
    );
    const ids = [...first.body.items, ...second.body.items].map((point: { id: string }) => point.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(latest(second.body.items).createdAt < latest(first.body.items).createdAt).toBe(true);
  });

  it('honours limit on every list, up to 500', async () => {
    const { call } = makeApp();
    const server = await createServer(call);
    expect((await call('GET', `/v1/servers/${server.id}/files?limit=1`)).body.items).toHaveLength(1);
    expect((await call('GET', '/v1/servers?limit=501')).status).toBe(400);
    expect((await call('GET', '/_sim/requests?limit=1')).body.items).toHaveLength(1);
    expect((await call('GET', '/v1/servers?limt=5')).status).toBe(400);
  });
});
