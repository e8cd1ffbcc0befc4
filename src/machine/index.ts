/** The DR pair lifecycle: the statechart and what can be read off its snapshots. */

export { allowedActions, type PairFacts } from './allowed-actions.js';
export {
  type ChartGraph,
  type ChartState,
  type ChartTransition,
  chartGraph,
  lifecycleDoc,
  toDot,
  toMermaid,
} from './chart.js';
export { type DrPairContext, type DrPairMachine, drPairMachine } from './dr-pair-machine.js';
export * from './events.js';
export { ACTION_LABELS, EVENT_LABELS, GUARD_LABELS, transitionLabel } from './labels.js';
export * from './status.js';
