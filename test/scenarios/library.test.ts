/**
 * The whole scenario library, in-process and again against a served drsim on port 0: every
 * scenario passes on both, both go through exactly the same transitions (each run starts from
 * the same seeded world), and together they exercise every state of the statechart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coverageOf } from '../../src/scenarios/coverage.js';
import { loadScenarios } from '../../src/scenarios/discover.js';
import { planRuns } from '../../src/scenarios/plan.js';
import { formatFailure } from '../../src/scenarios/reporters/pretty.js';
import { runAll, type ScenarioResult } from '../../src/scenarios/runner.js';
import { inProcessTarget, remoteTarget } from '../../src/scenarios/targets.js';
import { formatProblem } from '../../src/scenarios/yaml-source.js';
import { createLogger } from '../../src/server/logger.js';
import { type RunningServer, startServer } from '../../src/server/serve.js';
import { ROOT } from './helpers.js';

const { scenarios, problems } = loadScenarios([`${ROOT}scenarios`]);
const units = planRuns(scenarios);
const failures = (results: ScenarioResult[]) =>
  results.filter((r) => r.failure).map((r) => `${r.file}\n${formatFailure(r)}`);

describe('the scenario library', () => {
  let inProcess: ScenarioResult[] = [];
  let server: RunningServer;

  beforeAll(async () => {
    // A shared server: the demo tenant in it, and another world running a realtime clock.
    server = await startServer({ port: 0, seed: 1, demo: true, logger: createLogger('error', () => {}) });
    server.worlds.create('watcher', { clock: { mode: 'realtime', speed: 1 } });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('every file is valid', () => {
    expect(problems.map(formatProblem)).toEqual([]);
    expect(scenarios.length).toBeGreaterThanOrEqual(30);
  });

  // As long as the served run allows: the library simulates months (a 20-pair month of costs).
  it('passes in-process', async () => {
    inProcess = await runAll(units, inProcessTarget());
    expect(failures(inProcess)).toEqual([]);
  }, 240_000);

  it('exercises every state and every observable transition of the statechart', () => {
    const report = coverageOf(inProcess);
    expect(report.states.filter((s) => s.scenarios.length === 0).map((s) => s.id)).toEqual([]);
    expect(report.transitions.filter((t) => t.scenarios.length === 0)).toEqual([]);
  });

  it('passes in 4 parallel shards against one served drsim, with the same fingerprints, leaving the demo as it was', async () => {
    const demoBefore = JSON.stringify(server.worlds.exportWorld('demo'));
    const shards = await Promise.all(
      [1, 2, 3, 4].map((index) =>
        runAll(
          planRuns(scenarios, { shard: { index, count: 4 } }),
          remoteTarget({ url: server.url, token: 'library' }),
        ),
      ),
    );
    const remote = shards.flat().sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
    expect(remote).toHaveLength(inProcess.length);
    expect(failures(remote)).toEqual([]);
    const summary = (results: ScenarioResult[]) =>
      [...results]
        .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))
        .map((r) => [r.file, r.fingerprint, r.transitions]);
    expect(summary(remote)).toEqual(summary(inProcess));
    // Everything else exactly as it was: the demo's state, the realtime world's clock mode, and
    // no tenant left behind (the token's own world was never even made).
    expect(JSON.stringify(server.worlds.exportWorld('demo'))).toBe(demoBefore);
    expect(server.worlds.get('watcher').clock()).toMatchObject({ mode: 'realtime', speed: 1 });
    expect(server.worlds.list().map((w) => w.tenant)).toEqual(['demo', 'watcher']);
  }, 240_000);
});
