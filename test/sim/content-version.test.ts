// `contentVersion()` stays the same only when nothing but the clock moved: the read cache keeps
// list pages across such moves and re-renders only their `rpoSeconds`, so a content version
// that stayed while anything else changed would serve a stale page.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/sim/contract.js';
import { createSimulator } from '../../src/sim/index.js';

const SHADOW = { region: 'HAN-1', vpcId: 'vpc-dr', subnetId: 'subnet-dr-a' };

function world(): { sim: Simulator; pairs: string[]; wall: { ms: number } } {
  const wall = { ms: Date.UTC(2026, 0, 1) };
  const sim = createSimulator({
    seed: 5,
    historyRetentionDays: 1,
    progression: { default: 'clock' },
    wallClock: () => wall.ms,
  });
  const pairs: string[] = [];
  for (let i = 0; i < 3; i++) {
    const server = sim.createServer('alice', { name: `web-0${i}`, region: 'HCM-3' });
    if (i === 0) sim.setWorkload('alice', server.id, 1);
    pairs.push(sim.attach('alice', { mainServerId: server.id, shadow: SHADOW }).id);
  }
  return { sim, pairs, wall };
}

/** The state apart from the clock and the tick mark that follows it while nothing replicates. */
function content(sim: Simulator): string {
  const {
    clock: _clock,
    counters,
    ...state
  } = sim.exportState() as unknown as Record<string, unknown> & {
    counters: Record<string, number>;
  };
  const { tickedUpToMs: _ticked, ...rest } = counters;
  return JSON.stringify({ ...state, counters: rest });
}

type Step =
  | { kind: 'advance'; ms: number }
  | { kind: 'act'; pair: number; action: 'startReplication' | 'stopReplication' | 'resumeReplication' }
  | { kind: 'clock'; mode: 'manual' | 'realtime' }
  | { kind: 'sync'; wallMs: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  // Mostly short moves (a realtime clock's), some across ticks, job steps and day starts.
  fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 2_000 }) }),
  fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 30 * 3_600_000 }) }),
  fc.record({
    kind: fc.constant('act' as const),
    pair: fc.integer({ min: 0, max: 2 }),
    action: fc.constantFrom(
      'startReplication' as const,
      'stopReplication' as const,
      'resumeReplication' as const,
    ),
  }),
  fc.record({
    kind: fc.constant('clock' as const),
    mode: fc.constantFrom('manual' as const, 'realtime' as const),
  }),
  // The server's realtime ticker: the wall clock moves on, the world catches up.
  fc.record({ kind: fc.constant('sync' as const), wallMs: fc.integer({ min: 0, max: 1_000_000 }) }),
);

function run({ sim, pairs, wall }: ReturnType<typeof world>, s: Step): void {
  try {
    if (s.kind === 'advance') sim.advance(s.ms);
    else if (s.kind === 'sync') {
      wall.ms += s.wallMs;
      sim.syncRealtime();
    } else if (s.kind === 'clock') sim.setClock({ mode: s.mode });
    else {
      const pairId = pairs[s.pair]!;
      sim.act(
        'alice',
        pairId,
        s.action === 'startReplication'
          ? { action: s.action, shadowName: `dr-${s.pair}`, intervalHours: 1 }
          : { action: s.action },
      );
    }
  } catch {
    // A refused action changes nothing; the property still holds.
  }
}

describe('contentVersion', () => {
  it('stays only when the clock alone moved: the state apart from the clock is the same', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 25 }), (steps) => {
        const w = world();
        const { sim } = w;
        for (const s of steps) {
          const before = { version: sim.contentVersion(), content: content(sim) };
          run(w, s);
          if (sim.contentVersion() === before.version) expect(content(sim)).toBe(before.content);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('stays when a replicating world’s clock moves with nothing due, and moves when a tick fires', () => {
    const { sim, pairs } = world();
    sim.setClock({ mode: 'manual' });
    sim.act('alice', pairs[0]!, { action: 'startReplication', shadowName: 'dr-0', intervalHours: 1 });
    sim.advance('1h');
    const version = sim.contentVersion();
    const state = sim.stateVersion();
    sim.advance(1_000);
    expect(sim.stateVersion()).not.toBe(state);
    expect(sim.contentVersion()).toBe(version);
    sim.advance('15m');
    expect(sim.contentVersion()).not.toBe(version);
  });
});
