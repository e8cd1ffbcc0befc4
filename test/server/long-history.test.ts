/**
 * A long simulation through the API stays bounded: pairs replicating hourly with a background
 * workload, a retention of 2 days, advanced day after day — the stored rows stop growing, and
 * export (streamed, with its Content-Length), snapshot, restore and the checkers all work at the
 * end. (`npm run bench:history` runs the same for 10 simulated years.)
 */
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/server/app.js';
import { createWorlds } from '../../src/sim/index.js';
import { act, advance, attach, type Call, createServer } from './helpers.js';

function app() {
  const worlds = createWorlds({ seed: 3, historyRetentionDays: 2 });
  const server = createApp({ worlds });
  const call: Call = async (method, path, { body } = {}) => {
    const res = await server.request(path, {
      method,
      headers: {
        Authorization: 'Bearer alice',
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text === '' ? null : JSON.parse(text) };
  };
  return { worlds, call };
}

const rows = (state: Record<string, unknown>) =>
  Object.fromEntries(
    ['files', 'events', 'jobs', 'recoveryPoints', 'idempotency'].map((k) => [
      k,
      (state[k] as unknown[]).length,
    ]),
  );

describe('a long simulation through the API', () => {
  it('keeps the stored rows bounded; export, snapshot, restore and checks work', async () => {
    const { worlds, call } = app();
    for (let i = 0; i < 2; i++) {
      const server = await createServer(call, `web-0${i}`);
      expect(
        (await call('PUT', `/_sim/servers/${server.id}/workload`, { body: { writesPerMinute: 1 } })).status,
      ).toBe(204);
      const pair = await attach(call, server.id);
      expect(
        (await act(call, pair.id, 'start-replication', { shadowName: `web-0${i}-dr`, intervalHours: 1 }))
          .status,
      ).toBe(202);
    }
    // Recovery points live up to 30 days (retention), and what they captured with them.
    await advance(call, '32d');
    const early = rows(worlds.get('alice').exportState() as never);
    for (let day = 0; day < 4; day++) await advance(call, '2d');
    const late = rows(worlds.get('alice').exportState() as never);
    for (const key of Object.keys(late)) {
      expect(late[key], `${key}: ${JSON.stringify({ early, late })}`).toBeLessThanOrEqual(
        Math.ceil(early[key]! * 1.1) + 5,
      );
    }
    expect(late.jobs, 'the start jobs ended days ago').toBe(0);

    const exported = await call('GET', '/_sim/state');
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-length')).toBe(
      String(Buffer.byteLength(JSON.stringify(exported.body))),
    );
    expect(JSON.stringify(exported.body)).toBe(JSON.stringify(worlds.get('alice').exportState()));
    expect((await call('POST', '/_sim/snapshots', { body: { name: 'late' } })).status).toBe(201);
    await advance(call, '1d');
    expect((await call('POST', '/_sim/snapshots/late/restore')).status).toBe(204);
    expect((await call('GET', '/_sim/state')).body).toEqual(exported.body);
    const checks = await call('GET', '/_sim/checks');
    expect(checks.body.ok, JSON.stringify(checks.body)).toBe(true);
    expect((await call('PUT', '/_sim/state', { body: exported.body })).status).toBe(204);

    const whole = await call('GET', '/_sim/state?scope=server');
    expect(JSON.stringify(whole.body)).toBe(JSON.stringify(worlds.exportState()));
    worlds.close();
  });
});
