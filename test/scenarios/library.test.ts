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
    server = await startServer({ port: 0, seed: 1, logger: createLogger('error', () => {}) });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('every file is valid', () => {
    expect(problems.map(formatProblem)).toEqual([]);
    expect(scenarios.length).toBeGreaterThanOrEqual(30);
  });

  it('passes in-process', async () => {
    inProcess = await runAll(units, inProcessTarget());
    expect(failures(inProcess)).toEqual([]);
  });

  it('exercises every state and every observable transition of the statechart', () => {
    const report = coverageOf(inProcess);
    expect(report.states.filter((s) => s.scenarios.length === 0).map((s) => s.id)).toEqual([]);
    expect(report.transitions.filter((t) => t.scenarios.length === 0)).toEqual([]);
  });

  it('passes against a served drsim, through the same transitions', async () => {
    const remote = await runAll(units, remoteTarget({ url: server.url, token: 'library' }));
    expect(failures(remote)).toEqual([]);
    expect(remote.map((r) => [r.file, r.transitions])).toEqual(inProcess.map((r) => [r.file, r.transitions]));
  }, 240_000);
});
