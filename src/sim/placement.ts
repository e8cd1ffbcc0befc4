/**
 * Where a new shadow or test server goes and what it is made of: region, network (VPC, subnet,
 * private IP, floating IP, security group), placement group, flavor and volumes, checked
 * against the region catalogue (regions.ts, decision 0009). Resolved when the action is
 * accepted, so a bad choice is refused before any job starts and the job builds exactly what
 * was accepted.
 */
import { allocateFloatingIp, allocatePrivateIp, floatingIpInUse, privateIpInUse } from './addresses.js';
import type { Engine } from './engine.js';
import { DrError } from './errors.js';
import {
  DEFAULT_CATALOGUE,
  inCidr,
  isIpv4,
  knownRegion,
  notInRegion,
  type Region,
  type RegionCatalogue,
  subnetIn,
  vpcIn,
} from './regions.js';
import type { ServerNetwork, Volume, VolumeType } from './types.js';

export function catalogueOf(e: Engine): RegionCatalogue {
  return e.ctx.settings.regions ?? DEFAULT_CATALOGUE;
}

/** What the user chose in the dialog; anything left out takes its default. */
export interface PlacementChoice {
  region?: string;
  network?: {
    vpcId?: string;
    subnetId?: string;
    privateIp?: string;
    floatingIp?: boolean | string;
    securityGroupId?: string;
  };
  placementGroupId?: string;
  /** A flavor id (Start Replication) or, for Test Failover, a flavor id or an instance family. */
  flavor?: string;
  volumeType?: VolumeType;
  iops?: number;
}

/** What a choice's defaults come from. */
export interface PlacementDefaults {
  region: string;
  vpcId: string;
  subnetId: string;
  /** The main server's flavor and volumes, which the new server copies by default. */
  flavor: string;
  volumes: Volume[];
}

export interface ResolvedPlacement {
  region: string;
  network: ServerNetwork;
  placementGroupId: string | null;
  flavor: string;
  volumes: Volume[];
  /** Fallbacks and activations, for the job's log. */
  notes: string[];
}

/** Free-text regions allocate private IPs from here. */
const UNLISTED_CIDR = '10.0.0.0/16';
const FLOATING_CIDR = '103.107.180.0/22';

export function resolvePlacement(
  e: Engine,
  tenant: string,
  choice: PlacementChoice,
  defaults: PlacementDefaults,
  flavorField: string,
): ResolvedPlacement {
  const catalogue = catalogueOf(e);
  const regionId = choice.region ?? defaults.region;
  const region = knownRegion(catalogue, regionId, 'region');
  const notes: string[] = [];
  const sameRegion = regionId === defaults.region;
  const net = choice.network ?? {};

  // VPC and subnet: the chosen ones; else the defaults' in the same region; else the region's first.
  let vpcId = net.vpcId ?? (sameRegion || !region ? defaults.vpcId : region.vpcs[0]?.id);
  let subnetId = net.subnetId;
  let cidr = UNLISTED_CIDR;
  if (region) {
    if (vpcId === undefined) throw notInRegion(region, 'network.vpcId', null, []);
    const vpc = vpcIn(region, vpcId, 'network.vpcId');
    vpcId = vpc.id;
    subnetId ??= net.vpcId === undefined && sameRegion ? defaults.subnetId : vpc.subnets[0]?.id;
    if (subnetId === undefined) throw notInRegion(region, 'network.subnetId', null, []);
    cidr = subnetIn(region, vpc, subnetId, 'network.subnetId').cidr;
  } else {
    subnetId ??= net.vpcId === undefined ? defaults.subnetId : `${vpcId}-subnet`;
  }

  const securityGroupId = pick(
    region,
    'network.securityGroupId',
    net.securityGroupId,
    region?.securityGroups ?? [],
    true,
  );
  const placementGroupId = pick(
    region,
    'placementGroupId',
    choice.placementGroupId,
    region?.placementGroups ?? [],
    false,
  );

  let privateIp: string;
  if (net.privateIp !== undefined) {
    if (!isIpv4(net.privateIp)) {
      throw new DrError('VALIDATION_FAILED', 'network.privateIp: expected an IPv4 address.', {
        errors: [{ path: 'network.privateIp', expected: 'an IPv4 address' }],
      });
    }
    if (region && !inCidr(net.privateIp, cidr)) {
      throw new DrError(
        'NOT_IN_REGION',
        `network.privateIp: ${net.privateIp} is not in subnet ${subnetId} (${cidr}).`,
        { field: 'network.privateIp', region: region.id, value: net.privateIp, offered: [cidr] },
      );
    }
    if (privateIpInUse(e, tenant, subnetId!, net.privateIp)) {
      throw new DrError(
        'IP_ADDRESS_IN_USE',
        `network.privateIp: ${net.privateIp} is in use in subnet ${subnetId}.`,
        {
          field: 'network.privateIp',
          value: net.privateIp,
        },
      );
    }
    privateIp = net.privateIp;
  } else {
    const allocated = allocatePrivateIp(e, tenant, subnetId!, cidr);
    if (allocated === null) {
      throw new DrError('IP_ADDRESS_IN_USE', `Subnet ${subnetId} (${cidr}) has no free address left.`, {
        field: 'network.subnetId',
        value: subnetId,
      });
    }
    privateIp = allocated;
  }

  let floatingIp: string | null = null;
  if (typeof net.floatingIp === 'string') {
    if (!isIpv4(net.floatingIp)) {
      throw new DrError('VALIDATION_FAILED', 'network.floatingIp: expected true, false or an IPv4 address.', {
        errors: [{ path: 'network.floatingIp', expected: 'true, false or an IPv4 address' }],
      });
    }
    if (floatingIpInUse(e, tenant, net.floatingIp)) {
      throw new DrError('IP_ADDRESS_IN_USE', `network.floatingIp: ${net.floatingIp} is in use.`, {
        field: 'network.floatingIp',
        value: net.floatingIp,
      });
    }
    floatingIp = net.floatingIp;
  } else if (net.floatingIp === true) {
    floatingIp = allocateFloatingIp(e, tenant, FLOATING_CIDR);
  }

  const flavor = resolveFlavor(region, choice.flavor, defaults.flavor, flavorField, notes);
  const volumes = defaults.volumes.map((v, index) => resolveVolume(region, v, choice, index, notes));
  return {
    region: regionId,
    network: { vpcId: vpcId!, subnetId: subnetId!, privateIp, floatingIp, securityGroupId },
    placementGroupId,
    flavor,
    volumes,
    notes,
  };
}

function pick(
  region: Region | null,
  field: string,
  chosen: string | undefined,
  offered: { id: string }[],
  defaultFirst: boolean,
): string | null {
  if (chosen === undefined) return defaultFirst ? (offered[0]?.id ?? null) : null;
  if (region && !offered.some((o) => o.id === chosen)) {
    throw notInRegion(
      region,
      field,
      chosen,
      offered.map((o) => o.id),
    );
  }
  return chosen;
}

function resolveFlavor(
  region: Region | null,
  chosen: string | undefined,
  mainFlavor: string,
  field: string,
  notes: string[],
): string {
  if (!region) return chosen ?? mainFlavor;
  if (chosen !== undefined) {
    const byId = region.flavors.find((f) => f.id === chosen);
    if (byId) return byId.id;
    // An instance family (Test Failover): the family's flavor of the main's size, else its first.
    const family = region.flavors.filter((f) => f.family === chosen);
    if (family.length > 0)
      return (family.find((f) => f.id.endsWith(mainFlavor.split('.')[1] ?? '')) ?? family[0]!).id;
    throw notInRegion(
      region,
      field,
      chosen,
      region.flavors.map((f) => f.id),
    );
  }
  if (region.flavors.some((f) => f.id === mainFlavor)) return mainFlavor;
  const fallback = region.flavors[0]!.id;
  notes.push(`region ${region.id} has no flavor ${mainFlavor}: using its default ${fallback}`);
  return fallback;
}

export function resolveVolume(
  region: Region | null,
  volume: Volume,
  choice: PlacementChoice,
  index: number,
  notes: string[],
): Volume {
  const type = choice.volumeType ?? volume.type;
  if (!region) return { ...volume, type, iops: choice.iops ?? volume.iops, multiAttach: false };
  let spec = region.volumeTypes.find((t) => t.type === type);
  if (!spec) {
    if (choice.volumeType !== undefined) {
      throw notInRegion(
        region,
        'volumeType',
        type,
        region.volumeTypes.map((t) => t.type),
      );
    }
    // The documentation: a region without the main's volume type falls back to its defaults.
    spec = region.volumeTypes[0]!;
    notes.push(
      `volume ${index}: region ${region.id} has no ${type}; using its default ${spec.type} (${spec.defaultIops} IOPS)`,
    );
    return { ...volume, type: spec.type, iops: choice.iops ?? spec.defaultIops, multiAttach: false };
  }
  if (choice.iops !== undefined) {
    if (choice.iops < spec.minIops || choice.iops > spec.maxIops) {
      throw new DrError(
        'NOT_IN_REGION',
        `iops: ${spec.type} volumes in region ${region.id} allow ${spec.minIops} to ${spec.maxIops} IOPS; got ${choice.iops}.`,
        {
          field: 'iops',
          region: region.id,
          value: choice.iops,
          offered: [`${spec.minIops}-${spec.maxIops}`],
        },
      );
    }
    return { ...volume, type, iops: choice.iops, multiAttach: false };
  }
  const iops = Math.min(spec.maxIops, Math.max(spec.minIops, volume.iops));
  if (iops !== volume.iops)
    notes.push(
      `volume ${index}: ${volume.iops} IOPS is outside ${spec.type}'s ${spec.minIops}-${spec.maxIops} in ${region.id}; using ${iops}`,
    );
  return { ...volume, type, iops, multiAttach: false };
}

/** The region's snapshot service, activated on first use (the documentation: the service does it itself). */
export function activateSnapshotService(e: Engine, regionId: string): boolean {
  const catalogue = catalogueOf(e);
  const index = catalogue.regions.findIndex((r) => r.id === regionId);
  if (index < 0 || catalogue.regions[index]!.snapshotServiceEnabled) return false;
  const copy = structuredClone(catalogue);
  copy.regions[index]!.snapshotServiceEnabled = true;
  e.ctx.settings.regions = copy;
  return true;
}
