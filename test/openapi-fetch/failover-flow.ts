/**
 * The failover flow as a client developer writes it with tools nobody here wrote: types
 * generated from drsim's /openapi.json by openapi-typescript (`./schema.js`, written by the
 * test beside a copy of this file) and openapi-fetch. Compiled with `strict` and
 * `exactOptionalPropertyTypes` (0 errors), then run against a served drsim.
 */
import createClient from 'openapi-fetch';
import type { paths } from './schema.js';

export async function failoverFlow(baseUrl: string, token: string): Promise<string> {
  const client = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${token}` } });
  const advance = async (by: string) => {
    const { error } = await client.POST('/_sim/clock/advance', { body: { by } });
    if (error) throw new Error(`advance: ${error.code}`);
  };
  const waitForJob = async (jobId: string) => {
    for (let i = 0; i < 60; i++) {
      const { data, error } = await client.GET('/v1/jobs/{id}', { params: { path: { id: jobId } } });
      if (error) throw new Error(`job: ${error.code}`);
      if (data.status === 'SUCCEEDED') return data;
      if (data.status === 'FAILED') throw new Error(`job failed: ${data.error?.code ?? 'no code'}`);
      await advance('1m');
    }
    throw new Error('the job did not end');
  };

  const server = await client.POST('/v1/servers', { body: { name: 'web-01', region: 'HCM-3' } });
  if (server.error) throw new Error(`create server: ${server.error.code}`);
  const pair = await client.POST('/v1/dr-pairs', {
    body: {
      mainServerId: server.data.id,
      shadow: { region: 'HAN-1', vpcId: 'vpc-dr', subnetId: 'subnet-dr-a' },
    },
    headers: { 'Idempotency-Key': 'attach-web-01' },
  });
  if (pair.error) throw new Error(`attach: ${pair.error.code}`);
  const pairId = pair.data.id;
  const started = await client.POST('/v1/dr-pairs/{id}/start-replication', {
    params: { path: { id: pairId } },
    body: { shadowName: 'web-01-dr', intervalHours: 1 },
  });
  if (started.error) throw new Error(`start replication: ${started.error.code}`);
  await waitForJob(started.data.id);
  await advance('2h');

  const points = await client.GET('/v1/dr-pairs/{id}/recovery-points', {
    params: { path: { id: pairId }, query: { limit: 10 } },
  });
  if (points.error) throw new Error(`recovery points: ${points.error.code}`);
  const latest = points.data.items[0];
  if (!latest) throw new Error('no recovery point');

  const refused = await client.POST('/v1/dr-pairs/{id}/commit-failover', {
    params: { path: { id: pairId } },
    body: { deleteAllRecoveryPoints: false },
  });
  if (!refused.error || refused.response.status !== 409)
    throw new Error('commit before failover was not refused');
  const code: string = refused.error.code;

  const failover = await client.POST('/v1/dr-pairs/{id}/failover', {
    params: { path: { id: pairId } },
    body: { recoveryPointId: latest.id },
  });
  if (failover.error) throw new Error(`failover: ${failover.error.code}`);
  await waitForJob(failover.data.id);
  const commit = await client.POST('/v1/dr-pairs/{id}/commit-failover', {
    params: { path: { id: pairId } },
    body: { deleteAllRecoveryPoints: false },
  });
  if (commit.error) throw new Error(`commit: ${commit.error.code}`);
  await waitForJob(commit.data.id);
  const after = await client.GET('/v1/dr-pairs/{id}', { params: { path: { id: pairId } } });
  if (after.error) throw new Error(`get pair: ${after.error.code}`);
  return `${code} then ${after.data.status}`;
}
