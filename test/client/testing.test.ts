/**
 * `startDrsim` (drsim/testing): each instance is its own world — port or no port, its own
 * tenant, seed and clock — and the options reach the simulator.
 */
import { describe, expect, it } from 'vitest';
import { IN_PROCESS_URL, startDrsim } from '../../src/testing/index.js';

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
});
