/**
 * The data fields of each kind of history event (src/sim/types.ts documents them) and, where a
 * field takes one of a few words, those words. expectEvents matchers are checked against this
 * before a scenario runs: a matcher with a misspelt field or value never matches, and under
 * `none` that would pass for the wrong reason.
 */
import { STATUSES, TEST_STATES, USER_ACTIONS } from '../machine/index.js';
import { FAULT_EFFECT_KINDS, FAULT_TARGETS } from '../sim/faults.js';
import { JOB_STEP_NAMES } from '../sim/job-plans.js';
import type { SimEventKind } from '../sim/types.js';

/** A field's allowed values; null when any value may appear (ids, times, free text). */
type Fields = Record<string, readonly string[] | null>;

const MACHINE_EVENTS = [
  'START_REPLICATION',
  'STOP_REPLICATION',
  'RESUME_REPLICATION',
  'RESTART_REPLICATION',
  'TEST_FAILOVER',
  'CHANGE_TEST_RECOVERY_POINT',
  'CLEAN_TEST_ENVIRONMENT',
  'FAILOVER',
  'CHANGE_RECOVERY_POINT',
  'COMMIT_FAILOVER',
  'DETACH',
  'CHANGE_SETTINGS',
  'REPLICATION_STARTED',
  'REPLICATION_FAILED',
  'REPLICATION_RECOVERED',
  'RECOVERY_POINT_CREATED',
  'OPERATION_SUCCEEDED',
  'OPERATION_FAILED',
  'TEST_OPERATION_SUCCEEDED',
  'TEST_OPERATION_FAILED',
] as const;

const STEP_NAMES = [...new Set(Object.values(JOB_STEP_NAMES).flat())];
const POWER = ['RUNNING', 'STOPPED', 'DOWN'];
const ROLES = ['STANDALONE', 'MAIN', 'SHADOW', 'PRIMARY', 'RETIRED', 'TEST'];
const DELETION_REASONS = [
  'interval',
  'daily',
  'weekly',
  'age',
  'count',
  'restart',
  'commit',
  'detach',
  'reset',
];
const SERVER: Fields = { serverId: null, powerState: POWER, role: ROLES, reason: null };

export const EVENT_FIELDS: Record<SimEventKind, Fields> = {
  'pair.attached': { mainServerId: null },
  'pair.transition': {
    event: MACHINE_EVENTS,
    from: STATUSES,
    to: STATUSES,
    testFrom: TEST_STATES,
    testTo: TEST_STATES,
    activeRecoveryPointId: null,
    jobId: null,
  },
  'job.created': { jobId: null, type: USER_ACTIONS },
  'job.step': { jobId: null, step: STEP_NAMES, status: ['RUNNING', 'SUCCEEDED', 'FAILED', 'SKIPPED'] },
  'job.ended': { jobId: null, type: USER_ACTIONS, status: ['SUCCEEDED', 'FAILED'], error: null },
  'recoveryPoint.created': { recoveryPointId: null, dataVersion: null },
  'recoveryPoint.deleted': { recoveryPointId: null, reason: DELETION_REASONS },
  'fault.fired': {
    faultId: null,
    target: FAULT_TARGETS,
    effect: FAULT_EFFECT_KINDS,
    jobId: null,
    step: STEP_NAMES,
    recoveryPointId: null,
  },
  'region.snapshotServiceActivated': { region: null },
  'server.created': SERVER,
  'server.power': SERVER,
  'server.outage': SERVER,
  'server.recovered': SERVER,
  'server.role': SERVER,
  'server.deleted': SERVER,
  'file.written': { serverId: null, version: null, source: ['api', 'restore'] },
  'clock.advanced': {},
  'server.volumes': { serverId: null, change: null, count: null },
  'server.renewed': { serverId: null, expiresAt: null, months: null },
  'pair.settings': { intervalHours: null, shadowFlavor: null },
};
