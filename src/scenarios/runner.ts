/**
 * Runs scenarios: setup, then each step, with every invariant checker after each (a violation
 * fails the run with the checker's explanation). A failure records the seed, the step and its
 * line, what was expected and found, the last events, and the one command that replays it.
 */
import { formatEvent } from './event-format.js';
import { fingerprint } from './fingerprint.js';
import { checkInvariants } from './invariants.js';
import type { RunUnit } from './plan.js';
import { runSetup } from './setup.js';
import { describeError, InvariantViolation, StepFailure } from './step-failure.js';
import { STEP_RUNNERS } from './steps/index.js';
import type { Target } from './targets.js';
import { World } from './world.js';

const LAST_EVENTS = 12;
/** Events that say little on their own in a failure report. */
const QUIET = new Set(['file.written', 'clock.advanced', 'job.step']);

export interface Failure {
  /** 1-based step number; 0 for the setup. */
  step: number;
  kind: string;
  /** `file:line` of the step. */
  location: string;
  message: string;
  expected?: string;
  found?: string;
  /** Names of the invariant checkers that failed, when one did. */
  checkers?: string[];
  lastEvents: string[];
  reproduce: string;
}

/** A statechart transition a run went through, from its `pair.transition` events. */
export interface TransitionSeen {
  event: string;
  from: string;
  to: string;
  testFrom: string;
  testTo: string;
}

export interface ScenarioResult {
  file: string;
  name: string;
  seed: number;
  repeat: number;
  target: string;
  /** `skipped`: not run, because an earlier failure stopped the run (`--bail`, or a target that stopped answering). */
  status: 'passed' | 'failed' | 'skipped';
  durationMs: number;
  steps: number;
  stepsRun: number;
  failure?: Failure;
  /** Things that did not fail the run but may make its verdict worthless, e.g. a fault rule that never fired. */
  warnings: string[];
  /** `sha256:…` of the run's event history and its world's final state (src/scenarios/fingerprint.ts); null when the world could not be read. */
  fingerprint: string | null;
  transitions: TransitionSeen[];
}

const shellQuote = (arg: string): string =>
  /^[\w./:=@%+-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`;

export function reproduceCommand(file: string, seed: number, target: Target): string {
  return ['npx', 'drsim', 'run', file, '--seed', String(seed), ...target.flags].map(shellQuote).join(' ');
}

export async function runScenario(unit: RunUnit, target: Target): Promise<ScenarioResult> {
  const { scenario, seed } = unit;
  const started = performance.now();
  const result: ScenarioResult = {
    file: scenario.file,
    name: scenario.name,
    seed,
    repeat: unit.repeat,
    target: target.name,
    status: 'passed',
    durationMs: 0,
    steps: scenario.steps.length,
    stepsRun: 0,
    warnings: [],
    fingerprint: null,
    transitions: [],
  };
  let current = { step: 0, kind: 'setup', line: scenario.setupLine };
  let world: World | null = null;
  let close = async () => {};
  try {
    const opened = await target.open(scenario, seed);
    close = opened.close;
    world = new World(opened.sim, opened.tenant, scenario, seed, opened.http);
    await runSetup(world, scenario.setup);
    await checkInvariants(world, 'after the setup');
    for (const step of scenario.steps) {
      current = { step: step.index + 1, kind: step.kind, line: step.line };
      if (step.as !== undefined) {
        await world.syncEvents();
        world.marks.set(step.as, world.eventSeq);
      }
      await (STEP_RUNNERS[step.kind] as (w: World, s: typeof step) => Promise<void>)(world, step);
      await checkInvariants(world);
      result.stepsRun++;
    }
  } catch (err) {
    result.status = 'failed';
    result.failure = await failureOf(err, current, unit, target, world);
  } finally {
    if (world) {
      try {
        await world.syncEvents();
        result.transitions = world.events
          .filter((e) => e.kind === 'pair.transition')
          .map((e) => e.data as unknown as TransitionSeen);
        // The run's HTTP chaos ends with it, before the final reads below.
        for (const id of world.httpRules.splice(0)) await world.http?.chaos.remove(id);
        if (world.http) world.http.retry.enabled = true;
        result.warnings = await neverFired(world, scenario.file);
        result.fingerprint = await fingerprint(world);
      } catch {
        // The target may be gone (that is the failure being reported); coverage loses this run.
      }
    }
    await close();
    result.durationMs = Math.round(performance.now() - started);
  }
  return result;
}

/** The rules addFault steps added that never fired: the scenario may not test what it claims. */
async function neverFired(world: World, file: string): Promise<string[]> {
  const warnings: string[] = [];
  for (const added of world.addedFaults) {
    if (((await world.faultFired(added.id)) ?? 0) > 0) continue;
    warnings.push(
      `fault rule "${added.name}" (${file}:${added.line}) never fired: nothing it selects happened while it existed.`,
    );
  }
  return warnings;
}

async function failureOf(
  err: unknown,
  at: { step: number; kind: string; line: number },
  unit: RunUnit,
  target: Target,
  world: World | null,
): Promise<Failure> {
  const failure: Failure = {
    step: at.step,
    kind: at.kind,
    location: `${unit.scenario.file}:${at.line}`,
    message: err instanceof StepFailure ? err.message : `${at.kind} failed: ${describeError(err)}`,
    lastEvents: [],
    reproduce: reproduceCommand(unit.scenario.file, unit.seed, target),
  };
  if (err instanceof StepFailure) {
    if (err.expected !== undefined) failure.expected = err.expected;
    if (err.found !== undefined) failure.found = err.found;
  }
  if (err instanceof InvariantViolation) failure.checkers = err.checkers;
  if (world) {
    try {
      await world.syncEvents();
      failure.lastEvents = world.events
        .filter((e) => !QUIET.has(e.kind))
        .slice(-LAST_EVENTS)
        .map((e) => formatEvent(e, world));
    } catch {
      // Without events the report still has the seed, the step and the reproduce command.
    }
  }
  return failure;
}

export interface RunAllOptions {
  bail?: boolean;
  /** Asked after each failed run: true stops there, the rest reported as skipped (e.g. the target is gone). */
  stopAfter?: (result: ScenarioResult) => Promise<boolean>;
  onStart?: (unit: RunUnit, index: number, total: number) => void;
  onResult?: (result: ScenarioResult, index: number, total: number) => void;
}

/** A run `--bail` did not make: reported as skipped, so the report still names every planned run. */
function skippedResult(unit: RunUnit, target: Target): ScenarioResult {
  return {
    file: unit.scenario.file,
    name: unit.scenario.name,
    seed: unit.seed,
    repeat: unit.repeat,
    target: target.name,
    status: 'skipped',
    durationMs: 0,
    steps: unit.scenario.steps.length,
    stepsRun: 0,
    warnings: [],
    fingerprint: null,
    transitions: [],
  };
}

/** Runs the units one after another (a server has one clock); with `bail`, the runs after the first failure are skipped. */
export async function runAll(
  units: readonly RunUnit[],
  target: Target,
  options: RunAllOptions = {},
): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  let bailed = false;
  for (const [index, unit] of units.entries()) {
    if (bailed) {
      results.push(skippedResult(unit, target));
      continue;
    }
    options.onStart?.(unit, index, units.length);
    const result = await runScenario(unit, target);
    results.push(result);
    options.onResult?.(result, index, units.length);
    if (options.bail && result.status === 'failed') bailed = true;
    if (result.status === 'failed' && (await options.stopAfter?.(result))) bailed = true;
  }
  return results;
}
