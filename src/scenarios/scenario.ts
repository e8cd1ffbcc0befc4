/** A scenario as the runner gets it: checked, with every step in its canonical form. */
import type { SetupInput } from './schema/scenario.js';
import type { StepBody, StepKind } from './schema/steps.js';
import type { Path } from './yaml-source.js';

export interface Step<K extends StepKind = StepKind> {
  kind: K;
  body: StepBody<K>;
  /** The step's `as` name. */
  as?: string;
  /** Actions only: the refusal the action must meet. */
  expectError?: { code: string; message?: string };
  /** 0-based position in `steps`. */
  /** Written in its short form (`- detach: web`). */
  shorthand?: boolean;
  index: number;
  line: number;
  path: Path;
}

/** A step narrowed by its kind, for switches. */
export type AnyStep = { [K in StepKind]: Step<K> }[StepKind];

export interface Scenario {
  file: string;
  name: string;
  description?: string;
  /** The file's seed (default 1); the runner may override it. */
  seed: number;
  tags: string[];
  setup: SetupInput;
  /** The line of `setup:` (or of the first step), where setup failures are reported. */
  setupLine: number;
  steps: AnyStep[];
}
