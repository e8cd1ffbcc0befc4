/**
 * An advance over HTTP runs in slices: other requests are answered while it runs, two advances
 * never interleave, and the result is byte for byte that of one uninterrupted advance.
 */
import { describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/sim/contract.js';
import { createSimulator } from '../../src/sim/index.js';
import { makeApp } from './helpers.js';

function protect(sim: Simulator, pairs: number): void {
  for (let i = 0; i < pairs; i++) {
    const server = sim.createServer('acme', { name: `web-${i}`, region: 'HCM01', files: { a: String(i) } });
    const pair = sim.attach('acme', {
      mainServerId: server.id,
      shadow: { region: 'HAN01', vpcId: 'v', subnetId: 's' },
    });
    sim.act('acme', pair.id, { action: 'startReplication', shadowName: `web-${i}-dr`, intervalHours: 1 });
  }
}

describe('POST /_sim/clock/advance', () => {
  it('answers other requests while a long advance runs, and ends where one advance would', async () => {
    const sim = createSimulator({ seed: 11, historyRetentionDays: 3 });
    protect(sim, 6);
    const { call } = makeApp({ sim });
    const order: string[] = [];
    const advancing = call('POST', '/_sim/clock/advance', { body: { by: '20d' } }).then((res) => {
      order.push('advance');
      return res;
    });
    const queued = call('POST', '/_sim/clock/advance', { body: { by: '1d' } }).then((res) => {
      order.push('second advance');
      return res;
    });
    // A read while the advance runs sees simulated time part of the way there.
    let seen = '2026-01-05T00:00:00.000Z';
    for (let i = 0; i < 10_000 && seen === '2026-01-05T00:00:00.000Z'; i++) {
      seen = (await call('GET', '/_sim/clock')).body.now;
    }
    order.push('health');
    const healthy = await call('GET', '/_sim/health');
    const [advanced, second] = await Promise.all([advancing, queued]);
    expect(seen > '2026-01-05T00:00:00.000Z' && seen < '2026-01-25T00:00:00.000Z', seen).toBe(true);
    expect(healthy.status).toBe(200);
    expect(order).toEqual(['health', 'advance', 'second advance']);
    expect(advanced.status).toBe(200);
    expect(advanced.body).toMatchObject({ from: '2026-01-05T00:00:00.000Z', to: '2026-01-25T00:00:00.000Z' });
    expect(advanced.body.fired).toBeGreaterThan(20 * 96);
    expect(second.body).toMatchObject({ from: '2026-01-25T00:00:00.000Z', to: '2026-01-26T00:00:00.000Z' });

    const twin = createSimulator({ seed: 11, historyRetentionDays: 3 });
    protect(twin, 6);
    expect(twin.advance('20d').fired).toBe(advanced.body.fired);
    twin.advance('1d');
    expect(JSON.stringify(sim.exportState())).toBe(JSON.stringify(twin.exportState()));
  });

  it('refuses an advance to the past before doing anything', async () => {
    const { call } = makeApp();
    await call('POST', '/_sim/clock/advance', { body: { by: '1h' } });
    const res = await call('POST', '/_sim/clock/advance', { body: { to: '2026-01-05T00:30:00.000Z' } });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('CLOCK_IN_PAST');
  });
});
