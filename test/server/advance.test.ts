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

/** A client polls with a pause (app.request alone never leaves the microtask queue). */
const pause = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('advance jobs (POST /_sim/clock/advance?async=true)', () => {
  it('answers 202 at once, shows progress while other requests are answered, and ends where sync advances would', async () => {
    const sim = createSimulator({ seed: 12, historyRetentionDays: 3 });
    protect(sim, 2);
    const { call } = makeApp({ sim });
    const refused = await call('POST', '/_sim/clock/advance', { body: { by: '400d' } });
    expect(refused.status).toBe(400);
    expect(refused.body.detail).toMatch(/async=true/);

    const accepted = await call('POST', '/_sim/clock/advance?async=true', { body: { by: '30d' } });
    expect(accepted.status).toBe(202);
    expect(accepted.body).toMatchObject({
      from: '2026-01-05T00:00:00.000Z',
      to: '2026-02-04T00:00:00.000Z',
      percent: 0,
      endedAt: null,
    });
    expect(accepted.headers.get('location')).toBe(`/_sim/advances/${accepted.body.id}`);
    const location = accepted.headers.get('location')!;
    const seen: { status: string; percent: number; reached: string }[] = [];
    for (let i = 0; i < 2000; i++) {
      const job = (await call('GET', location)).body;
      seen.push(job);
      expect((await call('GET', '/_sim/health')).status).toBe(200);
      if (job.endedAt !== null) break;
      await pause();
    }
    const last = seen.at(-1)!;
    expect(last).toMatchObject({ status: 'SUCCEEDED', percent: 100, reached: '2026-02-04T00:00:00.000Z' });
    const partway = seen.filter((j) => j.status === 'RUNNING' && j.percent > 0 && j.percent < 100);
    expect(partway.length, 'progress seen while it ran').toBeGreaterThan(0);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.reached >= seen[i - 1]!.reached).toBe(true);
    expect((await call('GET', '/_sim/clock')).body.now).toBe('2026-02-04T00:00:00.000Z');

    const twin = createSimulator({ seed: 12, historyRetentionDays: 3 });
    protect(twin, 2);
    twin.advance('30d');
    expect(last).toMatchObject({ fired: expect.any(Number) });
    expect(JSON.stringify(sim.exportState())).toBe(JSON.stringify(twin.exportState()));
  });

  it('covers more than 366 days in one job, and stops at its next slice when cancelled', async () => {
    const sim = createSimulator({ seed: 13 });
    protect(sim, 1);
    const { call } = makeApp({ sim });
    const job = (await call('POST', '/_sim/clock/advance?async=true', { body: { by: '3650d' } })).body;
    expect(job.to).toBe('2036-01-03T00:00:00.000Z');
    let running = job;
    while (running.status !== 'RUNNING' || running.reached === job.from) {
      await pause();
      running = (await call('GET', `/_sim/advances/${job.id}`)).body;
    }
    const cancelled = await call('DELETE', `/_sim/advances/${job.id}`);
    expect(cancelled.status).toBe(202);
    let ended = cancelled.body;
    while (ended.endedAt === null) {
      await pause();
      ended = (await call('GET', `/_sim/advances/${job.id}`)).body;
    }
    expect(ended.status).toBe('CANCELLED');
    expect(ended.reached < job.to).toBe(true);
    expect((await call('GET', '/_sim/clock')).body.now).toBe(ended.reached);
    // Time goes on from there; checks pass on what was committed.
    expect((await call('POST', '/_sim/clock/advance', { body: { by: '1h' } })).status).toBe(200);
    expect((await call('GET', '/_sim/checks')).body.ok).toBe(true);
  });

  it('refuses what the engine refuses before accepting, and hides one tenant’s jobs from another', async () => {
    const { call } = makeApp({ adminToken: 'root' });
    await call('POST', '/_sim/clock/advance', { body: { by: '1h' } });
    const past = await call('POST', '/_sim/clock/advance?async=true', {
      body: { to: '2026-01-05T00:30:00.000Z' },
    });
    expect(past.status).toBe(409);
    expect(past.body.code).toBe('CLOCK_IN_PAST');
    const tooLong = await call('POST', '/_sim/clock/advance?async=true', { body: { by: '36601d' } });
    expect(tooLong.status).toBe(400);
    const job = (await call('POST', '/_sim/clock/advance?async=true', { body: { by: '1d' } })).body;
    const other = await call('GET', `/_sim/advances/${job.id}`, { token: 'bob' });
    expect(other.status).toBe(404);
    expect(other.body.code).toBe('ADVANCE_NOT_FOUND');
    expect((await call('DELETE', `/_sim/advances/${job.id}`, { token: 'bob' })).status).toBe(404);
    expect((await call('GET', '/_sim/advances/adv-999')).status).toBe(404);
  });
});
