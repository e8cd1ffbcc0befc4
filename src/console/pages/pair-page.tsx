/**
 * A DR pair's detail: where the failover procedure happens. The status (with the running
 * job's progress), the buttons the pair allows now, the failover error and its three ways
 * out, the failover server's data check, then the servers, replication health, recovery
 * points, jobs and the event timeline.
 */
import type { DrPairStatus } from '../../machine/index.js';
import type { AccountView, UsageReport } from '../../sim/accounts.js';
import type { Region } from '../../sim/regions.js';
import type { DrPair, FileEntry, Job, RecoveryPoint, Server, SimEvent } from '../../sim/types.js';
import { type ConsoleApi, enc } from '../api.js';
import { Costs } from '../components/costs.js';
import { DataCheck, type DataCheckProps } from '../components/data-check.js';
import { canChangeSettings, MainDrives, PairSettingsDialog } from '../components/drives.js';
import { JobList, JobProgress } from '../components/jobs.js';
import { ACTION_DIALOGS, ACTION_LABELS, ActionBar, ActionDialogs } from '../components/pair-actions.js';
import { RecoveryPointTable } from '../components/recovery-points.js';
import { isNotable, NOTABLE_KINDS, Timeline } from '../components/timeline.js';
import {
  InfoDialog,
  isProcessing,
  OpenButton,
  PowerBadge,
  StatusBadge,
  TableWrap,
  TestBadge,
} from '../components/ui.js';
import { formatAge, formatDuration, formatTime } from '../format.js';

/** How many events the timeline shows at most. */
const TIMELINE_LENGTH = 200;

/** Statuses after a failover succeeded, when the failover server holds a recovery point's data. */
const FAILED_OVER: ReadonlySet<DrPairStatus> = new Set([
  'FAILED_OVER',
  'CHANGING_RECOVERY_POINT',
  'COMMITTING',
  'COMMITTED',
]);

export interface PairPageData {
  pair: DrPair;
  points: RecoveryPoint[];
  /** Newest first. */
  jobs: Job[];
  /** Newest first, already filtered. */
  events: SimEvent[];
  eventTotal: number;
  allEvents: boolean;
  main: Server | null;
  shadow: Server | null;
  /** The shadow placement's region in the catalogue (null when it is not listed). */
  shadowRegion: Region | null;
  /** The region catalogue, for the Start Replication and Test Failover dialogs. */
  regions: Region[];
  dataCheck: DataCheckProps | null;
  /** Null when the visitor's token may not read them. */
  usage: UsageReport | null;
  account: AccountView | null;
  now: string | null;
}

export async function loadPairPage(api: ConsoleApi, id: string, allEvents: boolean): Promise<PairPageData> {
  const base = `/v1/dr-pairs/${enc(id)}`;
  const pair = await api.get<DrPair>(base);
  const [points, jobs, history, main, shadow, region, usage, account, regions] = await Promise.all([
    api.all<RecoveryPoint>(`${base}/recovery-points`),
    api.all<Job>(`${base}/jobs`),
    api.all<SimEvent>(allEvents ? `${base}/history` : `${base}/history?kinds=${NOTABLE_KINDS.join(',')}`),
    api.attempt(api.get<Server>(`/v1/servers/${enc(pair.mainServer.id)}`)),
    pair.shadowServer
      ? api.attempt(api.get<Server>(`/v1/servers/${enc(pair.shadowServer.id)}`))
      : Promise.resolve(null),
    api.attempt(
      api.get<Region>(`/v1/regions/${enc(pair.shadowServer?.region ?? pair.shadowPlacement.region)}`),
    ),
    api.attempt(api.get<UsageReport>(`${base}/usage`)),
    api.attempt(api.get<AccountView>('/v1/account')),
    // One page: the regions route takes no paging.
    api.attempt(api.get<{ items: Region[] }>('/v1/regions')),
  ]);
  const shown = allEvents ? history : history.filter(isNotable);
  let dataCheck: DataCheckProps | null = null;
  if (FAILED_OVER.has(pair.status) && pair.shadowServer && pair.activeRecoveryPointId) {
    const rpId = pair.activeRecoveryPointId;
    const [server, point] = await Promise.all([
      api.attempt(api.get<{ items: FileEntry[] }>(`/v1/servers/${enc(pair.shadowServer.id)}/files`)),
      api.attempt(api.get<{ items: FileEntry[] }>(`${base}/recovery-points/${enc(rpId)}/files`)),
    ]);
    const time = points.find((p) => p.id === rpId)?.createdAt;
    // After a commit that deleted the points there is nothing left to compare with.
    const compared = pair.status !== 'COMMITTED' || point.ok;
    dataCheck = !compared
      ? null
      : {
          serverId: pair.shadowServer.id,
          serverName: pair.shadowServer.name,
          recoveryPointId: rpId,
          recoveryPointTime: time ? formatTime(time) : rpId,
          server: server.ok ? { ok: true, value: server.value.items } : server,
          point: point.ok ? { ok: true, value: point.value.items } : point,
        };
  }
  return {
    pair,
    points,
    jobs: jobs.slice().reverse(),
    events: shown.slice(-TIMELINE_LENGTH).reverse(),
    eventTotal: shown.length,
    allEvents,
    main: main.ok ? main.value : null,
    shadow: shadow?.ok ? shadow.value : null,
    shadowRegion: region.ok ? region.value : null,
    regions: regions.ok ? regions.value.items : [],
    dataCheck,
    usage: usage.ok ? usage.value : null,
    account: account.ok ? account.value : null,
    now: api.now,
  };
}

export function PairPage(props: { data: PairPageData }) {
  const { pair, jobs, points, now } = props.data;
  const currentJob = jobs.find((job) => job.id === pair.currentJobId) ?? null;
  const failedFailover =
    pair.status === 'FAILOVER_FAILED'
      ? (jobs.find((job) => job.type === 'failover' && job.status === 'FAILED') ?? null)
      : null;
  const ctx = { pair, points, now, main: props.data.main, failedFailover, regions: props.data.regions };
  return (
    <>
      <nav class="breadcrumb" aria-label="Breadcrumb">
        <a href="/console">Server Disaster Recovery</a> <span aria-hidden="true">›</span>{' '}
        <span aria-current="page">{pair.id}</span>
      </nav>
      <div class="page-head page-head-stack">
        <h1>
          {pair.name} <span class="mono heading-id">{pair.id}</span>
        </h1>
        <p
          class="status-line"
          id="pair-status"
          tabindex={-1}
          data-status={pair.status}
          data-pair-id={pair.id}
          data-status-label={pair.statusLabel}
          data-allowed={pair.allowedActions.join(' ')}
          data-labels={JSON.stringify(
            Object.fromEntries(pair.allowedActions.map((a) => [a, ACTION_LABELS[a]])),
          )}
        >
          <span class="label">Status</span> <StatusBadge pair={pair} />
          {pair.testFailover ? (
            <>
              {' '}
              <span class="label">In Testing Failover</span> <TestBadge pair={pair} />
            </>
          ) : null}
        </p>
      </div>
      <ActionBar ctx={ctx} />
      {isProcessing(pair.status) ? <ProcessingPanel pair={pair} job={currentJob} /> : null}
      {pair.status === 'FAILOVER_FAILED' ? <FailoverErrorPanel pair={pair} job={failedFailover} /> : null}
      {pair.status === 'REPLICATION_ERROR' ? <ReplicationErrorPanel pair={pair} /> : null}
      {pair.status === 'FAILED_OVER' ? (
        <div class="panel panel-attention">
          <h2>Failover succeeded</h2>
          <p>
            {pair.shadowServer?.name ?? 'The failover server'} runs from the recovery point of{' '}
            {formatTime(points.find((p) => p.id === pair.activeRecoveryPointId)?.createdAt)}. Check its data
            below; if needed, change the recovery point. When you are satisfied, commit the failover.
          </p>
        </div>
      ) : null}
      {pair.status === 'COMMITTED' ? (
        <div class="panel panel-done">
          <h2>Failover committed</h2>
          <p>
            {pair.shadowServer?.name ?? 'The standby server'} is now the primary server. Replication no longer
            works for this pair.
          </p>
        </div>
      ) : null}
      {props.data.dataCheck ? (
        <section class="section" aria-labelledby="data-check-title" id="data-check">
          <h2 id="data-check-title">Failover server data</h2>
          <DataCheck {...props.data.dataCheck} />
        </section>
      ) : null}
      <div class="columns">
        <section class="section" aria-labelledby="servers-title">
          <h2 id="servers-title">Servers</h2>
          <Servers pair={pair} />
        </section>
        <section class="section" aria-labelledby="replication-title">
          <h2 id="replication-title">Replication</h2>
          <Replication pair={pair} now={now} region={props.data.shadowRegion} />
          {canChangeSettings(pair) ? (
            <OpenButton dialog="dlg-pair-settings" id="open-pair-settings">
              Change settings
            </OpenButton>
          ) : null}
        </section>
      </div>
      <section class="section" aria-labelledby="drives-title">
        <h2 id="drives-title">Main server drives</h2>
        <MainDrives pair={pair} main={props.data.main} />
      </section>
      {pair.testFailover ? (
        <section class="section" aria-labelledby="test-title">
          <h2 id="test-title">Test failover</h2>
          <TestFailover pair={pair} points={points} jobs={jobs} />
        </section>
      ) : null}
      <section class="section" aria-labelledby="costs-title" id="costs">
        <h2 id="costs-title">Costs</h2>
        <Costs usage={props.data.usage} account={props.data.account} />
      </section>
      <section class="section" aria-labelledby="points-title">
        <h2 id="points-title">Recovery points ({points.length})</h2>
        <RecoveryPointTable
          points={points}
          now={now}
          activeId={pair.activeRecoveryPointId}
          testId={pair.testFailover?.recoveryPointId ?? null}
        />
      </section>
      <section class="section" aria-labelledby="jobs-title">
        <h2 id="jobs-title">Jobs</h2>
        <JobList jobs={jobs} currentJobId={pair.currentJobId} />
      </section>
      <section class="section" aria-labelledby="timeline-title" id="timeline">
        <h2 id="timeline-title">Event timeline</h2>
        <Timeline
          events={props.data.events}
          total={props.data.eventTotal}
          all={props.data.allEvents}
          pairId={pair.id}
        />
      </section>
      <ActionDialogs ctx={ctx} />
      {canChangeSettings(pair) ? (
        <PairSettingsDialog pair={pair} shadow={props.data.shadow} region={props.data.shadowRegion} />
      ) : null}
      {failedFailover || pair.status === 'REPLICATION_ERROR' ? (
        <SupportDialog pair={pair} job={failedFailover} now={now} />
      ) : null}
    </>
  );
}

function ProcessingPanel(props: { pair: DrPair; job: Job | null }) {
  const { pair, job } = props;
  return (
    <div class="panel panel-busy">
      <h2>
        <span class="spinner" aria-hidden="true" /> {pair.statusLabel}
      </h2>
      {job ? <JobProgress job={job} /> : null}
      <p class="quiet">
        {pair.status === 'FAILOVER_PROCESSING'
          ? 'Replication is stopped completely during Failover. '
          : pair.status === 'STARTING_REPLICATION'
            ? 'The shadow server is created and all data is copied; failover is possible once the copy completes. '
            : ''}
        This page follows the job by itself; advance the simulated clock to move it on.
      </p>
    </div>
  );
}

function FailoverErrorPanel(props: { pair: DrPair; job: Job | null }) {
  const { pair, job } = props;
  const allowed = new Set(pair.allowedActions);
  const failedStep = job?.steps.find((step) => step.status === 'FAILED');
  return (
    <section class="panel panel-error" aria-labelledby="failover-error-title" id="failover-error">
      <h2 id="failover-error-title">Failover failed</h2>
      {job?.error ? (
        <p>
          {`Job ${job.id}`}
          {failedStep ? ` failed at step “${failedStep.name}”` : ' failed'}:{' '}
          <strong class="mono" data-error-code>
            {job.error.code}
          </strong>{' '}
          — {job.error.message}
        </p>
      ) : (
        <p>The failover did not complete.</p>
      )}
      <p>Replication is still stopped. You can:</p>
      <ul class="ways-out">
        {allowed.has('restartReplication') ? (
          <li>
            <OpenButton dialog={ACTION_DIALOGS.restartReplication}>
              {ACTION_LABELS.restartReplication}
            </OpenButton>
            <span>Restart the replication process from the beginning and try Failover again later.</span>
          </li>
        ) : null}
        {allowed.has('failover') ? (
          <li>
            <OpenButton dialog={ACTION_DIALOGS.failover} tone="primary">
              Failover again
            </OpenButton>
            <span>Select another recovery point and try Failover again.</span>
          </li>
        ) : null}
        <li>
          <OpenButton dialog="dlg-support">Contact support</OpenButton>
          <span>
            If you cannot resolve the issue yourself, send the diagnostic summary to the support team.
          </span>
        </li>
      </ul>
    </section>
  );
}

/** A pair in Replication Error: what failed, that it may recover by itself, and the ways out. */
function ReplicationErrorPanel(props: { pair: DrPair }) {
  const { pair } = props;
  const allowed = new Set(pair.allowedActions);
  const error = pair.replication.error;
  const mainDown = pair.mainServer.powerState === 'DOWN';
  return (
    <section class="panel panel-error" aria-labelledby="replication-error-title" id="replication-error">
      <h2 id="replication-error-title">Replication failed</h2>
      {error ? (
        <p>
          <strong class="mono" data-error-code>
            {error.code}
          </strong>{' '}
          — {error.message}
        </p>
      ) : (
        <p>Replication stopped with an error.</p>
      )}
      <p>
        No new recovery point is taken while replication is in error; the existing ones stay and failover from
        them is still possible.{' '}
        {mainDown
          ? `The main server ${pair.mainServer.name} is down: replication resumes by itself once it is back.`
          : 'Replication resumes by itself once the cause is gone.'}{' '}
        You can also:
      </p>
      <ul class="ways-out">
        {allowed.has('restartReplication') ? (
          <li>
            <OpenButton dialog={ACTION_DIALOGS.restartReplication}>
              {ACTION_LABELS.restartReplication}
            </OpenButton>
            <span>Copy all data again from the beginning; every recovery point is deleted.</span>
          </li>
        ) : null}
        {allowed.has('failover') ? (
          <li>
            <OpenButton dialog={ACTION_DIALOGS.failover} tone="primary">
              {ACTION_LABELS.failover}
            </OpenButton>
            <span>Fail over to an existing recovery point if the main server cannot be brought back.</span>
          </li>
        ) : null}
        {allowed.has('detach') ? (
          <li>
            <OpenButton dialog={ACTION_DIALOGS.detach}>{ACTION_LABELS.detach}</OpenButton>
            <span>Stop protecting this server and remove the pairing.</span>
          </li>
        ) : null}
        <li>
          <OpenButton dialog="dlg-support">Contact support</OpenButton>
          <span>Send the diagnostic summary to the support team.</span>
        </li>
      </ul>
    </section>
  );
}

/** What a support engineer asks first, in a form that pastes into a ticket. */
export function diagnosticSummary(pair: DrPair, job: Job | null, now: string | null): string {
  const failedStep = job?.steps.find((step) => step.status === 'FAILED');
  const error = job?.error ?? pair.replication.error;
  return [
    'drsim diagnostic summary',
    `DR pair: ${pair.id} (${pair.name})`,
    `Status: ${pair.status} (${pair.statusLabel})`,
    `Job: ${job ? `${job.id} (${job.type}, ${job.status}), created ${job.createdAt}, ended ${job.endedAt ?? '-'}` : '-'}`,
    `Error code: ${error?.code ?? '-'}`,
    `Error message: ${error?.message ?? '-'}`,
    `Failed step: ${failedStep?.name ?? '-'}`,
    `Request: ${job ? JSON.stringify(job.request) : '-'}`,
    `Main server: ${pair.mainServer.id} (${pair.mainServer.name}, ${pair.mainServer.region}, ${pair.mainServer.powerState})`,
    `Shadow server: ${pair.shadowServer ? `${pair.shadowServer.id} (${pair.shadowServer.name}, ${pair.shadowServer.region}, ${pair.shadowServer.powerState})` : '-'}`,
    `Last recovery point: ${pair.replication.lastRecoveryPointAt ?? '-'}`,
    `Simulated time: ${now ?? '-'}`,
  ].join('\n');
}

function SupportDialog(props: { pair: DrPair; job: Job | null; now: string | null }) {
  const { pair, job } = props;
  const error = job?.error ?? pair.replication.error;
  return (
    <InfoDialog id="dlg-support" title="Contact support" wide>
      <p>
        If you cannot resolve the issue yourself, contact the support team with these details. (drsim is a
        simulator: nobody reads a ticket, but this is what you would send.)
      </p>
      <dl class="facts">
        <dt>DR Pair ID</dt>
        <dd class="mono">{pair.id}</dd>
        <dt>Job ID</dt>
        <dd class="mono">{job?.id ?? '—'}</dd>
        <dt>Error code</dt>
        <dd class="mono">{error?.code ?? '—'}</dd>
      </dl>
      <label for="support-summary">Diagnostic summary</label>
      <textarea id="support-summary" class="summary" readonly rows={12}>
        {diagnosticSummary(pair, job, props.now)}
      </textarea>
      <button type="button" class="secondary" data-copy="#support-summary">
        Copy summary
      </button>
    </InfoDialog>
  );
}

function Servers(props: { pair: DrPair }) {
  const { pair } = props;
  const rows = [
    { role: 'Main server', server: pair.mainServer },
    {
      role: pair.status === 'COMMITTED' ? 'Primary (was shadow)' : 'Shadow server',
      server: pair.shadowServer,
    },
    ...(pair.testFailover?.testServer ? [{ role: 'Test server', server: pair.testFailover.testServer }] : []),
  ];
  return (
    <TableWrap label="Servers of this pair">
      <table class="table">
        <thead>
          <tr>
            <th scope="col">Role</th>
            <th scope="col">Name</th>
            <th scope="col">Region</th>
            <th scope="col">State</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr>
              <th scope="row">{row.role}</th>
              {row.server ? (
                <>
                  <td>
                    {row.server.name} <span class="mono quiet">{row.server.id}</span>
                  </td>
                  <td>{row.server.region}</td>
                  <td>
                    <PowerBadge state={row.server.powerState} /> <span class="quiet">{row.server.role}</span>
                  </td>
                </>
              ) : (
                <td colspan={3} class="quiet">
                  Not created yet (placement {pair.shadowPlacement.region}, {pair.shadowPlacement.vpcId},{' '}
                  {pair.shadowPlacement.subnetId})
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

/** Replication's health in words: what a person wants to know before a disaster. */
export function replicationHealth(pair: DrPair): { tone: string; text: string } {
  const rpo = pair.replication.rpoSeconds;
  switch (pair.status) {
    case 'ATTACHED':
      return { tone: 'neutral', text: 'Not started' };
    case 'STARTING_REPLICATION':
      return { tone: 'busy', text: 'Full replication in progress' };
    case 'REPLICATING':
      // A point every 15 minutes; more than two missed means something holds replication back.
      return rpo !== null && rpo > 45 * 60
        ? { tone: 'warn', text: `Behind: no recovery point for ${formatDuration(rpo)}` }
        : { tone: 'ok', text: 'Healthy: a recovery point every 15 minutes' };
    case 'PAUSED':
      return { tone: 'warn', text: 'Stopped by the user (Pending)' };
    case 'REPLICATION_ERROR':
      return { tone: 'error', text: 'Error' };
    case 'COMMITTED':
      return { tone: 'done', text: 'None: the failover is committed; replication no longer works' };
    case 'DETACHED':
      return { tone: 'muted', text: 'None: the pair is detached' };
    default:
      return { tone: 'muted', text: 'Stopped completely (failover)' };
  }
}

function Replication(props: { pair: DrPair; now: string | null; region: Region | null }) {
  const { pair } = props;
  const health = replicationHealth(pair);
  return (
    <dl class="facts" id="replication-facts">
      <dt>Health</dt>
      <dd>
        <span class={`badge badge-small badge-${health.tone}`} data-replication-health>
          {health.text}
        </span>
      </dd>
      {pair.replication.error ? (
        <>
          <dt>Error</dt>
          <dd class="error-text">
            <strong class="mono">{pair.replication.error.code}</strong>: {pair.replication.error.message}
          </dd>
        </>
      ) : null}
      <dt>Interval</dt>
      <dd>{pair.replication.intervalHours === null ? '—' : `${pair.replication.intervalHours} h`}</dd>
      <dt>Last recovery point</dt>
      <dd>
        {formatTime(pair.replication.lastRecoveryPointAt)}{' '}
        <span class="quiet">{formatAge(pair.replication.lastRecoveryPointAt, props.now)}</span>
      </dd>
      <dt>RPO</dt>
      <dd>{formatDuration(pair.replication.rpoSeconds)}</dd>
      <dt>Shadow placement</dt>
      <dd>
        {pair.shadowPlacement.region} · {pair.shadowPlacement.vpcId} · {pair.shadowPlacement.subnetId}
      </dd>
      {pair.replication.shadowMatchesMain === null ? null : (
        <>
          <dt>Shadow volumes</dt>
          <dd data-shadow-matches={String(pair.replication.shadowMatchesMain)}>
            {pair.replication.shadowMatchesMain
              ? "Match the main server's"
              : "Differ from the main server's: Restart Replication rebuilds them"}
          </dd>
        </>
      )}
      {props.region ? (
        <>
          <dt>Snapshot service</dt>
          <dd data-snapshot-service={String(props.region.snapshotServiceEnabled)}>
            {props.region.snapshotServiceEnabled
              ? `Active in ${props.region.id}`
              : `Not active in ${props.region.id} yet: the service activates it at Start Replication (it may cost extra)`}
          </dd>
        </>
      ) : null}
    </dl>
  );
}

function TestFailover(props: { pair: DrPair; points: RecoveryPoint[]; jobs: Job[] }) {
  const test = props.pair.testFailover;
  if (!test) return null;
  const point = props.points.find((p) => p.id === test.recoveryPointId);
  const running = props.jobs.find(
    (job) =>
      job.status === 'RUNNING' &&
      (job.type === 'testFailover' ||
        job.type === 'changeTestRecoveryPoint' ||
        job.type === 'cleanTestEnvironment'),
  );
  return (
    <>
      <dl class="facts">
        <dt>In Testing Failover</dt>
        <dd>
          <TestBadge pair={props.pair} />
        </dd>
        <dt>Test server</dt>
        <dd>
          {test.testServer ? (
            <>
              {test.testServer.name} <span class="mono quiet">{test.testServer.id}</span> ·{' '}
              {test.testServer.region} · <PowerBadge state={test.testServer.powerState} />
            </>
          ) : (
            '—'
          )}
        </dd>
        <dt>Recovery point</dt>
        <dd>{point ? `${formatTime(point.createdAt)} (${point.id})` : (test.recoveryPointId ?? '—')}</dd>
        {test.error ? (
          <>
            <dt>Error</dt>
            <dd class="error-text">
              <strong class="mono">{test.error.code}</strong>: {test.error.message}
            </dd>
          </>
        ) : null}
      </dl>
      {running ? <JobProgress job={running} /> : null}
    </>
  );
}
