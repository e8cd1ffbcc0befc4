/**
 * The simulator's public data shapes: what the engine returns, what the HTTP API serialises,
 * what export/import round-trips and what the invariant checkers read. Times are ISO 8601
 * strings in simulated time (UTC, millisecond precision, e.g. `2026-01-05T00:15:00.000Z`).
 */
import type { DrPairStatus, TestFailoverState, UserAction } from '../machine/index.js';
import type { FaultFailureCode, OperationErrorCode } from './errors.js';

export type Iso = string;
/** Milliseconds, or a string such as `90s`, `15m`, `2h`, `1d`, `1h30m`. */
export type Duration = number | string;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
export interface PageRequest {
  limit?: number;
  cursor?: string | null;
}

// ---------------------------------------------------------------- servers

export type VolumeType = 'SSD' | 'NVMe';
export interface Volume {
  type: VolumeType;
  iops: number;
  sizeGb: number;
  multiAttach: boolean;
}
export type PowerState = 'RUNNING' | 'STOPPED' | 'DOWN';
/** STANDALONE until attached; MAIN/SHADOW in a pair; after commit the shadow is PRIMARY and the main RETIRED. */
export type ServerRole = 'STANDALONE' | 'MAIN' | 'SHADOW' | 'PRIMARY' | 'RETIRED' | 'TEST';

/** Where a server sits in its region's network (null for servers created without one). */
export interface ServerNetwork {
  vpcId: string;
  subnetId: string;
  privateIp: string | null;
  floatingIp: string | null;
  securityGroupId: string | null;
}
export interface Server {
  id: string;
  name: string;
  region: string;
  flavor: string;
  volumes: Volume[];
  network: ServerNetwork | null;
  placementGroupId: string | null;
  powerState: PowerState;
  role: ServerRole;
  /** Null when it never expires. */
  expiresAt: Iso | null;
  expired: boolean;
  /** The DR pair this server belongs to, if any. */
  pairId: string | null;
  /** Increases with every write to the server's files. */
  dataVersion: number;
  createdAt: Iso;
  updatedAt: Iso;
}

/** A volume to add: `iops` (3000), `sizeGb` (40) and `multiAttach` (false) have defaults. */
export type VolumeInput = Pick<Volume, 'type'> & Partial<Volume>;

export interface CreateServerInput {
  name: string;
  region: string;
  flavor?: string;
  /** Volumes to create; `iops` (3000), `sizeGb` (40) and `multiAttach` (false) have defaults. */
  volumes?: (Pick<Volume, 'type'> & Partial<Volume>)[];
  expiresAt?: Iso | null;
  /** Initial files (path → content). */
  files?: Record<string, string>;
  powerState?: 'RUNNING' | 'STOPPED';
}

export interface ServerSummary {
  id: string;
  name: string;
  region: string;
  role: ServerRole;
  powerState: PowerState;
}

export interface FileEntry {
  path: string;
  /** `sha256:` + hex of the content. */
  checksum: string;
  sizeBytes: number;
  /** The server's dataVersion when this content was written. */
  version: number;
  updatedAt: Iso;
}
export interface FileContent extends FileEntry {
  content: string;
}

// ---------------------------------------------------------------- pairs

export interface ShadowPlacement {
  region: string;
  vpcId: string;
  subnetId: string;
  /** Set by Start Replication, with the region, VPC and subnet it chose. */
  securityGroupId?: string | null;
  placementGroupId?: string | null;
  /** Start Replication's volume choices (null: the main's), which a restart's rebuild keeps. */
  volumeType?: VolumeType | null;
  iops?: number | null;
}
export interface AttachInput {
  mainServerId: string;
  shadow: ShadowPlacement;
  /** Defaults to the main server's name. */
  name?: string;
}

/** Attach a Server with several main servers selected: one shadow placement for all of them. */
export interface AttachManyInput {
  /** 1 to 50 distinct servers; each pair is named after its main server. */
  mainServerIds: string[];
  shadow: ShadowPlacement;
}

/** One server an all-or-nothing attach refused (the problem's `failures`). */
export interface AttachFailure {
  /** Its position in `mainServerIds`. */
  index: number;
  mainServerId: string;
  code: string;
  detail: string;
}

export interface OperationErrorView {
  code: OperationErrorCode;
  message: string;
}

export interface TestFailoverView {
  state: Exclude<TestFailoverState, 'NONE'>;
  label: string;
  testServer: ServerSummary | null;
  recoveryPointId: string | null;
  error: OperationErrorView | null;
}

export interface DrPair {
  id: string;
  name: string;
  status: DrPairStatus;
  statusLabel: string;
  testFailover: TestFailoverView | null;
  allowedActions: UserAction[];
  mainServer: ServerSummary;
  shadowServer: ServerSummary | null;
  shadowPlacement: ShadowPlacement;
  replication: {
    intervalHours: number | null;
    /**
     * Whether the shadow's volumes are what the main's call for (count, size, type, IOPS); false
     * after the main's drives changed, until Restart Replication rebuilds the shadow. Null without a shadow.
     */
    shadowMatchesMain: boolean | null;
    lastRecoveryPointAt: Iso | null;
    /** Seconds since the newest recovery point; null before the first one. */
    rpoSeconds: number | null;
    error: OperationErrorView | null;
  };
  activeRecoveryPointId: string | null;
  currentJobId: string | null;
  createdAt: Iso;
  updatedAt: Iso;
}

export interface ListPairsRequest extends PageRequest {
  status?: DrPairStatus;
}

// ---------------------------------------------------------------- recovery points

export type RecoveryPointStatus = 'AVAILABLE' | 'READ_ONLY';
export type RecoveryPointTag = 'interval' | 'daily' | 'weekly' | 'first';
/** Why a point is in use: a restore job reads it, or the test or failover server runs from it. */
export type PinReason = 'restore' | 'test-server' | 'failover-server';
export interface RecoveryPoint {
  id: string;
  pairId: string;
  createdAt: Iso;
  status: RecoveryPointStatus;
  tags: RecoveryPointTag[];
  sizeBytes: number;
  /** The main server's dataVersion captured by this point. */
  dataVersion: number;
  consistency: 'crash-consistent';
  /** In use, so retention keeps it until it is no longer in use (decision 0006). */
  pinned: boolean;
  pinnedBy: PinReason[];
}

// ---------------------------------------------------------------- jobs

export type JobStatus = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED';
export type StepStatus = 'PENDING' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'SKIPPED';
export interface JobStep {
  name: string;
  status: StepStatus;
  startedAt: Iso | null;
  endedAt: Iso | null;
  log: string[];
}
export interface Job {
  id: string;
  type: UserAction;
  pairId: string;
  status: JobStatus;
  steps: JobStep[];
  error: OperationErrorView | null;
  /** The action's arguments as given. */
  request: Record<string, unknown>;
  createdAt: Iso;
  endedAt: Iso | null;
}

/**
 * Test Failover's "current time" choice: instead of an existing recovery point, the test server
 * gets the main server's data as it is when the action is accepted.
 */
export const CURRENT_TIME = 'now';

/** The dialogs' network settings; left out, each takes its default (decision 0009). */
export interface NetworkChoice {
  vpcId?: string;
  subnetId?: string;
  /** Allocated from the subnet when left out. */
  privateIp?: string;
  /** `true` allocates one; an address uses that one; left out or `false`: none. */
  floatingIp?: boolean | string;
  securityGroupId?: string;
}

/** A user action with its arguments; `act` turns it into a job. */
export type ActionRequest =
  | {
      action: 'startReplication';
      shadowName: string;
      region?: string;
      intervalHours: number;
      network?: NetworkChoice;
      placementGroupId?: string;
      volumeType?: VolumeType;
      iops?: number;
      flavor?: string;
    }
  | { action: 'stopReplication' }
  | { action: 'resumeReplication' }
  | { action: 'restartReplication' }
  | {
      action: 'testFailover';
      testServerName: string;
      /** A recovery point's id, or `now` (the default): the main server's data at this moment. */
      recoveryPointId?: string;
      region?: string;
      network?: NetworkChoice;
      volumeType?: VolumeType;
      iops?: number;
      instanceFamily?: string;
    }
  | { action: 'changeTestRecoveryPoint'; recoveryPointId: string }
  | { action: 'cleanTestEnvironment' }
  | { action: 'failover'; recoveryPointId: string }
  | { action: 'changeRecoveryPoint'; recoveryPointId: string }
  | { action: 'commitFailover'; deleteAllRecoveryPoints: boolean }
  | { action: 'detach' };

// ---------------------------------------------------------------- time, progression

export type ClockMode = 'manual' | 'realtime';
export interface ClockView {
  now: Iso;
  mode: ClockMode;
  /** Simulated seconds per wall second in realtime mode. */
  speed: number;
  /** The IANA zone of the world's retention day and week ("00:00", "Sunday"). */
  timeZone: string;
}
/** How a job's steps advance: on the clock, all at once, or only when told (or polled). */
export type ProgressionMode = 'clock' | 'immediate' | 'manual';
/** Per job type, with `default` for the rest. */
export type ProgressionSettings = Partial<Record<UserAction | 'default', ProgressionMode>>;

// ---------------------------------------------------------------- faults

/** What a rule targets: a user action's job, periodic replication, or recovery points. */
export type FaultTarget = UserAction | 'replication' | 'recoveryPoint';
export type FaultEffect =
  | { kind: 'fail'; code?: FaultFailureCode; message?: string }
  | { kind: 'delay'; duration: Duration }
  | { kind: 'hang' }
  /** Marks the recovery point so that failing over (or testing) to it fails with RECOVERY_POINT_CORRUPT. */
  | { kind: 'corrupt' }
  /** Replication keeps its status but takes no recovery point while the rule is active (RPO grows). */
  | { kind: 'stall' };
export interface FaultRuleInput {
  target: FaultTarget;
  /** Narrows the rule; omitted fields match anything. `step` is a job step name. */
  selector?: { pairId?: string; recoveryPointId?: string; step?: string };
  trigger?: { times?: number; probability?: number; from?: Iso; until?: Iso };
  effect: FaultEffect;
  /** Rules are per tenant; the control API sets it. */
  tenant?: string;
}
export interface FaultRule extends Required<Pick<FaultRuleInput, 'target' | 'effect'>> {
  id: string;
  tenant: string | null;
  selector: { pairId?: string; recoveryPointId?: string; step?: string };
  trigger: { times?: number; probability?: number; from?: Iso; until?: Iso };
  /** How often the rule has fired. */
  fired: number;
  createdAt: Iso;
}

// ---------------------------------------------------------------- events (history)

/** Every kind of history event, in one list that the API schema and the scenario schema share. */
export const SIM_EVENT_KINDS = [
  'pair.attached',
  'pair.transition',
  'job.created',
  'job.step',
  'job.ended',
  'recoveryPoint.created',
  'recoveryPoint.deleted',
  'fault.fired',
  'server.created',
  'server.power',
  'server.outage',
  'server.recovered',
  'server.role',
  'server.deleted',
  'file.written',
  'clock.advanced',
  'region.snapshotServiceActivated',
  'server.volumes',
  'server.renewed',
  'pair.settings',
] as const;
export type SimEventKind = (typeof SIM_EVENT_KINDS)[number];
/**
 * `data` by kind (the checkers and the console rely on these fields):
 * - pair.attached: { mainServerId, placement }
 * - pair.transition: { event, from, to, testFrom, testTo, activeRecoveryPointId, jobId? }
 *   (from/to are statuses, testFrom/testTo test-failover states)
 * - job.created: { jobId, type, request }
 * - job.step: { jobId, step, status, log? }
 * - job.ended: { jobId, type, status, error }
 * - recoveryPoint.created: { recoveryPointId, dataVersion }
 * - recoveryPoint.deleted: { recoveryPointId, reason } with reason one of
 *   interval | daily | weekly | age | count (retention), restart, commit, detach, reset
 * - fault.fired: { faultId, target, effect, jobId?, step?, recoveryPointId? }
 * - server.created / server.power / server.outage / server.recovered / server.role / server.deleted:
 *   { serverId, powerState?, role?, reason? }
 * - file.written: { serverId, path, version, source: 'api' | 'workload' | 'restore' }
 * - server.volumes: { serverId, change, count } (a volume added, grown or removed; a shadow rebuilt)
 * - server.renewed: { serverId, expiresAt, months }
 * - pair.settings: { intervalHours?: { from, to }, shadowFlavor?: { from, to } }
 */
export interface SimEvent {
  seq: number;
  at: Iso;
  tenant: string;
  pairId: string | null;
  kind: SimEventKind;
  /** Kind-specific facts, e.g. `{ from, to, event }` for a transition, `{ reason }` for a deletion. */
  data: Record<string, unknown>;
}
export interface EventQuery extends PageRequest {
  pairId?: string;
  kinds?: SimEventKind[];
  afterSeq?: number;
}

// ---------------------------------------------------------------- checkers

export interface CheckerVerdict {
  name: string;
  /** One line: what the checker guarantees. */
  description: string;
  ok: boolean;
  violations: string[];
}
