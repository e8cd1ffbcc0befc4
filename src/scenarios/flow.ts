/**
 * `check-flow`: a product team's flow — the user actions of a design, the outcomes it expects
 * (`succeeds`, `fails`, ...) and the statuses it expects to show — replayed on the statechart.
 * The answer is that the flow is valid, or where it diverges and why: an action the chart does
 * not allow there (with what is allowed, and the condition that was missing), an outcome
 * nothing could have, or a status that cannot be the one shown at that point.
 */

import { chartGraph } from '../machine/chart.js';
import {
  ACTION_LABELS,
  type DrPairStatus,
  isBusy,
  STATUS_LABELS,
  STATUSES,
  TEST_STATE_LABELS,
  TEST_STATES,
  type TestFailoverState,
  USER_ACTIONS,
  type UserAction,
} from '../machine/index.js';
import {
  actionEventIn,
  activeStateIds,
  allowedIn,
  apply,
  describeState,
  distinctOutcomesIn,
  type FlowState,
  initialState,
  OUTCOMES,
  type Outcome,
  outcomeEvent,
  outcomesIn,
  statusIn,
  testIn,
} from './lifecycle.js';
import { didYouMean } from './suggest.js';
import { type Problem, YamlSource } from './yaml-source.js';

type FlowItem =
  | { kind: 'action'; action: UserAction; deleteAllRecoveryPoints: boolean }
  | { kind: 'outcome'; outcome: Outcome }
  | { kind: 'expect'; status?: DrPairStatus; test?: TestFailoverState };

interface ReadItem {
  item: FlowItem;
  text: string;
  line: number;
}

export interface FlowTraceLine {
  line: number;
  text: string;
  /** The pair's state after the item. */
  state: string;
}

export interface FlowResult {
  name: string;
  /** Problems reading the file (exit 2). */
  problems: Problem[];
  trace: FlowTraceLine[];
  divergence: { line: number; text: string; message: string } | null;
}

const norm = (s: string) => s.toLowerCase().replace(/[\s_-]+/g, '');

function statusFrom(text: string): DrPairStatus | undefined {
  return STATUSES.find((s) => norm(s) === norm(text) || norm(STATUS_LABELS[s]) === norm(text));
}

function testFrom(text: string): TestFailoverState | undefined {
  return TEST_STATES.find(
    (t) => norm(t) === norm(text) || (TEST_STATE_LABELS[t] && norm(TEST_STATE_LABELS[t]) === norm(text)),
  );
}

const WORDS = [...USER_ACTIONS, ...OUTCOMES, ...STATUSES];

function readItems(source: YamlSource, problems: Problem[]): { name: string; items: ReadItem[] } {
  const value = source.value();
  const root = Array.isArray(value) ? value : (value as { flow?: unknown } | null)?.flow;
  const base = Array.isArray(value) ? [] : ['flow'];
  const name =
    !Array.isArray(value) && typeof (value as { name?: unknown })?.name === 'string'
      ? (value as { name: string }).name
      : source.file;
  if (!Array.isArray(root)) {
    problems.push(
      source.problem(
        [],
        'a flow is a list (or `flow:` with a list) of user actions, outcomes and `expect: STATUS` lines.',
      ),
    );
    return { name, items: [] };
  }
  const items: ReadItem[] = [];
  root.forEach((raw, i) => {
    const path = [...base, i];
    const line = source.at(path).line;
    const bad = (message: string) => problems.push(source.problem(path, message));
    if (typeof raw === 'string') {
      const word = raw.trim();
      if ((USER_ACTIONS as readonly string[]).includes(word)) {
        items.push({
          item: { kind: 'action', action: word as UserAction, deleteAllRecoveryPoints: false },
          text: word,
          line,
        });
      } else if ((OUTCOMES as readonly string[]).includes(word)) {
        items.push({ item: { kind: 'outcome', outcome: word as Outcome }, text: word, line });
      } else if (statusFrom(word)) {
        items.push({ item: { kind: 'expect', status: statusFrom(word) as DrPairStatus }, text: word, line });
      } else {
        bad(`"${word}" is not a user action, an outcome or a status.${didYouMean(word, WORDS)}`);
      }
      return;
    }
    if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) {
      const entry = raw as Record<string, unknown>;
      const keys = Object.keys(entry);
      if (keys.length === 1 && (USER_ACTIONS as readonly string[]).includes(keys[0] as string)) {
        const options = (entry[keys[0] as string] ?? {}) as { deleteAllRecoveryPoints?: unknown };
        items.push({
          item: {
            kind: 'action',
            action: keys[0] as UserAction,
            deleteAllRecoveryPoints: options.deleteAllRecoveryPoints === true,
          },
          text: keys[0] as string,
          line,
        });
        return;
      }
      if (keys.length !== 1 || keys[0] !== 'expect') {
        const unknown = keys.find((k) => k !== 'expect') ?? 'expect';
        bad(`"${unknown}" is not a line of a flow.${didYouMean(unknown, ['expect', ...USER_ACTIONS])}`);
        return;
      }
      const expected = entry.expect;
      const fields = (typeof expected === 'string' ? { status: expected } : (expected ?? {})) as Record<
        string,
        unknown
      >;
      const extra = Object.keys(fields).find((k) => k !== 'status' && k !== 'test');
      const status = typeof fields.status === 'string' ? statusFrom(fields.status) : undefined;
      const test = typeof fields.test === 'string' ? testFrom(fields.test) : undefined;
      if (extra !== undefined) bad(`expect: unknown key "${extra}".${didYouMean(extra, ['status', 'test'])}`);
      else if (fields.status !== undefined && status === undefined) {
        const text = String(fields.status);
        // Suggest in the style written: a console label for "Replicatng", a status for "REPLICATNG".
        const names = text === text.toUpperCase() ? [...STATUSES] : Object.values(STATUS_LABELS);
        bad(`"${text}" is not a status.${didYouMean(text, names)}`);
      } else if (fields.test !== undefined && test === undefined) {
        bad(
          `"${String(fields.test)}" is not a test-failover state.${didYouMean(String(fields.test), [...TEST_STATES])}`,
        );
      } else if (status === undefined && test === undefined) {
        bad('write what the design shows: `expect: STATUS` or `expect: { status: STATUS, test: STATE }`.');
      } else {
        const text = [status && `expect ${status}`, test && `test ${test}`].filter(Boolean).join(', ');
        items.push({
          item: { kind: 'expect', ...(status && { status }), ...(test && { test }) },
          text,
          line,
        });
      }
      return;
    }
    bad('each line is a user action (startReplication), an outcome (succeeds) or `expect: STATUS`.');
  });
  return { name, items };
}

/** The statuses a chart state id stands for, in the console's words. */
function chartStateWords(id: string): string {
  if (id === 'PROTECTED') return 'Replicating, Pending or Error';
  if (id.startsWith('PROTECTED.test.')) {
    const test = id.slice('PROTECTED.test.'.length) as TestFailoverState;
    return `a test environment is ${TEST_STATE_LABELS[test] ?? 'absent'}`;
  }
  const status = id.split('.').at(-1) as DrPairStatus;
  return STATUS_LABELS[status] ?? status;
}

/** Why the test environment stands in the way, as the console would say it. */
const TEST_WORDS: Record<TestFailoverState, string> = {
  NONE: 'there is no test environment',
  PROCESSING: 'the test environment is being created',
  READY: 'a test environment exists (Clean Test Environment first)',
  CHANGING_RECOVERY_POINT: "the test server's recovery point is being changed",
  CLEANING: 'the test environment is being cleaned',
  FAILED: 'the test environment failed and must be cleaned first (Clean Test Environment)',
};

/** The one condition of a guard that does not hold here, in words; null when it holds. */
function failedCondition(state: FlowState, guard: string): string | null {
  const test = testIn(state);
  switch (guard) {
    case 'recoveryPointAvailable':
      return state.points ? null : 'the pair has no recovery point to use';
    case 'initialCopyDone':
      return state.snapshot.context.initialCopyDone ? null : 'the first full copy has not completed';
    case 'noTestEnvironment':
      return test === 'NONE' ? null : TEST_WORDS[test];
    case 'testIdle':
      return test === 'NONE' || test === 'READY' || test === 'FAILED' ? null : TEST_WORDS[test];
    case 'creditCovers':
      // The flow has no account: only the engine knows the credit (INSUFFICIENT_CREDIT at run time).
      return null;
    default:
      return guard;
  }
}

/**
 * Why an action is refused here, as one condition: the first guard that fails on the chart's
 * transition for it, or — when the chart has no such transition here — that the pair (or its
 * test environment) is busy, or where the action is possible at all.
 */
function whyRefused(state: FlowState, action: UserAction): string {
  const event = actionEventIn(state, action).type;
  const active = new Set(activeStateIds(statusIn(state), testIn(state)));
  const transitions = chartGraph().transitions.filter((t) => t.event === event);
  for (const t of transitions.filter((t) => active.has(t.source))) {
    for (const guard of (t.guard ?? '').split(/ and /).filter(Boolean)) {
      const failed = failedCondition(state, guard);
      if (failed !== null) return failed;
    }
  }
  if (isBusy(state.snapshot))
    return `the pair is busy (${STATUS_LABELS[statusIn(state)]}) until its running operation ends`;
  const test = testIn(state);
  if (transitions.some((t) => t.source.startsWith('PROTECTED.test.')) && active.has('PROTECTED'))
    return TEST_WORDS[test];
  const from = [...new Set(transitions.map((t) => chartStateWords(t.source)))];
  return `${ACTION_LABELS[action]} is possible only when ${from.length === 1 && !from[0]?.startsWith('a test') ? `the pair is ${from[0]}` : from.join(' or ')}`;
}

function possibilities(state: FlowState): string {
  const allowed = allowedIn(state);
  const outcomes = distinctOutcomesIn(state);
  const parts = [`allowed actions: ${allowed.length > 0 ? allowed.join(', ') : '(none)'}`];
  if (outcomes.length > 0) parts.push(`outcomes: ${outcomes.join(', ')}`);
  return parts.join('; ');
}

export function checkFlow(file: string, text: string): FlowResult {
  const source = new YamlSource(file, text);
  const problems = source.syntaxProblems();
  if (problems.length > 0) return { name: file, problems, trace: [], divergence: null };
  const { name, items } = readItems(source, problems);
  if (problems.length > 0) return { name, problems, trace: [], divergence: null };

  let state = initialState();
  const trace: FlowTraceLine[] = [];
  const here = () => describeState(statusIn(state), testIn(state));
  for (const { item, text, line } of items) {
    const diverge = (message: string): FlowResult => ({
      name,
      problems,
      trace,
      divergence: { line, text, message },
    });
    if (item.kind === 'action') {
      const event = actionEventIn(state, item.action, item.deleteAllRecoveryPoints);
      if (!state.snapshot.can(event)) {
        return diverge(
          `${ACTION_LABELS[item.action]} ("${item.action}") is not allowed while the pair is ${here()}: ${whyRefused(state, item.action)}. Here: ${possibilities(state)}.`,
        );
      }
      state = apply(state, event);
    } else if (item.kind === 'outcome') {
      const event = outcomeEvent(state, item.outcome);
      if (event === null) {
        return diverge(
          `nothing can "${item.outcome}" while the pair is ${here()}. Here: ${possibilities(state)}.`,
        );
      }
      state = apply(state, event);
    } else {
      const status = statusIn(state);
      const test = testIn(state);
      if (
        (item.status !== undefined && item.status !== status) ||
        (item.test !== undefined && item.test !== test)
      ) {
        const wanted = describeState(item.status ?? status, item.test ?? test);
        const via = outcomesIn(state).find((o) => {
          const next = apply(state, outcomeEvent(state, o) as NonNullable<ReturnType<typeof outcomeEvent>>);
          return (
            (item.status ?? statusIn(next)) === statusIn(next) && (item.test ?? testIn(next)) === testIn(next)
          );
        });
        const hint = via
          ? ` Did you leave out "${via}" before this line?`
          : ` ${wanted} cannot follow here; ${possibilities(state)}.`;
        return diverge(`the design shows ${wanted}, but the pair is ${here()} at this point.${hint}`);
      }
    }
    trace.push({ line, text, state: here() });
  }
  return { name, problems, trace, divergence: null };
}

export function formatFlow(file: string, result: FlowResult): string {
  if (result.problems.length > 0) return '';
  const width = Math.max(4, ...result.trace.map((t) => t.text.length));
  const lines = [
    `${result.name}`,
    ...result.trace.map((t) => `  ${String(t.line).padStart(3)}  ${t.text.padEnd(width)}  → ${t.state}`),
  ];
  if (result.divergence) {
    const d = result.divergence;
    lines.push(
      `  ${String(d.line).padStart(3)}  ${d.text.padEnd(width)}  ✗`,
      '',
      `${file}:${d.line}: the flow diverges from the statechart: ${d.message}`,
    );
  } else {
    lines.push(
      '',
      `${file}: valid — ${result.trace.length} steps, ending ${result.trace.at(-1)?.state ?? 'where it started'}.`,
    );
  }
  return `${lines.join('\n')}\n`;
}
