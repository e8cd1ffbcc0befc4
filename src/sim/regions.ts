/**
 * The region catalogue: the regions a tenant can place shadow and test servers in, each with its
 * VPCs and subnets, security groups, placement groups, volume types (with IOPS limits) and
 * flavors, and whether the Snapshot service is active there. The service's dialogs list exactly
 * these; attach, start replication and test failover check their choices against them
 * (decision 0009). A region the catalogue does not list is accepted as free text unless the
 * catalogue is `strict`, so scripts written with made-up names keep working.
 */
import { DrError } from './errors.js';
import type { VolumeType } from './types.js';
import { check, isRecord, requireString } from './validate.js';

export interface Subnet {
  id: string;
  name: string;
  /** IPv4 CIDR, e.g. `10.20.1.0/24`; private IPs are allocated from it. */
  cidr: string;
}
export interface Vpc {
  id: string;
  name: string;
  cidr: string;
  subnets: Subnet[];
}
export interface SecurityGroup {
  id: string;
  name: string;
}
export interface PlacementGroup {
  id: string;
  name: string;
  policy: 'affinity' | 'anti-affinity' | 'soft-anti-affinity';
}
export interface VolumeTypeSpec {
  type: VolumeType;
  minIops: number;
  maxIops: number;
  /** IOPS given to a volume of this type when none is asked for. */
  defaultIops: number;
}
export interface Flavor {
  id: string;
  /** The instance family the Test Failover dialog offers, e.g. `general`. */
  family: string;
  vcpus: number;
  memoryGb: number;
}
export interface Region {
  id: string;
  name: string;
  vpcs: Vpc[];
  securityGroups: SecurityGroup[];
  placementGroups: PlacementGroup[];
  /** The first is the region's default (where a missing type falls back to). */
  volumeTypes: VolumeTypeSpec[];
  /** The first is the region's default flavor. */
  flavors: Flavor[];
  /**
   * Whether the Snapshot service is active; the service activates it itself the first time
   * replication or a test uses the region (it may cost extra).
   */
  snapshotServiceEnabled: boolean;
}
export interface RegionCatalogue {
  /** Refuse regions the catalogue does not list (default false: they are free text). */
  strict: boolean;
  regions: Region[];
}

const flavors = (...ids: string[]): Flavor[] =>
  ids.map((id) => {
    const [family, size] = id.split('.') as [string, string];
    const [, cpu, mem] = /^(\d+)c(\d+)g$/.exec(size)!;
    return { id, family, vcpus: Number(cpu), memoryGb: Number(mem) };
  });

/** drsim's default: two regions shaped like the service's Ho Chi Minh and Ha Noi regions. */
export const DEFAULT_CATALOGUE: RegionCatalogue = {
  strict: false,
  regions: [
    {
      id: 'HCM-3',
      name: 'Ho Chi Minh 3',
      vpcs: [
        {
          id: 'vpc-hcm-prod',
          name: 'prod',
          cidr: '10.10.0.0/16',
          subnets: [
            { id: 'subnet-hcm-prod-a', name: 'prod-a', cidr: '10.10.1.0/24' },
            { id: 'subnet-hcm-prod-b', name: 'prod-b', cidr: '10.10.2.0/24' },
          ],
        },
        {
          id: 'vpc-dr-hcm',
          name: 'dr',
          cidr: '10.20.0.0/16',
          subnets: [{ id: 'subnet-dr-hcm-a', name: 'dr-a', cidr: '10.20.1.0/24' }],
        },
      ],
      securityGroups: [
        { id: 'sg-hcm-default', name: 'default' },
        { id: 'sg-hcm-web', name: 'web' },
      ],
      placementGroups: [{ id: 'pg-hcm-spread', name: 'spread', policy: 'soft-anti-affinity' }],
      volumeTypes: [
        { type: 'SSD', minIops: 100, maxIops: 25_000, defaultIops: 3000 },
        { type: 'NVMe', minIops: 1000, maxIops: 100_000, defaultIops: 10_000 },
      ],
      flavors: flavors('general.2c4g', 'general.4c8g', 'general.8c16g', 'memory.4c16g', 'memory.8c32g'),
      snapshotServiceEnabled: true,
    },
    {
      id: 'HAN-1',
      name: 'Ha Noi 1',
      vpcs: [
        {
          id: 'vpc-dr',
          name: 'dr',
          cidr: '10.30.0.0/16',
          subnets: [
            { id: 'subnet-dr-a', name: 'dr-a', cidr: '10.30.1.0/24' },
            { id: 'subnet-dr-b', name: 'dr-b', cidr: '10.30.2.0/24' },
          ],
        },
        {
          id: 'vpc-dr-han',
          name: 'dr-han',
          cidr: '10.50.0.0/16',
          subnets: [{ id: 'subnet-dr-han-a', name: 'dr-han-a', cidr: '10.50.1.0/24' }],
        },
        {
          id: 'vpc-han-test',
          name: 'test',
          cidr: '10.40.0.0/16',
          subnets: [{ id: 'subnet-han-test-a', name: 'test-a', cidr: '10.40.1.0/24' }],
        },
      ],
      securityGroups: [
        { id: 'sg-han-default', name: 'default' },
        { id: 'sg-han-web', name: 'web' },
      ],
      placementGroups: [{ id: 'pg-han-spread', name: 'spread', policy: 'soft-anti-affinity' }],
      // No NVMe in Ha Noi 1: an NVMe main's shadow falls back to SSD here.
      volumeTypes: [{ type: 'SSD', minIops: 100, maxIops: 16_000, defaultIops: 3000 }],
      flavors: flavors('general.2c4g', 'general.4c8g', 'general.8c16g', 'memory.8c32g'),
      snapshotServiceEnabled: false,
    },
  ],
};

export function regionOf(catalogue: RegionCatalogue, id: string): Region | null {
  return catalogue.regions.find((r) => r.id === id) ?? null;
}

/** The region, or null for an unlisted region of a non-strict catalogue; REGION_NOT_FOUND when strict. */
export function knownRegion(catalogue: RegionCatalogue, id: string, field: string): Region | null {
  const region = regionOf(catalogue, id);
  if (!region && catalogue.strict) {
    throw new DrError(
      'REGION_NOT_FOUND',
      `${field}: no region '${id}' (regions: ${catalogue.regions.map((r) => r.id).join(', ')}).`,
      { field, value: id },
    );
  }
  return region;
}

/** A choice that the region does not offer: one code, naming the field and what it offers. */
export function notInRegion(region: Region, field: string, value: unknown, offered: string[]): DrError {
  return new DrError(
    'NOT_IN_REGION',
    `${field}: region ${region.id} has no ${JSON.stringify(value)} (it offers ${offered.join(', ') || 'none'}).`,
    { field, region: region.id, value, offered },
  );
}

export function vpcIn(region: Region, vpcId: string, field: string): Vpc {
  const vpc = region.vpcs.find((v) => v.id === vpcId);
  if (!vpc)
    throw notInRegion(
      region,
      field,
      vpcId,
      region.vpcs.map((v) => v.id),
    );
  return vpc;
}

export function subnetIn(region: Region, vpc: Vpc, subnetId: string, field: string): Subnet {
  const subnet = vpc.subnets.find((s) => s.id === subnetId);
  if (!subnet)
    throw notInRegion(
      region,
      field,
      subnetId,
      vpc.subnets.map((s) => s.id),
    );
  return subnet;
}

// ---------------------------------------------------------------- IPv4

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
export const isIpv4 = (value: unknown): value is string => typeof value === 'string' && IPV4.test(value);
export const ipToInt = (ip: string): number => ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
const intToIp = (n: number): string =>
  [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');

function cidrRange(cidr: string): { first: number; last: number } {
  const [base, bits] = cidr.split('/') as [string, string];
  const size = 2 ** (32 - Number(bits));
  const first = Math.floor(ipToInt(base) / size) * size;
  return { first, last: first + size - 1 };
}

export function inCidr(ip: string, cidr: string): boolean {
  const { first, last } = cidrRange(cidr);
  const n = ipToInt(ip);
  return n >= first && n <= last;
}

/**
 * The first free address of the subnet from .10 on (the lower ones are the gateway's and DHCP's).
 * `from`: an address below which every one is known to be in use, where the search may start.
 */
export function allocateIp(cidr: string, used: { has(ip: string): boolean }, from = 0): string | null {
  const { first, last } = cidrRange(cidr);
  for (let n = Math.max(first + 10, from); n < last; n++) {
    const ip = intToIp(n);
    if (!used.has(ip)) return ip;
  }
  return null;
}

// ---------------------------------------------------------------- validation of a catalogue

const ID = (value: unknown, field: string) => requireString(value, field, 1, 64);

function list<T>(value: unknown, field: string, item: (v: Record<string, unknown>, f: string) => T): T[] {
  check(Array.isArray(value), field, 'a list');
  return (value as unknown[]).map((entry, index) => {
    const f = `${field}[${index}]`;
    check(isRecord(entry), f, 'an object');
    return item(entry, f);
  });
}

function unique(ids: string[], field: string): void {
  const seen = new Set<string>();
  for (const id of ids) {
    check(!seen.has(id), field, `unique ids (${id} appears twice)`);
    seen.add(id);
  }
}

const int = (value: unknown, field: string, min: number, max: number): number => {
  check(
    Number.isInteger(value) && (value as number) >= min && (value as number) <= max,
    field,
    `an integer from ${min} to ${max}`,
  );
  return value as number;
};

function cidrOf(value: unknown, field: string): string {
  check(
    typeof value === 'string' && /^[\d.]+\/(\d|[12]\d|3[0-2])$/.test(value) && isIpv4(value.split('/')[0]),
    field,
    'an IPv4 CIDR such as 10.20.1.0/24',
  );
  return value as string;
}

/** Checks a whole catalogue (control API, scenarios); returns it normalised. */
export function validateCatalogue(input: unknown): RegionCatalogue {
  check(isRecord(input), 'catalogue', 'an object { strict?, regions: [...] }');
  const strict = input.strict ?? false;
  check(typeof strict === 'boolean', 'strict', 'true or false');
  const regions = list(input.regions, 'regions', (r, f) => {
    const region: Region = {
      id: ID(r.id, `${f}.id`),
      name: r.name === undefined ? String(r.id) : requireString(r.name, `${f}.name`, 1, 100),
      vpcs: list(r.vpcs ?? [], `${f}.vpcs`, (v, vf) => ({
        id: ID(v.id, `${vf}.id`),
        name: v.name === undefined ? String(v.id) : requireString(v.name, `${vf}.name`, 1, 100),
        cidr: v.cidr === undefined ? '10.0.0.0/16' : cidrOf(v.cidr, `${vf}.cidr`),
        subnets: list(v.subnets ?? [], `${vf}.subnets`, (s, sf) => ({
          id: ID(s.id, `${sf}.id`),
          name: s.name === undefined ? String(s.id) : requireString(s.name, `${sf}.name`, 1, 100),
          cidr: s.cidr === undefined ? '10.0.1.0/24' : cidrOf(s.cidr, `${sf}.cidr`),
        })),
      })),
      securityGroups: list(r.securityGroups ?? [], `${f}.securityGroups`, (g, gf) => ({
        id: ID(g.id, `${gf}.id`),
        name: g.name === undefined ? String(g.id) : requireString(g.name, `${gf}.name`, 1, 100),
      })),
      placementGroups: list(r.placementGroups ?? [], `${f}.placementGroups`, (g, gf) => {
        const policy = g.policy ?? 'soft-anti-affinity';
        check(
          policy === 'affinity' || policy === 'anti-affinity' || policy === 'soft-anti-affinity',
          `${gf}.policy`,
          "'affinity', 'anti-affinity' or 'soft-anti-affinity'",
        );
        return {
          id: ID(g.id, `${gf}.id`),
          name: g.name === undefined ? String(g.id) : requireString(g.name, `${gf}.name`, 1, 100),
          policy: policy as PlacementGroup['policy'],
        };
      }),
      volumeTypes: list(r.volumeTypes, `${f}.volumeTypes`, (t, tf) => {
        check(t.type === 'SSD' || t.type === 'NVMe', `${tf}.type`, "'SSD' or 'NVMe'");
        const minIops = int(t.minIops ?? 100, `${tf}.minIops`, 1, 1_000_000);
        const maxIops = int(t.maxIops, `${tf}.maxIops`, minIops, 1_000_000);
        const defaultIops = int(
          t.defaultIops ?? Math.min(3000, maxIops),
          `${tf}.defaultIops`,
          minIops,
          maxIops,
        );
        return { type: t.type as VolumeType, minIops, maxIops, defaultIops };
      }),
      flavors: list(r.flavors, `${f}.flavors`, (fl, ff) => ({
        id: ID(fl.id, `${ff}.id`),
        family: fl.family === undefined ? String(fl.id).split('.')[0]! : ID(fl.family, `${ff}.family`),
        vcpus: int(fl.vcpus ?? 2, `${ff}.vcpus`, 1, 1024),
        memoryGb: int(fl.memoryGb ?? 4, `${ff}.memoryGb`, 1, 16_384),
      })),
      snapshotServiceEnabled: r.snapshotServiceEnabled ?? true,
    } as Region;
    check(typeof region.snapshotServiceEnabled === 'boolean', `${f}.snapshotServiceEnabled`, 'true or false');
    check(
      region.volumeTypes.length > 0,
      `${f}.volumeTypes`,
      'at least one volume type (the first is the default)',
    );
    check(region.flavors.length > 0, `${f}.flavors`, 'at least one flavor (the first is the default)');
    unique(
      region.vpcs.map((v) => v.id),
      `${f}.vpcs`,
    );
    unique(
      region.vpcs.flatMap((v) => v.subnets.map((s) => s.id)),
      `${f}.vpcs[].subnets`,
    );
    unique(
      region.securityGroups.map((g) => g.id),
      `${f}.securityGroups`,
    );
    unique(
      region.placementGroups.map((g) => g.id),
      `${f}.placementGroups`,
    );
    unique(
      region.volumeTypes.map((t) => t.type),
      `${f}.volumeTypes`,
    );
    unique(
      region.flavors.map((fl) => fl.id),
      `${f}.flavors`,
    );
    return region;
  });
  unique(
    regions.map((r) => r.id),
    'regions',
  );
  return { strict, regions };
}
