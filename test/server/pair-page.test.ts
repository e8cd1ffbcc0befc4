// A list page kept across clock moves (re-rendered with the clock's new time, not built again)
// must be the page the engine builds at that moment, text for text: whatever the world did
// between two reads, whatever page was asked for, whatever the pairs are named.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/server/app.js';
import { pairPageJson, renderPairPage } from '../../src/server/pair-page.js';
import type { Simulator } from '../../src/sim/contract.js';
import { createSimulator } from '../../src/sim/index.js';

const SHADOW = { region: 'HAN-1', vpcId: 'vpc-dr', subnetId: 'subnet-dr-a' };
/** The mark pair-page.ts stringifies in place of each `rpoSeconds`: a name may hold it too. */
const MARK = '\u0000drsim:rpoSeconds\u0000';

function world(names: string[]) {
  const wall = { ms: Date.UTC(2026, 0, 1) };
  const sim = createSimulator({ seed: 9, progression: { default: 'clock' }, wallClock: () => wall.ms });
  const pairs = names.map((name, i) => {
    const server = sim.createServer('t', { name: `web-${i}`, region: 'HCM-3' });
    return sim.attach('t', { mainServerId: server.id, shadow: SHADOW, name }).id;
  });
  return { sim, pairs, wall, app: createApp({ sim }) };
}

type Step =
  | { kind: 'advance'; ms: number }
  | { kind: 'sync'; wallMs: number }
  | { kind: 'realtime'; on: boolean }
  | { kind: 'act'; pair: number; action: 'startReplication' | 'stopReplication' | 'resumeReplication' };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 3_000 }) }),
  fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 6 * 3_600_000 }) }),
  fc.record({ kind: fc.constant('sync' as const), wallMs: fc.integer({ min: 0, max: 120_000 }) }),
  fc.record({ kind: fc.constant('realtime' as const), on: fc.boolean() }),
  fc.record({
    kind: fc.constant('act' as const),
    pair: fc.integer({ min: 0, max: 3 }),
    action: fc.constantFrom(
      'startReplication' as const,
      'stopReplication' as const,
      'resumeReplication' as const,
    ),
  }),
);

/** A page to read after each step: few of them, so that the same one is read again after a change. */
const read = fc.record({ limit: fc.constantFrom(2, 100), page: fc.integer({ min: 0, max: 1 }) });

/** The page's path and the engine's own page for it, following cursors from the first. */
function pageOf(sim: Simulator, limit: number, page: number): { path: string; text: string } {
  let cursor: string | null = null;
  for (let k = 0; k < page; k++) {
    const next: string | null = sim.listPairs('t', { limit, ...(cursor ? { cursor } : {}) }).nextCursor;
    if (next === null) break;
    cursor = next;
  }
  const query = { limit, ...(cursor ? { cursor } : {}) };
  return {
    path: `/v1/dr-pairs?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`,
    text: JSON.stringify(sim.listPairs('t', query)),
  };
}

describe('GET /v1/dr-pairs across clock moves', () => {
  it('answers the page the engine builds at that moment, whatever happened between reads', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom('web', 'db', MARK, `x${MARK}y`, 'ünïcode ✓'), {
          minLength: 4,
          maxLength: 4,
        }),
        fc.array(fc.tuple(step, read), { minLength: 1, maxLength: 25 }),
        async (names, steps) => {
          const { sim, pairs, wall, app } = world(names);
          for (const [s, r] of steps) {
            try {
              if (s.kind === 'advance') sim.advance(s.ms);
              else if (s.kind === 'sync') {
                wall.ms += s.wallMs;
                sim.syncRealtime();
              } else if (s.kind === 'realtime') sim.setClock({ mode: s.on ? 'realtime' : 'manual' });
              else if (s.kind === 'act') {
                sim.act(
                  't',
                  pairs[s.pair]!,
                  s.action === 'startReplication'
                    ? { action: s.action, shadowName: `dr-${s.pair}`, intervalHours: 1 }
                    : { action: s.action },
                );
              }
            } catch {
              // A refused action changes nothing.
            }
            const { path, text } = pageOf(sim, r.limit, r.page);
            const res = await app.request(path, { headers: { Authorization: 'Bearer t' } });
            expect(await res.text()).toBe(text);
          }
        },
      ),
      { numRuns: 30 },
    );
  });
});

describe('pairPageJson', () => {
  it('is the page’s JSON, and renders it again at a later time as the engine would', () => {
    const { sim, pairs } = world(['a', 'b', 'c', 'd']);
    for (const [i, id] of pairs.entries()) {
      if (i !== 2) sim.act('t', id, { action: 'startReplication', shadowName: `dr-${i}`, intervalHours: 1 });
    }
    sim.advance('90m');
    const first = sim.listPairs('t');
    const made = pairPageJson(first);
    expect(made.json.text).toBe(JSON.stringify(sim.listPairs('t')));
    expect(made.template).not.toBeNull();
    sim.advance('10m');
    const later = renderPairPage(made.template!, Date.parse(sim.clock().now), made);
    expect(Buffer.from(later.json.bytes).toString('utf8')).toBe(JSON.stringify(sim.listPairs('t')));
    expect(later.json.text).toBe(JSON.stringify(sim.listPairs('t')));
    // Within the same second nothing moved: the page rendered before is the answer.
    expect(renderPairPage(made.template!, Date.parse(sim.clock().now) + 999, later)).toBe(later);
  });
});
