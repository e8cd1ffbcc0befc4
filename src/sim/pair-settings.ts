/**
 * A running pair's settings: the replication interval and the shadow server's flavor, which the
 * documentation lets a user adjust after Start Replication, and the volumes the shadow should
 * have, which Restart Replication rebuilds after the main server's drives changed. Changing a
 * setting is the statechart's CHANGE_SETTINGS event, accepted while replicating, pending or in
 * error (decision 0011).
 */
import type { Engine } from './engine.js';
import { DrError } from './errors.js';
import { invalidState, loadPair, type PairRecord, savePair, snapshotOf } from './pairs.js';
import { catalogueOf, resolveVolume } from './placement.js';
import { knownRegion, notInRegion } from './regions.js';
import { type ServerRecord, saveServer, serverById } from './servers.js';
import type { Volume, VolumeType } from './types.js';
import { check, integerIn, isRecord, requireString } from './validate.js';

/** Prepared once per database: pair views ask for every pair in a list. */
const lastStart = new WeakMap<object, { get(...args: unknown[]): unknown }>();

interface StartChoices {
  volumeType?: VolumeType;
  iops?: number;
}

/** The volume choices of the pair's last Start Replication (they hold for its restarts too). */
export function lastStartChoices(e: Engine, pairId: string): StartChoices & Record<string, unknown> {
  let statement = lastStart.get(e.store.db);
  if (!statement) {
    statement = e.store.db.prepare(
      "SELECT request FROM jobs WHERE pair_id = ? AND type = 'startReplication' ORDER BY seq DESC LIMIT 1",
    );
    lastStart.set(e.store.db, statement);
  }
  const row = statement.get(pairId) as { request: string } | undefined;
  return row ? (JSON.parse(row.request) as StartChoices & Record<string, unknown>) : {};
}

/**
 * The shadow's volumes for the main's current ones: same count and sizes; the type and IOPS
 * chosen at Start Replication, else the main's, falling back to the shadow region's default
 * type where the region lacks it.
 */
export function expectedShadowVolumes(
  e: Engine,
  pair: PairRecord,
  main: Pick<ServerRecord, 'volumes'>,
  region: string,
): Volume[] {
  const catalogue = catalogueOf(e);
  const listed = catalogue.regions.find((r) => r.id === region) ?? null;
  // Pairs started before the placement kept the choices read them from their start job.
  const start =
    pair.placement.volumeType === undefined
      ? lastStartChoices(e, pair.id)
      : {
          ...(pair.placement.volumeType !== null && { volumeType: pair.placement.volumeType }),
          ...(pair.placement.iops != null && { iops: pair.placement.iops }),
        };
  const choice = {
    // A type the region no longer offers (the catalogue changed) falls back like the main's would.
    ...(start.volumeType !== undefined &&
      (!listed || listed.volumeTypes.some((t) => t.type === start.volumeType)) && {
        volumeType: start.volumeType,
      }),
    ...(start.iops !== undefined && { iops: start.iops }),
  };
  const notes: string[] = [];
  return main.volumes.map((v, i) => {
    try {
      return resolveVolume(listed, v, choice, i, notes);
    } catch {
      return resolveVolume(listed, v, {}, i, notes);
    }
  });
}

const sameVolumes = (a: Volume[], b: Volume[]): boolean =>
  a.length === b.length &&
  a.every((v, i) => v.type === b[i]!.type && v.iops === b[i]!.iops && v.sizeGb === b[i]!.sizeGb);

/** Whether the shadow's volumes are what the main's call for; null without a shadow. */
export function shadowMatchesMain(e: Engine, pair: PairRecord): boolean | null {
  return volumesMatch(
    e,
    pair,
    e.st.serverSummaryById.get(pair.mainServerId),
    pair.shadowServerId ? e.st.serverSummaryById.get(pair.shadowServerId) : undefined,
  );
}

/** `shadowMatchesMain` from the two servers' rows, read once for the pair's whole view. */
export function volumesMatch(
  e: Engine,
  pair: PairRecord,
  main: { volumes: string } | undefined,
  shadow: { role: string; region: string; volumes: string } | undefined,
): boolean | null {
  if (!shadow || !main || shadow.role !== 'SHADOW') return null;
  return sameVolumes(
    JSON.parse(shadow.volumes),
    expectedShadowVolumes(e, pair, { volumes: JSON.parse(main.volumes) }, shadow.region),
  );
}

/** Rebuilds the shadow's volumes to the main's; returns a line for the job's log, or null if they matched. */
export function rebuildShadowVolumes(e: Engine, pair: PairRecord): string | null {
  const shadow = pair.shadowServerId ? serverById(e, pair.shadowServerId) : null;
  const main = serverById(e, pair.mainServerId);
  if (!shadow || !main) return null;
  const wanted = expectedShadowVolumes(e, pair, main, shadow.region);
  if (sameVolumes(shadow.volumes, wanted)) return null;
  const before = shadow.volumes.map((v) => `${v.sizeGb} GB ${v.type}`).join(', ');
  shadow.volumes = wanted;
  saveServer(e, shadow);
  e.ctx.emit(shadow.tenant, pair.id, 'server.volumes', {
    serverId: shadow.id,
    change: 'rebuilt to match the main server',
    count: wanted.length,
  });
  return `rebuilt the shadow's volumes to the main's: ${before} → ${wanted.map((v) => `${v.sizeGb} GB ${v.type}`).join(', ')}`;
}

/**
 * Changes the interval (1–12 hours; retention and the interval rule use it from the next
 * point) and/or the shadow's flavor (one its region's catalogue offers).
 */
export function changePairSettings(e: Engine, tenant: string, pairId: string, input: unknown): PairRecord {
  const pair = loadPair(e, tenant, pairId);
  check(isRecord(input), 'body', 'an object { intervalHours?, shadowFlavor? }');
  const intervalHours =
    input.intervalHours === undefined ? undefined : integerIn(input.intervalHours, 'intervalHours', 1, 12);
  const shadowFlavor =
    input.shadowFlavor === undefined ? undefined : requireString(input.shadowFlavor, 'shadowFlavor', 1, 64);
  check(
    intervalHours !== undefined || shadowFlavor !== undefined,
    'body',
    'at least one of intervalHours, shadowFlavor',
  );
  if (!snapshotOf(pair).can({ type: 'CHANGE_SETTINGS' })) throw invalidState(e, pair, 'changeSettings');
  const shadow = pair.shadowServerId ? serverById(e, pair.shadowServerId) : null;
  const changed: Record<string, unknown> = {};
  if (shadowFlavor !== undefined) {
    if (!shadow) {
      throw new DrError('SERVER_STATE_CONFLICT', `DR pair ${pair.id} has no shadow server yet.`, {});
    }
    const region = knownRegion(catalogueOf(e), shadow.region, 'shadowFlavor');
    if (region && !region.flavors.some((f) => f.id === shadowFlavor)) {
      throw notInRegion(
        region,
        'shadowFlavor',
        shadowFlavor,
        region.flavors.map((f) => f.id),
      );
    }
    if (shadow.flavor !== shadowFlavor) {
      changed.shadowFlavor = { from: shadow.flavor, to: shadowFlavor };
      shadow.flavor = shadowFlavor;
      saveServer(e, shadow);
    }
  }
  if (intervalHours !== undefined && intervalHours !== pair.intervalHours) {
    changed.intervalHours = { from: pair.intervalHours, to: intervalHours };
    pair.intervalHours = intervalHours;
    savePair(e, pair);
  }
  if (Object.keys(changed).length > 0) e.ctx.emit(pair.tenant, pair.id, 'pair.settings', changed);
  return loadPair(e, tenant, pairId);
}
