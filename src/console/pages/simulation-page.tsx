/**
 * The simulation panel: drsim's own controls, not the service's — the simulated clock, how
 * jobs progress, fault rules, server outages, resetting the tenant and the invariant
 * checkers' verdict. Everything goes through the control API (`/_sim`), as a test would.
 */
import { USER_ACTIONS } from '../../machine/index.js';
import { FAULT_FAILURE_CODES } from '../../sim/errors.js';
import type {
  CheckerVerdict,
  ClockView,
  DrPair,
  FaultRule,
  ProgressionSettings,
  Server,
} from '../../sim/types.js';
import { type ConsoleApi, enc, type Problem } from '../api.js';
import { ACTION_LABELS } from '../components/pair-actions.js';
import { ApiDialog, Empty, Field, FormError, OpenButton, PowerBadge, TableWrap } from '../components/ui.js';
import { formatTime, plural } from '../format.js';

type Loaded<T> = { ok: true; value: T } | { ok: false; problem: Problem };

export interface SimulationPageData {
  tenant: string;
  adminToken: string | null;
  clock: Loaded<ClockView>;
  progression: Loaded<ProgressionSettings>;
  faults: Loaded<{ items: FaultRule[] }>;
  checks: Loaded<{ ok: boolean; items: CheckerVerdict[] }>;
  servers: Loaded<Server[]>;
  pairs: DrPair[];
}

export async function loadSimulationPage(api: ConsoleApi): Promise<SimulationPageData> {
  const { tenant, adminToken } = api.credentials;
  const [clock, progression, faults, checks, servers, pairs] = await Promise.all([
    api.attempt(api.control<ClockView>('/_sim/clock')),
    api.attempt(api.control<ProgressionSettings>('/_sim/progression')),
    api.attempt(api.control<{ items: FaultRule[] }>(`/_sim/faults?tenant=${enc(tenant)}`)),
    api.attempt(api.control<{ ok: boolean; items: CheckerVerdict[] }>('/_sim/checks')),
    api.attempt(api.all<Server>('/v1/servers')),
    api.attempt(api.all<DrPair>('/v1/dr-pairs')),
  ]);
  return {
    tenant,
    adminToken,
    clock,
    progression,
    faults,
    checks,
    servers,
    pairs: pairs.ok ? pairs.value : [],
  };
}

const EFFECTS = ['fail', 'delay', 'hang', 'corrupt', 'stall'] as const;
const TARGETS = [...USER_ACTIONS, 'replication', 'recoveryPoint'] as const;

export function SimulationPage(props: { data: SimulationPageData }) {
  const { data } = props;
  const refused = [data.clock, data.progression, data.faults, data.checks].find((loaded) => !loaded.ok);
  return (
    <div class="simulation">
      <div class="page-head">
        <h1>Simulation panel</h1>
      </div>
      <p class="lead sim-lead">
        These controls belong to drsim, not to the simulated service: they move time, inject faults and
        inspect the simulation through the control API (<code>/_sim</code>), exactly as a test would.
      </p>
      <section class="section" aria-labelledby="access-title">
        <h2 id="access-title">Control API access</h2>
        {refused && !refused.ok ? (
          <p class="form-error" role="alert">
            The control API refused: {refused.problem.detail} Give the admin token the server was started
            with.
          </p>
        ) : null}
        <form class="inline-form" data-settings-form>
          <label for="sim-tenant">Tenant</label>
          <input id="sim-tenant" name="tenant" value={data.tenant} autocomplete="off" spellcheck={false} />
          <label for="sim-admin">Admin token</label>
          <input
            id="sim-admin"
            name="admin"
            type="password"
            value={data.adminToken ?? ''}
            autocomplete="off"
            placeholder="only with --admin-token"
          />
          <button type="submit" class="secondary">
            Save
          </button>
        </form>
        <p class="hint">
          Faults, outages and reset name the tenant; with development tokens (no token file) the tenant is the
          token.
        </p>
      </section>
      <div class="columns">
        <section class="section" aria-labelledby="clock-title">
          <h2 id="clock-title">Clock</h2>
          <Clock clock={data.clock} />
        </section>
        <section class="section" aria-labelledby="checks-title">
          <h2 id="checks-title">Invariant checkers</h2>
          <Checks checks={data.checks} tenant={data.tenant} />
        </section>
      </div>
      <section class="section" aria-labelledby="progression-title">
        <h2 id="progression-title">Job progression</h2>
        <Progression progression={data.progression} />
      </section>
      <section class="section" aria-labelledby="faults-title">
        <h2 id="faults-title">Fault rules</h2>
        <Faults data={data} />
      </section>
      <section class="section" aria-labelledby="outages-title">
        <h2 id="outages-title">Server outages</h2>
        <Outages data={data} />
      </section>
      <section class="section danger-zone" aria-labelledby="reset-title">
        <h2 id="reset-title">Reset</h2>
        <p>
          Deletes everything of tenant <strong>{data.tenant}</strong>: servers, DR pairs, recovery points,
          jobs, fault rules and events.
        </p>
        <OpenButton dialog="dlg-reset" tone="danger">
          Reset tenant {data.tenant}
        </OpenButton>
        <ApiDialog
          id="dlg-reset"
          title={`Reset tenant ${data.tenant}?`}
          api={{
            method: 'POST',
            path: `/_sim/tenants/${enc(data.tenant)}/reset`,
            done: `Tenant ${data.tenant} reset`,
          }}
          submitLabel="Reset"
          tone="danger"
        >
          <p>Everything of this tenant is deleted. This cannot be undone (unless you saved a snapshot).</p>
        </ApiDialog>
      </section>
    </div>
  );
}

function Refused(props: { problem: Problem }) {
  return (
    <p class="form-error">
      {props.problem.code}: {props.problem.detail}
    </p>
  );
}

function Clock(props: { clock: Loaded<ClockView> }) {
  if (!props.clock.ok) return <Refused problem={props.clock.problem} />;
  const clock = props.clock.value;
  return (
    <>
      <p class="big-clock">
        <time datetime={clock.now} data-sim-clock>
          {formatTime(clock.now)}
        </time>
      </p>
      <fieldset class="sim-advance">
        <legend class="visually-hidden">Advance the clock by</legend>
        {['1m', '5m', '15m', '1h', '6h', '1d', '7d'].map((by) => (
          <button
            type="button"
            class="sim-button"
            data-call="POST /_sim/clock/advance"
            data-body={JSON.stringify({ by })}
            data-done={`Clock advanced ${by}`}
          >
            +{by}
          </button>
        ))}
      </fieldset>
      <form class="stack-form" data-api="POST /_sim/clock/advance" data-done="Clock advanced" novalidate>
        <Field id="advance-by" name="by" label="Advance by" placeholder="e.g. 90s, 2h30m, 3d" required />
        <FormError />
        <button type="submit" class="secondary">
          Advance
        </button>
      </form>
      <form class="stack-form" data-api="PUT /_sim/clock" data-done="Clock settings saved" novalidate>
        <div class="field-grid">
          <Field
            id="clock-mode"
            name="mode"
            label="Mode"
            required
            options={[
              {
                value: 'manual',
                label: 'Manual: time moves only when advanced',
                selected: clock.mode === 'manual',
              },
              {
                value: 'realtime',
                label: 'Realtime: time follows the wall clock',
                selected: clock.mode === 'realtime',
              },
            ]}
          />
          <Field
            id="clock-speed"
            name="speed"
            label="Speed (simulated seconds per second)"
            numeric
            value={clock.speed}
            showWhen="mode=realtime"
          />
        </div>
        <FormError />
        <button type="submit" class="secondary">
          Apply
        </button>
      </form>
    </>
  );
}

function Progression(props: { progression: Loaded<ProgressionSettings> }) {
  if (!props.progression.ok) return <Refused problem={props.progression.problem} />;
  const settings = props.progression.value;
  const fallback = settings.default ?? 'clock';
  const modes = [
    { value: 'clock', label: 'clock — steps take simulated time' },
    { value: 'immediate', label: 'immediate — done at once' },
    { value: 'manual', label: 'manual — one step per poll or step call' },
  ];
  const keys = ['default', ...USER_ACTIONS] as const;
  return (
    <>
      <p class="hint">How each job type advances. Types without a setting of their own follow the default.</p>
      <TableWrap label="Job progression">
        <table class="table table-compact">
          <thead>
            <tr>
              <th scope="col">Job type</th>
              <th scope="col">Progression</th>
            </tr>
          </thead>
          <tbody>
            {keys.map((key) => {
              const own = settings[key];
              const id = `progression-${key}`;
              return (
                <tr>
                  <th scope="row">
                    <label for={id}>{key === 'default' ? 'Default' : ACTION_LABELS[key]}</label>
                  </th>
                  <td>
                    <select
                      id={id}
                      name={key}
                      data-change-call="PUT /_sim/progression"
                      data-done="Progression saved"
                    >
                      {modes.map((mode) => (
                        <option value={mode.value} selected={(own ?? fallback) === mode.value}>
                          {mode.label}
                        </option>
                      ))}
                    </select>
                    {key !== 'default' && !own ? <span class="quiet"> (default)</span> : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </TableWrap>
    </>
  );
}

function describeFault(rule: FaultRule): string {
  const effect = rule.effect;
  switch (effect.kind) {
    case 'fail':
      return `fail${effect.code ? ` with ${effect.code}` : ''}${effect.message ? `: ${effect.message}` : ''}`;
    case 'delay':
      return `delay by ${String(effect.duration)}`;
    default:
      return effect.kind;
  }
}

function Faults(props: { data: SimulationPageData }) {
  const { faults, pairs, tenant } = props.data;
  return (
    <>
      {!faults.ok ? (
        <Refused problem={faults.problem} />
      ) : faults.value.items.length === 0 ? (
        <Empty>No fault rule: everything succeeds.</Empty>
      ) : (
        <TableWrap label="Fault rules">
          <table class="table table-compact">
            <thead>
              <tr>
                <th scope="col">Rule</th>
                <th scope="col">Target</th>
                <th scope="col">Narrowed to</th>
                <th scope="col">Trigger</th>
                <th scope="col">Effect</th>
                <th scope="col">Fired</th>
                <th scope="col">
                  <span class="visually-hidden">Remove</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {faults.value.items.map((rule) => (
                <tr data-fault={rule.id}>
                  <td class="mono">{rule.id}</td>
                  <td>{rule.target}</td>
                  <td class="mono">
                    {Object.entries(rule.selector)
                      .map(([key, value]) => `${key}=${String(value)}`)
                      .join(', ') || 'anything'}
                  </td>
                  <td>
                    {Object.entries(rule.trigger)
                      .map(([key, value]) => `${key} ${String(value)}`)
                      .join(', ') || 'always'}
                  </td>
                  <td>{describeFault(rule)}</td>
                  <td>{rule.fired}</td>
                  <td>
                    <button
                      type="button"
                      class="secondary small"
                      data-call={`DELETE /_sim/faults/${enc(rule.id)}`}
                      data-done={`Fault rule ${rule.id} removed`}
                      aria-label={`Remove fault rule ${rule.id}`}
                    >
                      Remove
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      <form
        class="stack-form fault-form"
        data-api={`POST /_sim/faults?tenant=${enc(tenant)}`}
        data-done="Fault rule added"
        data-reset
        novalidate
        aria-labelledby="fault-form-title"
      >
        <h3 id="fault-form-title">Add a fault rule</h3>
        <div class="field-grid">
          <Field
            id="fault-target"
            name="target"
            label="Target"
            required
            options={TARGETS.map((target) => ({
              value: target,
              label:
                target in ACTION_LABELS
                  ? `${ACTION_LABELS[target as keyof typeof ACTION_LABELS]} job`
                  : target,
              selected: target === 'failover',
            }))}
          />
          <Field
            id="fault-pair"
            name="selector.pairId"
            label="DR pair"
            options={[
              { value: '', label: 'Any pair' },
              ...pairs.map((pair) => ({ value: pair.id, label: `${pair.id} — ${pair.name}` })),
            ]}
          />
          <Field
            id="fault-step"
            name="selector.step"
            label="Job step"
            placeholder="any step"
            hint="e.g. restore from recovery point"
          />
          <Field
            id="fault-effect"
            name="effect.kind"
            label="Effect"
            required
            options={EFFECTS.map((kind) => ({ value: kind, label: kind, selected: kind === 'fail' }))}
          />
          <Field
            id="fault-code"
            name="effect.code"
            label="Error code"
            options={[
              { value: '', label: 'INJECTED_FAULT (the default)' },
              ...FAULT_FAILURE_CODES.filter((code) => code !== 'INJECTED_FAULT').map((code) => ({
                value: code,
                label: code,
              })),
            ]}
            showWhen="effect.kind=fail"
          />
          <Field id="fault-message" name="effect.message" label="Error message" showWhen="effect.kind=fail" />
          <Field
            id="fault-duration"
            name="effect.duration"
            label="Delay"
            placeholder="e.g. 30m"
            showWhen="effect.kind=delay"
          />
          <Field
            id="fault-times"
            name="trigger.times"
            label="Times"
            numeric
            placeholder="every time"
            hint="Fire this many times, then stop."
          />
          <Field
            id="fault-probability"
            name="trigger.probability"
            label="Probability"
            numeric
            placeholder="1"
            hint="0 to 1, seeded."
          />
        </div>
        <FormError />
        <button type="submit" class="primary">
          Add fault rule
        </button>
      </form>
    </>
  );
}

function Outages(props: { data: SimulationPageData }) {
  const { servers, tenant } = props.data;
  if (!servers.ok) return <Refused problem={servers.problem} />;
  if (servers.value.length === 0) return <Empty>The tenant has no server.</Empty>;
  return (
    <TableWrap label="Servers">
      <table class="table table-compact">
        <thead>
          <tr>
            <th scope="col">Server</th>
            <th scope="col">Role</th>
            <th scope="col">Region</th>
            <th scope="col">State</th>
            <th scope="col">
              <span class="visually-hidden">Outage</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {servers.value.map((server) => {
            const down = server.powerState === 'DOWN';
            const which = down ? 'recover' : 'outage';
            return (
              <tr>
                <th scope="row">
                  {server.name} <span class="mono quiet">{server.id}</span>
                </th>
                <td>
                  {server.role}
                  {server.pairId ? <span class="mono quiet"> {server.pairId}</span> : null}
                </td>
                <td>{server.region}</td>
                <td>
                  <PowerBadge state={server.powerState} />
                </td>
                <td>
                  <button
                    type="button"
                    class={down ? 'secondary small' : 'danger small'}
                    data-call={`POST /_sim/servers/${enc(server.id)}/${which}?tenant=${enc(tenant)}`}
                    data-done={down ? `${server.name} recovered` : `${server.name} is down`}
                  >
                    {down ? 'Recover' : 'Outage'}
                    <span class="visually-hidden"> {server.name}</span>
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </TableWrap>
  );
}

/** The verdict on the tenant's own world: the check reads that world only, so it stays quick. */
function Checks(props: { checks: Loaded<{ ok: boolean; items: CheckerVerdict[] }>; tenant: string }) {
  if (!props.checks.ok) return <Refused problem={props.checks.problem} />;
  const { ok, items } = props.checks.value;
  return (
    <>
      <p
        class={ok ? 'verdict verdict-ok' : 'verdict verdict-bad'}
        data-checks-verdict={ok ? 'ok' : 'violated'}
      >
        {items.length === 0
          ? 'No invariant checker is registered.'
          : ok
            ? `${items.length === 1 ? 'The invariant holds' : `All ${items.length} invariants hold`} in tenant ${props.tenant}.`
            : `${violated(items.filter((item) => !item.ok).length, items.length)} In tenant ${props.tenant}.`}
      </p>
      {items.length > 0 ? (
        <ul class="checks">
          {items.map((item) => (
            <li class={item.ok ? 'check check-ok' : 'check check-bad'}>
              <strong>
                {item.ok ? '✓' : '✗'} {item.name}
              </strong>{' '}
              <span class="quiet">{item.description}</span>
              {item.violations.length > 0 ? (
                <ul>
                  {item.violations.map((violation) => (
                    <li>{violation}</li>
                  ))}
                </ul>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
}

const violated = (bad: number, all: number): string =>
  `${bad} of ${plural(all, 'invariant', 'invariants')} ${bad === 1 ? 'is' : 'are'} violated.`;
