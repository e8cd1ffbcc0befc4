/** committed-single-primary: one PRIMARY per committed pair, a RETIRED main, no server in two live pairs. */
import { describe, expect, it } from 'vitest';
import { failing, lifecycle, removeEvent, tampered, violationsOf } from './helpers.js';

const NAME = 'committed-single-primary';

describe(NAME, () => {
  it("passes on the real lifecycle, where C's new primary is then protected by a new pair E", () => {
    const { life, state } = lifecycle();
    const s = state();
    const primary = s.pairs.find((p) => p.id === life.c)!.shadowServerId;
    expect(s.servers.find((srv) => srv.id === primary)).toMatchObject({ role: 'MAIN', pairId: life.e });
    expect(violationsOf(s, NAME)).toEqual([]);
  });

  it('reports a committed main server that is not RETIRED', () => {
    const state = tampered((s, life) => {
      const main = s.pairs.find((p) => p.id === life.a)!.mainServerId;
      s.servers.find((srv) => srv.id === main)!.role = 'MAIN';
    });
    expect(failing(state)).toEqual([NAME]);
    const [violation] = violationsOf(state, NAME);
    expect(violation).toContain(lifecycle().life.a);
    expect(violation).toContain('is MAIN of pair');
  });

  it('reports two PRIMARY servers of one committed pair', () => {
    const state = tampered((s, life) => {
      const main = s.pairs.find((p) => p.id === life.a)!.mainServerId;
      s.servers.find((srv) => srv.id === main)!.role = 'PRIMARY';
    });
    expect(failing(state)).toEqual([NAME]);
    expect(violationsOf(state, NAME).join('\n')).toContain('also PRIMARY of it');
  });

  it('reports a committed shadow that left the pair without being attached elsewhere', () => {
    const state = tampered((s, life) => {
      removeEvent(s, s.events.find((e) => e.kind === 'pair.attached' && e.pairId === life.e)!);
    });
    expect(failing(state)).toEqual([NAME]);
    expect(violationsOf(state, NAME)[0]).toContain(`Pair ${lifecycle().life.c} (COMMITTED): its shadow`);
  });

  it('reports a server that is the main of two live pairs', () => {
    const state = tampered((s, life) => {
      const d = s.pairs.find((p) => p.id === life.d)!;
      s.pairs.push({ ...d, id: 'drp-twin', status: 'ATTACHED', shadowServerId: null });
    });
    expect(failing(state)).toEqual([NAME]);
    const [violation] = violationsOf(state, NAME);
    expect(violation).toContain('serves 2 live pairs');
    expect(violation).toContain('drp-twin');
  });
});
