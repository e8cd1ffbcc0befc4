/** The simulation engine: a deterministic fake Server Disaster Recovery backend. */

export type * from './contract.js';
export { asyncSimulator } from './contract.js';
export { DatabaseInUseError, DatabaseTooNewError } from './database-errors.js';
export { formatDuration, parseDuration } from './duration.js';
export { DrError, ERROR_CODES, type ErrorCode } from './errors.js';
export { DEFAULT_TIME_ZONE, validateTimeZone } from './retention.js';
export { createSimulator } from './simulator.js';
export type * from './types.js';
export {
  type CreateWorldsOptions,
  createWorlds,
  deriveSeed,
  type ServerState,
  splitByTenant,
  type WorldInfo,
  type WorldOptions,
  type Worlds,
} from './worlds.js';
