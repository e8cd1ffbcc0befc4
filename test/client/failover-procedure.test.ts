/**
 * The user's whole failover procedure through the typed client, against a served drsim and
 * in-process: replicate, fail over to the latest recovery point, check the shadow holds that
 * point's data, change the point, commit, and see that replication is over for good.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DrsimClient, type FileEntry, listAll } from '../../src/client/index.js';
import { type RunningDrsim, startDrsim } from '../../src/testing/index.js';

const SHADOW = { region: 'HAN-1', vpcId: 'vpc-dr', subnetId: 'subnet-dr-a' };
/** What "the same data" means: the same paths with the same content. */
const contentOf = (files: FileEntry[]) =>
  files.map(({ path, checksum }) => ({ path, checksum })).sort((a, b) => a.path.localeCompare(b.path));

describe.each([
  { mode: 'on a port', inProcess: false },
  { mode: 'in-process', inProcess: true },
])('failover procedure through the client ($mode)', ({ inProcess }) => {
  let drsim: RunningDrsim;
  let client: DrsimClient;

  beforeAll(async () => {
    drsim = await startDrsim({ seed: 11, inProcess });
    client = drsim.client;
  });
  afterAll(() => drsim.stop());

  it('replicates, fails over to the latest point, changes it, and commits', async () => {
    // A server with data, attached.
    const main = await client.servers.create({
      name: 'web-01',
      region: 'HCM-3',
      files: { 'etc/hostname': 'web-01', 'var/www/index.html': '<h1>v1</h1>' },
    });
    expect(main.powerState).toBe('RUNNING');
    const attached = await client.pairs.attach({ mainServerId: main.id, shadow: SHADOW });
    expect(attached.status).toBe('ATTACHED');
    expect(attached.allowedActions).toContain('startReplication');

    // Start replication; the clock moves a minute per poll instead of the test waiting.
    const start = await client.pairs.startReplication(attached.id, {
      shadowName: 'web-01-shadow',
      intervalHours: 1,
    });
    expect(start.status).toBe('RUNNING');
    const started = await client.waitForJob(start, { advance: '1m' });
    expect(started.status).toBe('SUCCEEDED');
    expect(started.steps.every((step) => step.status === 'SUCCEEDED' || step.status === 'SKIPPED')).toBe(
      true,
    );
    const replicating = await client.pairs.get(attached.id);
    expect(replicating.status).toBe('REPLICATING');
    expect(replicating.shadowServer?.role).toBe('SHADOW');

    // The data changes between recovery points, so each point captures something different.
    await client.servers.writeFile(main.id, 'var/www/index.html', '<h1>v2</h1>');
    await client.sim.advance('1h');
    await client.servers.writeFile(main.id, 'var/www/index.html', '<h1>v3</h1>');
    await client.servers.writeFile(main.id, 'var/log/app.log', 'deployed v3\n');
    await client.sim.advance('1h');

    const points = await listAll((page) => client.pairs.recoveryPoints(attached.id, page), { pageSize: 1 });
    expect(points.length).toBeGreaterThanOrEqual(2);
    const createdAt = points.map((point) => point.createdAt);
    expect(createdAt).toEqual([...createdAt].sort().reverse());
    const [latest, older] = points as [(typeof points)[0], (typeof points)[0]];
    expect(latest.dataVersion).toBeGreaterThan(older.dataVersion);
    expect((await client.pairs.get(attached.id)).allowedActions).toContain('failover');

    // Fail over to the latest point: replication stops, the shadow runs with that point's data.
    const failover = await client.waitForJob(
      await client.pairs.failover(attached.id, { recoveryPointId: latest.id }),
      {
        advance: '1m',
      },
    );
    expect(failover.status).toBe('SUCCEEDED');
    const failedOver = await client.pairs.get(attached.id);
    expect(failedOver.status).toBe('FAILED_OVER');
    expect(failedOver.activeRecoveryPointId).toBe(latest.id);
    expect(failedOver.allowedActions).toEqual(
      expect.arrayContaining(['changeRecoveryPoint', 'commitFailover']),
    );
    const shadowId = failedOver.shadowServer!.id;
    expect((await client.servers.get(shadowId)).powerState).toBe('RUNNING');
    const latestFiles = await client.pairs.recoveryPointFiles(attached.id, latest.id);
    expect(contentOf(await client.servers.files(shadowId))).toEqual(contentOf(latestFiles));
    expect((await client.servers.readFile(shadowId, 'var/www/index.html')).content).toBe('<h1>v3</h1>');

    // Change to the older point: the shadow is restored to it.
    const change = await client.waitForJob(
      await client.pairs.changeRecoveryPoint(attached.id, { recoveryPointId: older.id }),
      { advance: '1m' },
    );
    expect(change.status).toBe('SUCCEEDED');
    const changed = await client.pairs.get(attached.id);
    expect(changed.status).toBe('FAILED_OVER');
    expect(changed.activeRecoveryPointId).toBe(older.id);
    const olderFiles = await client.pairs.recoveryPointFiles(attached.id, older.id);
    expect(contentOf(await client.servers.files(shadowId))).toEqual(contentOf(olderFiles));
    expect(contentOf(olderFiles)).not.toEqual(contentOf(latestFiles));

    // Commit, deleting every recovery point: the shadow is the primary now.
    const commit = await client.waitForJob(
      await client.pairs.commitFailover(attached.id, { deleteAllRecoveryPoints: true }),
      { advance: '1m' },
    );
    expect(commit.status).toBe('SUCCEEDED');
    const committed = await client.pairs.get(attached.id);
    expect(committed.status).toBe('COMMITTED');
    expect(committed.allowedActions).not.toContain('startReplication');
    expect(committed.allowedActions).not.toContain('failover');
    expect((await client.servers.get(shadowId)).role).toBe('PRIMARY');
    expect((await client.servers.get(main.id)).role).toBe('RETIRED');
    expect((await client.pairs.recoveryPoints(attached.id)).items).toEqual([]);

    // No replication after commit: hours pass and no recovery point appears.
    const before = (await client.sim.clock()).now;
    await client.sim.advance('6h');
    expect((await client.pairs.recoveryPoints(attached.id)).items).toEqual([]);
    const history = await listAll((page) => client.pairs.history(attached.id, page), { pageSize: 500 });
    expect(history.some((event) => event.kind === 'recoveryPoint.created')).toBe(true);
    expect(history.filter((event) => event.kind === 'recoveryPoint.created' && event.at > before)).toEqual(
      [],
    );
    expect((await client.pairs.get(attached.id)).status).toBe('COMMITTED');

    // The pair's jobs tell the same story, oldest first.
    const jobs = await listAll((page) => client.pairs.jobs(attached.id, page));
    expect(jobs.map((job) => [job.type, job.status])).toEqual([
      ['startReplication', 'SUCCEEDED'],
      ['failover', 'SUCCEEDED'],
      ['changeRecoveryPoint', 'SUCCEEDED'],
      ['commitFailover', 'SUCCEEDED'],
    ]);
    expect((await client.sim.checks()).ok).toBe(true);
  });

  it('runs the other actions: test failover, stop, resume, restart, detach', async () => {
    const server = await client.servers.create({
      name: 'app-01',
      region: 'HCM-3',
      files: { 'etc/hostname': 'app-01' },
    });
    const { id: pairId } = await client.pairs.attach({ mainServerId: server.id, shadow: SHADOW });
    await client.waitForJob(
      await client.pairs.startReplication(pairId, { shadowName: 'app-01-shadow', intervalHours: 1 }),
      {
        advance: '1m',
      },
    );
    await client.sim.advance('3h');
    // Hourly points: retention keeps them for a while, unlike the newest 15-minute point, which the
    // next tick may delete while a job is still restoring from it.
    const hourly = (await client.pairs.recoveryPoints(pairId)).items.filter((point) =>
      point.tags.includes('interval'),
    );
    const [latest, older] = hourly;
    const run = async (started: Promise<{ id: string; type: string }>) => {
      const job = await client.waitForJob(await started, { advance: '1m' });
      const pair = await client.pairs.get(pairId);
      return {
        job: `${job.type} ${job.status}`,
        status: pair.status,
        test: pair.testFailover?.state ?? null,
      };
    };

    expect(
      await run(
        client.pairs.testFailover(pairId, { testServerName: 'app-01-test', recoveryPointId: latest!.id }),
      ),
    ).toEqual({ job: 'testFailover SUCCEEDED', status: 'REPLICATING', test: 'READY' });
    const tested = await client.pairs.get(pairId);
    expect(tested.testFailover).toMatchObject({
      recoveryPointId: latest!.id,
      testServer: { name: 'app-01-test' },
    });
    expect(await run(client.pairs.changeTestRecoveryPoint(pairId, { recoveryPointId: older!.id }))).toEqual({
      job: 'changeTestRecoveryPoint SUCCEEDED',
      status: 'REPLICATING',
      test: 'READY',
    });
    expect((await client.pairs.get(pairId)).testFailover?.recoveryPointId).toBe(older!.id);
    expect(await run(client.pairs.cleanTestEnvironment(pairId))).toEqual({
      job: 'cleanTestEnvironment SUCCEEDED',
      status: 'REPLICATING',
      test: null,
    });
    expect(await run(client.pairs.stopReplication(pairId))).toMatchObject({ status: 'PAUSED' });
    expect((await client.pairs.list({ status: 'PAUSED' })).items.map((pair) => pair.id)).toEqual([pairId]);
    expect(await run(client.pairs.resumeReplication(pairId))).toMatchObject({ status: 'REPLICATING' });
    expect(await run(client.pairs.restartReplication(pairId))).toMatchObject({
      job: 'restartReplication SUCCEEDED',
      status: 'REPLICATING',
    });
    expect(await run(client.pairs.detach(pairId))).toEqual({
      job: 'detach SUCCEEDED',
      status: 'DETACHED',
      test: null,
    });
    expect((await client.pairs.get(pairId)).allowedActions).toEqual([]);
    expect((await client.sim.checks()).ok).toBe(true);
  });
});
