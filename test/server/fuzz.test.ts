/**
 * Hostile input, generated: wrong types, huge and odd strings, unknown ids, another tenant's
 * ids, wrong methods and content types, bad tokens. Whatever arrives, the answer is never a
 * 5xx, every refusal is a problem document with a code, and a refused request (or any read)
 * leaves the simulator's state exactly as it was.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SimState } from '../../src/sim/contract.js';
import { makeApp, replicatingPair, type TestApp } from './helpers.js';

interface Ids {
  server: string;
  pair: string;
  point: string;
  job: string;
}

let world: TestApp;
let baseline: SimState;
let alice: Ids;
let bob: Ids;

async function idsOf(t: TestApp, token: string): Promise<Ids> {
  const { server, pair, points } = await replicatingPair(t.call, token, 2);
  const jobs = (await t.call('GET', `/v1/dr-pairs/${pair.id}/jobs`, { token })).body.items;
  return { server: server.id, pair: pair.id, point: points[0]?.id ?? 'rp-none', job: jobs[0].id };
}

beforeAll(async () => {
  world = makeApp();
  alice = await idsOf(world, 'alice');
  bob = await idsOf(world, 'bob');
  baseline = world.sim.exportState();
});

const odd = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '..',
    '%2e%2e',
    '%00',
    '%2F',
    'null',
    'undefined',
    '__proto__',
    'constructor',
    '💥',
    '\u202e',
  ),
  fc.nat({ max: 3000 }).map((n) => 'x'.repeat(n)),
);

/** An id slot: one of ours, the other tenant's, or garbage. */
const id = (pick: (ids: Ids) => string) =>
  fc.oneof(
    fc.constant(null).map(() => pick(alice)),
    fc.constant(null).map(() => pick(bob)),
    odd.map((text) => encodeURIComponent(text)),
  );

const path = fc.oneof(
  fc.constantFrom('/v1/servers', '/v1/dr-pairs', '/v1/jobs', '/v1', '/v1/', '/v1/unknown', '/v2/servers'),
  id((ids) => ids.server).map((s) => `/v1/servers/${s}`),
  fc
    .tuple(
      id((ids) => ids.server),
      fc.constantFrom('start', 'stop', 'files', 'nope'),
    )
    .map(([s, t]) => `/v1/servers/${s}/${t}`),
  fc
    .tuple(
      id((ids) => ids.server),
      odd,
    )
    .map(([s, p]) => `/v1/servers/${s}/files/${encodeURIComponent(p)}/${p.length}`),
  id((ids) => ids.pair).map((p) => `/v1/dr-pairs/${p}`),
  fc
    .tuple(
      id((ids) => ids.pair),
      fc.constantFrom(
        'start-replication',
        'stop-replication',
        'resume-replication',
        'restart-replication',
        'test-failover',
        'test-failover/change-recovery-point',
        'clean-test-environment',
        'failover',
        'change-recovery-point',
        'commit-failover',
        'history',
        'recovery-points',
        'jobs',
      ),
    )
    .map(([p, action]) => `/v1/dr-pairs/${p}/${action}`),
  fc
    .tuple(
      id((ids) => ids.pair),
      id((ids) => ids.point),
    )
    .map(([p, rp]) => `/v1/dr-pairs/${p}/recovery-points/${rp}/files`),
  id((ids) => ids.job).map((j) => `/v1/jobs/${j}`),
);

const query = fc.option(
  fc
    .dictionary(
      fc.constantFrom('limit', 'cursor', 'status', 'kinds', 'afterSeq', 'x'),
      odd.map(encodeURIComponent),
      {
        maxKeys: 3,
      },
    )
    .map(
      (q) =>
        `?${Object.entries(q)
          .map(([k, v]) => `${k}=${v}`)
          .join('&')}`,
    ),
  { nil: '' },
);

const FIELDS = [
  'name',
  'region',
  'volumes',
  'files',
  'expiresAt',
  'mainServerId',
  'shadow',
  'shadowName',
  'intervalHours',
  'testServerName',
  'recoveryPointId',
  'deleteAllRecoveryPoints',
  'content',
  'network',
  'iops',
];

const body = fc.oneof(
  fc.constant(undefined),
  fc.jsonValue().map((value) => JSON.stringify(value)),
  fc
    .dictionary(fc.constantFrom(...FIELDS), fc.anything({ maxDepth: 2 }), { maxKeys: 4 })
    .map((v) => JSON.stringify(v)),
  fc.record({ recoveryPointId: id((ids) => ids.point) }).map((v) => JSON.stringify(v)),
  fc.constantFrom('{', '{"a":', 'nul', '[]', '""', '{"__proto__":{"x":1}}', '\u0000'),
  fc.constant(null).map(() => JSON.stringify({ content: 'x'.repeat(1024 * 1024 + 8) })),
  odd,
);

const contentType = fc.constantFrom(
  undefined,
  'application/json',
  'application/json; charset=utf-8',
  'application/problem+json',
  'text/plain',
  'application/xml',
  'multipart/form-data; boundary=x',
  'application/x-www-form-urlencoded',
  'json',
);

const token = fc.constantFrom<string | undefined>('alice', 'alice', 'bob', undefined, 'Bearer', '');

const request = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'),
  path,
  query,
  body,
  contentType,
  token,
  idempotencyKey: fc.option(odd, { nil: undefined }),
});

type Generated = typeof request extends fc.Arbitrary<infer T> ? T : never;

async function send(r: Generated): Promise<Response> {
  const headers: Record<string, string> = {};
  if (r.token !== undefined) headers.Authorization = `Bearer ${r.token}`;
  if (r.contentType !== undefined) headers['Content-Type'] = r.contentType;
  if (r.idempotencyKey !== undefined) {
    const key = r.idempotencyKey.replace(/[^\x20-\x7e]/g, '');
    if (key) headers['Idempotency-Key'] = key;
  }
  const hasBody = r.body !== undefined && r.method !== 'GET' && r.method !== 'HEAD';
  return world.app.request(`${r.path}${r.query}`, {
    method: r.method,
    headers,
    ...(hasBody ? { body: r.body } : {}),
  });
}

/** The state without the parts a successful read may touch (none today). */
const snapshot = () => JSON.stringify(world.sim.exportState());

describe('hostile requests', () => {
  it('never yield a 5xx, always a problem document, and change nothing when refused', async () => {
    const before = snapshot();
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const prior = snapshot();
        const res = await send(r);
        const text = await res.text();
        expect(res.status, `${r.method} ${r.path}: ${text.slice(0, 300)}`).toBeLessThan(500);
        if (res.status >= 400 && r.method !== 'HEAD') {
          expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
          const problem = JSON.parse(text);
          expect(problem.status).toBe(res.status);
          expect(problem.code).toMatch(/^[A-Z_]+$/);
        }
        const refusedOrRead = res.status >= 400 || r.method === 'GET' || r.method === 'HEAD';
        if (refusedOrRead) expect(snapshot() === prior, `${r.method} ${r.path} changed the state`).toBe(true);
        else world.sim.importState(baseline);
      }),
      { numRuns: 300 },
    );
    world.sim.importState(baseline);
    expect(snapshot()).toBe(before);
  });

  it("another tenant's ids are always 404", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(
          () => `/v1/servers/${bob.server}`,
          () => `/v1/servers/${bob.server}/files`,
          () => `/v1/dr-pairs/${bob.pair}`,
          () => `/v1/dr-pairs/${bob.pair}/recovery-points`,
          () => `/v1/dr-pairs/${bob.pair}/recovery-points/${bob.point}/files`,
          () => `/v1/dr-pairs/${bob.pair}/history`,
          () => `/v1/dr-pairs/${bob.pair}/jobs`,
          () => `/v1/jobs/${bob.job}`,
        ),
        async (path) => {
          const res = await world.app.request(path(), { headers: { Authorization: 'Bearer alice' } });
          expect(res.status).toBe(404);
        },
      ),
    );
  });
});
