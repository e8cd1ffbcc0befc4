/**
 * How a simulator starts: its checked options made into a runtime and a context, and the state a
 * new world starts with, made without a database of its own. Internal: nothing here is part of
 * the published types (they would reach better-sqlite3's).
 */
import { type ContextInit, type Ctx, createContext } from './context.js';
import type { CreateSimulatorOptions, SimState } from './contract.js';
import { DEFAULT_TIME_ZONE, validateTimeZone } from './retention.js';
import { type Statements, statements, toMs } from './rows.js';
import * as stateIo from './state-io.js';
import { openStore, type Store } from './store.js';
import { check } from './validate.js';

const DEFAULT_START = '2026-01-05T00:00:00.000Z';

/** A new simulator's runtime (seed, start, settings, clock), its options checked. */
export function initialRuntime(options: CreateSimulatorOptions): ContextInit {
  const seed = options.seed ?? 1;
  check(Number.isSafeInteger(seed), 'seed', 'an integer');
  const startMs = toMs(options.startTime ?? DEFAULT_START);
  check(Number.isFinite(startMs), 'startTime', 'an ISO 8601 time');
  const timeZone = validateTimeZone(options.timeZone ?? DEFAULT_TIME_ZONE);
  const retention = options.historyRetentionDays;
  check(
    retention === undefined || (Number.isInteger(retention) && retention >= 1 && retention <= 36_600),
    'historyRetentionDays',
    'a whole number of days from 1 to 36600',
  );
  return {
    seed,
    startMs,
    settings: {
      timeZone,
      progression: { default: 'clock', ...options.progression },
      ...(options.historyRetentionDays === undefined ? {} : { historyRetentionDays: retention }),
    },
    mode: options.clock?.mode ?? 'manual',
    speed: options.clock?.speed ?? 1,
  };
}

export function openContext(store: Store, options: CreateSimulatorOptions, init: ContextInit): Ctx {
  const ctx = createContext(store, init, options.wallClock);
  // An existing database keeps its own setting unless the caller names one.
  if (options.historyRetentionDays !== undefined)
    ctx.settings.historyRetentionDays = options.historyRetentionDays;
  return ctx;
}

/** An empty in-memory database to make new simulators' states on (`newSimulatorState`). */
export interface Scratch {
  store: Store;
  st: Statements;
}

export function openScratch(): Scratch {
  const store = openStore(':memory:');
  return { store, st: statements(store.db) };
}

/**
 * The state `createSimulator(options)` starts with, made on `scratch` instead of a database of
 * its own (opening one, with its migrations and statements, costs several times more). A
 * world's reset imports it.
 */
export function newSimulatorState(options: CreateSimulatorOptions, scratch: Scratch): SimState {
  const ctx = openContext(scratch.store, options, initialRuntime(options));
  try {
    return stateIo.exportState({ ctx, st: scratch.st, store: scratch.store });
  } finally {
    // Empty again: the next context starts new rather than from this one's runtime.
    scratch.store.tx(() => scratch.store.db.prepare("DELETE FROM meta WHERE key = 'runtime'").run());
  }
}
