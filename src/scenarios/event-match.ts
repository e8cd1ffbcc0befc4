/**
 * expectEvents' matching: an event matches a matcher when the kinds are equal and every other
 * field of the matcher equals the event's data (an error or effect object is compared by its
 * code or kind). When an `inOrder` matcher finds nothing, `nearest` explains why with the
 * events that came closest: same kind, most fields equal, and where they were.
 */
import type { SimEvent } from '../sim/types.js';
import { formatEvent } from './event-format.js';
import type { World } from './world.js';

export type Matcher = { kind: string } & Record<string, unknown>;

function fieldMatches(got: unknown, want: unknown): boolean {
  if (got !== null && typeof got === 'object') {
    const { code, kind } = got as { code?: unknown; kind?: unknown };
    return code === want || kind === want;
  }
  return got === want || (want !== null && got !== undefined && String(got) === String(want));
}

const fieldsOf = ({ kind: _kind, ...fields }: Matcher) => Object.entries(fields);

export function matches(event: SimEvent, matcher: Matcher): boolean {
  return event.kind === matcher.kind && fieldsOf(matcher).every(([k, v]) => fieldMatches(event.data[k], v));
}

export const describeMatcher = (matcher: Matcher): string => {
  const fields = fieldsOf(matcher);
  return `${matcher.kind}${fields.length ? ` ${fields.map(([k, v]) => `${k}=${String(v)}`).join(' ')}` : ''}`;
};

const show = (value: unknown): string => {
  if (value !== null && typeof value === 'object') {
    const { code, kind } = value as { code?: unknown; kind?: unknown };
    return String(code ?? kind ?? JSON.stringify(value));
  }
  return String(value);
};

/**
 * The events nearest to what `matcher` wanted, as lines for a failure's "found": events of the
 * same kind ranked by how many fields agree, each with the fields that differ and whether it
 * came before the previous match (`from`), which an inOrder list cannot use.
 */
export function nearest(
  events: readonly SimEvent[],
  matcher: Matcher,
  from: number,
  world: World,
  previous: string | null,
): string {
  const fields = fieldsOf(matcher);
  const scored = events
    .map((event, index) => ({ event, index }))
    .filter(({ event }) => event.kind === matcher.kind)
    .map(({ event, index }) => {
      const differ = fields.filter(([k, v]) => !fieldMatches(event.data[k], v));
      return { event, index, differ };
    })
    .sort((a, b) => a.differ.length - b.differ.length || Math.abs(a.index - from) - Math.abs(b.index - from));
  if (scored.length === 0) {
    const kinds = [...new Set(events.map((e) => e.kind))];
    return `no ${matcher.kind} event at all in the window (${events.length} events: ${kinds.join(', ') || 'none'})`;
  }
  const lines = scored.slice(0, 3).map(({ event, index, differ }) => {
    const notes: string[] = [];
    if (differ.length > 0)
      notes.push(differ.map(([k, v]) => `${k} is ${show(event.data[k])}, not ${String(v)}`).join(', '));
    if (index < from && previous !== null) notes.push(`it comes before ${previous}, which matched earlier`);
    return `${formatEvent(event, world)}${notes.length ? `  ← ${notes.join('; ')}` : ''}`;
  });
  return `nearest matching events:\n${lines.join('\n')}`;
}
