/** What each step kind does when it runs. */
import type { Step } from '../scenario.js';
import type { StepKind } from '../schema/steps.js';
import type { World } from '../world.js';

export type StepRunner<K extends StepKind> = (world: World, step: Step<K>) => Promise<void>;
export type StepRunners<K extends StepKind> = { [P in K]: StepRunner<P> };
