/**
 * What a person sees of a pair: its status, the status's label, and the "In Testing Failover"
 * column. All of it is read off a snapshot, so it can never disagree with the statechart.
 */
import type { SnapshotFrom } from 'xstate';
import type { DrPairMachine } from './dr-pair-machine.js';

export type DrPairSnapshot = SnapshotFrom<DrPairMachine>;

export const STATUSES = [
  'ATTACHED',
  'STARTING_REPLICATION',
  'REPLICATING',
  'PAUSED',
  'REPLICATION_ERROR',
  'FAILOVER_PROCESSING',
  'FAILOVER_FAILED',
  'FAILED_OVER',
  'CHANGING_RECOVERY_POINT',
  'COMMITTING',
  'COMMITTED',
  'DETACHED',
] as const;
export type DrPairStatus = (typeof STATUSES)[number];

export const TEST_STATES = [
  'NONE',
  'PROCESSING',
  'READY',
  'CHANGING_RECOVERY_POINT',
  'CLEANING',
  'FAILED',
] as const;
export type TestFailoverState = (typeof TEST_STATES)[number];

export const STATUS_LABELS: Record<DrPairStatus, string> = {
  ATTACHED: 'Attached',
  STARTING_REPLICATION: 'Start Replication',
  REPLICATING: 'Replicating',
  PAUSED: 'Pending',
  REPLICATION_ERROR: 'Error',
  FAILOVER_PROCESSING: 'Failover Processing',
  FAILOVER_FAILED: 'Failover Error',
  FAILED_OVER: 'Failed Over',
  CHANGING_RECOVERY_POINT: 'Changing Recovery Point',
  COMMITTING: 'Committing',
  COMMITTED: 'Committed',
  DETACHED: 'Detached',
};

export const TEST_STATE_LABELS: Record<TestFailoverState, string | null> = {
  NONE: null,
  PROCESSING: 'Processing',
  READY: 'Ready',
  CHANGING_RECOVERY_POINT: 'Changing Recovery Point',
  CLEANING: 'Cleaning',
  FAILED: 'Error',
};

type ProtectedValue = { PROTECTED: { replication: DrPairStatus; test: TestFailoverState } };

function protectedValue(snapshot: DrPairSnapshot): ProtectedValue['PROTECTED'] | null {
  const value = snapshot.value as unknown;
  if (typeof value === 'object' && value !== null && 'PROTECTED' in value) {
    return (value as ProtectedValue).PROTECTED;
  }
  return null;
}

/** The pair's status, e.g. `REPLICATING` or `FAILOVER_PROCESSING`. */
export function statusOf(snapshot: DrPairSnapshot): DrPairStatus {
  const region = protectedValue(snapshot);
  return region ? region.replication : (snapshot.value as DrPairStatus);
}

/** The test-failover region's state; `NONE` outside PROTECTED. */
export function testStateOf(snapshot: DrPairSnapshot): TestFailoverState {
  return protectedValue(snapshot)?.test ?? 'NONE';
}

export const labelOf = (snapshot: DrPairSnapshot): string => STATUS_LABELS[statusOf(snapshot)];

/** Replication runs (and recovery points are taken) in this snapshot. */
export const isReplicating = (snapshot: DrPairSnapshot): boolean => snapshot.hasTag('replicating');

/** The pair's own operation (start, failover, change, commit) is running. */
export const isBusy = (snapshot: DrPairSnapshot): boolean => snapshot.hasTag('busy');

/** The test environment's operation (create, change, clean) is running. */
export const isTestBusy = (snapshot: DrPairSnapshot): boolean => snapshot.hasTag('testBusy');

export const isFinal = (snapshot: DrPairSnapshot): boolean => snapshot.status === 'done';
