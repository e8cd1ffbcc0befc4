/**
 * The documented dialogs over HTTP (issue #12): the region catalogue a client lists to fill them,
 * Start Replication with full network settings in another region, Test Failover of the current
 * time with a floating IP, and the refusals the regions give.
 */
import { describe, expect, it } from 'vitest';
import { act, advance, createServer, expectProblem, makeApp } from './helpers.js';

describe('the dialogs over HTTP', () => {
  it('lists the regions, starts replication with network settings elsewhere, tests the current time', async () => {
    const { call } = makeApp();
    const regions = await call('GET', '/v1/regions');
    expect(regions.status).toBe(200);
    const han = regions.body.items.find((r: { id: string }) => r.id === 'HAN-1');
    expect(han.vpcs[0].subnets[0]).toMatchObject({ id: expect.any(String), cidr: expect.any(String) });
    expect((await call('GET', '/v1/regions/HAN-1')).body.id).toBe('HAN-1');
    expectProblem(await call('GET', '/v1/regions/MARS-1'), 404);

    const server = await createServer(call);
    const pair = await call('POST', '/v1/dr-pairs', {
      body: {
        mainServerId: server.id,
        shadow: { region: 'HCM-3', vpcId: 'vpc-dr-hcm', subnetId: 'subnet-dr-hcm-a' },
      },
    });
    expect(pair.status).toBe(201);
    const vpc = han.vpcs[0];
    const network = {
      vpcId: vpc.id,
      subnetId: vpc.subnets[0].id,
      privateIp: '10.30.1.50',
      floatingIp: true,
      securityGroupId: han.securityGroups[0].id,
    };
    const start = await act(call, pair.body.id, 'start-replication', {
      shadowName: 'web-01-dr',
      region: 'HAN-1',
      intervalHours: 4,
      network,
      placementGroupId: han.placementGroups[0].id,
      flavor: han.flavors[0].id,
    });
    expect(start.status, JSON.stringify(start.body)).toBe(202);
    await advance(call, '1h');
    const replicating = (await call('GET', `/v1/dr-pairs/${pair.body.id}`)).body;
    expect(replicating.status).toBe('REPLICATING');
    expect(replicating.shadowPlacement).toMatchObject({
      region: 'HAN-1',
      vpcId: vpc.id,
      subnetId: vpc.subnets[0].id,
    });
    const shadow = (await call('GET', `/v1/servers/${replicating.shadowServer.id}`)).body;
    expect(shadow).toMatchObject({
      region: 'HAN-1',
      powerState: 'STOPPED',
      network: { privateIp: '10.30.1.50' },
    });

    const test = await act(call, pair.body.id, 'test-failover', {
      testServerName: 'web-01-test',
      recoveryPointId: 'now',
      network: { floatingIp: true },
    });
    expect(test.status, JSON.stringify(test.body)).toBe(202);
    await advance(call, '30m');
    const tested = (await call('GET', `/v1/dr-pairs/${pair.body.id}`)).body;
    expect(tested.testFailover).toMatchObject({ state: 'READY', recoveryPointId: 'now' });
    const testServer = (await call('GET', `/v1/servers/${tested.testFailover.testServer.id}`)).body;
    expect(testServer.region).toBe('HAN-1');
    expect(testServer.network.floatingIp).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
  });

  it('refuses a security group of another region with 422 NOT_IN_REGION naming the field', async () => {
    const { call } = makeApp();
    const server = await createServer(call);
    const pair = await call('POST', '/v1/dr-pairs', {
      body: {
        mainServerId: server.id,
        shadow: { region: 'HCM-3', vpcId: 'vpc-dr-hcm', subnetId: 'subnet-dr-hcm-a' },
      },
    });
    const res = await act(call, pair.body.id, 'start-replication', {
      shadowName: 'web-01-dr',
      region: 'HAN-1',
      intervalHours: 1,
      network: { securityGroupId: 'sg-hcm-web' },
    });
    expectProblem(res, 422, 'NOT_IN_REGION');
    expect(res.body).toMatchObject({ field: 'network.securityGroupId', region: 'HAN-1' });
    const other = await createServer(call, 'web-02');
    const attach = await call('POST', '/v1/dr-pairs', {
      body: { mainServerId: other.id, shadow: { region: 'HAN-1', vpcId: 'vpc-dr-hcm', subnetId: 'x' } },
    });
    expectProblem(attach, 422, 'NOT_IN_REGION');
  });

  it('the control API replaces and resets the catalogue', async () => {
    const { call } = makeApp();
    const put = await call('PUT', '/_sim/regions', {
      body: {
        strict: true,
        regions: [
          { id: 'SGN-1', volumeTypes: [{ type: 'SSD', maxIops: 5000 }], flavors: [{ id: 'general.2c4g' }] },
        ],
      },
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body.regions[0]).toMatchObject({
      id: 'SGN-1',
      name: 'SGN-1',
      volumeTypes: [{ defaultIops: 3000 }],
    });
    expect((await call('GET', '/v1/regions')).body.items.map((r: { id: string }) => r.id)).toEqual(['SGN-1']);
    expectProblem(
      await call('PUT', '/_sim/regions', { body: { regions: [{ id: 'X', volumeTypes: [], flavors: [] }] } }),
      400,
    );
    const reset = await call('DELETE', '/_sim/regions');
    expect(reset.body.regions.map((r: { id: string }) => r.id)).toEqual(['HCM-3', 'HAN-1']);
  });
});
