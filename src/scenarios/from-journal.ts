/**
 * A client's session as a regression test: a tenant's request journal (`GET /_sim/requests`)
 * turned into a scenario that starts a world like the tenant's (its seed, time zone,
 * progression, region catalogue, the time of the first request), moves the clock as it moved
 * between the requests, sends the same requests and expects the same answers: status, problem
 * code and the key fields the journal kept (ids, names, statuses, types, codes).
 *
 * What the journal cannot replay is left out and listed in `skipped`: answers made by HTTP chaos
 * (or a dropped connection), refusals of the caller's policy (403: the scenario's token has full
 * access) and requests whose body was too large to be journaled.
 */
import { stringify } from 'yaml';
import type { JournalEntry } from '../server/journal.js';
import { formatDuration } from '../sim/duration.js';
import type { RegionCatalogue } from '../sim/regions.js';
import type { ProgressionSettings } from '../sim/types.js';

export interface SessionWorld {
  seed: number;
  timeZone?: string;
  progression?: ProgressionSettings;
  regions?: RegionCatalogue;
}

export interface JournalScenarioInput {
  /** The journal, in any order (it is sorted by `seq`). */
  entries: JournalEntry[];
  world: SessionWorld;
  /** The scenario's name. */
  name: string;
  description?: string;
}

export interface JournalScenario {
  yaml: string;
  /** How many requests became steps. */
  requests: number;
  skipped: { seq: number; request: string; reason: string }[];
  /** The journal had lost older requests (its first `seq` is not 1): the start is not the session's. */
  truncated: boolean;
}

/** Default progression and zone are left out, so the file says only what differs. */
const isDefaultProgression = (p: ProgressionSettings | undefined) =>
  p === undefined || Object.entries(p).every(([kind, mode]) => kind === 'default' && mode === 'clock');

function skipReason(entry: JournalEntry): string | null {
  if (entry.status === 0) return 'the connection was dropped (HTTP chaos)';
  if (entry.response?.code === 'CHAOS_INJECTED') return `answered ${entry.status} by HTTP chaos`;
  if (entry.status === 403) return "refused by the caller's policy (the scenario's token has full access)";
  if (entry.status === 401) return 'refused: no valid token';
  if (entry.bodyLength !== undefined && entry.body === undefined)
    return 'its body was not journaled (over 16 KiB)';
  return null;
}

export function journalToScenario(input: JournalScenarioInput): JournalScenario {
  const entries = [...input.entries].sort((a, b) => a.seq - b.seq);
  const steps: unknown[] = [];
  const skipped: JournalScenario['skipped'] = [];
  const first = entries[0];
  let clock = first ? Date.parse(first.simTime) : 0;
  for (const entry of entries) {
    const what = `${entry.method} ${entry.path}`;
    const reason = skipReason(entry);
    if (reason !== null) {
      skipped.push({ seq: entry.seq, request: what, reason });
      continue;
    }
    const at = Date.parse(entry.simTime);
    if (at > clock) steps.push({ advance: formatDuration(at - clock) });
    clock = Math.max(clock, at);
    const expect = {
      status: entry.status,
      ...(entry.response?.code !== undefined && { code: entry.response.code }),
      ...(entry.response?.body !== undefined && { body: entry.response.body }),
    };
    steps.push({
      request: {
        method: entry.method,
        path: entry.path,
        ...(Object.keys(entry.query).length > 0 && { query: entry.query }),
        ...(entry.body !== undefined && { body: entry.body }),
        ...(entry.idempotencyKey !== null && { idempotencyKey: entry.idempotencyKey }),
        expect,
      },
    });
  }
  const requests = steps.filter((step) => Object.hasOwn(step as object, 'request')).length;
  if (requests === 0) steps.push({ advance: '0s' });
  const { world } = input;
  const setup = {
    ...(first && { startTime: first.simTime }),
    ...(world.timeZone !== undefined && { timeZone: world.timeZone }),
    worldSeed: world.seed,
    ...(!isDefaultProgression(world.progression) && { progression: world.progression }),
    ...(world.regions !== undefined && { regions: world.regions }),
  };
  const scenario = {
    name: input.name,
    ...(input.description !== undefined && { description: input.description }),
    setup,
    steps,
  };
  return {
    yaml: stringify(scenario, { lineWidth: 0, aliasDuplicateObjects: false }),
    requests,
    skipped,
    truncated: first !== undefined && first.seq !== 1,
  };
}
