/**
 * The references scenario steps use, read the way people write them: a pair by name, a
 * server by name or as `shadow of web`, a recovery point as `latest`, `previous`, `oldest`,
 * `active`, `tested`, `30m ago` or a remembered name, a job or fault rule as `previous` or by its step's
 * `as` name. Reading them is pure (the parser checks them); resolving them needs the world.
 */
import { parseAgo } from '../sim/duration.js';

export const POINT_WORDS = ['latest', 'previous', 'oldest', 'active', 'tested'] as const;
export type PointWord = (typeof POINT_WORDS)[number];

export type PointRef = { kind: PointWord } | { kind: 'ago'; ms: number } | { kind: 'named'; name: string };

/** Reads a recovery point reference; a bad duration in `… ago` throws the duration's error. */
export function readPointRef(text: string): PointRef {
  const word = text.trim();
  if ((POINT_WORDS as readonly string[]).includes(word)) return { kind: word as PointWord };
  const ms = parseAgo(word);
  if (ms !== null) return { kind: 'ago', ms };
  return { kind: 'named', name: word };
}

export const SERVER_ROLES = { shadow: 'shadow of', main: 'main of', test: 'test server of' } as const;
export type ServerRef = { kind: 'named'; name: string } | { kind: keyof typeof SERVER_ROLES; pair: string };

export function readServerRef(text: string): ServerRef {
  const word = text.trim();
  for (const [kind, prefix] of Object.entries(SERVER_ROLES) as [keyof typeof SERVER_ROLES, string][]) {
    if (word.startsWith(`${prefix} `)) return { kind, pair: word.slice(prefix.length + 1).trim() };
  }
  return { kind: 'named', name: word };
}

/** `previous` or a step's `as` name, for jobs and fault rules. */
export const PREVIOUS = 'previous';
