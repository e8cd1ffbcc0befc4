/**
 * Finds and reads scenario files: folders are searched for `*.scenario.yaml` (and `.yml`),
 * files are taken as given. Paths are kept relative to the working directory and sorted, so
 * every machine sees the same list in the same order (what `--shard` relies on).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseScenario } from './parse.js';
import type { Scenario } from './scenario.js';
import type { Problem } from './yaml-source.js';

export const SCENARIO_SUFFIXES = ['.scenario.yaml', '.scenario.yml'];
const isScenarioFile = (name: string) => SCENARIO_SUFFIXES.some((suffix) => name.endsWith(suffix));

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory())
      return entry.name === 'node_modules' || entry.name.startsWith('.') ? [] : walk(path);
    return isScenarioFile(entry.name) ? [path] : [];
  });
}

export function findScenarioFiles(paths: readonly string[]): { files: string[]; problems: Problem[] } {
  const files = new Set<string>();
  const problems: Problem[] = [];
  for (const path of paths) {
    const shown = relative(process.cwd(), resolve(path)) || '.';
    if (!existsSync(path)) {
      problems.push({ file: shown, line: 0, col: 0, message: 'no such file or folder.' });
    } else if (statSync(path).isDirectory()) {
      const found = walk(path);
      if (found.length === 0)
        problems.push({ file: shown, line: 0, col: 0, message: 'no *.scenario.yaml file in this folder.' });
      for (const file of found) files.add(relative(process.cwd(), resolve(file)));
    } else {
      files.add(shown);
    }
  }
  return { files: [...files].sort(), problems };
}

export function loadScenarios(paths: readonly string[]): { scenarios: Scenario[]; problems: Problem[] } {
  const { files, problems } = findScenarioFiles(paths);
  const scenarios: Scenario[] = [];
  for (const file of files) {
    const result = parseScenario(file, readFileSync(file, 'utf8'));
    if (result.scenario) scenarios.push(result.scenario);
    problems.push(...result.problems);
  }
  return { scenarios, problems };
}
