/**
 * The OpenAPI document's limits are the server's: for each bounded field of the main write
 * operations, the bound is read from the document, a value at the bound is accepted (never a
 * 400) and one past it is refused with a 400 naming the field. A document looser than the
 * engine (the engine refusing what the document allows) fails here.
 */
import { describe, expect, it } from 'vitest';
import { makeApp, SHADOW } from './helpers.js';

// biome-ignore lint/suspicious/noExplicitAny: the OpenAPI document is walked as plain JSON.
type Json = any;

interface Case {
  /** Method and path as in the document. */
  operation: string;
  /** The field's path in the request body. */
  field: (string | number)[];
  /** A fresh request: its URL and a valid body (made on a fresh app). */
  request: (call: ReturnType<typeof makeApp>['call']) => Promise<{ url: string; body: Json }>;
}

const server = async (call: ReturnType<typeof makeApp>['call']) =>
  (await call('POST', '/v1/servers', { body: { name: 'web-01', region: 'HAN-1' } })).body;
const pair = async (call: ReturnType<typeof makeApp>['call']) =>
  (await call('POST', '/v1/dr-pairs', { body: { mainServerId: (await server(call)).id, shadow: SHADOW } }))
    .body;

const CASES: Case[] = [
  ...['name'].map((field) => ({
    operation: 'POST /v1/servers',
    field: [field],
    request: async () => ({ url: '/v1/servers', body: { name: 'web-01', region: 'HAN-1' } }),
  })),
  ...(['iops', 'sizeGb'] as const).map((field) => ({
    operation: 'POST /v1/servers',
    field: ['volumes', 0, field],
    request: async () => ({
      url: '/v1/servers',
      body: { name: 'web-01', region: 'HAN-1', volumes: [{ type: 'SSD', iops: 3000, sizeGb: 40 }] },
    }),
  })),
  {
    operation: 'POST /v1/servers',
    field: ['volumes'],
    request: async () => ({
      url: '/v1/servers',
      body: { name: 'web-01', region: 'HAN-1', volumes: [{ type: 'SSD', iops: 3000, sizeGb: 40 }] },
    }),
  },
  {
    operation: 'POST /v1/dr-pairs',
    field: ['name'],
    request: async (call) => ({
      url: '/v1/dr-pairs',
      body: { mainServerId: (await server(call)).id, shadow: SHADOW, name: 'p' },
    }),
  },
  ...(['shadowName', 'intervalHours'] as const).map((field) => ({
    operation: 'POST /v1/dr-pairs/{id}/start-replication',
    field: [field],
    request: async (call: ReturnType<typeof makeApp>['call']) => ({
      url: `/v1/dr-pairs/${(await pair(call)).id}/start-replication`,
      body: { shadowName: 'web-01-dr', intervalHours: 1 },
    }),
  })),
  ...(['mainServerId'] as const).map((field) => ({
    operation: 'POST /v1/dr-pairs',
    field: [field],
    request: async (call: ReturnType<typeof makeApp>['call']) => ({
      url: '/v1/dr-pairs',
      body: { mainServerId: (await server(call)).id, shadow: SHADOW },
    }),
  })),
  ...(['region', 'vpcId', 'subnetId'] as const).map((field) => ({
    operation: 'POST /v1/dr-pairs',
    field: ['shadow', field],
    request: async (call: ReturnType<typeof makeApp>['call']) => ({
      url: '/v1/dr-pairs',
      body: { mainServerId: (await server(call)).id, shadow: SHADOW },
    }),
  })),
  ...(['region', 'placementGroupId', 'iops', 'flavor'] as const).map((field) => ({
    operation: 'POST /v1/dr-pairs/{id}/start-replication',
    field: [field],
    request: async (call: ReturnType<typeof makeApp>['call']) => ({
      url: `/v1/dr-pairs/${(await pair(call)).id}/start-replication`,
      body: {
        shadowName: 'web-01-dr',
        intervalHours: 1,
        region: 'HAN-1',
        placementGroupId: 'pg',
        iops: 3000,
        flavor: 'general.2c4g',
      },
    }),
  })),
  ...(['vpcId', 'subnetId', 'securityGroupId'] as const).map((field) => ({
    operation: 'POST /v1/dr-pairs/{id}/start-replication',
    field: ['network', field],
    request: async (call: ReturnType<typeof makeApp>['call']) => ({
      url: `/v1/dr-pairs/${(await pair(call)).id}/start-replication`,
      body: { shadowName: 'web-01-dr', intervalHours: 1, network: { [field]: 'x' } },
    }),
  })),
  ...(['iops', 'sizeGb'] as const).map((field) => ({
    operation: 'POST /v1/servers/{id}/volumes',
    field: [field],
    request: async (call: ReturnType<typeof makeApp>['call']) => ({
      url: `/v1/servers/${(await server(call)).id}/volumes`,
      body: { type: 'SSD', iops: 3000, sizeGb: 40 },
    }),
  })),
  {
    operation: 'PUT /_sim/servers/{id}/workload',
    field: ['writesPerMinute'],
    request: async (call) => ({
      url: `/_sim/servers/${(await server(call)).id}/workload`,
      body: { writesPerMinute: 1 },
    }),
  },
  {
    operation: 'POST /_sim/snapshots',
    field: ['name'],
    request: async () => ({ url: '/_sim/snapshots', body: { name: 'snap' } }),
  },
];

/** The schema of `field` in the operation's request body, $refs resolved. */
function schemaOf(doc: Json, operation: string, field: (string | number)[]): Json {
  const [method, path] = operation.split(' ') as [string, string];
  const resolve = (schema: Json): Json =>
    schema?.$ref ? resolve(doc.components.schemas[schema.$ref.split('/').pop()]) : schema;
  let schema = resolve(doc.paths[path][method.toLowerCase()].requestBody.content['application/json'].schema);
  for (const step of field) {
    schema = resolve(typeof step === 'number' ? schema.items : schema.properties[step]);
  }
  return schema;
}

function setField(body: Json, field: (string | number)[], value: unknown): Json {
  const copy = structuredClone(body);
  let target = copy;
  for (const step of field.slice(0, -1)) target = target[step];
  target[field.at(-1)!] = value;
  return copy;
}

/** The values at and just past each bound the schema states. */
function bounds(schema: Json, current: Json): { limit: string; at: unknown; past: unknown }[] {
  const out: { limit: string; at: unknown; past: unknown }[] = [];
  const step = schema.type === 'integer' ? 1 : 0.5;
  if (schema.maxLength !== undefined)
    out.push({
      limit: `maxLength ${schema.maxLength}`,
      at: 'x'.repeat(schema.maxLength),
      past: 'x'.repeat(schema.maxLength + 1),
    });
  if (schema.minLength !== undefined && schema.minLength > 0)
    out.push({
      limit: `minLength ${schema.minLength}`,
      at: 'x'.repeat(schema.minLength),
      past: 'x'.repeat(schema.minLength - 1),
    });
  if (schema.maximum !== undefined)
    out.push({ limit: `maximum ${schema.maximum}`, at: schema.maximum, past: schema.maximum + step });
  if (schema.minimum !== undefined)
    out.push({ limit: `minimum ${schema.minimum}`, at: schema.minimum, past: schema.minimum - step });
  if (schema.maxItems !== undefined)
    out.push({
      limit: `maxItems ${schema.maxItems}`,
      at: Array.from({ length: schema.maxItems }, () => current[0]),
      past: Array.from({ length: schema.maxItems + 1 }, () => current[0]),
    });
  return out;
}

describe('OpenAPI limits equal the server’s', () => {
  it('states the IPv4 format the engine takes for a private or floating IP', async () => {
    const doc = (await makeApp().call('GET', '/openapi.json')).body;
    const network = schemaOf(doc, 'POST /v1/dr-pairs/{id}/start-replication', ['network']);
    expect(network.properties.privateIp.format).toMatch(/^ip/);
    expect(JSON.stringify(network.properties.floatingIp)).toMatch(/"format":"ip/);
    const { call } = makeApp();
    const url = `/v1/dr-pairs/${(await pair(call)).id}/start-replication`;
    const refused = await call('POST', url, {
      body: { shadowName: 'web-01-dr', intervalHours: 1, network: { privateIp: 'x'.repeat(100) } },
    });
    expect(refused.status).toBe(400);
  });

  it('has bounds for every field checked here', async () => {
    const { call } = makeApp();
    const doc = (await call('GET', '/openapi.json')).body;
    for (const { operation, field, request } of CASES) {
      const base = await request(makeApp().call);
      const current = field.reduce((value: Json, step) => value[step], base.body);
      expect(bounds(schemaOf(doc, operation, field), current), `${operation} ${field.join('.')}`).not.toEqual(
        [],
      );
    }
  });

  for (const { operation, field, request } of CASES) {
    it(`${operation} ${field.join('.')}: the bound is accepted, one past it refused`, async () => {
      const doc = (await makeApp().call('GET', '/openapi.json')).body;
      const method = operation.split(' ')[0]!;
      const probe = await request(makeApp().call);
      const current = field.reduce((value: Json, step) => value[step], probe.body);
      for (const { limit, at, past } of bounds(schemaOf(doc, operation, field), current)) {
        const fresh = makeApp();
        const { url, body } = await request(fresh.call);
        const accepted = await fresh.call(method, url, { body: setField(body, field, at) });
        // Another refusal (a name not in the catalogue, 422) is fine: the bound itself passed.
        expect(accepted.status, `${limit} at the bound: ${JSON.stringify(accepted.body)}`).not.toBe(400);
        expect(accepted.status).toBeLessThan(500);
        const again = makeApp();
        const second = await request(again.call);
        const refused = await again.call(method, second.url, { body: setField(second.body, field, past) });
        expect(refused.status, `${limit} past the bound`).toBe(400);
        expect(JSON.stringify(refused.body.errors ?? refused.body), `${limit}: names the field`).toContain(
          String(field.at(-1)),
        );
      }
    });
  }
});
