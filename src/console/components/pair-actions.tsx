/**
 * The buttons of a DR pair and the dialogs behind them. A button exists only when the pair's
 * `allowedActions` (read off the statechart by the API) names its action; every dialog sends
 * its form to the action's own `/v1` route, taken from the API's route table.
 */
import type { Child } from 'hono/jsx';
import { ACTION_LABELS, type UserAction } from '../../machine/index.js';
import { PAIR_ACTIONS } from '../../server/routes/pair-actions.js';
import type { Region } from '../../sim/regions.js';
import { CURRENT_TIME, type DrPair, type Job, type RecoveryPoint, type Server } from '../../sim/types.js';
import { enc } from '../api.js';
import { formatTime, plural } from '../format.js';
import { PlacementFields } from './placement-fields.js';
import { RecoveryPointChoices } from './recovery-points.js';
import { ApiDialog, type ApiTarget, Field, OpenButton } from './ui.js';

/** The buttons' words are the machine's own, so charts, check-flow and the console agree. */
export { ACTION_LABELS };

/** The dialog each action opens. */
export const ACTION_DIALOGS: Record<UserAction, string> = {
  startReplication: 'dlg-start-replication',
  stopReplication: 'dlg-stop-replication',
  resumeReplication: 'dlg-resume-replication',
  restartReplication: 'dlg-restart-replication',
  testFailover: 'dlg-test-failover',
  changeTestRecoveryPoint: 'dlg-change-test-recovery-point',
  cleanTestEnvironment: 'dlg-clean-test-environment',
  failover: 'dlg-failover',
  changeRecoveryPoint: 'dlg-change-recovery-point',
  commitFailover: 'dlg-commit-failover',
  detach: 'dlg-detach',
};

/** Shown as buttons of their own; the rest live under "Actions", as in the service's console. */
const MAIN_ACTIONS: UserAction[] = [
  'startReplication',
  'failover',
  'changeRecoveryPoint',
  'commitFailover',
  'testFailover',
  'changeTestRecoveryPoint',
  'cleanTestEnvironment',
];
const MENU_ACTIONS: UserAction[] = ['stopReplication', 'resumeReplication', 'restartReplication', 'detach'];
/** The procedure's next step where it is one: drawn as the page's primary button. */
const PRIMARY_ACTIONS: ReadonlySet<UserAction> = new Set(['startReplication', 'failover', 'commitFailover']);

export function actionTarget(pair: DrPair, action: UserAction, done: string): ApiTarget {
  const spec = PAIR_ACTIONS.find((candidate) => candidate.action === action);
  const path = `/v1/dr-pairs/${enc(pair.id)}${spec?.path ?? ''}`;
  return { method: spec?.path === '' ? 'DELETE' : 'POST', path, done };
}

export interface PairActionContext {
  pair: DrPair;
  /** Newest first, as the API lists them. */
  points: RecoveryPoint[];
  now: string | null;
  main: Server | null;
  /** The failover that failed, when the pair is in Failover Error. */
  failedFailover: Job | null;
  /** The region catalogue: the Start Replication and Test Failover dialogs choose from it. */
  regions: Region[];
}

export function ActionBar(props: { ctx: PairActionContext }) {
  const allowed = new Set(props.ctx.pair.allowedActions);
  const main = MAIN_ACTIONS.filter((action) => allowed.has(action));
  const menu = MENU_ACTIONS.filter((action) => allowed.has(action));
  if (main.length === 0 && menu.length === 0) {
    return <p class="quiet">No action is possible in this state.</p>;
  }
  return (
    <fieldset class="action-bar">
      <legend class="visually-hidden">Actions on this DR pair</legend>
      {main.map((action) => (
        <OpenButton
          dialog={ACTION_DIALOGS[action]}
          tone={PRIMARY_ACTIONS.has(action) ? 'primary' : 'secondary'}
        >
          {ACTION_LABELS[action]}
        </OpenButton>
      ))}
      {menu.length > 0 ? (
        <details class="menu" id="pair-actions-menu">
          <summary class="secondary button-like">Actions</summary>
          <ul class="menu-list">
            {menu.map((action) => (
              <li>
                <button
                  type="button"
                  class="menu-item"
                  data-open={ACTION_DIALOGS[action]}
                  aria-haspopup="dialog"
                >
                  {ACTION_LABELS[action]}
                </button>
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </fieldset>
  );
}

/** The dialogs of the actions allowed now. */
export function ActionDialogs(props: { ctx: PairActionContext }) {
  const { pair } = props.ctx;
  const allowed = new Set(pair.allowedActions);
  return (
    <>
      {allowed.has('startReplication') ? <StartReplicationDialog ctx={props.ctx} /> : null}
      {allowed.has('stopReplication') ? (
        <ConfirmDialog ctx={props.ctx} action="stopReplication" done="Replication stopped">
          <p>
            Replication of <strong>{pair.name}</strong> stops and its status becomes <em>Pending</em>.
            Recovery points are kept; new ones follow the schedule again after you resume.
          </p>
        </ConfirmDialog>
      ) : null}
      {allowed.has('resumeReplication') ? (
        <ConfirmDialog ctx={props.ctx} action="resumeReplication" done="Replication resumed">
          <p>
            Replication of <strong>{pair.name}</strong> resumes; recovery points follow the schedule again.
          </p>
        </ConfirmDialog>
      ) : null}
      {allowed.has('restartReplication') ? (
        <ConfirmDialog
          ctx={props.ctx}
          action="restartReplication"
          done="Replication restart started ({job})"
          danger
        >
          <div class="warning" role="note">
            <strong>Every recovery point of this pair will be deleted</strong> (
            {plural(props.ctx.points.length, 'recovery point', 'recovery points')} now).
          </div>
          <p>
            Replication then copies all data of the main server again (status <em>Start Replication</em>).
            Failover is not possible until the copy completes.
          </p>
        </ConfirmDialog>
      ) : null}
      {allowed.has('testFailover') ? <TestFailoverDialog ctx={props.ctx} /> : null}
      {allowed.has('changeTestRecoveryPoint') ? (
        <RecoveryPointDialog
          ctx={props.ctx}
          action="changeTestRecoveryPoint"
          currentId={pair.testFailover?.recoveryPointId ?? null}
          done="Changing the test server's recovery point ({job})"
          intro="The test server is restored to the recovery point you choose. Replication goes on."
        />
      ) : null}
      {allowed.has('cleanTestEnvironment') ? (
        <ConfirmDialog
          ctx={props.ctx}
          action="cleanTestEnvironment"
          done="Cleaning the test environment ({job})"
        >
          <p>
            The test server{' '}
            {pair.testFailover?.testServer ? <strong>{pair.testFailover.testServer.name}</strong> : null} and
            its temporary resources are deleted; the "In Testing Failover" column empties.
          </p>
        </ConfirmDialog>
      ) : null}
      {allowed.has('failover') ? (
        <RecoveryPointDialog
          ctx={props.ctx}
          action="failover"
          currentId={null}
          failedId={failedPointOf(props.ctx.failedFailover, props.ctx.points)}
          done="Failover started ({job})"
          intro="Select the time point to restore the data to. Replication will be stopped completely during Failover."
          danger
        />
      ) : null}
      {allowed.has('changeRecoveryPoint') ? (
        <RecoveryPointDialog
          ctx={props.ctx}
          action="changeRecoveryPoint"
          currentId={pair.activeRecoveryPointId}
          done="Changing the recovery point ({job})"
          intro="The failover server is restored to the recovery point you choose."
        />
      ) : null}
      {allowed.has('commitFailover') ? <CommitDialog ctx={props.ctx} /> : null}
      {allowed.has('detach') ? (
        <ConfirmDialog ctx={props.ctx} action="detach" done="Detaching ({job})" danger>
          <p>
            The pairing information of <strong>{pair.name}</strong> is removed. The main server stays as it is
            and can be attached again.
          </p>
        </ConfirmDialog>
      ) : null}
    </>
  );
}

/**
 * The point a failed failover restored from: the one it asked for, or — when it asked for none —
 * the latest point when it started, which is what the service takes then.
 */
export function failedPointOf(job: Job | null, points: RecoveryPoint[]): string | null {
  if (!job) return null;
  const asked = job.request.recoveryPointId;
  if (typeof asked === 'string') return asked;
  return points.find((point) => point.createdAt <= job.createdAt)?.id ?? null;
}

function ConfirmDialog(props: {
  ctx: PairActionContext;
  action: UserAction;
  done: string;
  danger?: boolean;
  children: Child;
}) {
  const label = ACTION_LABELS[props.action];
  return (
    <ApiDialog
      id={ACTION_DIALOGS[props.action]}
      title={`${label}?`}
      api={actionTarget(props.ctx.pair, props.action, props.done)}
      action={props.action}
      submitLabel={label}
      tone={props.danger ? 'danger' : 'primary'}
    >
      {props.children}
    </ApiDialog>
  );
}

function RecoveryPointDialog(props: {
  ctx: PairActionContext;
  action: 'failover' | 'changeRecoveryPoint' | 'changeTestRecoveryPoint';
  currentId: string | null;
  failedId?: string | null;
  done: string;
  intro: string;
  danger?: boolean;
}) {
  // The point in use is not a choice: changing to it would run a job that changes nothing.
  const points = props.ctx.points.filter((point) => point.id !== props.currentId);
  // Preselect the newest point that is a change: not the one that just failed, when there is another.
  const preselected = points.find((point) => point.id !== props.failedId) ?? points[0] ?? null;
  const failed = props.failedId ? props.ctx.points.find((point) => point.id === props.failedId) : undefined;
  const current = props.currentId
    ? props.ctx.points.find((point) => point.id === props.currentId)
    : undefined;
  const label = ACTION_LABELS[props.action];
  return (
    <ApiDialog
      id={ACTION_DIALOGS[props.action]}
      title={label}
      api={actionTarget(props.ctx.pair, props.action, props.done)}
      action={props.action}
      submitLabel={label}
      tone={props.danger ? 'danger' : 'primary'}
      wide
    >
      <p>{props.intro}</p>
      {props.failedId ? (
        <p class="note" data-failed-point={props.failedId}>
          The last failover used the point of {failed ? formatTime(failed.createdAt) : 'an earlier time'} (
          <span class="mono">{props.failedId}</span>) and failed.{' '}
          {preselected && preselected.id !== props.failedId
            ? `The point of ${formatTime(preselected.createdAt)} is preselected instead.`
            : 'It is the only recovery point, so it is preselected again.'}
        </p>
      ) : null}
      {current ? (
        <p class="quiet">
          In use now: the point of {formatTime(current.createdAt)} (<span class="mono">{current.id}</span>);
          it is not listed.
        </p>
      ) : null}
      {points.length === 0 && props.currentId ? (
        <p class="empty">There is no other recovery point to change to.</p>
      ) : (
        <RecoveryPointChoices
          id={`${ACTION_DIALOGS[props.action]}-rp`}
          points={points}
          now={props.ctx.now}
          selectedId={preselected?.id ?? null}
          legend="Recovery point"
        />
      )}
    </ApiDialog>
  );
}

/** Volume type and IOPS, defaulting to the main server's (Start Replication and Test Failover). */
function VolumeFields(props: { id: string; main: Server | null | undefined; iopsHint?: string }) {
  const { id, main, iopsHint } = props;
  const mainVolume = main?.volumes[0];
  return (
    <>
      <Field
        id={`${id}-volume-type`}
        name="volumeType"
        label="Volume type"
        options={[
          { value: '', label: `Same as the main server${mainVolume ? ` (${mainVolume.type})` : ''}` },
          { value: 'SSD', label: 'SSD' },
          { value: 'NVMe', label: 'NVMe' },
        ]}
      />
      <Field
        id={`${id}-iops`}
        name="iops"
        label="IOPS"
        numeric
        placeholder={mainVolume ? String(mainVolume.iops) : undefined}
        hint={iopsHint}
      />
    </>
  );
}

function StartReplicationDialog(props: { ctx: PairActionContext }) {
  const { pair, main } = props.ctx;
  const id = ACTION_DIALOGS.startReplication;
  return (
    <ApiDialog
      id={id}
      title="Start Replication"
      api={actionTarget(pair, 'startReplication', 'Replication starting ({job})')}
      action="startReplication"
      submitLabel="Start Replication"
      wide
    >
      <p>
        The shadow server is created powered off, then a full replication copies all data of{' '}
        <strong>{pair.mainServer.name}</strong>.
      </p>
      <div class="field-grid">
        <Field
          id={`${id}-name`}
          name="shadowName"
          label="Shadow server name"
          value={`${pair.name}-shadow`}
          required
          autofocus
        />
        <Field
          id={`${id}-interval`}
          name="intervalHours"
          label="Replication interval (hours)"
          numeric
          min={1}
          max={12}
          value={1}
          required
          hint="1 to 12 hours. Points on the interval are kept."
        />
        <PlacementFields
          id={id}
          regions={props.ctx.regions}
          defaults={pair.shadowPlacement}
          regionHint="Default: the region chosen when attaching."
          placementGroup
          flavor={{
            name: 'flavor',
            label: 'Instance type (flavor)',
            main: main?.flavor ?? null,
            kind: 'flavor',
          }}
        />
        <VolumeFields id={id} main={main} iopsHint="Default: the main server's." />
      </div>
    </ApiDialog>
  );
}

function TestFailoverDialog(props: { ctx: PairActionContext }) {
  const { pair, points, main } = props.ctx;
  const id = ACTION_DIALOGS.testFailover;
  return (
    <ApiDialog
      id={id}
      title="Test Failover"
      api={actionTarget(pair, 'testFailover', 'Test failover started ({job})')}
      action="testFailover"
      submitLabel="Test Failover"
      wide
    >
      <p>A temporary test server is created from a recovery point. Replication goes on during the test.</p>
      <div class="field-grid">
        <Field
          id={`${id}-name`}
          name="testServerName"
          label="Test server name"
          value={`${pair.name}-test`}
          required
          autofocus
          hint="5 to 50 letters, digits, _ or -."
        />
        <PlacementFields
          id={id}
          regions={props.ctx.regions}
          defaults={{
            ...pair.shadowPlacement,
            region: pair.shadowServer?.region ?? pair.shadowPlacement.region,
          }}
          regionHint="Default: the shadow server's region."
          flavor={{
            name: 'instanceFamily',
            label: 'Instance family',
            main: main?.flavor ?? null,
            kind: 'family',
          }}
        />
        <VolumeFields id={id} main={main} />
      </div>
      <RecoveryPointChoices
        id={`${id}-rp`}
        points={points}
        now={props.ctx.now}
        selectedId={points[0]?.id ?? CURRENT_TIME}
        currentTime
        legend="Recovery point"
      />
    </ApiDialog>
  );
}

function CommitDialog(props: { ctx: PairActionContext }) {
  const { pair, points } = props.ctx;
  const id = ACTION_DIALOGS.commitFailover;
  const active = points.find((point) => point.id === pair.activeRecoveryPointId);
  return (
    <ApiDialog
      id={id}
      title="Commit Failover"
      api={actionTarget(pair, 'commitFailover', 'Committing the failover ({job})')}
      action="commitFailover"
      submitLabel="Commit Failover"
      tone="danger"
    >
      <div class="warning" role="note">
        <p>
          <strong>
            After Commit Failover, the standby server becomes the primary server and replication will no
            longer work.
          </strong>
        </p>
        <p>This cannot be undone and affects your entire system: consider carefully before committing.</p>
      </div>
      <dl class="facts">
        <dt>New primary</dt>
        <dd>{pair.shadowServer ? `${pair.shadowServer.name} (${pair.shadowServer.region})` : '—'}</dd>
        <dt>Running from</dt>
        <dd>
          {active ? `${formatTime(active.createdAt)} (${active.id})` : (pair.activeRecoveryPointId ?? '—')}
        </dd>
      </dl>
      <div class="checkbox-field">
        <input type="checkbox" id={`${id}-delete`} name="deleteAllRecoveryPoints" data-type="boolean" />
        <label for={`${id}-delete`}>Delete all associated recovery points</label>
      </div>
      <p class="hint">
        {points.length === 0
          ? 'The pair has no recovery point left.'
          : points.length === 1
            ? 'Unchecked, the recovery point is kept, read-only.'
            : `Unchecked, the ${points.length} recovery points are kept, read-only.`}
      </p>
      <p class="field-error" data-error-for="deleteAllRecoveryPoints" hidden />
    </ApiDialog>
  );
}
