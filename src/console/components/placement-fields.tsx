/**
 * Where a new server goes (Start Replication's shadow, Test Failover's test server): region,
 * VPC, subnet, private IP, floating IP, security group, optional placement group and flavor.
 * For a region the catalogue lists (`GET /v1/regions`) the choices are `<select>`s of what it
 * offers; another region is free text, as the API accepts it. The page's script refills the
 * selects when the region or the VPC changes (`data-catalogue-field`).
 */
import type { Region } from '../../sim/regions.js';
import { Field } from './ui.js';

type Kind = 'vpc' | 'subnet' | 'securityGroup' | 'placementGroup' | 'flavor' | 'family';

export interface PlacementDefaults {
  region: string;
  vpcId?: string | null;
  subnetId?: string | null;
  securityGroupId?: string | null;
}

interface Props {
  /** The dialog's id: the fields' ids start with it. */
  id: string;
  regions: Region[];
  defaults: PlacementDefaults;
  regionHint: string;
  /** Start Replication offers a placement group; Test Failover does not. */
  placementGroup?: boolean;
  /**
   * The flavor field: Start Replication's `flavor` (a flavor id) or Test Failover's
   * `instanceFamily` (a family), with the main server's flavor as the default.
   */
  flavor?: { name: string; label: string; main: string | null; kind: 'flavor' | 'family' };
}

/** What the script needs to refill the selects: ids and names only. */
function catalogueJson(regions: Region[]): string {
  return JSON.stringify(
    regions.map((r) => ({
      id: r.id,
      vpcs: r.vpcs.map((v) => ({
        id: v.id,
        label: `${v.name} (${v.cidr})`,
        subnets: v.subnets.map((s) => ({ id: s.id, label: `${s.name} (${s.cidr})` })),
      })),
      securityGroups: r.securityGroups.map((g) => ({ id: g.id, label: g.name })),
      placementGroups: r.placementGroups.map((g) => ({ id: g.id, label: `${g.name} (${g.policy})` })),
      flavors: r.flavors.map((f) => ({ id: f.id, label: `${f.vcpus} vCPU, ${f.memoryGb} GB` })),
      families: familiesOf(r),
    })),
  );
}

/** A region's instance families, each with its flavors as the label. */
function familiesOf(region: Region): { id: string; label: string }[] {
  const families = [...new Set(region.flavors.map((f) => f.family))];
  return families.map((family) => ({
    id: family,
    label: region.flavors
      .filter((f) => f.family === family)
      .map((f) => f.id)
      .join(', '),
  }));
}

/** The options of a catalogue field in a region, as `[id, label]`. */
function optionsOf(region: Region, kind: Kind, vpcId: string | null): { id: string; label: string }[] {
  switch (kind) {
    case 'vpc':
      return region.vpcs.map((v) => ({ id: v.id, label: `${v.name} (${v.cidr})` }));
    case 'subnet': {
      const vpc = region.vpcs.find((v) => v.id === vpcId) ?? region.vpcs[0];
      return (vpc?.subnets ?? []).map((s) => ({ id: s.id, label: `${s.name} (${s.cidr})` }));
    }
    case 'securityGroup':
      return region.securityGroups.map((g) => ({ id: g.id, label: g.name }));
    case 'placementGroup':
      return region.placementGroups.map((g) => ({ id: g.id, label: `${g.name} (${g.policy})` }));
    case 'flavor':
      return region.flavors.map((f) => ({ id: f.id, label: `${f.vcpus} vCPU, ${f.memoryGb} GB` }));
    case 'family':
      return familiesOf(region);
  }
}

function CatalogueField(props: {
  kind: Kind;
  id: string;
  name: string;
  label: string;
  region: Region | null;
  vpcId: string | null;
  value: string | null;
  /** The label of a first "leave it out" option; without it the field always sends a value. */
  empty?: string;
  hint?: string;
}) {
  const { region, kind } = props;
  const choices = region ? optionsOf(region, kind, props.vpcId) : null;
  const options = choices
    ? [
        ...(props.empty !== undefined ? [{ value: '', label: props.empty }] : []),
        ...choices.map((c) => ({
          value: c.id,
          label: `${c.id} — ${c.label}`,
          selected: c.id === props.value,
        })),
      ]
    : undefined;
  return (
    <div class="catalogue-field" data-catalogue-field={kind} data-empty-label={props.empty}>
      <Field
        id={props.id}
        name={props.name}
        label={props.label}
        options={options}
        value={choices ? undefined : props.value}
        hint={props.hint}
      />
    </div>
  );
}

export function PlacementFields(props: Props) {
  const { id, regions, defaults } = props;
  const region = regions.find((r) => r.id === defaults.region) ?? null;
  // A default that the region does not offer falls to the region's first (what the API takes).
  const vpcId =
    region && !region.vpcs.some((v) => v.id === defaults.vpcId)
      ? (region.vpcs[0]?.id ?? null)
      : (defaults.vpcId ?? null);
  const listId = `${id}-regions`;
  return (
    <>
      <div class="field" data-region-field>
        <label for={`${id}-region`}>
          Region<span class="optional"> (optional)</span>
        </label>
        <input
          id={`${id}-region`}
          name="region"
          type="text"
          value={defaults.region}
          list={listId}
          autocomplete="off"
          spellcheck={false}
          aria-describedby={`${id}-region-hint ${id}-region-error`}
          data-region-input
          data-catalogue={catalogueJson(regions)}
        />
        <datalist id={listId}>
          {regions.map((r) => (
            <option value={r.id}>{r.name}</option>
          ))}
        </datalist>
        <p class="hint" id={`${id}-region-hint`}>
          {props.regionHint} A listed region ({regions.map((r) => r.id).join(', ') || 'none'}) offers its
          VPCs, subnets and groups to choose from; another region takes free text.
        </p>
        <p class="field-error" id={`${id}-region-error`} data-error-for="region" hidden />
      </div>
      <CatalogueField
        kind="vpc"
        id={`${id}-vpc`}
        name="network.vpcId"
        label="VPC"
        region={region}
        vpcId={vpcId}
        value={vpcId}
      />
      <CatalogueField
        kind="subnet"
        id={`${id}-subnet`}
        name="network.subnetId"
        label="Subnet"
        region={region}
        vpcId={vpcId}
        value={defaults.subnetId ?? null}
      />
      <Field
        id={`${id}-private-ip`}
        name="network.privateIp"
        label="Private IP"
        placeholder="10.30.1.20"
        hint="An address in the subnet; allocated from it when blank."
      />
      <div class="field">
        <label for={`${id}-floating-ip`}>
          Floating IP<span class="optional"> (optional)</span>
        </label>
        <select
          id={`${id}-floating-ip`}
          name="network.floatingIp"
          data-type="boolean-text"
          aria-describedby={`${id}-floating-ip-error`}
        >
          <option value="false">None</option>
          <option value="true">Allocate a floating IP</option>
        </select>
        <p class="field-error" id={`${id}-floating-ip-error`} data-error-for="network.floatingIp" hidden />
      </div>
      <CatalogueField
        kind="securityGroup"
        id={`${id}-security-group`}
        name="network.securityGroupId"
        label="Security group"
        region={region}
        vpcId={vpcId}
        value={defaults.securityGroupId ?? null}
        empty="The region's default"
      />
      {props.placementGroup ? (
        <CatalogueField
          kind="placementGroup"
          id={`${id}-placement-group`}
          name="placementGroupId"
          label="Placement group"
          region={region}
          vpcId={vpcId}
          value={null}
          empty="None"
        />
      ) : null}
      {props.flavor ? (
        <CatalogueField
          kind={props.flavor.kind}
          id={`${id}-${props.flavor.kind}`}
          name={props.flavor.name}
          label={props.flavor.label}
          region={region}
          vpcId={vpcId}
          value={null}
          empty={`Same as the main server${props.flavor.main ? ` (${props.flavor.main})` : ''}`}
          hint={
            props.flavor.kind === 'family'
              ? "Default: the main server's flavor. A family takes its flavor of the main's size."
              : "Default: the main server's, or the region's first when it has not that one."
          }
        />
      ) : null}
    </>
  );
}
