/** The pieces of HTTP chaos: the seeded PRNG and path patterns (shared with the journal). */
import fc from 'fast-check';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createPrng, HttpChaos } from '../../src/server/http-chaos.js';
import { methodMatches, pathMatcher } from '../../src/server/path-pattern.js';

describe('createPrng', () => {
  it('is deterministic per seed and stays in [0, 1)', () => {
    const a = createPrng(42);
    const b = createPrng(42);
    const draws = Array.from({ length: 1000 }, () => a());
    expect(draws).toEqual(Array.from({ length: 1000 }, () => b()));
    expect(draws.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(createPrng(43)()).not.toBe(createPrng(42)());
    const mean = draws.reduce((sum, x) => sum + x, 0) / draws.length;
    expect(mean).toBeGreaterThan(0.45);
    expect(mean).toBeLessThan(0.55);
  });
});

describe('pathMatcher', () => {
  it('* is one segment, ** any number', () => {
    const one = pathMatcher('/v1/dr-pairs/*/failover');
    expect(one('/v1/dr-pairs/drp-1/failover')).toBe(true);
    expect(one('/v1/dr-pairs/a/b/failover')).toBe(false);
    expect(one('/v1/dr-pairs/drp-1/failover/x')).toBe(false);
    const any = pathMatcher('/v1/**');
    expect(any('/v1/servers/srv-1/files/a/b')).toBe(true);
    expect(any('/_sim/clock')).toBe(false);
    expect(pathMatcher('/v1/servers')('/v1/servers')).toBe(true);
    expect(pathMatcher('/v1/servers')('/v1/servers/x')).toBe(false);
    expect(pathMatcher('/a.b(c)')('/a.b(c)')).toBe(true);
    expect(pathMatcher('/a.b')('/axb')).toBe(false);
  });

  it('agrees with the glob as a regular expression on short inputs', () => {
    const oracle = (pattern: string) => {
      const source = pattern
        .split('**')
        .map((part) =>
          part
            .split('*')
            .map((literal) => literal.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
            .join('[^/]*'),
        )
        .join('.*');
      return new RegExp(`^${source}$`);
    };
    const text = (chars: string[], max: number) =>
      fc.array(fc.constantFrom(...chars), { maxLength: max }).map((a) => a.join(''));
    fc.assert(
      fc.property(text(['/', 'a', 'b', '*', '.'], 10), text(['/', 'a', 'b', '.'], 12), (pattern, path) => {
        expect(pathMatcher(pattern)(path)).toBe(oracle(pattern).test(path));
      }),
      { numRuns: 2000 },
    );
  });

  it('answers a backtracking pattern against a long path (matching is linear)', () => {
    const path = `/v1/${'a'.repeat(20_000)}`;
    expect(pathMatcher(`/v1/${'*a'.repeat(40)}*b`)(path)).toBe(false);
    expect(pathMatcher(`/v1/${'*a'.repeat(40)}*`)(path)).toBe(true);
    expect(() => pathMatcher('*'.repeat(513))).toThrow(RangeError);
  });

  it('methods match case-insensitively, * or none for any', () => {
    expect(methodMatches(undefined, 'GET')).toBe(true);
    expect(methodMatches('*', 'DELETE')).toBe(true);
    expect(methodMatches('post', 'POST')).toBe(true);
    expect(methodMatches('GET', 'POST')).toBe(false);
  });
});

describe('HttpChaos rules', () => {
  it('a rule with its own seed fails the same requests whatever the server seed and other rules drew', async () => {
    const failures = async (serverSeed: number, noise: number) => {
      const chaos = new HttpChaos(serverSeed);
      const app = new Hono().use(chaos.middleware()).all('*', (c) => c.text('ok'));
      app.onError(() => new Response('chaos', { status: 503 }));
      chaos.add({ path: '/v1/noise', effect: { kind: 'status', status: 500 }, probability: 0.5 });
      for (let i = 0; i < noise; i++) await app.request('/v1/noise');
      chaos.add({ path: '/v1/x', effect: { kind: 'status', status: 503 }, probability: 0.5, seed: 7 });
      const statuses: number[] = [];
      for (let i = 0; i < 40; i++) statuses.push((await app.request('/v1/x')).status);
      return statuses;
    };
    const reference = await failures(1, 0);
    expect(new Set(reference)).toEqual(new Set([200, 503]));
    expect(await failures(99, 13)).toEqual(reference);
  });

  it('lists, removes and clears', () => {
    const chaos = new HttpChaos(1);
    const rule = chaos.add({ path: '/v1/**', effect: { kind: 'drop' } });
    expect(chaos.list()).toEqual([
      {
        id: rule.id,
        method: '*',
        path: '/v1/**',
        effect: { kind: 'drop' },
        times: null,
        probability: null,
        phase: 'before',
        seed: null,
        fired: 0,
      },
    ]);
    expect(chaos.remove(rule.id)).toBe(true);
    expect(chaos.remove(rule.id)).toBe(false);
    chaos.add({ path: '/x', effect: { kind: 'latency', ms: 1 } });
    chaos.clear();
    expect(chaos.list()).toEqual([]);
  });
});
