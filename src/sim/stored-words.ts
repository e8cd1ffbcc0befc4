/**
 * Words a job's stored steps and an action's packed events hold as numbers: the index of the word
 * in `STORED_WORDS`. A served world keeps every job and every action's events (history retention
 * goes by simulated days), and these few names and statuses were half of what a stop or resume
 * stored (docs/performance.md, "Per-action memory").
 *
 * The list is part of the stored format: a database holds these indexes, so a word is never
 * removed, moved or changed, only appended. It is written out, not built from the statechart's
 * lists, so that a new status or action there cannot shift an index. A word not in the list is
 * stored as it is (`wordCode` gives null for it).
 */
export const STORED_WORDS: readonly string[] = [
  // job and step statuses
  'QUEUED',
  'RUNNING',
  'SUCCEEDED',
  'FAILED',
  'PENDING',
  'SKIPPED',
  // user actions (a job's type)
  'startReplication',
  'stopReplication',
  'resumeReplication',
  'restartReplication',
  'testFailover',
  'changeTestRecoveryPoint',
  'cleanTestEnvironment',
  'failover',
  'changeRecoveryPoint',
  'commitFailover',
  'detach',
  // the statechart's user events
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
  // pair statuses
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
  // test failover states (CHANGING_RECOVERY_POINT and FAILED are above)
  'NONE',
  'PROCESSING',
  'READY',
  'CLEANING',
  // step names
  'stop replication',
  'resume replication',
  'remove pairing',
  'create shadow',
  'wait until created',
  'attach volumes',
  'stop shadow',
  'snapshot main',
  'full copy',
  'verify replica',
  'first recovery point',
  'clean test environment',
  'restore from recovery point',
  'start failover server',
  'verify data',
  'stop failover server',
  'promote shadow',
  'retire main server',
  'recovery points',
  'finalize',
  'create test server',
  'start test server',
  'stop test server',
  'delete test server',
  'release temporary resources',
  // log lines
  'not needed',
  'status is now PAUSED',
  'status is now REPLICATING',
  'status is now REPLICATION_ERROR',
  'replication stopped completely',
  'shadow server is powered off (it is not billed while off)',
];

const CODES = new Map<string, number>();
STORED_WORDS.forEach((word, index) => {
  if (!CODES.has(word)) CODES.set(word, index);
});

/** The number `word` is stored as, or null when it is stored as it is. */
export const wordCode = (word: string): number | null => CODES.get(word) ?? null;

/** A stored value back: a number is the word at that index. */
export const wordOf = (stored: unknown): unknown =>
  typeof stored === 'number' ? STORED_WORDS[stored] : stored;
