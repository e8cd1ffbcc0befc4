// The virtual clock: manual time that never goes back, and realtime targets from a faked wall clock.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { VirtualClock } from '../../src/sim/clock.js';
import { DrError } from '../../src/sim/errors.js';

const START = Date.parse('2026-01-05T00:00:00.000Z');
const WALL = Date.parse('2030-06-01T12:00:00.000Z');

let wallMs = WALL;
/** The wall clock handed to the engine; `Date.now` is spied on only to prove it is never read. */
const wall = () => wallMs;
beforeEach(() => {
  wallMs = WALL;
  vi.spyOn(Date, 'now');
});
afterEach(() => {
  expect(Date.now).not.toHaveBeenCalled();
  vi.restoreAllMocks();
});

describe('VirtualClock in manual mode', () => {
  it('starts where it is told, with defaults manual and speed 1', () => {
    const clock = new VirtualClock({ nowMs: START });
    expect(clock.nowMs()).toBe(START);
    expect(clock.nowIso()).toBe('2026-01-05T00:00:00.000Z');
    expect(clock.mode).toBe('manual');
    expect(clock.speed).toBe(1);
    expect(clock.toJSON()).toEqual({ nowMs: START, mode: 'manual', speed: 1 });
  });

  it('moves forward with setNow and never backwards', () => {
    const clock = new VirtualClock({ nowMs: START });
    clock.setNow(START + 1000);
    clock.setNow(START + 1000);
    expect(clock.nowIso()).toBe('2026-01-05T00:00:01.000Z');
    expect(() => clock.setNow(START)).toThrow(/never goes backwards/);
    expect(() => clock.setNow(Number.NaN)).toThrow(Error);
    expect(clock.nowMs()).toBe(START + 1000);
  });

  it('ignores the wall clock: the target is now, and Date.now is never read', () => {
    const clock = new VirtualClock({ nowMs: START }, wall);
    wallMs += 3_600_000;
    clock.setNow(START + 5);
    expect(clock.realtimeTarget()).toBe(START + 5);
    expect(Date.now).not.toHaveBeenCalled();
  });

  it('refuses a bad start time, speed or mode with VALIDATION_FAILED', () => {
    expect(() => new VirtualClock({ nowMs: Number.NaN })).toThrow(DrError);
    for (const speed of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, 1_000_001]) {
      expect(() => new VirtualClock({ nowMs: START, speed })).toThrow(DrError);
    }
    const clock = new VirtualClock({ nowMs: START });
    try {
      clock.configure({ speed: 0 });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(DrError);
      expect((error as DrError).code).toBe('VALIDATION_FAILED');
      expect((error as DrError).details.field).toBe('speed');
    }
    expect(() => clock.configure({ mode: 'fast' as 'manual' })).toThrow(DrError);
    // A refused configure changes nothing, not even the valid half.
    expect(() => clock.configure({ mode: 'realtime', speed: -2 })).toThrow(DrError);
    expect(clock.toJSON()).toEqual({ nowMs: START, mode: 'manual', speed: 1 });
    clock.configure({ speed: 1_000_000 });
    expect(clock.speed).toBe(1_000_000);
  });
});

describe('VirtualClock in realtime mode', () => {
  it('targets the anchor plus wall time elapsed times speed', () => {
    const clock = new VirtualClock({ nowMs: START, mode: 'realtime', speed: 60 }, wall);
    expect(clock.realtimeTarget()).toBe(START); // pins the anchor to this wall moment
    wallMs += 1000;
    expect(clock.realtimeTarget()).toBe(START + 60_000);
    wallMs += 500;
    expect(clock.realtimeTarget()).toBe(START + 90_000);
    // The target is only a target: the engine moves the clock.
    expect(clock.nowMs()).toBe(START);
  });

  it('does not drift when the engine catches up in several steps', () => {
    const clock = new VirtualClock({ nowMs: START, mode: 'realtime', speed: 10 }, wall);
    clock.realtimeTarget();
    for (let tick = 0; tick < 5; tick++) {
      wallMs += 1000;
      const target = clock.realtimeTarget();
      // Simulated time elapsed is exactly speed × wall time elapsed since the anchor.
      expect(target).toBe(START + (wallMs - WALL) * 10);
      wallMs += 7; // the time the engine spends catching up
      clock.setNow(target - 3000);
      clock.setNow(target);
    }
    expect(clock.realtimeTarget()).toBe(START + 5 * 1007 * 10);
  });

  it('re-anchors when setNow jumps past the target (a manual advance)', () => {
    const clock = new VirtualClock({ nowMs: START, mode: 'realtime', speed: 2 }, wall);
    clock.realtimeTarget();
    wallMs += 1000;
    clock.setNow(START + 3_600_000);
    wallMs += 250;
    expect(clock.realtimeTarget()).toBe(START + 3_600_000);
    wallMs += 1000;
    expect(clock.realtimeTarget()).toBe(START + 3_600_000 + 2000);
  });

  it('re-anchors on configure: a new speed applies from that moment', () => {
    const clock = new VirtualClock({ nowMs: START, mode: 'realtime', speed: 1 }, wall);
    clock.realtimeTarget();
    wallMs += 1000;
    clock.setNow(clock.realtimeTarget());
    clock.configure({ speed: 100 });
    expect(clock.realtimeTarget()).toBe(START + 1000);
    wallMs += 1000;
    expect(clock.realtimeTarget()).toBe(START + 1000 + 100_000);
    clock.configure({ mode: 'manual' });
    wallMs += 1000;
    expect(clock.realtimeTarget()).toBe(clock.nowMs());
  });

  it('never targets a time before now, even if the wall clock steps back', () => {
    const clock = new VirtualClock({ nowMs: START, mode: 'realtime' }, wall);
    clock.realtimeTarget();
    wallMs -= 60_000;
    expect(clock.realtimeTarget()).toBe(START);
  });

  it('restore() goes back to a saved state, even backwards, and re-anchors there', () => {
    const clock = new VirtualClock({ nowMs: START, mode: 'realtime', speed: 2 }, wall);
    const saved = clock.toJSON();
    clock.realtimeTarget();
    wallMs += 5000;
    clock.setNow(clock.realtimeTarget());
    expect(clock.nowMs()).toBe(START + 10_000);
    clock.restore(saved);
    expect(clock.nowMs()).toBe(START);
    expect(clock.realtimeTarget()).toBe(START);
    wallMs += 1000;
    expect(clock.realtimeTarget()).toBe(START + 2000);
    expect(() => clock.restore({ nowMs: START - 1, mode: 'realtime', speed: 0 })).toThrow(DrError);
    expect(clock.toJSON()).toEqual(saved);
  });

  it('serialises mode and speed; a clock built from the JSON continues from its time', () => {
    const clock = new VirtualClock({ nowMs: START, mode: 'realtime', speed: 5 }, wall);
    clock.realtimeTarget();
    wallMs += 2000;
    clock.setNow(clock.realtimeTarget());
    const json = JSON.parse(JSON.stringify(clock)) as ReturnType<VirtualClock['toJSON']>;
    expect(json).toEqual({ nowMs: START + 10_000, mode: 'realtime', speed: 5 });
    const restored = new VirtualClock(json, wall);
    expect(restored.realtimeTarget()).toBe(START + 10_000);
    wallMs += 1000;
    expect(restored.realtimeTarget()).toBe(START + 15_000);
  });
});

describe('VirtualClock without a wall clock', () => {
  it('refuses realtime mode and leaves the clock as it was', () => {
    const clock = new VirtualClock({ nowMs: START });
    expect(() => clock.configure({ mode: 'realtime', speed: 60 })).toThrow(/needs a wall clock/);
    expect(clock.toJSON()).toEqual({ nowMs: START, mode: 'manual', speed: 1 });
  });

  it('keeps a restored realtime clock still rather than reading ambient time', () => {
    const clock = new VirtualClock({ nowMs: START, mode: 'realtime', speed: 60 });
    wallMs += 10_000;
    expect(clock.realtimeTarget()).toBe(START);
  });
});
