/** Every step kind's runner, in one table the runner dispatches on. */
import type { StepKind } from '../schema/steps.js';
import { ACTION_RUNNERS } from './actions.js';
import { EXPECTATION_RUNNERS } from './expectations.js';
import { HTTP_RUNNERS } from './http.js';
import { REQUEST_RUNNERS } from './request.js';
import { SIMULATION_RUNNERS } from './simulation.js';
import type { StepRunners } from './types.js';
import { WAIT_RUNNERS } from './waits.js';

export const STEP_RUNNERS: StepRunners<StepKind> = {
  ...ACTION_RUNNERS,
  ...SIMULATION_RUNNERS,
  ...HTTP_RUNNERS,
  ...REQUEST_RUNNERS,
  ...WAIT_RUNNERS,
  ...EXPECTATION_RUNNERS,
};
