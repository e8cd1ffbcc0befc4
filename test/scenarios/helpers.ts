/**
 * Helpers for the scenario runner's tests: parse or run a scenario written inline, run the CLI
 * as a child process, and a setup with one replicating pair to start steps from.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { type ParseResult, parseScenario } from '../../src/scenarios/parse.js';
import { runScenario, type ScenarioResult } from '../../src/scenarios/runner.js';
import type { Scenario } from '../../src/scenarios/scenario.js';
import { inProcessTarget, type Target } from '../../src/scenarios/targets.js';
import { formatProblem } from '../../src/scenarios/yaml-source.js';

export const ROOT = new URL('../../', import.meta.url).pathname;

/** One pair "web" on server "web-1", replicating every hour, 2h in. */
export const ONE_PAIR = `
name: test
seed: 5
setup:
  servers:
    - name: web-1
      files: { app/config.txt: 'v1' }
      workload: 2
  pairs:
    - name: web
      main: web-1
      replicate: { intervalHours: 1 }
  advance: 2h
`;

export const parse = (text: string, file = 'inline.scenario.yaml'): ParseResult => parseScenario(file, text);

/** Parses text that must be valid. */
export function scenario(text: string, file = 'inline.scenario.yaml'): Scenario {
  const result = parse(text, file);
  expect(result.problems.map(formatProblem)).toEqual([]);
  return result.scenario as Scenario;
}

/** The setup of ONE_PAIR followed by `steps` (YAML lines, indented by two). */
export const withSteps = (steps: string): string => `${ONE_PAIR}steps:\n${steps}`;

export function run(
  text: string,
  target: Target = inProcessTarget(),
  seed?: number,
): Promise<ScenarioResult> {
  const s = scenario(text);
  return runScenario({ scenario: s, seed: seed ?? s.seed, repeat: 0 }, target);
}

/** A fresh temporary folder. */
export const tempDir = (): string => mkdtempSync(join(tmpdir(), 'drsim-scenarios-'));

export function writeTemp(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `node bin/drsim.js ...args` from the repository root, as CI runs it (no TTY, CI set). */
export function cli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['bin/drsim.js', ...args],
      { cwd: ROOT, env: { ...process.env, CI: '1', NO_COLOR: '1', ...env }, maxBuffer: 32 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
