/** One simulation event on one line, for failure reports and expectEvents messages. */
import type { SimEvent } from '../sim/types.js';
import type { World } from './world.js';

const str = (v: unknown): string =>
  v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);

function detail(event: SimEvent): string {
  const d = event.data;
  switch (event.kind) {
    case 'pair.transition': {
      const test = d.testFrom !== d.testTo ? ` [test ${str(d.testFrom)} → ${str(d.testTo)}]` : '';
      return `${str(d.from)} → ${str(d.to)}${test} on ${str(d.event)}`;
    }
    case 'job.created':
      return `${str(d.type)} ${str(d.jobId)}`;
    case 'job.step':
      return `${str(d.jobId)} "${str(d.step)}" ${str(d.status)}`;
    case 'job.ended': {
      const error = d.error as { code?: string } | null | undefined;
      return `${str(d.type)} ${str(d.jobId)} ${str(d.status)}${error?.code ? ` ${error.code}` : ''}`;
    }
    case 'recoveryPoint.created':
      return `${str(d.recoveryPointId)} (data version ${str(d.dataVersion)})`;
    case 'recoveryPoint.deleted':
      return `${str(d.recoveryPointId)} (${str(d.reason)})`;
    case 'fault.fired':
      return `${str(d.faultId)} ${str(d.target)} ${str((d.effect as { kind?: string } | undefined)?.kind)}`;
    default:
      return Object.entries(d)
        .filter(([, v]) => typeof v !== 'object' || v === null)
        .map(([k, v]) => `${k}=${str(v)}`)
        .join(' ');
  }
}

export function formatEvent(event: SimEvent, world?: World): string {
  const pair = event.pairId === null ? '' : ` ${world ? world.pairName(event.pairId) : event.pairId}`;
  return `${event.at.replace('.000Z', 'Z')}${pair} ${event.kind} ${detail(event)}`.trimEnd();
}
