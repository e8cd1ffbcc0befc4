// Type-checked by the consumer's own tsc: strict, moduleResolution nodenext, skipLibCheck false.
import { createSimulator, DrError, type DrPair as EnginePair, ERROR_CODES, type ErrorCode } from 'drsim';
import { createClient, type DrPair, DrsimApiError, type DrsimClient, type Job } from 'drsim/client';
import { type RunningDrsim, type StartDrsimOptions, startDrsim } from 'drsim/testing';

const options: StartDrsimOptions = { seed: 1, inProcess: true, progression: 'manual' };
const withTokens: StartDrsimOptions = {
  tokens: [
    'ops:acme:full',
    { token: 'viewer', tenant: 'acme', policy: 'read-only' },
    'ci:acme:custom=GetDrPair',
  ],
  adminToken: 'root',
  demo: false,
};

export async function failOverLatest(client: DrsimClient, pairId: string): Promise<Job> {
  const { items } = await client.pairs.recoveryPoints(pairId, { limit: 1 });
  const latest = items[0];
  if (!latest) throw new Error('no recovery point yet');
  return client.waitForJob(await client.pairs.failover(pairId, { recoveryPointId: latest.id }), {
    advance: '1m',
  });
}

export async function statusOrCode(client: DrsimClient, pairId: string): Promise<DrPair['status'] | string> {
  try {
    return (await client.pairs.get(pairId)).status;
  } catch (err) {
    if (err instanceof DrsimApiError) return `${err.status} ${err.code}`;
    throw err;
  }
}

export async function main(): Promise<void> {
  const drsim: RunningDrsim = await startDrsim(options);
  const remote = createClient({ baseUrl: drsim.url, token: drsim.token });
  console.log(await statusOrCode(remote, 'missing'));
  await drsim.stop();

  const guarded = await startDrsim(withTokens);
  console.log(await statusOrCode(guarded.clientFor('viewer'), 'missing'));
  await guarded.stop();

  const sim = createSimulator({ seed: 3 });
  try {
    sim.getPair('acme', 'missing');
  } catch (err) {
    const notFound: ErrorCode = ERROR_CODES.PAIR_NOT_FOUND;
    if (err instanceof DrError && err.code === notFound) console.log(err.details);
  }
  const pairs: EnginePair[] = sim.listPairs('acme').items;
  console.log(pairs.length);
  sim.close();
}
