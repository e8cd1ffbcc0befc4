/** The simulation engine: a deterministic fake Server Disaster Recovery backend. */
export { createSimulator } from './simulator.js';
export type * from './contract.js';
export type * from './types.js';
export { DrError, ERROR_CODES, type ErrorCode } from './errors.js';
export { parseDuration, formatDuration } from './duration.js';
