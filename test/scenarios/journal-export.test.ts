/**
 * `drsim journal export --as-scenario`: a client's session against a served drsim becomes a
 * scenario that replays it — the same requests, clock moves and answers — passing on a fresh
 * world (in-process and on a fresh server) and failing when the service answers otherwise.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { run as journalCommand } from '../../src/cli/commands/journal.js';
import { createClient, type DrsimClient } from '../../src/client/client.js';
import { DrsimApiError } from '../../src/client/errors.js';
import { firstMismatch } from '../../src/scenarios/steps/request.js';
import { inProcessTarget, remoteTarget } from '../../src/scenarios/targets.js';
import { silentLogger } from '../../src/server/logger.js';
import { type RunningServer, startServer } from '../../src/server/serve.js';
import { DrError } from '../../src/sim/errors.js';
import { run as runScenarioText, scenario, tempDir } from './helpers.js';

let server: RunningServer;
let client: DrsimClient;
let dir: string;
let exported: string;
let stderr: string;

/** Runs `drsim journal export …` in this process; returns its exit code, stdout and stderr. */
async function journal(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
  const writeErr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    err += String(chunk);
    return true;
  });
  try {
    return { code: await journalCommand(argv), out, err };
  } finally {
    write.mockRestore();
    writeErr.mockRestore();
  }
}

beforeAll(async () => {
  dir = tempDir();
  server = await startServer({ port: 0, seed: 11, logger: silentLogger });
  client = createClient({ baseUrl: server.url, token: 'acme' });
  // A client's session: create, attach, replicate, fail over, and a few refusals on the way.
  const main = await client.servers.create({ name: 'web-01', region: 'HCM-3' });
  await expect(client.servers.get('srv-missing')).rejects.toBeInstanceOf(DrsimApiError);
  const pair = await client.pairs.attach({
    mainServerId: main.id,
    shadow: { region: 'HAN-1', vpcId: 'vpc-dr', subnetId: 'subnet-dr-a' },
  });
  const start = await client.pairs.startReplication(pair.id, { shadowName: 'web-01-dr', intervalHours: 1 });
  await client.waitForJob(start, { advance: '5m' });
  await client.sim.advance('2h');
  const { items } = await client.pairs.recoveryPoints(pair.id);
  const failover = await client.pairs.failover(pair.id, { recoveryPointId: items[0]?.id ?? 'none' });
  await expect(
    client.pairs.failover(pair.id, { recoveryPointId: items[0]?.id ?? 'none' }),
  ).rejects.toMatchObject({
    status: 409,
  });
  await client.waitForJob(failover, { advance: '5m' });
  await client.pairs.get(pair.id);
  // Chaos strikes one request: it is not replayed.
  const rule = await client.sim.chaos.add({
    method: 'GET',
    path: '/v1/servers',
    effect: { kind: 'status', status: 503 },
    times: 1,
  });
  await expect(client.servers.list()).rejects.toMatchObject({ status: 503 });
  await client.sim.chaos.remove(rule.id);

  const file = join(dir, 'session.scenario.yaml');
  const result = await journal([
    'export',
    '--as-scenario',
    '--target',
    server.url,
    '--token',
    'acme',
    '--out',
    file,
  ]);
  expect(result.code, result.err).toBe(0);
  stderr = result.err;
  exported = readFileSync(file, 'utf8');
}, 120_000);

afterAll(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('drsim journal export --as-scenario', () => {
  it('writes every request with its clock move and answer, and says what it left out', () => {
    const doc = parseYaml(exported) as {
      setup: { worldSeed: number; startTime: string };
      steps: Record<string, { method?: string; path?: string; expect?: { status: number; code?: string } }>[];
    };
    expect(doc.setup.worldSeed).toBe(server.worlds.get('acme').seed);
    expect(doc.setup.startTime).toBe('2026-01-05T00:00:00.000Z');
    const requests = doc.steps.flatMap((step) => (step.request ? [step.request] : []));
    expect(requests[0]).toMatchObject({ method: 'POST', path: '/v1/servers', expect: { status: 201 } });
    expect(requests[1]).toMatchObject({
      path: '/v1/servers/srv-missing',
      expect: { status: 404, code: 'SERVER_NOT_FOUND' },
    });
    expect(requests.filter((r) => r.expect?.code === 'INVALID_STATE')).toHaveLength(1);
    expect(doc.steps.some((step) => step.advance !== undefined)).toBe(true);
    expect(requests.some((r) => r.expect?.status === 503)).toBe(false);
    expect(stderr).toMatch(/left out request \d+ \(GET \/v1\/servers\): answered 503 by HTTP chaos/);
    expect(exported).not.toMatch(/Bearer|authorization/i);
  });

  it('replays in-process and on a fresh server, and passes', async () => {
    const inProcess = await runScenarioText(exported);
    expect(inProcess.failure?.message ?? null).toBeNull();
    expect(inProcess.status).toBe('passed');
    const fresh = await startServer({ port: 0, logger: silentLogger });
    try {
      const served = await runScenarioText(exported, remoteTarget({ url: fresh.url, token: 'ci' }));
      expect(served.failure?.message ?? null).toBeNull();
      expect(served.status).toBe('passed');
    } finally {
      await fresh.close();
    }
  });

  it('fails when the service answers otherwise', async () => {
    // A service whose failover is refused: the replay's failover is not answered 202.
    const refusing = inProcessTarget((sim) => ({
      ...sim,
      act: (tenant, pairId, request, options) => {
        if (request.action === 'failover') throw new DrError('INVALID_STATE', 'refused by the mutation');
        return sim.act(tenant, pairId, request, options);
      },
    }));
    const result = await runScenarioText(exported, refusing);
    expect(result.status).toBe('failed');
    expect(result.failure?.message).toMatch(/POST \/v1\/dr-pairs\/\S+\/failover was answered 409, not 202/);
  });

  it('writes the journal as JSON without --as-scenario, and refuses bad options', async () => {
    const json = await journal(['export', '--target', server.url, '--token', 'acme']);
    expect(json.code).toBe(0);
    const entries = JSON.parse(json.out) as { path: string; response?: { body?: unknown } }[];
    expect(entries[0]).toMatchObject({ path: '/v1/servers', response: { body: { name: 'web-01' } } });
    await expect(journal(['export', '--as-scenario'])).rejects.toThrow(/--target URL is required/);
    await expect(journal(['import'])).rejects.toThrow(/unknown subcommand/);
    const unreachable = await journal(['export', '--target', 'http://127.0.0.1:9', '--token', 'acme']);
    expect(unreachable.code).toBe(1);
    expect(unreachable.err).toMatch(/did not answer/);
  });
});

describe('request step', () => {
  it('matches mappings on their keys, lists item by item', () => {
    expect(firstMismatch({ a: 1 }, { a: 1, b: 2 }, '')).toBeNull();
    expect(firstMismatch({ items: [{ id: 'x' }] }, { items: [{ id: 'x' }, { id: 'y' }] }, '')).toMatchObject({
      path: 'items.length',
    });
    expect(firstMismatch({ a: { b: 'c' } }, { a: { b: 'd' } }, '')).toMatchObject({
      path: 'a.b',
      found: 'd',
    });
  });

  it('is checked like any step: a path outside /v1 is a mistake', () => {
    const s = scenario(`
name: requests
steps:
  - request: { method: GET, path: /v1/servers, expect: { status: 200, body: { items: [] } } }
`);
    expect(s.steps).toHaveLength(1);
  });
});
