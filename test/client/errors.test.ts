/**
 * How the client reports failures: every refusal is a DrsimApiError with the HTTP status, the
 * stable code and the whole problem document; waiting gives up with JobWaitTimeoutError.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createClient,
  type DrPair,
  type DrsimApiError,
  type DrsimClient,
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
    const wrongMethod = await refusal(client.request('PATCH', `/v1/dr-pairs/${pair.id}`));
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
    expect(stuck).toBeInstanceOf(JobWaitTimeoutError);
    expect((await client.jobs.get(job.id)).steps.filter((s) => s.status === 'SUCCEEDED')).toEqual([]);
    expect((await client.waitForJob(job, { step: true })).status).toBe('SUCCEEDED');
    await client.sim.setProgression({ startReplication: 'clock' });
  });
});
