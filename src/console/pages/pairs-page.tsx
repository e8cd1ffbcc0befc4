/**
 * "Server Disaster Recovery": the list of protected servers of the token's tenant, one row
 * per DR pair, searched, filtered, sorted and paged on the server (a tenant may have
 * thousands), and the dialogs that start from here: Create a Server (so a fresh tenant can
 * begin) and Attach a Server. Servers that attaching would refuse are counted with the reason
 * — the API still has the last word.
 */
import { type DrPairStatus, STATUS_LABELS } from '../../machine/index.js';
import type { DrPair, Server } from '../../sim/types.js';
import { type ConsoleApi, enc } from '../api.js';
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
import { formatAge, formatDuration, formatTime, plural } from '../format.js';
import {
  type ListQuery,
  type PairsView,
  pageOfPairs,
  parseListQuery,
  queryString,
  type SORTS,
} from './pairs-query.js';

export interface PairsPageData {
  view: PairsView;
  query: ListQuery;
  /** Every pair of the tenant: what attaching may refuse depends on them. */
  pairs: DrPair[];
  servers: Server[];
  now: string | null;
}

export async function loadPairsPage(api: ConsoleApi, params: Record<string, string>): Promise<PairsPageData> {
  const [pairs, servers] = await Promise.all([
    api.all<DrPair>('/v1/dr-pairs'),
    api.all<Server>('/v1/servers'),
  ]);
  const query = parseListQuery(params);
  return { view: pageOfPairs(pairs, query), query, pairs, servers, now: api.now };
}

/** The rows of some pairs and the counts: what a live update of the list fetches. */
export async function loadPairRows(
  api: ConsoleApi,
  params: Record<string, string>,
): Promise<{ rows: DrPair[]; view: PairsView; query: ListQuery; now: string | null }> {
  const ids = new Set((params.ids ?? '').split(',').filter(Boolean).slice(0, 200));
  const pairs = await api.all<DrPair>('/v1/dr-pairs');
  const query = parseListQuery(params);
  return {
    rows: pairs.filter((pair) => ids.has(pair.id)),
    view: pageOfPairs(pairs, query),
    query,
    now: api.now,
  };
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
  const { view, query, now } = props.data;
  return (
    <>
      <div class="page-head">
        <h1>Server Disaster Recovery</h1>
        <div class="page-actions">
          <OpenButton dialog="dlg-create-server" id="open-create-server">
            Create a Server
          </OpenButton>
          <OpenButton dialog="dlg-attach" tone="primary" id="open-attach">
            Attach a Server
          </OpenButton>
        </div>
      </div>
      <p class="lead">
        Protected servers: each main server is replicated to a shadow server. Select a DR Pair ID to see its
        details and act on it.
      </p>
      <ListControls query={query} />
      <PairCounts view={view} query={query} />
      {view.total === 0 ? (
        <Empty>
          {view.all === 0
            ? 'No protected server yet. Create a server, then attach it to start.'
            : 'No DR pair matches. Clear the search or the status filter.'}
        </Empty>
      ) : (
        <TableWrap label="Protected servers">
          <table class="table pairs-table">
            <thead>
              <tr>
                <SortHeader query={query} sort="id" label="DR Pair ID" />
                <SortHeader query={query} sort="name" label="Name" />
                <th scope="col">Main server</th>
                <th scope="col">Shadow server</th>
                <SortHeader query={query} sort="status" label="Status" />
                <th scope="col">In Testing Failover</th>
                <SortHeader query={query} sort="lastPoint" label="Last recovery point" />
                <SortHeader query={query} sort="rpo" label="RPO" />
              </tr>
            </thead>
            <tbody>
              {view.items.map((pair) => (
                <PairRow pair={pair} now={now} />
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      <Pagination view={view} query={query} />
      <CreateServerDialog data={props.data} />
      <AttachDialog data={props.data} />
    </>
  );
}

/** The rows of a live update, and the counts above the table. */
export function PairRows(props: { rows: DrPair[]; view: PairsView; query: ListQuery; now: string | null }) {
  return (
    <>
      <PairCounts view={props.view} query={props.query} />
      <table>
        <tbody>
          {props.rows.map((pair) => (
            <PairRow pair={pair} now={props.now} />
          ))}
        </tbody>
      </table>
    </>
  );
}

function ListControls(props: { query: ListQuery }) {
  const { query } = props;
  const statuses = Object.entries(STATUS_LABELS) as [DrPairStatus, string][];
  return (
    <form class="list-controls" method="get" action="/console" aria-label="Find DR pairs">
      <div class="field">
        <label for="list-q">Search</label>
        <input
          id="list-q"
          name="q"
          type="search"
          value={query.q}
          placeholder="ID, name or server"
          autocomplete="off"
          spellcheck={false}
        />
      </div>
      <div class="field">
        <label for="list-status">Status</label>
        <select id="list-status" name="status">
          <option value="">Any status</option>
          {statuses.map(([status, label]) => (
            <option value={status} selected={query.status === status}>
              {label}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="list-size">Per page</label>
        <select id="list-size" name="size">
          {[25, 50, 100].map((size) => (
            <option value={String(size)} selected={query.size === size}>
              {size}
            </option>
          ))}
        </select>
      </div>
      <input type="hidden" name="sort" value={query.sort} />
      <input type="hidden" name="dir" value={query.dir} />
      <button type="submit" class="secondary">
        Show
      </button>
    </form>
  );
}

function PairCounts(props: { view: PairsView; query: ListQuery }) {
  const { view, query } = props;
  const first = view.total === 0 ? 0 : (view.page - 1) * query.size + 1;
  const last = Math.min(view.total, view.page * query.size);
  return (
    <div id="pair-counts" class="pair-counts">
      <p>
        {view.total === view.all
          ? plural(view.all, 'DR pair', 'DR pairs')
          : `${view.total.toLocaleString('en')} of ${plural(view.all, 'DR pair', 'DR pairs')} match`}
        {view.total > 0 ? ` · showing ${first.toLocaleString('en')}–${last.toLocaleString('en')}` : ''}
      </p>
      {view.byStatus.length > 0 ? (
        <ul class="status-counts" aria-label="DR pairs by status">
          {view.byStatus.map((entry) => (
            <li>
              <a
                href={`/console${queryString({ ...query, status: entry.status, page: 1 })}`}
                aria-current={query.status === entry.status ? 'true' : undefined}
              >
                {entry.label} <span class="count">{entry.count.toLocaleString('en')}</span>
              </a>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

function SortHeader(props: { query: ListQuery; sort: (typeof SORTS)[number]; label: string }) {
  const { query } = props;
  const active = query.sort === props.sort;
  const dir = active && query.dir === 'asc' ? 'desc' : 'asc';
  return (
    <th scope="col" aria-sort={active ? (query.dir === 'asc' ? 'ascending' : 'descending') : undefined}>
      <a class="sort-link" href={`/console${queryString({ ...query, sort: props.sort, dir, page: 1 })}`}>
        {props.label}
        <span aria-hidden="true">{active ? (query.dir === 'asc' ? ' ▲' : ' ▼') : ''}</span>
      </a>
    </th>
  );
}

function Pagination(props: { view: PairsView; query: ListQuery }) {
  const { view, query } = props;
  if (view.pages <= 1) return null;
  return (
    <nav class="pagination" aria-label="Pages of DR pairs">
      {view.page > 1 ? (
        <a href={`/console${queryString({ ...query, page: view.page - 1 })}`} rel="prev">
          ‹ Previous
        </a>
      ) : null}
      <span>
        Page {view.page} of {view.pages}
      </span>
      {view.page < view.pages ? (
        <a href={`/console${queryString({ ...query, page: view.page + 1 })}`} rel="next">
          Next ›
        </a>
      ) : null}
    </nav>
  );
}

function PairRow(props: { pair: DrPair; now: string | null }) {
  const { pair, now } = props;
  return (
    <tr data-pair-row={pair.id} id={`row-${pair.id}`}>
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
  );
}

/** Regions known to the tenant, for the region fields' suggestions. */
function knownRegions(data: PairsPageData): string[] {
  const values = [
    ...data.pairs.map((pair) => pair.shadowPlacement.region),
    ...data.servers.map((server) => server.region),
  ];
  return [...new Set(values.filter(Boolean))].sort();
}

/** How many servers the Attach dialog lists as refused, by name; the rest are counted. */
const LISTED_REFUSALS = 20;

function AttachDialog(props: { data: PairsPageData }) {
  const { pairs, servers } = props.data;
  const byId = new Map(pairs.map((pair) => [pair.id, pair]));
  const placements = pairs.map((pair) => pair.shadowPlacement);
  const distinct = (values: string[]) => [...new Set(values.filter(Boolean))].sort();
  const vpcs = distinct(placements.map((p) => p.vpcId));
  const subnets = distinct(placements.map((p) => p.subnetId));
  const last = placements[placements.length - 1];
  const fit: Server[] = [];
  const unfit: { server: Server; reason: string }[] = [];
  for (const server of servers) {
    const reason = unfitReason(server, byId);
    if (reason === null) fit.push(server);
    else unfit.push({ server, reason });
  }
  return (
    <ApiDialog
      id="dlg-attach"
      title="Attach a Server"
      api={{ method: 'POST', path: '/v1/dr-pairs/batch', done: 'Servers attached' }}
      submitLabel="Attach"
      list="mainServerIds"
      wide
    >
      <fieldset class="server-choices" aria-describedby="dlg-attach-servers-error">
        <legend>Main servers (one DR pair each; all are attached, or none)</legend>
        {fit.length === 0 ? (
          <div class="empty">
            <p>
              {servers.length === 0
                ? 'The tenant has no server yet. Create one, then attach it here.'
                : 'No server of the tenant can be attached now. Create another one, then attach it here.'}
            </p>
            <button type="button" class="secondary" data-switch-dialog="dlg-create-server">
              Create a Server
            </button>
          </div>
        ) : null}
        <ul class="choice-list">
          {fit.map((server) => {
            const id = `attach-${server.id}`;
            return (
              <li class="choice">
                <input type="checkbox" id={id} name="mainServerIds" value={server.id} />
                <label for={id}>
                  <span class="choice-name">{server.name}</span> <span class="mono quiet">{server.id}</span>
                  <span class="choice-meta">
                    {server.region} · {server.flavor} ·{' '}
                    {server.volumes.map((v) => `${v.type} ${v.sizeGb} GB`).join(', ')}
                  </span>
                </label>
              </li>
            );
          })}
        </ul>
        <p class="field-error" id="dlg-attach-servers-error" data-error-for="mainServerIds" hidden />
      </fieldset>
      {unfit.length > 0 ? (
        <details class="refused-servers">
          <summary>{plural(unfit.length, 'server cannot', 'servers cannot')} be attached now</summary>
          <ul>
            {unfit.slice(0, LISTED_REFUSALS).map(({ server, reason }) => (
              <li>
                {server.name} <span class="mono quiet">{server.id}</span>: {reason}
                {server.expired ? (
                  <>
                    {' '}
                    <button
                      type="button"
                      class="secondary small"
                      data-call={`POST /v1/servers/${enc(server.id)}/renew`}
                      data-body='{"months":1}'
                      data-done={`${server.name} renewed for a month`}
                    >
                      Renew<span class="visually-hidden"> {server.name}</span>
                    </button>
                  </>
                ) : null}
              </li>
            ))}
            {unfit.length > LISTED_REFUSALS ? <li>and {unfit.length - LISTED_REFUSALS} more</li> : null}
          </ul>
        </details>
      ) : null}
      <div class="field-grid">
        <Field
          id="attach-region"
          name="shadow.region"
          label="Shadow region"
          value={last?.region ?? ''}
          list="known-regions"
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

/** A server of the tenant's own, so that a fresh tenant has something to protect. */
function CreateServerDialog(props: { data: PairsPageData }) {
  const regions = knownRegions(props.data);
  const id = 'dlg-create-server';
  return (
    <ApiDialog
      id={id}
      title="Create a Server"
      api={{ method: 'POST', path: '/v1/servers', done: 'Server created' }}
      submitLabel="Create"
      wide
    >
      <p>
        A server of this tenant, running, with its volumes and a few files. Attach it afterwards to protect
        it.
      </p>
      <div class="field-grid">
        <Field
          id={`${id}-name`}
          name="name"
          label="Server name"
          required
          autofocus
          hint="Up to 100 characters."
        />
        <Field
          id={`${id}-region`}
          name="region"
          label="Region"
          value={regions[0] ?? ''}
          list="known-regions"
          required
        />
        <Field id={`${id}-flavor`} name="flavor" label="Instance type (flavor)" placeholder="s1.medium" />
      </div>
      {[0, 1].map((index) => (
        <fieldset class="volume-fields" data-optional-group={index > 0 ? '' : undefined}>
          <legend>{index === 0 ? 'Volume' : 'Second volume (optional)'}</legend>
          <div class="field-grid">
            <Field
              id={`${id}-volume-${index}-type`}
              name={`volumes.${index}.type`}
              label="Type"
              required={index === 0}
              options={[
                { value: 'SSD', label: 'SSD' },
                { value: 'NVMe', label: 'NVMe' },
              ]}
            />
            <Field
              id={`${id}-volume-${index}-size`}
              name={`volumes.${index}.sizeGb`}
              label="Size (GB)"
              numeric
              min={1}
              max={16384}
              value={index === 0 ? 100 : null}
              required={index === 0}
            />
            <Field
              id={`${id}-volume-${index}-iops`}
              name={`volumes.${index}.iops`}
              label="IOPS"
              numeric
              min={100}
              max={100000}
              value={index === 0 ? 3000 : null}
              required={index === 0}
            />
          </div>
          <input type="hidden" name={`volumes.${index}.multiAttach`} value="false" data-type="boolean-text" />
        </fieldset>
      ))}
      <div class="field">
        <label for={`${id}-files`}>
          Files<span class="optional"> (optional)</span>
        </label>
        <textarea
          id={`${id}-files`}
          name="files"
          data-type="files"
          rows={4}
          aria-describedby={`${id}-files-hint ${id}-files-error`}
          placeholder={'etc/hostname = web-01\nvar/www/index.html = <h1>hello</h1>'}
        />
        <p class="hint" id={`${id}-files-hint`}>
          One file per line: <code>path = content</code>. Failover restores these; the data check compares
          them.
        </p>
        <p class="field-error" id={`${id}-files-error`} data-error-for="files" hidden />
      </div>
      <datalist id="known-regions">
        {regions.map((value) => (
          <option value={value} />
        ))}
      </datalist>
    </ApiDialog>
  );
}
