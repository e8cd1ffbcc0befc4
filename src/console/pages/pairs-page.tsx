/**
 * "Server Disaster Recovery": the list of protected servers of the token's tenant, one row
 * per DR pair, and the Attach a Server dialog. Servers that attaching would refuse are listed
 * too, disabled, with the reason — the API still has the last word.
 */
import type { DrPairStatus } from '../../machine/index.js';
import type { DrPair, Server } from '../../sim/types.js';
import type { ConsoleApi } from '../api.js';
import {
  ApiDialog,
  Empty,
  Field,
  OpenButton,
  PowerBadge,
  StatusBadge,
  TableWrap,
  TestBadge,
} from '../components/ui.js';
import { formatAge, formatDuration, formatTime } from '../format.js';

export interface PairsPageData {
  pairs: DrPair[];
  servers: Server[];
  now: string | null;
}

export async function loadPairsPage(api: ConsoleApi): Promise<PairsPageData> {
  const [pairs, servers] = await Promise.all([
    api.all<DrPair>('/v1/dr-pairs'),
    api.all<Server>('/v1/servers'),
  ]);
  return { pairs, servers, now: api.now };
}

const FINAL: ReadonlySet<DrPairStatus> = new Set(['COMMITTED', 'DETACHED']);
const WAITING_FOR_COMMIT: ReadonlySet<DrPairStatus> = new Set([
  'FAILOVER_PROCESSING',
  'FAILED_OVER',
  'CHANGING_RECOVERY_POINT',
  'COMMITTING',
]);

/** Why attaching would refuse a server as a main server (sdr-service.md, Attach a Server), or null. */
export function unfitReason(server: Server, pairs: ReadonlyMap<string, DrPair>): string | null {
  if (server.expired) return 'expired';
  if (server.volumes.some((volume) => volume.multiAttach)) return 'has a multi-attach volume';
  const pair = server.pairId ? pairs.get(server.pairId) : undefined;
  if (!server.pairId || (pair && FINAL.has(pair.status))) return null;
  if (server.role === 'SHADOW') {
    return pair && WAITING_FOR_COMMIT.has(pair.status)
      ? `shadow of ${server.pairId}, failover not committed`
      : `shadow of ${server.pairId}, still pairing`;
  }
  if (server.role === 'TEST') return `test server of ${server.pairId}`;
  return `already protected by ${server.pairId}`;
}

export function PairsPage(props: { data: PairsPageData }) {
  const { pairs, now } = props.data;
  return (
    <>
      <div class="page-head">
        <h1>Server Disaster Recovery</h1>
        <OpenButton dialog="dlg-attach" tone="primary">
          Attach a Server
        </OpenButton>
      </div>
      <p class="lead">
        Protected servers: each main server is replicated to a shadow server. Select a DR Pair ID to see its
        details and act on it.
      </p>
      {pairs.length === 0 ? (
        <Empty>No protected server yet. Attach a server to start.</Empty>
      ) : (
        <TableWrap label="Protected servers">
          <table class="table pairs-table">
            <thead>
              <tr>
                <th scope="col">DR Pair ID</th>
                <th scope="col">Name</th>
                <th scope="col">Main server</th>
                <th scope="col">Shadow server</th>
                <th scope="col">Status</th>
                <th scope="col">In Testing Failover</th>
                <th scope="col">Last recovery point</th>
                <th scope="col">RPO</th>
              </tr>
            </thead>
            <tbody>
              {pairs.map((pair) => (
                <tr data-pair-row={pair.id}>
                  <th scope="row" data-label="DR Pair ID">
                    <a class="mono" href={`/console/pairs/${encodeURIComponent(pair.id)}`}>
                      {pair.id}
                    </a>
                  </th>
                  <td data-label="Name">{pair.name}</td>
                  <td data-label="Main server">
                    {pair.mainServer.name} <span class="quiet">{pair.mainServer.region}</span>
                    {pair.mainServer.powerState === 'DOWN' ? (
                      <>
                        {' '}
                        <PowerBadge state="DOWN" />
                      </>
                    ) : null}
                  </td>
                  <td data-label="Shadow server">
                    {pair.shadowServer ? (
                      <>
                        {pair.shadowServer.name} <span class="quiet">{pair.shadowServer.region}</span>
                      </>
                    ) : (
                      <span class="quiet">{pair.shadowPlacement.region} (not created)</span>
                    )}
                  </td>
                  <td data-label="Status">
                    <StatusBadge pair={pair} />
                  </td>
                  <td data-label="In Testing Failover">
                    <TestBadge pair={pair} />
                  </td>
                  <td data-label="Last recovery point">
                    {formatTime(pair.replication.lastRecoveryPointAt)}
                    {pair.replication.lastRecoveryPointAt ? (
                      <span class="quiet block">{formatAge(pair.replication.lastRecoveryPointAt, now)}</span>
                    ) : null}
                  </td>
                  <td data-label="RPO">{formatDuration(pair.replication.rpoSeconds)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      <AttachDialog data={props.data} />
    </>
  );
}

function AttachDialog(props: { data: PairsPageData }) {
  const { pairs, servers } = props.data;
  const byId = new Map(pairs.map((pair) => [pair.id, pair]));
  const placements = pairs.map((pair) => pair.shadowPlacement);
  const distinct = (values: string[]) => [...new Set(values.filter(Boolean))].sort();
  const regions = distinct([...placements.map((p) => p.region), ...servers.map((s) => s.region)]);
  const vpcs = distinct(placements.map((p) => p.vpcId));
  const subnets = distinct(placements.map((p) => p.subnetId));
  const last = placements[placements.length - 1];
  // Selectable servers first; the refused ones stay visible so nobody wonders where they went.
  const candidates = [...servers].sort(
    (a, b) => Number(unfitReason(a, byId) !== null) - Number(unfitReason(b, byId) !== null),
  );
  return (
    <ApiDialog
      id="dlg-attach"
      title="Attach a Server"
      api={{ method: 'POST', path: '/v1/dr-pairs', done: 'Server attached' }}
      submitLabel="Attach"
      each="mainServerId"
      wide
    >
      <fieldset class="server-choices" aria-describedby="dlg-attach-servers-error">
        <legend>Main servers (one DR pair each)</legend>
        {candidates.length === 0 ? <Empty>The tenant has no server.</Empty> : null}
        <ul class="choice-list">
          {candidates.map((server) => {
            const reason = unfitReason(server, byId);
            const id = `attach-${server.id}`;
            return (
              <li class={reason ? 'choice choice-disabled' : 'choice'}>
                <input
                  type="checkbox"
                  id={id}
                  name="mainServerId"
                  value={server.id}
                  disabled={reason !== null}
                />
                <label for={id}>
                  <span class="choice-name">{server.name}</span> <span class="mono quiet">{server.id}</span>
                  <span class="choice-meta">
                    {server.region} · {server.flavor} ·{' '}
                    {server.volumes.map((v) => `${v.type} ${v.sizeGb} GB`).join(', ')}
                    {reason ? <strong class="choice-reason"> — not selectable: {reason}</strong> : null}
                  </span>
                </label>
              </li>
            );
          })}
        </ul>
        <p class="field-error" id="dlg-attach-servers-error" data-error-for="mainServerId" hidden />
      </fieldset>
      <div class="field-grid">
        <Field
          id="attach-region"
          name="shadow.region"
          label="Shadow region"
          value={last?.region ?? ''}
          list="attach-regions"
          required
        />
        <Field
          id="attach-vpc"
          name="shadow.vpcId"
          label="VPC"
          value={last?.vpcId ?? ''}
          list="attach-vpcs"
          required
        />
        <Field
          id="attach-subnet"
          name="shadow.subnetId"
          label="Subnet"
          value={last?.subnetId ?? ''}
          list="attach-subnets"
          required
        />
      </div>
      <datalist id="attach-regions">
        {regions.map((value) => (
          <option value={value} />
        ))}
      </datalist>
      <datalist id="attach-vpcs">
        {vpcs.map((value) => (
          <option value={value} />
        ))}
      </datalist>
      <datalist id="attach-subnets">
        {subnets.map((value) => (
          <option value={value} />
        ))}
      </datalist>
    </ApiDialog>
  );
}
