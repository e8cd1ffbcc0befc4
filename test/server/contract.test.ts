/**
 * The contract test: a client drives the whole lifecycle, the error cases and HTTP chaos over a
 * real socket, and every response — status, headers and body — is validated against the
 * server's own `/openapi.json` by openapi-backend (a maintained OpenAPI validator). At the end
 * every operation of the document must have been exercised.
 */

import addFormats from 'ajv-formats';
import { OpenAPIBackend } from 'openapi-backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/server/logger.js';
import { type RunningServer, startServer } from '../../src/server/serve.js';

const ADMIN = 'admin-secret';
const INTERESTING_HEADERS = ['location', 'retry-after', 'www-authenticate', 'x-drsim-time', 'allow'];

interface Answer {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: the test reads bodies as a client would.
  body: any;
}

interface Operation {
  operationId: string;
  responses: Record<string, { headers?: Record<string, unknown>; content?: Record<string, unknown> }>;
}

let server: RunningServer;
let api: OpenAPIBackend;
const exercised = new Map<string, Set<number>>();

beforeAll(async () => {
  server = await startServer({
    port: 0,
    logger: silentLogger,
    tokens: [
      { token: 'alice', tenant: 'alice', policy: 'full' },
      { token: 'reader', tenant: 'alice', policy: 'read-only' },
    ],
    adminToken: ADMIN,
  });
  const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as never;
  // quick: the definition check of openapi-backend knows OpenAPI 3.0 only; redocly and spectral
  // check the 3.1 document (openapi-lint.test.ts). Responses are still validated in full.
  api = new OpenAPIBackend({
    definition: doc,
    quick: true,
    validate: true,
    customizeAjv: (ajv) => {
      // ajv-formats is CommonJS: its plugin is the module and also its `default`.
      addFormats.default(ajv as never);
      return ajv;
    },
  });
  await api.init();
});

afterAll(async () => {
  await server?.close();
});

interface Send {
  token?: string | null;
  admin?: boolean;
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
  /**
   * Through `app.request` instead of the socket: a 413 answers before the body is read, and
   * node then resets a connection the client is still writing to (a transport matter).
   */
  inProcess?: boolean;
}

/** One request, validated against the document before the test looks at it. */
async function send(method: string, path: string, options: Send = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  const token = options.token === undefined ? 'alice' : options.token;
  // On /_sim the bearer token names the caller's world; the admin token lets it act.
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  if (options.admin !== false && path.startsWith('/_sim')) headers['X-Drsim-Admin-Token'] = ADMIN;
  let body: string | undefined;
  if (options.raw !== undefined || options.body !== undefined) {
    headers['Content-Type'] ??= 'application/json';
    body = options.raw ?? JSON.stringify(options.body);
  }
  const init = { method, headers, ...(body === undefined ? {} : { body }) };
  const res = options.inProcess
    ? await server.app.request(`${server.url}${path}`, init)
    : await fetch(`${server.url}${path}`, init);
  const text = await res.text();
  const answer: Answer = { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
  validate(method, path, headers, answer);
  return answer;
}

function validate(method: string, path: string, headers: Record<string, string>, answer: Answer): void {
  const url = new URL(path, server.url);
  const where = `${method} ${path} → ${answer.status} ${JSON.stringify(answer.body)?.slice(0, 300)}`;
  const operation = api.matchOperation({
    method,
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers,
  }) as unknown as Operation | undefined;
  expect(operation, `no operation for ${where}`).toBeDefined();
  if (!operation) return;
  const declared = operation.responses[String(answer.status)];
  expect(declared, `undeclared status: ${where}`).toBeDefined();
  const type = answer.headers.get('content-type')?.split(';')[0];
  if (answer.body !== null) expect(Object.keys(declared?.content ?? {}), where).toContain(type);
  else expect(declared?.content, where).toBeUndefined();
  const body = api.validateResponse(answer.body, operation as never, answer.status);
  expect(body.errors, where).toBeNull();
  const headerValues = Object.fromEntries(answer.headers.entries());
  const headerResult = api.validateResponseHeaders(headerValues, operation as never, {
    statusCode: answer.status,
    setMatchType: 'any' as never,
  });
  expect(headerResult.errors, `${where} ${JSON.stringify(headerResult.errors)}`).toBeNull();
  const declaredHeaders = Object.keys(declared?.headers ?? {}).map((name) => name.toLowerCase());
  // openapi-backend checks the values of the headers present ('any'); `required` is ours to check.
  for (const [name, header] of Object.entries(declared?.headers ?? {})) {
    if ((header as { required?: boolean }).required)
      expect(answer.headers.has(name), `missing ${name}: ${where}`).toBe(true);
  }
  for (const name of INTERESTING_HEADERS) {
    if (answer.headers.has(name))
      expect(declaredHeaders, `undeclared header ${name}: ${where}`).toContain(name);
  }
  const seen = exercised.get(operation.operationId) ?? new Set<number>();
  seen.add(answer.status);
  exercised.set(operation.operationId, seen);
}

async function advance(by: string): Promise<void> {
  expect((await send('POST', '/_sim/clock/advance', { body: { by } })).status).toBe(200);
}

/** Follows a job to its end on the clock. */
async function finish(location: string): Promise<Answer> {
  for (let i = 0; i < 20; i++) {
    const job = await send('GET', location);
    if (job.body.status === 'SUCCEEDED' || job.body.status === 'FAILED') return job;
    await advance('15m');
  }
  throw new Error(`job ${location} did not end`);
}

describe('the contract, over HTTP', () => {
  it('the whole lifecycle answers as the document says', async () => {
    expect((await send('GET', '/_sim/health', { admin: false })).status).toBe(200);
    const created = await send('POST', '/v1/servers', {
      body: { name: 'web-01', region: 'HCM-3', files: { 'app/orders.db': 'v1', 'etc/hostname': 'web-01' } },
    });
    expect(created.status).toBe(201);
    const serverPath = created.headers.get('location') as string;
    expect((await send('GET', serverPath)).body.id).toBe(created.body.id);
    const serverId = created.body.id as string;

    const page = await send('GET', '/v1/servers?limit=1');
    expect(page.body.items).toHaveLength(1);
    const files = await send('GET', `/v1/servers/${serverId}/files?limit=1`);
    expect(files.body.items).toHaveLength(1);
    expect(files.body.nextCursor).not.toBeNull();
    expect(
      (await send('GET', `/v1/servers/${serverId}/files?cursor=${files.body.nextCursor}`)).body.items,
    ).toHaveLength(1);
    expect((await send('GET', `/v1/servers/${serverId}/file?path=app/orders.db`)).body.content).toBe('v1');
    expect(
      (await send('PUT', `/v1/servers/${serverId}/file?path=app/orders.db`, { body: { content: 'v2' } }))
        .status,
    ).toBe(200);
    expect((await send('POST', `/v1/servers/${serverId}/stop`)).body.powerState).toBe('STOPPED');
    expect((await send('POST', `/v1/servers/${serverId}/start`)).body.powerState).toBe('RUNNING');

    const attached = await send('POST', '/v1/dr-pairs', {
      body: { mainServerId: serverId, shadow: { region: 'HAN-1', vpcId: 'vpc-dr', subnetId: 'subnet-dr-a' } },
    });
    expect(attached.status).toBe(201);
    const pairPath = attached.headers.get('location') as string;
    expect((await send('GET', pairPath)).body.status).toBe('ATTACHED');
    expect((await send('GET', '/v1/dr-pairs?status=ATTACHED')).body.items).toHaveLength(1);

    const started = await send('POST', `${pairPath}/start-replication`, {
      body: { shadowName: 'web-01-shadow', intervalHours: 1 },
    });
    expect(started.status).toBe(202);
    await finish(started.headers.get('location') as string);
    await advance('3h');
    const points = (await send('GET', `${pairPath}/recovery-points?limit=2`)).body.items;
    expect(points.length).toBeGreaterThan(0);
    const point = points[0].id as string;
    expect((await send('GET', `${pairPath}/recovery-points/${point}/files`)).status).toBe(200);
    expect((await send('GET', `${pairPath}/history?kinds=pair.transition&limit=5`)).status).toBe(200);
    expect((await send('GET', `${pairPath}/jobs`)).body.items.length).toBeGreaterThan(0);

    const test = await send('POST', `${pairPath}/test-failover`, {
      body: { testServerName: 'web-01-test', recoveryPointId: point },
    });
    expect(test.status).toBe(202);
    await finish(test.headers.get('location') as string);
    const change = await send('POST', `${pairPath}/test-failover/change-recovery-point`, {
      body: { recoveryPointId: points[points.length - 1].id },
    });
    await finish(change.headers.get('location') as string);
    const clean = await send('POST', `${pairPath}/clean-test-environment`);
    await finish(clean.headers.get('location') as string);

    expect((await send('POST', `${pairPath}/stop-replication`)).status).toBe(202);
    expect((await send('POST', `${pairPath}/resume-replication`, { body: {} })).status).toBe(202);
    await advance('1h');
    const restart = await send('POST', `${pairPath}/restart-replication`);
    await finish(restart.headers.get('location') as string);
    await advance('2h');
    const fresh = (await send('GET', `${pairPath}/recovery-points`)).body.items;

    const failover = await send('POST', `${pairPath}/failover`, {
      body: { recoveryPointId: fresh[0].id },
      headers: { 'Idempotency-Key': 'failover-1' },
    });
    expect(failover.status).toBe(202);
    const again = await send('POST', `${pairPath}/failover`, {
      body: { recoveryPointId: fresh[0].id },
      headers: { 'Idempotency-Key': 'failover-1' },
    });
    expect(again.body.id).toBe(failover.body.id);
    await finish(failover.headers.get('location') as string);
    const moved = await send('POST', `${pairPath}/change-recovery-point`, {
      body: { recoveryPointId: fresh[fresh.length - 1].id },
    });
    await finish(moved.headers.get('location') as string);
    const commit = await send('POST', `${pairPath}/commit-failover`, {
      body: { deleteAllRecoveryPoints: false },
    });
    await finish(commit.headers.get('location') as string);
    expect((await send('GET', pairPath)).body.status).toBe('COMMITTED');
  });

  it('the error cases answer as the document says', async () => {
    expect((await send('GET', '/v1/servers', { token: null })).status).toBe(401);
    expect((await send('GET', '/v1/servers', { token: 'nobody' })).status).toBe(401);
    expect((await send('GET', '/v1/servers?limt=5')).status).toBe(400);
    expect((await send('GET', '/v1/servers?limit=0')).status).toBe(400);
    expect((await send('GET', '/v1/dr-pairs/drp-0000000000')).status).toBe(404);
    expect((await send('GET', '/v1/jobs/job-0000000000')).status).toBe(404);
    expect(
      (await send('POST', '/v1/servers', { token: 'reader', body: { name: 'x', region: 'HCM-3' } })).status,
    ).toBe(403);
    expect(
      (await send('POST', '/v1/servers', { body: { name: 'x', region: 'HCM-3', extra: 1 } })).status,
    ).toBe(400);
    expect((await send('POST', '/v1/servers', { raw: '{"name":' })).status).toBe(400);
    expect(
      (await send('POST', '/v1/servers', { raw: 'name=x', headers: { 'Content-Type': 'text/plain' } }))
        .status,
    ).toBe(415);
    expect(
      (
        await send('POST', '/v1/servers', {
          raw: JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) }),
          inProcess: true,
        })
      ).status,
    ).toBe(413);
    const server = (await send('POST', '/v1/servers', { body: { name: 'db-01', region: 'HCM-3' } })).body;
    expect((await send('GET', `/v1/servers/${server.id}/file?path=nope.txt`)).status).toBe(404);
    expect((await send('GET', `/v1/servers/${server.id}/file?path=/etc/passwd`)).status).toBe(400);
    const pair = (
      await send('POST', '/v1/dr-pairs', {
        body: {
          mainServerId: server.id,
          shadow: { region: 'HAN-1', vpcId: 'vpc-dr', subnetId: 'subnet-dr-a' },
        },
      })
    ).body;
    const attachedTwice = await send('POST', '/v1/dr-pairs', {
      body: {
        mainServerId: server.id,
        shadow: { region: 'HAN-1', vpcId: 'vpc-dr', subnetId: 'subnet-dr-a' },
      },
    });
    expect(attachedTwice.status).toBe(409);
    expect(
      (await send('POST', `/v1/dr-pairs/${pair.id}/failover`, { body: { recoveryPointId: 'rp-x' } })).status,
    ).toBe(409);
    expect((await send('DELETE', `/v1/dr-pairs/${pair.id}`)).status).toBe(202);
    const key = { 'Idempotency-Key': 'create-db-02' };
    const first = await send('POST', '/v1/servers', {
      body: { name: 'db-02', region: 'HCM-3' },
      headers: key,
    });
    const replayed = await send('POST', '/v1/servers', {
      body: { name: 'db-02', region: 'HCM-3' },
      headers: key,
    });
    expect(replayed.status).toBe(201);
    expect(replayed.body).toEqual(first.body);
    const reused = await send('POST', '/v1/servers', {
      body: { name: 'db-03', region: 'HCM-3' },
      headers: key,
    });
    expect(reused.status).toBe(422);
    expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect((await send('GET', '/_sim/clock', { admin: false, token: null })).status).toBe(401);
    expect((await send('GET', '/_sim/clock?tenant=bob', { admin: false })).status).toBe(403);
    expect((await send('GET', '/_sim/faults/flt-0000000000')).status).toBe(404);
    expect((await send('GET', '/_sim/chaos/chaos_999')).status).toBe(404);
    expect((await send('GET', '/_sim/snapshots/nope')).status).toBe(404);
    expect((await send('PUT', '/_sim/clock', { body: { mode: 'sideways' } })).status).toBe(400);
  });

  it('chaos answers 429 and 503 with Retry-After, and 500, as the document says', async () => {
    for (const status of [429, 503, 500] as const) {
      const rule = await send('POST', '/_sim/chaos', {
        body: {
          method: 'GET',
          path: '/v1/servers',
          effect: { kind: 'status', status, retryAfterSeconds: 2 },
          times: 1,
        },
      });
      expect(rule.status).toBe(201);
      const location = rule.headers.get('location') as string;
      expect((await send('GET', location)).body.id).toBe(rule.body.id);
      const hit = await send('GET', '/v1/servers');
      expect(hit.status).toBe(status);
      if (status !== 500) expect(hit.headers.get('retry-after')).toBe('2');
      expect((await send('DELETE', location)).status).toBe(204);
    }
    expect((await send('GET', '/_sim/chaos?limit=10')).status).toBe(200);
    expect((await send('DELETE', '/_sim/chaos')).status).toBe(204);
  });

  it('the control API answers as the document says', async () => {
    expect((await send('GET', '/_sim/clock')).status).toBe(200);
    expect((await send('PUT', '/_sim/clock', { body: { mode: 'manual' } })).status).toBe(200);
    expect((await send('GET', '/_sim/progression')).status).toBe(200);
    expect((await send('PUT', '/_sim/progression', { body: { default: 'clock' } })).status).toBe(200);
    expect((await send('GET', '/_sim/regions')).status).toBe(200);
    expect((await send('GET', '/v1/regions')).status).toBe(200);
    expect((await send('GET', '/v1/regions/HAN-1')).status).toBe(200);
    expect((await send('GET', '/v1/regions/NOWHERE')).status).toBe(404);
    const catalogue = (await send('GET', '/_sim/regions')).body;
    expect((await send('PUT', '/_sim/regions', { body: catalogue })).status).toBe(200);
    expect((await send('DELETE', '/_sim/regions')).status).toBe(200);
    const fault = await send('POST', '/_sim/faults?tenant=alice', {
      body: { target: 'failover', effect: { kind: 'fail', code: 'COPY_FAILED' }, trigger: { times: 1 } },
    });
    expect(fault.status).toBe(201);
    const faultPath = fault.headers.get('location') as string;
    expect((await send('GET', faultPath)).body.id).toBe(fault.body.id);
    expect((await send('GET', '/_sim/faults?tenant=alice&limit=5')).body.items).toHaveLength(1);
    expect((await send('DELETE', faultPath)).status).toBe(204);
    expect(
      (await send('POST', '/_sim/faults', { body: { target: 'nothing', effect: { kind: 'fail' } } })).status,
    ).toBe(400);

    const server = (await send('POST', '/v1/servers', { body: { name: 'app-01', region: 'HCM-3' } })).body;
    expect((await send('POST', `/_sim/servers/${server.id}/outage?tenant=alice`)).body.powerState).toBe(
      'DOWN',
    );
    expect(
      (await send('POST', `/_sim/servers/${server.id}/recover`, { body: { tenant: 'alice' } })).status,
    ).toBe(200);
    expect((await send('POST', '/_sim/servers/srv-0000000000/outage?tenant=alice')).status).toBe(404);
    expect(
      (
        await send('PUT', `/_sim/servers/${server.id}/workload?tenant=alice`, {
          body: { writesPerMinute: 0 },
        })
      ).status,
    ).toBe(204);

    await send('PUT', '/_sim/progression', { body: { stopReplication: 'manual', default: 'clock' } });
    const pair = (
      await send('POST', '/v1/dr-pairs', {
        body: {
          mainServerId: server.id,
          shadow: { region: 'HAN-1', vpcId: 'vpc-dr', subnetId: 'subnet-dr-a' },
        },
      })
    ).body;
    const job = await send('POST', `/v1/dr-pairs/${pair.id}/start-replication`, {
      body: { shadowName: 'app-01-shadow', intervalHours: 1 },
    });
    expect((await send('POST', `/_sim/jobs/${job.body.id}/step?tenant=alice`)).status).toBe(200);
    expect((await send('POST', '/_sim/jobs/job-0000000000/step?tenant=alice')).status).toBe(404);

    const advanceJob = await send('POST', '/_sim/clock/advance?async=true', { body: { by: '1h' } });
    expect(advanceJob.status).toBe(202);
    expect((await send('GET', advanceJob.headers.get('location') ?? '')).status).toBe(200);
    expect((await send('DELETE', advanceJob.headers.get('location') ?? '')).status).toBe(202);
    expect((await send('GET', '/_sim/advances/adv-0')).status).toBe(404);
    // Let the job end before anything else advances the clock.
    for (
      let i = 0;
      i < 1000 && (await send('GET', advanceJob.headers.get('location') ?? '')).body.endedAt === null;
      i++
    )
      await new Promise((resolve) => setTimeout(resolve, 5));

    const saved = await send('POST', '/_sim/snapshots', { body: { name: 'contract' } });
    expect(saved.status).toBe(201);
    expect((await send('GET', saved.headers.get('location') as string)).body.name).toBe('contract');
    expect((await send('POST', '/_sim/snapshots', { body: { name: 'contract' } })).status).toBe(409);
    expect(
      (await send('POST', '/_sim/snapshots', { body: { name: 'contract', overwrite: true } })).status,
    ).toBe(201);
    expect((await send('GET', '/_sim/snapshots')).body.items.length).toBeGreaterThan(0);
    expect((await send('POST', '/_sim/snapshots/contract/restore')).status).toBe(204);
    expect((await send('POST', '/_sim/snapshots/nope/restore')).status).toBe(404);
    expect((await send('DELETE', '/_sim/snapshots/contract')).status).toBe(204);
    expect((await send('DELETE', '/_sim/snapshots/contract')).status).toBe(404);

    const state = await send('GET', '/_sim/state');
    expect(state.status).toBe(200);
    expect((await send('PUT', '/_sim/state', { body: state.body })).status).toBe(204);
    expect((await send('GET', '/_sim/checks')).body.ok).toBe(true);
    expect((await send('GET', '/_sim/events?tenant=alice&limit=3')).body.items).toHaveLength(3);
    expect((await send('GET', '/_sim/requests?method=POST&limit=2')).body.items).toHaveLength(2);
    expect((await send('GET', '/_sim/requests/count?path=/v1/servers')).body.count).toBeGreaterThan(0);
    expect((await send('DELETE', '/_sim/requests')).status).toBe(204);
    expect((await send('POST', '/_sim/tenants/alice/reset')).status).toBe(204);
  });

  it('the tenants and identity answer as the document says', async () => {
    expect((await send('GET', '/_sim/identity')).body.tenant).toBe('alice');
    const created = await send('POST', '/_sim/tenants', { body: {} });
    expect(created.status).toBe(201);
    const location = created.headers.get('location') as string;
    expect((await send('GET', location)).body.tenant).toBe(created.body.tenant);
    expect((await send('GET', '/_sim/tenants?limit=10')).body.items.length).toBeGreaterThan(0);
    expect((await send('POST', `${location}/reset`)).status).toBe(204);
    expect((await send('DELETE', location)).status).toBe(204);
    expect((await send('GET', location)).status).toBe(404);
    expect((await send('POST', '/_sim/reset', { body: { scope: 'server' } })).status).toBe(204);
  });

  it('drives, renewal and pair settings answer as the document says', async () => {
    const server = (
      await send('POST', '/v1/servers', {
        body: { name: 'db-01', region: 'HCM-3', expiresAt: '2026-01-01T00:00:00Z' },
      })
    ).body;
    const added = await send('POST', `/v1/servers/${server.id}/volumes`, {
      body: { type: 'SSD', sizeGb: 50 },
    });
    expect(added.body.volumes).toHaveLength(2);
    expect((await send('PATCH', `/v1/servers/${server.id}/volumes/1`, { body: { sizeGb: 80 } })).status).toBe(
      200,
    );
    expect((await send('PATCH', `/v1/servers/${server.id}/volumes/1`, { body: { sizeGb: 10 } })).status).toBe(
      422,
    );
    expect((await send('PATCH', `/v1/servers/${server.id}/volumes/7`, { body: { sizeGb: 90 } })).status).toBe(
      404,
    );
    expect((await send('DELETE', `/v1/servers/${server.id}/volumes/0`)).status).toBe(422);
    expect((await send('DELETE', `/v1/servers/${server.id}/volumes/1`)).body.volumes).toHaveLength(1);
    expect((await send('POST', `/v1/servers/${server.id}/renew`, { body: { months: 2 } })).body.expired).toBe(
      false,
    );
    expect((await send('POST', `/v1/servers/${server.id}/renew`, { body: { months: 0 } })).status).toBe(400);
    const forever = (await send('POST', '/v1/servers', { body: { name: 'db-02', region: 'HCM-3' } })).body;
    expect((await send('POST', `/v1/servers/${forever.id}/renew`, { body: {} })).status).toBe(409);

    const pair = (
      await send('POST', '/v1/dr-pairs', {
        body: {
          mainServerId: forever.id,
          shadow: { region: 'HAN-1', vpcId: 'vpc-dr', subnetId: 'subnet-dr-a' },
        },
      })
    ).body;
    expect((await send('PATCH', `/v1/dr-pairs/${pair.id}`, { body: { intervalHours: 2 } })).status).toBe(409);
    const job = await send('POST', `/v1/dr-pairs/${pair.id}/start-replication`, {
      body: { shadowName: 'db-02-shadow', intervalHours: 1 },
    });
    await finish(`/v1/jobs/${job.body.id}`);
    const changed = await send('PATCH', `/v1/dr-pairs/${pair.id}`, {
      body: { intervalHours: 4, shadowFlavor: 'general.4c8g' },
    });
    expect(changed.body.replication.intervalHours).toBe(4);
    expect(
      (await send('PATCH', `/v1/dr-pairs/${pair.id}`, { body: { shadowFlavor: 'huge.1c1g' } })).status,
    ).toBe(422);
    expect((await send('PATCH', `/v1/dr-pairs/${pair.id}`, { body: { intervalHours: 13 } })).status).toBe(
      400,
    );
    expect((await send('PATCH', '/v1/dr-pairs/drp-0000000000', { body: { intervalHours: 2 } })).status).toBe(
      404,
    );
    expect(
      (await send('POST', `/v1/servers/${changed.body.shadowServer.id}/volumes`, { body: { type: 'SSD' } }))
        .status,
    ).toBe(409);
  });

  it('accounts and costs answer as the document says', async () => {
    const server = await send('POST', '/v1/servers', { body: { name: 'billing-01', region: 'HCM-3' } });
    const attached = await send('POST', '/v1/dr-pairs', {
      body: {
        mainServerId: server.body.id,
        shadow: { region: 'HAN-1', vpcId: 'vpc-dr', subnetId: 'subnet-dr-a' },
      },
    });
    const pairPath = attached.headers.get('location') as string;
    const prepaid = await send('PUT', '/_sim/account', { body: { mode: 'prepaid', creditBalance: 0 } });
    expect(prepaid.body).toMatchObject({ mode: 'prepaid', balance: 0 });
    const refused = await send('POST', `${pairPath}/start-replication`, {
      body: { shadowName: 'billing-01-dr', intervalHours: 1 },
    });
    expect(refused.status).toBe(402);
    expect(refused.body).toMatchObject({ code: 'INSUFFICIENT_CREDIT', balance: 0 });
    expect((await send('PUT', '/_sim/account', { body: { creditBalance: -5 } })).status).toBe(400);
    expect((await send('PUT', '/_sim/account', { body: { creditBalance: 10_000_000 } })).body.balance).toBe(
      10_000_000,
    );
    const started = await send('POST', `${pairPath}/start-replication`, {
      body: { shadowName: 'billing-01-dr', intervalHours: 1 },
    });
    expect(started.status).toBe(202);
    await finish(started.headers.get('location') as string);
    await advance('1d');
    const usage = await send('GET', `${pairPath}/usage`);
    expect(usage.body.total).toBeGreaterThan(0);
    const account = await send('GET', '/v1/account');
    expect(account.body.balance).toBeLessThan(10_000_000);
    const today = (usage.body.to as string).slice(0, 10);
    expect((await send('GET', `/v1/account/usage?from=${today}&to=${today}`)).body.days).toHaveLength(1);
    expect((await send('GET', '/v1/account/usage?from=yesterday')).status).toBe(400);
    expect((await send('GET', '/v1/dr-pairs/drp-0000000000/usage')).status).toBe(404);
    expect((await send('PUT', '/_sim/account', { body: { mode: 'postpaid' } })).body.balance).toBeNull();
  });

  it('a wrong method answers 405 as the MethodNotAllowed response of the document says', async () => {
    // biome-ignore lint/suspicious/noExplicitAny: the dereferenced document, read as a client would.
    const doc = api.definition as any;
    const declared = doc.components.responses.MethodNotAllowed;
    expect(doc['x-drsim-method-not-allowed']).toEqual(declared);
    expect(declared.headers.Allow.required).toBe(true);
    // No operation lists 405, so the answer is checked against the component itself.
    const operation = { operationId: 'MethodNotAllowed', responses: { 405: declared } };
    for (const [method, path, allow] of [
      ['GET', '/v1/dr-pairs/drp-x/failover', 'POST'],
      ['PUT', '/v1/servers', 'GET, POST, HEAD'],
      ['DELETE', '/_sim/clock', 'GET, PUT, HEAD'],
    ] as const) {
      const headers: Record<string, string> = { Authorization: 'Bearer alice', 'X-Drsim-Admin-Token': ADMIN };
      const res = await fetch(`${server.url}${path}${path.startsWith('/_sim') ? '?tenant=alice' : ''}`, {
        method,
        headers,
      });
      const where = `${method} ${path}`;
      expect(res.status, where).toBe(405);
      expect(res.headers.get('allow')?.split(', ').sort(), where).toEqual(allow.split(', ').sort());
      expect(api.validateResponse(await res.json(), operation as never, 405).errors, where).toBeNull();
      const headerResult = api.validateResponseHeaders(
        Object.fromEntries(res.headers.entries()),
        operation as never,
        {
          statusCode: 405,
          setMatchType: 'any' as never,
        },
      );
      expect(headerResult.errors, where).toBeNull();
      // A /v1 answer concerns the caller's world; a /_sim 405 reached no route that names one.
      expect(res.headers.has('x-drsim-time'), where).toBe(path.startsWith('/v1'));
    }
  });

  it('attaches several servers in one request, or none', async () => {
    const shadow = { region: 'HAN-1', vpcId: 'vpc-dr', subnetId: 'subnet-dr-a' };
    const ids: string[] = [];
    for (const name of ['batch-01', 'batch-02'])
      ids.push((await send('POST', '/v1/servers', { body: { name, region: 'HCM-3' } })).body.id);
    const attached = await send('POST', '/v1/dr-pairs/batch', { body: { mainServerIds: ids, shadow } });
    expect(attached.status).toBe(201);
    expect(attached.body.items).toHaveLength(2);
    expect((await send('POST', '/v1/dr-pairs/batch', { body: { mainServerIds: ids, shadow } })).status).toBe(
      409,
    );
    expect(
      (await send('POST', '/v1/dr-pairs/batch', { body: { mainServerIds: ['srv-none'], shadow } })).status,
    ).toBe(404);
    expect((await send('POST', '/v1/dr-pairs/batch', { body: { mainServerIds: [] } })).status).toBe(400);
  });

  it('exercised every operation of the document', () => {
    const operations = api.getOperations().map((operation) => operation.operationId as string);
    expect(operations.filter((id) => !exercised.has(id))).toEqual([]);
  });
});
