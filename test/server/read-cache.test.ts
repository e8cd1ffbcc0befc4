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
