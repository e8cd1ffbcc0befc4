// A plain Node ESM consumer of the installed package: no TypeScript, no loader, no config.
// attach → start → advance → failover → commit, in-process and over HTTP; prints what it saw.
import assert from 'node:assert/strict';
import { createSimulator, DrError } from 'drsim';
import { createClient, DrsimApiError } from 'drsim/client';
import { startDrsim, DrsimApiError as TestingApiError } from 'drsim/testing';

const SHADOW = { region: 'HAN-1', vpcId: 'vpc-dr', subnetId: 'subnet-dr-a' };

// In-process: the engine itself.
const sim = createSimulator({ seed: 42 });
const main = sim.createServer('acme', { name: 'web-1', region: 'HCM-3', files: { 'db/data.txt': 'v1' } });
const pair = sim.attach('acme', { mainServerId: main.id, shadow: SHADOW });
sim.act('acme', pair.id, { action: 'startReplication', shadowName: 'web-1-dr', intervalHours: 4 });
sim.advance('1h');
const [latest] = sim.listRecoveryPoints('acme', pair.id).items;
sim.act('acme', pair.id, { action: 'failover', recoveryPointId: latest.id });
sim.advance('10m');
assert.equal(sim.getPair('acme', pair.id).status, 'FAILED_OVER');
sim.act('acme', pair.id, { action: 'commitFailover', deleteAllRecoveryPoints: false });
sim.advance('10m');
assert.equal(sim.getPair('acme', pair.id).status, 'COMMITTED');
assert.throws(() => sim.getPair('acme', 'no-such-pair'), DrError);
sim.close();
console.log('in-process: COMMITTED');

// Over HTTP: startDrsim on a free port, the typed client, the same lifecycle.
const drsim = await startDrsim({ seed: 7 });
try {
  const client = drsim.client;
  const web = await client.servers.create({ name: 'web-2', region: 'HCM-3' });
  const remotePair = await client.pairs.attach({ mainServerId: web.id, shadow: SHADOW });
  const start = await client.pairs.startReplication(remotePair.id, {
    shadowName: 'web-2-dr',
    intervalHours: 1,
  });
  await client.waitForJob(start, { advance: '1m' });
  await client.sim.advance('2h');
  const [point] = (await client.pairs.recoveryPoints(remotePair.id, { limit: 1 })).items;
  const failover = await client.pairs.failover(remotePair.id, { recoveryPointId: point.id });
  assert.equal((await client.waitForJob(failover, { advance: '1m' })).status, 'SUCCEEDED');
  const commit = await client.pairs.commitFailover(remotePair.id, { deleteAllRecoveryPoints: false });
  assert.equal((await client.waitForJob(commit, { advance: '1m' })).status, 'SUCCEEDED');
  assert.equal((await client.pairs.get(remotePair.id)).status, 'COMMITTED');

  // A second client against the same URL, and an error that is one class across entry points.
  const other = createClient({ baseUrl: drsim.url, token: drsim.token });
  const refusal = await other.pairs.get('no-such-pair').catch((err) => err);
  assert.ok(refusal instanceof DrsimApiError, `expected DrsimApiError, got ${refusal}`);
  assert.equal(DrsimApiError, TestingApiError);
  assert.equal(refusal.status, 404);
  console.log(`http: COMMITTED at ${drsim.url.replace(/:\d+$/, ':<port>')}`);
} finally {
  await drsim.stop();
}
