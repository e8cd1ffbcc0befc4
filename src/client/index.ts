/**
 * `drsim/client`: talk to a drsim server from TypeScript — the typed client (`createClient`),
 * its errors, pagination helpers, and `remoteSimulator`, the engine's API over HTTP.
 */

export { DrError, ERROR_CODES, type ErrorCode } from '../sim/errors.js';
export type * from '../sim/types.js';
export {
  ACTION_ROUTES,
  type ActionArgs,
  type ActionOptions,
  type ChaosEffect,
  type ChaosRule,
  type ChaosRuleInput,
  type ClientFaultRuleInput,
  type ClientOptions,
  type CreatedTenant,
  type CreateTenantInput,
  createClient,
  type DrsimClient,
  type EventFilter,
  type FetchLike,
  type Health,
  type Identity,
  type JournalEntry,
  type JournalFilter,
  type RequestOptions,
  type RetryPolicy,
  type TenantInfo,
  type WaitForJobOptions,
} from './client.js';
export {
  type ApiErrorCode,
  DrsimApiError,
  DrsimNetworkError,
  JobWaitStuckError,
  JobWaitTimeoutError,
  type OperationErrorCode,
  type Problem,
  type ProblemCode,
} from './errors.js';
export { listAll, type PageFetcher, type PaginateOptions, paginate } from './paginate.js';
export { type RemoteSimulatorOptions, remoteSimulator, toDrError } from './remote-simulator.js';
