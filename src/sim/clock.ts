/**
 * Simulated time. The engine moves it forward itself (`setNow`); nothing here runs timers. In
 * realtime mode the clock only says where simulated time should be by now (`realtimeTarget`), from
 * the wall clock and `speed`, and the engine catches up to it, firing scheduled work on the way.
 *
 * The engine reads no ambient time: the wall clock is a function handed in from outside (the
 * server passes `Date.now`, a test a fake). Without one, realtime mode is refused and a restored
 * realtime clock stands still. It is read in `realtimeTarget` alone, so manual mode never touches it. To make that
 * possible the wall/sim anchor is taken lazily: `configure` and a `setNow` that jumps past the
 * realtime target only mark the anchor stale, and the next `realtimeTarget` call pins it to the
 * wall clock of that moment. A `setNow` that merely catches up (to at most the last target) keeps
 * the anchor, so repeated syncs do not drift by the time the engine spends on each.
 */

import { DrError } from './errors.js';
import type { ClockMode } from './types.js';

/** Simulated seconds per wall second, at most. */
export const MAX_SPEED = 1_000_000;
// The range of a JavaScript Date.
const MAX_TIME_MS = 8.64e15;
/**
 * Simulated time stays within 1970-01-01 and 9999-12-31 (four-digit years), so every time
 * converts to an ISO 8601 string and back; imports and advances beyond are refused.
 */
export const EARLIEST_MS = 0;
export const LATEST_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** Whether `ms` is a time the simulator can hold (an integer within the range above). */
export const isSimTime = (ms: unknown): ms is number =>
  typeof ms === 'number' && Number.isInteger(ms) && ms >= EARLIEST_MS && ms <= LATEST_MS;

function checkSpeed(speed: unknown): number {
  if (typeof speed !== 'number' || !Number.isFinite(speed) || speed <= 0 || speed > MAX_SPEED) {
    throw new DrError(
      'VALIDATION_FAILED',
      `speed must be a number of simulated seconds per wall second, greater than 0 and at most ${MAX_SPEED} (e.g. 1 or 60); got ${String(speed)}.`,
      { field: 'speed', value: speed },
    );
  }
  return speed;
}

function checkMode(mode: unknown): ClockMode {
  if (mode !== 'manual' && mode !== 'realtime') {
    throw new DrError('VALIDATION_FAILED', `mode must be 'manual' or 'realtime'; got ${String(mode)}.`, {
      field: 'mode',
      value: mode,
    });
  }
  return mode;
}

/** Milliseconds since the epoch, like `Date.now`; handed to the engine from outside. */
export type WallClock = () => number;

export class VirtualClock {
  readonly #wallClock: WallClock | undefined;
  #nowMs: number;
  #mode: ClockMode;
  #speed: number;
  /** Simulated time at the anchor. */
  #anchorSimMs: number;
  /** Wall time at the anchor; null until the next `realtimeTarget` call pins it. */
  #anchorWallMs: number | null = null;
  /** The last target `realtimeTarget` returned: catching up to it keeps the anchor. */
  #lastTargetMs: number;
  /** `nowIso()` of `#isoMs`, kept until the time moves. */
  #iso = '';
  #isoMs = Number.NaN;

  constructor(init: { nowMs: number; mode?: ClockMode; speed?: number }, wallClock?: WallClock) {
    this.#wallClock = wallClock;
    if (!Number.isFinite(init.nowMs) || Math.abs(init.nowMs) > MAX_TIME_MS) {
      throw new DrError('VALIDATION_FAILED', `The start time must be a valid date; got ${init.nowMs} ms.`, {
        field: 'nowMs',
        value: init.nowMs,
      });
    }
    this.#nowMs = init.nowMs;
    this.#mode = checkMode(init.mode ?? 'manual');
    this.#speed = checkSpeed(init.speed ?? 1);
    this.#anchorSimMs = init.nowMs;
    this.#lastTargetMs = init.nowMs;
  }

  get mode(): ClockMode {
    return this.#mode;
  }

  get speed(): number {
    return this.#speed;
  }

  nowMs(): number {
    return this.#nowMs;
  }

  nowIso(): string {
    // Asked several times per request (answers, the journal, X-Drsim-Time) while time stands.
    if (this.#isoMs !== this.#nowMs) {
      this.#iso = new Date(this.#nowMs).toISOString();
      this.#isoMs = this.#nowMs;
    }
    return this.#iso;
  }

  /** Moves simulated time to `ms`; throws if that is in the past (time never goes backwards). */
  setNow(ms: number): void {
    if (!Number.isFinite(ms) || ms > MAX_TIME_MS) throw new Error(`setNow: ${ms} is not a valid time`);
    if (ms < this.#nowMs) {
      throw new Error(
        `setNow: time never goes backwards (now ${this.nowIso()}, asked for ${new Date(ms).toISOString()})`,
      );
    }
    this.#nowMs = ms;
    if (ms > this.#lastTargetMs) this.#reanchor();
  }

  /** Changes mode and/or speed; validates both before changing either. */
  configure(settings: { mode?: ClockMode; speed?: number }): void {
    const mode = settings.mode === undefined ? this.#mode : checkMode(settings.mode);
    const speed = settings.speed === undefined ? this.#speed : checkSpeed(settings.speed);
    if (mode === 'realtime') this.#requireWallClock();
    this.#mode = mode;
    this.#speed = speed;
    this.#reanchor();
  }

  /**
   * Where simulated time should be now: in realtime mode, the anchor's simulated time plus the wall
   * time since the anchor times `speed` (never before `nowMs()`); in manual mode, `nowMs()`.
   */
  realtimeTarget(): number {
    if (this.#mode === 'manual' || this.#wallClock === undefined) return this.#nowMs;
    const wallMs = this.#wallClock();
    if (this.#anchorWallMs === null) this.#anchorWallMs = wallMs;
    const target = Math.floor(this.#anchorSimMs + (wallMs - this.#anchorWallMs) * this.#speed);
    // A wall clock stepped back (NTP) must not move simulated time back.
    this.#lastTargetMs = Math.min(Math.max(target, this.#nowMs), MAX_TIME_MS);
    return this.#lastTargetMs;
  }

  /**
   * Puts the clock back to a saved state, also backwards: only for a rolled-back transaction and
   * for importing a whole state, where the past is what is being restored.
   */
  restore(saved: { nowMs: number; mode: ClockMode; speed: number }): void {
    // Validated before anything changes, so a bad state leaves the clock as it was.
    if (!isSimTime(saved.nowMs)) {
      throw new DrError(
        'VALIDATION_FAILED',
        `clock.nowMs must be a time from 1970 to 9999; got ${String(saved.nowMs)}.`,
        {
          field: 'nowMs',
          value: saved.nowMs,
        },
      );
    }
    const mode = checkMode(saved.mode);
    const speed = checkSpeed(saved.speed);
    this.#nowMs = saved.nowMs;
    this.#mode = mode;
    this.#speed = speed;
    this.#reanchor();
  }

  toJSON(): { nowMs: number; mode: ClockMode; speed: number } {
    return { nowMs: this.#nowMs, mode: this.#mode, speed: this.#speed };
  }

  #requireWallClock(): void {
    if (this.#wallClock === undefined) {
      throw new DrError(
        'VALIDATION_FAILED',
        'mode realtime needs a wall clock, and this simulator was created without one (pass wallClock: Date.now to createSimulator).',
        { field: 'mode', value: 'realtime' },
      );
    }
  }

  #reanchor(): void {
    this.#anchorSimMs = this.#nowMs;
    this.#anchorWallMs = null;
    this.#lastTargetMs = this.#nowMs;
  }
}
