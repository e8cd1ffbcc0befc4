/** The invariant checkers, one module each, run over the stored state. */
import type { Checker, SimState } from '../contract.js';
import type { CheckerVerdict } from '../types.js';

export const CHECKERS: Checker[] = [];

export function runCheckers(state: SimState): CheckerVerdict[] {
  return CHECKERS.map((c) => {
    const violations = c.check(state);
    return { name: c.name, description: c.description, ok: violations.length === 0, violations };
  });
}
