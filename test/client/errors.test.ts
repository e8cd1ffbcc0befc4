/**
 * How the client reports failures: every refusal is a DrsimApiError with the HTTP status, the
 * stable code and the whole problem document; waiting gives up with JobWaitTimeoutError.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createClient,
  type DrPair,
  DrsimApiError,
  type DrsimClient,
  DrsimNetworkError,
  JobWaitStuckError,
  JobWaitTimeoutError,
  type Problem,
} from '../../src/client/index.js';
import { type RunningDrsim, startDrsim } from '../../src/testing/index.js';

const SHADOW = { region: 'HAN-1', vpcId: 'vpc-dr', subnetId: 'subnet-dr-a' };

/** The DrsimApiError a call rejects with (fails the test if it resolves). */
async function refusal(call: Promise<unknown>): Promise<DrsimApiError> {
  const outcome = await call.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(outcome).toBeInstanceOf(Error);
  expect((outcome as Error).name).toBe('DrsimApiError');
  return outcome as DrsimApiError;
}

describe('errors through the client', () => {
  let drsim: RunningDrsim;
  let client: DrsimClient;
  let pair: DrPair;

  beforeAll(async () => {
    drsim = await startDrsim({ seed: 5 });
    client = drsim.client;
    const server = await client.servers.create({
      name: 'db-01',
      region: 'HCM-3',
      files: { 'etc/hostname': 'db-01' },
    });
    pair = await client.pairs.attach({ mainServerId: server.id, shadow: SHADOW });
  });
  afterAll(() => drsim.stop());

  it('404 with the resource code for an unknown id', async () => {
    const err = await refusal(client.pairs.get('drp-nope'));
    expect(err.status).toBe(404);
    expect(err.code).toBe('PAIR_NOT_FOUND');
    expect(err.problem).toMatchObject({
      status: 404,
      code: 'PAIR_NOT_FOUND',
      instance: '/v1/dr-pairs/drp-nope',
    });
    expect(err.problem.type).toBe('urn:drsim:problem:PAIR_NOT_FOUND');
    expect(err.message).toContain('PAIR_NOT_FOUND');
    expect((await refusal(client.jobs.get('job-nope'))).code).toBe('JOB_NOT_FOUND');
    expect((await refusal(client.servers.readFile(pair.mainServer.id, 'no/such/file'))).code).toBe(
      'FILE_NOT_FOUND',
    );
  });

  it('409 INVALID_STATE carries the pair status and what is allowed', async () => {
    const err = await refusal(client.pairs.failover(pair.id, { recoveryPointId: 'rp-1' }));
    expect(err.status).toBe(409);
    expect(err.code).toBe('INVALID_STATE');
    expect(err.problem.pairStatus).toBe('ATTACHED');
    expect(err.problem.allowedActions).toEqual(['startReplication', 'detach']);
    expect(err.details).toMatchObject({ pairStatus: 'ATTACHED', action: 'failover' });
    expect(err.details).not.toHaveProperty('detail');
  });

  it('400 VALIDATION_FAILED lists the fields', async () => {
    const err = await refusal(client.pairs.startReplication(pair.id, { shadowName: 'x', intervalHours: 99 }));
    expect(err.status).toBe(400);
    expect(err.code).toBe('VALIDATION_FAILED');
    expect(err.problem.errors).toEqual([expect.objectContaining({ in: 'body', path: 'intervalHours' })]);
  });

  it('409 SERVER_STATE_CONFLICT when writing to a stopped server', async () => {
    const server = await client.servers.create({
      name: 'stopped-01',
      region: 'HCM-3',
      powerState: 'STOPPED',
    });
    const err = await refusal(client.servers.writeFile(server.id, 'a.txt', 'x'));
    expect([err.status, err.code]).toEqual([409, 'SERVER_STATE_CONFLICT']);
  });

  it('422 for an unknown recovery point and a reused idempotency key', async () => {
    const job = await client.pairs.startReplication(
      pair.id,
      { shadowName: 'db-01-shadow', intervalHours: 1 },
      { idempotencyKey: 'start-1' },
    );
    const again = await client.pairs.startReplication(
      pair.id,
      { shadowName: 'db-01-shadow', intervalHours: 1 },
      { idempotencyKey: 'start-1' },
    );
    expect(again.id).toBe(job.id);
    expect((await client.waitForJob(job, { advance: '5m' })).status).toBe('SUCCEEDED');

    const reused = await refusal(client.pairs.stopReplication(pair.id, { idempotencyKey: 'start-1' }));
    expect([reused.status, reused.code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
    const unknown = await refusal(client.pairs.failover(pair.id, { recoveryPointId: 'rp-nope' }));
    expect([unknown.status, unknown.code]).toEqual([422, 'RECOVERY_POINT_NOT_FOUND']);
  });

  it('401 without a usable token; the control API with an admin token', async () => {
    const anonymous = createClient({ baseUrl: drsim.url, token: '' });
    const err = await refusal(anonymous.pairs.list());
    expect([err.status, err.code]).toEqual([401, 'UNAUTHORIZED']);

    const guarded = await startDrsim({ adminToken: 'root' });
    try {
      // A tenant's token reaches its own world only; without any token, nothing.
      const tenantOnly = createClient({ baseUrl: guarded.url, token: guarded.token });
      expect((await tenantOnly.sim.clock()).mode).toBe('manual');
      expect((await refusal(tenantOnly.sim.faults.list('someone-else'))).code).toBe('FORBIDDEN');
      const nobody = createClient({ baseUrl: guarded.url, token: '' });
      expect((await refusal(nobody.sim.clock())).code).toBe('UNAUTHORIZED');
      expect((await tenantOnly.sim.health()).status).toBe('ok');
      expect((await guarded.client.sim.clock()).mode).toBe('manual');
      expect((await guarded.client.pairs.list()).items).toEqual([]);
    } finally {
      await guarded.stop();
    }
  });

  it('ROUTE_NOT_FOUND and METHOD_NOT_ALLOWED through the raw request', async () => {
    expect((await refusal(client.request('GET', '/v1/nothing'))).code).toBe('ROUTE_NOT_FOUND');
    const wrongMethod = await refusal(client.request('PUT', `/v1/dr-pairs/${pair.id}`));
    expect([wrongMethod.status, wrongMethod.code]).toEqual([405, 'METHOD_NOT_ALLOWED']);
  });

  it('HTTP chaos: the injected status and Retry-After', async () => {
    const rule = await client.sim.chaos.add({
      method: 'GET',
      path: '/v1/dr-pairs/*',
      effect: { kind: 'status', status: 503, retryAfterSeconds: 7 },
      times: 1,
    });
    const err = await refusal(client.pairs.get(pair.id));
    expect([err.status, err.code, err.retryAfterSeconds]).toEqual([503, 'CHAOS_INJECTED', 7]);
    expect(err.problem.ruleId).toBe(rule.id);
    expect((await client.pairs.get(pair.id)).id).toBe(pair.id);
    expect((await client.sim.chaos.list())[0]?.fired).toBe(1);
    await client.sim.chaos.clear();
  });

  it('a body that is not a problem still becomes a DrsimApiError', async () => {
    const proxy = createClient({
      baseUrl: 'http://proxy.invalid',
      token: 't',
      fetch: async () => new Response('<html>Bad Gateway</html>', { status: 502, statusText: 'Bad Gateway' }),
    });
    const err = await refusal(proxy.servers.list());
    expect(err.status).toBe(502);
    expect(err.code).toBe('HTTP_502');
    expect(err.problem).toMatchObject<Partial<Problem>>({ status: 502, title: 'Bad Gateway' });
    expect(err.problem.detail).toContain('Bad Gateway');
  });

  it('waitForJob gives up on a hung job with the last state seen', async () => {
    const fault = await client.sim.faults.add({ target: 'failover', effect: { kind: 'hang' } });
    expect(fault.tenant).toBe(drsim.tenant);
    const [latest] = (await client.pairs.recoveryPoints(pair.id)).items;
    const job = await client.pairs.failover(pair.id, { recoveryPointId: latest!.id });
    const outcome = await client
      .waitForJob(job, { advance: '10m', timeoutMs: 200 })
      .catch((err: unknown) => err);
    expect(outcome).toBeInstanceOf(JobWaitTimeoutError);
    expect((outcome as JobWaitTimeoutError).job).toMatchObject({ id: job.id, status: 'RUNNING' });

    // Removing the rule releases the job.
    await client.sim.faults.remove(fault.id);
    expect((await client.waitForJob(job, { advance: '1m' })).status).toBe('SUCCEEDED');
    expect((await client.pairs.get(pair.id)).status).toBe('FAILED_OVER');
  });

  it('waitForJob with step moves a manual job, which polls alone never do', async () => {
    await client.sim.setProgression({ startReplication: 'manual' });
    const server = await client.servers.create({ name: 'app-02', region: 'HCM-3' });
    const fresh = await client.pairs.attach({ mainServerId: server.id, shadow: SHADOW });
    const job = await client.pairs.startReplication(fresh.id, { shadowName: 'app-02-dr', intervalHours: 1 });
    const stuck = await client
      .waitForJob(job, { timeoutMs: 150, intervalMs: 10 })
      .catch((err: unknown) => err);
    // Polls alone would wait out the timeout: waitForJob says at once why nothing moves.
    expect(stuck).toBeInstanceOf(JobWaitStuckError);
    expect((stuck as JobWaitStuckError).reason).toBe('manual-progression');
    expect((stuck as Error).message).toContain('{ step: true }');
    expect((await client.jobs.get(job.id)).steps.filter((s) => s.status === 'SUCCEEDED')).toEqual([]);
    expect((await client.waitForJob(job, { step: true })).status).toBe('SUCCEEDED');
    await client.sim.setProgression({ startReplication: 'clock' });
  });

  it('waitForJob on a manual clock without advance fails fast with the reason', async () => {
    const server = await client.servers.create({ name: 'app-03', region: 'HCM-3' });
    const fresh = await client.pairs.attach({ mainServerId: server.id, shadow: SHADOW });
    const job = await client.pairs.startReplication(fresh.id, { shadowName: 'app-03-dr', intervalHours: 1 });
    const stuck = await client.waitForJob(job).catch((err: unknown) => err);
    expect(stuck).toBeInstanceOf(JobWaitStuckError);
    expect((stuck as JobWaitStuckError).reason).toBe('manual-clock');
    expect((stuck as Error).message).toContain("{ advance: '1m' }");
  });

  it('a request that gets no answer is a DrsimNetworkError carrying the request', async () => {
    const dead = createClient({
      baseUrl: 'http://drsim.invalid',
      token: 't',
      fetch: async () => {
        throw new TypeError('fetch failed');
      },
    });
    const err = await dead.servers.list().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DrsimNetworkError);
    expect((err as DrsimNetworkError).request).toEqual({
      method: 'GET',
      url: 'http://drsim.invalid/v1/servers',
      idempotencyKey: null,
    });
    expect((err as Error).cause).toBeInstanceOf(TypeError);
  });

  it('the retry policy honours Retry-After, and retries a POST only with an idempotency key it made', async () => {
    const waits: number[] = [];
    const seen: { method: string; key: string | null }[] = [];
    let calls = 0;
    const flaky = createClient({
      baseUrl: 'http://drsim.invalid',
      token: 't',
      retry: { sleep: async (ms) => void waits.push(ms), idempotencyKey: () => 'generated-1' },
      fetch: async (_input, init) => {
        calls++;
        const headers = init?.headers as Record<string, string>;
        seen.push({ method: init?.method ?? 'GET', key: headers['Idempotency-Key'] ?? null });
        if (calls === 1) return new Response('{}', { status: 503, headers: { 'Retry-After': '2' } });
        if (calls === 2) throw new TypeError('socket hang up');
        return new Response(JSON.stringify({ id: 'srv-1' }), { status: 201 });
      },
    });
    expect(await flaky.servers.create({ name: 'x', region: 'HCM-3' })).toEqual({ id: 'srv-1' });
    expect(waits).toEqual([2000, 200]);
    expect(seen).toEqual([
      { method: 'POST', key: 'generated-1' },
      { method: 'POST', key: 'generated-1' },
      { method: 'POST', key: 'generated-1' },
    ]);
    // Without the policy nothing is retried.
    const once = createClient({
      baseUrl: 'http://drsim.invalid',
      token: 't',
      fetch: async () => new Response('{}', { status: 429, headers: { 'Retry-After': '1' } }),
    });
    const refused = await once.servers.list().catch((e: unknown) => e);
    expect(DrsimApiError.is(refused, 'HTTP_429')).toBe(true);
  });

  it('types every problem code: a misspelt one does not compile', () => {
    // @ts-expect-error 'INVALID_STAT' is not a problem code
    DrsimApiError.is(new Error(), 'INVALID_STAT');
    expect(DrsimApiError.is(new Error(), 'UNAUTHORIZED')).toBe(false);
  });
});
