/**
 * The fault model: rules a tester adds to make the simulated service misbehave, checked here
 * (`validateFaultRule`) and matched against what the engine is about to do (`matchFault`). The
 * engine applies the effect, counts the firing (`fired`) and records a `fault.fired` event.
 *
 * Faults (rules), and what the system must recover from:
 * - `fail` (with an optional `code`, default INJECTED_FAULT) on a user action's job, optionally one
 *   `step` of it: the step and the job end FAILED with that code, and the pair takes the
 *   statechart's failure branch (e.g. "Error" after Start Replication, back to the failover
 *   choices after a failed Failover). Recovery: what the service offers there (Restart
 *   Replication, Failover with another point, Clean Test Environment). On `replication`, the
 *   periodic replication breaks (status "Error") until restarted.
 * - `delay` (a `duration`): the job, or the targeted step, takes that much longer. Nothing to
 *   recover from; the job completes later.
 * - `hang`: the job (or step) stays RUNNING while the rule exists; once the rule is removed it
 *   continues where it stopped.
 * - `corrupt` (target `recoveryPoint` only): the recovery points it matches are marked corrupt;
 *   failing over, testing or changing to one fails with RECOVERY_POINT_CORRUPT. Recovery: pick
 *   another point.
 * - `stall` (target `replication` only): replication keeps its status but takes no recovery
 *   points while the rule is active, so the RPO grows; points resume on schedule afterwards.
 *
 * Disasters that are not rules but direct engine calls, which the system must also survive:
 * - a server outage (`failServer` … `recoverServer`): replication from a DOWN main server fails
 *   with MAIN_SERVER_DOWN until the server is back; failover to the shadow is the way out;
 * - starting the shadow server by hand: replication fails with SHADOW_STARTED_MANUALLY, as on
 *   the real service; Restart Replication recovers.
 *
 * A rule fires when its target, tenant, selector and time window match and it has fired fewer
 * than `times` times; a `probability` is drawn from the simulator's rng last, so runs with the
 * same seed fire the same faults.
 */
import { USER_ACTIONS } from '../machine/index.js';
import { parseDuration } from './duration.js';
import { DrError, FAULT_FAILURE_CODES, type FaultFailureCode } from './errors.js';
import type { Rng } from './rng.js';
import type { FaultEffect, FaultRule, FaultRuleInput, FaultTarget } from './types.js';

export const FAULT_TARGETS: readonly FaultTarget[] = [...USER_ACTIONS, 'replication', 'recoveryPoint'];
export const FAULT_EFFECT_KINDS = ['fail', 'delay', 'hang', 'corrupt', 'stall'] as const;

const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}:\d{2})$/;
const FAULT_FAILURE_CODE_SET: ReadonlySet<string> = new Set<FaultFailureCode>(FAULT_FAILURE_CODES);
const MAX_TEXT_LENGTH = 500;

function invalid(field: string, message: string): DrError {
  return new DrError('VALIDATION_FAILED', `Invalid fault rule: ${message}`, { field });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function onlyKnownKeys(value: Record<string, unknown>, allowed: readonly string[], path: string): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      const field = path === '' ? key : `${path}.${key}`;
      const where = path === '' ? 'a rule' : path;
      throw invalid(field, `${field} is not a field of ${where}; write only ${allowed.join(', ')}.`);
    }
  }
}

function optionalText(value: unknown, field: string, example: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '' || value.length > MAX_TEXT_LENGTH) {
    throw invalid(
      field,
      `${field} must be a non-empty string of at most ${MAX_TEXT_LENGTH} characters, e.g. ${example}.`,
    );
  }
  return value;
}

/** A strict ISO 8601 time with a zone (`2026-01-05T10:00:00Z`), normalised to UTC (`toISOString`). */
function isoTime(value: unknown, field: string): string {
  const match = typeof value === 'string' ? ISO_TIME.exec(value) : null;
  if (match !== null && fieldsExist(match)) {
    const ms = Date.parse(value as string);
    if (!Number.isNaN(ms)) return new Date(ms).toISOString();
  }
  throw invalid(
    field,
    `${field} must be an ISO 8601 time with a zone, e.g. 2026-01-05T10:00:00Z; got ${JSON.stringify(value) ?? 'nothing'}.`,
  );
}

/** Date.parse rolls 2026-02-30 over into March; a real date reads back unchanged. */
function fieldsExist(match: RegExpExecArray): boolean {
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map((part) => Number(part ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  return (
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second
  );
}

function validateTarget(value: unknown): FaultTarget {
  if (typeof value !== 'string' || !(FAULT_TARGETS as readonly string[]).includes(value)) {
    throw invalid(
      'target',
      `target must be a user action (${USER_ACTIONS.join(', ')}), 'replication' or 'recoveryPoint'; got ${JSON.stringify(value) ?? 'nothing'}.`,
    );
  }
  return value as FaultTarget;
}

function validateSelector(value: unknown, target: FaultTarget): NonNullable<FaultRuleInput['selector']> {
  if (value === undefined) return {};
  if (!isRecord(value)) {
    throw invalid(
      'selector',
      'selector must be an object such as { "pairId": "drp-…", "step": "full copy" }.',
    );
  }
  onlyKnownKeys(value, ['pairId', 'recoveryPointId', 'step'], 'selector');
  const selector: NonNullable<FaultRuleInput['selector']> = {};
  const pairId = optionalText(value.pairId, 'selector.pairId', 'a DR pair id');
  const recoveryPointId = optionalText(
    value.recoveryPointId,
    'selector.recoveryPointId',
    'a recovery point id',
  );
  const step = optionalText(value.step, 'selector.step', 'a job step name');
  if (step !== undefined && target === 'recoveryPoint') {
    throw invalid(
      'selector.step',
      "a recovery point has no steps; remove selector.step or target the action's job.",
    );
  }
  if (pairId !== undefined) selector.pairId = pairId;
  if (recoveryPointId !== undefined) selector.recoveryPointId = recoveryPointId;
  if (step !== undefined) selector.step = step;
  return selector;
}

function validateTrigger(value: unknown): NonNullable<FaultRuleInput['trigger']> {
  if (value === undefined) return {};
  if (!isRecord(value)) {
    throw invalid('trigger', 'trigger must be an object such as { "times": 1, "probability": 0.5 }.');
  }
  onlyKnownKeys(value, ['times', 'probability', 'from', 'until'], 'trigger');
  const trigger: NonNullable<FaultRuleInput['trigger']> = {};
  if (value.times !== undefined) {
    if (typeof value.times !== 'number' || !Number.isSafeInteger(value.times) || value.times < 1) {
      throw invalid(
        'trigger.times',
        'trigger.times must be a whole number ≥ 1 (omit it to fire every time).',
      );
    }
    trigger.times = value.times;
  }
  if (value.probability !== undefined) {
    const p = value.probability;
    if (typeof p !== 'number' || !Number.isFinite(p) || p < 0 || p > 1) {
      throw invalid('trigger.probability', 'trigger.probability must be a number from 0 to 1, e.g. 0.25.');
    }
    trigger.probability = p;
  }
  if (value.from !== undefined) trigger.from = isoTime(value.from, 'trigger.from');
  if (value.until !== undefined) trigger.until = isoTime(value.until, 'trigger.until');
  if (
    trigger.from !== undefined &&
    trigger.until !== undefined &&
    Date.parse(trigger.from) >= Date.parse(trigger.until)
  ) {
    throw invalid(
      'trigger.until',
      'trigger.until must be later than trigger.from (the window is from ≤ now < until).',
    );
  }
  return trigger;
}

function validateEffect(value: unknown, target: FaultTarget): FaultEffect {
  if (!isRecord(value)) {
    throw invalid('effect', 'effect must be an object such as { "kind": "fail", "code": "COPY_FAILED" }.');
  }
  const kind = value.kind;
  if (typeof kind !== 'string' || !(FAULT_EFFECT_KINDS as readonly string[]).includes(kind)) {
    throw invalid(
      'effect.kind',
      `effect.kind must be one of ${FAULT_EFFECT_KINDS.join(', ')}; got ${JSON.stringify(kind) ?? 'nothing'}.`,
    );
  }
  if (target === 'recoveryPoint' && kind !== 'corrupt') {
    throw invalid(
      'effect.kind',
      "effect.kind must be corrupt on target 'recoveryPoint' (rules on recovery points only corrupt them); to break replication, target 'replication'.",
    );
  }
  switch (kind) {
    case 'fail': {
      onlyKnownKeys(value, ['kind', 'code', 'message'], 'effect');
      const effect: FaultEffect = { kind: 'fail' };
      if (value.code !== undefined) {
        if (typeof value.code !== 'string' || !FAULT_FAILURE_CODE_SET.has(value.code)) {
          throw invalid('effect.code', `effect.code must be one of ${FAULT_FAILURE_CODES.join(', ')}.`);
        }
        effect.code = value.code as FaultFailureCode;
      }
      const message = optionalText(value.message, 'effect.message', '"disk full"');
      if (message !== undefined) effect.message = message;
      return effect;
    }
    case 'delay': {
      onlyKnownKeys(value, ['kind', 'duration'], 'effect');
      const duration = value.duration;
      if (duration === undefined) {
        throw invalid('effect.duration', 'a delay needs effect.duration, e.g. "10m" or 600000 (ms).');
      }
      let ms: number;
      try {
        ms = parseDuration(duration as number | string);
      } catch (error) {
        throw invalid('effect.duration', `effect.duration: ${(error as Error).message}`);
      }
      if (ms === 0)
        throw invalid(
          'effect.duration',
          'effect.duration of 0 delays nothing; write at least 1ms, e.g. "10m".',
        );
      return { kind: 'delay', duration: duration as number | string };
    }
    case 'hang':
      onlyKnownKeys(value, ['kind'], 'effect');
      return { kind: 'hang' };
    case 'corrupt':
      onlyKnownKeys(value, ['kind'], 'effect');
      if (target !== 'recoveryPoint') {
        throw invalid(
          'effect.kind',
          `effect.kind corrupt applies to recovery points; write target 'recoveryPoint' (not '${target}').`,
        );
      }
      return { kind: 'corrupt' };
    default:
      onlyKnownKeys(value, ['kind'], 'effect');
      if (target !== 'replication') {
        throw invalid(
          'effect.kind',
          `effect.kind stall applies to periodic replication; write target 'replication' (not '${target}').`,
        );
      }
      return { kind: 'stall' };
  }
}

/**
 * Checks a rule as a client sent it and returns a clean copy (known fields only, ISO times in
 * UTC). Throws DrError VALIDATION_FAILED whose message names the field and what to write instead,
 * with `details.field` the field's path (e.g. `trigger.probability`).
 *
 * @example validateFaultRule({ target: 'failover', effect: { kind: 'fail', code: 'COPY_FAILED' }, trigger: { times: 1 } })
 */
export function validateFaultRule(input: unknown): FaultRuleInput {
  if (!isRecord(input)) {
    throw invalid(
      'rule',
      'a fault rule must be an object such as { "target": "failover", "effect": { "kind": "fail" } }.',
    );
  }
  onlyKnownKeys(input, ['target', 'selector', 'trigger', 'effect', 'tenant'], '');
  const target = validateTarget(input.target);
  const rule: FaultRuleInput = {
    target,
    selector: validateSelector(input.selector, target),
    trigger: validateTrigger(input.trigger),
    effect: validateEffect(input.effect, target),
  };
  const tenant = optionalText(input.tenant, 'tenant', 'a tenant name');
  if (tenant !== undefined) rule.tenant = tenant;
  return rule;
}

/** What the engine is about to do, for `matchFault`. */
export interface FaultContext {
  tenant: string;
  target: FaultTarget;
  pairId?: string;
  recoveryPointId?: string;
  step?: string;
  nowMs: number;
}

/**
 * The first rule, in the order given, that applies to `ctx`, or null. A rule applies when its
 * target is `ctx.target`, its tenant is null or `ctx.tenant`, each selector field it sets equals
 * the context's, `from ≤ now < until`, it has fired fewer than `times` times, and then, if it has
 * a probability, `rng.next() < probability`. The rng is drawn only for rules that passed every
 * other check, so the same seed and the same calls draw the same numbers.
 */
export function matchFault(rules: readonly FaultRule[], ctx: FaultContext, rng: Rng): FaultRule | null {
  for (const rule of rules) {
    if (rule.target !== ctx.target) continue;
    if (rule.tenant !== null && rule.tenant !== ctx.tenant) continue;
    const { selector, trigger } = rule;
    if (selector.pairId !== undefined && selector.pairId !== ctx.pairId) continue;
    if (selector.recoveryPointId !== undefined && selector.recoveryPointId !== ctx.recoveryPointId) continue;
    if (selector.step !== undefined && selector.step !== ctx.step) continue;
    if (trigger.from !== undefined && ctx.nowMs < Date.parse(trigger.from)) continue;
    if (trigger.until !== undefined && ctx.nowMs >= Date.parse(trigger.until)) continue;
    if (trigger.times !== undefined && rule.fired >= trigger.times) continue;
    if (trigger.probability !== undefined && !(rng.next() < trigger.probability)) continue;
    return rule;
  }
  return null;
}
