// The list cache must never serve a stale page: every change of state or of the clock shows.
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/server/app.js';
import { createSimulator } from '../../src/sim/index.js';

describe('GET /v1/dr-pairs served from the read cache', () => {
  it('reflects every action and every clock move, and equals the engine’s own page', async () => {
    const sim = createSimulator({ seed: 3, progression: { default: 'immediate' } });
    const app = createApp({ sim });
    const headers = { Authorization: 'Bearer t' };
    const list = async () =>
      (await (await app.request('/v1/dr-pairs', { headers })).json()) as {
        items: { status: string; replication: { rpoSeconds: number | null } }[];
      };
    const main = sim.createServer('t', { name: 'web', region: 'r' });
    const pair = sim.attach('t', {
      mainServerId: main.id,
      shadow: { region: 'r', vpcId: 'v', subnetId: 's' },
    });
    expect((await list()).items[0]?.status).toBe('ATTACHED');
    sim.act('t', pair.id, { action: 'startReplication', shadowName: 'web-dr', intervalHours: 1 });
    expect((await list()).items[0]?.status).toBe('REPLICATING');
    const before = (await list()).items[0]!.replication.rpoSeconds;
    sim.advance('5m');
    expect((await list()).items[0]!.replication.rpoSeconds).toBe((before ?? 0) + 300);
    sim.act('t', pair.id, { action: 'stopReplication' });
    const page = await list();
    expect(page.items[0]?.status).toBe('PAUSED');
    expect(page).toEqual(JSON.parse(JSON.stringify(sim.listPairs('t'))));
  });
});

describe('GET /v1/jobs/{id} served from the read cache', () => {
  it('shows every step a job takes, by the clock or by hand, and equals the engine’s own job', async () => {
    const sim = createSimulator({ seed: 4, progression: { default: 'clock', restartReplication: 'manual' } });
    const app = createApp({ sim });
    const headers = { Authorization: 'Bearer t' };
    const get = async (id: string) =>
      (await (await app.request(`/v1/jobs/${id}`, { headers })).json()) as {
        status: string;
        steps: { status: string }[];
      };
    const main = sim.createServer('t', { name: 'web', region: 'r' });
    const pair = sim.attach('t', {
      mainServerId: main.id,
      shadow: { region: 'r', vpcId: 'v', subnetId: 's' },
    });
    const start = sim.act('t', pair.id, {
      action: 'startReplication',
      shadowName: 'web-dr',
      intervalHours: 1,
    });
    expect((await get(start.id)).status).toBe('RUNNING');
    sim.advance('2h');
    expect((await get(start.id)).status).toBe('SUCCEEDED');
    const restart = sim.act('t', pair.id, { action: 'restartReplication' });
    const before = await get(restart.id);
    expect(await get(restart.id)).toEqual(before);
    sim.stepJob('t', restart.id);
    const after = await get(restart.id);
    expect(after.steps.filter((s) => s.status === 'SUCCEEDED').length).toBe(
      before.steps.filter((s) => s.status === 'SUCCEEDED').length + 1,
    );
    expect(after).toEqual(JSON.parse(JSON.stringify(sim.getJob('t', restart.id))));
  });
});
