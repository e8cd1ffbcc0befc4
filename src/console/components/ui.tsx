/**
 * The console's small building blocks: status badges, form fields whose error slot the
 * page's script fills from the API's problem document (`errors[].path`), and `<dialog>`s
 * whose form the script sends to the API.
 */
import type { Child } from 'hono/jsx';
import type { DrPairStatus } from '../../machine/index.js';
import type { DrPair } from '../../sim/types.js';

type Tone = 'ok' | 'neutral' | 'busy' | 'warn' | 'error' | 'attention' | 'done' | 'muted';

const STATUS_TONES: Record<DrPairStatus, Tone> = {
  ATTACHED: 'neutral',
  STARTING_REPLICATION: 'busy',
  REPLICATING: 'ok',
  PAUSED: 'warn',
  REPLICATION_ERROR: 'error',
  FAILOVER_PROCESSING: 'busy',
  FAILOVER_FAILED: 'error',
  FAILED_OVER: 'attention',
  CHANGING_RECOVERY_POINT: 'busy',
  COMMITTING: 'busy',
  COMMITTED: 'done',
  DETACHED: 'muted',
};

/** Statuses in which the pair's own job runs: the page shows its progress. */
export const isProcessing = (status: DrPairStatus): boolean => STATUS_TONES[status] === 'busy';

export function StatusBadge(props: { pair: Pick<DrPair, 'status' | 'statusLabel'>; id?: string }) {
  const tone = STATUS_TONES[props.pair.status] ?? 'neutral';
  return (
    <span class={`badge badge-${tone}`} id={props.id} data-status={props.pair.status}>
      {tone === 'busy' ? <span class="spinner" aria-hidden="true" /> : null}
      {props.pair.statusLabel}
    </span>
  );
}

/** The "In Testing Failover" column: empty when there is no test environment. */
export function TestBadge(props: { pair: Pick<DrPair, 'testFailover'> }) {
  const test = props.pair.testFailover;
  if (!test) return <span class="quiet">—</span>;
  const tone: Tone = test.state === 'READY' ? 'ok' : test.state === 'FAILED' ? 'error' : 'busy';
  return (
    <span class={`badge badge-${tone}`} data-test-state={test.state}>
      {tone === 'busy' ? <span class="spinner" aria-hidden="true" /> : null}
      {test.label}
    </span>
  );
}

export function PowerBadge(props: { state: string }) {
  const tone: Tone = props.state === 'RUNNING' ? 'ok' : props.state === 'DOWN' ? 'error' : 'muted';
  const label = props.state === 'DOWN' ? 'Down' : props.state === 'RUNNING' ? 'Running' : 'Stopped';
  return <span class={`badge badge-small badge-${tone}`}>{label}</span>;
}

// ------------------------------------------------------------------ forms

interface FieldProps {
  /** The request body's path of the value, e.g. `network.vpcId`; errors come back by it. */
  name: string;
  /** Unique on the page; the label, hint and error hang on it. */
  id: string;
  label: string;
  hint?: Child;
  value?: string | number | null;
  type?: 'text' | 'number' | 'password';
  min?: number;
  max?: number;
  /** Sends the value as a number. */
  numeric?: boolean;
  placeholder?: string;
  /** Options of a `<select>`; a first empty option (`''`) means "leave it out". */
  options?: { value: string; label: string; selected?: boolean }[];
  list?: string;
  required?: boolean;
  autofocus?: boolean;
  /** Shown only when another field has a value: `effect.kind=delay`. */
  showWhen?: string;
}

export function Field(props: FieldProps) {
  const hintId = `${props.id}-hint`;
  const errorId = `${props.id}-error`;
  const describedBy = props.hint ? `${hintId} ${errorId}` : errorId;
  const common = {
    id: props.id,
    name: props.name,
    'aria-describedby': describedBy,
    'data-type': props.numeric ? 'number' : undefined,
    required: props.required,
    autofocus: props.autofocus,
  };
  return (
    <div class="field" data-show-when={props.showWhen}>
      <label for={props.id}>
        {props.label}
        {props.required ? null : <span class="optional"> (optional)</span>}
      </label>
      {props.options ? (
        <select {...common}>
          {props.options.map((option) => (
            <option value={option.value} selected={option.selected}>
              {option.label}
            </option>
          ))}
        </select>
      ) : (
        <input
          {...common}
          type={props.type ?? (props.numeric ? 'number' : 'text')}
          value={props.value === null || props.value === undefined ? undefined : String(props.value)}
          min={props.min}
          max={props.max}
          placeholder={props.placeholder}
          list={props.list}
          autocomplete="off"
          spellcheck={false}
        />
      )}
      {props.hint ? (
        <p class="hint" id={hintId}>
          {props.hint}
        </p>
      ) : null}
      <p class="field-error" id={errorId} data-error-for={props.name} hidden />
    </div>
  );
}

/** The API's message for a problem no field claims. */
export function FormError() {
  return <p class="form-error" data-error-for="" role="alert" hidden />;
}

export interface ApiTarget {
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  /** What the live region says when the API accepted it; `{job}` becomes the job id. */
  done: string;
}

interface DialogProps {
  id: string;
  title: string;
  api: ApiTarget;
  submitLabel: string;
  tone?: 'primary' | 'danger';
  /**
   * The checked values of this field go as one array in one request (attach several servers at
   * once: all or nothing, so a batch never half-succeeds).
   */
  list?: string;
  /** The pair action the dialog sends: it then follows the pair while open. */
  action?: string;
  wide?: boolean;
  children: Child;
}

/**
 * A modal dialog around a form the page's script sends to the API. A refusal keeps it open
 * with the API's messages next to the fields; an acceptance closes it and refreshes the page.
 */
export function ApiDialog(props: DialogProps) {
  return (
    <dialog
      id={props.id}
      class={props.wide ? 'dialog dialog-wide' : 'dialog'}
      aria-labelledby={`${props.id}-title`}
      data-action={props.action}
    >
      <form
        class="dialog-form"
        method="dialog"
        novalidate
        data-api={`${props.api.method} ${props.api.path}`}
        data-done={props.api.done}
        data-list={props.list}
      >
        <header class="dialog-header">
          <h2 id={`${props.id}-title`}>{props.title}</h2>
          <button type="button" class="icon-button" data-close aria-label="Close">
            ×
          </button>
        </header>
        <div class="dialog-body">
          {props.action ? <div class="follow" data-follow role="alert" hidden /> : null}
          {props.children}
          <FormError />
        </div>
        <footer class="dialog-footer">
          <button type="button" class="secondary" data-close>
            Cancel
          </button>
          <button type="submit" class={props.tone ?? 'primary'}>
            {props.submitLabel}
          </button>
        </footer>
      </form>
    </dialog>
  );
}

/** A dialog without an API form: information, such as the support summary. */
export function InfoDialog(props: { id: string; title: string; children: Child; wide?: boolean }) {
  return (
    <dialog
      id={props.id}
      class={props.wide ? 'dialog dialog-wide' : 'dialog'}
      aria-labelledby={`${props.id}-title`}
    >
      <div class="dialog-form">
        <header class="dialog-header">
          <h2 id={`${props.id}-title`}>{props.title}</h2>
          <button type="button" class="icon-button" data-close aria-label="Close">
            ×
          </button>
        </header>
        <div class="dialog-body">{props.children}</div>
        <footer class="dialog-footer">
          <button type="button" class="primary" data-close autofocus>
            Done
          </button>
        </footer>
      </div>
    </dialog>
  );
}

/** A button that opens a dialog of the page. */
export function OpenButton(props: {
  dialog: string;
  tone?: 'primary' | 'secondary' | 'danger';
  children: Child;
  class?: string;
  id?: string;
}) {
  return (
    <button
      id={props.id}
      type="button"
      class={[props.tone ?? 'secondary', props.class].filter(Boolean).join(' ')}
      data-open={props.dialog}
      aria-haspopup="dialog"
    >
      {props.children}
    </button>
  );
}

export function TableWrap(props: { label: string; children: Child; tall?: boolean }) {
  // Scrolls sideways on a phone instead of squeezing columns; focusable so a keyboard can scroll it.
  return (
    <section
      class={props.tall ? 'table-wrap table-tall' : 'table-wrap'}
      aria-label={props.label}
      tabindex={0}
    >
      {props.children}
    </section>
  );
}

export function Empty(props: { children: Child }) {
  return <p class="empty">{props.children}</p>;
}
