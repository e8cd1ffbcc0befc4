/**
 * Data fidelity: a restore gives back exactly what the recovery point captured. For every
 * SUCCEEDED failover, changeRecoveryPoint, testFailover and changeTestRecoveryPoint job, and
 * every FAILED changeRecoveryPoint that rolled its server back (its result names the point), the
 * restored server's files at result.dataVersion equal the main server's files at the point's
 * captured dataVersion, path by path and checksum by checksum. The point's dataVersion comes
 * from its recoveryPoint.created event when the point itself has since been deleted. A restored
 * server that no longer exists (a cleaned test server) cannot be read and is skipped.
 */
import type { Checker, SimState, StoredFile } from '../contract.js';
import { CURRENT_TIME } from '../types.js';
import { describeJob, num, RESTORE_JOBS, str } from './history.js';

/** One server's file history: each path's versions, oldest first. */
type FileHistory = Map<string, StoredFile[]>;

function indexFiles(state: SimState): Map<string, FileHistory> {
  const byServer = new Map<string, FileHistory>();
  for (const file of state.files) {
    let history = byServer.get(file.serverId);
    if (!history) {
      history = new Map();
      byServer.set(file.serverId, history);
    }
    const versions = history.get(file.path);
    if (versions) versions.push(file);
    else history.set(file.path, [file]);
  }
  for (const history of byServer.values()) {
    for (const versions of history.values()) versions.sort((a, b) => a.version - b.version);
  }
  return byServer;
}

/** path → checksum of the files present at `version`: each path's latest row ≤ version, unless a deletion. */
function filesAt(history: FileHistory | undefined, version: number): Map<string, string | null> {
  const files = new Map<string, string | null>();
  for (const [path, versions] of history ?? []) {
    let lo = 0;
    let hi = versions.length - 1;
    let found: StoredFile | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const row = versions[mid]!;
      if (row.version <= version) {
        found = row;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (found && found.content !== null) files.set(path, found.checksum);
  }
  return files;
}

const MAX_LISTED = 5;

function differences(restored: Map<string, string | null>, captured: Map<string, string | null>): string[] {
  const out: string[] = [];
  for (const [path, checksum] of captured) {
    if (!restored.has(path)) out.push(`${path} missing`);
    else if (restored.get(path) !== checksum)
      out.push(`${path} has ${restored.get(path)} instead of ${checksum}`);
  }
  for (const path of restored.keys()) if (!captured.has(path)) out.push(`${path} not in the point`);
  return out;
}

export const dataFidelity: Checker = {
  name: 'data-fidelity',
  description: "A restored server's files equal the main server's files as its recovery point captured them.",
  check(state) {
    const violations: string[] = [];
    const restoring = state.jobs.filter(
      (job) =>
        (job.status === 'SUCCEEDED' && RESTORE_JOBS.has(job.type)) ||
        (job.status === 'FAILED' &&
          job.type === 'changeRecoveryPoint' &&
          str(job.result.recoveryPointId) !== null),
    );
    if (restoring.length === 0) return violations;
    const captured = new Map<string, { pairId: string | null; dataVersion: number | null }>();
    for (const event of state.events) {
      const id = str(event.data.recoveryPointId);
      if (event.kind === 'recoveryPoint.created' && id !== null) {
        captured.set(id, { pairId: event.pairId, dataVersion: num(event.data.dataVersion) });
      }
    }
    for (const point of state.recoveryPoints)
      captured.set(point.id, { pairId: point.pairId, dataVersion: point.dataVersion });
    const servers = new Set(state.servers.map((s) => s.id));
    const pairs = new Map(state.pairs.map((p) => [p.id, p]));
    const files = indexFiles(state);
    for (const job of restoring) {
      const what = `${describeJob(job)}, ${job.status}`;
      const pointId = str(job.result.recoveryPointId);
      const serverId = str(job.result.serverId);
      const version = num(job.result.dataVersion);
      if (pointId === null || serverId === null || version === null) {
        violations.push(
          `${what}: its result does not name the recovery point, restored server and data version.`,
        );
        continue;
      }
      if (!servers.has(serverId)) continue;
      const point =
        pointId === CURRENT_TIME
          ? { pairId: job.pairId, dataVersion: num(job.result.capturedDataVersion) }
          : captured.get(pointId);
      const pair = pairs.get(job.pairId);
      if (!point || point.dataVersion === null || point.pairId !== job.pairId) {
        violations.push(
          `${what}: recovery point ${pointId} of its result was never created for pair ${job.pairId}.`,
        );
        continue;
      }
      if (!pair) {
        violations.push(`${what}: its pair is missing, so the main server's data cannot be read.`);
        continue;
      }
      const diff = differences(
        filesAt(files.get(serverId), version),
        filesAt(files.get(pair.mainServerId), point.dataVersion),
      );
      if (diff.length > 0) {
        const more = diff.length > MAX_LISTED ? ` (and ${diff.length - MAX_LISTED} more)` : '';
        violations.push(
          `${what}: server ${serverId} at data version ${version} differs from main server ${pair.mainServerId} at version ${point.dataVersion} captured by recovery point ${pointId}: ${diff.slice(0, MAX_LISTED).join('; ')}${more}.`,
        );
      }
    }
    return violations;
  },
};
