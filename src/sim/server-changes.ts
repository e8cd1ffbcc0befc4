/**
 * Changes to a server after it was created: adding, growing and removing its volumes (drives),
 * and renewing its subscription. A drive change on a protected main server does not reach the
 * shadow by itself: the pair shows `replication.shadowMatchesMain: false` until Restart
 * Replication rebuilds the shadow to the main's volumes (decision 0011).
 */
import type { Engine } from './engine.js';
import { DrError } from './errors.js';
import { pairById } from './pairs.js';
import { loadServer, MAX_VOLUMES, type ServerRecord, saveServer, validateVolume } from './servers.js';
import type { Volume } from './types.js';
import { check, integerIn, isRecord } from './validate.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** A month of subscription is 30 simulated days (decision 0011). */
export const RENEW_MONTH_MS = 30 * DAY_MS;

/** Roles whose drives the user manages: a shadow's and a test server's follow their pair. */
const EDITABLE_ROLES = new Set(['STANDALONE', 'MAIN', 'PRIMARY']);

function editable(e: Engine, tenant: string, serverId: string): ServerRecord {
  const server = loadServer(e, tenant, serverId);
  if (!EDITABLE_ROLES.has(server.role)) {
    throw new DrError(
      'SERVER_STATE_CONFLICT',
      server.role === 'SHADOW'
        ? `Server ${server.id} is a shadow server: its volumes follow the main server's. Change the main's, then Restart Replication.`
        : `Server ${server.id} is a ${server.role} server; its volumes cannot be changed.`,
      { role: server.role },
    );
  }
  if (server.powerState === 'DOWN') {
    throw new DrError('SERVER_STATE_CONFLICT', `Server ${server.id} is down (an outage); recover it first.`, {
      powerState: server.powerState,
    });
  }
  return server;
}

function volumeIndex(server: ServerRecord, index: unknown): number {
  const n = typeof index === 'string' && /^\d+$/.test(index) ? Number(index) : index;
  if (!Number.isInteger(n) || (n as number) < 0 || (n as number) >= server.volumes.length) {
    throw new DrError(
      'VOLUME_NOT_FOUND',
      `Server ${server.id} has no volume ${String(index)} (it has volumes 0 to ${server.volumes.length - 1}).`,
      { serverId: server.id, index, count: server.volumes.length },
    );
  }
  return n as number;
}

function saveVolumes(e: Engine, server: ServerRecord, volumes: Volume[], change: string): ServerRecord {
  server.volumes = volumes;
  saveServer(e, server);
  e.ctx.emit(server.tenant, server.pairId, 'server.volumes', {
    serverId: server.id,
    change,
    count: volumes.length,
  });
  return loadServer(e, server.tenant, server.id);
}

/** A protected main cannot get a multi-attach volume: replication could not protect it any more. */
function refuseMultiAttach(e: Engine, server: ServerRecord, volume: Volume): void {
  const pair = server.pairId ? pairById(e, server.pairId) : null;
  if (volume.multiAttach && server.role === 'MAIN' && pair && pair.status !== 'DETACHED') {
    throw new DrError(
      'MULTI_ATTACH_VOLUME',
      `Server ${server.id} is protected by DR pair ${pair.id}; replication cannot protect a multi-attach volume.`,
      { pairId: pair.id },
    );
  }
}

export function addVolume(e: Engine, tenant: string, serverId: string, input: unknown): ServerRecord {
  const volume = validateVolume(input, 'body');
  const server = editable(e, tenant, serverId);
  if (server.volumes.length >= MAX_VOLUMES) {
    throw new DrError(
      'VOLUME_CHANGE_REFUSED',
      `Server ${server.id} already has ${MAX_VOLUMES} volumes, the most a server can have.`,
      { reason: 'too-many-volumes', max: MAX_VOLUMES },
    );
  }
  refuseMultiAttach(e, server, volume);
  return saveVolumes(e, server, [...server.volumes, volume], `added volume ${server.volumes.length}`);
}

/** Grows a volume: the service (like the clouds it resembles) never shrinks a disk. */
export function resizeVolume(
  e: Engine,
  tenant: string,
  serverId: string,
  index: unknown,
  input: unknown,
): ServerRecord {
  check(isRecord(input), 'body', 'an object { sizeGb }');
  const sizeGb = integerIn(input.sizeGb, 'sizeGb', 1, 16_384);
  const server = editable(e, tenant, serverId);
  const i = volumeIndex(server, index);
  const current = server.volumes[i]!;
  if (sizeGb < current.sizeGb) {
    throw new DrError(
      'VOLUME_CHANGE_REFUSED',
      `Volume ${i} of server ${server.id} is ${current.sizeGb} GB; a volume can only grow (asked ${sizeGb} GB).`,
      { reason: 'shrink', index: i, sizeGb: current.sizeGb, requested: sizeGb },
    );
  }
  if (sizeGb === current.sizeGb) return server;
  const volumes = server.volumes.map((v, n) => (n === i ? { ...v, sizeGb } : v));
  return saveVolumes(e, server, volumes, `volume ${i} grown from ${current.sizeGb} to ${sizeGb} GB`);
}

/** Removes a data volume; volume 0 holds the operating system and stays. */
export function removeVolume(e: Engine, tenant: string, serverId: string, index: unknown): ServerRecord {
  const server = editable(e, tenant, serverId);
  const i = volumeIndex(server, index);
  if (i === 0) {
    throw new DrError(
      'VOLUME_CHANGE_REFUSED',
      `Volume 0 of server ${server.id} is its boot volume and cannot be removed.`,
      { reason: 'boot-volume', index: 0 },
    );
  }
  const volumes = server.volumes.filter((_, n) => n !== i);
  return saveVolumes(e, server, volumes, `removed volume ${i}`);
}

/**
 * Renews a server's subscription by `months` (1–36, default 1) of 30 days, from its expiry or,
 * when it already expired, from now. A server that never expires has nothing to renew.
 */
export function renewServer(e: Engine, tenant: string, serverId: string, input: unknown): ServerRecord {
  const body = input ?? {};
  check(isRecord(body), 'body', 'an object { months? }');
  const months = body.months === undefined ? 1 : integerIn(body.months, 'months', 1, 36);
  const server = loadServer(e, tenant, serverId);
  if (server.expiresAt === null) {
    throw new DrError(
      'SERVER_STATE_CONFLICT',
      `Server ${server.id} never expires; there is nothing to renew.`,
      {
        expiresAt: null,
      },
    );
  }
  const now = e.ctx.clock.nowMs();
  const from = Math.max(Date.parse(server.expiresAt), now);
  server.expiresAt = new Date(from + months * RENEW_MONTH_MS).toISOString();
  saveServer(e, server);
  e.ctx.emit(server.tenant, server.pairId, 'server.renewed', {
    serverId: server.id,
    expiresAt: server.expiresAt,
    months,
  });
  return loadServer(e, tenant, serverId);
}
