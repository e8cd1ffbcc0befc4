/**
 * Servers and their data. A server's files are versioned: every write adds a row at the
 * server's next `dataVersion`, so the data at any version (what a recovery point captured)
 * can be read back exactly. A restore writes the difference as one new version.
 */
import * as crypto from 'node:crypto';
import { serverAddressesChanged } from './addresses.js';
import type { StoredServer } from './contract.js';
import type { Engine } from './engine.js';
import { DrError } from './errors.js';
import { iso, networkText, serverFromRow, toMs } from './rows.js';
import type { CreateServerInput, FileContent, FileEntry, PowerState, ServerRole, Volume } from './types.js';
import { check, isRecord, optionalString, requireString } from './validate.js';

export type ServerRecord = StoredServer & { seq: number; dataBytes: number };

/** Node's one-shot `crypto.hash` (20.12+), ~2.5x faster than a Hash object on a workload file. */
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;

export const checksumOf: (content: string) => string = oneShot
  ? (content) => `sha256:${oneShot('sha256', content, 'hex')}`
  : (content) => `sha256:${crypto.createHash('sha256').update(content).digest('hex')}`;

const DEFAULT_VOLUME: Volume = { type: 'SSD', iops: 3000, sizeGb: 40, multiAttach: false };

export function publicServer(server: ServerRecord) {
  const { tenant: _t, workloadPerMinute: _w, seq: _s, dataBytes: _d, ...rest } = server;
  return rest;
}

/** The tenant's server, or SERVER_NOT_FOUND (also for another tenant's id). */
export function loadServer(e: Engine, tenant: string, serverId: string): ServerRecord {
  // A tick's deferred server rows are stored before one is read back.
  if (e.ctx.pendingServers.size > 0) e.ctx.flushPoints();
  const row = typeof serverId === 'string' ? e.st.serverById.get(serverId) : undefined;
  if (!row || row.tenant !== tenant) {
    throw new DrError('SERVER_NOT_FOUND', `No server '${String(serverId)}' in this tenant.`, { serverId });
  }
  return serverFromRow(row, e.ctx.clock.nowMs());
}

export function serverById(e: Engine, serverId: string): ServerRecord | null {
  if (e.ctx.pendingServers.size > 0) e.ctx.flushPoints();
  const row = e.st.serverById.get(serverId);
  return row ? serverFromRow(row, e.ctx.clock.nowMs()) : null;
}

function validateVolumes(value: unknown): Volume[] {
  if (value === undefined) return [{ ...DEFAULT_VOLUME }];
  check(
    Array.isArray(value) && value.length > 0 && value.length <= MAX_VOLUMES,
    'volumes',
    `a list of 1 to ${MAX_VOLUMES} volumes`,
  );
  return (value as unknown[]).map((volume, index) => validateVolume(volume, `volumes[${index}]`));
}

/** A server has at most this many volumes. */
export const MAX_VOLUMES = 16;

/** One volume as a request gives it; `iops` (3000), `sizeGb` (40) and `multiAttach` (false) default. */
export function validateVolume(volume: unknown, field: string): Volume {
  check(isRecord(volume), field, 'an object { type, iops, sizeGb, multiAttach }');
  const v = volume as Record<string, unknown>;
  check(v.type === 'SSD' || v.type === 'NVMe', `${field}.type`, "'SSD' or 'NVMe'");
  const iops = v.iops ?? 3000;
  check(
    Number.isInteger(iops) && (iops as number) >= 100 && (iops as number) <= 100_000,
    `${field}.iops`,
    'an integer from 100 to 100000',
  );
  const sizeGb = v.sizeGb ?? 40;
  check(
    Number.isInteger(sizeGb) && (sizeGb as number) >= 1 && (sizeGb as number) <= 16_384,
    `${field}.sizeGb`,
    'an integer from 1 to 16384',
  );
  const multiAttach = v.multiAttach ?? false;
  check(typeof multiAttach === 'boolean', `${field}.multiAttach`, 'true or false');
  return {
    type: v.type as Volume['type'],
    iops: iops as number,
    sizeGb: sizeGb as number,
    multiAttach: multiAttach as boolean,
  };
}

export function createServer(
  e: Engine,
  tenant: string,
  input: CreateServerInput,
  role: ServerRole = 'STANDALONE',
  placed: Pick<ServerRecord, 'network' | 'placementGroupId'> = { network: null, placementGroupId: null },
): ServerRecord {
  check(isRecord(input), 'body', 'an object');
  const name = requireString(input.name, 'name', 1, 100);
  const region = requireString(input.region, 'region', 1, 64);
  const flavor = optionalString(input.flavor, 'flavor', 1, 64) ?? 'general.2c4g';
  const volumes = validateVolumes(input.volumes);
  let expiresAtMs: number | null = null;
  if (input.expiresAt !== undefined && input.expiresAt !== null) {
    check(
      typeof input.expiresAt === 'string' && Number.isFinite(toMs(input.expiresAt)),
      'expiresAt',
      'an ISO 8601 time or null',
    );
    expiresAtMs = toMs(input.expiresAt);
  }
  const power = input.powerState ?? 'RUNNING';
  check(power === 'RUNNING' || power === 'STOPPED', 'powerState', "'RUNNING' or 'STOPPED'");
  const files = input.files ?? {};
  check(isRecord(files), 'files', 'an object mapping paths to text content');
  for (const [path, content] of Object.entries(files)) {
    validatePath(path);
    check(typeof content === 'string', `files.${path}`, 'text content');
  }
  const now = e.ctx.clock.nowMs();
  const id = e.ctx.rng.id('srv');
  e.ctx.rowChanges++;
  e.ctx.serverWrites++;
  const row = {
    id,
    seq: e.ctx.nextSeq(),
    tenant,
    name,
    region,
    flavor,
    volumes: JSON.stringify(volumes),
    power_state: power,
    role,
    expires_at_ms: expiresAtMs,
    pair_id: null,
    data_version: 0,
    data_bytes: 0,
    workload_per_minute: 0,
    created_at_ms: now,
    updated_at_ms: now,
    network: networkText(placed),
  };
  e.st.insertServer.run(row);
  serverAddressesChanged(e, tenant, placed.network, 1);
  e.ctx.emit(tenant, null, 'server.created', { serverId: id, role });
  // The record from the row just stored (nothing since writes a server row): reading it back was
  // a statement of every create.
  let server: ServerRecord = serverFromRow(row, now);
  const entries = Object.entries(files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (entries.length > 0) server = writeVersion(e, server, entries, 'api');
  return server;
}

export function saveServer(e: Engine, server: ServerRecord): void {
  // A deferred row of this server would overwrite this write when flushed: it goes first.
  if (e.ctx.pendingServers.size > 0) e.ctx.flushPoints();
  server.updatedAt = iso(e.ctx.clock.nowMs());
  e.ctx.rowChanges++;
  e.ctx.serverWrites++;
  e.st.updateServer.run({
    id: server.id,
    power_state: server.powerState,
    role: server.role,
    pair_id: server.pairId,
    data_version: server.dataVersion,
    data_bytes: server.dataBytes,
    workload_per_minute: server.workloadPerMinute,
    updated_at_ms: e.ctx.clock.nowMs(),
    flavor: server.flavor,
    volumes: JSON.stringify(server.volumes),
    expires_at_ms: server.expiresAt === null ? null : toMs(server.expiresAt),
  });
}

export function setPower(e: Engine, server: ServerRecord, power: PowerState, reason: string): void {
  if (server.powerState === power) return;
  // Only a recovery ends an outage: no job or user action powers a DOWN server on or off.
  if (server.powerState === 'DOWN' && reason !== 'recovered') return;
  server.powerState = power;
  saveServer(e, server);
  e.ctx.emit(server.tenant, server.pairId, 'server.power', {
    serverId: server.id,
    powerState: power,
    reason,
  });
}

export function setRole(e: Engine, server: ServerRecord, role: ServerRole, pairId: string | null): void {
  server.role = role;
  server.pairId = pairId;
  saveServer(e, server);
  e.ctx.emit(server.tenant, pairId, 'server.role', { serverId: server.id, role });
}

export function validatePath(path: unknown): string {
  check(
    typeof path === 'string' &&
      path.length > 0 &&
      path.length <= 512 &&
      !path.startsWith('/') &&
      !path.split('/').some((part) => part === '' || part === '.' || part === '..') &&
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we reject
      !/[\u0000-\u001f]/.test(path),
    'path',
    'a relative path such as data/app.db (1–512 characters, no empty, . or .. segments)',
  );
  return path as string;
}

/** A new file row's values in `insertFile`'s order. */
export type NewFileRow = [string, string, number, string | null, string | null, number];

/**
 * Writes changed files (content null deletes) as one new data version. With `rows` (the
 * workload's tick) the file rows are appended there, for the caller to store once every server of
 * the tick is written: the same rows in the same order, inserted in a row rather than one or two
 * between each server's JavaScript (which about doubled an insert's CPU).
 */
export function writeVersion(
  e: Engine,
  server: ServerRecord,
  changes: [string, string | null][],
  source: 'api' | 'workload' | 'restore',
  rows?: NewFileRow[],
): ServerRecord {
  if (changes.length === 0) return server;
  const version = server.dataVersion + 1;
  const now = e.ctx.clock.nowMs();
  let bytes = server.dataBytes;
  let written = 0;
  const heads = headBytesOf(e, server.id);
  for (const [path, content] of changes) {
    let headBytes = heads.get(path);
    if (headBytes === undefined) {
      const head = e.st.fileHead.get(server.id, path);
      headBytes = head?.content ? Buffer.byteLength(head.content) : 0;
    }
    const size = content === null ? 0 : Buffer.byteLength(content);
    bytes += size - headBytes;
    written += size;
    heads.set(path, size);
    const row: NewFileRow = [
      server.id,
      path,
      version,
      content,
      content === null ? null : checksumOf(content),
      now,
    ];
    if (rows) rows.push(row);
    else e.st.insertFile.run(...row);
  }
  server.dataVersion = version;
  // An imported state may hold any size up to 2^53 - 1 (the state's own bound): held there, a
  // write past it would make a state that no import takes back.
  server.dataBytes = Math.min(Math.max(0, bytes), Number.MAX_SAFE_INTEGER);
  if (source === 'workload') {
    // A tick's write: the row waits for the chunk's flush (ctx.pendingServers), so a server the
    // workload writes on every tick is stored once a chunk, not 96 times a day.
    server.updatedAt = iso(now);
    e.ctx.rowChanges++;
    e.ctx.pendingServers.set(server.id, [version, server.dataBytes, now, server.id]);
    rememberWorkloadWrite(e, server.id, version, written, now);
  } else {
    saveServer(e, server);
    e.ctx.emit(server.tenant, server.pairId, 'file.written', {
      serverId: server.id,
      paths: changes.map(([path]) => path),
      version,
      source,
    });
  }
  return server;
}

/**
 * The content bytes of each path's newest row (its head), by server, as `writeVersion` last read
 * or wrote them: the workload writes the same few paths every tick, and reading each head back
 * was ~9 % of a day of 1,000 pairs. Every new file row of an existing server is written here (a
 * server's initial files are a new id's); pruning never deletes a head; a rollback, import or
 * reset (`ctx.reloads`) drops everything remembered.
 */
const HEAD_BYTES = new WeakMap<
  Engine['ctx'],
  { reloads: number; byServer: Map<string, Map<string, number>> }
>();
function headBytesOf(e: Engine, serverId: string): Map<string, number> {
  let heads = HEAD_BYTES.get(e.ctx);
  if (heads?.reloads !== e.ctx.reloads) {
    heads = { reloads: e.ctx.reloads, byServer: new Map() };
    HEAD_BYTES.set(e.ctx, heads);
  }
  let ofServer = heads.byServer.get(serverId);
  if (!ofServer) {
    ofServer = new Map();
    heads.byServer.set(serverId, ofServer);
  }
  return ofServer;
}

/**
 * The bytes of content the workload wrote as each server's last version, at the instant it wrote
 * them: billing's transmission (accounts.ts) sends the bytes written since the point before,
 * which on a tick is just this version, and so need not sum the version's file rows. Versions of
 * a server only grow, so (server, version) names one write; a rollback or import (`ctx.reloads`)
 * and any later instant drop what is remembered.
 */
const WORKLOAD_WRITES = new WeakMap<
  Engine['ctx'],
  { reloads: number; atMs: number; byServer: Map<string, { version: number; bytes: number }> }
>();
function rememberWorkloadWrite(e: Engine, serverId: string, version: number, bytes: number, atMs: number) {
  let writes = WORKLOAD_WRITES.get(e.ctx);
  if (writes?.reloads !== e.ctx.reloads || writes.atMs !== atMs) {
    writes = { reloads: e.ctx.reloads, atMs, byServer: new Map() };
    WORKLOAD_WRITES.set(e.ctx, writes);
  }
  writes.byServer.set(serverId, { version, bytes });
}

/** The bytes of content a server's file rows at `version` hold, when the workload wrote them just now. */
export function workloadBytesAt(e: Engine, serverId: string, version: number): number | undefined {
  const writes = WORKLOAD_WRITES.get(e.ctx);
  if (writes?.reloads !== e.ctx.reloads || writes.atMs !== e.ctx.clock.nowMs()) return undefined;
  const write = writes.byServer.get(serverId);
  return write?.version === version ? write.bytes : undefined;
}

interface FileRow {
  path: string;
  version: number;
  content: string | null;
  checksum: string | null;
  written_at_ms: number;
}

function entryOf(row: FileRow): FileContent {
  const content = row.content ?? '';
  return {
    path: row.path,
    checksum: row.checksum ?? '',
    sizeBytes: Buffer.byteLength(content),
    version: row.version,
    updatedAt: iso(row.written_at_ms),
    content,
  };
}

/** The server's files as they were at `version` (its current files by default). */
export function filesAt(e: Engine, serverId: string, version: number): FileContent[] {
  return e.st.filesAtVersion
    .all(serverId, version)
    .filter((row) => row.content !== null)
    .map(entryOf);
}

export const withoutContent = ({ content: _c, ...entry }: FileContent): FileEntry => entry;

export function readFile(e: Engine, server: ServerRecord, path: string): FileContent {
  const head = e.st.fileHead.get(server.id, path);
  if (!head || head.content === null) {
    throw new DrError('FILE_NOT_FOUND', `No file '${path}' on server ${server.id}.`, { path });
  }
  return entryOf({ path, ...head });
}

/** Makes `target`'s files equal `source`'s files at `version` (a restore), as one new version. */
export function restoreFiles(
  e: Engine,
  target: ServerRecord,
  sourceId: string,
  version: number,
): ServerRecord {
  const wanted = new Map(filesAt(e, sourceId, version).map((f) => [f.path, f]));
  const current = new Map(filesAt(e, target.id, target.dataVersion).map((f) => [f.path, f]));
  const changes: [string, string | null][] = [];
  for (const [path, file] of wanted) {
    if (current.get(path)?.checksum !== file.checksum) changes.push([path, file.content]);
  }
  for (const path of current.keys()) if (!wanted.has(path)) changes.push([path, null]);
  changes.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return writeVersion(e, target, changes, 'restore');
}
