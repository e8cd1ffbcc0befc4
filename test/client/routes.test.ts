/**
 * The client against the server's own description of itself: every operation in
 * `/openapi.json` is reachable through a client method, and the client's copies of the
 * control API's shapes still match the server's. Also the paginator.
 */
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import {
  type ChaosRule,
  type ChaosRuleInput,
  createClient,
  type DrsimClient,
  type JournalEntry,
  type JournalFilter,
  listAll,
  paginate,
} from '../../src/client/index.js';
import type {
  ChaosRule as ServerChaosRule,
  ChaosRuleInput as ServerChaosRuleInput,
} from '../../src/server/http-chaos.js';
import type {
  JournalEntry as ServerJournalEntry,
  JournalFilter as ServerJournalFilter,
} from '../../src/server/journal.js';
import { type RunningDrsim, startDrsim } from '../../src/testing/index.js';

type Call = { method: string; path: string };

/** A client whose fetch records what it was asked and answers a body every method can read. */
function recordingClient(calls: Call[]): DrsimClient {
  return createClient({
    baseUrl: 'http://drsim.invalid/',
    token: 'tenant-a',
    fetch: async (input, init) => {
      calls.push({ method: init?.method ?? 'GET', path: new URL(String(input)).pathname });
      const body = { status: 'SUCCEEDED', items: [], nextCursor: null, count: 0 };
      return new Response(JSON.stringify(body), { headers: { 'Content-Type': 'application/json' } });
    },
  });
}

/** Calls every method of the client, however deep, with placeholder arguments. */
async function callEverything(node: object): Promise<void> {
  for (const [name, value] of Object.entries(node)) {
    if (name === 'request') continue;
    if (name === 'act' && typeof value === 'function') {
      await value('pair-1', { action: 'stopReplication' });
    } else if (typeof value === 'function') {
      await value('id-1', 'dir/file.txt', 'content');
    } else if (value !== null && typeof value === 'object') {
      await callEverything(value);
    }
  }
}

/** An OpenAPI path template as a pattern; `{path}` is a file path, which may hold slashes. */
const templatePattern = (template: string) =>
  new RegExp(`^${template.replace(/\{path\}/g, '.+').replace(/\{[^}]+\}/g, '[^/]+')}$`);

describe('the client covers the API', () => {
  let drsim: RunningDrsim;
  beforeAll(async () => {
    drsim = await startDrsim({ inProcess: true });
  });
  afterAll(() => drsim.stop());

  it('reaches every /v1 and /_sim operation of /openapi.json', async () => {
    const doc = await drsim.client.request<{ paths: Record<string, Record<string, unknown>> }>(
      'GET',
      '/openapi.json',
    );
    const operations = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/v1/') || path.startsWith('/_sim/'))
      .flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`));
    expect(operations.length).toBeGreaterThan(40);

    const calls: Call[] = [];
    await callEverything(recordingClient(calls));
    const reached = new Set(
      calls.flatMap(({ method, path }) =>
        operations.filter((operation) => {
          const [opMethod, template] = operation.split(' ') as [string, string];
          return opMethod === method && templatePattern(template).test(path);
        }),
      ),
    );
    expect(operations.filter((operation) => !reached.has(operation))).toEqual([]);
    // Every action has its own method besides `act`.
    expect(calls.filter((call) => call.path.startsWith('/v1/dr-pairs/id-1')).length).toBeGreaterThanOrEqual(
      11,
    );
  });

  it("keeps the server's shapes for chaos rules and the journal", () => {
    expectTypeOf<ChaosRuleInput>().toExtend<ServerChaosRuleInput>();
    expectTypeOf<ServerChaosRuleInput>().toExtend<ChaosRuleInput>();
    expectTypeOf<ChaosRule>().toExtend<ServerChaosRule>();
    expectTypeOf<ServerChaosRule>().toExtend<ChaosRule>();
    expectTypeOf<ServerJournalEntry>().toExtend<JournalEntry>();
    expectTypeOf<JournalFilter>().toExtend<ServerJournalFilter>();
  });

  it('sends the token, the admin token and the idempotency key', async () => {
    const seen: Headers[] = [];
    const client = createClient({
      baseUrl: 'http://drsim.invalid',
      token: 'tok',
      adminToken: 'root',
      headers: { 'X-Trace': 'abc' },
      fetch: async (_input, init) => {
        seen.push(new Headers(init?.headers));
        return new Response('{}', { status: 202, headers: { 'Content-Type': 'application/json' } });
      },
    });
    await client.pairs.failover('p', { recoveryPointId: 'rp' }, { idempotencyKey: 'k-1' });
    expect(seen[0]?.get('authorization')).toBe('Bearer tok');
    expect(seen[0]?.get('x-drsim-admin-token')).toBe('root');
    expect(seen[0]?.get('idempotency-key')).toBe('k-1');
    expect(seen[0]?.get('content-type')).toBe('application/json');
    expect(seen[0]?.get('x-trace')).toBe('abc');
  });

  it('pages with listAll and paginate', async () => {
    const { client } = drsim;
    const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((letter) => `srv-${letter}`);
    for (const name of names) await client.servers.create({ name, region: 'HCM-3' });
    const all = await listAll((page) => client.servers.list(page), { pageSize: 3 });
    expect(all.map((server) => server.name)).toEqual(names);
    const firstFour: string[] = [];
    for await (const server of paginate((page) => client.servers.list(page), { pageSize: 2, max: 4 })) {
      firstFour.push(server.name);
    }
    expect(firstFour).toEqual(names.slice(0, 4));
    const journal = await client.sim.requests.find({ method: 'GET', path: '/v1/servers' });
    expect(journal.map((entry) => entry.query.limit)).toEqual(['3', '3', '3', '2', '2']);
  });
});
