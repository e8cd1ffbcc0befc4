/**
 * `startDrsim` (drsim/testing): each instance is its own world — port or no port, its own
 * tenant, seed and clock — and the options reach the simulator.
 */
import { describe, expect, it } from 'vitest';
import { DrsimApiError, IN_PROCESS_URL, startDrsim } from '../../src/testing/index.js';

describe('startDrsim', () => {
  it('starts isolated instances, on a port or in-process', async () => {
    const [onPort, inProcess] = await Promise.all([
      startDrsim({ seed: 9 }),
      startDrsim({ seed: 9, inProcess: true }),
    ]);
    try {
      expect(onPort.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(inProcess.url).toBe(IN_PROCESS_URL);
      expect(onPort.token).not.toBe(inProcess.token);
      expect(onPort.tenant).toBe(onPort.token);

      // The same seed gives the same ids; each has its own clock.
      const a = await onPort.client.servers.create({ name: 'web-01', region: 'HCM-3' });
      const b = await inProcess.client.servers.create({ name: 'web-01', region: 'HCM-3' });
      expect(a.id).toBe(b.id);
      await onPort.client.sim.advance('2h');
      expect((await onPort.client.sim.clock()).now).toBe('2026-01-05T02:00:00.000Z');
      expect((await inProcess.client.sim.clock()).now).toBe('2026-01-05T00:00:00.000Z');
      expect(onPort.sim.clock().now).toBe('2026-01-05T02:00:00.000Z');
      expect((await onPort.client.sim.health()).seed).toBe(9);
    } finally {
      await Promise.all([onPort.stop(), inProcess.stop()]);
    }
    await onPort.stop(); // twice is fine
    await inProcess.stop();
    await expect(fetch(`${onPort.url}/_sim/health`)).rejects.toThrow();
  });

  it.each([false, true])('applies the progression (inProcess: %s)', async (inProcessMode) => {
    const drsim = await startDrsim({
      progression: { default: 'immediate', failover: 'manual' },
      inProcess: inProcessMode,
    });
    try {
      expect(await drsim.client.sim.progression()).toMatchObject({
        default: 'immediate',
        failover: 'manual',
      });
      const server = await drsim.client.servers.create({ name: 'web-01', region: 'HCM-3' });
      const pair = await drsim.client.pairs.attach({
        mainServerId: server.id,
        shadow: { region: 'HAN-1', vpcId: 'vpc-dr', subnetId: 'subnet-dr-a' },
      });
      const job = await drsim.client.pairs.startReplication(pair.id, {
        shadowName: 'web-01-shadow',
        intervalHours: 1,
      });
      expect(job.status).toBe('SUCCEEDED');
    } finally {
      await drsim.stop();
    }
    const single = await startDrsim({ progression: 'manual', inProcess: inProcessMode });
    expect(single.sim.progression().default).toBe('manual');
    await single.stop();
  });

  it.each([false, true])(
    "gives the client's world as asked for, opened on its first use (inProcess: %s)",
    async (inProcessMode) => {
      const drsim = await startDrsim({ seed: 5, inProcess: inProcessMode });
      const untouched = await startDrsim({ seed: 5, inProcess: inProcessMode });
      try {
        // Listed with its seed and clock before anything used it, as it is after.
        const listed = drsim.worlds.list();
        expect(listed).toEqual([
          {
            tenant: drsim.tenant,
            seed: 5,
            ephemeral: false,
            clock: {
              now: '2026-01-05T00:00:00.000Z',
              mode: 'manual',
              speed: 1,
              timeZone: 'Asia/Ho_Chi_Minh',
            },
          },
        ]);
        expect((await drsim.client.sim.health()).worldSeed).toBe(5);
        const server = await drsim.client.servers.create({ name: 'web-01', region: 'HCM-3' });
        expect(drsim.worlds.list()).toEqual(listed);
        expect(drsim.sim).toBe(drsim.worlds.get(drsim.tenant));
        expect(drsim.sim.getServer(drsim.tenant, server.id).id).toBe(server.id);
      } finally {
        await Promise.all([drsim.stop(), untouched.stop()]);
      }
      // After stop, `sim` is the closed simulator, whether or not anything used the world.
      for (const stopped of [drsim, untouched]) {
        expect(stopped.sim.seed).toBe(5);
        expect(() => stopped.sim.listServers(stopped.tenant)).toThrow(/not open/);
      }
    },
  );
});

describe('startDrsim with tokens', () => {
  it.each([false, true])('serves the tokens with their policies (inProcess: %s)', async (inProcess) => {
    const drsim = await startDrsim({
      inProcess,
      seed: 4,
      adminToken: 'root',
      tokens: [
        'ops:acme:full',
        { token: 'viewer', tenant: 'acme', policy: 'read-only' },
        'nobody:acme:none',
        'starter:acme:custom=vserver:GetServer,vserver:CreateServer',
      ],
    });
    try {
      expect(drsim.token).toBe('ops');
      expect(drsim.tenant).toBe('acme');
      const server = await drsim.client.servers.create({ name: 'web-01', region: 'HCM-3' });
      expect(drsim.sim.getServer('acme', server.id).name).toBe('web-01');

      // The read-only token reads the same tenant's data and is refused every write.
      const viewer = drsim.clientFor('viewer');
      expect((await viewer.servers.get(server.id)).id).toBe(server.id);
      const refused = await viewer.servers
        .create({ name: 'web-02', region: 'HCM-3' })
        .catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(DrsimApiError);
      expect(refused).toMatchObject({ status: 403, code: 'FORBIDDEN' });

      await expect(drsim.clientFor('nobody').servers.list()).rejects.toMatchObject({ status: 403 });
      const starter = drsim.clientFor('starter');
      expect((await starter.servers.create({ name: 'web-03', region: 'HCM-3' })).name).toBe('web-03');
      await expect(starter.servers.list()).rejects.toMatchObject({ status: 403, code: 'FORBIDDEN' });

      // Unknown tokens are refused: tokens end development mode.
      await expect(drsim.clientFor('stranger').servers.list()).rejects.toMatchObject({ status: 401 });
      // The control API wants the admin token, which every client of startDrsim sends.
      expect((await drsim.client.sim.clock()).now).toBe('2026-01-05T00:00:00.000Z');
      if (!inProcess) {
        const advance = (headers: Record<string, string>) =>
          fetch(`${drsim.url}/_sim/clock/advance`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...headers },
            body: JSON.stringify({ by: '1h' }),
          });
        expect((await advance({ authorization: 'Bearer viewer' })).status).toBe(403);
        expect(
          (await advance({ authorization: 'Bearer viewer', 'x-drsim-admin-token': 'root' })).status,
        ).toBe(200);
      }
    } finally {
      await drsim.stop();
    }
  });

  it('picks the client token among the tokens, and refuses a bad one', async () => {
    const drsim = await startDrsim({ inProcess: true, tokens: ['a:t1:full', 'b:t2:read-only'], token: 'b' });
    try {
      expect([drsim.token, drsim.tenant]).toEqual(['b', 't2']);
      expect(drsim.sim).toBe(drsim.worlds.get('t2'));
    } finally {
      await drsim.stop();
    }
    await expect(startDrsim({ tokens: ['a:t1:full'], token: 'z' })).rejects.toThrow(/not one of the tokens/);
    await expect(startDrsim({ tokens: ['a:t1:owner'] })).rejects.toThrow(/tokens\[0\]/);
    await expect(
      startDrsim({ tokens: [{ token: 'a', tenant: 't', policy: 'admin' as 'full' }] }),
    ).rejects.toThrow(/tokens\[0\]/);
  });

  it('seeds the demo tenant and runs realtime clocks on request', async () => {
    const drsim = await startDrsim({ inProcess: true, demo: true, token: 'demo', speed: 60 });
    try {
      expect((await drsim.client.pairs.list()).items.length).toBeGreaterThan(0);
      expect((await drsim.client.sim.clock()).mode).toBe('realtime');
    } finally {
      await drsim.stop();
    }
  });
});
