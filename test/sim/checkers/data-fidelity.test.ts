/** data-fidelity: a restored server holds exactly the files its recovery point captured. */
import { describe, expect, it } from 'vitest';
import { createSimulator } from '../../../src/sim/index.js';
import { failing, lifecycle, settle, storedJob, TENANT, tampered, violationsOf } from './helpers.js';

const NAME = 'data-fidelity';

describe(NAME, () => {
  it('passes on the real lifecycle, including a change back to a point without a later file', () => {
    const { life, state } = lifecycle();
    const s = state();
    // The change back to the first point deletes data/new.txt on the shadow: a null row is read as absent.
    const shadow = s.pairs.find((p) => p.id === life.a)!.shadowServerId;
    expect(
      s.files.some((f) => f.serverId === shadow && f.path === 'data/new.txt' && f.content === null),
    ).toBe(true);
    expect(violationsOf(s, NAME)).toEqual([]);
  });

  it("reports a shadow file whose checksum differs from the point's", () => {
    const state = tampered((s, life) => {
      const shadow = s.pairs.find((p) => p.id === life.a)!.shadowServerId;
      for (const file of s.files)
        if (file.serverId === shadow && file.path === 'etc/app.conf') file.checksum = 'sha256:forged';
    });
    expect(failing(state)).toEqual([NAME]);
    const violations = violationsOf(state, NAME);
    const { jobs } = lifecycle().life;
    // The failover, the failed change (rolled back) and the change all restored that shadow.
    for (const id of [jobs.failover, jobs.failedChange, jobs.change]) {
      expect(violations.some((v) => v.includes(id) && v.includes('etc/app.conf has sha256:forged'))).toBe(
        true,
      );
    }
  });

  it('reports a file missing from the restored server', () => {
    const state = tampered((s, life) => {
      const primary = s.pairs.find((p) => p.id === life.c)!.shadowServerId;
      s.files = s.files.filter((f) => !(f.serverId === primary && f.path === 'data/c.txt'));
    });
    expect(failing(state)).toEqual([NAME]);
    expect(violationsOf(state, NAME)[0]).toContain('data/c.txt missing');
  });

  it('reports a result whose data version is not the restored one', () => {
    const state = tampered((s, life) => {
      // The shadow's version 1 is the full copy of the main's first data, not the 04:00 point's.
      storedJob(s, life.jobs.failover).result.dataVersion = 1;
    });
    expect(failing(state)).toEqual([NAME]);
    expect(violationsOf(state, NAME)[0]).toContain('at data version 1 differs');
  });

  it('reports a succeeded restore with no result', () => {
    const state = tampered((s, life) => {
      storedJob(s, life.jobs.change).result = {};
    });
    expect(failing(state)).toEqual([NAME]);
    expect(violationsOf(state, NAME)[0]).toContain('its result does not name');
  });

  it('skips a restored server that no longer exists (the cleaned test server)', () => {
    const { life, state } = lifecycle();
    const s = state();
    const testServer = storedJob(s, life.jobs.testFailover).result.serverId;
    expect(s.servers.some((srv) => srv.id === testServer)).toBe(false);
    // Even a forged file row of the deleted server is not read.
    s.files.push({
      serverId: String(testServer),
      path: 'x',
      version: 99,
      content: 'x',
      checksum: 'sha256:x',
      writtenAt: s.events[0]!.at,
    });
    expect(violationsOf(s, NAME)).toEqual([]);
  });
});

describe(`${NAME} on a failover server written to before its job ends`, () => {
  /*
   * Engine bug, pinned here and left failing on purpose: job.result.dataVersion should be the
   * restored server's version right after the restore, but failover and changeRecoveryPoint read
   * it when the job ends. Their 'start failover server' step powers the server on 30 seconds
   * before 'verify data' ends, and a write in that window lands in the recorded version, so the
   * result describes data the recovery point never held.
   */
  it('passes when the user writes on the failover server during "verify data"', () => {
    const sim = createSimulator({ seed: 1 });
    const main = sim.createServer(TENANT, { name: 'web-1', region: 'hcm', files: { 'a.txt': 'hello' } }).id;
    const pair = sim.attach(TENANT, {
      mainServerId: main,
      shadow: { region: 'han', vpcId: 'v', subnetId: 's' },
    }).id;
    settle(
      sim,
      sim.act(TENANT, pair, { action: 'startReplication', shadowName: 'shadow-1', intervalHours: 1 }).id,
    );
    sim.advance('1h');
    const point = sim.listRecoveryPoints(TENANT, pair).items[0]!.id;
    const job = sim.act(TENANT, pair, { action: 'failover', recoveryPointId: point }).id;
    while (sim.getJob(TENANT, job).steps.find((s) => s.name === 'verify data')?.status !== 'RUNNING')
      sim.advance('10s');
    sim.writeFile(TENANT, sim.getPair(TENANT, pair).shadowServer!.id, 'a.txt', 'checked by the user');
    expect(settle(sim, job)).toBe('SUCCEEDED');
    expect(violationsOf(sim.exportState(), NAME)).toEqual([]);
  });
});
