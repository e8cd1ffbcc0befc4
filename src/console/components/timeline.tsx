/**
 * The pair's event timeline (its operation history), newest first, each event in a sentence.
 * Routine replication — a recovery point every 15 minutes and the retention deleting the ones
 * off the interval — would drown everything else, so it is shown only on request.
 */
import { STATUS_LABELS, TEST_STATE_LABELS } from '../../machine/index.js';
import { SIM_EVENT_KINDS, type SimEvent } from '../../sim/types.js';
import { formatTime } from '../format.js';
import { ACTION_LABELS } from './pair-actions.js';
import { Empty } from './ui.js';

const ROUTINE_DELETIONS = new Set(['interval', 'daily', 'weekly', 'age', 'count']);

/** Kinds that are never notable: steps are in the Jobs section, writes and ticks are the workload's. */
const HIDDEN_KINDS = new Set<string>(['recoveryPoint.created', 'job.step', 'file.written', 'clock.advanced']);

/** What to ask the history for when only notable events are shown (`?kinds=`). */
export const NOTABLE_KINDS = SIM_EVENT_KINDS.filter((kind) => !HIDDEN_KINDS.has(kind));

/** Events a person follows a pair by; the rest only with "all events". */
export function isNotable(event: SimEvent): boolean {
  if (HIDDEN_KINDS.has(event.kind)) return false;
  if (event.kind === 'recoveryPoint.deleted') return !ROUTINE_DELETIONS.has(String(event.data.reason));
  return true;
}

const str = (value: unknown): string => (value === null || value === undefined ? '' : String(value));
/** A message as the end of a sentence that adds its own full stop. */
const clause = (value: unknown): string => str(value).replace(/\.+$/, '');
const statusLabel = (status: unknown): string =>
  STATUS_LABELS[status as keyof typeof STATUS_LABELS] ?? str(status);
const actionLabel = (type: unknown): string => ACTION_LABELS[type as keyof typeof ACTION_LABELS] ?? str(type);

export function describeEvent(event: SimEvent): string {
  const d = event.data;
  switch (event.kind) {
    case 'pair.attached': {
      const placement = (d.placement ?? {}) as Record<string, unknown>;
      return `Attached main server ${str(d.mainServerId)}; shadow placement ${str(placement.region)}, ${str(placement.vpcId)}, ${str(placement.subnetId)}.`;
    }
    case 'pair.transition': {
      const parts: string[] = [];
      if (d.from !== d.to) parts.push(`Status ${statusLabel(d.from)} → ${statusLabel(d.to)}`);
      if (d.testFrom !== d.testTo) {
        const label = (state: unknown) =>
          TEST_STATE_LABELS[state as keyof typeof TEST_STATE_LABELS] ?? 'none';
        parts.push(`In Testing Failover ${label(d.testFrom)} → ${label(d.testTo)}`);
      }
      if (parts.length === 0) parts.push(`Status stays ${statusLabel(d.to)}`);
      return `${parts.join('; ')} (${str(d.event)}).`;
    }
    case 'job.created':
      return `${actionLabel(d.type)} job ${str(d.jobId)} started${requestNote(d.request)}.`;
    case 'job.step':
      return `Job ${str(d.jobId)}: step “${str(d.step)}” ${str(d.status).toLowerCase()}${Array.isArray(d.log) && d.log.length ? ` — ${d.log.join('; ')}` : ''}.`;
    case 'job.ended': {
      const error = d.error as { code?: string; message?: string } | null;
      const outcome = str(d.status).toLowerCase();
      return `${actionLabel(d.type)} job ${str(d.jobId)} ${outcome}${error ? `: ${str(error.code)} — ${clause(error.message)}` : ''}.`;
    }
    case 'recoveryPoint.created':
      return `Recovery point ${str(d.recoveryPointId)} created (data version ${str(d.dataVersion)}).`;
    case 'recoveryPoint.deleted':
      return `Recovery point ${str(d.recoveryPointId)} deleted (${str(d.reason)}).`;
    case 'fault.fired':
      return `Fault rule ${str(d.faultId)} fired on ${str(d.target)}${d.step ? ` at step “${str(d.step)}”` : ''}${effectNote(d.effect)}.`;
    case 'server.created':
      return `Server ${str(d.serverId)} created${d.role ? ` as ${str(d.role)}` : ''}.`;
    case 'server.power':
      return `Server ${str(d.serverId)} is ${str(d.powerState).toLowerCase()}${d.reason ? ` (${str(d.reason)})` : ''}.`;
    case 'server.outage':
      return `Outage: server ${str(d.serverId)} is down.`;
    case 'server.recovered':
      return `Server ${str(d.serverId)} is back after its outage.`;
    case 'server.role':
      return `Server ${str(d.serverId)} is now ${str(d.role)}.`;
    case 'server.deleted':
      return `Server ${str(d.serverId)} deleted.`;
    case 'file.written':
      return `File ${str(d.path)} written on ${str(d.serverId)} (version ${str(d.version)}, ${str(d.source)}).`;
    default:
      return `${event.kind} ${JSON.stringify(d)}`;
  }
}

function requestNote(request: unknown): string {
  const id = (request as { recoveryPointId?: unknown } | null)?.recoveryPointId;
  return typeof id === 'string' ? ` with recovery point ${id}` : '';
}

function effectNote(effect: unknown): string {
  const kind = (effect as { kind?: unknown } | null)?.kind;
  return typeof kind === 'string' ? ` (${kind})` : '';
}

const KIND_TONES: Partial<Record<SimEvent['kind'], string>> = {
  'job.ended': 'job',
  'fault.fired': 'error',
  'server.outage': 'error',
  'pair.transition': 'status',
};

export function Timeline(props: { events: SimEvent[]; total: number; all: boolean; pairId: string }) {
  const toggle = props.all ? '?' : '?events=all';
  return (
    <>
      <p class="quiet">
        {props.all
          ? 'All events'
          : 'Notable events (job steps, scheduled recovery points and their retention are hidden)'}
        , newest first
        {props.events.length < props.total ? `; the latest ${props.events.length} of ${props.total}` : ''}.{' '}
        <a
          href={`/console/pairs/${encodeURIComponent(props.pairId)}${toggle === '?' ? '' : toggle}#timeline`}
        >
          {props.all ? 'Show notable events only' : 'Show all events'}
        </a>
      </p>
      {props.events.length === 0 ? (
        <Empty>No events.</Empty>
      ) : (
        <ol class="timeline" tabindex={0} aria-label="Events, newest first">
          {props.events.map((event) => (
            <li class={`event event-${KIND_TONES[event.kind] ?? 'plain'}`}>
              <time datetime={event.at}>{formatTime(event.at)}</time>
              <span class="event-kind">{event.kind}</span>
              <span class="event-text">{describeEvent(event)}</span>
            </li>
          ))}
        </ol>
      )}
    </>
  );
}
